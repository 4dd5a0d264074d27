// The whole TUI (App + controller over the real session reducer) with fake commands and checks.
import {describe, expect, it, afterEach} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {App} from '../../src/ui/App.js';
import {TuiController, type CheckRequest, type RunRequest, type TuiDeps} from '../../src/ui/controller.js';
import {KEYS, press, render, waitFor, waitForText} from './helpers/render.js';
import {testLab} from './helpers/lab.js';
import type {OutputLine, RunOutcome} from '../../src/run/types.js';
import type {Lang, TrackId} from '../../src/lab/types.js';

afterEach(() => cleanup());

interface Harness {
	controller: TuiController;
	runs: RunRequest[];
	saves: Array<Parameters<TuiDeps['saveProgress']>[0]>;
	finishRun: (outcome: RunOutcome) => void;
	checkResult: {ok: boolean};
}

function setup({track = 'k8s', lang = 'en', askVariables = false, runLines = ['hello from the lab']}: {track?: TrackId; lang?: Lang; askVariables?: boolean; runLines?: string[]} = {}) {
	const harness = {runs: [], saves: [], checkResult: {ok: true}} as unknown as Harness;
	let finish: ((outcome: RunOutcome) => void) | undefined;
	harness.finishRun = (outcome) => finish?.(outcome);
	const deps: TuiDeps = {
		runCommand: (request) => {
			harness.runs.push(request);
			request.onLines(runLines.map((text): OutputLine => ({stream: 'output', text})));
			return new Promise<RunOutcome>((resolve) => {
				finish = resolve;
				request.signal.addEventListener('abort', () => resolve({kind: 'cancelled', durationMs: 5}));
			});
		},
		runChecks: async (request: CheckRequest) => {
			const results = request.specs.map(() => ({ok: harness.checkResult.ok, summary: harness.checkResult.ok ? 'file is there' : 'no such file', detail: 'expected: /tmp/x exists\nseen: missing', hint: 'run the step first'}));
			results.forEach((result, index) => request.onUpdate(index, result, true));
			return results;
		},
		handOver: async () => 0,
		saveProgress: async (snapshot) => {
			harness.saves.push(snapshot);
		},
		readAsset: (name) => `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: ${name}\n`,
		logFileFor: async (label) => `/tmp/lab-home/logs/${label}.log`,
	};
	harness.controller = new TuiController({
		lab: testLab(),
		lang,
		target: {kind: 'practice'},
		baseEnv: {PATH: '/usr/bin:/bin'},
		home: '/tmp/lab-home',
		track: askVariables ? undefined : track,
		variables: {CLUSTER_NAME: 'yj-aks', LOCATION: 'koreacentral'},
		askVariables,
		deps,
	});
	const instance = render(<App controller={harness.controller} />);
	return {harness, instance};
}

describe('TUI', () => {
	it('opens a lesson, runs a step with live output, checks it, and records it as done', async () => {
		const {harness, instance} = setup();
		let frame = await waitForText(instance, 'Lessons');
		expect(frame).toContain('practice cluster (simulated)');
		expect(frame).toContain('0/3 steps');
		expect(frame).toMatch(/▶ 01 Basics/);
		expect(frame).toMatch(/02 DNS policy.*\(requires: basics\)/);
		await press(instance, KEYS.enter);
		frame = await waitForText(instance, 'hello step');
		expect(frame).toContain('$ echo hello from the lab');
		expect(frame).toContain('r run');
		expect(frame).not.toContain('x cancel');
		await press(instance, 'r');
		frame = await waitForText(instance, 'hello from the lab\n');
		expect(frame).toMatch(/running \d/);
		expect(frame).toContain('x cancel command');
		expect(frame).not.toContain(' r run');
		expect(harness.runs[0]!.env).toMatchObject({CLUSTER_NAME: 'yj-aks', LAB_HOME: '/tmp/lab-home', PATH: '/usr/bin:/bin'});
		harness.finishRun({kind: 'exited', exitCode: 0, durationMs: 420});
		frame = await waitForText(instance, '✔ file is there');
		expect(frame).toContain('exit code 0 · 0.4s');
		expect(frame).toContain('[done]');
		expect(frame).toContain('full log: /tmp/lab-home/logs/basics-hello.log');
		await harness.controller.settled();
		expect(harness.saves.at(-1)!.lessons.basics!.steps.hello!.status).toBe('done');
		await waitForText(instance, '1/3 steps');
	});

	it('x cancels a running command, never the app', async () => {
		const {instance} = setup();
		await press(instance, KEYS.enter);
		await waitForText(instance, 'hello step');
		await press(instance, 'r');
		await waitForText(instance, 'x cancel command');
		await press(instance, 'x');
		const frame = await waitForText(instance, 'cancelled');
		expect(frame).toContain('[ready]');
		expect(frame).toContain('r run');
	});

	it('shows a failed check with what was expected and seen, and reveals hints one at a time', async () => {
		const {harness, instance} = setup();
		harness.checkResult.ok = false;
		await press(instance, KEYS.enter);
		await waitForText(instance, 'hello step');
		await press(instance, 'c');
		let frame = await waitForText(instance, '✘ no such file');
		expect(frame).toContain('expected: /tmp/x exists');
		expect(frame).toContain('try: run the step first');
		expect(frame).toContain('[failed]');
		await press(instance, 'h');
		frame = await waitForText(instance, 'hint 1/2 first hint');
		expect(frame).not.toContain('second hint');
		await press(instance, 'h');
		frame = await waitForText(instance, 'hint 2/2 second hint');
		expect(frame).not.toMatch(/\bh hint\b/);
	});

	it('s runs the solve script then the checks, and records the step as solved', async () => {
		const {harness, instance} = setup();
		await press(instance, KEYS.enter);
		await waitForText(instance, 'hello step');
		await press(instance, 's');
		await waitForText(instance, 'running the solve script');
		expect(harness.runs[0]!.script).toBe('echo solved');
		harness.finishRun({kind: 'exited', exitCode: 0, durationMs: 10});
		await waitForText(instance, '[solved]');
		await harness.controller.settled();
		expect(harness.saves.at(-1)!.lessons.basics!.steps.hello!.status).toBe('solved');
	});

	it('says why a locked lesson cannot be opened', async () => {
		const {instance} = setup();
		await waitForText(instance, 'Lessons');
		await press(instance, KEYS.down);
		await press(instance, KEYS.enter);
		await waitForText(instance, 'This lesson is locked: requires: basics');
	});

	it('asks before quitting while a command runs', async () => {
		const {harness, instance} = setup();
		await press(instance, KEYS.enter);
		await press(instance, 'r');
		await waitForText(instance, 'x cancel command');
		await press(instance, 'q');
		await waitForText(instance, 'Quit? (y/n)');
		await press(instance, 'n');
		await waitFor(instance, (frame) => !frame.includes('Quit?'));
		await press(instance, 'q');
		await press(instance, 'y');
		await expect(harness.controller.exited).resolves.toBe(0);
	});

	it('first start: chooses a track, then edits variables, refusing values that do not match', async () => {
		const {harness, instance} = setup({askVariables: true});
		let frame = await waitForText(instance, 'Choose a track');
		expect(frame).toContain('Any Kubernetes');
		await press(instance, KEYS.down);
		await press(instance, KEYS.enter);
		frame = await waitForText(instance, 'Variables');
		expect(frame).toContain('CLUSTER_NAME');
		expect(frame).toContain('yj-aks');
		await press(instance, KEYS.enter);
		for (let index = 0; index < 6; index++) await press(instance, KEYS.backspace);
		for (const char of 'a; rm') await press(instance, char);
		await press(instance, KEYS.enter);
		frame = await waitForText(instance, 'must match the pattern');
		expect(frame).toContain('CLUSTER_NAME must match the pattern ^[a-z][-a-z0-9]{0,62}$');
		for (let index = 0; index < 5; index++) await press(instance, KEYS.backspace);
		for (const char of 'lab1') await press(instance, char);
		await press(instance, KEYS.enter);
		await waitFor(instance, (text) => text.includes('lab1') && !text.includes('must match'));
		await press(instance, KEYS.escape);
		frame = await waitForText(instance, 'Lessons');
		expect(frame).toContain('AKS bring-your-own CNI');
		await harness.controller.settled();
		expect(harness.saves.at(-1)).toMatchObject({track: 'aks-byocni', variables: {CLUSTER_NAME: 'lab1'}});
	});

	it('speaks Korean with --lang ko', async () => {
		const {instance} = setup({lang: 'ko'});
		const frame = await waitForText(instance, '레슨');
		expect(frame).toContain('실습 클러스터 (시뮬레이션)');
		expect(frame).toContain('필요: basics');
		expect(frame).toContain('q 종료');
	});

	it('shows asset files named by a step as YAML under its body', async () => {
		const {instance, harness} = setup();
		// Complete the first lesson so the second opens.
		await press(instance, KEYS.enter);
		await press(instance, 'r');
		await waitForText(instance, 'x cancel');
		harness.finishRun({kind: 'exited', exitCode: 0, durationMs: 1});
		await waitForText(instance, '[done]');
		await press(instance, 'n');
		await waitForText(instance, 'read-me step');
		await press(instance, KEYS.enter);
		await press(instance, 'n');
		const frame = await waitForText(instance, 'policy.yaml');
		expect(frame).toContain('kind: CiliumNetworkPolicy');
	});
});
