// The part of cilium-operator the practice cluster simulates: registering the CRDs. The CRDs are not in the chart;
// the operator creates them when it starts (pkg/k8s/apis/cilium.io/client/register.go), for the features
// cilium-config enables, from the YAML of its own release. So they appear once a cilium-operator replica is Ready,
// not at `helm install`, and `helm uninstall` leaves them behind, as on a real cluster. An operator of a newer release
// updates a CRD whose schema version label is older (pkg/k8s/apis/crdhelpers CreateUpdateCRD / needsUpdateV1); an
// older one leaves a newer CRD as it is.
import type {KubeObject, PracticeContext} from '../types.js';
import {GUIDE_CILIUM_VERSION, versionFromImage} from '../versions.js';
import {ciliumCrdSchemaVersion, compareSchemaVersions} from './cilium-crd-data.js';
import {ciliumCrdNames, ciliumCrdObject, CRD_SCHEMA_VERSION_LABEL, type CrdFeatures} from './cilium-crds.js';

const watched = new WeakSet<object>();

function featuresFromConfig(config: KubeObject | undefined): CrdFeatures {
	const data = (config?.data ?? {}) as Record<string, string>;
	return {
		egressGateway: data['enable-ipv4-egress-gateway'] === 'true' || data['enable-egress-gateway'] === 'true',
		localRedirectPolicy: data['enable-local-redirect-policy'] === 'true',
		envoyConfig: data['enable-envoy-config'] === 'true',
		ciliumEndpointSlice: data['enable-cilium-endpoint-slice'] === 'true',
		bgpControlPlane: data['enable-bgp-control-plane'] === 'true',
		gatewayApi: data['enable-gateway-api'] === 'true',
	};
}

export function registerCiliumCrds(ctx: PracticeContext, features: CrdFeatures, version: string = GUIDE_CILIUM_VERSION): void {
	// The release's CRD set is read only when a CRD is missing or older: a restart with them in place reads none.
	const want = ciliumCrdSchemaVersion(version);
	for (const plural of ciliumCrdNames(features, version)) {
		const existing = ctx.store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, `${plural}.cilium.io`);
		if (!existing) {
			ctx.store.create(ciliumCrdObject(plural, version));
			continue;
		}
		const have = existing.metadata.labels?.[CRD_SCHEMA_VERSION_LABEL];
		if (have === undefined || compareSchemaVersions(have, want) < 0) {
			const wanted = ciliumCrdObject(plural, version);
			ctx.store.update({...existing, metadata: {...existing.metadata, labels: {...existing.metadata.labels, [CRD_SCHEMA_VERSION_LABEL]: want}}, spec: wanted.spec});
		}
	}
}

function isOperator(object: KubeObject): boolean {
	return object.kind === 'Deployment' && object.metadata.name === 'cilium-operator';
}

/** The release the operator runs: its container image's tag (operator-generic:v1.19.6@sha256:…). */
function operatorVersion(operator: KubeObject): string {
	const containers = (operator.spec as {template?: {spec?: {containers?: Array<{image?: string}>}}} | undefined)?.template?.spec?.containers ?? [];
	return versionFromImage(containers[0]?.image) ?? GUIDE_CILIUM_VERSION;
}

function reconcileOperator(ctx: PracticeContext, operator: KubeObject): void {
	const ready = Number((operator.status as {readyReplicas?: number} | undefined)?.readyReplicas ?? 0);
	if (ready < 1) return;
	const config = ctx.store.get('v1', 'ConfigMap', operator.metadata.namespace, 'cilium-config');
	registerCiliumCrds(ctx, featuresFromConfig(config), operatorVersion(operator));
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
