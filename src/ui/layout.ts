// The screen's arithmetic, kept pure so it can be tested without Ink: how many rows each region of the step view
// gets, and how text becomes rows of at most `width` columns without breaking a command, a code span or a URL.
// Ink repaints badly when a frame is taller than the terminal, so every row a component draws is counted here.
import {stripVTControlCharacters as stripAnsi} from 'node:util';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/** The smallest terminal the lab draws in; below it a "make the terminal larger" screen. */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

export function fitsTerminal(columns: number, rows: number): boolean {
	return columns >= MIN_COLUMNS && rows >= MIN_ROWS;
}

/** Joins the characters of a code span or a URL so that wrapping treats it as one word (see `unprotect`). */
export const GLUE = '\u00a0';

export function unprotect(text: string): string {
	return text.replaceAll(GLUE, ' ');
}

/**
 * A glued run (a code span) wider than `width` cannot stay on one row: its glue is undone so that it breaks at its own
 * spaces, between the command's words, instead of being cut inside a token (a URL, a flag) at the row's edge.
 */
export function unglueOversized(text: string, width: number): string {
	return text
		.split(' ')
		.map((word) => (word.includes(GLUE) && stringWidth(word) > width ? unprotect(word) : word))
		.join(' ');
}

/** Tabs to spaces at 8-column stops (a tab has no width for Ink, but moves the terminal's cursor). */
export function expandTabs(line: string, tabSize = 8): string {
	if (!line.includes('\t')) return line;
	let out = '';
	for (const part of line.split(/(\t)/)) {
		if (part === '\t') out += ' '.repeat(tabSize - (stringWidth(out) % tabSize));
		else out += part;
	}
	return out;
}

/** Cuts one row to `width` columns, ending in "…" when something was cut. ANSI styles are kept. */
export function truncateRow(row: string, width: number): string {
	if (stringWidth(row) <= width) return row;
	const plain = stripAnsi(row);
	let out = '';
	for (const char of plain) {
		if (stringWidth(out + char) > width - 1) break;
		out += char;
	}
	return `${out}…`;
}

/**
 * Wraps text at spaces to rows of at most `width` columns. Runs glued with `GLUE` (code, URLs) stay whole unless
 * a run alone is wider than a row. Tabs become spaces, lines are kept, and the glue is undone in the rows returned.
 */
export function wrapText(text: string, width: number, {hang = 0}: {hang?: number} = {}): string[] {
	const columns = Math.max(4, width);
	const rows: string[] = [];
	for (const line of text.replace(/\n$/, '').split('\n')) {
		const expanded = expandTabs(line);
		if (stringWidth(expanded) <= columns) {
			rows.push(unprotect(expanded));
			continue;
		}
		const [first = '', ...rest] = wrapAnsi(unglueOversized(expanded, columns - Math.min(hang, Math.floor(columns / 2))), columns, {hard: true, trim: true}).split('\n');
		rows.push(unprotect(first));
		if (rest.length === 0) continue;
		const indent = Math.min(hang, Math.floor(columns / 2));
		// Continuation rows are narrower by the hang: wrap what is left again at that width.
		const remaining = rest.join(' ');
		for (const row of wrapAnsi(remaining, columns - indent, {hard: true, trim: true}).split('\n')) rows.push(' '.repeat(indent) + unprotect(row));
	}
	return rows;
}

/**
 * Inline Markdown as plain text, for short texts the app shows outside the Markdown renderer (hints, track
 * descriptions): `**bold**`, `*em*`, `` `code` `` and `[text](url)` lose their markers; code and URLs are glued.
 */
export function inlineMarkdown(text: string): string {
	return text
		.replace(/`([^`]+)`/g, (_match, code: string) => code.replaceAll(' ', GLUE))
		.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_match, label: string, url: string) => (label === url ? url : `${label} (${url})`))
		.replace(/\*\*([^*]+)\*\*/g, '$1')
		.replace(/__([^_]+)__/g, '$1')
		.replace(/(^|[\s(])\*([^*\s][^*]*?)\*(?=[\s.,;:)!?]|$)/g, '$1$2')
		.replace(/(^|[\s(])_([^_\s][^_]*?)_(?=[\s.,;:)!?]|$)/g, '$1$2');
}

/** A paragraph's hard line breaks joined: YAML block text keeps the author's breaks, the terminal has its own width. */
export function joinParagraphs(text: string): string {
	return text
		.trim()
		.split(/\n\s*\n/)
		.map((paragraph) => paragraph.replace(/\s*\n\s*/g, ' '))
		.join('\n\n');
}

const CONTINUATION = ' \\';

/**
 * A shell script as rows of at most `width` columns that still paste back as the same command: a line too long
 * breaks at a space outside quotes, the row ending in " \" and the next one indented (bash joins them). A word
 * wider than the row (or a line with no space outside quotes) is cut with a bare "\" and continues unindented.
 * `prompt` ("$ ") starts the first row and is matched by spaces on the others.
 */
export function wrapCommand(script: string, width: number, prompt = '$ '): string[] {
	const gutter = ' '.repeat(stringWidth(prompt));
	const room = Math.max(10, width - stringWidth(prompt));
	const rows: string[] = [];
	const lines = expandTabs(script.replace(/\n+$/, '')).split('\n');
	for (const line of lines) {
		let rest = line;
		let continued = false;
		for (;;) {
			const indent = continued ? '  ' : '';
			const available = room - indent.length;
			if (stringWidth(rest) <= available) {
				rows.push(indent + rest);
				break;
			}
			const cut = breakPoint(rest, available - CONTINUATION.length);
			if (cut > 0) {
				rows.push(indent + rest.slice(0, cut).trimEnd() + CONTINUATION);
				rest = rest.slice(cut).trimStart();
				continued = true;
			} else {
				// One word wider than the row: cut it; "\" + newline inside a word is removed by the shell.
				const head = sliceColumns(rest, available - 1);
				rows.push(indent + head + '\\');
				rest = rest.slice(head.length);
				continued = false;
			}
		}
	}
	return rows.map((row, index) => (index === 0 ? prompt : gutter) + row);
}

/** Index of the last space outside quotes at or before `columns` (0 when there is none). */
function breakPoint(line: string, columns: number): number {
	let quote: string | undefined;
	let escaped = false;
	let best = 0;
	let seen = 0;
	for (let index = 0; index < line.length; index += 1) {
		const char = line[index]!;
		seen += stringWidth(char);
		if (seen > columns + 1) break;
		if (escaped) {
			escaped = false;
			continue;
		}
		if (char === '\\' && quote !== "'") escaped = true;
		else if (quote) {
			if (char === quote) quote = undefined;
		} else if (char === '"' || char === "'") quote = char;
		else if (char === ' ' && index > 0 && seen - 1 <= columns) best = index;
	}
	return best;
}

function sliceColumns(text: string, columns: number): string {
	let out = '';
	for (const char of text) {
		if (stringWidth(out + char) > columns) break;
		out += char;
	}
	return out || [...text][0] || '';
}

/**
 * A region of the step view: `min` rows it needs to say anything (0: it may be left out), `want` rows it would use.
 */
export interface RegionRequest {
	id: string;
	min: number;
	want: number;
}

/**
 * Shares `total` rows between regions given in priority order: first every region's minimum (a region whose minimum
 * no longer fits gets nothing), then, in the same order, what each wants. The sizes never add up to more than
 * `total`.
 */
export function allocateRows(total: number, regions: readonly RegionRequest[]): Record<string, number> {
	const sizes: Record<string, number> = {};
	let left = Math.max(0, total);
	for (const region of regions) {
		const min = Math.min(region.min, region.want);
		const given = min <= left ? min : 0;
		sizes[region.id] = given;
		left -= given;
	}
	for (const region of regions) {
		if (sizes[region.id] === 0 && region.min > 0) continue;
		const extra = Math.min(left, Math.max(0, region.want - sizes[region.id]!));
		sizes[region.id]! += extra;
		left -= extra;
	}
	return sizes;
}

/** `rows` cut to `budget`, the last row kept for `more(hidden)` when some had to go. */
export function clip<T>(rows: readonly T[], budget: number, more: (hidden: number) => T): T[] {
	if (rows.length <= budget) return [...rows];
	if (budget <= 0) return [];
	if (budget === 1) return [more(rows.length)];
	return [...rows.slice(0, budget - 1), more(rows.length - budget + 1)];
}

export interface KeyHintText {
	keys: string;
	label: string;
}

/** The footer's keys packed into rows of at most `width` columns, two spaces between keys. */
export function packKeys<T extends KeyHintText>(keys: readonly T[], width: number): T[][] {
	const rows: T[][] = [];
	let row: T[] = [];
	let used = 0;
	for (const key of keys) {
		const size = stringWidth(key.keys) + 1 + stringWidth(key.label);
		if (row.length > 0 && used + 2 + size > width) {
			rows.push(row);
			row = [];
			used = 0;
		}
		row.push(key);
		used += (row.length > 1 ? 2 : 0) + size;
	}
	if (row.length > 0) rows.push(row);
	return rows;
}
