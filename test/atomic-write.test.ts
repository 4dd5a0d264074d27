// writeFileAtomic (src/atomic-write.ts), which every rewritten file goes through: readers see the old file or the
// new one, never half of one; a failed write leaves the old file and no temp file behind.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {writeFileAtomic} from '../src/atomic-write.js';
import {tempDirs} from './helpers/temp.js';

const makeTempDir = tempDirs();

afterEach(() => {
	vi.restoreAllMocks();
});

const umask = process.umask();
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('writeFileAtomic', () => {
	it('creates the file, or replaces it, with the given permissions (0o600 unless told), and leaves no temp file', () => {
		const dir = makeTempDir('atomic-write-');
		const file = path.join(dir, 'state.json');
		writeFileAtomic(file, 'first');
		expect(fs.readFileSync(file, 'utf8')).toBe('first');
		expect(modeOf(file)).toBe(0o600 & ~umask);
		writeFileAtomic(file, Buffer.from('second'), {mode: 0o755});
		expect(fs.readFileSync(file, 'utf8')).toBe('second');
		expect(modeOf(file)).toBe(0o755 & ~umask);
		expect(fs.readdirSync(dir)).toEqual(['state.json']);
	});

	it('keeps the old file and removes its temp file when the write fails before the rename', () => {
		const dir = makeTempDir('atomic-write-');
		const file = path.join(dir, 'progress.json');
		writeFileAtomic(file, 'old');
		vi.spyOn(fs, 'fsyncSync').mockImplementationOnce(() => {
			throw Object.assign(new Error('EIO: i/o error, fsync'), {code: 'EIO'});
		});
		expect(() => writeFileAtomic(file, 'new')).toThrow('EIO');
		expect(fs.readFileSync(file, 'utf8')).toBe('old');
		expect(fs.readdirSync(dir)).toEqual(['progress.json']);
	});

	it('removes its temp file when the rename fails (the target is a directory)', () => {
		const dir = makeTempDir('atomic-write-');
		const target = path.join(dir, 'taken');
		fs.mkdirSync(target);
		fs.writeFileSync(path.join(target, 'inside'), 'x');
		expect(() => writeFileAtomic(target, 'text')).toThrow();
		expect(fs.readdirSync(dir)).toEqual(['taken']);
		expect(fs.readdirSync(target)).toEqual(['inside']);
	});

	it('flushes the file and its directory unless told the file need not survive a crash', () => {
		const dir = makeTempDir('atomic-write-');
		const fsync = vi.spyOn(fs, 'fsyncSync');
		writeFileAtomic(path.join(dir, 'durable'), 'text');
		expect(fsync).toHaveBeenCalledTimes(2);
		fsync.mockClear();
		writeFileAtomic(path.join(dir, 'daemon.json'), 'text', {durable: false});
		expect(fsync).not.toHaveBeenCalled();
	});

	it('never shows another process half a file while it is being rewritten', async () => {
		const dir = makeTempDir('atomic-write-');
		const file = path.join(dir, 'big.json');
		const done = path.join(dir, 'done');
		const size = 1 << 20;
		const versions = ['a', 'b'].map((letter) => letter.repeat(size));
		writeFileAtomic(file, versions[0]!, {durable: false});
		// Reads in a loop until told to stop; counts the reads that were neither version whole.
		const reader = spawn(process.execPath, ['-e', `
			const fs = require('node:fs');
			const [file, done, size] = process.argv.slice(1);
			let reads = 0, torn = 0;
			process.stdout.write('reading\\n');
			while (!fs.existsSync(done)) {
				const text = fs.readFileSync(file, 'latin1');
				reads++;
				if (text.length !== Number(size) || text[0] !== text[text.length - 1] || text[text.length >> 1] !== text[0]) torn++;
			}
			process.stdout.write(JSON.stringify({reads, torn}));
		`, file, done, String(size)]);
		let output = '';
		const reading = new Promise<void>((resolve) => reader.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			if (output.includes('reading\n')) resolve();
		}));
		const exited = new Promise<void>((resolve) => reader.on('exit', () => resolve()));
		await reading;
		// Rewrites it for a second while the reader reads.
		const until = Date.now() + 1_000;
		for (let round = 1; Date.now() < until; round++) writeFileAtomic(file, versions[round % 2]!, {durable: false});
		fs.writeFileSync(done, '');
		await exited;
		const {reads, torn} = JSON.parse(output.slice(output.indexOf('\n') + 1)) as {reads: number; torn: number};
		expect(reads).toBeGreaterThan(0);
		expect(torn).toBe(0);
	});
});
