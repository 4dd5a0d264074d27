// The datapath's picture of the cluster, built from plain objects (pods, nodes, services, policies…): pure.
import type {KubeObject} from '../types.js';
import {FqdnCache, type ClusterDnsData} from './dns.js';
import {reservedPeer, type EndpointInfo, type PeerIdentity, type PolicyMode} from './engine.js';
import {endpointLabels, identityForLabels, labelStrings, type Labels} from './identity.js';
import {PolicyIndex} from './policy.js';
import {ciliumBehaviour, GUIDE_CILIUM_VERSION, versionFromImage, type CiliumBehaviour} from '../versions.js';

export interface ServiceInfo {
	namespace: string;
	name: string;
	clusterIP: string;
	selector?: Record<string, string>;
	ports: Array<{port: number; targetPort: number | string; protocol: string; name?: string}>;
}

export interface ClusterView {
	ciliumRunning: boolean;
	/** What the running agents' version does (src/practice/versions.ts). */
	behaviour: CiliumBehaviour;
	/** Nodes whose cilium agent pod is running: their pods are endpoints. */
	ciliumNodes: Set<string>;
	mode: PolicyMode;
	minTtl: number;
	rejectWith: 'REFUSED' | 'NXDOMAIN';
	index: PolicyIndex;
	endpoints: EndpointInfo[];
	byIp: Map<string, EndpointInfo>;
	byPod: Map<string, EndpointInfo>;
	pods: Map<string, KubeObject>;
	/** IPs of running pods, endpoints or not (a pod Cilium does not manage is `unmanaged`, not world). */
	podIps: Set<string>;
	nodes: Array<{name: string; ip: string}>;
	services: ServiceInfo[];
	apiserverIps: string[];
	dns: ClusterDnsData;
	kubeDnsIp?: string;
}

export interface ViewInput {
	pods: KubeObject[];
	namespaces: KubeObject[];
	nodes: KubeObject[];
	services: KubeObject[];
	endpointsObjects?: KubeObject[];
	policies: KubeObject[];
	identities?: KubeObject[];
	ciliumConfig?: KubeObject;
}

// The fields of the Kubernetes objects the datapath reads. The objects are plain JSON (from the store or the API
// server), so every field may be absent; the code below falls back where one is.

/** A pod's fields the datapath reads. */
export interface PodFields {
	spec?: {
		nodeName?: string;
		hostNetwork?: boolean;
		serviceAccountName?: string;
		dnsPolicy?: string;
		containers?: Array<{image?: string; ports?: Array<{name?: string; containerPort?: number}>}>;
	};
	status?: {phase?: string; podIP?: string};
}

/** `pod` seen through the fields the datapath reads. */
export const podFields = (pod: KubeObject): PodFields => pod as PodFields;

interface ServiceFields {
	spec?: {
		clusterIP?: string;
		selector?: Record<string, string>;
		ports?: Array<{port: number; targetPort?: number | string; protocol?: string; name?: string}>;
	};
}

interface EndpointsFields {
	subsets?: Array<{addresses?: Array<{ip: string}>}>;
}

interface NodeFields {
	status?: {addresses?: Array<{type: string; address: string}>};
}

/** AKS's API server lives outside the cluster, on a public address. */
export const DEFAULT_APISERVER_IP = '20.41.66.178';

function stableSmallNumber(text: string, modulo: number): number {
	let hash = 7;
	for (let index = 0; index < text.length; index++) hash = (hash * 31 + text.charCodeAt(index)) >>> 0;
	return (hash % modulo) + 1;
}

export function podKey(namespace: string, name: string): string {
	return `${namespace}/${name}`;
}

export function podIsCiliumAgent(pod: KubeObject): boolean {
	return pod.metadata.namespace === 'kube-system' && pod.metadata.labels?.['k8s-app'] === 'cilium';
}

function podRunning(pod: KubeObject): boolean {
	const status = podFields(pod).status ?? {};
	return status.phase === 'Running' && !pod.metadata.deletionTimestamp;
}

/**
 * The Cilium version the agents run, read from a running agent pod's image (`…/cilium:v1.19.6@sha256:…`); the guide's
 * when no agent runs or the image has no version tag.
 */
export function runningCiliumVersion(pods: KubeObject[]): string {
	for (const pod of pods) {
		if (!podIsCiliumAgent(pod) || !podRunning(pod)) continue;
		const image = podFields(pod).spec?.containers?.[0]?.image;
		const version = versionFromImage(image);
		if (version) return version;
	}
	return GUIDE_CILIUM_VERSION;
}

export function buildView(input: ViewInput): ClusterView {
	const ciliumNodes = new Set<string>();
	for (const pod of input.pods) {
		if (podIsCiliumAgent(pod) && podRunning(pod)) ciliumNodes.add(String(podFields(pod).spec?.nodeName ?? ''));
	}
	const behaviour = ciliumBehaviour(runningCiliumVersion(input.pods));
	const config = (input.ciliumConfig?.data ?? {}) as Record<string, string>;
	const mode = (['default', 'always', 'never'].includes(config['enable-policy'] ?? '') ? config['enable-policy'] : 'default') as PolicyMode;
	const namespaceLabels = new Map(input.namespaces.map((namespace) => [namespace.metadata.name, namespace.metadata.labels ?? {}]));
	const taken = new Map<number, string>();
	const known = new Map<string, number>();
	for (const identity of input.identities ?? []) {
		const labels = (identity['security-labels'] ?? {}) as Labels;
		const key = labelStrings(labels).join(';');
		const id = Number(identity.metadata.name);
		if (!Number.isFinite(id)) continue;
		taken.set(id, key);
		known.set(key, id);
	}
	const endpoints: EndpointInfo[] = [];
	const pods = new Map<string, KubeObject>();
	const sortedPods = [...input.pods].sort((a, b) => String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || podKey(a.metadata.namespace ?? '', a.metadata.name).localeCompare(podKey(b.metadata.namespace ?? '', b.metadata.name)));
	for (const pod of sortedPods) {
		const namespace = pod.metadata.namespace ?? 'default';
		pods.set(podKey(namespace, pod.metadata.name), pod);
		const spec = podFields(pod).spec ?? {};
		const ip = podFields(pod).status?.podIP;
		const node = String(spec.nodeName ?? '');
		if (!ip || spec.hostNetwork || !ciliumNodes.has(node) || !podRunning(pod)) continue;
		// io.cilium.k8s.policy.cluster carries the agent's cluster name (cilium-config cluster-name, the chart's cluster.name).
		const labels = endpointLabels({namespace, podLabels: pod.metadata.labels, serviceAccount: spec.serviceAccountName, namespaceLabels: namespaceLabels.get(namespace), clusterName: config['cluster-name'] || 'default'});
		const key = labelStrings(labels).join(';');
		let identity = known.get(key);
		if (identity === undefined) {
			identity = identityForLabels(labels, (id) => taken.get(id));
			taken.set(identity, key);
			known.set(key, identity);
		}
		const namedPorts: Record<string, number> = {};
		for (const container of spec.containers ?? []) {
			for (const port of container.ports ?? []) if (port.name) namedPorts[String(port.name).toLowerCase()] = Number(port.containerPort);
		}
		endpoints.push({namespace, name: pod.metadata.name, labels, identity, endpointId: stableSmallNumber(podKey(namespace, pod.metadata.name), 4000), ip, node, namedPorts});
	}
	const services: ServiceInfo[] = input.services.map((service) => {
		const spec = (service as ServiceFields).spec ?? {};
		return {
			namespace: service.metadata.namespace ?? 'default',
			name: service.metadata.name,
			clusterIP: String(spec.clusterIP ?? ''),
			selector: spec.selector,
			ports: (spec.ports ?? []).map((port) => ({port: Number(port.port), targetPort: port.targetPort ?? port.port, protocol: String(port.protocol ?? 'TCP'), name: port.name})),
		};
	});
	const apiserverIps: string[] = [];
	for (const object of input.endpointsObjects ?? []) {
		if (object.metadata.namespace !== 'default' || object.metadata.name !== 'kubernetes') continue;
		for (const subset of (object as EndpointsFields).subsets ?? []) for (const address of subset.addresses ?? []) apiserverIps.push(String(address.ip));
	}
	if (apiserverIps.length === 0) apiserverIps.push(DEFAULT_APISERVER_IP);
	const nodes = input.nodes.map((node) => ({
		name: node.metadata.name,
		ip: String(((node as NodeFields).status?.addresses ?? []).find((address) => address.type === 'InternalIP')?.address ?? ''),
	}));
	const kubeDns = services.find((service) => service.namespace === 'kube-system' && service.name === 'kube-dns');
	return {
		ciliumRunning: ciliumNodes.size > 0,
		ciliumNodes,
		mode,
		minTtl: Number(config['tofqdns-min-ttl'] ?? 0) || 0,
		rejectWith: config['tofqdns-dns-reject-response-code'] === 'nameError' ? 'NXDOMAIN' : 'REFUSED',
		index: PolicyIndex.fromObjects(input.policies, behaviour),
		behaviour,
		endpoints,
		byIp: new Map(endpoints.map((endpoint) => [endpoint.ip, endpoint])),
		byPod: new Map(endpoints.map((endpoint) => [podKey(endpoint.namespace, endpoint.name), endpoint])),
		pods,
		podIps: new Set([...pods.values()].filter((pod) => !podFields(pod).spec?.hostNetwork && podFields(pod).status?.podIP).map((pod) => String(podFields(pod).status?.podIP))),
		nodes,
		services,
		apiserverIps,
		dns: {services},
		kubeDnsIp: kubeDns?.clusterIP,
	};
}

/** How the datapath on `fromNode` sees an IP: a pod, this host, another node, the API server, or the world. */
export function classifyIp(view: ClusterView, ip: string, fromNode: string, cache: FqdnCache | undefined, now: number): PeerIdentity {
	const endpoint = view.byIp.get(ip);
	if (endpoint) return {ip, identity: endpoint.identity, labels: endpoint.labels, endpoint, inCluster: true, fqdnNames: []};
	const node = view.nodes.find((candidate) => candidate.ip === ip);
	if (node) return reservedPeer(node.name === fromNode ? 'host' : 'remote-node', ip);
	if (view.apiserverIps.includes(ip)) return reservedPeer('kube-apiserver', ip, {labels: {'reserved:kube-apiserver': '', 'reserved:world': ''}});
	if (view.podIps.has(ip)) return reservedPeer('unmanaged', ip);
	const fqdnNames = cache?.namesFor(ip, now) ?? [];
	const peer = reservedPeer('world', ip, {fqdnNames});
	if (fqdnNames.length > 0 && cache) {
		const selectors = [...new Set(fqdnNames.flatMap((name) => view.index.fqdnSelectorsMatching(name)))];
		if (selectors.length > 0) {
			peer.identity = cache.identityFor(ip);
			peer.labels = {...Object.fromEntries(selectors.map((selector) => [`fqdn:${selector.text.replace(/^match(Name|Pattern): /, '').replaceAll('"', '')}`, ''])), 'reserved:world': ''};
		}
	}
	return peer;
}

/** The backends of a ClusterIP service, as endpoints (pods selected by the service that are endpoints). */
export function serviceBackends(view: ClusterView, service: ServiceInfo): EndpointInfo[] {
	if (!service.selector || Object.keys(service.selector).length === 0) return [];
	return view.endpoints.filter(
		(endpoint) => endpoint.namespace === service.namespace && Object.entries(service.selector!).every(([key, value]) => endpoint.labels[`k8s:${key}`] === value),
	);
}

/** Where a packet to a service VIP really goes: one of its backends (kube-proxy replacement's translation). */
export function translateService(view: ClusterView, ip: string, port: number, protocol: string, pick = 0): {ip: string; port: number; noBackend?: boolean} {
	const service = view.services.find((candidate) => candidate.clusterIP === ip);
	if (!service) return {ip, port};
	const servicePort = service.ports.find((candidate) => candidate.port === port && candidate.protocol.toUpperCase() === protocol);
	if (!servicePort) return {ip, port, noBackend: true};
	if (service.namespace === 'default' && service.name === 'kubernetes') return {ip: view.apiserverIps[0]!, port: Number(servicePort.targetPort) || 443};
	const selector = service.selector;
	if (!selector || Object.keys(selector).length === 0) return {ip, port, noBackend: true};
	const backends = [...view.pods.values()].filter((pod) => {
		const status = podFields(pod).status ?? {};
		return pod.metadata.namespace === service.namespace && status.phase === 'Running' && status.podIP && !pod.metadata.deletionTimestamp && Object.entries(selector).every(([key, value]) => pod.metadata.labels?.[key] === value);
	});
	if (backends.length === 0) return {ip, port, noBackend: true};
	const backend = backends[pick % backends.length]!;
	let target = Number(servicePort.targetPort);
	if (!Number.isFinite(target)) {
		for (const container of podFields(backend).spec?.containers ?? []) for (const entry of container.ports ?? []) if (entry.name === servicePort.targetPort) target = Number(entry.containerPort);
	}
	return {ip: String(podFields(backend).status?.podIP), port: Number.isFinite(target) ? target : port};
}
