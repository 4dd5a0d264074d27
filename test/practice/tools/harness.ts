// Runs the simulated tools in-process against the real store (memory only), with a stand-in for
// the daemon's cluster lifecycle. Process-level tests (shims + daemon + kubectl) are in e2e.test.ts.
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createStore, type PracticeStore} from '../../../src/practice/api/store.js';
import type {ClusterLifecycle, HostTool, KubeObject, PracticeContext, SimClock} from '../../../src/practice/types.js';
import {stripAnsi} from '../../../src/practice/cloud/text.js';

export interface Harness {
	ctx: PracticeContext;
	store: PracticeStore;
	dir: string;
	env: Record<string, string>;
	run(tool: HostTool, argv: string[], options?: {tty?: boolean; stdin?: string[]}): Promise<{code: number; stdout: string; stderr: string}>;
}

export const practiceServer = 'https://127.0.0.1:6443';

/** The first six lines of `cilium status` once Cilium 1.16.4 is installed and ready, Hubble Relay not enabled. */
export const ciliumStatusReadyLogo = [
	'    /¯¯\\',
	' /¯¯\\__/¯¯\\    Cilium:             OK',
	' \\__/¯¯\\__/    Operator:           OK',
	' /¯¯\\__/¯¯\\    Envoy DaemonSet:    OK',
	' \\__/¯¯\\__/    Hubble Relay:       disabled',
	'    \\__/       ClusterMesh:        disabled',
];

export function createHarness(): Harness {
	const store = createStore();
	const dir = mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-tools-'));
	let exists = false;
	const clock: SimClock = {now: () => Date.now(), sleep: async () => undefined, speed: 'instant'};
	const cluster: ClusterLifecycle = {
		exists: () => exists,
		async create({nodeCount}) {
			exists = true;
			for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
				if (!store.get('v1', 'Namespace', undefined, name)) store.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name}});
			}
			for (let index = 0; index < nodeCount; index++) {
				store.apply({apiVersion: 'v1', kind: 'Node', metadata: {name: `aks-nodepool1-12345678-vmss00000${index}`}});
			}
		},
		async remove() {
			exists = false;
		},
		kubeconfig: contextName =>
			[
				'apiVersion: v1',
				'kind: Config',
				'clusters:',
				`- name: ${contextName}`,
				'  cluster:',
				`    server: ${practiceServer}`,
				'contexts:',
				`- name: ${contextName}`,
				'  context:',
				`    cluster: ${contextName}`,
				`    user: clusterUser_${contextName}`,
				`current-context: ${contextName}`,
				'users:',
				`- name: clusterUser_${contextName}`,
				'  user:',
				'    token: test-token',
				'',
			].join('\n'),
	};
	const ctx: PracticeContext = {store, clock, sections: store.sections, cluster};
	const env = {HOME: dir, KUBECONFIG: path.join(dir, 'kubeconfig'), PATH: process.env.PATH ?? ''};
	return {
		ctx,
		store,
		dir,
		env,
		async run(tool, argv, options = {}) {
			let stdout = '';
			let stderr = '';
			const controller = new AbortController();
			const code = await tool(
				argv,
				{
					stdout: {write: text => (stdout += text)},
					stderr: {write: text => (stderr += text)},
					stdin: (async function* () {
						for (const chunk of options.stdin ?? []) yield chunk;
					})(),
					tty: options.tty ?? false,
					signal: controller.signal,
					env,
					cwd: dir,
				},
				ctx,
			);
			return {code, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr)};
		},
	};
}

/** What the controllers would do: every DaemonSet/Deployment of `namespace` fully Ready, with Running pods. */
export function markWorkloadsReady(store: PracticeStore, namespace: string): void {
	const nodes = store.list('v1', 'Node').length;
	for (const kind of ['DaemonSet', 'Deployment'] as const) {
		for (const workload of store.list('apps/v1', kind, {namespace})) {
			const count = kind === 'DaemonSet' ? nodes : Number((workload.spec as {replicas?: number}).replicas ?? 1);
			const template = (workload.spec as {template: {metadata: {labels: Record<string, string>}; spec: Record<string, unknown>}}).template;
			for (let index = 0; index < count; index++) {
				const pod: KubeObject = {
					apiVersion: 'v1',
					kind: 'Pod',
					metadata: {name: `${workload.metadata.name}-${index}`, namespace, labels: template.metadata.labels},
					spec: template.spec,
				};
				store.apply(pod);
				const stored = store.get('v1', 'Pod', namespace, pod.metadata.name)!;
				store.updateObject({...stored, status: {phase: 'Running'}}, {subresource: 'status'});
			}
			const status =
				kind === 'DaemonSet'
					? {desiredNumberScheduled: count, currentNumberScheduled: count, numberReady: count, numberAvailable: count, updatedNumberScheduled: count, numberMisscheduled: 0}
					: {replicas: count, readyReplicas: count, availableReplicas: count, updatedReplicas: count};
			const stored = store.get('apps/v1', kind, namespace, workload.metadata.name)!;
			store.updateObject({...stored, status}, {subresource: 'status'});
		}
	}
}

export function writeKubeconfig(harness: Harness, server = practiceServer): void {
	writeFileSync(harness.env.KUBECONFIG!, harness.ctx.cluster.kubeconfig('yj-aks').replace(practiceServer, server));
}
