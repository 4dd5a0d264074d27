import {randomBytes} from 'node:crypto';
import type {KubeObject, PracticeContext} from '../types.js';
import {isNodeReady, nodeNetworkReady} from './nodes.js';
import {isTerminating, modify, podSpec, podStatus, rfc3339, type Container} from './objects.js';

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

const kubeletEventSource = 'kubelet';

function isCiliumPresent(ctx: PracticeContext): boolean {
	return ctx.store.list('apps/v1', 'DaemonSet', {namespace: 'kube-system'}).some(ds => ds.metadata.name === 'cilium');
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

function nodeFits(node: KubeObject, pod: KubeObject): boolean {
	const labels = node.metadata.labels ?? {};
	return Object.entries(podSpec(pod).nodeSelector ?? {}).every(([key, value]) => labels[key] === value);
}

/** Picks the node with the fewest pods among those the pod's nodeSelector allows (readiness and taints are not weighed). */
function chooseNode(nodes: KubeObject[], pods: KubeObject[], pod: KubeObject): KubeObject | undefined {
	const counts = new Map<string, number>();
	for (const other of pods) {
		const nodeName = podSpec(other).nodeName;
		if (nodeName) counts.set(nodeName, (counts.get(nodeName) ?? 0) + 1);
	}
	return nodes.filter(node => nodeFits(node, pod))
		.sort((a, b) => (counts.get(a.metadata.name) ?? 0) - (counts.get(b.metadata.name) ?? 0) || a.metadata.name.localeCompare(b.metadata.name))[0];
}

function nodeInternalIp(node: KubeObject | undefined): string {
	const addresses = (node?.status as {addresses?: Array<{type: string; address: string}>} | undefined)?.addresses ?? [];
	return addresses.find(address => address.type === 'InternalIP')?.address ?? '10.224.0.4';
}

/** The next free address in the node's pod CIDR (a /24), skipping .0 and .1 as Azure's IPAM does. */
function allocatePodIp(node: KubeObject | undefined, pods: KubeObject[], reserved: Iterable<string>): string {
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
	/** Addresses handed to pods still starting (their status shows the IP only once Running). */
	private readonly reservedIps = new Map<string, string>();

	constructor(private readonly ctx: PracticeContext, private readonly signal: AbortSignal, private readonly onProgress: () => void) {}

	reconcile(): void {
		const {store} = this.ctx;
		const nodes = store.list('v1', 'Node');
		const pods = store.list('v1', 'Pod');
		for (const pod of pods) {
			if (isTerminating(pod) || this.inFlight.has(pod.metadata.uid!)) continue;
			const spec = podSpec(pod);
			if (!spec.nodeName) {
				const node = chooseNode(nodes, pods, pod);
				if (!node) continue;
				this.bind(pod, node);
				// Later choices in this pass count the pod just placed.
				spec.nodeName = node.metadata.name;
				continue;
			}
			const phase = podStatus(pod).phase;
			if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') continue;
			const node = nodes.find(candidate => candidate.metadata.name === spec.nodeName);
			if (!node) continue;
			if (!spec.hostNetwork && !nodeNetworkReady(this.ctx, node)) {
				this.holdForNetwork(pod);
				continue;
			}
			void this.start(pod, node);
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
		modify(this.ctx.store, pod, draft => {
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
			const current = store.get('v1', 'Pod', pod.metadata.namespace, pod.metadata.name);
			return current && current.metadata.uid === uid && !isTerminating(current) ? current : undefined;
		};
		try {
			const hostIP = nodeInternalIp(node);
			const podIP = podSpec(pod).hostNetwork ? hostIP : allocatePodIp(node, store.list('v1', 'Pod').filter(other => podSpec(other).nodeName === node.metadata.name), this.reservedIps.values());
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
	}
}

export {isNodeReady};
