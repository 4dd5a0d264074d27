// The part of cilium-operator the practice cluster simulates: registering the CRDs. In Cilium 1.16
// the CRDs are not in the chart; the operator creates them when it starts (pkg/k8s/synced/crd.go),
// for the features cilium-config enables. So they appear once a cilium-operator replica is Ready,
// not at `helm install`, and `helm uninstall` leaves them behind, as on a real cluster.
import type {KubeObject, PracticeContext} from '../types.js';
import {ciliumCrdNames, ciliumCrdObject, type CrdFeatures} from './cilium-crds.js';

const watched = new WeakSet<object>();

function featuresFromConfig(config: KubeObject | undefined): CrdFeatures {
	const data = (config?.data ?? {}) as Record<string, string>;
	return {
		egressGateway: data['enable-ipv4-egress-gateway'] === 'true',
		localRedirectPolicy: data['enable-local-redirect-policy'] === 'true',
		envoyConfig: data['enable-envoy-config'] === 'true',
		ciliumEndpointSlice: data['enable-cilium-endpoint-slice'] === 'true',
		bgpControlPlane: data['enable-bgp-control-plane'] === 'true',
	};
}

export function registerCiliumCrds(ctx: PracticeContext, features: CrdFeatures): void {
	for (const plural of ciliumCrdNames(features)) {
		if (!ctx.store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, `${plural}.cilium.io`)) {
			ctx.store.create(ciliumCrdObject(plural));
		}
	}
}

function isOperator(object: KubeObject): boolean {
	return object.kind === 'Deployment' && object.metadata.name === 'cilium-operator';
}

function reconcileOperator(ctx: PracticeContext, operator: KubeObject): void {
	const ready = Number((operator.status as {readyReplicas?: number} | undefined)?.readyReplicas ?? 0);
	if (ready < 1) return;
	const config = ctx.store.get('v1', 'ConfigMap', operator.metadata.namespace, 'cilium-config');
	registerCiliumCrds(ctx, featuresFromConfig(config));
}

/** Starts (once per cluster context) watching for a Ready cilium-operator. The daemon may call it at boot. */
export function ensureCiliumOperatorSimulation(ctx: PracticeContext): void {
	if (watched.has(ctx.store)) return;
	watched.add(ctx.store);
	ctx.store.subscribe(event => {
		if (event.type === 'DELETED' || !isOperator(event.object)) return;
		// Outside the store's own notification, so the CRD writes are not nested in another write.
		queueMicrotask(() => {
			try {
				reconcileOperator(ctx, event.object);
			} catch {
				// A CRD the API refused is retried on the operator's next status change.
			}
		});
	});
	for (const operator of ctx.store.list('apps/v1', 'Deployment', {labelSelector: 'io.cilium/app=operator'})) reconcileOperator(ctx, operator);
}
