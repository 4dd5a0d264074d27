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
