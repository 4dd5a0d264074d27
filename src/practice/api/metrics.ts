// The resource metrics API (metrics.k8s.io/v1beta1) as metrics-server serves it behind the API server's aggregator
// (kubernetes-sigs/metrics-server pkg/api: NodeMetrics and PodMetrics, `usage` as cpu in nanocores `…n` and memory in
// `…Ki`, `window` the span the rate was measured over, `timestamp` the scrape). What `kubectl top nodes|pods` reads.
//
// The practice cluster has no cgroups to read. Usage is made up, but stable and derived from the cluster's state:
// each running container gets a figure from what it runs (cilium-agent uses more than a sleeping curl), moving a
// little from one scrape window to the next; a node is its pods plus the kubelet, containerd and the OS. Only
// containers that run have metrics (a Pending or ContainerCreating pod has none, as with metrics-server), and the
// API answers only while a metrics-server pod is Ready: before the CNI is up on a BYOCNI cluster, `kubectl top` gets
// the aggregator's 503, as it does on AKS.
import {createHash} from 'node:crypto';
import type {KubeObject} from '../types.js';

/** metrics-server's --metric-resolution default: a scrape every 15 s. */
const RESOLUTION_MS = 15_000;

interface Profile {
	/** Millicores, low and high. */
	cpu: [number, number];
	/** MiB, low and high. */
	memory: [number, number];
}

/** Typical usage of what the lab runs, by container name or image (idle, small cluster). */
const profiles: Array<{match: (container: {name: string; image: string}) => boolean; profile: Profile}> = [
	{match: c => c.name === 'cilium-agent', profile: {cpu: [25, 60], memory: [170, 240]}},
	{match: c => c.name === 'cilium-envoy', profile: {cpu: [2, 6], memory: [18, 30]}},
	{match: c => c.name === 'cilium-operator', profile: {cpu: [2, 5], memory: [28, 42]}},
	{match: c => c.name === 'hubble-relay', profile: {cpu: [1, 3], memory: [14, 22]}},
	{match: c => c.image.includes('hubble-ui-backend'), profile: {cpu: [1, 2], memory: [16, 24]}},
	{match: c => c.image.includes('hubble-ui'), profile: {cpu: [0, 1], memory: [5, 9]}},
	{match: c => c.name === 'coredns', profile: {cpu: [2, 4], memory: [14, 22]}},
	{match: c => c.name === 'metrics-server', profile: {cpu: [3, 6], memory: [20, 28]}},
	{match: c => /(^|\/)(nginx|httpd)(:|@|$)/.test(c.image), profile: {cpu: [0, 1], memory: [3, 8]}},
];
const defaultProfile: Profile = {cpu: [0, 1], memory: [1, 4]};
/** The kubelet, containerd and the OS of an AKS node (what `kubectl top node` shows beyond the pods). */
const nodeOverhead: Profile = {cpu: [70, 120], memory: [880, 1010]};

/** A number in [0, 1) fixed by the text: the same container and window always give the same figure. */
function fraction(text: string): number {
	return createHash('sha256').update(text).digest().readUInt32BE(0) / 0x1_0000_0000;
}

function usageOf(profile: Profile, key: string, window: number): {cpuNano: number; memoryKi: number} {
	// Mostly a fixed point in the profile's range, plus a few percent that moves each window.
	const base = fraction(key);
	const drift = (fraction(`${key}/${window}`) - 0.5) * 0.1;
	const at = Math.min(1, Math.max(0, base + drift));
	const cpuMilli = profile.cpu[0] + (profile.cpu[1] - profile.cpu[0]) * at;
	const memoryMi = profile.memory[0] + (profile.memory[1] - profile.memory[0]) * at;
	return {cpuNano: Math.round(cpuMilli * 1e6 + fraction(`${key}/${window}/n`) * 999_999), memoryKi: Math.round(memoryMi * 1024)};
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface ContainerStatus {
	name: string;
	state?: {running?: unknown};
}

function runningContainers(pod: KubeObject): Array<{name: string; image: string}> {
	const spec = (pod.spec ?? {}) as {containers?: Array<{name: string; image?: string}>};
	const statuses = ((pod.status ?? {}) as {containerStatuses?: ContainerStatus[]; phase?: string}).containerStatuses ?? [];
	if ((pod.status as {phase?: string} | undefined)?.phase !== 'Running') return [];
	return (spec.containers ?? [])
		.filter(container => statuses.some(status => status.name === container.name && status.state?.running))
		.map(container => ({name: container.name, image: container.image ?? ''}));
}

export interface MetricsSource {
	now: number;
	pods: readonly KubeObject[];
	nodes: readonly KubeObject[];
}

/** metrics-server is the APIService's backend: without a Ready pod of it the aggregator answers 503. */
export function metricsAvailable(pods: readonly KubeObject[]): boolean {
	return pods.some(pod => pod.metadata.namespace === 'kube-system' && pod.metadata.labels?.['k8s-app'] === 'metrics-server' && isReady(pod));
}

function isReady(pod: KubeObject): boolean {
	const conditions = ((pod.status ?? {}) as {conditions?: Array<{type: string; status: string}>}).conditions ?? [];
	return conditions.some(condition => condition.type === 'Ready' && condition.status === 'True');
}

function windowOf(now: number): {index: number; timestamp: string} {
	const index = Math.floor(now / RESOLUTION_MS);
	return {index, timestamp: rfc3339(index * RESOLUTION_MS)};
}

/** PodMetrics of every pod with running containers (metrics-server pkg/api/pod.go). */
export function podMetrics(source: MetricsSource): KubeObject[] {
	const {index, timestamp} = windowOf(source.now);
	const result: KubeObject[] = [];
	for (const pod of source.pods) {
		const containers = runningContainers(pod);
		if (containers.length === 0) continue;
		result.push({
			apiVersion: 'metrics.k8s.io/v1beta1',
			kind: 'PodMetrics',
			metadata: {name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: rfc3339(source.now), ...(pod.metadata.labels ? {labels: pod.metadata.labels} : {})},
			timestamp,
			window: '15s',
			containers: containers.map(container => {
				const profile = profiles.find(candidate => candidate.match(container))?.profile ?? defaultProfile;
				const usage = usageOf(profile, `${pod.metadata.uid ?? pod.metadata.name}/${container.name}`, index);
				return {name: container.name, usage: {cpu: `${usage.cpuNano}n`, memory: `${usage.memoryKi}Ki`}};
			}),
		} as unknown as KubeObject);
	}
	return result;
}

/** NodeMetrics: the node's pods plus its system overhead (metrics-server pkg/api/node.go). */
export function nodeMetrics(source: MetricsSource): KubeObject[] {
	const {index, timestamp} = windowOf(source.now);
	const pods = podMetrics(source);
	return source.nodes.map(node => {
		const onNode = source.pods.filter(pod => (pod.spec as {nodeName?: string} | undefined)?.nodeName === node.metadata.name).map(pod => pod.metadata.uid);
		let cpuNano = 0;
		let memoryKi = 0;
		for (const metrics of pods) {
			const pod = source.pods.find(candidate => candidate.metadata.namespace === metrics.metadata.namespace && candidate.metadata.name === metrics.metadata.name);
			if (!pod || !onNode.includes(pod.metadata.uid)) continue;
			for (const container of (metrics as unknown as {containers: Array<{usage: {cpu: string; memory: string}}>}).containers) {
				cpuNano += Number.parseInt(container.usage.cpu, 10);
				memoryKi += Number.parseInt(container.usage.memory, 10);
			}
		}
		const system = usageOf(nodeOverhead, `node/${node.metadata.name}`, index);
		return {
			apiVersion: 'metrics.k8s.io/v1beta1',
			kind: 'NodeMetrics',
			metadata: {name: node.metadata.name, creationTimestamp: rfc3339(source.now), ...(node.metadata.labels ? {labels: node.metadata.labels} : {})},
			timestamp,
			window: '15s',
			usage: {cpu: `${cpuNano + system.cpuNano}n`, memory: `${memoryKi + system.memoryKi}Ki`},
		} as unknown as KubeObject;
	});
}
