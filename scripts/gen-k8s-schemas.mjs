// Generates src/practice/api/k8s-openapi.json: the OpenAPI schemas of the built-in kinds the lab uses, trimmed to
// what they reach. Source: @kubernetes/client-node's generated models (dist/gen/models, "OpenAPI spec version" in
// their header), which are Kubernetes' own OpenAPI spec turned into classes: attributeTypeMap gives each field's
// JSON name and type, the .d.ts doc comments the field descriptions. Run: node scripts/gen-k8s-schemas.mjs
import {readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const clientDir = path.dirname(require.resolve('@kubernetes/client-node/package.json'));
const modelsDir = path.join(clientDir, 'dist', 'gen', 'models');
const {version: clientVersion} = JSON.parse(readFileSync(path.join(clientDir, 'package.json'), 'utf8'));
const specVersion = /OpenAPI spec version: (\S+)/.exec(readFileSync(path.join(modelsDir, 'V1Pod.d.ts'), 'utf8'))[1];

// The kinds: [group, version, kind, client-node class]
const ROOTS = [
	['', 'v1', 'Pod'],
	['', 'v1', 'Service'],
	['', 'v1', 'ConfigMap'],
	['', 'v1', 'Secret'],
	['', 'v1', 'Namespace'],
	['', 'v1', 'ServiceAccount'],
	['', 'v1', 'Endpoints'],
	['', 'v1', 'Node'],
	['apps', 'v1', 'Deployment'],
	['apps', 'v1', 'DaemonSet'],
	['apps', 'v1', 'ReplicaSet'],
	['apps', 'v1', 'StatefulSet'],
	['batch', 'v1', 'Job'],
	['networking.k8s.io', 'v1', 'NetworkPolicy'],
	['rbac.authorization.k8s.io', 'v1', 'Role'],
	['rbac.authorization.k8s.io', 'v1', 'RoleBinding'],
	['rbac.authorization.k8s.io', 'v1', 'ClusterRole'],
	['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding'],
];

// The OpenAPI name of a client-node class: its group is known for the roots and the types only they use.
const META = new Set(['ObjectMeta', 'ListMeta', 'LabelSelector', 'LabelSelectorRequirement', 'ManagedFieldsEntry', 'OwnerReference', 'Condition']);
const APPS = /^(Deployment|DaemonSet|ReplicaSet|StatefulSet|RollingUpdate|ControllerRevision)/;
const NETWORKING = /^(NetworkPolicy|IPBlock)/;
const RBAC = /^(Role|ClusterRole|PolicyRule|Subject|RoleRef|AggregationRule)/;
function openApiName(className) {
	const prefixed = /^(Core|Rbac)V(\d)(.*)$/.exec(className);
	if (prefixed) return `io.k8s.api.${prefixed[1].toLowerCase()}.v${prefixed[2]}.${prefixed[3]}`;
	const match = /^V(\d)((?:alpha|beta)\d+)?(.*)$/.exec(className);
	const version = `v${match[1]}${match[2] ?? ''}`;
	const name = match[3];
	if (META.has(name)) return `io.k8s.apimachinery.pkg.apis.meta.${version}.${name}`;
	if (APPS.test(name)) return `io.k8s.api.apps.${version}.${name}`;
	if (NETWORKING.test(name)) return `io.k8s.api.networking.${version}.${name}`;
	if (RBAC.test(name)) return `io.k8s.api.rbac.${version}.${name}`;
	if (/^(Job|CronJob|PodFailurePolicy|SuccessPolicy|UncountedTerminatedPods)/.test(name)) return `io.k8s.api.batch.${version}.${name}`;
	return `io.k8s.api.core.${version}.${name}`;
}

/** Field descriptions from the class's .d.ts: the doc comment right before `'name'?: type;`. */
function descriptions(className) {
	const text = readFileSync(path.join(modelsDir, `${className}.d.ts`), 'utf8');
	const classDoc = /\/\*\*\n((?:\* ?.*\n)+?)\*\/\nexport declare class/.exec(text);
	const fields = {};
	for (const match of text.matchAll(/\/\*\*\n((?:\s*\* ?.*\n)+?)\s*\*\/\n\s*'([^']+)'\??:/g)) fields[match[2]] = clean(match[1]);
	return {type: classDoc ? clean(classDoc[1]) : undefined, fields};
}

function clean(comment) {
	return comment
		.split('\n')
		.map((line) => line.replace(/^\s*\* ?/, ''))
		.join('\n')
		.trim()
		.replace(/\\(["'])/g, '$1');
}

// The strategic-merge-patch metadata of list fields (x-kubernetes-patch-strategy / -merge-key): the generated models
// drop it, and kubectl ≥1.27 computes apply patches from /openapi/v3 when the kind is there. From the Go struct
// tags (patchStrategy, patchMergeKey) of k8s.io/api core/v1, apps/v1 and apimachinery meta/v1 types.go.
const PATCH_META = {
	'io.k8s.api.core.v1.PodSpec': {volumes: ['merge,retainKeys', 'name'], initContainers: ['merge', 'name'], containers: ['merge', 'name'], ephemeralContainers: ['merge', 'name'], imagePullSecrets: ['merge', 'name'], hostAliases: ['merge', 'ip'], topologySpreadConstraints: ['merge', 'topologyKey'], resourceClaims: ['merge,retainKeys', 'name'], schedulingGates: ['merge', 'name']},
	'io.k8s.api.core.v1.Container': {ports: ['merge', 'containerPort'], env: ['merge', 'name'], volumeMounts: ['merge', 'mountPath'], volumeDevices: ['merge', 'devicePath']},
	'io.k8s.api.core.v1.EphemeralContainer': {ports: ['merge', 'containerPort'], env: ['merge', 'name'], volumeMounts: ['merge', 'mountPath'], volumeDevices: ['merge', 'devicePath']},
	'io.k8s.api.core.v1.PodStatus': {conditions: ['merge', 'type'], podIPs: ['merge', 'ip'], hostIPs: ['merge', 'ip']},
	'io.k8s.api.core.v1.ServiceSpec': {ports: ['merge', 'port']},
	'io.k8s.api.core.v1.ServiceAccount': {secrets: ['merge', 'name']},
	'io.k8s.api.core.v1.NodeStatus': {conditions: ['merge', 'type'], addresses: ['merge', 'type']},
	'io.k8s.api.core.v1.NodeSpec': {podCIDRs: ['merge', '']},
	'io.k8s.api.core.v1.NamespaceStatus': {conditions: ['merge', 'type']},
	'io.k8s.api.apps.v1.DeploymentStatus': {conditions: ['merge', 'type']},
	'io.k8s.api.apps.v1.ReplicaSetStatus': {conditions: ['merge', 'type']},
	'io.k8s.api.apps.v1.DaemonSetStatus': {conditions: ['merge', 'type']},
	'io.k8s.api.apps.v1.StatefulSetStatus': {conditions: ['merge', 'type']},
	'io.k8s.api.batch.v1.JobStatus': {conditions: ['merge', 'type']},
	'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {ownerReferences: ['merge', 'uid'], finalizers: ['merge', '']},
};

const definitions = {};
async function load(className) {
	const module = await import(path.join(modelsDir, `${className}.js`));
	return module[className];
}

async function typeSchema(type, format) {
	if (type === 'string') return {type: 'string', ...(format ? {format} : {})};
	if (type === 'number') return format === 'double' ? {type: 'number', format} : {type: 'integer', ...(format ? {format} : {})};
	if (type === 'boolean') return {type: 'boolean'};
	if (type === 'Date') return {type: 'string', format: 'date-time'};
	if (type === 'IntOrString') return {'x-kubernetes-int-or-string': true};
	if (type === 'any') return {type: 'object', 'x-kubernetes-preserve-unknown-fields': true};
	const array = /^Array<(.+)>$/.exec(type);
	if (array) return {type: 'array', items: await typeSchema(array[1], '')};
	const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
	if (map) return {type: 'object', additionalProperties: await typeSchema(map[1], '')};
	if (/^(V|CoreV|RbacV)\d/.test(type)) return {$ref: await define(type)};
	throw new Error(`unknown client-node type ${type}`);
}

async function define(className) {
	const name = openApiName(className);
	if (definitions[name]) return name;
	definitions[name] = {};
	const model = await load(className);
	const docs = descriptions(className);
	const text = readFileSync(path.join(modelsDir, `${className}.d.ts`), 'utf8');
	const properties = {};
	const required = [];
	for (const attribute of model.attributeTypeMap) {
		const schema = await typeSchema(attribute.type, attribute.format);
		const description = docs.fields[attribute.name];
		properties[attribute.baseName] = description ? (schema.$ref ? {allOf: [{$ref: schema.$ref}], description} : {...schema, description}) : schema;
		if (new RegExp(`\\n\\s*'${attribute.name}':`).test(text)) required.push(attribute.baseName);
	}
	for (const [field, [strategy, key]] of Object.entries(PATCH_META[name] ?? {})) {
		if (!properties[field]) throw new Error(`${name}.${field}: no such field for its patch metadata`);
		properties[field] = {...properties[field], 'x-kubernetes-patch-strategy': strategy, ...(key ? {'x-kubernetes-patch-merge-key': key} : {})};
	}
	definitions[name] = {...(docs.type ? {description: docs.type} : {}), type: 'object', properties, ...(required.length ? {required} : {})};
	return name;
}

const roots = {};
for (const [group, version, kind] of ROOTS) {
	const name = await define(`V1${kind}`);
	roots[`${group}/${version}/${kind}`] = name;
	definitions[name]['x-kubernetes-group-version-kind'] = [{group, version, kind}];
}

const out = path.join(root, 'src', 'practice', 'api', 'k8s-openapi.json');
writeFileSync(
	out,
	JSON.stringify({
		source: `@kubernetes/client-node ${clientVersion} dist/gen/models (Kubernetes OpenAPI spec ${specVersion}), by scripts/gen-k8s-schemas.mjs`,
		roots,
		definitions,
	}) + '\n',
);
console.log(`${out}: ${Object.keys(definitions).length} definitions`);
