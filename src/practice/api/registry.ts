// The kinds the practice API serves: built-ins, and CRDs as they are created.
import type {KubeObject} from '../types.js';

export interface PrinterColumn {
	name: string;
	type: string;
	jsonPath: string;
	description?: string;
	priority?: number;
	format?: string;
}

export interface ResourceType {
	group: string;
	version: string;
	/** Plural, lower case: what the URL carries. */
	resource: string;
	singular: string;
	kind: string;
	namespaced: boolean;
	shortNames: string[];
	categories: string[];
	verbs: string[];
	subresources: {status?: boolean; scale?: boolean};
	/** Objects carry metadata.generation, bumped when anything but metadata and status changes. */
	generation: boolean;
	/** From a CRD: its openAPIV3Schema and printer columns. */
	schema?: JsonSchema;
	printerColumns?: PrinterColumn[];
	/** The CRD that serves it, if any. */
	crd?: string;
	/** The version storage keeps for this group + kind (a CRD's storage version). */
	storageVersion?: string;
}

export interface JsonSchema {
	type?: string;
	properties?: Record<string, JsonSchema>;
	additionalProperties?: boolean | JsonSchema;
	items?: JsonSchema;
	required?: string[];
	enum?: unknown[];
	pattern?: string;
	format?: string;
	minimum?: number;
	maximum?: number;
	exclusiveMinimum?: boolean;
	exclusiveMaximum?: boolean;
	minLength?: number;
	maxLength?: number;
	minItems?: number;
	maxItems?: number;
	minProperties?: number;
	maxProperties?: number;
	nullable?: boolean;
	oneOf?: JsonSchema[];
	anyOf?: JsonSchema[];
	allOf?: JsonSchema[];
	not?: JsonSchema;
	description?: string;
	'x-kubernetes-preserve-unknown-fields'?: boolean;
	'x-kubernetes-int-or-string'?: boolean;
	'x-kubernetes-embedded-resource'?: boolean;
	[key: string]: unknown;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function builtin(
	apiVersion: string,
	kind: string,
	resource: string,
	options: {namespaced?: boolean; shortNames?: string[]; all?: boolean; status?: boolean; scale?: boolean; generation?: boolean; verbs?: string[]} = {},
): ResourceType {
	const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
	return {
		group,
		version,
		resource,
		singular: kind.toLowerCase(),
		kind,
		namespaced: options.namespaced ?? true,
		shortNames: options.shortNames ?? [],
		categories: options.all ? ['all'] : [],
		verbs: options.verbs ?? ALL_VERBS,
		subresources: {status: options.status, scale: options.scale},
		generation: options.generation ?? false,
	};
}

export const BUILTIN_TYPES: ResourceType[] = [
	builtin('v1', 'Namespace', 'namespaces', {namespaced: false, shortNames: ['ns'], status: true, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']}),
	builtin('v1', 'Node', 'nodes', {namespaced: false, shortNames: ['no'], status: true}),
	builtin('v1', 'Pod', 'pods', {shortNames: ['po'], all: true, status: true}),
	builtin('v1', 'Service', 'services', {shortNames: ['svc'], all: true, status: true, verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']}),
	builtin('v1', 'Endpoints', 'endpoints', {shortNames: ['ep']}),
	builtin('v1', 'ConfigMap', 'configmaps', {shortNames: ['cm']}),
	builtin('v1', 'Secret', 'secrets'),
	builtin('v1', 'ServiceAccount', 'serviceaccounts', {shortNames: ['sa']}),
	builtin('v1', 'Event', 'events', {shortNames: ['ev']}),
	builtin('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', {shortNames: ['pvc'], status: true}),
	builtin('v1', 'ResourceQuota', 'resourcequotas', {shortNames: ['quota'], status: true}),
	builtin('v1', 'LimitRange', 'limitranges', {shortNames: ['limits']}),
	builtin('apps/v1', 'Deployment', 'deployments', {shortNames: ['deploy'], all: true, status: true, scale: true, generation: true}),
	builtin('apps/v1', 'ReplicaSet', 'replicasets', {shortNames: ['rs'], all: true, status: true, scale: true, generation: true}),
	builtin('apps/v1', 'DaemonSet', 'daemonsets', {shortNames: ['ds'], all: true, status: true, generation: true}),
	builtin('apps/v1', 'StatefulSet', 'statefulsets', {shortNames: ['sts'], all: true, status: true, scale: true, generation: true}),
	builtin('apps/v1', 'ControllerRevision', 'controllerrevisions'),
	builtin('batch/v1', 'Job', 'jobs', {all: true, status: true, generation: true}),
	builtin('batch/v1', 'CronJob', 'cronjobs', {shortNames: ['cj'], all: true, status: true, generation: true}),
	builtin('events.k8s.io/v1', 'Event', 'events', {shortNames: ['ev']}),
	builtin('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', {namespaced: false, shortNames: ['crd', 'crds'], status: true, generation: true}),
	builtin('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', {shortNames: ['netpol'], generation: true}),
	builtin('networking.k8s.io/v1', 'Ingress', 'ingresses', {shortNames: ['ing'], status: true, generation: true}),
	builtin('networking.k8s.io/v1', 'IngressClass', 'ingressclasses', {namespaced: false}),
	builtin('coordination.k8s.io/v1', 'Lease', 'leases'),
	builtin('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', {shortNames: ['pdb'], status: true, generation: true}),
	builtin('rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', {namespaced: false}),
	builtin('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', {namespaced: false}),
	builtin('rbac.authorization.k8s.io/v1', 'Role', 'roles'),
	builtin('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings'),
	builtin('discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices'),
	builtin('storage.k8s.io/v1', 'StorageClass', 'storageclasses', {namespaced: false, shortNames: ['sc']}),
	builtin('scheduling.k8s.io/v1', 'PriorityClass', 'priorityclasses', {namespaced: false, shortNames: ['pc']}),
	builtin('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', {namespaced: false}),
	builtin('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', {namespaced: false}),
	builtin('apiregistration.k8s.io/v1', 'APIService', 'apiservices', {namespaced: false, status: true}),
	// Reviews: created and answered, never stored (server.ts answerReview).
	builtin('authentication.k8s.io/v1', 'SelfSubjectReview', 'selfsubjectreviews', {namespaced: false, verbs: ['create']}),
	builtin('authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', {namespaced: false, verbs: ['create']}),
	builtin('authorization.k8s.io/v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', {namespaced: false, verbs: ['create']}),
	// metrics-server's aggregated API, computed on each read (metrics.ts).
	builtin('metrics.k8s.io/v1beta1', 'NodeMetrics', 'nodes', {namespaced: false, verbs: ['get', 'list']}),
	builtin('metrics.k8s.io/v1beta1', 'PodMetrics', 'pods', {verbs: ['get', 'list']}),
];

/** The order groups appear in discovery, as a 1.30 API server lists them. */
const GROUP_ORDER = [
	'',
	'apiregistration.k8s.io',
	'apps',
	'events.k8s.io',
	'batch',
	'networking.k8s.io',
	'policy',
	'authentication.k8s.io',
	'authorization.k8s.io',
	'rbac.authorization.k8s.io',
	'storage.k8s.io',
	'admissionregistration.k8s.io',
	'apiextensions.k8s.io',
	'scheduling.k8s.io',
	'coordination.k8s.io',
	'discovery.k8s.io',
];

export function apiVersionOf(type: {group: string; version: string}): string {
	return type.group ? `${type.group}/${type.version}` : type.version;
}

export function splitApiVersion(apiVersion: string): {group: string; version: string} {
	const slash = apiVersion.indexOf('/');
	return slash < 0 ? {group: '', version: apiVersion} : {group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1)};
}

/** "pods" for core, "deployments.apps" otherwise: how messages name a resource. */
export function qualifiedResource(type: ResourceType): string {
	return type.group ? `${type.resource}.${type.group}` : type.resource;
}

/** Kind as messages name it: "Pod", "CiliumNetworkPolicy.cilium.io". */
export function qualifiedKind(type: ResourceType): string {
	return type.group ? `${type.kind}.${type.group}` : type.kind;
}

export interface Registry {
	all(): ResourceType[];
	byResource(group: string, version: string, resource: string): ResourceType | undefined;
	byKind(apiVersion: string, kind: string): ResourceType | undefined;
	/** Any served version of the group + kind (storage is keyed by group and kind). */
	byGroupKind(group: string, kind: string): ResourceType | undefined;
	/** Group versions in discovery order; the first version of each group is the preferred one. */
	groups(): Array<{group: string; versions: string[]}>;
	/** Replaces the types a CRD serves (or removes them when `crd` is undefined). Returns whether anything changed. */
	syncCrd(name: string, crd: KubeObject | undefined): boolean;
	/** Bumped whenever the served set changes (for discovery and OpenAPI hashes). */
	readonly generation: number;
}

export function createRegistry(): Registry {
	let types: ResourceType[] = [...BUILTIN_TYPES];
	let generation = 1;
	let byResourceIndex = new Map<string, ResourceType>();
	let byKindIndex = new Map<string, ResourceType>();
	let byGroupKindIndex = new Map<string, ResourceType>();
	const reindex = () => {
		byResourceIndex = new Map(types.map((type) => [`${type.group}/${type.version}/${type.resource}`, type]));
		byKindIndex = new Map(types.map((type) => [`${apiVersionOf(type)}/${type.kind}`, type]));
		byGroupKindIndex = new Map();
		for (const type of types) {
			const key = `${type.group}/${type.kind}`;
			if (!byGroupKindIndex.has(key) || type.storageVersion === type.version) byGroupKindIndex.set(key, type);
		}
	};
	reindex();

	return {
		all: () => types,
		byResource: (group, version, resource) => byResourceIndex.get(`${group}/${version}/${resource}`),
		byKind: (apiVersion, kind) => byKindIndex.get(`${apiVersion}/${kind}`),
		byGroupKind: (group, kind) => byGroupKindIndex.get(`${group}/${kind}`),
		groups() {
			const order = new Map<string, string[]>();
			for (const type of types) {
				const versions = order.get(type.group) ?? [];
				if (!versions.includes(type.version)) versions.push(type.version);
				order.set(type.group, versions);
			}
			const rank = (group: string) => {
				const index = GROUP_ORDER.indexOf(group);
				return index < 0 ? GROUP_ORDER.length : index;
			};
			return [...order.entries()]
				.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
				.map(([group, versions]) => ({group, versions: sortVersions(versions)}));
		},
		syncCrd(name, crd) {
			const before = types.filter((type) => type.crd === name);
			const after = crd ? typesOfCrd(crd) : [];
			if (JSON.stringify(before) === JSON.stringify(after)) return false;
			types = [...types.filter((type) => type.crd !== name), ...after];
			generation++;
			reindex();
			return true;
		},
		get generation() {
			return generation;
		},
	};
}

/** Kubernetes version priority: GA before beta before alpha, higher numbers first. */
export function sortVersions(versions: string[]): string[] {
	const parse = (version: string) => {
		const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
		if (!match) return {rank: 3, major: 0, minor: 0, text: version};
		const rank = match[2] === undefined ? 0 : match[2] === 'beta' ? 1 : 2;
		return {rank, major: Number(match[1]), minor: Number(match[3] ?? 0), text: version};
	};
	return [...versions].sort((a, b) => {
		const x = parse(a);
		const y = parse(b);
		return x.rank - y.rank || y.major - x.major || y.minor - x.minor || x.text.localeCompare(y.text);
	});
}

interface CrdVersion {
	name: string;
	served?: boolean;
	storage?: boolean;
	schema?: {openAPIV3Schema?: JsonSchema};
	subresources?: {status?: object; scale?: object};
	additionalPrinterColumns?: PrinterColumn[];
}

function typesOfCrd(crd: KubeObject): ResourceType[] {
	const spec = crd.spec as {
		group: string;
		scope: 'Namespaced' | 'Cluster';
		names: {plural: string; singular?: string; kind: string; shortNames?: string[]; categories?: string[]};
		versions: CrdVersion[];
	};
	const storageVersion = spec.versions.find((version) => version.storage)?.name;
	return spec.versions
		.filter((version) => version.served !== false)
		.map((version) => ({
			group: spec.group,
			version: version.name,
			resource: spec.names.plural,
			singular: spec.names.singular || spec.names.kind.toLowerCase(),
			kind: spec.names.kind,
			namespaced: spec.scope === 'Namespaced',
			shortNames: spec.names.shortNames ?? [],
			categories: spec.names.categories ?? [],
			verbs: ALL_VERBS,
			subresources: {status: Boolean(version.subresources?.status), scale: Boolean(version.subresources?.scale)},
			generation: true,
			schema: version.schema?.openAPIV3Schema,
			printerColumns: version.additionalPrinterColumns,
			crd: crd.metadata.name,
			storageVersion,
		}));
}
