// The TUI's one key table: each binding says which key it is, the words the footer and `?` help show for it,
// whether it is in the footer (or only in help, where the footer must fit one line), and what it does. The
// footer, the help panel and the input handler all read the same list, so a key cannot be shown and not work,
// or work and not be shown.
import type {UiWord} from './i18n.js';

export interface KeyPress {
	upArrow?: boolean;
	downArrow?: boolean;
	return?: boolean;
	escape?: boolean;
	ctrl?: boolean;
	backspace?: boolean;
	delete?: boolean;
	pageUp?: boolean;
	pageDown?: boolean;
}

export interface KeyBinding {
	/** As the footer and help show it: 'r', '↑/↓', 'Enter'. */
	keys: string;
	word: UiWord;
	/** false: listed in `?` help only. */
	footer?: boolean;
	matches(input: string, key: KeyPress): boolean;
	run(input: string, key: KeyPress): void;
}

type Named = 'up' | 'down' | 'enter' | 'esc' | 'pageUp' | 'pageDown';

/** A binding for a printable key ('r') or a named one ('enter'). */
export function bind(key: string | Named | Named[], word: UiWord, run: () => void, options: {label?: string; footer?: boolean} = {}): KeyBinding {
	const names = Array.isArray(key) ? key : [key];
	return {
		keys: options.label ?? LABELS[names[0] as Named] ?? names[0]!,
		word,
		footer: options.footer,
		run,
		matches: (input, press) =>
			names.some((name) => {
				switch (name) {
					case 'up':
						return press.upArrow === true;
					case 'down':
						return press.downArrow === true;
					case 'enter':
						// '\n' is Enter pressed before the terminal was in raw mode (the tty turned its \r into \n), or Ctrl-J.
						return press.return === true || input === '\n';
					case 'esc':
						return press.escape === true;
					case 'pageUp':
						return press.pageUp === true;
					case 'pageDown':
						return press.pageDown === true;
					default:
						return !press.ctrl && input === name;
				}
			}),
	};
}

const LABELS: Partial<Record<Named, string>> = {up: '↑', down: '↓', enter: 'Enter', esc: 'Esc', pageUp: 'PgUp', pageDown: 'PgDn'};

/** ↑ and ↓ as one footer entry. */
export function upDown(word: UiWord, move: (delta: number) => void): KeyBinding {
	return {
		keys: '↑/↓',
		word,
		matches: (_input, press) => press.upArrow === true || press.downArrow === true || press.pageUp === true || press.pageDown === true,
		run: (_input, press) => move(press.upArrow ? -1 : press.downArrow ? 1 : press.pageUp ? -10 : 10),
	};
}

/** The first binding the key press matches runs; true when one did. */
export function dispatchKey(bindings: readonly KeyBinding[], input: string, key: KeyPress): boolean {
	const binding = bindings.find((candidate) => candidate.matches(input, key));
	binding?.run(input, key);
	return binding !== undefined;
}
