// The catalogue of the app's own words (src/lab/i18n.ts) is the one path for every word the learner reads: each key
// has both languages with the same {placeholders}, and no other file picks a language's text itself.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {messages, msg, type MessageKey} from '../../src/lab/i18n.js';
import {LANGS} from '../../src/lab/types.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
const HANGUL = /[\uAC00-\uD7A3]/;

/** Every .ts/.tsx file under src, with its text. */
function sourceFiles(dir = path.resolve('src')): Array<{file: string; text: string}> {
	return fs.readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(full);
		return /\.tsx?$/.test(entry.name) ? [{file: path.relative(process.cwd(), full), text: fs.readFileSync(full, 'utf8')}] : [];
	});
}

describe('the message catalogue', () => {
	const entries = Object.entries(messages) as Array<[MessageKey, Record<(typeof LANGS)[number], string>]>;

	it('has a text in every language for every key', () => {
		const missing = entries.flatMap(([key, entry]) => LANGS.filter((lang) => typeof entry[lang] !== 'string' || entry[lang].trim() === '').map((lang) => `${key}.${lang}`));
		expect(missing).toEqual([]);
	});

	it('takes the same {placeholders} in both languages', () => {
		const differing = entries.filter(([, entry]) => placeholders(entry.ko).join() !== placeholders(entry.en).join()).map(([key, entry]) => `${key}: ko {${placeholders(entry.ko)}} en {${placeholders(entry.en)}}`);
		expect(differing).toEqual([]);
	});

	it('has Korean in every Korean text that has words, and none in the English ones', () => {
		// A Korean text may equal the English one only when it has no words to translate ("{done}/{total}", "DNS: {name} → {ips}").
		const hasWords = (text: string) => /[a-z]{2,}/.test(text.replace(/\{\w+\}/g, ''));
		const untranslated = entries.filter(([, entry]) => !HANGUL.test(entry.ko) && hasWords(entry.ko)).map(([key]) => key);
		const koreanInEnglish = entries.filter(([, entry]) => HANGUL.test(entry.en)).map(([key]) => key);
		expect(untranslated).toEqual([]);
		expect(koreanInEnglish).toEqual([]);
	});

	it('fills every placeholder in one pass, leaving braces inside values alone', () => {
		expect(msg('en', 'check.expect.output', {pattern: '^\\d{3} {pattern}$'})).toBe('output /^\\d{3} {pattern}$/');
		expect(msg('ko', 'check.nodes.min-count', {count: 4, total: 3})).toBe('노드가 4개 이상이어야 하지만 3개입니다');
		// A key that is not in the catalogue does not compile.
		// @ts-expect-error: 'check.no-such-key' is not a MessageKey
		expect(() => msg('en', 'check.no-such-key')).toThrow();
	});
});

describe('one path for the app words', () => {
	const files = sourceFiles().filter(({file}) => file !== path.join('src', 'lab', 'i18n.ts'));

	it('no source file outside the catalogue chooses between Korean and English texts itself', () => {
		const found = files.flatMap(({file, text}) =>
			text.split('\n').flatMap((line, index) => {
				const where = `${file}:${index + 1}: ${line.trim()}`;
				// lang === 'ko' ? … : …, an inline {ko: '…', en: '…'} or {en: …, ko: …} text, or a say(lang, en, ko) helper
				return /[!=]==?\s*['"](ko|en)['"]|['"](ko|en)['"]\s*[!=]==?/.test(line) || /\{\s*(ko|en):\s*['"`]/.test(line) || /\bsay\(\s*(ctx\.)?lang\b/.test(line) ? [where] : [];
			}),
		);
		expect(found).toEqual([]);
	});
});
