// The string-width fast path (src/ui/simple-width.ts, patched into the bundle by scripts/build.mjs) answers exactly
// what both bundled string-width versions answer, for every character it takes and for text mixing them.
import {eastAsianWidth} from 'get-east-asian-width';
import stringWidth8 from 'string-width';
import stripAnsi from 'strip-ansi';
import {describe, expect, it} from 'vitest';
import {SIMPLE_CHARACTERS, TEXT_PICTOGRAPHS, simpleWidth, singleGraphemes} from '../../src/ui/simple-width.js';

// wrap-ansi's own string-width 7 (a nested dependency: no package name to import it by).
const {default: stringWidth7} = (await import(new URL('../../node_modules/wrap-ansi/node_modules/string-width/index.js', import.meta.url).href)) as {
	default: typeof stringWidth8;
};

/** The characters of a character-class body like 'a-z\u00C0'. */
function characters(ranges: string): string[] {
	const out: string[] = [];
	for (let index = 0; index < ranges.length; index++) {
		const from = ranges.charCodeAt(index);
		const to = ranges[index + 1] === '-' ? ranges.charCodeAt((index += 2)) : from;
		for (let code = from; code <= to; code++) out.push(String.fromCharCode(code));
	}
	return out;
}

const simple = characters(SIMPLE_CHARACTERS);
const pictographs = characters(TEXT_PICTOGRAPHS);
const versions = [
	{name: 'string-width 8', width: stringWidth8, pictographs: true},
	{name: 'string-width 7', width: stringWidth7, pictographs: false},
];
const optionSets = [undefined, {ambiguousIsNarrow: false}, {countAnsiEscapeCodes: true}];

describe('simpleWidth', () => {
	it.each(versions)('gives $name’s width for every character it takes', ({width, pictographs: withPictographs}) => {
		expect(simple.length).toBeGreaterThan(30_000);
		for (const character of withPictographs ? [...simple, ...pictographs] : simple) {
			for (const options of optionSets) expect([character, simpleWidth(character, options, eastAsianWidth, stripAnsi, withPictographs)]).toEqual([character, width(character, options)]);
		}
	});

	it.each(versions)('gives $name’s width for text mixing them, with and without colours', ({width, pictographs: withPictographs}) => {
		const pool = [...simple.filter((_, index) => index % 97 === 0), ...'╭─╮│╰╯↑↓·✓✗…한국어 abc', ...(withPictographs ? pictographs : [])];
		let seed = 7;
		const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
		for (let round = 0; round < 3_000; round++) {
			let text = '';
			for (let length = Math.floor(random() * 40); length > 0; length--) text += pool[Math.floor(random() * pool.length)];
			if (round % 3 === 0) text = `\u001B[1m${text.slice(0, 5)}\u001B[22m\u001B[38;5;2m${text.slice(5)}\u001B[39m`;
			for (const options of optionSets) {
				const fast = simpleWidth(text, options, eastAsianWidth, stripAnsi, withPictographs);
				// Escape codes counted (countAnsiEscapeCodes) are control characters: string-width's own path.
				if (options?.countAnsiEscapeCodes && text.includes('\u001B')) expect(fast).toBeUndefined();
				else expect([text, fast]).toEqual([text, width(text, options)]);
			}
		}
	});

	it('leaves to string-width what it does not take: emoji, marks, jamo, controls, other scripts', () => {
		for (const text of ['👍', 'e\u0301', '\u1100\u1161', 'a\tb', '\u200B', 'ä\uFE0F', 'Привет', '✅', '▶\uFE0F']) {
			expect(simpleWidth(text, undefined, eastAsianWidth, stripAnsi, true)).toBeUndefined();
		}
	});
});

describe('singleGraphemes', () => {
	const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
	const segments = (text: string) => [...segmenter.segment(text)].map(({segment, index, input}) => ({segment, index, input}));
	const single = (text: string) => {
		const graphemes = singleGraphemes(text);
		return graphemes && [...graphemes];
	};

	it('yields what Intl.Segmenter yields for text of the characters it takes, ANSI codes and line feeds included', () => {
		const pool = [...simple.filter((_, index) => index % 31 === 0), ...pictographs, '\n', '\u001B', '\u0007', '[', 'm', ';', '3', ']'];
		let seed = 11;
		const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
		for (let round = 0; round < 5_000; round++) {
			let text = '';
			for (let length = Math.floor(random() * 30); length > 0; length--) text += pool[Math.floor(random() * pool.length)];
			expect([text, single(text)]).toEqual([text, segments(text)]);
			const real = segmenter.segment(text);
			for (const index of [-1, 0, Math.floor(text.length / 2), text.length - 1, text.length, 1.5]) {
				const want = real.containing(index);
				expect(singleGraphemes(text)!.containing(index)).toEqual(want && {segment: want.segment, index: want.index, input: want.input});
			}
		}
		for (const character of [...simple, ...pictographs]) expect(single(`${character}${character}`)).toEqual(segments(`${character}${character}`));
	});

	it('leaves other text to the segmenter', () => {
		for (const text of ['\r\n', 'e\u0301', '👍🏽', '\u1100\u1161', '▶\uFE0F', 'a\u200Db']) expect(singleGraphemes(text)).toBeUndefined();
	});
});
