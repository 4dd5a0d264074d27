// An in-memory cluster for datapath tests: a ClusterStore over plain objects, an instant SimClock, and the
// objects an AKS cluster with Cilium 1.16 has (nodes, kube-dns, cilium agents).
import {CURATED_WORLD, type World} from '../../../src/practice/datapath/world.js';
import type {ClusterStore, KubeObject, PracticeContext, ProgramIO, SimClock, StateSections, StoreEvent} from '../../../src/practice/types.js';

export class MemoryStore implements ClusterStore {
	objects = new Map<string, KubeObject>();
	listeners = new Set<(event: StoreEvent) => void>();
	events: Array<{reason: string; message: string}> = [];
	private version = 1;

	private key(apiVersion: string, kind: string, namespace: string | undefined, name: string) {
		return `${apiVersion}|${kind}|${namespace ?? ''}|${name}`;
	}

	list(apiVersion: string, kind: string, options: {namespace?: string} = {}): KubeObject[] {
		return [...this.objects.values()].filter((object) => object.apiVersion === apiVersion && object.kind === kind && (!options.namespace || object.metadata.namespace === options.namespace));
	}

	get(apiVersion: string, kind: string, namespace: string | undefined, name: string) {
		return this.objects.get(this.key(apiVersion, kind, namespace, name));
	}

	create(object: KubeObject) {
		return this.apply(object);
	}

	update(object: KubeObject) {
		return this.apply(object);
	}

	apply(object: KubeObject) {
		const key = this.key(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
		const existed = this.objects.has(key);
		const stored = {...object, metadata: {...object.metadata, resourceVersion: String(this.version++), creationTimestamp: object.metadata.creationTimestamp ?? new Date(1_700_000_000_000 + this.version).toISOString()}};
		this.objects.set(key, stored);
		for (const listener of this.listeners) listener({type: existed ? 'MODIFIED' : 'ADDED', object: stored});
		return stored;
	}

	delete(apiVersion: string, kind: string, namespace: string | undefined, name: string) {
		const key = this.key(apiVersion, kind, namespace, name);
		const object = this.objects.get(key);
		this.objects.delete(key);
		if (object) for (const listener of this.listeners) listener({type: 'DELETED', object});
		return object;
	}

	subscribe(listener: (event: StoreEvent) => void) {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	recordEvent(_involved: KubeObject, _type: string, reason: string, message: string) {
		this.events.push({reason, message});
	}
}

/** Instant simulated time: sleeps return at once but move `now` forward, so durations stay measurable. */
export class InstantClock implements SimClock {
	readonly speed = 'instant' as const;
	current = Date.parse('2024-12-17T07:07:30.342Z');
	slept = 0;
	now() {
		return this.current;
	}
	/** Concurrent sleeps overlap as they would in real time: each ends at (time it was called + ms). */
	async sleep(ms: number, signal?: AbortSignal) {
		if (signal?.aborted) throw new Error('aborted');
		const calledAt = this.current;
		await Promise.resolve();
		const end = calledAt + ms;
		if (end > this.current) {
			this.slept += end - this.current;
			this.current = end;
		}
	}
}

export function memorySections(): StateSections & {data: Map<string, unknown>} {
	const data = new Map<string, unknown>();
	return {
		data,
		read: <T>(section: string, fallback: T) => (data.has(section) ? structuredClone(data.get(section)) as T : fallback),
		write: <T>(section: string, value: T) => void data.set(section, structuredClone(value)),
	};
}

const node = (name: string, ip: string): KubeObject => ({apiVersion: 'v1', kind: 'Node', metadata: {name}, status: {addresses: [{type: 'InternalIP', address: ip}]}});

export function pod(namespace: string, name: string, ip: string, options: {labels?: Record<string, string>; node?: string; image?: string; ports?: Array<{containerPort: number; name?: string}>} = {}): KubeObject {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {name, namespace, labels: options.labels ?? {}, uid: `uid-${name}`},
		spec: {nodeName: options.node ?? 'aks-nodepool1-12345678-vmss000000', containers: [{name: 'main', image: options.image ?? 'alpine/curl', ...(options.ports ? {ports: options.ports} : {})}]},
		status: {phase: 'Running', podIP: ip},
	};
}

export const NODE_A = 'aks-nodepool1-12345678-vmss000000';
export const NODE_B = 'aks-nodepool1-12345678-vmss000001';

/** An AKS cluster with Cilium running on two nodes, CoreDNS, and the demo namespace with the document's curl pod. */
/**
 * A world where every name resolves (the curated one's records where it has them, else a stable made-up public
 * address) and every public address answers on 53, 80 and 443: for the tables of FQDN matching and policy verdicts,
 * which need names like sub-cilium.io to resolve. The product's world is the curated one (src/practice/datapath/world.ts).
 */
export const syntheticWorld: World = {
	lookup: (name) => CURATED_WORLD.lookup(name) ?? {a: [syntheticAddress(name)], aaaa: [], ttl: 300},
	host: (ip) => CURATED_WORLD.host(ip) ?? {name: ip, tcp: [53, 80, 443], udp: [53]},
};

function syntheticAddress(name: string): string {
	let hash = 2166136261;
	for (let index = 0; index < name.length; index++) {
		hash ^= name.charCodeAt(index);
		hash = Math.imul(hash, 16777619) >>> 0;
	}
	const first = [13, 20, 23, 34, 35, 40, 52, 54, 104, 151, 185, 199][hash % 12]!;
	return `${first}.${(hash >>> 8) & 255}.${(hash >>> 16) & 255}.${Math.max(1, (hash >>> 24) % 254)}`;
}

export function aksCluster(options: {withCilium?: boolean; withDns?: boolean} = {}): {ctx: PracticeContext; store: MemoryStore; clock: InstantClock; sections: ReturnType<typeof memorySections>} {
	const store = new MemoryStore();
	const clock = new InstantClock();
	const sections = memorySections();
	const ctx: PracticeContext = {store, clock, sections, cluster: {exists: () => true, create: async () => {}, remove: async () => {}, kubeconfig: () => ''}, world: syntheticWorld};
	store.apply(node(NODE_A, '10.224.0.4'));
	store.apply(node(NODE_B, '10.224.0.5'));
	for (const name of ['default', 'kube-system', 'demo']) store.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name, labels: {'kubernetes.io/metadata.name': name}}});
	if (options.withCilium !== false) {
		store.apply({...pod('kube-system', 'cilium-jxgk6', '10.224.0.4', {labels: {'k8s-app': 'cilium'}, node: NODE_A, image: 'quay.io/cilium/cilium:v1.16.4'}), spec: {nodeName: NODE_A, hostNetwork: true, containers: [{name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.16.4'}]}});
		store.apply({...pod('kube-system', 'cilium-b8x2k', '10.224.0.5', {labels: {'k8s-app': 'cilium'}, node: NODE_B, image: 'quay.io/cilium/cilium:v1.16.4'}), spec: {nodeName: NODE_B, hostNetwork: true, containers: [{name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.16.4'}]}});
	}
	if (options.withDns !== false) {
		store.apply(pod('kube-system', 'coredns-76f75df574-jplsj', '10.0.1.10', {labels: {'k8s-app': 'kube-dns'}, node: NODE_B, image: 'mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3', ports: [{containerPort: 53, name: 'dns'}]}));
		store.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'kube-dns', namespace: 'kube-system'}, spec: {clusterIP: '10.0.0.10', selector: {'k8s-app': 'kube-dns'}, ports: [{name: 'dns', port: 53, protocol: 'UDP', targetPort: 53}, {name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53}]}});
	}
	store.apply(pod('demo', 'curl', '10.0.0.23', {labels: {app: 'client'}, node: NODE_A}));
	return {ctx, store, clock, sections};
}

export function captureIo(options: {tty?: boolean; stdin?: AsyncIterable<string>; signal?: AbortSignal} = {}): ProgramIO & {out: () => string; err: () => string} {
	let stdout = '';
	let stderr = '';
	return {
		stdout: {write: (text: string) => void (stdout += text)},
		stderr: {write: (text: string) => void (stderr += text)},
		stdin: options.stdin,
		tty: options.tty ?? false,
		signal: options.signal ?? new AbortController().signal,
		env: {},
		out: () => stdout,
		err: () => stderr,
	};
}

export function cnp(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
	return {apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name, namespace}, spec};
}

export const ALLOW_DNS_DOC = cnp('demo', 'allow-dns', {
	endpointSelector: {},
	egress: [
		{
			toEndpoints: [{matchLabels: {'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns'}}],
			toPorts: [{ports: [{port: '53', protocol: 'ANY'}], rules: {dns: [{matchPattern: '*'}]}}],
		},
	],
});

export const ALLOW_DOMAINS_DOC = cnp('demo', 'allow-egress-to-specific-domain', {
	egress: [
		{
			toFQDNs: [{matchName: 'example.com'}, {matchName: 'google.com'}, {matchPattern: '*.google.com'}, {matchPattern: '*.github.com'}],
			toPorts: [{ports: [{port: '443', protocol: 'TCP'}]}],
		},
	],
	endpointSelector: {matchLabels: {app: 'client'}},
});
