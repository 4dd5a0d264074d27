import {cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadLabCached} from '../../src/lab/cache.js';
import {formatIssue, LabLoadError, loadLab} from '../../src/lab/loader.js';
import {tempDirs} from '../helpers/temp.js';

const fixture = path.resolve('test/fixtures/lessons-basic');
const tempDir = tempDirs();

/** A copy of the basic fixture (lessons/ + assets/) and an empty cache dir. */
function copy(): {root: string; lessons: string; cacheDir: string} {
	const root = tempDir('lab-cache-');
	cpSync(fixture, root, {recursive: true});
	return {root, lessons: path.join(root, 'lessons'), cacheDir: path.join(tempDir('lab-cache-home-'), 'cache')};
}

function entryFile(cacheDir: string): string {
	const entries = readdirSync(cacheDir);
	expect(entries).toHaveLength(1);
	return path.join(cacheDir, entries[0]!);
}

/** Changes the title stored in the cache entry, so a test can tell a cache hit from a fresh load. */
function markEntry(file: string, title: string): void {
	const entry = JSON.parse(readFileSync(file, 'utf8'));
	entry.lab.title.en = title;
	writeFileSync(file, JSON.stringify(entry));
}

async function problems(load: Promise<unknown>): Promise<string[]> {
	const error = await load.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(LabLoadError);
	return (error as LabLoadError).issues.map(formatIssue);
}

describe('loadLabCached', () => {
	it('loads the same lab as loadLab, and the next start reads it from the entry it wrote', async () => {
		const {lessons, cacheDir} = copy();
		const first = await loadLabCached(lessons, {cacheDir, codeId: 'test'});
		expect(first).toEqual(loadLab(lessons));

		const file = entryFile(cacheDir);
		markEntry(file, 'from the cache');
		const second = await loadLabCached(lessons, {cacheDir, codeId: 'test'});
		expect(second).toEqual({...first, title: {...first.title, en: 'from the cache'}});
	});

	it('reloads when a lesson file changes, even to text of the same size', async () => {
		const {lessons, cacheDir} = copy();
		await loadLabCached(lessons, {cacheDir, codeId: 'test'});
		markEntry(entryFile(cacheDir), 'stale');
		const file = path.join(lessons, '01-files.yaml');
		const text = readFileSync(file, 'utf8');
		const edited = text.replace('Making files', 'Making fil3s');
		expect(edited).not.toBe(text);
		expect(edited.length).toBe(text.length);
		writeFileSync(file, edited);

		const lab = await loadLabCached(lessons, {cacheDir, codeId: 'test'});
		expect(lab).toEqual(loadLab(lessons));
		expect(lab.title.en).not.toBe('stale');
		expect(JSON.stringify(lab)).toContain('Making fil3s');
	});

	it('reports every problem with file:line when a cached lesson file breaks, and caches nothing broken', async () => {
		const {root, lessons, cacheDir} = copy();
		await loadLabCached(lessons, {cacheDir, codeId: 'test'});
		const file = path.join(lessons, '01-files.yaml');
		writeFileSync(file, readFileSync(file, 'utf8').replace('timeout: 10', 'timeout: ten'));
		const before = readFileSync(entryFile(cacheDir), 'utf8');

		const found = await problems(loadLabCached('lessons', {cacheDir, codeId: 'test', cwd: root}));
		expect(found).toEqual(['lessons/01-files.yaml:16 steps[0].timeout: expected a number, got "ten"']);
		expect(readFileSync(entryFile(cacheDir), 'utf8')).toBe(before);
	});

	it('reloads when a lesson file is added (and reports a badly named one)', async () => {
		const {root, lessons, cacheDir} = copy();
		await loadLabCached(lessons, {cacheDir, codeId: 'test'});
		writeFileSync(path.join(lessons, 'extra.yaml'), 'id: extra\n');
		const found = await problems(loadLabCached('lessons', {cacheDir, codeId: 'test', cwd: root}));
		expect(found).toEqual(['lessons/extra.yaml:1 not a lesson file name: expected NN-name.yaml (e.g. 05-fqdn-policy.yaml)']);
	});

	it('reports an asset file that went missing after the lab was cached', async () => {
		const {root, lessons, cacheDir} = copy();
		await loadLabCached(lessons, {cacheDir, codeId: 'test'});
		rmSync(path.join(root, 'assets/policies/allow.yaml'));
		const found = await problems(loadLabCached('lessons', {cacheDir, codeId: 'test', cwd: root}));
		expect(found).toEqual([expect.stringMatching(/^lessons\/01-files\.yaml:\d+ steps\[0\]\.files\[0\]: no such file: assets\/policies\/allow\.yaml$/)]);
	});

	it('ignores entries written by other code, and corrupt entries, and replaces them', async () => {
		const {lessons, cacheDir} = copy();
		await loadLabCached(lessons, {cacheDir, codeId: 'old build'});
		markEntry(entryFile(cacheDir), 'old build');
		const lab = await loadLabCached(lessons, {cacheDir, codeId: 'new build'});
		expect(lab.title.en).not.toBe('old build');

		writeFileSync(entryFile(cacheDir), '{"format":1,"key":');
		expect(await loadLabCached(lessons, {cacheDir, codeId: 'new build'})).toEqual(loadLab(lessons));
		expect(JSON.parse(readFileSync(entryFile(cacheDir), 'utf8')).lab.title).toEqual(lab.title);
	});

	it('uses a read-only snapshot for a copy of the same lessons elsewhere, with paths of the copy', async () => {
		const original = copy();
		await loadLabCached(original.lessons, {cacheDir: original.cacheDir, codeId: 'test'});
		const snapshot = entryFile(original.cacheDir);
		markEntry(snapshot, 'from the snapshot');

		const moved = copy();
		const lab = await loadLabCached(moved.lessons, {cacheDir: moved.cacheDir, snapshots: [snapshot], codeId: 'test'});
		expect(lab.title.en).toBe('from the snapshot');
		expect(lab.lessonsDir).toBe(moved.lessons);
		expect(lab.assetsDir).toBe(path.join(moved.root, 'assets'));
		expect(lab.lessons.map((lesson) => lesson.file)).toEqual(loadLab(moved.lessons).lessons.map((lesson) => lesson.file));
		expect(existsSync(moved.cacheDir)).toBe(false);
	});

	it('caches nothing when running from the sources without a code id (the schema may change under it)', async () => {
		const {lessons, cacheDir} = copy();
		expect(await loadLabCached(lessons, {cacheDir})).toEqual(loadLab(lessons));
		expect(existsSync(cacheDir)).toBe(false);
	});

	it('says which directory is missing, as loadLab does', async () => {
		const {root, cacheDir} = copy();
		await expect(loadLabCached('nowhere', {cacheDir, codeId: 'test', cwd: root})).rejects.toThrow('no lessons directory at nowhere');
	});
});
