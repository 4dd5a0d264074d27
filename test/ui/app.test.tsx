// The whole TUI (App + controller over the real session reducer) with fake commands and checks.
import {describe, expect, it, afterEach} from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {JobManager} from '../../src/run/jobs.js';
import type {Lab} from '../../src/lab/types.js';
import {cleanup} from 'ink-testing-library';
import {App} from '../../src/ui/App.js';
import {TuiController, type CheckRequest, type RunRequest, type TuiDeps} from '../../src/ui/controller.js';
import stringWidth from 'string-width';
import {KEYS, press, render, waitFor, waitForText} from './helpers/render.js';
import {step, testLab} from './helpers/lab.js';
import type {OutputLine, RunOutcome} from '../../src/run/types.js';
import type {Lang, TrackId} from '../../src/lab/types.js';

const managers: JobManager[] = [];
const homes: string[] = [];
afterEach(async () => {
	cleanup();
	for (const manager of managers.splice(0)) await manager.dispose();
	for (const home of homes.splice(0)) fs.rmSync(home, {recursive: true, force: true});
});

interface Harness {
	controller: TuiController;
	/** The lab home the controller writes to (a temporary directory of its own). */
	home: string;
	runs: RunRequest[];
	saves: Array<Parameters<TuiDeps['saveProgress']>[0]>;
	finishRun: (outcome: RunOutcome) => void;
	checkResult: {ok: boolean};
}

function setup({
	track = 'k8s',
	lang = 'en',
	askVariables = false,
	runLines = ['hello from the lab'],
	lab = testLab(),
	deps: extraDeps = {},
	progress,
}: {track?: TrackId; lang?: Lang; askVariables?: boolean; runLines?: string[]; lab?: Lab; deps?: Partial<TuiDeps>; progress?: ConstructorParameters<typeof TuiController>[0]['progress']} = {}) {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-ui-'));
	homes.push(home);
	const jobs = new JobManager(home);
	managers.push(jobs);
	const harness = {home, runs: [], saves: [], checkResult: {ok: true}} as unknown as Harness;
	let finish: ((outcome: RunOutcome) => void) | undefined;
	harness.finishRun = (outcome) => finish?.(outcome);
	const deps: TuiDeps = {
		runCommand: (request) => {
			harness.runs.push(request);
			request.onLines(runLines.map((text): OutputLine => ({stream: 'output', text})), 0);
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
		runInteractive: async () => ({kind: 'exited', exitCode: 0, durationMs: 1}),
		jobs,
		saveProgress: async (snapshot) => {
			harness.saves.push(snapshot);
		},
		readAsset: (name) => `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: ${name}\n`,
		logFileFor: async (label) => path.join(home, 'logs', `${label}.log`),
		...extraDeps,
	};
	harness.controller = new TuiController({
		lab,
		lang,
		target: {kind: 'practice'},
		baseEnv: {PATH: '/usr/bin:/bin'},
		home,
		track: askVariables ? undefined : track,
		variables: {CLUSTER_NAME: 'yj-aks', LOCATION: 'koreacentral'},
		askVariables,
		progress,
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
		expect(frame).toMatch(/02 DNS policy.*\(requires: 01 basics\)/);
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
		expect(harness.runs[0]!.env).toMatchObject({CLUSTER_NAME: 'yj-aks', LAB_HOME: harness.home, PATH: `${harness.home}/bin:/usr/bin:/bin`});
		harness.finishRun({kind: 'exited', exitCode: 0, durationMs: 420});
		frame = await waitForText(instance, '✔ file is there');
		expect(frame).toContain('exit code 0 · 0.4s');
		expect(frame).toContain('[done]');
		expect(frame).toContain(`full log: ${harness.home}/logs/basics-hello.log`);
		await harness.controller.settled();
		expect(harness.saves.at(-1)!.lessons.basics!.steps.hello!.status).toBe('done');
		await waitForText(instance, '1/3 steps');
	});

	it('takes a newline as Enter (Enter typed before the terminal was raw, or Ctrl-J)', async () => {
		const {instance} = setup();
		await waitForText(instance, 'Lessons');
		await press(instance, '\n');
		const frame = await waitForText(instance, 'hello step');
		expect(frame).toContain('$ echo hello from the lab');
	});

	it('shows how long the checks have polled against their deadline, and that they still get their chance after a failed command', async () => {
		let stopChecks: (() => void) | undefined;
		const {harness, instance} = setup({
			deps: {
				runChecks: (request: CheckRequest) =>
					new Promise((resolve) => {
						stopChecks = () => resolve(request.specs.map(() => ({ok: false, summary: 'no such file'})));
						request.signal.addEventListener('abort', () => stopChecks?.());
					}),
			},
		});
		await press(instance, KEYS.enter);
		await waitForText(instance, 'hello step');
		await press(instance, 'r');
		await waitForText(instance, 'x cancel command');
		harness.finishRun({kind: 'exited', exitCode: 1, durationMs: 300});
		let frame = await waitForText(instance, 'checking… 0s of 5s');
		expect(frame).toContain('The command exited with code 1; the checks still get until the deadline to pass (x stops them)');
		frame = await waitForText(instance, 'checking… 1s of 5s', {timeoutMs: 3000});
		stopChecks!();
		frame = await waitFor(instance, (text) => text.includes('[failed]'), {what: 'the failed step'});
		expect(frame).not.toContain('checking…');
		expect(frame).not.toContain('still get until the deadline');
	});

	it('n before this step is done says to finish this step, and how, not that a lesson is locked', async () => {
		const {instance} = setup();
		await press(instance, KEYS.enter);
		await waitForText(instance, 'hello step');
		await press(instance, 'n');
		let frame = (await waitForText(instance, 'Finish this step first')).replace(/\s+/g, ' ');
		expect(frame).toContain('Finish this step first: r runs it, c checks it, s solves it; the next step opens once its checks pass');
		expect(frame).not.toContain('locked');
		await press(instance, 'c');
		await waitForText(instance, '[done]');
		await press(instance, 'n');
		await waitForText(instance, 'read-me step');
		// The lesson's last step, not read yet: the next lesson waits for it.
		await press(instance, 'n');
		frame = (await waitForText(instance, 'Finish this step first')).replace(/\s+/g, ' ');
		expect(frame).toContain('Finish this step first: read it, then press Enter');
		expect(frame).not.toContain('This lesson is locked');
		expect(frame).toContain('nothing to run: read, then Enter');
		await press(instance, KEYS.enter);
		frame = await waitForText(instance, '[done]');
		// Once read, the step no longer asks for Enter: it says how to go on.
		expect(frame).toContain('nothing to run: read · n for the next step');
		expect(frame).not.toContain('read, then Enter');
	});

	it('fits the step footer on one line at 100 columns in both languages, and b and v still work from ? help', async () => {
		for (const lang of ['en', 'ko'] as const) {
			const lab = testLab();
			const hello = lab.lessons[0]!.steps[0]!;
			// Every key the step view can offer at once (egress checks make e possible on the practice cluster).
			lab.lessons[0]!.steps[0] = {...hello, expect: [{kind: 'egress', namespace: 'demo', selector: 'app=curl', url: 'https://example.com', expect: 'allowed'}]};
			const {harness, instance} = setup({lang, lab, deps: {explainEgress: async () => ['allowed by policy x']}});
			await press(instance, KEYS.enter);
			await press(instance, 'c');
			const quit = lang === 'en' ? 'q quit' : 'q 종료';
			const frame = await waitFor(instance, (text) => text.includes(quit) && text.includes(lang === 'en' ? 'e explain' : 'e 이유 설명'), {what: 'the footer'});
			const footer = frame.split('\n').at(-1)!;
			expect(footer, frame).toContain(lang === 'en' ? '↑/↓ scroll' : '↑/↓ 스크롤');
			expect(footer).toContain(quit);
			expect(stringWidth(footer)).toBeLessThanOrEqual(100);
			await press(instance, 'v');
			await waitForText(instance, 'CLUSTER_NAME');
			expect(harness.controller.getSnapshot().screen).toBe('variables');
			cleanup();
		}
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
		expect(frame).toContain('CLUSTER_NAME="a; rm" is refused: it must match the pattern ^[a-z][-a-z0-9]{0,62}$');
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

	it("a variable with choices: Enter takes the next choice (no typing), the note says which is the guide's, the status bar follows", async () => {
		const {harness, instance} = setup({askVariables: true});
		await waitForText(instance, 'Choose a track');
		await press(instance, KEYS.enter);
		let frame = await waitForText(instance, 'Variables');
		expect(frame).toContain("Cilium 1.16.4 (the guide's, end of life)");
		await press(instance, KEYS.down);
		await press(instance, KEYS.down);
		frame = await waitForText(instance, 'Enter: next choice');
		expect(frame).toMatch(/CILIUM_VERSION\s+1\.16\.4 \(the guide's version, end of life · Enter: next choice\)/);
		await press(instance, KEYS.enter);
		frame = await waitFor(instance, (text) => text.includes('1.20.0 (latest 1.20 patch'));
		expect(frame).toContain('Cilium 1.20.0 (maintained) │');
		await press(instance, KEYS.enter);
		await waitFor(instance, (text) => text.includes("1.16.4 (the guide's version"));
		await press(instance, KEYS.enter);
		await press(instance, KEYS.escape);
		await waitForText(instance, 'Lessons');
		await harness.controller.settled();
		expect(harness.saves.at(-1)).toMatchObject({variables: {CILIUM_VERSION: '1.20.0'}});
	});

	it('speaks Korean with --lang ko', async () => {
		const {instance} = setup({lang: 'ko'});
		const frame = await waitForText(instance, '레슨');
		expect(frame).toContain('실습 클러스터 (시뮬레이션)');
		expect(frame).toContain('필요: 01 basics');
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

	it('runs a background step as a job listed in the status bar; x stops it and its process is gone', async () => {
		const lab = testLab();
		lab.lessons[0]!.steps.unshift(step('forward', {mode: 'background', run: 'echo forwarding; exec sleep 30'}));
		const {harness, instance} = setup({lab, runLines: []});
		await press(instance, KEYS.enter);
		await waitForText(instance, 'forward step');
		await press(instance, 'r');
		let frame = await waitFor(instance, (text) => /background: forward \(\ds\)/.test(text), {what: 'the job in the status bar'});
		expect(frame).toContain('x stop background job');
		const job = harness.controller.jobs()[0]!;
		await waitFor(instance, () => job.pid !== undefined || harness.controller.jobs()[0]?.pid !== undefined);
		const pid = harness.controller.jobs()[0]!.pid!;
		expect(() => process.kill(pid, 0)).not.toThrow();
		// The learner moves on; the job keeps running and stays listed.
		await press(instance, 'n');
		frame = await waitForText(instance, 'hello step');
		expect(frame).toMatch(/background: forward/);
		await press(instance, 'x');
		await waitFor(instance, (text) => !text.includes('background: forward'), {what: 'the job gone from the status bar'});
		expect(() => process.kill(pid, 0)).toThrow();
	});

	it('quitting stops background jobs after asking', async () => {
		const lab = testLab();
		lab.lessons[0]!.steps.unshift(step('forward', {mode: 'background', run: 'exec sleep 30'}));
		const {harness, instance} = setup({lab, runLines: []});
		await press(instance, KEYS.enter);
		await press(instance, 'r');
		await waitFor(instance, () => harness.controller.jobs()[0]?.pid !== undefined, {what: 'the job to start'});
		const pid = harness.controller.jobs()[0]!.pid!;
		await press(instance, 'q');
		await waitForText(instance, 'Stop 1 background job(s) and quit? (y/n)');
		await press(instance, 'y');
		await expect(harness.controller.exited).resolves.toBe(0);
		expect(() => process.kill(pid, 0)).toThrow();
	});

	it('after an egress check fails, e shows why from policy explain', async () => {
		const lab = testLab();
		lab.lessons[0]!.steps[0] = step('curl', {run: 'true', expect: [{kind: 'egress', namespace: 'demo', selector: 'app=client', url: 'https://naver.com', expect: 'allowed'} as never]});
		const asked: unknown[] = [];
		const {harness, instance} = setup({
			lab,
			deps: {
				explainEgress: async (request) => {
					asked.push({namespace: request.namespace, selector: request.selector, url: request.url});
					return ['Egress from demo/curl is enforced by CiliumNetworkPolicy demo/allow-fqdn', 'naver.com matches no toFQDNs rule'];
				},
			},
		});
		harness.checkResult.ok = false;
		await press(instance, KEYS.enter);
		await press(instance, 'r');
		harness.finishRun({kind: 'exited', exitCode: 28, durationMs: 1});
		let frame = await waitForText(instance, 'e explain');
		await press(instance, 'e');
		frame = await waitForText(instance, 'naver.com matches no toFQDNs rule');
		expect(frame).toContain('Why (cilium-lab policy explain)');
		expect(frame).toContain('$ cilium-lab policy explain --from demo/app=client --to https://naver.com');
		expect(asked).toEqual([{namespace: 'demo', selector: 'app=client', url: 'https://naver.com'}]);
	});

	it('starts the target behind the first frame with a visible status, and again for the track chosen', async () => {
		const prepared: string[] = [];
		let release: () => void = () => {};
		const {harness, instance} = setup({
			askVariables: true,
			deps: {
				prepareTarget: (track) => {
					prepared.push(track);
					return new Promise((resolve) => {
						release = () => resolve({env: {PATH: '/usr/bin:/bin', KUBECONFIG: `/tmp/${track}.kubeconfig`}});
					});
				},
			},
		});
		void harness.controller.prepareTarget('k8s');
		let frame = await waitForText(instance, 'starting the practice cluster');
		expect(frame).toContain('Choose a track');
		release();
		await waitFor(instance, (text) => !text.includes('starting the practice cluster'));
		await press(instance, KEYS.down);
		await press(instance, KEYS.enter);
		frame = await waitForText(instance, 'Variables');
		expect(prepared).toEqual(['k8s', 'aks-byocni']);
		release();
		await waitFor(instance, (text) => !text.includes('starting the practice cluster'));
		expect(harness.controller.commandEnv().KUBECONFIG).toBe('/tmp/aks-byocni.kubeconfig');
	});

	it('on resume re-checks completed steps and flags the ones whose state has gone', async () => {
		const progress = {basics: {steps: {hello: {status: 'done' as const, at: '2026-01-01T00:00:00Z'}}}};
		const {harness, instance} = setup({progress: progress as never});
		harness.checkResult.ok = false;
		await harness.controller.reverify();
		let frame = await waitForText(instance, '1 state gone');
		expect(frame).toMatch(/01 Basics.*! 1 state gone/);
		await press(instance, KEYS.enter);
		await waitForText(instance, 'read-me step');
		await press(instance, 'b');
		frame = await waitForText(instance, '[state gone]');
		expect(frame).toContain('This step was complete, but its state is gone: command: no such file');
	});

	it('r on a done step that later steps built on offers to put the cluster back first; y forgets the later steps and runs it', async () => {
		const l = testLab();
		l.lessons[0]!.steps[1] = {...l.lessons[0]!.steps[1]!, cleanup: 'echo undo read-me'};
		const progress = {basics: {steps: {hello: {status: 'done' as const, at: '2026-01-01T00:00:00Z', context: 'practice'}, 'read-me': {status: 'done' as const, at: '2026-01-01T00:00:00Z', context: 'practice'}}}};
		const {harness, instance} = setup({lab: l, progress});
		await waitForText(instance, '2/3 steps');
		await press(instance, KEYS.up);
		await press(instance, KEYS.enter);
		await waitForText(instance, 'hello step');
		await press(instance, 'r');
		let frame = await waitForText(instance, 'Later steps (1: read-me) changed the cluster');
		expect(frame.split('\n').at(-1)).toMatch(/y yes\s+n no\s+Esc cancel/);
		expect(harness.runs).toHaveLength(0);
		await press(instance, KEYS.escape);
		frame = await waitFor(instance, (text) => !text.includes('Later steps'), {what: 'the question gone'});
		expect(harness.runs).toHaveLength(0);
		await press(instance, 'r');
		await waitForText(instance, 'Later steps (1: read-me)');
		await press(instance, 'y');
		await waitFor(instance, () => harness.runs.length === 1, {what: 'the cleanup'});
		frame = await waitForText(instance, 'Putting the cluster back: cleanup of basics/read-me…');
		harness.finishRun({kind: 'exited', exitCode: 0, durationMs: 1});
		await waitFor(instance, () => harness.runs.length === 2, {what: 'the run after the cleanup'});
		await waitForText(instance, 'The cluster is back where this step stood (1 cleanup(s)); running it now.');
		expect(harness.runs.map((run) => run.script)).toEqual(['echo undo read-me', 'echo hello from the lab']);
		harness.finishRun({kind: 'exited', exitCode: 0, durationMs: 1});
		await harness.controller.settled();
		expect(harness.saves.at(-1)!.lessons.basics!.steps).toEqual({hello: expect.objectContaining({status: 'done'})});
	});

	it('R on the lesson list clears that lesson\'s progress after asking; n keeps it', async () => {
		const progress = {basics: {steps: {hello: {status: 'done' as const, at: '2026-01-01T00:00:00Z', context: 'practice'}}}};
		const {harness, instance} = setup({progress});
		await waitForText(instance, '1/3 steps');
		await press(instance, 'R');
		await waitForText(instance, 'Clear progress from 01 basics on');
		await press(instance, 'n');
		await waitFor(instance, (text) => !text.includes('Clear progress'), {what: 'the question gone'});
		expect(harness.controller.getSnapshot().session.lessons.basics!.steps.hello!.status).toBe('done');
		await press(instance, 'R');
		await waitForText(instance, 'Clear progress from 01 basics on');
		await press(instance, 'y');
		const frame = await waitForText(instance, 'Progress cleared: 1 step(s), 0 cleanup(s) run');
		expect(frame).toContain('0/3 steps');
		await harness.controller.settled();
		expect(harness.saves.at(-1)!.lessons).toEqual({});
	});

	it('Esc leaves the track chooser opened with t, and cancels the switch warning, keeping the track and progress', async () => {
		const progress = {basics: {steps: {hello: {status: 'done' as const, at: '2026-01-01T00:00:00Z', context: 'practice'}}}};
		const {harness, instance} = setup({progress});
		await waitForText(instance, '1/3 steps');
		await press(instance, 't');
		let frame = await waitForText(instance, 'AKS bring-your-own CNI');
		expect(frame).toContain('Esc back');
		await press(instance, KEYS.down);
		await press(instance, KEYS.enter);
		await waitForText(instance, 'You completed 1 step(s) on the k8s track');
		await press(instance, KEYS.escape);
		await waitFor(instance, (text) => !text.includes('You completed') && text.includes('AKS bring-your-own CNI'), {what: 'the warning cancelled'});
		await press(instance, KEYS.escape);
		frame = await waitForText(instance, 'Lessons');
		expect(harness.controller.getSnapshot().screen).toBe('lessons');
		expect(harness.controller.getSnapshot().session.track).toBe('k8s');
		expect(harness.controller.getSnapshot().session.lessons.basics!.steps.hello!.status).toBe('done');
		expect(frame).toContain('1/3 steps');
	});

	it('switching track with progress warns that the cluster is still there and offers a reset', async () => {
		const progress = {basics: {steps: {hello: {status: 'done' as const, at: '2026-01-01T00:00:00Z', context: 'practice'}}}};
		const {harness, instance} = setup({progress});
		await waitForText(instance, '1/3 steps');
		await press(instance, 't');
		await waitForText(instance, 'AKS bring-your-own CNI');
		await press(instance, KEYS.down);
		await press(instance, KEYS.enter);
		await waitForText(instance, 'You completed 1 step(s) on the k8s track');
		await press(instance, 'y');
		await waitFor(instance, () => harness.controller.getSnapshot().session.track === 'aks-byocni', {what: 'the new track'});
		expect(harness.controller.getSnapshot().session.lessons.basics!.steps.hello!.status).toBe('ready');
		expect(harness.controller.getSnapshot().screen).toBe('lessons');
	});

	it('says what the practice cluster lost when its saved state was damaged, instead of only logging it', async () => {
		const warning = 'The saved practice cluster was damaged; what could be read was kept: 2 journal record(s) skipped (ConfigMap demo/a)';
		const {harness, instance} = setup({deps: {prepareTarget: async () => ({env: {PATH: '/usr/bin:/bin'}, warning})}});
		await harness.controller.prepareTarget('k8s');
		const frame = await waitForText(instance, 'The saved practice cluster was damaged');
		expect(frame).toContain('Lessons');
	});
});
