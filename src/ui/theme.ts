// Every colour and glyph the TUI uses. NO_COLOR (https://no-color.org) turns colours off;
// glyphs stay, so status is never carried by colour alone.
export type ColorToken = 'accent' | 'ok' | 'fail' | 'warn' | 'muted' | 'running' | 'code' | 'selected';

const palette: Record<ColorToken, string> = {
	accent: 'cyan',
	ok: 'green',
	fail: 'red',
	warn: 'yellow',
	muted: 'gray',
	running: 'blue',
	code: 'yellow',
	selected: 'cyanBright',
};

export function colorsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
	return env.NO_COLOR === undefined || env.NO_COLOR === '';
}

const enabled = colorsEnabled();

/** The Ink colour for a token, or undefined when colours are off. */
export function color(token: ColorToken): string | undefined {
	return enabled ? palette[token] : undefined;
}

export const glyph = {
	done: '✔',
	solved: '✔',
	failed: '✘',
	current: '▶',
	locked: '·',
	ready: '○',
	stale: '!',
	pointer: '›',
	bullet: '•',
	background: '⟳',
} as const;

/** Lines the output pane shows at most, whatever the terminal height. */
export const OUTPUT_TAIL_MAX = 200;
