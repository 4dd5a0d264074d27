// A fast path for string-width (every width Ink and wrap-ansi measure goes through it), patched into the bundled
// string-width versions by scripts/build.mjs. string-width splits text into grapheme clusters with Intl.Segmenter
// and tests each against Unicode-property regexes: creating the segmenter and compiling those regexes cost ~80 ms
// on the first non-ASCII string, which every first frame has (borders, arrows, ✓, Korean). For text made only of
// the characters below, each character is its own grapheme cluster (none extends, joins or combines with another),
// none is invisible, an emoji or a Hangul jamo, so string-width's answer is the sum of their East Asian widths; other
// text goes to string-width itself. test/ui/simple-width.test.ts checks every character listed against both
// string-width versions.

/** Characters that are single grapheme clusters, visible, not Extended_Pictographic and not Hangul jamo. */
export const SIMPLE_CHARACTERS = '\u0020-\u007E\u00A0-\u00A8\u00AA-\u00AC\u00AF-\u024F\u2010-\u2027\u2030-\u203B\u2190-\u2193\u21D0-\u21D3\u2500-\u25A9\u25AC-\u25B5\u25B7-\u25BF\u25C1-\u25FA\u2713\u2717\u3001-\u3003\u3131-\u3163\u3165-\u318E\u4E00-\u9FFF\uAC00-\uD7A3\uFF01-\uFF60';
/**
 * Extended_Pictographic characters without emoji presentation (▶ ◀ ✔ ✖ ↔…): string-width 8 gives them their East
 * Asian width as well (they are no RGI emoji on their own), string-width 7 counts what emoji-regex matches as 2.
 */
export const TEXT_PICTOGRAPHS = '\u2194-\u2199\u25AA\u25AB\u25B6\u25C0\u2714\u2716';
const SIMPLE = new RegExp(`^[${SIMPLE_CHARACTERS}]*$`);
const SIMPLE_OR_PICTOGRAPH = new RegExp(`^[${SIMPLE_CHARACTERS}${TEXT_PICTOGRAPHS}]*$`);

type EastAsianWidth = (codePoint: number, options?: {ambiguousAsWide?: boolean}) => number;

/** string-width's width of `input`, or undefined when it has characters only string-width itself measures. */
export function simpleWidth(
	input: string,
	options: {ambiguousIsNarrow?: boolean; countAnsiEscapeCodes?: boolean} | undefined,
	eastAsianWidth: EastAsianWidth,
	stripAnsi: (text: string) => string,
	/** string-width 8 and later: TEXT_PICTOGRAPHS too. */
	pictographs = false,
): number | undefined {
	let text = input;
	if (!options?.countAnsiEscapeCodes && (text.includes('\u001B') || text.includes('\u009B'))) text = stripAnsi(text);
	if (!(pictographs ? SIMPLE_OR_PICTOGRAPH : SIMPLE).test(text)) return undefined;
	const wide = {ambiguousAsWide: options?.ambiguousIsNarrow === false};
	let width = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		width += code <= 0x7e ? 1 : eastAsianWidth(code, wide);
	}
	return width;
}

const SINGLE_GRAPHEMES = new RegExp(`^[${SIMPLE_CHARACTERS}${TEXT_PICTOGRAPHS}\\n\\u0007\\u001B]*$`);

export interface Grapheme {
	segment: string;
	index: number;
	input: string;
}

/** What Intl.Segmenter's segment() returns, for text whose characters are each their own grapheme cluster. */
export interface SingleGraphemes extends Iterable<Grapheme> {
	containing(index?: number): Grapheme | undefined;
}

/**
 * What Intl.Segmenter (graphemes) returns for `text` when each of its characters is its own grapheme cluster: the
 * characters above, line feeds and the escape and bell characters of ANSI codes (controls always stand alone);
 * undefined for other text. Ink's output tokenizers (@alcalzone/ansi-tokenize, slice-ansi) segment every line they
 * handle: with this (patched in by scripts/build.mjs) the first frame needs no segmenter.
 */
export function singleGraphemes(text: string): SingleGraphemes | undefined {
	if (!SINGLE_GRAPHEMES.test(text)) return undefined;
	const at = (index: number): Grapheme => ({segment: text[index]!, index, input: text});
	return {
		containing: (index = 0) => {
			const position = Math.trunc(Number(index) || 0);
			return position >= 0 && position < text.length ? at(position) : undefined;
		},
		*[Symbol.iterator]() {
			for (let index = 0; index < text.length; index++) yield at(index);
		},
	};
}
