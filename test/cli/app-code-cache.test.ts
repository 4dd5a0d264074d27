// The app loads through a V8 code cache (src/load.ts → dist/cilium-lab.cjs, src/code-cache.ts), as the practice
// daemon does. The build writes it from a first frame of the TUI; a start that finds none it can use writes one only
// from the TUI, right after its first frame: a short command never leaves a cache of its own path behind. The app runs
// from a copy of its files, so nothing here touches the dist/ other tests use.
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {readCodeCache} from '../../src/code-cache.js';
import {repoRoot} from '../helpers/build.js';
import {tempDirs} from '../helpers/temp.js';

const tempDir = tempDirs('each');
const fixtureLessons = path.join(repoRoot, 'test/fixtures/lessons-basic/lessons');

/** A copy of the built app: its loader, its bundle, its cache and the vendor bundles. */
function appCopy() {
	const dir = tempDir('app-code-cache-');
	for (const name of ['cilium-lab.js', 'cilium-lab.cjs', 'cilium-lab.cjs.code-cache']) fs.copyFileSync(path.join(repoRoot, 'dist', name), path.join(dir, name));
	fs.cpSync(path.join(repoRoot, 'dist', 'vendor'), path.join(dir, 'vendor'), {recursive: true});
	return {entry: path.join(dir, 'cilium-lab.js'), bundle: path.join(dir, 'cilium-lab.cjs'), cache: path.join(dir, 'cilium-lab.cjs.code-cache')};
}

const run = (entry: string, ...args: string[]) =>
	spawnSync(process.execPath, [entry, ...args], {env: {...process.env, CILIUM_LAB_HOME: tempDir('app-code-cache-home-')}, encoding: 'utf8', timeout: 30_000});

/** The TUI on the fixture lessons in a pty (`script`), from a fresh lab home: until its first frame (the track
 * chooser) is drawn and `done()` holds (at most 10 s after it); then it is closed (SIGTERM). */
function tuiFirstFrame(entry: string, done: () => boolean): Promise<void> {
	const home = tempDir('app-code-cache-home-');
	return new Promise((resolve, reject) => {
		const child = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(entry)} --lessons ${JSON.stringify(fixtureLessons)} --target real --lang en`, '/dev/null'], {
			env: {...process.env, CILIUM_LAB_HOME: home, CI: 'false', NO_COLOR: '1', COLUMNS: '100', LINES: '30'},
			stdio: ['pipe', 'pipe', 'ignore'],
		});
		let seen = '';
		let drawn = false;
		const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
		child.stdout.on('data', (chunk: Buffer) => {
			seen += chunk.toString('utf8');
			if (drawn || !/Choose a track/.test(seen)) return;
			drawn = true;
			let waited = 0;
			const poll = setInterval(() => {
				waited += 100;
				if (!done() && waited < 10_000) return;
				clearInterval(poll);
				child.kill('SIGTERM');
			}, 100);
		});
		child.on('exit', () => {
			clearTimeout(timer);
			if (drawn) resolve();
			else reject(new Error(`no first frame:\n${seen}`));
		});
	});
}

describe('the app code cache', () => {
	it('the build wrote a cache that fits the app it built', () => {
		const source = fs.readFileSync(path.join(repoRoot, 'dist', 'cilium-lab.cjs'));
		expect(readCodeCache(path.join(repoRoot, 'dist', 'cilium-lab.cjs.code-cache'), source)?.length).toBeGreaterThan(100_000);
	});

	it('a short command runs with a damaged cache or none, and writes none', {timeout: 60_000}, () => {
		const copy = appCopy();
		const good = fs.readFileSync(copy.cache);
		const damaged = Buffer.from(good);
		for (let at = 12; at < damaged.length; at += 997) damaged[at]! ^= 0xff;
		fs.writeFileSync(copy.cache, damaged);
		const version = run(copy.entry, '--version');
		expect(version.stderr).toBe('');
		expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
		expect(fs.readFileSync(copy.cache).equals(damaged)).toBe(true);
		fs.rmSync(copy.cache);
		const list = run(copy.entry, 'list', '--lessons', fixtureLessons);
		expect(list.status).toBe(0);
		expect(list.stdout).toContain('Making files');
		expect(fs.existsSync(copy.cache)).toBe(false);
	});

	it('the TUI without a cache draws its first frame and then writes one that fits', {timeout: 60_000}, async () => {
		const copy = appCopy();
		fs.rmSync(copy.cache);
		await tuiFirstFrame(copy.entry, () => fs.existsSync(copy.cache));
		const written = fs.readFileSync(copy.cache);
		expect(readCodeCache(copy.cache, fs.readFileSync(copy.bundle))?.length).toBeGreaterThan(100_000);
		// The next start draws it through that cache, and leaves it as it is (a second after its first frame).
		let polls = 0;
		await tuiFirstFrame(copy.entry, () => ++polls >= 10);
		expect(fs.readFileSync(copy.cache).equals(written)).toBe(true);
	});
});
