// The app's own words inside the TUI, in the session's language.
import {createContext, useContext, type ReactNode} from 'react';
import type {Lang} from '../lab/types.js';
import {uiWords, type UiWord} from './words.js';

export type Params = Record<string, string | number>;
export type Translate = (key: UiWord, params?: Params) => string;

export function translator(lang: Lang): Translate {
	return (key, params) => {
		let text: string = uiWords[key][lang];
		if (params) for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, String(value));
		return text;
	};
}

const TranslateContext = createContext<Translate>(translator('en'));

export function LangProvider({lang, children}: {lang: Lang; children: ReactNode}) {
	return <TranslateContext.Provider value={translator(lang)}>{children}</TranslateContext.Provider>;
}

export function useT(): Translate {
	return useContext(TranslateContext);
}
