import {randomBytes} from 'node:crypto';
import type {KubeObject, PracticeContext} from '../types.js';
import {isNodeReady, nodeNetworkReady} from './nodes.js';
import {getView, isTerminating, listView, modify, podSpec, podStatus, rfc3339, type Container} from './objects.js';
import {appendPodLog, startContainerRun} from '../api/streams/logs.js';
import {findPodProgram} from '../datapath/programs/index.js';
import {backOffMaxMs, containerProcess, formatPod, goDuration, nextBackOff} from './containers.js';
import {lookupImage} from './images.js';
import {nodePodCidr} from './ipam.js';

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

/** The next free address in the node's pod CIDR (ipam.ts nodePodCidr), skipping .0 and .1 (the network, the router). */
function allocatePodIp(ctx: PracticeContext, node: KubeObject | undefined, pods: readonly KubeObject[], reserved: Iterable<string>): string {
	const cidr = nodePodCidr(ctx, node) ?? '10.244.0.0/24';
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
			if (phase === 'Running') this.startEphemeralContainers(pod);
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
			const podIP = podSpec(pod).hostNetwork ? hostIP : allocatePodIp(this.ctx, node, listView(store, 'v1', 'Pod').filter(other => podSpec(other).nodeName === node.metadata.name), this.reservedIps.values());
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
				if (!(await this.pullImage(container, alive))) return;
				await clock.sleep(podStartTimings.create / containers.length, this.signal);
				if (!alive()) return;
				store.recordEvent(pod, 'Normal', 'Created', `Created container ${container.name}`, kubeletEventSource);
				store.recordEvent(pod, 'Normal', 'Started', `Started container ${container.name}`, kubeletEventSource);
			}
			const started = rfc3339(clock.now());
			const current = alive();
			if (!current) return;
			const containerIds = containers.map(() => randomBytes(32).toString('hex'));
			modify(store, current, draft => {
				const status = (draft.status ??= {}) as Record<string, unknown>;
				status.phase = 'Running';
				status.podIP = podIP;
				status.podIPs = [{ip: podIP}];
				const conditions = (status.conditions ??= []) as Array<Record<string, unknown>>;
				setCondition(conditions, 'PodReadyToStartContainers', 'True', started);
				status.containerStatuses = containers.map((container, index) => ({
					name: container.name,
					image: container.image ?? '',
					imageID: `${container.image ?? ''}@sha256:${randomBytes(32).toString('hex')}`,
					containerID: `containerd://${containerIds[index]}`,
					ready: false,
					restartCount: 0,
					started: true,
					state: {running: {startedAt: started}},
					lastState: {},
				}));
			});
			const runningPod = alive();
			if (runningPod) {
				containers.forEach((container, index) => startContainerRun(runningPod, container.name, containerIds[index]!));
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
			// Containers whose process exits (the image's default shell, `sleep 5`, `curl …`) run it and restart.
			if (runningPod) {
				containers.forEach((container, index) => {
					const lookup = lookupImage(container.image ?? '');
					if (!lookup.ok) return;
					const process = containerProcess(container, lookup.model, name => findPodProgram(name, runningPod));
					if (process.kind === 'exits') void this.supervise(runningPod, container, process.argv, containerIds[index]!);
				});
			}
			await clock.sleep(podStartTimings.ready, this.signal);
			const running = alive();
			if (!running) return;
			const readyAt = rfc3339(clock.now());
			let allReady = true;
			modify(store, running, draft => {
				const status = draft.status as Record<string, unknown> & {containerStatuses: Array<Record<string, unknown>>};
				for (const containerStatus of status.containerStatuses) {
					containerStatus.ready = Boolean((containerStatus.state as {running?: unknown} | undefined)?.running);
					allReady &&= containerStatus.ready as boolean;
				}
				if (!allReady) return;
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

	/**
	 * The kubelet's start of the ephemeral containers `kubectl debug` adds to a running pod (pkg/kubelet/kuberuntime
	 * kuberuntime_manager.go computePodActions: each ephemeral container without a status is started once and never
	 * restarted): the image pulled (or ErrImagePull), Created and Started, and its status in
	 * ephemeralContainerStatuses. A shell with stdin (`kubectl debug -i`) waits for `kubectl attach`; a default shell
	 * without stdin exits at once (Completed). Other commands that would run to completion are not simulated in an
	 * ephemeral container: they end at once with exit code 126 and a message that says so.
	 */
	private startEphemeralContainers(pod: KubeObject): void {
		const spec = podSpec(pod) as ReturnType<typeof podSpec> & {ephemeralContainers?: Array<Container & {stdin?: boolean; targetContainerName?: string}>};
		const started = new Set(((podStatus(pod).ephemeralContainerStatuses as Array<{name: string}> | undefined) ?? []).map(status => status.name));
		const pending = (spec.ephemeralContainers ?? []).filter(container => !started.has(container.name));
		if (pending.length === 0) return;
		const {store, clock} = this.ctx;
		const at = rfc3339(clock.now());
		const statuses: Array<Record<string, unknown>> = [];
		for (const container of pending) {
			const image = container.image ?? '';
			const lookup = lookupImage(image);
			store.recordEvent(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, kubeletEventSource);
			const base = {name: container.name, image, imageID: '', containerID: '', ready: false, restartCount: 0, lastState: {}};
			if (!lookup.ok) {
				store.recordEvent(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${lookup.message}`, kubeletEventSource);
				store.recordEvent(pod, 'Warning', 'Failed', 'Error: ErrImagePull', kubeletEventSource);
				statuses.push({...base, state: {waiting: {reason: 'ErrImagePull', message: lookup.message}}});
				continue;
			}
			const pullSeconds = (podStartTimings.pull / 1000).toFixed(3);
			store.recordEvent(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${pullSeconds}s (${pullSeconds}s including waiting). Image size: 2160406 bytes.`, kubeletEventSource);
			store.recordEvent(pod, 'Normal', 'Created', `Created container ${container.name}`, kubeletEventSource);
			store.recordEvent(pod, 'Normal', 'Started', `Started container ${container.name}`, kubeletEventSource);
			const containerID = `containerd://${randomBytes(32).toString('hex')}`;
			const running = {...base, imageID: `${lookup.reference.canonical}@sha256:${randomBytes(32).toString('hex')}`, containerID};
			const process = containerProcess(container, lookup.model, name => findPodProgram(name, pod));
			if (process.kind === 'server') statuses.push({...running, state: {running: {startedAt: at}}});
			else if (process.argv.length === 1 && process.argv[0] === 'true') statuses.push({...running, state: {terminated: {exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at, containerID}}});
			else {
				statuses.push({...running, state: {terminated: {
					exitCode: 126, reason: 'Error', startedAt: at, finishedAt: at, containerID,
					message: 'the cilium-lab practice cluster runs a command in an ephemeral container only through kubectl debug -it (attach); run it from that shell',
				}}});
			}
		}
		modify(store, pod, draft => {
			const status = (draft.status ??= {}) as Record<string, unknown>;
			status.ephemeralContainerStatuses = [...((status.ephemeralContainerStatuses as Array<Record<string, unknown>> | undefined) ?? []), ...statuses];
		});
	}

	/**
	 * At instant speed the back-offs take no time; a crash loop or a failing pull still yields between tries (a
	 * quarter second, a second and a half for a back-off of 10s or more) so it neither spins nor flickers past a reader.
	 */
	private async backOffSleep(ms: number): Promise<void> {
		await this.ctx.clock.sleep(ms, this.signal);
		if (this.ctx.clock.speed === 'instant') await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(resolve, ms >= 9000 ? 1500 : 250);
			this.signal.addEventListener('abort', () => {
				clearTimeout(timer);
				reject(new Error('aborted'));
			}, {once: true});
		});
	}

	private setContainerStatus(pod: KubeObject, name: string, change: (status: Record<string, unknown>) => void, podChange?: (status: Record<string, unknown>) => void): KubeObject | undefined {
		return modify(this.ctx.store, pod, draft => {
			const status = (draft.status ??= {}) as Record<string, unknown>;
			const statuses = (status.containerStatuses ??= []) as Array<Record<string, unknown>>;
			const entry = statuses.find(candidate => candidate.name === name);
			if (entry) change(entry);
			podChange?.(status);
		});
	}

	/**
	 * The kubelet's image pull (pkg/kubelet/images/image_manager.go EnsureImageExists, events in its order): Pulling,
	 * then Pulled; or Failed with containerd's error and "Error: ErrImagePull", then "Back-off pulling image" and
	 * "Error: ImagePullBackOff" until the back-off (10s doubling to 5m) lets it try again. The image is read from the
	 * pod each time (an edited image is pulled on the next try). Resolves false when the pod went away.
	 */
	private async pullImage(container: Container, alive: () => KubeObject | undefined): Promise<boolean> {
		const {store} = this.ctx;
		let backOff: number | undefined;
		for (;;) {
			const current = alive();
			if (!current) return false;
			const image = podSpec(current).containers.find(candidate => candidate.name === container.name)?.image ?? container.image ?? '';
			const lookup = lookupImage(image);
			if (!lookup.ok && lookup.code === 'InvalidImageName') {
				// Not retried: the pod waits until its image is edited (each sync repeats the events, counted).
				store.recordEvent(current, 'Warning', 'InspectFailed', lookup.message, kubeletEventSource);
				store.recordEvent(current, 'Warning', 'Failed', 'Error: InvalidImageName', kubeletEventSource);
				this.setContainerStatus(current, container.name, entry => void (entry.state = {waiting: {reason: 'InvalidImageName', message: lookup.message}}));
				await this.backOffSleep(backOffMaxMs);
				continue;
			}
			store.recordEvent(current, 'Normal', 'Pulling', `Pulling image "${image}"`, kubeletEventSource);
			if (lookup.ok) {
				const pullSeconds = (podStartTimings.pull / 1000).toFixed(3);
				store.recordEvent(current, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${pullSeconds}s (${pullSeconds}s including waiting). Image size: 7438512 bytes.`, kubeletEventSource);
				return true;
			}
			store.recordEvent(current, 'Warning', 'Failed', `Failed to pull image "${image}": ${lookup.message}`, kubeletEventSource);
			store.recordEvent(current, 'Warning', 'Failed', 'Error: ErrImagePull', kubeletEventSource);
			this.setContainerStatus(current, container.name, entry => void (entry.state = {waiting: {reason: 'ErrImagePull', message: lookup.message}}));
			backOff = nextBackOff(backOff);
			// The next sync finds the pull in back-off.
			await this.backOffSleep(1000);
			const waiting = alive();
			if (!waiting) return false;
			store.recordEvent(waiting, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, kubeletEventSource);
			store.recordEvent(waiting, 'Warning', 'Failed', 'Error: ImagePullBackOff', kubeletEventSource);
			this.setContainerStatus(waiting, container.name, entry => void (entry.state = {waiting: {reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"`}}));
			await this.backOffSleep(Math.max(0, backOff - 1000));
		}
	}

	/**
	 * A container whose process exits: run it (its output is the container's log), record how it ended (Completed
	 * exit 0, Error otherwise), then as restartPolicy says: done (Never; OnFailure after 0), or restart — at once the
	 * first time, then after the kubelet's back-off in CrashLoopBackOff (doBackOff: "back-off 10s restarting failed
	 * container=…", event "Back-off restarting failed container … in pod …"), 10s doubling to 5m.
	 */
	private async supervise(pod: KubeObject, container: Container, argv: string[], firstContainerId: string): Promise<void> {
		const {store, clock} = this.ctx;
		const uid = pod.metadata.uid;
		const alive = () => {
			const current = getView(store, 'v1', 'Pod', pod.metadata.namespace, pod.metadata.name);
			return current && current.metadata.uid === uid && !isTerminating(current) ? current : undefined;
		};
		let containerId = firstContainerId;
		let backOff: number | undefined;
		let restarts = 0;
		try {
			for (;;) {
				const runningPod = alive();
				if (!runningPod) return;
				const startedAt = rfc3339(clock.now());
				const program = findPodProgram(argv[0]!, runningPod);
				let code = 127;
				if (program) {
					const io = {
						stdout: {write: (text: string) => appendPodLog(runningPod, container.name, text, clock.now())},
						stderr: {write: (text: string) => appendPodLog(runningPod, container.name, text, clock.now())},
						tty: false,
						signal: this.signal,
						env: {},
					};
					try {
						code = await program(argv, io, runningPod, this.ctx);
					} catch {
						if (this.signal.aborted) return;
						code = 1;
					}
				}
				const exited = alive();
				if (!exited) return;
				const terminated = {exitCode: code, reason: code === 0 ? 'Completed' : 'Error', startedAt, finishedAt: rfc3339(clock.now()), containerID: `containerd://${containerId}`};
				const policy = String((podSpec(exited) as {restartPolicy?: string}).restartPolicy ?? 'Always');
				const done = policy === 'Never' || (policy === 'OnFailure' && code === 0);
				const notReady = {reason: 'ContainersNotReady', message: `containers with unready status: [${container.name}]`};
				this.setContainerStatus(exited, container.name, entry => {
					entry.state = {terminated};
					entry.ready = false;
					entry.started = false;
				}, status => {
					const conditions = (status.conditions ??= []) as Array<Record<string, unknown>>;
					setCondition(conditions, 'Ready', 'False', terminated.finishedAt, notReady);
					setCondition(conditions, 'ContainersReady', 'False', terminated.finishedAt, notReady);
					if (done) {
						const statuses = (status.containerStatuses ?? []) as Array<{state?: {terminated?: {exitCode: number}}}>;
						if (statuses.every(entry => entry.state?.terminated)) status.phase = statuses.every(entry => entry.state!.terminated!.exitCode === 0) ? 'Succeeded' : 'Failed';
					}
				});
				if (done) return;
				// doBackOff: the first exit finds no back-off entry (Next starts it at 10s); later ones wait it out.
				if (restarts > 0) {
					const wait = backOff ?? nextBackOff(undefined);
					const message = `back-off ${goDuration(wait)} restarting failed container=${container.name} pod=${formatPod(exited)}`;
					this.setContainerStatus(exited, container.name, entry => {
						entry.lastState = {terminated};
						entry.state = {waiting: {reason: 'CrashLoopBackOff', message}};
					});
					store.recordEvent(exited, 'Warning', 'BackOff', `Back-off restarting failed container ${container.name} in pod ${formatPod(exited)}`, kubeletEventSource);
					await this.backOffSleep(wait);
					backOff = nextBackOff(wait);
				} else {
					backOff = nextBackOff(undefined);
					await this.backOffSleep(0);
				}
				const restarting = alive();
				if (!restarting) return;
				restarts++;
				containerId = randomBytes(32).toString('hex');
				store.recordEvent(restarting, 'Normal', 'Pulled', `Container image "${container.image ?? ''}" already present on machine`, kubeletEventSource);
				store.recordEvent(restarting, 'Normal', 'Created', `Created container ${container.name}`, kubeletEventSource);
				store.recordEvent(restarting, 'Normal', 'Started', `Started container ${container.name}`, kubeletEventSource);
				startContainerRun(restarting, container.name, containerId);
				const runningAgain = rfc3339(clock.now());
				this.setContainerStatus(restarting, container.name, entry => {
					entry.lastState = {terminated};
					entry.state = {running: {startedAt: runningAgain}};
					entry.containerID = `containerd://${containerId}`;
					entry.restartCount = restarts;
					entry.started = true;
					entry.ready = true;
				});
			}
		} catch {
			// Aborted: the controllers are stopping.
		}
	}

	forget(pod: KubeObject): void {
		this.waitingForNetwork.delete(pod.metadata.uid!);
		this.heldAt.delete(pod.metadata.uid!);
	}
}

export {isNodeReady};
