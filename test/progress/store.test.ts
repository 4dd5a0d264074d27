import {execFileSync} from 'node:child_process';
import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {z} from 'zod';
import {buildProgressSchema, completedSteps, loadProgress, mergeLessons, plainProgress, progressPath, ProgressStore, writeProgressSync, type Progress} from '../../src/progress/store.js';
import {tempDirs} from '../helpers/temp.js';

const tempDir = tempDirs();
const home = () => tempDir('lab-home-');

const sample: Progress = {
	version: 1,
	track: 'aks-byocni',
	lang: 'ko',
	variables: {CLUSTER_NAME: 'my-aks'},
	target: {kind: 'real', context: 'aks-1'},
	lessons: {install: {steps: {helm: {status: 'solved', at: '2026-01-01T00:00:00.000Z', context: 'aks-1'}}}},
};

describe('progress store', () => {
	it('returns nothing on first start and reads back what it wrote', async () => {
		const dir = home();
		expect(await loadProgress(dir)).toEqual({progress: undefined});
		const store = new ProgressStore(dir);
		await store.save({track: 'k8s', variables: {A: 'b'}});
		await store.save({lessons: sample.lessons});
		const loaded = (await loadProgress(dir)).progress!;
		expect(loaded).toMatchObject({version: 1, track: 'k8s', variables: {A: 'b'}, lessons: sample.lessons});
		expect(completedSteps(loaded)).toEqual([{lessonId: 'install', stepId: 'helm', status: 'solved', at: '2026-01-01T00:00:00.000Z', context: 'aks-1'}]);
		expect(readdirSync(dir)).toEqual(['progress.json']);
	});

	it('keeps the last of many quick saves, in order', async () => {
		const dir = home();
		const store = new ProgressStore(dir);
		await Promise.all(Array.from({length: 20}, (_, i) => store.save({variables: {N: String(i)}})));
		expect((await loadProgress(dir)).progress!.variables).toEqual({N: '19'});
	});

	it('never leaves a half-written file: a writer killed mid-way leaves the old file whole', async () => {
		const dir = home();
		writeProgressSync(dir, sample);
		// A child process writes big progress files in a loop and is killed with SIGKILL at a random moment.
		const script = `
			import {writeProgressSync} from ${JSON.stringify(path.resolve('src/progress/store.ts'))};
			const big = {version: 1, variables: {X: 'y'.repeat(200000)}, lessons: {}};
			for (;;) writeProgressSync(${JSON.stringify(dir)}, big);
		`;
		try {
			execFileSync('node', ['--import', 'tsx', '--input-type=module', '-e', script], {timeout: 1500, killSignal: 'SIGKILL', stdio: 'ignore'});
		} catch {
			// killed, as intended
		}
		const text = readFileSync(progressPath(dir), 'utf8');
		const parsed = JSON.parse(text) as Progress;
		expect([undefined, 'y'.repeat(200000)]).toContain(parsed.variables.X);
		expect((await loadProgress(dir)).notice).toBeUndefined();
	});

	it('moves a corrupt file aside with a message, never silently resetting it', async () => {
		const dir = home();
		writeFileSync(progressPath(dir), '{"version": 1, "lessons": {"x": ');
		const now = new Date('2026-02-03T04:05:06.789Z');
		const result = await loadProgress(dir, {now});
		expect(result.progress).toBeUndefined();
		expect(result.movedTo).toBe(`${progressPath(dir)}.corrupt-2026-02-03T04-05-06-789Z`);
		expect(result.notice).toContain('is not valid JSON');
		expect(result.notice).toContain(result.movedTo);
		expect(readFileSync(result.movedTo!, 'utf8')).toBe('{"version": 1, "lessons": {"x": ');
		expect(await loadProgress(dir)).toEqual({progress: undefined});
	});

	it('moves aside a file from a newer version, and one of the wrong shape', async () => {
		const dir = home();
		writeFileSync(progressPath(dir), JSON.stringify({version: 2, lessons: {}}));
		const newer = await loadProgress(dir);
		expect(newer.notice).toContain('newer cilium-lab (progress version 2');
		writeFileSync(progressPath(dir), JSON.stringify({version: 1, lessons: {a: {steps: {b: {status: 'finished'}}}}}));
		const wrong = await loadProgress(dir, {now: new Date('2026-02-03T04:05:07.000Z')});
		expect(wrong.notice).toContain('does not look like a progress file (lessons.a.steps.b.status');
		expect(readdirSync(dir).filter((name) => name.includes('.corrupt-')).length).toBe(2);
	});

	it('reads a plain progress file without zod exactly as the zod schema parses it, and leaves anything else to the schema', () => {
		const schema = buildProgressSchema(z);
		const step = sample.lessons.install!.steps.helm!;
		const cases: unknown[] = [
			sample,
			{version: 1},
			{updatedAt: 'x', lessons: {}, version: 1, variables: {B: '1', A: '2'}, target: {context: 'c', kind: 'practice'}, lang: 'en', track: 'k8s'},
			{version: 1, target: {kind: 'real'}, lessons: {a: {steps: {}}, b: {steps: {s: {...step, status: 'done'}}}}},
			// The record of how a step was earned (cilium-lab report), in files written since.
			{...sample, lessons: {install: {steps: {helm: {...step, attempts: 3, hints: 1, timeMs: 61234.5}}}}},
			// For the schema: unknown keys, wrong types and values, a newer or missing version, odd keys.
			{...sample, extra: 1},
			{...sample, target: {kind: 'real', extra: 1}},
			{...sample, lessons: {install: {steps: {helm: {...step, extra: true}}}}},
			{...sample, lessons: {install: {steps: {helm: {...step, status: 'passed'}}}}},
			{...sample, lessons: {install: {steps: {helm: {...step, at: 1}}}}},
			{...sample, lessons: {install: {steps: []}}},
			{...sample, lessons: []},
			{...sample, variables: {A: 1}},
			{...sample, variables: null},
			{...sample, track: 'nope'},
			{...sample, lang: 'de'},
			{...sample, target: {kind: 'cloud'}},
			{...sample, target: {kind: 'real', context: null}},
			{...sample, updatedAt: 5},
			{...sample, lessons: {install: {steps: {helm: {...step, attempts: -1}}}}},
			{...sample, lessons: {install: {steps: {helm: {...step, hints: 1.5}}}}},
			{...sample, lessons: {install: {steps: {helm: {...step, timeMs: '5'}}}}},
			{...sample, version: 2},
			{...sample, version: '1'},
			{track: 'k8s'},
			JSON.parse('{"version": 1, "variables": {"__proto__": "x"}}'),
			null,
			[],
			'progress',
		];
		for (const data of cases) {
			const plain = plainProgress(data);
			const parsed = schema.safeParse(data);
			if (plain) {
				expect(parsed.success).toBe(true);
				expect(JSON.stringify(plain)).toBe(JSON.stringify(parsed.data));
				expect(plain).toEqual(parsed.data);
			}
		}
		expect(cases.slice(0, 5).every((data) => plainProgress(data) !== undefined)).toBe(true);
		expect(cases.slice(5).every((data) => plainProgress(data) === undefined)).toBe(true);
	});
});

describe('progress files across versions', () => {
	it('reads a file written before records were kept (no attempts, hints or time), and one with them', async () => {
		const dir = home();
		writeFileSync(progressPath(dir), JSON.stringify(sample));
		expect((await loadProgress(dir)).progress!.lessons).toEqual(sample.lessons);
		const withRecord = {...sample, lessons: {install: {steps: {helm: {...sample.lessons.install!.steps.helm!, attempts: 2, hints: 1, timeMs: 1500}}}}};
		writeFileSync(progressPath(dir), JSON.stringify(withRecord));
		const loaded = await loadProgress(dir);
		expect(loaded.notice).toBeUndefined();
		expect(loaded.progress!.lessons.install!.steps.helm).toEqual({status: 'solved', at: '2026-01-01T00:00:00.000Z', context: 'aks-1', attempts: 2, hints: 1, timeMs: 1500});
	});

	it('a file with records still parses under the schema of a cilium-lab that predates them (version 1, the new keys dropped)', () => {
		const older = z.object({
			version: z.literal(1),
			lessons: z.record(z.string(), z.object({steps: z.record(z.string(), z.object({status: z.enum(['done', 'solved']), at: z.string(), context: z.string()}))})),
		});
		const parsed = older.safeParse({...sample, lessons: {install: {steps: {helm: {...sample.lessons.install!.steps.helm!, attempts: 2, hints: 1, timeMs: 1500}}}}});
		expect(parsed.success).toBe(true);
		expect(parsed.data!.lessons.install!.steps.helm).toEqual(sample.lessons.install!.steps.helm);
	});
});

describe('two instances on one home', () => {
	const done = (at: string) => ({status: 'done' as const, at, context: 'practice'});

	it('mergeLessons applies only what this instance changed onto the file', () => {
		const before = {a: {steps: {one: done('1'), two: done('1')}}};
		const mine = {a: {steps: {one: done('1'), three: done('3')}}}; // forgot two, completed three
		const theirs = {a: {steps: {one: done('1'), two: done('1')}}, b: {steps: {x: done('2')}}};
		expect(mergeLessons(before, mine, theirs)).toEqual({a: {steps: {one: done('1'), three: done('3')}}, b: {steps: {x: done('2')}}});
	});

	it('interleaved saves of two stores keep both instances\' steps; a reset forgets only its own', async () => {
		const dir = home();
		{
			const first = new ProgressStore(dir);
			const second = new ProgressStore(dir);
			await first.save({lessons: {a: {steps: {one: done('1')}}}});
			await second.save({lessons: {b: {steps: {x: done('2')}}}});
			await first.save({lessons: {a: {steps: {one: done('1'), two: done('3')}}}});
			expect((await loadProgress(dir)).progress!.lessons).toEqual({a: {steps: {one: done('1'), two: done('3')}}, b: {steps: {x: done('2')}}});
			await second.save({lessons: {}});
			expect((await loadProgress(dir)).progress!.lessons).toEqual({a: {steps: {one: done('1'), two: done('3')}}});
		}
	});
});
