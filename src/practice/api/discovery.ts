// Discovery (plain and aggregated) and OpenAPI v2/v3 documents, built from the registry.
import {createHash} from 'node:crypto';
import {builtinSchemaName, openApiComponents} from './builtin-schemas.js';
import {apiVersionOf, type Registry, type ResourceType} from './registry.js';

export const KUBERNETES_VERSION = {
	major: '1',
	minor: '30',
	gitVersion: 'v1.30.6',
	gitCommit: 'e2b3e0bbc8e2b1e7a1d0c5d6b4d0f2c3a9b8e7f6',
	gitTreeState: 'clean',
	buildDate: '2024-10-22T20:36:47Z',
	goVersion: 'go1.22.8',
	compiler: 'gc',
	platform: 'linux/amd64',
};

/**
 * What /version answers for a cluster created at `gitVersion` (the cluster record's, e.g. `az aks create -k`): the
 * version fields follow it; the build fields (commit, date, Go) are those of the build above, which the practice
 * cluster has for that release only, so for any other release they are left empty rather than made up.
 */
export function versionInfo(gitVersion: string | undefined): typeof KUBERNETES_VERSION {
	const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(gitVersion ?? '');
	if (!match || `v${match[1]}.${match[2]}.${match[3]}` === KUBERNETES_VERSION.gitVersion) return KUBERNETES_VERSION;
	return {...KUBERNETES_VERSION, major: match[1]!, minor: match[2]!, gitVersion: `v${match[1]}.${match[2]}.${match[3]}`, gitCommit: '', buildDate: '', goVersion: ''};
}

function subresourcesOf(type: ResourceType): Array<{name: string; kind: string; verbs: string[]; group?: string; version?: string}> {
	const list: Array<{name: string; kind: string; verbs: string[]; group?: string; version?: string}> = [];
	if (type.subresources.status) list.push({name: 'status', kind: type.kind, verbs: ['get', 'patch', 'update']});
	if (type.subresources.scale) list.push({name: 'scale', kind: 'Scale', verbs: ['get', 'patch', 'update'], group: 'autoscaling', version: 'v1'});
	if (type.group === '' && type.kind === 'Pod') {
		list.push({name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get']});
		list.push({name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get']});
		list.push({name: 'log', kind: 'Pod', verbs: ['get']});
		list.push({name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get']});
	}
	if (type.group === '' && type.kind === 'Service') list.push({name: 'proxy', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update']});
	return list;
}

function storageVersionHash(type: ResourceType): string {
	return createHash('sha256').update(`${type.group}/${type.storageVersion ?? type.version}/${type.kind}`).digest('base64').slice(0, 11) + '=';
}

export function apiVersions(serverAddress: string): object {
	return {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress}]};
}

export function apiGroupList(registry: Registry): object {
	return {
		kind: 'APIGroupList',
		apiVersion: 'v1',
		groups: registry
			.groups()
			.filter(({group}) => group !== '')
			.map(({group, versions}) => ({
				name: group,
				versions: versions.map((version) => ({groupVersion: `${group}/${version}`, version})),
				preferredVersion: {groupVersion: `${group}/${versions[0]}`, version: versions[0]},
			})),
	};
}

export function apiGroup(registry: Registry, group: string): object | undefined {
	const found = registry.groups().find((entry) => entry.group === group);
	if (!found || group === '') return undefined;
	const versions = found.versions.map((version) => ({groupVersion: `${group}/${version}`, version}));
	return {kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0]};
}

export function apiResourceList(registry: Registry, group: string, version: string): object | undefined {
	const types = registry.all().filter((type) => type.group === group && type.version === version);
	if (types.length === 0) return undefined;
	const resources: object[] = [];
	for (const type of types) {
		resources.push({
			name: type.resource,
			singularName: type.singular,
			namespaced: type.namespaced,
			kind: type.kind,
			verbs: type.verbs,
			...(type.shortNames.length ? {shortNames: type.shortNames} : {}),
			...(type.categories.length ? {categories: type.categories} : {}),
			storageVersionHash: storageVersionHash(type),
		});
		for (const sub of subresourcesOf(type)) {
			resources.push({name: `${type.resource}/${sub.name}`, singularName: '', namespaced: type.namespaced, ...(sub.group ? {group: sub.group, version: sub.version} : {}), kind: sub.kind, verbs: sub.verbs});
		}
	}
	return {kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources};
}

/** The aggregated form (`as=APIGroupDiscoveryList`), for `/api` (core) or `/apis` (every group). */
export function aggregatedDiscovery(registry: Registry, core: boolean, discoveryVersion: 'v2' | 'v2beta1'): object {
	const groups = registry.groups().filter(({group}) => (core ? group === '' : group !== ''));
	return {
		kind: 'APIGroupDiscoveryList',
		apiVersion: `apidiscovery.k8s.io/${discoveryVersion}`,
		metadata: {},
		items: groups.map(({group, versions}) => ({
			metadata: group ? {name: group, creationTimestamp: null} : {creationTimestamp: null},
			versions: versions.map((version) => ({
				version,
				resources: registry
					.all()
					.filter((type) => type.group === group && type.version === version)
					.map((type) => ({
						resource: type.resource,
						responseKind: {group, version, kind: type.kind},
						scope: type.namespaced ? 'Namespaced' : 'Cluster',
						singularResource: type.singular,
						verbs: type.verbs,
						...(type.shortNames.length ? {shortNames: type.shortNames} : {}),
						...(type.categories.length ? {categories: type.categories} : {}),
						...(subresourcesOf(type).length
							? {
									subresources: subresourcesOf(type).map((sub) => ({
										subresource: sub.name,
										responseKind: {group: sub.group ?? group, version: sub.version ?? version, kind: sub.kind},
										verbs: sub.verbs,
									})),
								}
							: {}),
					})),
				freshness: 'Current',
			})),
		})),
	};
}

function groupVersionPath(group: string, version: string): string {
	return group ? `apis/${group}/${version}` : `api/${version}`;
}

const cache = new Map<string, {generation: number; value: object; hash: string}>();

function cached(key: string, registry: Registry, build: () => object): {value: object; hash: string} {
	const hit = cache.get(key);
	if (hit && hit.generation === registry.generation) return hit;
	const value = build();
	const hash = createHash('sha512').update(JSON.stringify(value)).digest('hex').slice(0, 128).toUpperCase();
	const entry = {generation: registry.generation, value, hash};
	cache.set(key, entry);
	return entry;
}

export function openApiV3Index(registry: Registry): object {
	const paths: Record<string, {serverRelativeURL: string}> = {};
	for (const {group, versions} of registry.groups()) {
		for (const version of versions) {
			const path = groupVersionPath(group, version);
			const {hash} = openApiV3Document(registry, group, version)!;
			paths[path] = {serverRelativeURL: `/openapi/v3/${path}?hash=${hash}`};
		}
	}
	paths.api = {serverRelativeURL: `/openapi/v3/api?hash=${cached('api', registry, () => ({})).hash}`};
	paths.apis = {serverRelativeURL: `/openapi/v3/apis?hash=${cached('apis', registry, () => ({})).hash}`};
	return {paths};
}

const FIELD_VALIDATION = {
	name: 'fieldValidation',
	in: 'query',
	description: 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
	schema: {type: 'string', uniqueItems: true},
};

/** Custom resources take no strategic merge patch (kubectl reads this to choose its patch type, as the real server says). */
function patchContentTypes(type: ResourceType): Record<string, object> {
	const types = type.crd ? ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'] : ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
	return Object.fromEntries(types.map((contentType) => [contentType, {schema: {type: 'object'}}]));
}

function operation(type: ResourceType, action: string, verb: string, extra: object[] = []): object {
	const gvk = {group: type.group, version: type.version, kind: type.kind};
	return {
		description: `${verb} ${type.kind}`,
		operationId: `${verb}${type.kind}`,
		parameters: [
			{name: 'dryRun', in: 'query', schema: {type: 'string', uniqueItems: true}},
			{name: 'fieldManager', in: 'query', schema: {type: 'string', uniqueItems: true}},
			...extra,
		],
		responses: {'200': {description: 'OK', content: {'application/json': {schema: {$ref: `#/components/schemas/${schemaName(type)}`}}}}},
		'x-kubernetes-action': action,
		'x-kubernetes-group-version-kind': gvk,
	};
}

function schemaName(type: ResourceType): string {
	const builtin = type.schema ? undefined : builtinSchemaName(type.group, type.version, type.kind);
	if (builtin) return builtin;
	const group = type.group ? type.group.split('.').reverse().join('.') : 'io.k8s.api.core';
	return `${group}.${type.version}.${type.kind}`;
}

/** One group-version's OpenAPI v3 document: paths with the operations kubectl looks for, and the CRDs' schemas. */
export function openApiV3Document(registry: Registry, group: string, version: string): {value: object; hash: string} | undefined {
	const types = registry.all().filter((type) => type.group === group && type.version === version);
	if (types.length === 0) return undefined;
	return cached(`${group}/${version}`, registry, () => {
		const paths: Record<string, object> = {};
		const schemas: Record<string, object> = {};
		const builtinRoots: string[] = [];
		for (const type of types) {
			const base = `/${groupVersionPath(group, version)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.resource}`;
			const pathParameters = [
				...(type.namespaced ? [{name: 'namespace', in: 'path', required: true, schema: {type: 'string', uniqueItems: true}}] : []),
			];
			paths[base] = {
				get: operation(type, 'list', 'list'),
				post: operation(type, 'post', 'create', [FIELD_VALIDATION]),
				parameters: pathParameters,
			};
			paths[`${base}/{name}`] = {
				get: operation(type, 'get', 'read'),
				put: operation(type, 'put', 'replace', [FIELD_VALIDATION]),
				patch: {...operation(type, 'patch', 'patch', [FIELD_VALIDATION, {name: 'force', in: 'query', schema: {type: 'boolean', uniqueItems: true}}]), requestBody: {content: patchContentTypes(type), required: true}},
				delete: operation(type, 'delete', 'delete'),
				parameters: [{name: 'name', in: 'path', required: true, schema: {type: 'string', uniqueItems: true}}, ...pathParameters],
			};
			// A built-in kind: its schema from Kubernetes' OpenAPI (builtin-schemas.ts), what `kubectl explain` reads.
			const builtin = type.schema ? undefined : builtinSchemaName(group, version, type.kind);
			if (builtin) builtinRoots.push(builtin);
			else {
				schemas[schemaName(type)] = type.schema
					? {...type.schema, 'x-kubernetes-group-version-kind': [{group, version, kind: type.kind}]}
					: {type: 'object', description: `${type.kind} (schema omitted by the practice cluster)`, 'x-kubernetes-group-version-kind': [{group, version, kind: type.kind}]};
			}
		}
		Object.assign(schemas, openApiComponents(builtinRoots));
		return {openapi: '3.0.0', info: {title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion}, paths, components: {schemas}};
	});
}

export function openApiV2(registry: Registry): object {
	return cached('v2', registry, () => {
		const paths: Record<string, object> = {};
		for (const type of registry.all()) {
			const base = `/${groupVersionPath(type.group, type.version)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.resource}/{name}`;
			paths[base] = {
				patch: {operationId: `patch${type.kind}`, parameters: [{name: 'fieldValidation', in: 'query', type: 'string', uniqueItems: true}], responses: {'200': {description: 'OK'}}, 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': {group: type.group, version: type.version, kind: type.kind}},
			};
		}
		return {swagger: '2.0', info: {title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion}, paths, definitions: {}};
	}).value;
}

export {apiVersionOf};
