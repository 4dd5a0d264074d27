import {randomBytes} from 'node:crypto';
import type {KubeObject, PracticeContext} from '../types.js';
import {isNodeReady, nodeNetworkReady} from './nodes.js';
import {getView, isTerminating, listView, modify, podSpec, podStatus, rfc3339, type Container} from './objects.js';

export type ContainerStartedListener = (pod: KubeObject, container: Container, ctx: PracticeContext) => void;

const containerStartedListeners = new Set<ContainerStartedListener>();

/**
 * Tells `listener` each time a container starts (after the kubelet's Started event), so a part that
 * knows what an image prints (the cilium agent, hubble-relay…) can append its log with `appendPodLog`.
 */
export function onContainerStarted(listener: ContainerStartedListener): () => void {
	containerStartedListeners.add(listener);
	return () => containerStartedListeners.delete(listener);
}

/** How long each stage of a pod's start takes on the SimClock (before the speed compresses it). */
export const podStartTimings = {schedule: 100, pull: 1500, create: 300, ready: 500};

/** How long the kubelet takes to stop a deleted pod's containers (at most its grace period), on the SimClock. */
export const podStopTimings = {stop: 1000};

const kubeletEventSource = 'kubelet';

function isCiliumPresent(ctx: PracticeContext): boolean {
	return getView(ctx.store, 'apps/v1', 'DaemonSet', 'kube-system', 'cilium') !== undefined;
}

/** The kubelet's complaint about a pod it cannot give a network yet. */
function sandboxFailure(ctx: PracticeContext): {reason: string; message: string} {
	if (!isCiliumPresent(ctx)) {
		return {reason: 'NetworkNotReady', message: 'network is not ready: container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized'};
	}
	const sandbox = randomBytes(32).toString('hex');
	return {
		reason: 'FailedCreatePodSandBox',
		message: `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandbox}": plugin type="cilium-cni" failed (add): unable to connect to Cilium daemon: failed to create cilium agent client after 30.000000 seconds timeout: Get "http:///var/run/cilium/cilium.sock/v1/config": dial unix /var/run/cilium/cilium.sock: connect: no such file or directory\nIs the agent running?`,
	};
}

interface GracefulDeletes {
	deleteObject(type: unknown, namespace: string | undefined, name: string, options: {gracePeriodSeconds: number; preconditions: {uid?: string}}): unknown;
	registry: {byKind(apiVersion: string, kind: string): unknown};
}

/** The kubelet's final delete: grace period 0, for this pod (uid) only. */
function removePod(ctx: PracticeContext, pod: KubeObject): void {
	const store = ctx.store as unknown as Partial<GracefulDeletes>;
	try {
		if (typeof store.deleteObject === 'function' && store.registry) {
			store.deleteObject(store.registry.byKind('v1', 'Pod'), pod.metadata.namespace, pod.metadata.name, {gracePeriodSeconds: 0, preconditions: {uid: pod.metadata.uid}});
		} else ctx.store.delete('v1', 'Pod', pod.metadata.namespace, pod.metadata.name);
	} catch {
		// Gone already, or replaced by a pod of the same name.
	}
}

function nodeFits(node: KubeObject, pod: KubeObject): boolean {
	const labels = node.metadata.labels ?? {};
	return Object.entries(podSpec(pod).nodeSelector ?? {}).every(([key, value]) => labels[key] === value);
}

function podsPerNode(pods: readonly KubeObject[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const other of pods) {
		const nodeName = podSpec(other).nodeName;
		if (nodeName) counts.set(nodeName, (counts.get(nodeName) ?? 0) + 1);
	}
	return counts;
}

interface LabelSelectorObject {
	matchLabels?: Record<string, string>;
	matchExpressions?: Array<{key: string; operator: string; values?: string[]}>;
}

function labelSelectorMatches(selector: LabelSelectorObject | undefined, labels: Record<string, string>): boolean {
	if (!selector) return false;
	const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
	return byLabels && (selector.matchExpressions ?? []).every(({key, operator, values = []}) => {
		switch (operator) {
			case 'In':
				return key in labels && values.includes(labels[key]!);
			case 'NotIn':
				return !(key in labels) || !values.includes(labels[key]!);
			case 'Exists':
				return key in labels;
			case 'DoesNotExist':
				return !(key in labels);
			default:
				return false;
		}
	});
}

interface AffinityTerm {
	labelSelector?: LabelSelectorObject;
	topologyKey?: string;
	namespaces?: string[];
}

/**
 * The scheduler's InterPodAffinity filter for required terms on the hostname topology (the one the lab's and
 * cilium-cli's workloads use): podAffinity needs a matching pod on the node, podAntiAffinity none.
 */
function affinityFits(node: KubeObject, pod: KubeObject, pods: readonly KubeObject[]): boolean {
	const affinity = (podSpec(pod) as {affinity?: {podAffinity?: {requiredDuringSchedulingIgnoredDuringExecution?: AffinityTerm[]}; podAntiAffinity?: {requiredDuringSchedulingIgnoredDuringExecution?: AffinityTerm[]}}}).affinity;
	if (!affinity) return true;
	const onNode = (term: AffinityTerm) => {
		const namespaces = term.namespaces?.length ? term.namespaces : [pod.metadata.namespace];
		return pods.some(other => other !== pod && other.metadata.uid !== pod.metadata.uid && podSpec(other).nodeName === node.metadata.name && namespaces.includes(other.metadata.namespace) && !isTerminating(other) && labelSelectorMatches(term.labelSelector, other.metadata.labels ?? {}));
	};
	const hostname = (term: AffinityTerm) => (term.topologyKey ?? 'kubernetes.io/hostname') === 'kubernetes.io/hostname';
	const required = (affinity.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).filter(hostname);
	const forbidden = (affinity.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).filter(hostname);
	return required.every(onNode) && !forbidden.some(onNode);
}

/** Picks the node with the fewest pods among those the pod's nodeSelector and required pod (anti-)affinity allow (readiness and taints are not weighed). */
function chooseNode(nodes: readonly KubeObject[], counts: Map<string, number>, pod: KubeObject, pods: readonly KubeObject[] = []): KubeObject | undefined {
	return nodes.filter(node => nodeFits(node, pod) && affinityFits(node, pod, pods))
		.sort((a, b) => (counts.get(a.metadata.name) ?? 0) - (counts.get(b.metadata.name) ?? 0) || a.metadata.name.localeCompare(b.metadata.name))[0];
}

function nodeInternalIp(node: KubeObject | undefined): string {
	const addresses = (node?.status as {addresses?: Array<{type: string; address: string}>} | undefined)?.addresses ?? [];
	return addresses.find(address => address.type === 'InternalIP')?.address ?? '10.224.0.4';
}

/** The next free address in the node's pod CIDR (a /24), skipping .0 and .1 as Azure's IPAM does. */
function allocatePodIp(node: KubeObject | undefined, pods: readonly KubeObject[], reserved: Iterable<string>): string {
	const cidr = (node?.spec as {podCIDR?: string} | undefined)?.podCIDR ?? '10.244.0.0/24';
	const prefix = cidr.split('/')[0]!.split('.').slice(0, 3).join('.');
	const used = new Set([...pods.map(pod => podStatus(pod).podIP).filter(Boolean), ...reserved]);
	for (let host = 2; host < 255; host++) {
		const ip = `${prefix}.${host}`;
		if (!used.has(ip)) return ip;
	}
	return `${prefix}.254`;
}

function waitingStatuses(containers: Container[], reason: string) {
	return containers.map(container => ({
		name: container.name,
		image: container.image ?? '',
		imageID: '',
		ready: false,
		restartCount: 0,
		started: false,
		state: {waiting: {reason}},
		lastState: {},
	}));
}

function setCondition(conditions: Array<Record<string, unknown>>, type: string, status: string, at: string, extra: Record<string, unknown> = {}) {
	const existing = conditions.find(condition => condition.type === type);
	if (existing) {
		if (existing.status !== status) existing.lastTransitionTime = at;
		existing.status = status;
		Object.assign(existing, extra);
		return;
	}
	conditions.push({type, status, lastProbeTime: null, lastTransitionTime: at, ...extra});
}

/**
 * The scheduler and the kubelet: binds new pods to nodes, then walks each through Pending →
 * ContainerCreating → Running → Ready on the SimClock, or leaves it ContainerCreating with the
 * kubelet's event while its node has no pod network (host-network pods, like Cilium's own, do not need one).
 */
export class PodLifecycle {
	private readonly inFlight = new Set<string>();
	private readonly waitingForNetwork = new Set<string>();
	/** uid → the resourceVersion the pod had once its wait for the network was written: unchanged pods are not rewritten. */
	private readonly heldAt = new Map<string, string | undefined>();
	private readonly stopping = new Set<string>();
	/** Addresses handed to pods still starting (their status shows the IP only once Running). */
	private readonly reservedIps = new Map<string, string>();

	constructor(private readonly ctx: PracticeContext, private readonly signal: AbortSignal, private readonly onProgress: () => void) {}

	/** One pass over the pods: O(pods) reads, and writes only for pods whose state moves on. */
	reconcile(pods: readonly KubeObject[] = listView(this.ctx.store, 'v1', 'Pod')): void {
		const nodes = listView(this.ctx.store, 'v1', 'Node');
		const nodeByName = new Map(nodes.map(node => [node.metadata.name, node]));
		let counts: Map<string, number> | undefined;
		let kubeSystem: readonly KubeObject[] | undefined;
		const networkReady = new Map<string, boolean>();
		// The pods with a node, for the affinity filter: those bound earlier in this pass count too.
		const bound: KubeObject[] = pods.filter(pod => podSpec(pod).nodeName);
		const hasNetwork = (node: KubeObject) => {
			let ready = networkReady.get(node.metadata.name);
			if (ready === undefined) {
				kubeSystem ??= pods.filter(pod => pod.metadata.namespace === 'kube-system');
				ready = nodeNetworkReady(this.ctx, node, kubeSystem);
				networkReady.set(node.metadata.name, ready);
			}
			return ready;
		};
		for (const pod of pods) {
			const uid = pod.metadata.uid!;
			if (isTerminating(pod)) {
				if (podSpec(pod).nodeName && !this.stopping.has(uid)) void this.stop(pod);
				continue;
			}
			if (this.inFlight.has(uid)) continue;
			const spec = podSpec(pod);
			if (!spec.nodeName) {
				counts ??= podsPerNode(pods);
				const node = chooseNode(nodes, counts, pod, bound);
				if (!node) continue;
				this.bind(pod, node);
				bound.push({...pod, spec: {...podSpec(pod), nodeName: node.metadata.name}});
				// Later choices in this pass count the pod just placed.
				counts.set(node.metadata.name, (counts.get(node.metadata.name) ?? 0) + 1);
				continue;
			}
			const phase = podStatus(pod).phase;
			if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') continue;
			const node = nodeByName.get(spec.nodeName);
			if (!node) continue;
			if (!spec.hostNetwork && !hasNetwork(node)) {
				if (!this.heldAt.has(uid) || this.heldAt.get(uid) !== pod.metadata.resourceVersion) this.holdForNetwork(pod);
				continue;
			}
			this.heldAt.delete(uid);
			void this.start(pod, node);
		}
	}

	/**
	 * The kubelet's side of a graceful deletion: stop the containers (Killing), then remove the pod for good,
	 * within its grace period.
	 */
	private async stop(pod: KubeObject): Promise<void> {
		const uid = pod.metadata.uid!;
		this.stopping.add(uid);
		const {store, clock} = this.ctx;
		try {
			const running = (podStatus(pod).containerStatuses as Array<{name: string; state?: {running?: unknown}}> | undefined) ?? [];
			for (const container of running) {
				if (container.state?.running) store.recordEvent(pod, 'Normal', 'Killing', `Stopping container ${container.name}`, kubeletEventSource);
			}
			const graceMs = Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
			const deadline = pod.metadata.deletionTimestamp ? Date.parse(pod.metadata.deletionTimestamp) : clock.now();
			// A daemon restarted after the deadline finishes at once; otherwise the containers take a moment to exit.
			await clock.sleep(Math.max(0, Math.min(graceMs, podStopTimings.stop, deadline - clock.now())), this.signal);
			const current = getView(store, 'v1', 'Pod', pod.metadata.namespace, pod.metadata.name);
			if (!current || current.metadata.uid !== uid) return;
			removePod(this.ctx, current);
		} catch {
			// Aborted: the controllers are stopping; the next start finishes the deletion.
		} finally {
			this.stopping.delete(uid);
		}
	}

	private bind(pod: KubeObject, node: KubeObject): void {
		const at = rfc3339(this.ctx.clock.now());
		const bound = modify(this.ctx.store, pod, draft => {
			podSpec(draft).nodeName = node.metadata.name;
			const status = (draft.status ??= {}) as Record<string, unknown>;
			status.phase = 'Pending';
			const conditions = (status.conditions ??= []) as Array<Record<string, unknown>>;
			setCondition(conditions, 'PodScheduled', 'True', at);
		});
		if (bound) this.ctx.store.recordEvent(bound, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`, 'default-scheduler');
	}

	private holdForNetwork(pod: KubeObject): void {
		const uid = pod.metadata.uid!;
		const containers = podSpec(pod).containers;
		const at = rfc3339(this.ctx.clock.now());
		const held = modify(this.ctx.store, pod, draft => {
			const status = (draft.status ??= {}) as Record<string, unknown>;
			status.phase = 'Pending';
			status.hostIP ??= undefined;
			const conditions = (status.conditions ??= []) as Array<Record<string, unknown>>;
			for (const type of ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']) {
				setCondition(conditions, type, type === 'Initialized' ? 'True' : 'False', at,
					type === 'Ready' || type === 'ContainersReady' ? {reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map(container => container.name).join(' ')}]`} : {});
			}
			if (!status.containerStatuses) status.containerStatuses = waitingStatuses(containers, 'ContainerCreating');
			status.startTime ??= at;
			delete status.hostIP;
		});
		this.heldAt.set(uid, held?.metadata.resourceVersion);
		if (!this.waitingForNetwork.has(uid)) {
			this.waitingForNetwork.add(uid);
			const failure = sandboxFailure(this.ctx);
			this.ctx.store.recordEvent(pod, 'Warning', failure.reason, failure.message, kubeletEventSource);
		}
	}

	private async start(pod: KubeObject, node: KubeObject): Promise<void> {
		const uid = pod.metadata.uid!;
		this.inFlight.add(uid);
		this.waitingForNetwork.delete(uid);
		const {store, clock} = this.ctx;
		const containers = podSpec(pod).containers;
		const alive = () => {
			const current = getView(store, 'v1', 'Pod', pod.metadata.namespace, pod.metadata.name);
			return current && current.metadata.uid === uid && !isTerminating(current) ? current : undefined;
		};
		try {
			const hostIP = nodeInternalIp(node);
			const podIP = podSpec(pod).hostNetwork ? hostIP : allocatePodIp(node, listView(store, 'v1', 'Pod').filter(other => podSpec(other).nodeName === node.metadata.name), this.reservedIps.values());
			this.reservedIps.set(uid, podIP);
			const at = rfc3339(clock.now());
			modify(store, pod, draft => {
				const status = (draft.status ??= {}) as Record<string, unknown>;
				status.phase = 'Pending';
				status.hostIP = hostIP;
				status.hostIPs = [{ip: hostIP}];
				status.startTime ??= at;
				const conditions = (status.conditions ??= []) as Array<Record<string, unknown>>;
				setCondition(conditions, 'Initialized', 'True', at);
				const notReady = {reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map(container => container.name).join(' ')}]`};
				setCondition(conditions, 'PodReadyToStartContainers', 'False', at);
				setCondition(conditions, 'Ready', 'False', at, notReady);
				setCondition(conditions, 'ContainersReady', 'False', at, notReady);
				if (!status.containerStatuses) status.containerStatuses = waitingStatuses(containers, 'ContainerCreating');
			});
			for (const container of containers) {
				await clock.sleep(podStartTimings.pull / containers.length, this.signal);
				if (!alive()) return;
				const image = container.image ?? '';
				store.recordEvent(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, kubeletEventSource);
				const pullSeconds = (podStartTimings.pull / 1000).toFixed(3);
				store.recordEvent(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${pullSeconds}s (${pullSeconds}s including waiting). Image size: 7438512 bytes.`, kubeletEventSource);
				await clock.sleep(podStartTimings.create / containers.length, this.signal);
				if (!alive()) return;
				store.recordEvent(pod, 'Normal', 'Created', `Created container ${container.name}`, kubeletEventSource);
				store.recordEvent(pod, 'Normal', 'Started', `Started container ${container.name}`, kubeletEventSource);
			}
			const started = rfc3339(clock.now());
			const current = alive();
			if (!current) return;
			modify(store, current, draft => {
				const status = (draft.status ??= {}) as Record<string, unknown>;
				status.phase = 'Running';
				status.podIP = podIP;
				status.podIPs = [{ip: podIP}];
				const conditions = (status.conditions ??= []) as Array<Record<string, unknown>>;
				setCondition(conditions, 'PodReadyToStartContainers', 'True', started);
				status.containerStatuses = containers.map(container => ({
					name: container.name,
					image: container.image ?? '',
					imageID: `${container.image ?? ''}@sha256:${randomBytes(32).toString('hex')}`,
					containerID: `containerd://${randomBytes(32).toString('hex')}`,
					ready: false,
					restartCount: 0,
					started: true,
					state: {running: {startedAt: started}},
					lastState: {},
				}));
			});
			const runningPod = alive();
			if (runningPod) {
				for (const container of containers) {
					for (const listener of containerStartedListeners) {
						try {
							listener(runningPod, container, this.ctx);
						} catch {
							// A listener's failure does not stop the pod.
						}
					}
				}
			}
			this.onProgress();
			await clock.sleep(podStartTimings.ready, this.signal);
			const running = alive();
			if (!running) return;
			const readyAt = rfc3339(clock.now());
			modify(store, running, draft => {
				const status = draft.status as Record<string, unknown> & {containerStatuses: Array<Record<string, unknown>>};
				for (const containerStatus of status.containerStatuses) containerStatus.ready = true;
				const conditions = (status.conditions ??= []) as Array<Record<string, unknown>>;
				for (const condition of conditions) {
					if (condition.type === 'Ready' || condition.type === 'ContainersReady') {
						delete condition.reason;
						delete condition.message;
					}
				}
				setCondition(conditions, 'ContainersReady', 'True', readyAt);
				setCondition(conditions, 'Ready', 'True', readyAt);
			});
		} catch {
			// Aborted: the controllers are stopping.
		} finally {
			this.reservedIps.delete(uid);
			this.inFlight.delete(uid);
			this.onProgress();
		}
	}

	forget(pod: KubeObject): void {
		this.waitingForNetwork.delete(pod.metadata.uid!);
		this.heldAt.delete(pod.metadata.uid!);
	}
}

export {isNodeReady};
