// The confirmation a step with effects needs on the real target (src/session/confirm.ts), and the step driver
// asking for it (identify, then confirmEffects) before anything runs; the practice target never asks.
import {describe, expect, it} from 'vitest';
import type {Lab, Step} from '../../src/lab/types.js';
import {confirmationFor, describeConfirmation, headlessVerdict, refusalText, typedConfirms, type EffectConfirmation} from '../../src/session/confirm.js';
import {StepDriver, type DriverEvent} from '../../src/session/driver.js';
import {createSession, type Target} from '../../src/session/index.js';
import type {CommandRequest, DriverPorts} from '../../src/session/ports.js';
import {step} from '../ui/helpers/lab.js';

const ref = {lessonId: 'cleanup', stepId: 'delete-cluster'};
const deleteCluster = step('delete-cluster', {
	run: 'az aks delete -g "$RESOURCE_GROUP_NAME" -n "$CLUSTER_NAME" --yes',
	effects: ['destructive', 'irreversible'],
	resources: [{kind: 'aksCluster', name: '${CLUSTER_NAME}', group: '${RESOURCE_GROUP_NAME}'}],
});
const createCluster = step('create', {run: 'az aks create -n "$CLUSTER_NAME"', effects: ['costly'], resources: [{kind: 'aksCluster', name: '${CLUSTER_NAME}', group: 'rg'}]});
const variables = {CLUSTER_NAME: 'my-aks', RESOURCE_GROUP_NAME: 'my-rg'};
const real: Target = {kind: 'real'};

describe('confirmationFor', () => {
	it('asks nothing on the practice target, nor for a step without effects', () => {
		expect(confirmationFor({step: deleteCluster, ref, activity: 'run', target: {kind: 'practice'}, variables})).toBeUndefined();
		expect(confirmationFor({step: step('plain', {run: 'kubectl get nodes'}), ref, activity: 'run', target: real, variables})).toBeUndefined();
	});

	it('a destructive step on the real target needs its resources named, with the variables filled in', () => {
		expect(confirmationFor({step: deleteCluster, ref, activity: 'solve', target: real, variables})).toEqual({
			...ref,
			activity: 'solve',
			effects: ['destructive', 'irreversible'],
			resources: [{kind: 'aksCluster', name: 'my-aks', group: 'my-rg'}],
			typedNames: ['my-aks'],
		});
	});

	it('a costly step needs a yes only', () => {
		expect(confirmationFor({step: createCluster, ref, activity: 'run', target: real, variables})?.typedNames).toEqual([]);
	});
});

describe('headlessVerdict', () => {
	const destructive = confirmationFor({step: deleteCluster, ref, activity: 'run', target: real, variables})!;
	const costly = confirmationFor({step: createCluster, ref, activity: 'run', target: real, variables})!;

	it('--yes covers a costly step, never a destructive one', () => {
		expect(headlessVerdict(costly, {yes: true, confirmed: [], interactive: false})).toEqual({kind: 'go'});
		expect(headlessVerdict(destructive, {yes: true, confirmed: [], interactive: false})).toEqual({kind: 'refuse', missing: ['my-aks']});
	});

	it('--confirm NAME for each resource runs a destructive step; a wrong name does not', () => {
		expect(headlessVerdict(destructive, {yes: true, confirmed: ['my-aks'], interactive: false})).toEqual({kind: 'go'});
		expect(headlessVerdict(destructive, {yes: true, confirmed: ['yj-aks'], interactive: false})).toEqual({kind: 'refuse', missing: ['my-aks']});
	});

	it('in a terminal it asks: a y/N for costly, the name for destructive', () => {
		expect(headlessVerdict(costly, {yes: false, confirmed: [], interactive: true})).toEqual({kind: 'ask-yes'});
		expect(headlessVerdict(destructive, {yes: true, confirmed: [], interactive: true})).toEqual({kind: 'ask-names', names: ['my-aks']});
		expect(headlessVerdict(costly, {yes: false, confirmed: [], interactive: false})).toEqual({kind: 'refuse', missing: []});
	});

	it('typed names must be exactly the names', () => {
		expect(typedConfirms(['my-aks'], '  my-aks ')).toBe(true);
		expect(typedConfirms(['my-aks'], 'my-ak')).toBe(false);
		expect(typedConfirms(['my-aks'], 'y')).toBe(false);
		expect(typedConfirms([], '')).toBe(false);
		expect(typedConfirms(['a', 'b'], 'a  b')).toBe(true);
	});

	it('says the subscription, the context and server, the resources and what to answer; the refusal names the flags', () => {
		const need: EffectConfirmation = {...destructive, identity: {account: {name: 'Pay-As-You-Go', id: '0000-1111'}, context: 'my-aks', server: 'https://my-aks.hcp.koreacentral.azmk8s.io:443'}};
		expect(describeConfirmation('en', need, 'keys')).toEqual([
			'⚠ cleanup/delete-cluster: deletes · irreversible (real target)',
			'Azure subscription: Pay-As-You-Go (0000-1111)',
			'kube context: my-aks · server https://my-aks.hcp.koreacentral.azmk8s.io:443',
			'  • AKS cluster my-aks (resource group my-rg)',
			'To run it, type the name and press Enter: my-aks (Esc cancels)',
		]);
		expect(describeConfirmation('ko', {...destructive, identity: {accountError: 'az: not found', kubeError: 'no current context'}}, 'terminal').slice(1, 3)).toEqual([
			'Azure 구독: 알 수 없음 (az: not found)',
			'kube 컨텍스트: 알 수 없음 (no current context)',
		]);
		expect(refusalText('en', destructive, ['my-aks'])).toContain('pass --confirm my-aks');
	});
});

function lab(steps: Step[]): Lab {
	return {
		title: {ko: '실습', en: 'lab'},
		tracks: [{id: 'aks-byocni', title: {ko: 'a', en: 'a'}, description: {ko: '', en: ''}}],
		variables: [],
		lessons: [{id: 'cleanup', order: 8, title: {ko: '정리', en: 'cleanup'}, body: {ko: '', en: ''}, tracks: ['aks-byocni'], requires: [], file: 'x.yaml', steps}],
		lessonsDir: '/x',
		assetsDir: '/x/assets',
	};
}

function driverFor(target: Target, answer: boolean | undefined) {
	const ran: CommandRequest[] = [];
	const asked: EffectConfirmation[] = [];
	const identified: unknown[] = [];
	const ports: DriverPorts = {
		runCommand: async (request) => {
			ran.push(request);
			return {kind: 'exited', exitCode: 0, durationMs: 1};
		},
		runChecks: async (request) => request.specs.map(() => ({ok: true, summary: 'fine'})),
		jobs: {start: () => undefined as never, list: () => [], running: () => [], stop: async () => undefined, stopAll: async () => {}, subscribe: () => () => {}},
		logFileFor: () => undefined,
		identify: async (request) => {
			identified.push(request);
			return {context: 'my-aks', server: 'https://x', account: {name: 'sub', id: 'id-1'}};
		},
		...(answer === undefined ? {} : {confirmEffects: async (need: EffectConfirmation) => (asked.push(need), answer)}),
	};
	const driver = new StepDriver({
		session: createSession({lab: lab([deleteCluster]), track: 'aks-byocni', lang: 'en', variables, target}),
		ports,
		environment: async () => ({env: {PATH: '/bin'}, context: 'my-aks'}),
	});
	const events: DriverEvent[] = [];
	driver.subscribe((event) => events.push(event));
	return {driver, ran, asked, identified, events};
}

describe('the step driver asks before a step with effects runs on the real target', () => {
	it('asks with the identity; a no runs nothing and leaves the step ready', async () => {
		const {driver, ran, asked, identified, events} = driverFor(real, false);
		await driver.run(ref);
		expect(identified).toEqual([{env: {PATH: '/bin'}, context: 'my-aks', azure: true}]);
		expect(asked[0]).toMatchObject({typedNames: ['my-aks'], identity: {account: {name: 'sub', id: 'id-1'}}});
		expect(ran).toEqual([]);
		expect(events.some((event) => event.type === 'declined')).toBe(true);
		expect(driver.getState().lessons.cleanup!.steps['delete-cluster']!.status).toBe('ready');
	});

	it('a yes runs it; the solve asks too', async () => {
		const {driver, ran, asked} = driverFor(real, true);
		await driver.run(ref);
		expect(ran.map((request) => request.script)).toEqual([deleteCluster.run]);
		expect(asked).toHaveLength(1);
	});

	it('without a confirmEffects port such a step is refused on the real target', async () => {
		const {driver, ran} = driverFor(real, undefined);
		await driver.run(ref);
		expect(ran).toEqual([]);
	});

	it('the practice target never asks', async () => {
		const {driver, ran, asked, identified} = driverFor({kind: 'practice'}, false);
		await driver.run(ref);
		expect(asked).toEqual([]);
		expect(identified).toEqual([]);
		expect(ran).toHaveLength(1);
	});
});

describe('reset and going back confirm a cleanup with effects on the real target', () => {
	const makeNs = step('make-ns', {run: 'kubectl create ns demo', cleanup: 'kubectl delete ns demo --ignore-not-found', cleanupEffects: ['destructive'], resources: [{kind: 'namespace', name: 'demo'}]});
	const later = step('later', {run: 'kubectl -n demo run x', cleanup: 'kubectl -n demo delete pod x'});

	function resetDriver(target: Target, answer: boolean) {
		const ran: string[] = [];
		const asked: EffectConfirmation[] = [];
		const driver = new StepDriver({
			session: createSession({lab: lab([makeNs, later]), track: 'aks-byocni', lang: 'en', variables, target}),
			ports: {
				runCommand: async (request) => (ran.push(request.script), {kind: 'exited', exitCode: 0, durationMs: 1}),
				runChecks: async (request) => request.specs.map(() => ({ok: true, summary: 'fine'})),
				jobs: {start: () => undefined as never, list: () => [], running: () => [], stop: async () => undefined, stopAll: async () => {}, subscribe: () => () => {}},
				logFileFor: () => undefined,
				confirmEffects: async (need) => (asked.push(need), answer),
			},
			environment: async () => ({env: {PATH: '/bin'}}),
		});
		return {driver, ran, asked};
	}

	async function passBoth(driver: StepDriver) {
		for (const stepId of ['make-ns', 'later']) {
			driver.acknowledge({lessonId: 'cleanup', stepId});
			await driver.run({lessonId: 'cleanup', stepId});
		}
	}

	it('a declined destructive cleanup runs nothing and stops the reset there: that step keeps its progress, the later one is cleared', async () => {
		const {driver, ran, asked} = resetDriver(real, false);
		await passBoth(driver);
		ran.length = 0;
		const report = await driver.reset({lessonId: 'cleanup'});
		expect(asked).toHaveLength(1);
		expect(asked[0]).toMatchObject({activity: 'cleanup', effects: ['destructive'], typedNames: ['demo']});
		expect(describeConfirmation('en', asked[0]!, 'keys')[0]).toBe('⚠ cleanup of cleanup/make-ns: deletes (real target)');
		expect(ran).toEqual(['kubectl -n demo delete pod x']);
		expect(report.declined).toEqual({lessonId: 'cleanup', stepId: 'make-ns'});
		expect(report.steps).toEqual([{lessonId: 'cleanup', stepId: 'later'}]);
		const steps = driver.getState().lessons.cleanup!.steps;
		expect(steps['make-ns']!.status).toBe('done');
		expect(steps.later!.status).not.toBe('done');
	});

	it('a confirmed one runs; the practice target never asks', async () => {
		const confirmed = resetDriver(real, true);
		await passBoth(confirmed.driver);
		confirmed.ran.length = 0;
		await confirmed.driver.reset({lessonId: 'cleanup'});
		expect(confirmed.ran).toEqual(['kubectl -n demo delete pod x', 'kubectl delete ns demo --ignore-not-found']);
		const practice = resetDriver({kind: 'practice'}, false);
		await passBoth(practice.driver);
		practice.ran.length = 0;
		await practice.driver.reset({lessonId: 'cleanup'});
		expect(practice.asked).toEqual([]);
		expect(practice.ran).toHaveLength(2);
	});
});

describe('guard: labTags', () => {
	const guarded = step('delete-cluster', {...deleteCluster, guard: 'labTags'});

	function guardDriver(tags: Record<string, string> | null, target: Target = real) {
		const ran: string[] = [];
		const asked: EffectConfirmation[] = [];
		const inspected: unknown[] = [];
		const driver = new StepDriver({
			session: createSession({lab: lab([guarded]), track: 'aks-byocni', lang: 'en', variables, target}),
			ports: {
				runCommand: async (request) => (ran.push(request.script), {kind: 'exited', exitCode: 0, durationMs: 1}),
				runChecks: async (request) => request.specs.map(() => ({ok: true, summary: 'fine'})),
				jobs: {start: () => undefined as never, list: () => [], running: () => [], stop: async () => undefined, stopAll: async () => {}, subscribe: () => () => {}},
				logFileFor: () => undefined,
				confirmEffects: async (need) => (asked.push(need), true),
				inspectAzure: async (request) => (inspected.push(request.resource), {exists: true, tags}),
			},
			environment: async () => ({env: {PATH: '/bin', LAB_HOME_ID: '0123456789ab'}}),
		});
		return {driver, ran, asked, inspected};
	}

	it('refuses before asking when the cluster lacks this home’s tags; the step fails with whose it looks like', async () => {
		const {driver, ran, asked, inspected} = guardDriver({owner: 'alice'});
		await driver.run(ref);
		expect(inspected).toEqual([{kind: 'aksCluster', name: 'my-aks', group: 'my-rg'}]);
		expect(asked).toEqual([]);
		expect(ran).toEqual([]);
		const state = driver.getState().lessons.cleanup!.steps['delete-cluster']!;
		expect(state.status).toBe('failed');
		expect(state.failure).toMatchObject({kind: 'failedToStart'});
		expect(JSON.stringify(state.failure)).toContain("It looks like alice's (tag owner)");
		expect(JSON.stringify(state.failure)).toContain('--set CLUSTER_NAME=');
	});

	it('asks and runs when the tags are this home’s; the practice target does not look', async () => {
		const mine = guardDriver({createdBy: 'cilium-lab', 'cilium-lab-home': '0123456789ab'});
		await mine.driver.run(ref);
		expect(mine.asked).toHaveLength(1);
		expect(mine.ran).toEqual([deleteCluster.run]);
		const practice = guardDriver({owner: 'alice'}, {kind: 'practice'});
		await practice.driver.run(ref);
		expect(practice.inspected).toEqual([]);
		expect(practice.ran).toHaveLength(1);
	});
});
