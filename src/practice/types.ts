// Contracts between the parts of the practice cluster. Each part owns a folder:
//   api/ + daemon/ + controllers/  the Kubernetes API, the store, persistence, lifetime, pod/node controllers
//   cloud/ + bin/ (az, helm, cilium)  simulated cloud and tools, the cilium 1.16.4 chart's objects
//   datapath/ (+ the hubble tool)     identities, policy engine, DNS/FQDN, programs in pods, flows
// These interfaces are how they reach each other; change one only with every user of it.

export interface ObjectMeta {
	name: string;
	namespace?: string;
	uid?: string;
	resourceVersion?: string;
	generation?: number;
	creationTimestamp?: string;
	deletionTimestamp?: string;
	generateName?: string;
	labels?: Record<string, string>;
	annotations?: Record<string, string>;
	ownerReferences?: Array<{apiVersion: string; kind: string; name: string; uid: string; controller?: boolean}>;
	[key: string]: unknown;
}

export interface KubeObject {
	apiVersion: string;
	kind: string;
	metadata: ObjectMeta;
	[key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
	type: WatchEventType;
	object: KubeObject;
}

/** A Kubernetes API error, as a Status object would carry it (404 NotFound, 409 AlreadyExists, 422 Invalid…). */
export class StatusError extends Error {
	constructor(
		readonly code: number,
		readonly reason: string,
		message: string,
		readonly details?: {name?: string; group?: string; kind?: string; causes?: Array<{reason?: string; message: string; field?: string}>},
	) {
		super(message);
	}
}

/** The cluster's objects. Kinds are addressed as apiVersion + kind, e.g. ('apps/v1', 'DaemonSet'). */
export interface ClusterStore {
	list(apiVersion: string, kind: string, options?: {namespace?: string; labelSelector?: string; fieldSelector?: string}): KubeObject[];
	get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
	/** Validates, assigns uid/resourceVersion/creationTimestamp, persists; throws StatusError. */
	create(object: KubeObject): KubeObject;
	/** Replaces an existing object (optimistic concurrency when resourceVersion is set); throws StatusError. */
	update(object: KubeObject): KubeObject;
	/** Create or replace, keeping uid and creationTimestamp: what controllers and tools use. */
	apply(object: KubeObject): KubeObject;
	delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
	/** Every change, after it is persisted. Returns the unsubscribe function. */
	subscribe(listener: (event: StoreEvent) => void): () => void;
	/** Records a core/v1 Event about an object, so `kubectl describe` shows it. */
	recordEvent(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source?: string): void;
}

/** Time in the practice cluster: long operations are compressed by the speed setting. */
export interface SimClock {
	now(): number;
	/** Sleeps `ms` of simulated time (scaled by the speed; `instant` returns at once). Rejects when aborted. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	readonly speed: 'realtime' | 'fast' | 'instant';
}

/** Extra persisted state a part owns (the cloud's resource groups and clusters, helm releases' values…). */
export interface StateSections {
	read<T>(section: string, fallback: T): T;
	/** Persists atomically before returning. */
	write<T>(section: string, value: T): void;
}

export interface ClusterLifecycle {
	/** Whether the cluster's API listener is up (after `az aks create`, or the k8s track's pre-made cluster). */
	exists(): boolean;
	/** `cni`: what the nodes have from the start (annotation practice.cilium-lab/cni): `none` (default, BYOCNI: NotReady until Cilium runs), `azure` or `kubenet`. */
	/** `dataplane` cilium: Azure CNI Powered by Cilium (no kube-proxy); `platform` k8s: the k8s track's cluster, not AKS (kube-system has kubeadm's addons, not AKS's). */
	create(options: {name: string; nodeCount: number; location?: string; kubernetesVersion?: string; cni?: 'none' | 'azure' | 'kubenet'; dataplane?: 'azure' | 'cilium'; platform?: 'aks' | 'k8s'}): Promise<void>;
	remove(): Promise<void>;
	/** The kubeconfig `az aks get-credentials` writes: server URL, CA data, token. */
	kubeconfig(contextName: string): string;
}

/** Byte streams of a program run by exec in a pod, or of a simulated tool on the host. */
export interface ProgramIO {
	stdout: {write(text: string): void};
	stderr: {write(text: string): void};
	/** Lines or chunks typed by the user (exec -i), ended when stdin closes. */
	stdin?: AsyncIterable<string>;
	tty: boolean;
	onResize?(listener: (size: {cols: number; rows: number}) => void): void;
	signal: AbortSignal;
	env: Record<string, string>;
	cwd?: string;
}

export interface PracticeContext {
	store: ClusterStore;
	clock: SimClock;
	sections: StateSections;
	cluster: ClusterLifecycle;
	/** The internet beyond the cluster; the curated one (datapath/world.ts) unless a test gives another. */
	world?: import('./datapath/world.js').World;
}

/** A program inside a pod (curl, nslookup, sh, hubble in a cilium pod…). Resolves with the exit code. */
export type PodProgram = (argv: string[], io: ProgramIO, pod: KubeObject, ctx: PracticeContext) => Promise<number>;

/** A simulated host tool (az, helm, cilium, hubble). Resolves with the exit code. */
export type HostTool = (argv: string[], io: ProgramIO, ctx: PracticeContext) => Promise<number>;

/**
 * A part that runs inside the daemon (controllers, datapath): the daemon (daemon/main.ts, PARTS) calls the
 * `start` export of src/practice/controllers/index.ts and src/practice/datapath/index.ts once the store is
 * loaded, before it listens; the returned function is called on shutdown.
 */
export type PracticePart = (ctx: PracticeContext) => void | (() => void) | Promise<void | (() => void)>;
