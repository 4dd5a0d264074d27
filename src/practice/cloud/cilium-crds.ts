// The CustomResourceDefinitions the Cilium operator registers, per release. They are not in the Helm chart: the
// operator creates them when it starts (pkg/k8s/apis/cilium.io/client/register.go CreateCustomResourceDefinitions,
// for synced.AllCiliumCRDResourceNames(): pkg/k8s/synced/crd.go), only for the features cilium-config enables, from
// the YAML embedded in it (cilium-crd-data.ts: the real structural schemas, so strict field validation, pruning and
// `kubectl explain` are the release's own).
import type {KubeObject} from '../types.js';
import {compareMinor, GUIDE_CILIUM_VERSION, minorOf} from '../versions.js';
import {ciliumCrdSet} from './cilium-crd-data.js';

/** The label the operator puts on every CRD it creates (pkg/k8s/apis/cilium.io/register.go CustomResourceDefinitionSchemaVersionKey). */
export const CRD_SCHEMA_VERSION_LABEL = 'io.cilium.k8s.crd.schema.version';

/** The 11 a default 1.16 install registers (pkg/k8s/synced/crd.go @v1.16.4 agentCRDResourceNames + AllCiliumCRDResourceNames). */
export const defaultCiliumCrds = [
	'ciliumcidrgroups',
	'ciliumclusterwidenetworkpolicies',
	'ciliumendpoints',
	'ciliumexternalworkloads',
	'ciliumidentities',
	'ciliuml2announcementpolicies',
	'ciliumloadbalancerippools',
	'ciliumnetworkpolicies',
	'ciliumnodeconfigs',
	'ciliumnodes',
	'ciliumpodippools',
];

/**
 * From 1.18 on (pkg/k8s/synced/crd.go @v1.18.0-rc.0, v1.19.4, v1.20.0-pre.3): the same without
 * CiliumExternalWorkload, which 1.18 removed (its CRD file is gone from crds/v2 at v1.18.0-rc.0).
 */
const defaultCiliumCrdsFrom118 = defaultCiliumCrds.filter((plural) => plural !== 'ciliumexternalworkloads');

export interface CrdFeatures {
	egressGateway?: boolean;
	localRedirectPolicy?: boolean;
	envoyConfig?: boolean;
	ciliumEndpointSlice?: boolean;
	bgpControlPlane?: boolean;
	/** `enable-gateway-api`: CiliumGatewayClassConfig from 1.18 (GatewayAPIResourceNames). */
	gatewayApi?: boolean;
}

/** The plural names the operator of `version` registers for these features (crd.go's conditions at that tag). */
export function ciliumCrdNames(features: CrdFeatures, version: string = GUIDE_CILIUM_VERSION): string[] {
	const minor = minorOf(version) ?? '1.16';
	const from118 = compareMinor(minor, '1.18') >= 0;
	const names = from118 ? [...defaultCiliumCrdsFrom118] : [...defaultCiliumCrds];
	if (features.egressGateway) names.push('ciliumegressgatewaypolicies');
	if (features.localRedirectPolicy) names.push('ciliumlocalredirectpolicies');
	if (features.envoyConfig) names.push('ciliumenvoyconfigs', 'ciliumclusterwideenvoyconfigs');
	if (features.ciliumEndpointSlice) names.push('ciliumendpointslices');
	if (features.bgpControlPlane) {
		names.push('ciliumbgpclusterconfigs', 'ciliumbgppeerconfigs', 'ciliumbgpadvertisements', 'ciliumbgpnodeconfigs', 'ciliumbgpnodeconfigoverrides');
		// The v2alpha1 CiliumBGPPeeringPolicy (BGP v1) is registered up to 1.18; 1.19's crd.go no longer lists it.
		if (compareMinor(minor, '1.19') < 0) names.push('ciliumbgppeeringpolicies');
	}
	if (features.gatewayApi && from118) names.push('ciliumgatewayclassconfigs');
	return names.sort();
}

/**
 * The CRD object the operator of `version` creates for `plural`: the embedded YAML's spec, the name, and the schema
 * version label (register.go constructV1CRD keeps neither the YAML's annotations nor anything else of its metadata).
 */
export function ciliumCrdObject(plural: string, version: string = GUIDE_CILIUM_VERSION): KubeObject {
	const set = ciliumCrdSet(version);
	const entry = set.crds[plural];
	if (!entry) throw new Error(`Cilium ${version} has no CRD ${plural}`);
	return {
		apiVersion: 'apiextensions.k8s.io/v1',
		kind: 'CustomResourceDefinition',
		metadata: {name: `${plural}.cilium.io`, labels: {[CRD_SCHEMA_VERSION_LABEL]: set.schemaVersion}},
		spec: structuredClone(entry.crd.spec),
	};
}
