// Markdown → terminal text (ANSI styled) for lesson and step bodies.
// Loaded lazily (see hooks/use-markdown.ts): marked-terminal pulls in highlight.js, which would
// otherwise cost the first frame about 0.2 s.
import {Marked, type Token, type Tokens} from 'marked';
import {markedTerminal} from 'marked-terminal';
import {stripVTControlCharacters as stripAnsi} from 'node:util';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import {colorsEnabled} from './theme.js';
import {GLUE, expandTabs, unglueOversized, unprotect} from './layout.js';

const renderers = new Map<string, Marked>();

function rendererFor(width: number, colors: boolean): Marked {
	const key = `${width}:${colors}`;
	let marked = renderers.get(key);
	if (marked) return marked;
	marked = new Marked(markedTerminal({width, reflowText: false, tab: 2, showSectionPrefix: !colors}) as never);
	marked.use({
		// Marks each line of a fenced block so wrapping can tell code from prose after highlighting.
		// Joins a paragraph's soft line breaks (the lesson's YAML keeps the author's, the terminal wraps again to its own
		// width below) and glues code spans so the wrapping never breaks a command in two.
		walkTokens(token) {
			if (token.type === 'code') token.text = (token as Tokens.Code).text.split('\n').map((line) => CODE_MARK + line).join('\n');
			else if (token.type === 'text') token.text = token.text.replace(/[ \t]*\n[ \t]*/g, ' ');
			else if (token.type === 'codespan' && !(token as {inTable?: boolean}).inTable) token.text = token.text.replace(/\s/g, GLUE);
			// A table sizes its columns to the width and wraps inside its cells: code there may wrap.
			else if (token.type === 'table') {
				const table = token as Tokens.Table;
				for (const cell of [...table.header, ...table.rows.flat()]) markInTable(cell.tokens);
			}
		},
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

function markInTable(tokens: readonly Token[]) {
	for (const token of tokens) {
		(token as {inTable?: boolean}).inTable = true;
		if ('tokens' in token && token.tokens) markInTable(token.tokens);
	}
}

const CODE_MARK = '\uE000';
const CODE_HANG = 4;
const LIST_ITEM = /^(\s*)((?:[*•+-]|\d+[.)])\s+)?/;

/**
 * Renders Markdown for a terminal `width` columns wide; plain text when NO_COLOR is set. Every line fits the width:
 * marked-terminal reflows paragraphs only, so list items and code lines are wrapped here, with a hanging indent.
 */
export function renderMarkdown(markdown: string, width: number, colors = colorsEnabled()): string {
	const columns = Math.max(20, width);
	const rendered = rendererFor(columns, colors).parse(markdown, {async: false}) as string;
	// marked-terminal wraps paragraphs in full resets (ESC[0m); Ink's clipping of an overflowing box counts a
	// leading reset as a column and drops the line's first letter ("elated link:"). Its styles close themselves.
	const text = colors ? rendered.replaceAll('\u001b[0m', '') : stripAnsi(rendered);
	return text
		.replace(/\n{3,}/g, '\n\n')
		.trimEnd()
		.split('\n')
		.flatMap((line) => (line.includes(CODE_MARK) ? wrapHanging(expandTabs(line.replaceAll(CODE_MARK, '')), columns, 'code') : wrapHanging(line, columns, 'prose')))
		.map(unprotect)
		.join('\n');
}

/**
 * Wraps one rendered line (ANSI kept) at word boundaries; a word is split only when it is wider than the room.
 * Continuation lines hang: a list item's under its text, a code line's indented past the line's own indent.
 */
export function wrapHanging(line: string, width: number, kind: 'prose' | 'code'): string[] {
	const plain = stripAnsi(line);
	if (stringWidth(plain) <= width) return [line];
	const [lead, spaces] = LIST_ITEM.exec(plain)!;
	let hang = kind === 'code' ? spaces!.length + CODE_HANG : lead!.length;
	if (hang > width / 2) hang = Math.floor(width / 4);
	const [prefix, rest] = splitAtColumn(line, lead!.length);
	// One width for all: a code line's first line is then a little shorter than it could be, never split twice.
	const room = width - Math.max(hang, lead!.length);
	const [first, ...continued] = wrapAnsi(unglueOversized(rest, room), room, {hard: true}).split('\n');
	return [prefix + (first ?? ''), ...continued.map((part) => ' '.repeat(hang) + part)];
}

const ESCAPE = /\u001b(?:\[[0-9;?]*[A-Za-z]|\][^\u0007\u001b]*(?:\u0007|\u001b\\))/y;

/** Splits a styled line after `columns` visible columns (escape sequences go with the text after them). */
function splitAtColumn(line: string, columns: number): [string, string] {
	let index = 0;
	let seen = 0;
	while (index < line.length && seen < columns) {
		ESCAPE.lastIndex = index;
		if (line[index] === '\u001b' && ESCAPE.test(line)) break;
		const char = String.fromCodePoint(line.codePointAt(index)!);
		seen += stringWidth(char);
		index += char.length;
	}
	return [line.slice(0, index), line.slice(index)];
}
