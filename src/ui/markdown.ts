// Markdown → terminal text (ANSI styled) for lesson and step bodies.
// Loaded lazily (see hooks/use-markdown.ts): marked-terminal pulls in highlight.js, which would
// otherwise cost the first frame about 0.2 s.
import {Marked, type Tokens} from 'marked';
import {markedTerminal} from 'marked-terminal';
import {stripVTControlCharacters as stripAnsi} from 'node:util';
import {colorsEnabled} from './theme.js';

const renderers = new Map<string, Marked>();

function rendererFor(width: number, colors: boolean): Marked {
	const key = `${width}:${colors}`;
	let marked = renderers.get(key);
	if (marked) return marked;
	marked = new Marked(markedTerminal({width, reflowText: true, tab: 2, showSectionPrefix: !colors}) as never);
	marked.use({
		renderer: {
			// marked-terminal leaves inline tokens inside list items unrendered with marked ≥13
			// (mikaelbr/marked-terminal#304, #371): render them here.
			text(token: Tokens.Text | Tokens.Escape) {
				return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : false;
			},
			// Without colours inline code would look like prose: keep its backticks.
			...(colors ? {} : {codespan: (token: Tokens.Codespan) => `\`${token.text}\``}),
		},
	});
	renderers.set(key, marked);
	return marked;
}

/** Renders Markdown for a terminal `width` columns wide; plain text when NO_COLOR is set. */
export function renderMarkdown(markdown: string, width: number, colors = colorsEnabled()): string {
	const rendered = rendererFor(Math.max(20, width), colors).parse(markdown, {async: false}) as string;
	// marked-terminal wraps paragraphs in full resets (ESC[0m); Ink's clipping of an overflowing box counts a
	// leading reset as a column and drops the line's first letter ("elated link:"). Its styles close themselves.
	const text = colors ? rendered.replaceAll('\u001b[0m', '') : stripAnsi(rendered);
	return text.replace(/\n{3,}/g, '\n\n').trimEnd();
}
