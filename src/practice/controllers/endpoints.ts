import type {KubeObject, PracticeContext} from '../types.js';
import {getView, isPodReady, isTerminating, listView, podSpec, podStatus, templateHash} from './objects.js';

interface ServicePort {
	name?: string;
	port: number;
	targetPort?: number | string;
	protocol?: string;
}

function resolveTargetPort(port: ServicePort, pod: KubeObject): number | undefined {
	const target = port.targetPort ?? port.port;
	if (typeof target === 'number') return target;
	if (/^\d+$/.test(target)) return Number(target);
	for (const container of podSpec(pod).containers) {
		const named = container.ports?.find(candidate => candidate.name === target);
		if (named) return named.containerPort;
	}
	return undefined;
}

function sameContent(a: KubeObject | undefined, b: KubeObject): boolean {
	if (!a) return false;
	const strip = (object: KubeObject) => JSON.stringify({...object, metadata: {labels: object.metadata.labels, ownerReferences: object.metadata.ownerReferences}});
	return strip(a) === strip(b);
}

/** Endpoints and an EndpointSlice for every Service with a selector: its pods' IPs, ready or not. */
export function reconcileEndpoints(ctx: PracticeContext, pods: readonly KubeObject[]): void {
	for (const service of listView(ctx.store, 'v1', 'Service')) {
		const spec = (service.spec ?? {}) as {selector?: Record<string, string>; ports?: ServicePort[]};
		if (!spec.selector || Object.keys(spec.selector).length === 0 || isTerminating(service)) continue;
		const namespace = service.metadata.namespace;
		const selected = pods.filter(pod => pod.metadata.namespace === namespace && podStatus(pod).podIP && !isTerminating(pod)
			&& Object.entries(spec.selector!).every(([key, value]) => pod.metadata.labels?.[key] === value));
		const ports = spec.ports ?? [];
		const address = (pod: KubeObject) => ({
			ip: podStatus(pod).podIP!,
			nodeName: podSpec(pod).nodeName,
			targetRef: {kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid},
		});
		const endpointPorts = ports.map(port => ({
			...(port.name ? {name: port.name} : {}),
			port: (selected[0] && resolveTargetPort(port, selected[0])) ?? (typeof port.targetPort === 'number' ? port.targetPort : port.port),
			protocol: port.protocol ?? 'TCP',
		}));
		const ready = selected.filter(isPodReady);
		const notReady = selected.filter(pod => !isPodReady(pod));
		const owner = {apiVersion: 'v1', kind: 'Service', name: service.metadata.name, uid: service.metadata.uid!, controller: true, blockOwnerDeletion: true};
		const endpoints: KubeObject = {
			apiVersion: 'v1',
			kind: 'Endpoints',
			metadata: {name: service.metadata.name, namespace, labels: {...service.metadata.labels}},
			subsets: selected.length === 0 ? undefined : [{
				...(ready.length > 0 ? {addresses: ready.map(address)} : {}),
				...(notReady.length > 0 ? {notReadyAddresses: notReady.map(address)} : {}),
				ports: endpointPorts,
			}],
		};
		if (!endpoints.subsets) delete endpoints.subsets;
		const existingEndpoints = getView(ctx.store, 'v1', 'Endpoints', namespace, service.metadata.name);
		if (!sameContent(existingEndpoints, endpoints)) ctx.store.apply(endpoints);

		const sliceName = `${service.metadata.name}-${templateHash(service.metadata.uid, 5)}`;
		const slice: KubeObject = {
			apiVersion: 'discovery.k8s.io/v1',
			kind: 'EndpointSlice',
			metadata: {
				name: sliceName,
				namespace,
				labels: {...service.metadata.labels, 'kubernetes.io/service-name': service.metadata.name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io'},
				ownerReferences: [owner],
			},
			addressType: 'IPv4',
			endpoints: selected.map(pod => ({
				addresses: [podStatus(pod).podIP!],
				conditions: {ready: isPodReady(pod), serving: isPodReady(pod), terminating: false},
				nodeName: podSpec(pod).nodeName,
				targetRef: {kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid},
			})),
			// The endpointslice controller writes every port's name, "" when the Service port has none (a *string in
			// discovery/v1: kubectl 1.33 describe dereferences it, describe.go formatEndpointSlices).
			ports: endpointPorts.map((port) => ({name: '', ...port})),
		};
		const existingSlice = getView(ctx.store, 'discovery.k8s.io/v1', 'EndpointSlice', namespace, sliceName);
		if (!sameContent(existingSlice, slice)) ctx.store.apply(slice);
	}
}

/**
 * AKS's cloud-controller-manager (cloud-provider-azure) for Services of type LoadBalancer: it ensures an Azure load
 * balancer rule on a public IP and writes it to status.loadBalancer.ingress (ipMode VIP, the 1.30 default), with the
 * service-controller's EnsuringLoadBalancer / EnsuredLoadBalancer events. The address is one of Azure's public
 * ranges (20.0.0.0/8), stable per Service.
 */
export function reconcileLoadBalancers(ctx: PracticeContext): void {
	for (const service of listView(ctx.store, 'v1', 'Service')) {
		const spec = (service.spec ?? {}) as {type?: string};
		const status = (service.status ?? {}) as {loadBalancer?: {ingress?: unknown[]}};
		if (spec.type !== 'LoadBalancer' || isTerminating(service) || (status.loadBalancer?.ingress?.length ?? 0) > 0) continue;
		ctx.store.recordEvent(service, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer', 'service-controller');
		const current = ctx.store.get('v1', 'Service', service.metadata.namespace, service.metadata.name);
		if (!current) continue;
		ctx.store.apply({...current, status: {...(current.status ?? {}), loadBalancer: {ingress: [{ip: azurePublicIp(String(current.metadata.uid ?? current.metadata.name)), ipMode: 'VIP'}]}}});
		ctx.store.recordEvent(service, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer', 'service-controller');
	}
}

function azurePublicIp(seed: string): string {
	let hash = 2166136261;
	for (let index = 0; index < seed.length; index++) {
		hash ^= seed.charCodeAt(index);
		hash = Math.imul(hash, 16777619) >>> 0;
	}
	return `20.${(hash >>> 8) & 255}.${(hash >>> 16) & 255}.${Math.max(1, (hash >>> 24) % 254)}`;
}
