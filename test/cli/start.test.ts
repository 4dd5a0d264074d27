// `npm start` (scripts/start.mjs) builds dist/ only when an input of the bundle changed. Run in a copy of the project
// (its own dist/), so the rebuilds here never race the tests that run the shared dist/.
import {spawnSync} from 'node:child_process';
import {appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const copy = mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-start-'));
for (const entry of ['package.json', 'tsconfig.json', 'scripts', 'src']) cpSync(path.join(root, entry), path.join(copy, entry), {recursive: true});
symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
afterAll(() => rmSync(copy, {recursive: true, force: true}));

const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {version: string}).version;

/** `npm start -- --version` in the copy (or the node script it runs); resolves with why it built (undefined: it did not). */
function start(viaNpm = false): string | undefined {
	const [command, args] = viaNpm ? ['npm', ['start', '--silent', '--', '--version']] : [process.execPath, ['scripts/start.mjs', '--version']];
	const result = spawnSync(command, args, {cwd: copy, encoding: 'utf8', env: {...process.env, CILIUM_LAB_START_TRACE: '1'}});
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
	expect(result.stdout.trim()).toBe(version);
	expect(result.stderr).toMatch(/^start: /);
	return /start: building \(([^)]*)\)/.exec(result.stderr)?.[1];
}

describe('npm start', () => {
	it('builds on a fresh clone, not on the next start, and again once an input changed', {timeout: 240_000}, () => {
		expect(start()).toBe('no build stamp');
		expect(start(true)).toBeUndefined();
		// A file touched but not changed (a checkout, an editor saving the same bytes) is no change.
		const file = path.join(copy, 'src/cli.tsx');
		const later = new Date(Date.now() + 5_000);
		utimesSync(file, later, later);
		expect(start()).toBeUndefined();
		appendFileSync(file, '\n// changed\n');
		expect(start()).toBe('src/cli.tsx changed');
		expect(start()).toBeUndefined();
		// The build script is an input too, and so is what it wrote.
		appendFileSync(path.join(copy, 'scripts/build.mjs'), '\n// changed\n');
		expect(start()).toBe('scripts/build.mjs changed');
		appendFileSync(path.join(copy, 'dist/cilium-lab.js'), '\n');
		expect(start()).toBe('dist/cilium-lab.js changed');
		expect(start()).toBeUndefined();
		// The daemon's code cache is checked when read and written again by a daemon that finds none: no output to rebuild.
		expect(readFileSync(path.join(copy, 'dist/practice-daemon.cjs.code-cache')).length).toBeGreaterThan(0);
		rmSync(path.join(copy, 'dist/practice-daemon.cjs.code-cache'));
		expect(start()).toBeUndefined();
	});
});
