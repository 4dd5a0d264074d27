import {afterEach, describe, expect, test} from 'vitest';
import {createStore, type PracticeStore} from '../../../src/practice/api/store.js';
import {onContainerStarted, startControllers} from '../../../src/practice/controllers/index.js';
import {node, nodeNames, type ClusterRecord} from '../../../src/practice/daemon/cluster.js';
import {appendPodLog, podLogLines} from '../../../src/practice/api/streams/index.js';
import type {KubeObject, PracticeContext, SimClock} from '../../../src/practice/types.js';

const instantClock: SimClock = {now: () => Date.now(), sleep: async (_ms, signal) => signal?.throwIfAborted(), speed: 'instant'};
const stops: Array<() => void> = [];

afterEach(() => {
	for (const stop of stops.splice(0)) stop();
});

function cluster(options: {nodes?: number; cni?: 'none' | 'azure'} = {}): {ctx: PracticeContext; store: PracticeStore} {
	const store = createStore();
	const ctx: PracticeContext = {
		store,
		clock: instantClock,
		sections: store.sections,
		cluster: {exists: () => true, create: async () => {}, remove: async () => {}, kubeconfig: () => ''},
	};
	for (const namespace of ['default', 'kube-system']) {
		if (!store.get('v1', 'Namespace', undefined, namespace)) store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
	}
	const record: ClusterRecord = {name: 'practice', nodeCount: options.nodes ?? 2, cni: options.cni ?? 'none', location: 'koreacentral', kubernetesVersion: '1.30.6', createdAt: new Date(0).toISOString()};
	nodeNames(record.name, record.nodeCount).forEach((name, index) => store.create(node(name, index, record, record.createdAt)));
	stops.push(startControllers(ctx), () => store.close());
	return {ctx, store};
}

const pod = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
	apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'default', labels: {run: name}},
	spec: {containers: [{name, image: 'alpine/curl', command: ['sleep', '365d']}], ...extra},
});

const ciliumDaemonSet: KubeObject = {
	apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: {name: 'cilium', namespace: 'kube-system', labels: {'k8s-app': 'cilium'}},
	spec: {
		selector: {matchLabels: {'k8s-app': 'cilium'}},
		template: {metadata: {labels: {'k8s-app': 'cilium'}}, spec: {hostNetwork: true, nodeSelector: {'kubernetes.io/os': 'linux'}, containers: [{name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.16.4'}]}},
	},
};

const ready = (object: KubeObject | undefined) => ((object?.status as {conditions?: Array<{type: string; status: string}>} | undefined)?.conditions ?? [])
	.some(condition => condition.type === 'Ready' && condition.status === 'True');

function events(store: PracticeStore, name: string): string[] {
	return store.list('v1', 'Event', {namespace: 'default'})
		.filter(event => (event.involvedObject as {name: string}).name === name)
		.map(event => `${event.type} ${event.reason}: ${event.message}`);
}

describe('practice controllers', () => {
	test('without a CNI nodes are NotReady with the kubelet\'s message and pods stay ContainerCreating', async () => {
		const {store} = cluster();
		store.create(pod('curl'));
		await expect.poll(() => events(store, 'curl').join('\n')).toContain('Warning NetworkNotReady');
		const curl = store.get('v1', 'Pod', 'default', 'curl')!;
		expect((curl.spec as {nodeName?: string}).nodeName).toMatch(/^aks-nodepool1-\d{8}-vmss00000[01]$/);
		expect((curl.status as {containerStatuses: Array<{state: unknown}>}).containerStatuses[0]!.state).toEqual({waiting: {reason: 'ContainerCreating'}});
		expect(events(store, 'curl')).toContainEqual(expect.stringMatching(/^Normal Scheduled: Successfully assigned default\/curl to aks-nodepool1-/));
		const node = store.list('v1', 'Node')[0]!;
		expect(ready(node)).toBe(false);
		expect(JSON.stringify(node.status)).toContain('container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized');
	});

	test('once the cilium DaemonSet\'s pods are Ready, nodes turn Ready and waiting pods start with the kubelet\'s events', async () => {
		const {store} = cluster();
		store.create(pod('curl'));
		await expect.poll(() => events(store, 'curl').length).toBeGreaterThan(1);
		store.create(ciliumDaemonSet);
		await expect.poll(() => store.list('v1', 'Node').every(ready)).toBe(true);
		await expect.poll(() => ready(store.get('v1', 'Pod', 'default', 'curl'))).toBe(true);
		const curl = store.get('v1', 'Pod', 'default', 'curl')!;
		expect((curl.status as {phase: string; podIP: string}).phase).toBe('Running');
		expect((curl.status as {podIP: string}).podIP).toMatch(/^10\.244\.[01]\.\d+$/);
		const reasons = events(store, 'curl').map(line => line.split(':')[0]);
		expect(reasons).toEqual(expect.arrayContaining(['Normal Scheduled', 'Warning NetworkNotReady', 'Normal Pulling', 'Normal Pulled', 'Normal Created', 'Normal Started']));
		const ds = store.get('apps/v1', 'DaemonSet', 'kube-system', 'cilium')!;
		expect(ds.status).toMatchObject({desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2, observedGeneration: 1});
		const agents = store.list('v1', 'Pod', {namespace: 'kube-system'});
		expect(agents.map(agent => (agent.status as {podIP: string}).podIP).sort()).toEqual(['10.224.0.4', '10.224.0.5']);
		expect(agents.every(agent => /^cilium-[a-z0-9]{5}$/.test(agent.metadata.name))).toBe(true);
	});

	test('with Cilium installed but its agent not Ready, the kubelet reports FailedCreatePodSandBox from cilium-cni', async () => {
		const {store} = cluster();
		const nowhere = structuredClone(ciliumDaemonSet);
		(nowhere.spec as {template: {spec: {nodeSelector: Record<string, string>}}}).template.spec.nodeSelector = {'kubernetes.io/os': 'windows'};
		store.create(nowhere);
		store.create(pod('curl'));
		await expect.poll(() => events(store, 'curl').join('\n')).toContain('Warning FailedCreatePodSandBox: Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox');
		expect(events(store, 'curl').join('\n')).toContain('plugin type="cilium-cni" failed (add): unable to connect to Cilium daemon');
		expect(store.get('apps/v1', 'DaemonSet', 'kube-system', 'cilium')!.status).toMatchObject({desiredNumberScheduled: 0, currentNumberScheduled: 0});
	});

	test('a Deployment gets a ReplicaSet and pods named as Kubernetes names them, and the status rollout status reads', async () => {
		const {store} = cluster({cni: 'azure'});
		store.create({
			apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'default'},
			spec: {replicas: 3, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx', ports: [{containerPort: 80, name: 'http'}]}]}}},
		});
		store.create({apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: 'default'}, spec: {selector: {app: 'web'}, ports: [{port: 80, targetPort: 'http'}]}});
		await expect.poll(() => (store.get('apps/v1', 'Deployment', 'default', 'web')?.status as {availableReplicas?: number})?.availableReplicas).toBe(3);
		const deployment = store.get('apps/v1', 'Deployment', 'default', 'web')!;
		expect(deployment.status).toMatchObject({observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3});
		const conditions = (deployment.status as {conditions: Array<{type: string; status: string; reason: string}>}).conditions;
		expect(conditions.map(condition => `${condition.type}=${condition.status}/${condition.reason}`)).toEqual(['Available=True/MinimumReplicasAvailable', 'Progressing=True/NewReplicaSetAvailable']);
		const [replicaSet] = store.list('apps/v1', 'ReplicaSet', {namespace: 'default'});
		expect(replicaSet!.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{10}$/);
		const pods = store.list('v1', 'Pod', {namespace: 'default'});
		expect(pods).toHaveLength(3);
		for (const each of pods) expect(each.metadata.name).toMatch(new RegExp(`^${replicaSet!.metadata.name}-[a-z0-9]{5}$`));
		await expect.poll(() => ((store.get('v1', 'Endpoints', 'default', 'web')?.subsets as Array<{addresses?: unknown[]}> | undefined)?.[0]?.addresses ?? []).length).toBe(3);
		const endpoints = store.get('v1', 'Endpoints', 'default', 'web')!;
		expect((endpoints.subsets as Array<{ports: unknown[]}>)[0]!.ports).toEqual([{port: 80, protocol: 'TCP'}]);
		expect(store.list('discovery.k8s.io/v1', 'EndpointSlice', {namespace: 'default', labelSelector: 'kubernetes.io/service-name=web'})).toHaveLength(1);

		// A template change rolls onto a new ReplicaSet and retires the old one.
		const current = store.get('apps/v1', 'Deployment', 'default', 'web')!;
		(current.spec as {template: {spec: {containers: Array<{image: string}>}}}).template.spec.containers[0]!.image = 'nginx:1.27';
		store.update(current);
		await expect.poll(() => store.list('apps/v1', 'ReplicaSet', {namespace: 'default'}).map(rs => (rs.spec as {replicas: number}).replicas).sort()).toEqual([0, 3]);
		await expect.poll(() => (store.get('apps/v1', 'Deployment', 'default', 'web')?.status as {updatedReplicas?: number; replicas?: number})).toMatchObject({updatedReplicas: 3, replicas: 3, observedGeneration: 2});
	});

	test('a deleted pod of a ReplicaSet is replaced, and a bare pod is not', async () => {
		const {store} = cluster({cni: 'azure'});
		store.create(pod('bare'));
		store.create({
			apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'one', namespace: 'default'},
			spec: {replicas: 1, selector: {matchLabels: {app: 'one'}}, template: {metadata: {labels: {app: 'one'}}, spec: {containers: [{name: 'c', image: 'busybox', command: ['sleep', '365d']}]}}},
		});
		await expect.poll(() => store.list('v1', 'Pod', {namespace: 'default'}).filter(ready).length).toBe(2);
		const [first] = store.list('v1', 'Pod', {namespace: 'default', labelSelector: 'app=one'});
		store.delete('v1', 'Pod', 'default', first!.metadata.name);
		store.delete('v1', 'Pod', 'default', 'bare');
		await expect.poll(() => store.list('v1', 'Pod', {namespace: 'default', labelSelector: 'app=one'}).filter(ready).map(each => each.metadata.name)).toEqual([expect.not.stringMatching(first!.metadata.name)]);
		expect(store.get('v1', 'Pod', 'default', 'bare')).toBeUndefined();
	});

	test('a part that knows an image can log its start when the container starts', async () => {
		const {store} = cluster({cni: 'azure'});
		stops.push(onContainerStarted((started, container) => appendPodLog(started, container.name, `${container.image} started on ${(started.spec as {nodeName: string}).nodeName}`)));
		store.create(pod('logger'));
		await expect.poll(() => podLogLines(store.get('v1', 'Pod', 'default', 'logger')!, 'logger')).toEqual([expect.stringMatching(/^alpine\/curl started on aks-nodepool1-/)]);
	});

	test('stopping the controllers leaves later objects alone', async () => {
		const {store} = cluster({cni: 'azure'});
		stops.shift()!();
		store.create(pod('late'));
		await new Promise(resolve => setTimeout(resolve, 50));
		expect((store.get('v1', 'Pod', 'default', 'late')!.spec as {nodeName?: string}).nodeName).toBeUndefined();
	});
});
