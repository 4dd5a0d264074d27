import {useEffect, useMemo, useState} from 'react';

type RenderMarkdown = typeof import('../markdown.js').renderMarkdown;

let loaded: RenderMarkdown | undefined;
let loading: Promise<RenderMarkdown> | undefined;

/** Starts loading the Markdown renderer (kept out of the first frame's import path). */
export function preloadMarkdown(): Promise<RenderMarkdown> {
	loading ??= import('../markdown.js').then((module) => {
		loaded = module.renderMarkdown;
		return loaded;
	});
	return loading;
}

/** Markdown rendered for `width` columns; the raw text until the renderer has loaded. */
export function useMarkdown(markdown: string, width: number): string {
	const [render, setRender] = useState<RenderMarkdown | undefined>(() => loaded);
	useEffect(() => {
		if (render) return;
		let live = true;
		void preloadMarkdown().then((fn) => {
			if (live) setRender(() => fn);
		});
		return () => {
			live = false;
		};
	}, [render]);
	return useMemo(() => (render ? render(markdown, width) : markdown.trim()), [render, markdown, width]);
}
