// The practice daemon loads through a V8 code cache (src/code-cache.ts): a cache that does not fit —
// damaged, cut short, made from another bundle of the same length, made under other V8 flags — or a directory it
// cannot be written to never stops a start; the daemon starts without it and writes a good one where it can.
// The built daemon runs from a copy of its three files, so nothing here touches the dist/ other tests use.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {readCodeCache, writeCodeCache} from '../../../src/code-cache.js';
import {repoRoot} from '../../helpers/build.js';
import {tempDirs} from '../../helpers/temp.js';

const tempDir = tempDirs('each');
const DAEMON_FILES = ['practice-daemon.js', 'practice-daemon.cjs', 'practice-daemon.cjs.code-cache'];

/** A copy of the built daemon; `cache` is its code-cache file. */
function daemonCopy(): {dir: string; entry: string; bundle: string; cache: string} {
	const dir = tempDir('code-cache-dist-');
	for (const file of DAEMON_FILES) fs.copyFileSync(path.join(repoRoot, 'dist', file), path.join(dir, file));
	return {dir, entry: path.join(dir, 'practice-daemon.js'), bundle: path.join(dir, 'practice-daemon.cjs'), cache: path.join(dir, 'practice-daemon.cjs.code-cache')};
}

/** `cilium-lab practice start` and `stop` with the daemon `entry`, as a learner runs them; the start's output. */
function startAndStop(entry: string, env: Record<string, string> = {}): string {
	const home = tempDir('code-cache-home-');
	const run = (command: string) =>
		spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cilium-lab.js'), 'practice', command], {
			env: {...process.env, CILIUM_LAB_HOME: home, CILIUM_LAB_PRACTICE_SPEED: 'instant', CILIUM_LAB_PRACTICE_DAEMON: entry, ...env},
			encoding: 'utf8',
			timeout: 60_000,
		});
	const started = run('start');
	const stopped = run('stop');
	expect(started.stderr).toBe('');
	expect(started.status).toBe(0);
	expect(stopped.status).toBe(0);
	return started.stdout;
}

/** Starts a daemon that stays up until it wrote a cache that fits `source` (a second after it loaded) other than `previous`. */
function startUntilCached(entry: string, cache: string, source: Buffer, env: Record<string, string> = {}, previous?: Buffer): void {
	const home = tempDir('code-cache-home-');
	const practiceEnv = {...process.env, CILIUM_LAB_HOME: home, CILIUM_LAB_PRACTICE_SPEED: 'instant', CILIUM_LAB_PRACTICE_DAEMON: entry, ...env};
	const run = (command: string) => spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cilium-lab.js'), 'practice', command], {env: practiceEnv, encoding: 'utf8', timeout: 60_000});
	try {
		expect(run('start').status).toBe(0);
		const deadline = Date.now() + 20_000;
		const written = () => readCodeCache(cache, source) !== undefined && !(previous && fs.readFileSync(cache).equals(previous));
		while (Date.now() < deadline && !written()) spawnSync('sleep', ['0.1']);
	} finally {
		run('stop');
	}
}

describe('the practice daemon code cache', () => {
	it('hands V8 only a cache made from exactly this source and whole', () => {
		const dir = tempDir('code-cache-unit-');
		const file = path.join(dir, 'cache');
		const source = Buffer.from('module.exports = 1;\n');
		const data = Buffer.from('not really V8 data, but any bytes do for the checks');
		expect(readCodeCache(file, source)).toBeUndefined();
		expect(writeCodeCache(file, source, data)).toBe(true);
		expect(readCodeCache(file, source)).toEqual(data);
		// Another source of the same length (V8 would only compare the length).
		expect(readCodeCache(file, Buffer.from('module.exports = 2;\n'))).toBeUndefined();
		const bytes = fs.readFileSync(file);
		const flipped = Buffer.from(bytes);
		flipped[bytes.length - 5]! ^= 0x10;
		fs.writeFileSync(file, flipped);
		expect(readCodeCache(file, source)).toBeUndefined();
		fs.writeFileSync(file, bytes.subarray(0, bytes.length - 1));
		expect(readCodeCache(file, source)).toBeUndefined();
		fs.writeFileSync(file, bytes.subarray(0, 8));
		expect(readCodeCache(file, source)).toBeUndefined();
		fs.writeFileSync(file, '');
		expect(readCodeCache(file, source)).toBeUndefined();
		// A directory it cannot write to: false, and no temporary file left behind.
		expect(writeCodeCache(path.join(dir, 'missing', 'cache'), source, data)).toBe(false);
		expect(fs.readdirSync(dir)).toEqual(['cache']);
	});

	it('the build wrote a cache that fits the daemon it built', () => {
		const source = fs.readFileSync(path.join(repoRoot, 'dist', 'practice-daemon.cjs'));
		expect(readCodeCache(path.join(repoRoot, 'dist', 'practice-daemon.cjs.code-cache'), source)?.length).toBeGreaterThan(100_000);
	});

	it('starts with a damaged or cut-short cache, and writes a good one in its place', {timeout: 120_000}, () => {
		const copy = daemonCopy();
		const source = fs.readFileSync(copy.bundle);
		const good = fs.readFileSync(copy.cache);
		// Bytes flipped all through the V8 data: the header still claims this source.
		const damaged = Buffer.from(good);
		for (let at = 12; at < damaged.length; at += 997) damaged[at]! ^= 0xff;
		fs.writeFileSync(copy.cache, damaged);
		expect(startAndStop(copy.entry)).toMatch(/practice cluster \(simulated\) running: pid \d+/);
		fs.writeFileSync(copy.cache, good.subarray(0, good.length >> 1));
		startUntilCached(copy.entry, copy.cache, source);
		expect(readCodeCache(copy.cache, source)).toBeDefined();
		// Garbage from the first byte.
		fs.writeFileSync(copy.cache, Buffer.alloc(good.length, 0x41));
		expect(startAndStop(copy.entry)).toMatch(/practice cluster \(simulated\) running/);
	});

	it('starts with the cache of another bundle of the same length', {timeout: 120_000}, () => {
		const copy = daemonCopy();
		// The same bundle with one string changed, byte for byte as long: the old cache no longer fits it.
		const source = fs.readFileSync(copy.bundle, 'utf8');
		const changed = source.replace('--home is required', '--home is REQUIRED');
		expect(changed).not.toBe(source);
		fs.writeFileSync(copy.bundle, changed);
		expect(readCodeCache(copy.cache, Buffer.from(changed))).toBeUndefined();
		expect(startAndStop(copy.entry)).toMatch(/practice cluster \(simulated\) running/);
	});

	it('starts under other V8 flags (V8 rejects the cache) and writes one for them', {timeout: 120_000}, () => {
		const copy = daemonCopy();
		const source = fs.readFileSync(copy.bundle);
		const before = fs.readFileSync(copy.cache);
		startUntilCached(copy.entry, copy.cache, source, {NODE_OPTIONS: '--max-old-space-size=300'}, before);
		// Made again (the same source, other flags): no longer the same bytes.
		const after = fs.readFileSync(copy.cache);
		expect(readCodeCache(copy.cache, source)).toBeDefined();
		expect(after.equals(before)).toBe(false);
		// And back under the default flags, that one is rejected in turn, and the start is none the worse.
		expect(startAndStop(copy.entry)).toMatch(/practice cluster \(simulated\) running/);
	});

	it('starts from a directory it cannot write to, and without any cache', {timeout: 120_000}, () => {
		const copy = daemonCopy();
		fs.rmSync(copy.cache);
		fs.chmodSync(copy.dir, 0o555);
		try {
			expect(startAndStop(copy.entry)).toMatch(/practice cluster \(simulated\) running/);
			if (process.getuid?.() !== 0) expect(fs.existsSync(copy.cache)).toBe(false);
		} finally {
			fs.chmodSync(copy.dir, 0o755);
		}
		expect(startAndStop(copy.entry, {CILIUM_LAB_NO_CODE_CACHE: '1'})).toMatch(/practice cluster \(simulated\) running/);
	});
});
