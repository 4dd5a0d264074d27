// The headless runner over the real command runner (bash), with `command` checks evaluated by bash too,
// so the run, the gating, the stop at the first failure and the progress file are all real.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {Writable} from 'node:stream';
import {afterEach, describe, expect, it} from 'vitest';
import type {CheckResult} from '../../src/checks/types.js';
import type {CheckRunner} from '../../src/cli/checks.js';
import {resetCommand} from '../../src/cli/reset.js';
import {runLessons} from '../../src/cli/run.js';
import {loadLab} from '../../src/lab/loader.js';
import {loadProgress, ProgressStore} from '../../src/progress/store.js';
import * as runner from '../../src/run/runner.js';

const lab = loadLab(path.resolve('test/fixtures/lessons-basic/lessons'));
const homes: string[] = [];
afterEach(() => {
	for (const dir of homes.splice(0)) rmSync(dir, {recursive: true, force: true});
});

/** Evaluates `command` checks with bash, retrying until the deadline, as the poller does. */
const bashChecks: CheckRunner = async (request) => {
	const deadline = Date.now() + request.timeoutSec * 1000;
	const evaluate = (): CheckResult[] =>
		request.specs.map((spec) => {
			const result = spawnSync('bash', ['-c', String(spec.script)], {env: request.env});
			return result.status === 0 ? {ok: true, summary: `${String(spec.script)} exited 0`} : {ok: false, summary: `${String(spec.script)} exited ${result.status}`};
		});
	let results = evaluate();
	while (!results.every((r) => r.ok) && Date.now() < deadline && !request.signal.aborted) {
		await new Promise((resolve) => setTimeout(resolve, 100));
		results = evaluate();
	}
	results.forEach((result, index) => request.onUpdate(index, result, true));
	return results;
};

function collect() {
	let text = '';
	const out = new Writable({
		write(chunk, _encoding, done) {
			text += String(chunk);
			done();
		},
	});
	return {out, text: () => text};
}

async function run(home: string, refs: string[], extra: {solve?: boolean; json?: boolean; signal?: AbortSignal; variables?: Record<string, string>} = {}) {
	const {out, text} = collect();
	const loaded = (await loadProgress(home)).progress;
	const code = await runLessons({
		lab,
		track: 'k8s',
		lang: 'en',
		refs,
		solve: extra.solve ?? false,
		redo: false,
		json: extra.json ?? false,
		variables: extra.variables ?? {GREETING: 'hello', CLUSTER_NAME: 'yj-aks'},
		home,
		target: {kind: 'real', context: 'test-ctx'},
		targetEnv: {PATH: process.env.PATH!},
		store: new ProgressStore(home, loaded),
		progressLessons: loaded?.lessons,
		runner,
		runChecks: bashChecks,
		signal: extra.signal ?? new AbortController().signal,
		out,
	});
	return {code, text: text()};
}

describe('cilium-lab run (headless)', () => {
	it('runs each step with the variables in its environment, checks it, records it, and stops at the first failing step', async () => {
		const home = mkdtempSync(path.join(os.tmpdir(), 'run-home-'));
		homes.push(home);
		const {code, text} = await run(home, ['files', 'more']);
		expect(readFileSync(path.join(home, 'greeting.txt'), 'utf8')).toBe('hello\n');
		expect(text).toContain('▸ files/write: Write\n  │ writing hello\n  exit code 0');
		expect(text).toContain('  ✔ grep -qx "$GREETING" "$LAB_HOME/greeting.txt" exited 0');
		expect(text).toContain('▸ files/read-it: Read\n  a reading step\n  ✔ done');
		expect(text).toContain('  ✘ test -f "$LAB_HOME/never.txt" exited 1');
		expect(text).toMatch(/✘ step "more\/fails" failed: command: test -f "\$LAB_HOME\/never.txt" exited 1\n$/);
		expect(code).toBe(2);
		const saved = (await loadProgress(home)).progress!;
		expect(Object.keys(saved.lessons.files!.steps)).toEqual(['write', 'read-it']);
		expect(saved.lessons.files!.steps.write).toMatchObject({status: 'done', context: 'test-ctx'});
		expect(saved.lessons.more!.steps).toEqual({second: expect.objectContaining({status: 'done'})});
		const log = /full output: (.*)\n/.exec(text)![1]!;
		expect(readFileSync(log, 'utf8')).toBe('writing hello\n');

		// Again: completed steps whose checks still pass are skipped, the failing one still fails.
		const again = await run(home, ['more']);
		expect(again.text).toContain('▸ more/second: Second\n  already complete');
		expect(again.code).toBe(2);

		// A completed step whose state has gone is flagged and run again.
		rmSync(path.join(home, 'greeting.txt'));
		const resumed = await run(home, ['files']);
		expect(resumed.text).toContain('▸ files/write: Write\n  its state has gone, running it again: command: grep -qx "$GREETING" "$LAB_HOME/greeting.txt" exited 2\n  │ writing hello');
		expect(resumed.text).toContain('▸ files/read-it: Read\n  already complete');
		expect(resumed.code).toBe(0);
		expect(readFileSync(path.join(home, 'greeting.txt'), 'utf8')).toBe('hello\n');
	});

	it('refuses a lesson whose requirements are not done, naming them', async () => {
		const home = mkdtempSync(path.join(os.tmpdir(), 'run-home-'));
		homes.push(home);
		await expect(run(home, ['more'])).rejects.toThrow('lesson "more" opens once "files" is done');
	});

	it('LESSON/STEP runs only that step, once the steps before it are done', async () => {
		const home = mkdtempSync(path.join(os.tmpdir(), 'run-home-'));
		homes.push(home);
		await expect(run(home, ['files/read-it'])).rejects.toThrow('step "files/read-it" opens once "files/write" is done');
		const first = await run(home, ['files/write'], {json: true});
		expect(first.code).toBe(0);
		expect((JSON.parse(first.text) as {steps: Array<{step: string}>}).steps.map((s) => s.step)).toEqual(['write']);
		expect(Object.keys((await loadProgress(home)).progress!.lessons.files!.steps)).toEqual(['write']);
		const second = await run(home, ['files/read-it'], {json: true});
		expect(second.code).toBe(0);
		expect((JSON.parse(second.text) as {steps: Array<{step: string; status: string}>}).steps).toEqual([expect.objectContaining({step: 'read-it', status: 'done'})]);
	});

	it('with --solve runs the solve script and records the step as solved; --json reports it', async () => {
		const home = mkdtempSync(path.join(os.tmpdir(), 'run-home-'));
		homes.push(home);
		const {code, text} = await run(home, ['files'], {solve: true, json: true});
		expect(code).toBe(0);
		const report = JSON.parse(text) as {ok: boolean; steps: Array<{step: string; status: string; action: string}>};
		expect(report.ok).toBe(true);
		expect(report.steps.map((s) => [s.step, s.action, s.status])).toEqual([
			['write', 'solve', 'solved'],
			['read-it', 'read', 'done'],
		]);
		expect((await loadProgress(home)).progress!.lessons.files!.steps.write!.status).toBe('solved');
	});

	it('cancels on the signal with exit 130 and records nothing for the cancelled step', async () => {
		const home = mkdtempSync(path.join(os.tmpdir(), 'run-home-'));
		homes.push(home);
		const controller = new AbortController();
		const slowLab = structuredClone(lab);
		slowLab.lessons[0]!.steps[0]!.run = 'echo started; sleep 30';
		const {out} = collect();
		const started = Date.now();
		setTimeout(() => controller.abort(), 500);
		const code = await runLessons({
			lab: slowLab,
			track: 'k8s',
			lang: 'en',
			refs: ['files'],
			solve: false,
			redo: false,
			json: false,
			variables: {GREETING: 'hello'},
			home,
			target: {kind: 'practice'},
			targetEnv: {PATH: process.env.PATH!},
			store: new ProgressStore(home),
			runner,
			runChecks: bashChecks,
			signal: controller.signal,
			out,
		});
		expect(code).toBe(130);
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(existsSync(path.join(home, 'progress.json'))).toBe(false);
	});

	it('reset runs the cleanups of the steps from there on, newest first, and forgets their progress; the lessons after lock again', async () => {
		const home = mkdtempSync(path.join(os.tmpdir(), 'run-home-'));
		homes.push(home);
		expect((await run(home, ['files'])).code).toBe(0);
		expect(existsSync(path.join(home, 'greeting.txt'))).toBe(true);
		const {out, text} = collect();
		const loaded = (await loadProgress(home)).progress;
		const code = await resetCommand({
			lab,
			track: 'k8s',
			lang: 'en',
			ref: 'files/write',
			json: false,
			variables: {GREETING: 'hello'},
			home,
			target: {kind: 'real', context: 'test-ctx'},
			targetEnv: {PATH: process.env.PATH!},
			store: new ProgressStore(home, loaded),
			progressLessons: loaded?.lessons,
			runner,
			runChecks: bashChecks,
			out,
		});
		expect(code).toBe(0);
		expect(text()).toContain('  │ $ cleanup: files/write\n  │ removing the greeting\n');
		expect(text()).toContain('Progress cleared: 2 step(s), 1 cleanup(s) run');
		expect(existsSync(path.join(home, 'greeting.txt'))).toBe(false);
		expect((await loadProgress(home)).progress!.lessons).toEqual({});
		await expect(run(home, ['more'])).rejects.toThrow('lesson "more" opens once "files" is done');
	});
});
