// The TUI's confirmation of a step with effects on the real target: the subscription, the kube context and
// server and the resources in the dialog; r on a destructive step runs only once the resource's name is typed;
// a costly step takes y; the practice target shows the badge and never asks.
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {App} from '../../src/ui/App.js';
import {TuiController, type RunRequest, type TuiDeps} from '../../src/ui/controller.js';
import type {Lab} from '../../src/lab/types.js';
import type {Target} from '../../src/session/index.js';
import {KEYS, press, render, waitForText} from './helpers/render.js';
import {step} from './helpers/lab.js';

afterEach(() => cleanup());

function lab(): Lab {
	return {
		title: {ko: '실습', en: 'lab'},
		tracks: [
			{id: 'aks-byocni', title: {ko: 'AKS', en: 'AKS'}, description: {ko: '', en: ''}},
			{id: 'k8s', title: {ko: '쿠버네티스', en: 'Any Kubernetes'}, description: {ko: '', en: ''}},
		],
		variables: [{name: 'CLUSTER_NAME', default: 'yj-aks', pattern: '^.+$', description: {ko: '이름', en: 'name'}}],
		lessons: [
			{
				id: 'cleanup',
				order: 8,
				title: {ko: '정리', en: 'Cleanup'},
				body: {ko: '', en: ''},
				tracks: ['aks-byocni'],
				requires: [],
				file: 'x.yaml',
				steps: [
					step('create', {optional: true, run: 'az aks create -n "$CLUSTER_NAME"', effects: ['costly'], resources: [{kind: 'aksCluster', name: '${CLUSTER_NAME}', group: 'rg'}]}),
					step('delete', {
						optional: true,
						run: 'az aks delete -n "$CLUSTER_NAME" --yes',
						effects: ['destructive', 'irreversible'],
						resources: [{kind: 'aksCluster', name: '${CLUSTER_NAME}', group: 'rg'}],
					}),
					step('make-ns', {run: 'kubectl create ns demo', cleanup: 'kubectl delete ns demo', cleanupEffects: ['destructive'], resources: [{kind: 'namespace', name: 'demo'}]}),
				],
			},
		],
		lessonsDir: '/x',
		assetsDir: '/x/assets',
	};
}

const home = mkdtempSync(path.join(os.tmpdir(), 'tui-confirm-home-'));
afterAll(() => rmSync(home, {recursive: true, force: true}));

function setup(target: Target) {
	const runs: RunRequest[] = [];
	const deps: TuiDeps = {
		runCommand: async (request) => {
			runs.push(request);
			return {kind: 'exited', exitCode: 0, durationMs: 1};
		},
		runChecks: async (request) => request.specs.map(() => ({ok: true, summary: 'ok'})),
		runInteractive: async () => ({kind: 'exited', exitCode: 0, durationMs: 1}),
		jobs: {start: () => undefined as never, list: () => [], running: () => [], stop: async () => undefined, stopAll: async () => {}, subscribe: () => () => {}},
		saveProgress: async () => {},
		readAsset: () => '',
		logFileFor: async () => undefined,
		identify: async () => ({account: {name: 'Pay-As-You-Go', id: 'sub-0001'}, context: 'my-aks', server: 'https://my-aks.hcp.azmk8s.io:443'}),
	};
	const controller = new TuiController({lab: lab(), lang: 'en', target, baseEnv: {}, home, track: 'aks-byocni', variables: {CLUSTER_NAME: 'my-aks'}, deps});
	const instance = render(<App controller={controller} />);
	return {controller, instance, runs};
}

/** The real target, with cleanup/make-ns run (its namespace made), on that step's screen. */
async function setupWithNamespaceMade() {
	const made = setup({kind: 'real'});
	await waitForText(made.instance, 'Lessons');
	await press(made.instance, KEYS.enter);
	await press(made.instance, 'n');
	await press(made.instance, 'n');
	await waitForText(made.instance, 'make-ns step');
	await press(made.instance, 'r');
	await made.controller.settled();
	return made;
}

describe('TUI confirmation of steps with effects', () => {
	it('a destructive step on the real target runs only after its name is typed; a wrong name is refused', async () => {
		const {controller, instance, runs} = setup({kind: 'real', context: 'my-aks'});
		await waitForText(instance, 'Lessons');
		await press(instance, KEYS.enter);
		await waitForText(instance, 'create step');
		await press(instance, 'n');
		let frame = await waitForText(instance, 'delete step');
		expect(frame).toContain('⚠ deletes · irreversible');
		await press(instance, 'r');
		frame = await waitForText(instance, 'Azure subscription: Pay-As-You-Go (sub-0001)');
		expect(frame).toContain('kube context: my-aks · server https://my-aks.hcp.azmk8s.io:443');
		expect(frame).toContain('• AKS cluster my-aks (resource group rg)');
		expect(frame).toContain('type the name and press Enter: my-aks');
		// y is not a yes here: it is a letter of the name.
		for (const key of ['y', KEYS.enter]) await press(instance, key);
		frame = await waitForText(instance, 'not the name: type my-aks');
		expect(runs).toEqual([]);
		for (const key of [...'my-aksx', KEYS.backspace]) await press(instance, key);
		await waitForText(instance, 'typed: my-aks▏');
		await press(instance, KEYS.enter);
		await controller.settled();
		expect(runs.map((run) => run.script)).toEqual(['az aks delete -n "$CLUSTER_NAME" --yes']);
	});

	it('Esc cancels: nothing runs and the step says so', async () => {
		const {controller, instance, runs} = setup({kind: 'real'});
		await waitForText(instance, 'Lessons');
		await press(instance, KEYS.enter);
		await press(instance, 'n');
		await waitForText(instance, 'delete step');
		await press(instance, 'r');
		await waitForText(instance, 'type the name');
		await press(instance, KEYS.escape);
		await waitForText(instance, 'cleanup/delete: not confirmed, nothing was run');
		await controller.settled();
		expect(runs).toEqual([]);
	});

	it('a costly step takes y', async () => {
		const {controller, instance, runs} = setup({kind: 'real'});
		await waitForText(instance, 'Lessons');
		await press(instance, KEYS.enter);
		const frame = await waitForText(instance, 'create step');
		expect(frame).toContain('⚠ costs money');
		await press(instance, 'r');
		await waitForText(instance, 'Run it? y yes · n no');
		await press(instance, 'y');
		await controller.settled();
		expect(runs).toHaveLength(1);
	});

	it('R asks before a cleanup that deletes; Esc keeps that step and runs nothing', async () => {
		const {controller, instance, runs} = await setupWithNamespaceMade();
		expect(runs.map((run) => run.script)).toEqual(['kubectl create ns demo']);
		await press(instance, 'R');
		await waitForText(instance, 'y');
		await press(instance, 'y');
		let frame = await waitForText(instance, '⚠ cleanup of cleanup/make-ns: deletes (real target)');
		expect(frame).toContain('• namespace demo (and everything in it)');
		expect(frame).toContain('type the name and press Enter: demo');
		await press(instance, KEYS.escape);
		frame = await waitForText(instance, 'stopped at cleanup/make-ns: its cleanup was not confirmed');
		await controller.settled();
		expect(runs).toHaveLength(1);
		expect(controller.getSnapshot().session.lessons.cleanup!.steps['make-ns']!.status).toBe('done');
		// Again, with the name typed: the cleanup runs and the progress goes.
		await press(instance, 'R');
		await press(instance, 'y');
		await waitForText(instance, 'type the name and press Enter: demo');
		for (const key of [...'demo', KEYS.enter]) await press(instance, key);
		await controller.settled();
		expect(runs.map((run) => run.script)).toEqual(['kubectl create ns demo', 'kubectl delete ns demo']);
		expect(controller.getSnapshot().session.lessons.cleanup!.steps['make-ns']!.status).not.toBe('done');
	});

	it('switching track with "reset first" keeps the learner on the current track when a cleanup is declined', async () => {
		const {controller, instance, runs} = await setupWithNamespaceMade();
		await press(instance, 'l');
		await press(instance, 't');
		await waitForText(instance, 'Any Kubernetes');
		await press(instance, KEYS.down);
		await press(instance, KEYS.enter);
		await waitForText(instance, 'You completed 1 step(s) on the aks-byocni track');
		await press(instance, 'y');
		await waitForText(instance, 'type the name and press Enter: demo');
		await press(instance, KEYS.escape);
		const frame = await waitForText(instance, 'The track was not switched (still AKS): stopped at cleanup/make-ns');
		await controller.settled();
		expect(frame).toContain('Lessons');
		expect(controller.getSnapshot().screen).toBe('lessons');
		expect(controller.getSnapshot().session.track).toBe('aks-byocni');
		expect(controller.getSnapshot().session.lessons.cleanup!.steps['make-ns']!.status).toBe('done');
		expect(runs.map((run) => run.script)).toEqual(['kubectl create ns demo']);
		// With the name typed the cleanup runs and the switch happens.
		await press(instance, 't');
		await press(instance, KEYS.down);
		await press(instance, KEYS.enter);
		await press(instance, 'y');
		await waitForText(instance, 'type the name and press Enter: demo');
		for (const key of [...'demo', KEYS.enter]) await press(instance, key);
		await controller.settled();
		expect(controller.getSnapshot().session.track).toBe('k8s');
		expect(runs.map((run) => run.script)).toEqual(['kubectl create ns demo', 'kubectl delete ns demo']);
	});

	it('the practice target shows the badge and runs at once', async () => {
		const {controller, instance, runs} = setup({kind: 'practice'});
		await waitForText(instance, 'Lessons');
		await press(instance, KEYS.enter);
		await press(instance, 'n');
		const frame = await waitForText(instance, '⚠ deletes · irreversible');
		expect(frame).not.toContain('Azure subscription');
		await press(instance, 'r');
		await controller.settled();
		expect(runs).toHaveLength(1);
	});
});
