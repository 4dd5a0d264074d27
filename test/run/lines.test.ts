import {describe, expect, it, vi} from 'vitest';
import {LineBatcher, MAX_LINE_CHARS, OutputTail, splitLines} from '../../src/run/lines.js';
import type {OutputLine} from '../../src/run/types.js';

function collector() {
	const batches: Array<{texts: string[]; skipped: number}> = [];
	const listener = (lines: OutputLine[], skipped: number) => batches.push({texts: lines.map(line => line.text), skipped});
	return {batches, listener, texts: () => batches.flatMap(batch => batch.texts)};
}

describe('LineBatcher', () => {
	it('splits on \\n and \\r\\n and keeps an unterminated line until the stream ends', () => {
		const out = collector();
		const batcher = new LineBatcher(out.listener);
		batcher.write('one\r\ntw');
		batcher.write('o\nthree');
		batcher.flush();
		expect(out.texts()).toEqual(['one', 'two']);
		batcher.end();
		expect(out.texts()).toEqual(['one', 'two', 'three']);
	});

	it('decodes UTF-8 characters cut across chunks', () => {
		const out = collector();
		const batcher = new LineBatcher(out.listener);
		const bytes = Buffer.from('실습 클러스터\n');
		batcher.write(bytes.subarray(0, 4));
		batcher.write(bytes.subarray(4));
		batcher.end();
		expect(out.texts()).toEqual(['실습 클러스터']);
	});

	it('cuts an endless line into bounded pieces', () => {
		const out = collector();
		const batcher = new LineBatcher(out.listener);
		batcher.write('x'.repeat(MAX_LINE_CHARS * 2 + 10));
		batcher.flush();
		expect(out.texts().map(text => text.length)).toEqual([MAX_LINE_CHARS, MAX_LINE_CHARS]);
		batcher.end();
		expect(out.texts().map(text => text.length)).toEqual([MAX_LINE_CHARS, MAX_LINE_CHARS, 10]);
	});

	it('hands the first lines over at once, then at most once per interval', () => {
		vi.useFakeTimers();
		try {
			const out = collector();
			const batcher = new LineBatcher(out.listener, 'output', {intervalMs: 50});
			for (let i = 0; i < 1000; i++) batcher.write(`${i}\n`);
			expect(out.batches).toHaveLength(0); // never synchronously inside write
			vi.advanceTimersByTime(0);
			expect(out.batches).toEqual([{texts: Array.from({length: 1000}, (_, i) => String(i)), skipped: 0}]);
			batcher.write('soon\n');
			batcher.pushLine({stream: 'stderr', text: 'notice'});
			vi.advanceTimersByTime(49);
			expect(out.batches).toHaveLength(1);
			vi.advanceTimersByTime(1);
			expect(out.batches.at(-1)).toEqual({texts: ['soon', 'notice'], skipped: 0});
			batcher.write('last\n');
			batcher.flush();
			expect(out.batches.at(-1)?.texts).toEqual(['last']);
			vi.advanceTimersByTime(100);
			expect(out.batches).toHaveLength(3);
		} finally {
			vi.useRealTimers();
		}
	});

	it('hands a flood over early so waiting text stays bounded', () => {
		const out = collector();
		const batcher = new LineBatcher(out.listener, 'output', {maxPendingChars: 100});
		for (let i = 0; i < 30; i++) batcher.write('0123456789\n');
		expect(out.batches.length).toBeGreaterThanOrEqual(2);
		batcher.end();
		expect(out.texts()).toHaveLength(30);
	});

	it('with tailLines, hands over only the newest lines and counts the rest', () => {
		const out = collector();
		const batcher = new LineBatcher(out.listener, 'output', {tailLines: 3});
		batcher.write('1\n2\n3\n4\n5\n6');
		batcher.end();
		expect(out.batches).toEqual([{texts: ['4', '5', '6'], skipped: 3}]);
	});
});

describe('splitLines', () => {
	it('counts lines it leaves out, including empty ones', () => {
		expect(splitLines('\n\na\nb\n', 'output', 2)).toEqual({
			lines: [
				{stream: 'output', text: 'a'},
				{stream: 'output', text: 'b'},
			],
			skipped: 2,
		});
		expect(splitLines('a\nb\n', 'output', 5).skipped).toBe(0);
		expect(splitLines('', 'output', 5)).toEqual({lines: [], skipped: 0});
	});
});

describe('OutputTail', () => {
	it('keeps the last N lines in order and counts the rest', () => {
		const tail = new OutputTail(3);
		for (let i = 1; i <= 10; i++) tail.push({stream: 'output', text: String(i)});
		expect(tail.lines().map(line => line.text)).toEqual(['8', '9', '10']);
		expect(tail.last(2).map(line => line.text)).toEqual(['9', '10']);
		expect(tail.totalLines).toBe(10);
		expect(tail.droppedLines).toBe(7);
	});

	it('takes batches with skipped lines and batches larger than itself', () => {
		const tail = new OutputTail(2);
		tail.pushAll([{stream: 'output', text: 'a'}], 5);
		expect(tail.totalLines).toBe(6);
		const many = Array.from({length: 100_000}, (_, i) => ({stream: 'output' as const, text: String(i)}));
		tail.pushAll(many);
		expect(tail.lines().map(line => line.text)).toEqual(['99998', '99999']);
		expect(tail.totalLines).toBe(100_006);
		expect(tail.droppedLines).toBe(100_004);
	});

	it('before it fills, holds only what came', () => {
		const tail = new OutputTail(5);
		tail.push({stream: 'stderr', text: 'a'});
		expect(tail.lines()).toEqual([{stream: 'stderr', text: 'a'}]);
		expect(() => new OutputTail(0)).toThrow(/positive integer/);
	});
});
