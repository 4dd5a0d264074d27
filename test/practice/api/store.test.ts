import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {createStore, type PracticeStore} from '../../../src/practice/api/store.js';
import {StatusError, type KubeObject} from '../../../src/practice/types.js';

const stores: PracticeStore[] = [];
function makeStore(statePath?: string): PracticeStore {
	const store = createStore({statePath, namespaceTerminationMs: 10});
	stores.push(store);
	for (const name of ['default', 'demo']) if (!store.get('v1', 'Namespace', undefined, name)) store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name}});
	return store;
}
afterEach(() => {
	for (const store of stores.splice(0)) store.close();
});

const pod = (name: string, labels: Record<string, string> = {}, namespace = 'demo'): KubeObject => ({
	apiVersion: 'v1',
	kind: 'Pod',
	metadata: {name, namespace, labels},
	spec: {containers: [{name: 'main', image: 'alpine:3.20'}]},
});

function thrown(fn: () => unknown): StatusError {
	try {
		fn();
	} catch (error) {
		if (error instanceof StatusError) return error;
		throw error;
	}
	throw new Error('expected a StatusError');
}

describe('practice store', () => {
	it('assigns identity, defaults and increasing resourceVersions', () => {
		const store = makeStore();
		const a = store.create(pod('a'));
		const b = store.create(pod('b'));
		expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
		expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
		expect((a.status as {phase: string}).phase).toBe('Pending');
		expect((a.spec as {restartPolicy: string}).restartPolicy).toBe('Always');
	});

	it('refuses duplicates, stale updates, bad names and missing namespaces with real Status reasons', () => {
		const store = makeStore();
		const a = store.create(pod('a'));
		expect(thrown(() => store.create(pod('a')))).toMatchObject({code: 409, reason: 'AlreadyExists', message: 'pods "a" already exists'});
		store.update({...a, metadata: {...a.metadata, labels: {x: '1'}}});
		const conflict = thrown(() => store.update({...a, metadata: {...a.metadata, labels: {x: '2'}}}));
		expect(conflict).toMatchObject({code: 409, reason: 'Conflict'});
		const invalid = thrown(() => store.create(pod('Bad_Name')));
		expect(invalid.code).toBe(422);
		expect(invalid.message).toContain('Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain');
		expect(invalid.details?.causes?.[0]).toMatchObject({reason: 'FieldValueInvalid', field: 'metadata.name'});
		expect(thrown(() => store.create(pod('x', {}, 'nowhere')))).toMatchObject({code: 404, message: 'namespaces "nowhere" not found'});
	});

	it('selects by labels and fields', () => {
		const store = makeStore();
		store.create(pod('web-1', {app: 'web', tier: 'front'}));
		store.create(pod('web-2', {app: 'web'}));
		store.create(pod('db', {app: 'db'}));
		const names = (options: object) => store.list('v1', 'Pod', options).map((object) => object.metadata.name);
		expect(names({labelSelector: 'app=web'})).toEqual(['web-1', 'web-2']);
		expect(names({labelSelector: 'app in (web,db),!tier'})).toEqual(['db', 'web-2']);
		expect(names({labelSelector: 'app!=web'})).toEqual(['db']);
		expect(names({fieldSelector: 'metadata.name=db'})).toEqual(['db']);
		expect(names({fieldSelector: 'status.phase=Pending,metadata.name!=db'})).toEqual(['web-1', 'web-2']);
		expect(thrown(() => names({fieldSelector: 'spec.bogus=1'}))).toMatchObject({code: 400});
	});

	it('keeps a watch history and says Gone when a resourceVersion is too old', () => {
		const store = createStore({historyLimit: 3});
		stores.push(store);
		store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'demo'}});
		const start = store.resourceVersion();
		store.create(pod('a'));
		store.create(pod('b'));
		expect(store.changesSince(start)?.map((change) => change.object.metadata.name)).toEqual(['a', 'b']);
		for (const name of ['c', 'd', 'e']) store.create(pod(name));
		expect(store.changesSince(start)).toBeUndefined();
		expect(store.changesSince(store.resourceVersion())).toEqual([]);
	});

	it('deletes dependents by ownerReferences, or orphans them', () => {
		const store = makeStore();
		const deployment = store.create({
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: {name: 'web', namespace: 'demo'},
			spec: {selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx'}]}}},
		});
		const owner = (object: KubeObject, controller = true) => [{apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, uid: object.metadata.uid!, controller}];
		const rs = store.create({
			apiVersion: 'apps/v1',
			kind: 'ReplicaSet',
			metadata: {name: 'web-abc', namespace: 'demo', ownerReferences: owner(deployment)},
			spec: {selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx'}]}}},
		});
		store.create({...pod('web-abc-1', {app: 'web'}), metadata: {name: 'web-abc-1', namespace: 'demo', ownerReferences: owner(rs)}});
		store.delete('apps/v1', 'Deployment', 'demo', 'web');
		expect(store.list('apps/v1', 'ReplicaSet', {namespace: 'demo'})).toEqual([]);
		expect(store.list('v1', 'Pod', {namespace: 'demo'})).toEqual([]);

		const cm = store.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'owner', namespace: 'demo'}, data: {}});
		store.create({...pod('orphan'), metadata: {name: 'orphan', namespace: 'demo', ownerReferences: owner(cm)}});
		const type = store.registry.byKind('v1', 'ConfigMap')!;
		store.deleteObject(type, 'demo', 'owner', {propagationPolicy: 'Orphan'});
		expect(store.get('v1', 'Pod', 'demo', 'orphan')?.metadata.ownerReferences).toBeUndefined();
	});

	it('terminates a namespace, then deletes what was in it', async () => {
		const store = makeStore();
		store.create(pod('a'));
		const type = store.registry.byKind('v1', 'Namespace')!;
		const {object, gone} = store.deleteObject(type, undefined, 'demo');
		expect(gone).toBe(false);
		expect((object.status as {phase: string}).phase).toBe('Terminating');
		expect(thrown(() => store.create(pod('late')))).toMatchObject({code: 403, reason: 'Forbidden'});
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(store.get('v1', 'Namespace', undefined, 'demo')).toBeUndefined();
		expect(store.list('v1', 'Pod', {namespace: 'demo'})).toEqual([]);
		expect(thrown(() => store.deleteObject(type, undefined, 'default'))).toMatchObject({code: 403});
	});

	it('records events, counting repeats', () => {
		const store = makeStore();
		const a = store.create(pod('a'));
		store.recordEvent(a, 'Warning', 'FailedScheduling', '0/3 nodes are available');
		store.recordEvent(a, 'Warning', 'FailedScheduling', '0/3 nodes are available');
		const events = store.list('v1', 'Event', {namespace: 'demo', fieldSelector: 'involvedObject.name=a'});
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({reason: 'FailedScheduling', type: 'Warning', count: 2, involvedObject: {kind: 'Pod', name: 'a', uid: a.metadata.uid}});
	});

	it('serves CRDs once created and validates their objects by schema and by registered validators', () => {
		const store = makeStore();
		store.create({
			apiVersion: 'apiextensions.k8s.io/v1',
			kind: 'CustomResourceDefinition',
			metadata: {name: 'widgets.example.com'},
			spec: {
				group: 'example.com',
				scope: 'Namespaced',
				names: {plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd']},
				versions: [{name: 'v1', served: true, storage: true, schema: {openAPIV3Schema: {type: 'object', properties: {spec: {type: 'object', required: ['size'], properties: {size: {type: 'integer', minimum: 1}, color: {type: 'string', enum: ['red', 'blue']}}}}}}}],
			},
		});
		expect(store.registry.byResource('example.com', 'v1', 'widgets')?.kind).toBe('Widget');
		const widget = (spec: object): KubeObject => ({apiVersion: 'example.com/v1', kind: 'Widget', metadata: {name: 'w', namespace: 'demo'}, spec});
		const bad = thrown(() => store.create(widget({size: 'big', color: 'green'})));
		expect(bad.code).toBe(422);
		expect(bad.message).toContain('spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"');
		expect(bad.message).toContain('spec.color: Unsupported value: "green": supported values: "red", "blue"');
		expect(thrown(() => store.create(widget({})))).toMatchObject({code: 422, details: {causes: [{field: 'spec.size', message: 'Required value'}]}});
		expect(thrown(() => store.createObject(widget({size: 1, extra: true}), {fieldValidation: 'Strict'}))).toMatchObject({code: 400, message: expect.stringContaining('unknown field "spec.extra"')});
		const unregister = store.registerValidator('example.com/v1', 'Widget', (object) => ((object.spec as {size: number}).size > 10 ? [{field: 'spec.size', message: 'Invalid value: too big'}] : undefined));
		expect(thrown(() => store.create(widget({size: 11})))).toMatchObject({code: 422, message: 'Widget.example.com "w" is invalid: spec.size: Invalid value: too big'});
		unregister();
		expect(store.create(widget({size: 11, extra: 1})).spec).toEqual({size: 11});
		store.delete('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'widgets.example.com');
		expect(store.registry.byResource('example.com', 'v1', 'widgets')).toBeUndefined();
	});

	it('persists every acknowledged write and survives a torn journal line', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-store-'));
		const statePath = path.join(dir, 'state.json');
		const first = makeStore(statePath);
		first.create(pod('kept'));
		first.sections.write('cloud', {groups: ['rg']});
		const rv = first.resourceVersion();
		// Simulate a crash: no close(), and half a line appended after the last acknowledged write.
		fs.appendFileSync(`${statePath}.journal`, '{"op":"put","rv":99999,"key":"|Pod|demo|torn","obj');
		stores.splice(stores.indexOf(first), 1);
		const second = makeStore(statePath);
		expect(second.get('v1', 'Pod', 'demo', 'kept')?.metadata.name).toBe('kept');
		expect(second.get('v1', 'Pod', 'demo', 'torn')).toBeUndefined();
		expect(second.sections.read('cloud', {})).toEqual({groups: ['rg']});
		expect(second.resourceVersion()).toBe(rv);
		second.close();
		stores.splice(stores.indexOf(second), 1);
		const third = makeStore(statePath);
		expect(third.get('v1', 'Pod', 'demo', 'kept')).toBeDefined();
		third.close();
		stores.splice(stores.indexOf(third), 1);
		fs.rmSync(dir, {recursive: true, force: true});
	});
});

describe('graceful pod deletion', () => {
	const podType = (store: PracticeStore) => store.registry.byKind('v1', 'Pod')!;
	const scheduled = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({...pod(name), spec: {nodeName: 'node-0', containers: [{name: 'main', image: 'alpine:3.20'}], ...extra}});

	it('deletes at once while no kubelet runs, or when the pod is not scheduled or has finished', () => {
		const store = makeStore();
		store.create(scheduled('early'));
		expect(store.deleteObject(podType(store), 'demo', 'early').gone).toBe(true);
		const undo = store.enableGracefulPodDeletion();
		store.create(pod('unscheduled'));
		expect(store.deleteObject(podType(store), 'demo', 'unscheduled').gone).toBe(true);
		store.create({...scheduled('done'), status: {phase: 'Succeeded'}});
		expect(store.deleteObject(podType(store), 'demo', 'done').gone).toBe(true);
		undo();
		undo();
		store.create(scheduled('late'));
		expect(store.deleteObject(podType(store), 'demo', 'late').gone).toBe(true);
	});

	it('marks a scheduled pod Terminating with its grace period, which a second delete may shorten but not lengthen', () => {
		let now = Date.parse('2026-01-01T00:00:00Z');
		const store = createStore({now: () => now});
		stores.push(store);
		store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'demo'}});
		store.enableGracefulPodDeletion();
		store.create(scheduled('web', {terminationGracePeriodSeconds: 45}));
		const first = store.deleteObject(podType(store), 'demo', 'web');
		expect(first.gone).toBe(false);
		expect(first.object.metadata).toMatchObject({deletionTimestamp: '2026-01-01T00:00:45Z', deletionGracePeriodSeconds: 45});
		now += 5_000;
		expect(store.deleteObject(podType(store), 'demo', 'web', {gracePeriodSeconds: 60}).object.metadata.deletionTimestamp).toBe('2026-01-01T00:00:45Z');
		expect(store.deleteObject(podType(store), 'demo', 'web', {gracePeriodSeconds: 10}).object.metadata).toMatchObject({deletionTimestamp: '2026-01-01T00:00:15Z', deletionGracePeriodSeconds: 10});
		// The kubelet writes status while it stops the containers; the pod stays until its final delete.
		const current = store.get('v1', 'Pod', 'demo', 'web')!;
		store.update({...current, status: {phase: 'Running', reason: 'Stopping'}});
		expect(store.get('v1', 'Pod', 'demo', 'web')?.metadata).toMatchObject({deletionGracePeriodSeconds: 10});
		expect(thrown(() => store.deleteObject(podType(store), 'demo', 'web', {gracePeriodSeconds: 0, preconditions: {uid: 'someone-else'}})).code).toBe(409);
		expect(store.deleteObject(podType(store), 'demo', 'web', {gracePeriodSeconds: 0, preconditions: {uid: current.metadata.uid}}).gone).toBe(true);
		expect(store.get('v1', 'Pod', 'demo', 'web')).toBeUndefined();
	});

	it('counts a repeated event on the same object instead of adding another', () => {
		const store = makeStore();
		const web = store.create(scheduled('web'));
		store.recordEvent(web, 'Warning', 'BackOff', 'Back-off restarting failed container');
		store.recordEvent(web, 'Warning', 'BackOff', 'Back-off restarting failed container');
		store.recordEvent(web, 'Normal', 'Pulled', 'Container image "alpine:3.20" already present on machine');
		const events = store.list('v1', 'Event', {namespace: 'demo'});
		expect(events.map((event) => [event.reason, event.count])).toEqual(expect.arrayContaining([['BackOff', 2], ['Pulled', 1]]));
		expect(events).toHaveLength(2);
	});
});
