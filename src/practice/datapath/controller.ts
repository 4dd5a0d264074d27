// Keeps CiliumEndpoint and CiliumIdentity objects in step with pods while Cilium runs, as the agents and the
// operator do, so `kubectl get cep,ciliumidentities` lists them with policy enforcement per direction.
import type {KubeObject, PracticeContext} from '../types.js';
import {decideDirection, reservedPeer, type EndpointInfo} from './engine.js';
import {labelStrings, NAMESPACE_LABEL} from './identity.js';
import {Datapath} from './runtime.js';
import type {ClusterView} from './view.js';

const WATCHED = new Set(['Pod', 'Namespace', 'Node', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'NetworkPolicy', 'ConfigMap']);

function enforcing(view: ClusterView, endpoint: EndpointInfo, direction: 'ingress' | 'egress'): boolean {
	return decideDirection(view.index, endpoint, direction, reservedPeer('world', '0.0.0.0'), {protocol: 'TCP', port: 0}, {mode: view.mode}).enforced;
}

export function desiredEndpoint(view: ClusterView, endpoint: EndpointInfo, pod: KubeObject | undefined): KubeObject {
	const direction = (name: 'ingress' | 'egress') => {
		const on = enforcing(view, endpoint, name);
		return {enforcing: on, state: on ? 'enforcing' : '<status disabled>'};
	};
	const nodeIp = view.nodes.find((node) => node.name === endpoint.node)?.ip ?? '';
	return {
		apiVersion: 'cilium.io/v2',
		kind: 'CiliumEndpoint',
		metadata: {
			name: endpoint.name,
			namespace: endpoint.namespace,
			labels: {...(pod?.metadata.labels ?? {})},
			...(pod?.metadata.uid ? {ownerReferences: [{apiVersion: 'v1', kind: 'Pod', name: endpoint.name, uid: String(pod.metadata.uid)}]} : {}),
		},
		status: {
			id: endpoint.endpointId,
			identity: {id: endpoint.identity, labels: labelStrings(endpoint.labels).filter((label) => !label.startsWith('k8s:io.cilium.k8s.namespace.labels.'))},
			networking: {addressing: [{ipv4: endpoint.ip}], node: nodeIp},
			encryption: {},
			'external-identifiers': {'container-id': '', 'k8s-namespace': endpoint.namespace, 'k8s-pod-name': endpoint.name, 'pod-name': `${endpoint.namespace}/${endpoint.name}`, 'cni-attachment-id': ''},
			policy: {ingress: direction('ingress'), egress: direction('egress')},
			state: 'ready',
			...(Object.keys(endpoint.namedPorts ?? {}).length > 0 ? {'named-ports': Object.entries(endpoint.namedPorts!).map(([name, port]) => ({name, port, protocol: 'TCP'}))} : {}),
		},
	};
}

export function desiredIdentity(endpoint: EndpointInfo): KubeObject {
	const securityLabels = Object.fromEntries(Object.entries(endpoint.labels).sort(([a], [b]) => a.localeCompare(b)));
	const k8sLabels = Object.fromEntries(
		Object.entries(endpoint.labels)
			.filter(([key]) => key.startsWith('k8s:') && !key.startsWith('k8s:io.cilium.k8s.namespace.labels.'))
			.map(([key, value]): [string, string] => [key.slice(4), value])
			.filter(([key]) => key.length <= 63 || key.includes('/')),
	);
	return {apiVersion: 'cilium.io/v2', kind: 'CiliumIdentity', metadata: {name: String(endpoint.identity), labels: {...k8sLabels, [NAMESPACE_LABEL.slice(4)]: endpoint.namespace}}, 'security-labels': securityLabels};
}

function sameContent(a: KubeObject | undefined, b: KubeObject): boolean {
	if (!a) return false;
	const strip = (object: KubeObject) => JSON.stringify({...object, metadata: {name: object.metadata.name, namespace: object.metadata.namespace, labels: object.metadata.labels}});
	return strip(a) === strip(b);
}

/** One reconciliation pass: returns how many objects it wrote or deleted. */
export function reconcileDatapathObjects(ctx: PracticeContext, view: ClusterView): number {
	const {store} = ctx;
	let changes = 0;
	const wantedEndpoints = new Map<string, KubeObject>();
	const wantedIdentities = new Map<string, KubeObject>();
	if (view.ciliumRunning) {
		for (const endpoint of view.endpoints) {
			wantedEndpoints.set(`${endpoint.namespace}/${endpoint.name}`, desiredEndpoint(view, endpoint, view.pods.get(`${endpoint.namespace}/${endpoint.name}`)));
			wantedIdentities.set(String(endpoint.identity), desiredIdentity(endpoint));
		}
	}
	for (const existing of store.list('cilium.io/v2', 'CiliumEndpoint')) {
		if (!wantedEndpoints.has(`${existing.metadata.namespace}/${existing.metadata.name}`)) {
			store.delete('cilium.io/v2', 'CiliumEndpoint', existing.metadata.namespace, existing.metadata.name);
			changes++;
		}
	}
	for (const object of wantedEndpoints.values()) {
		if (sameContent(store.get('cilium.io/v2', 'CiliumEndpoint', object.metadata.namespace, object.metadata.name), object)) continue;
		store.apply(object);
		changes++;
	}
	for (const existing of store.list('cilium.io/v2', 'CiliumIdentity')) {
		if (!wantedIdentities.has(existing.metadata.name)) {
			store.delete('cilium.io/v2', 'CiliumIdentity', undefined, existing.metadata.name);
			changes++;
		}
	}
	for (const object of wantedIdentities.values()) {
		if (sameContent(store.get('cilium.io/v2', 'CiliumIdentity', undefined, object.metadata.name), object)) continue;
		store.apply(object);
		changes++;
	}
	return changes;
}

/** Says plainly, on the policy itself, when it uses something the practice cluster does not simulate (HTTP/Kafka L7). */
function reportUnsimulated(ctx: PracticeContext, view: ClusterView, reported: Set<string>): void {
	for (const policy of view.index.policies) {
		if (!policy.error?.includes('not simulated')) continue;
		const kind = policy.ref.kind;
		const apiVersion = kind === 'NetworkPolicy' ? 'networking.k8s.io/v1' : 'cilium.io/v2';
		const object = ctx.store.get(apiVersion, kind, policy.ref.namespace, policy.ref.name);
		if (!object) continue;
		const key = `${object.metadata.uid ?? ''}/${object.metadata.resourceVersion ?? ''}`;
		if (reported.has(key)) continue;
		reported.add(key);
		ctx.store.recordEvent(object, 'Warning', 'NotSimulated', `${policy.error}: the practice cluster does not apply this policy`, 'cilium-lab');
	}
}

/** Starts the reconciler; returns the function that stops it. */
export function startDatapathControllers(ctx: PracticeContext): () => void {
	const datapath = Datapath.for(ctx);
	let scheduled = false;
	let stopped = false;
	const reported = new Set<string>();
	const run = () => {
		scheduled = false;
		if (stopped) return;
		try {
			reconcileDatapathObjects(ctx, datapath.view());
			reportUnsimulated(ctx, datapath.view(), reported);
		} catch {
			// A store that refuses a write (a CRD not registered yet, the cluster being deleted) is retried on the next change.
		}
	};
	const schedule = () => {
		if (scheduled || stopped) return;
		scheduled = true;
		setImmediate(run);
	};
	const unsubscribe = ctx.store.subscribe((event) => {
		if (WATCHED.has(event.object.kind)) schedule();
	});
	schedule();
	return () => {
		stopped = true;
		unsubscribe();
		datapath.persist();
	};
}
