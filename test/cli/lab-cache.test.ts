// The built app keeps the validated lab under <home>/cache and ships one for lessons/ (dist/lab-snapshot.json):
// starts read it while the files are unchanged, and a broken edit is still reported with file:line.
import {spawnSync} from 'node:child_process';
import {appendFileSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {tempDirs} from '../helpers/temp.js';

const root = path.resolve('.');
const tempDir = tempDirs('all');

function cli(args: string[], home: string, cwd: string) {
	const result = spawnSync('node', [path.join(root, 'dist/cilium-lab.js'), ...args], {
		cwd,
		encoding: 'utf8',
		env: {...process.env, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: ''},
		timeout: 20_000,
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}


describe('the lab cache in the built app', () => {
	it('writes an entry on the first start, lists the same from it, and reports a broken edit with file:line', () => {
		const work = tempDir('cache-work-');
		const home = tempDir('cache-home-');
		cpSync(path.join(root, 'test/fixtures/lessons-basic'), work, {recursive: true});

		const first = cli(['list', '--lessons', 'lessons'], home, work);
		expect(first.code).toBe(0);
		expect(readdirSync(path.join(home, 'cache'))).toEqual([expect.stringMatching(/^lab-[0-9a-f]{16}\.json$/)]);
		expect(cli(['list', '--lessons', 'lessons'], home, work)).toEqual(first);

		const lesson = path.join(work, 'lessons/01-files.yaml');
		writeFileSync(lesson, readFileSync(lesson, 'utf8').replace('timeout: 10', 'timeout: ten'));
		const broken = cli(['list', '--lessons', 'lessons'], home, work);
		expect(broken.code).toBe(1);
		expect(broken.stderr).toContain('lessons/01-files.yaml:16 steps[0].timeout: expected a number, got "ten"\n');
	});

	it('starts from the shipped snapshot on a fresh home, listing what a full load of lessons/ lists', () => {
		const lint = cli(['lint', 'lessons'], tempDir('cache-home-'), root);
		if (lint.code !== 0) return; // lessons/ mid-edit: the build ships no snapshot, and starts validate (tested above).
		expect(existsSync(path.join(root, 'dist/lab-snapshot.json'))).toBe(true);

		const snapshotHome = tempDir('cache-home-');
		const fromSnapshot = cli(['list', '--json'], snapshotHome, root);
		// Read from the snapshot (dist/ next to the entry, src/entry.ts), not loaded and cached in the home.
		expect(existsSync(path.join(snapshotHome, 'cache'))).toBe(false);
		// A copy of lessons/ with one more comment line has another key: the app loads and validates it in full.
		const copy = tempDir('cache-copy-');
		cpSync(path.join(root, 'lessons'), path.join(copy, 'lessons'), {recursive: true});
		cpSync(path.join(root, 'assets'), path.join(copy, 'assets'), {recursive: true});
		appendFileSync(path.join(copy, 'lessons/lab.yaml'), '\n# a copy\n');
		const freshHome = tempDir('cache-home-');
		const fromFiles = cli(['list', '--json', '--lessons', path.join(copy, 'lessons')], freshHome, root);
		expect(readdirSync(path.join(freshHome, 'cache'))).toHaveLength(1);
		expect(fromSnapshot.code).toBe(0);
		expect(fromSnapshot).toEqual(fromFiles);
	});
});
