// The CustomResourceDefinitions Cilium 1.16 registers (cilium-semantics §5.3). They are not in the
// Helm chart: the operator registers them when it starts, and only for enabled features
// (pkg/k8s/synced/crd.go @v1.16.0). CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy carry 1.16.4's structural
// schema (strict field validation, pruning, kubectl explain); the other kinds' schemas here are open.
import type {KubeObject} from '../types.js';
import type {PrinterColumn} from '../api/registry.js';
import {ciliumPolicySchema} from './cilium-policy-schema.js';

/** The kinds whose real structural schema the practice cluster registers (cilium-policy-schema.ts); the others stay open. */
const POLICY_KINDS = new Set(['ciliumnetworkpolicies', 'ciliumclusterwidenetworkpolicies']);

interface CrdDefinition {
	plural: string;
	kind: string;
	shortNames: string[];
	scope: 'Namespaced' | 'Cluster';
	/** Served versions; the first is the storage version. */
	versions: string[];
	categories?: string[];
	printerColumns?: PrinterColumn[];
	status?: boolean;
}

const age: PrinterColumn = {name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp'};

export const ciliumCrdDefinitions: CrdDefinition[] = [
	{plural: 'ciliumnetworkpolicies', kind: 'CiliumNetworkPolicy', shortNames: ['cnp', 'ciliumnp'], scope: 'Namespaced', versions: ['v2'], categories: ['cilium', 'ciliumpolicy'], status: true},
	{plural: 'ciliumclusterwidenetworkpolicies', kind: 'CiliumClusterwideNetworkPolicy', shortNames: ['ccnp'], scope: 'Cluster', versions: ['v2'], categories: ['cilium', 'ciliumpolicy'], status: true},
	{
		plural: 'ciliumendpoints',
		kind: 'CiliumEndpoint',
		shortNames: ['cep', 'ciliumep'],
		scope: 'Namespaced',
		versions: ['v2'],
		categories: ['cilium'],
		printerColumns: [
			{name: 'Security Identity', type: 'integer', jsonPath: '.status.identity.id', description: 'Security Identity'},
			{name: 'Endpoint State', type: 'string', jsonPath: '.status.state', description: 'Endpoint current state'},
			{name: 'IPv4', type: 'string', jsonPath: '.status.networking.addressing[0].ipv4', description: 'Endpoint IPv4 address'},
			{name: 'IPv6', type: 'string', jsonPath: '.status.networking.addressing[0].ipv6', description: 'Endpoint IPv6 address'},
		],
	},
	{
		plural: 'ciliumidentities',
		kind: 'CiliumIdentity',
		shortNames: ['ciliumid'],
		scope: 'Cluster',
		versions: ['v2'],
		categories: ['cilium'],
		printerColumns: [{name: 'Namespace', type: 'string', jsonPath: '.metadata.labels.io\\.kubernetes\\.pod\\.namespace', description: 'The namespace of the entity'}, age],
	},
	{
		plural: 'ciliumnodes',
		kind: 'CiliumNode',
		shortNames: ['cn', 'ciliumn'],
		scope: 'Cluster',
		versions: ['v2'],
		categories: ['cilium'],
		printerColumns: [
			{name: 'CiliumInternalIP', type: 'string', jsonPath: '.spec.addresses[?(@.type=="CiliumInternalIP")].ip', description: 'Cilium internal IP for this node'},
			{name: 'InternalIP', type: 'string', jsonPath: '.spec.addresses[?(@.type=="InternalIP")].ip', description: 'IP of the node'},
			age,
		],
	},
	{plural: 'ciliumexternalworkloads', kind: 'CiliumExternalWorkload', shortNames: ['cew'], scope: 'Cluster', versions: ['v2'], categories: ['cilium'], status: true},
	{plural: 'ciliumlocalredirectpolicies', kind: 'CiliumLocalRedirectPolicy', shortNames: ['clrp'], scope: 'Namespaced', versions: ['v2'], categories: ['cilium', 'ciliumpolicy'], status: true},
	{plural: 'ciliumegressgatewaypolicies', kind: 'CiliumEgressGatewayPolicy', shortNames: ['cegp'], scope: 'Cluster', versions: ['v2'], categories: ['cilium', 'ciliumpolicy']},
	{plural: 'ciliumenvoyconfigs', kind: 'CiliumEnvoyConfig', shortNames: ['cec'], scope: 'Namespaced', versions: ['v2'], categories: ['cilium']},
	{plural: 'ciliumclusterwideenvoyconfigs', kind: 'CiliumClusterwideEnvoyConfig', shortNames: ['ccec'], scope: 'Cluster', versions: ['v2'], categories: ['cilium']},
	{plural: 'ciliumnodeconfigs', kind: 'CiliumNodeConfig', shortNames: [], scope: 'Namespaced', versions: ['v2', 'v2alpha1'], categories: ['cilium']},
	{plural: 'ciliumcidrgroups', kind: 'CiliumCIDRGroup', shortNames: ['ccg'], scope: 'Cluster', versions: ['v2alpha1'], categories: ['cilium']},
	{plural: 'ciliuml2announcementpolicies', kind: 'CiliumL2AnnouncementPolicy', shortNames: ['l2announcement'], scope: 'Cluster', versions: ['v2alpha1'], categories: ['cilium'], status: true},
	{plural: 'ciliumloadbalancerippools', kind: 'CiliumLoadBalancerIPPool', shortNames: ['ippools', 'ippool', 'lbippool', 'lbippools'], scope: 'Cluster', versions: ['v2alpha1'], categories: ['cilium'], status: true},
	{plural: 'ciliumpodippools', kind: 'CiliumPodIPPool', shortNames: ['cpip'], scope: 'Cluster', versions: ['v2alpha1'], categories: ['cilium']},
	{plural: 'ciliumendpointslices', kind: 'CiliumEndpointSlice', shortNames: ['ces'], scope: 'Cluster', versions: ['v2alpha1'], categories: ['cilium']},
	{plural: 'ciliumbgppeeringpolicies', kind: 'CiliumBGPPeeringPolicy', shortNames: ['bgpp'], scope: 'Cluster', versions: ['v2alpha1'], categories: ['cilium', 'ciliumbgp']},
	{plural: 'ciliumbgpclusterconfigs', kind: 'CiliumBGPClusterConfig', shortNames: ['cbgpcluster'], scope: 'Cluster', versions: ['v2alpha1'], categories: ['cilium', 'ciliumbgp'], status: true},
	{plural: 'ciliumbgppeerconfigs', kind: 'CiliumBGPPeerConfig', shortNames: [], scope: 'Cluster', versions: ['v2alpha1'], categories: ['cilium', 'ciliumbgp'], status: true},
	{plural: 'ciliumbgpadvertisements', kind: 'CiliumBGPAdvertisement', shortNames: ['cbgpadvert'], scope: 'Cluster', versions: ['v2alpha1'], categories: ['cilium', 'ciliumbgp']},
	{plural: 'ciliumbgpnodeconfigs', kind: 'CiliumBGPNodeConfig', shortNames: ['cbgpnode'], scope: 'Cluster', versions: ['v2alpha1'], categories: ['cilium', 'ciliumbgp'], status: true},
	{plural: 'ciliumbgpnodeconfigoverrides', kind: 'CiliumBGPNodeConfigOverride', shortNames: ['cbgpnodeoverride'], scope: 'Cluster', versions: ['v2alpha1'], categories: ['cilium', 'ciliumbgp']},
];

/** The 11 a default 1.16 install registers. */
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

export interface CrdFeatures {
	egressGateway?: boolean;
	localRedirectPolicy?: boolean;
	envoyConfig?: boolean;
	ciliumEndpointSlice?: boolean;
	bgpControlPlane?: boolean;
}

/** The plural names the operator registers for these features (crd.go's conditions). */
export function ciliumCrdNames(features: CrdFeatures): string[] {
	const names = [...defaultCiliumCrds];
	if (features.egressGateway) names.push('ciliumegressgatewaypolicies');
	if (features.localRedirectPolicy) names.push('ciliumlocalredirectpolicies');
	if (features.envoyConfig) names.push('ciliumenvoyconfigs', 'ciliumclusterwideenvoyconfigs');
	if (features.ciliumEndpointSlice) names.push('ciliumendpointslices');
	if (features.bgpControlPlane) {
		names.push('ciliumbgppeeringpolicies', 'ciliumbgpclusterconfigs', 'ciliumbgppeerconfigs', 'ciliumbgpadvertisements', 'ciliumbgpnodeconfigs', 'ciliumbgpnodeconfigoverrides');
	}
	return names.sort();
}

export function ciliumCrdObject(plural: string): KubeObject {
	const definition = ciliumCrdDefinitions.find(crd => crd.plural === plural);
	if (!definition) throw new Error(`unknown Cilium CRD ${plural}`);
	const openSchema = {
		type: 'object',
		properties: {
			apiVersion: {type: 'string'},
			kind: {type: 'string'},
			metadata: {type: 'object'},
			spec: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true},
			status: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true},
		},
		'x-kubernetes-preserve-unknown-fields': true,
	};
	return {
		apiVersion: 'apiextensions.k8s.io/v1',
		kind: 'CustomResourceDefinition',
		metadata: {name: `${plural}.cilium.io`},
		spec: {
			group: 'cilium.io',
			names: {
				kind: definition.kind,
				listKind: `${definition.kind}List`,
				plural,
				singular: definition.kind.toLowerCase(),
				shortNames: definition.shortNames,
				categories: definition.categories ?? ['cilium'],
			},
			scope: definition.scope,
			versions: definition.versions.map((version, index) => ({
				name: version,
				served: true,
				storage: index === 0,
				schema: {openAPIV3Schema: POLICY_KINDS.has(plural) ? ciliumPolicySchema(plural === 'ciliumclusterwidenetworkpolicies') : openSchema},
				...(definition.status ? {subresources: {status: {}}} : {}),
				...(definition.printerColumns ? {additionalPrinterColumns: definition.printerColumns} : {}),
			})),
		},
	};
}
