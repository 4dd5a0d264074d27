// The app's own words inside the TUI, in the session's language (the catalogue is src/lab/i18n.ts).
import {createContext, useContext, type ReactNode} from 'react';
import type {Lang} from '../lab/types.js';
import {msg, type MessageKey} from '../lab/i18n.js';

export type Params = Record<string, string | number>;
export type UiWord = MessageKey;
export type Translate = (key: UiWord, params?: Params) => string;

export function translator(lang: Lang): Translate {
	return (key, params) => msg(lang, key, params);
}

const TranslateContext = createContext<Translate>(translator('en'));

export function LangProvider({lang, children}: {lang: Lang; children: ReactNode}) {
	return <TranslateContext.Provider value={translator(lang)}>{children}</TranslateContext.Provider>;
}

export function useT(): Translate {
	return useContext(TranslateContext);
}
