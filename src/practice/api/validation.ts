// Validation as the API server does it: object names, a few built-in rules, CRD openAPIV3Schema.
import type {KubeObject} from '../types.js';
import type {JsonSchema, ResourceType} from './registry.js';

export interface FieldCause {
	reason: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueTooLong' | 'FieldValueDuplicate' | 'FieldValueForbidden' | 'FieldValueTypeInvalid';
	field: string;
	message: string;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function invalid(field: string, value: unknown, detail: string): FieldCause {
	return {reason: 'FieldValueInvalid', field, message: `Invalid value: ${goValue(value)}: ${detail}`};
}

export function required(field: string, detail?: string): FieldCause {
	return {reason: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value'};
}

/** How Go's validation prints a value: strings quoted, numbers bare, objects as "object". */
function goValue(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (value === null || value === undefined) return 'null';
	return Array.isArray(value) ? '"array"' : '"object"';
}

export function nameCauses(name: string, rule: 'subdomain' | 'label' | 'dns1035' | 'path', field = 'metadata.name'): FieldCause[] {
	if (rule === 'path') {
		if (name === '.' || name === '..') return [invalid(field, name, `may not be '${name}'`)];
		if (name.includes('/') || name.includes('%')) return [invalid(field, name, `may not contain '${name.includes('/') ? '/' : '%'}'`)];
		return [];
	}
	if (rule === 'subdomain') {
		if (name.length > 253) return [invalid(field, name, 'must be no more than 253 characters')];
		if (!DNS1123_SUBDOMAIN.test(name)) {
			return [invalid(field, name, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")];
		}
		return [];
	}
	if (name.length > 63) return [invalid(field, name, 'must be no more than 63 characters')];
	if (rule === 'dns1035' && !DNS1035_LABEL.test(name)) {
		return [invalid(field, name, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")];
	}
	if (rule === 'label' && !DNS1123_LABEL.test(name)) {
		return [invalid(field, name, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")];
	}
	return [];
}

const NAME_RULES: Record<string, 'subdomain' | 'label' | 'dns1035' | 'path'> = {
	Namespace: 'label',
	Service: 'dns1035',
	ClusterRole: 'path',
	ClusterRoleBinding: 'path',
	Role: 'path',
	RoleBinding: 'path',
	Event: 'subdomain',
};

const LABEL_KEY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function labelCauses(labels: unknown): FieldCause[] {
	if (labels === undefined || labels === null) return [];
	if (typeof labels !== 'object' || Array.isArray(labels)) return [invalid('metadata.labels', labels, 'must be a map of strings')];
	const causes: FieldCause[] = [];
	for (const [key, value] of Object.entries(labels)) {
		const [prefix, name] = key.includes('/') ? [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)] : [undefined, key];
		if (!LABEL_KEY_NAME.test(name) || name.length > 63 || (prefix !== undefined && !DNS1123_SUBDOMAIN.test(prefix))) {
			causes.push(invalid('metadata.labels', key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
		}
		if (typeof value !== 'string' || !LABEL_VALUE.test(value) || value.length > 63) {
			causes.push(invalid('metadata.labels', value, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
		}
	}
	return causes;
}

/** The checks every object gets: name, namespace, labels, and a few rules of the built-in kinds. */
export function validateObject(object: KubeObject, type: ResourceType): FieldCause[] {
	const causes: FieldCause[] = [];
	const name = object.metadata.name;
	if (!name) causes.push(required('metadata.name', 'name or generateName is required'));
	else causes.push(...nameCauses(name, NAME_RULES[type.kind] ?? 'subdomain'));
	if (type.namespaced && object.metadata.namespace) causes.push(...nameCauses(object.metadata.namespace, 'label', 'metadata.namespace'));
	causes.push(...labelCauses(object.metadata.labels));
	if (object.metadata.annotations !== undefined && (typeof object.metadata.annotations !== 'object' || object.metadata.annotations === null)) {
		causes.push(invalid('metadata.annotations', object.metadata.annotations, 'must be a map of strings'));
	}
	causes.push(...(KIND_RULES[`${type.group}/${type.kind}`]?.(object) ?? []));
	return causes;
}

function containerCauses(containers: unknown, field: string): FieldCause[] {
	if (!Array.isArray(containers) || containers.length === 0) return [required(field)];
	const causes: FieldCause[] = [];
	const seen = new Set<string>();
	containers.forEach((container: {name?: unknown; image?: unknown}, index) => {
		const at = `${field}[${index}]`;
		if (typeof container?.name !== 'string' || container.name === '') causes.push(required(`${at}.name`));
		else {
			causes.push(...nameCauses(container.name, 'label', `${at}.name`));
			if (seen.has(container.name)) causes.push({reason: 'FieldValueDuplicate', field: `${at}.name`, message: `Duplicate value: ${JSON.stringify(container.name)}`});
			seen.add(container.name);
		}
		if (typeof container?.image !== 'string' || container.image.trim() === '') causes.push(required(`${at}.image`));
	});
	return causes;
}

function selectorMatchesTemplate(object: KubeObject, causes: FieldCause[]): void {
	const spec = object.spec as {selector?: {matchLabels?: Record<string, string>}; template?: {metadata?: {labels?: Record<string, string>}; spec?: {containers?: unknown}}} | undefined;
	if (!spec?.selector) {
		causes.push(required('spec.selector'));
		return;
	}
	const labels = spec.template?.metadata?.labels ?? {};
	const mismatch = Object.entries(spec.selector.matchLabels ?? {}).some(([key, value]) => labels[key] !== value);
	if (mismatch) causes.push(invalid('spec.template.metadata.labels', `map[string]string${JSON.stringify(labels)}`, '`selector` does not match template `labels`'));
	causes.push(...containerCauses(spec.template?.spec?.containers, 'spec.template.spec.containers'));
}

const KIND_RULES: Record<string, (object: KubeObject) => FieldCause[]> = {
	'/Pod': (object) => containerCauses((object.spec as {containers?: unknown} | undefined)?.containers, 'spec.containers'),
	'apps/Deployment': (object) => {
		const causes: FieldCause[] = [];
		selectorMatchesTemplate(object, causes);
		const replicas = (object.spec as {replicas?: unknown} | undefined)?.replicas;
		if (replicas !== undefined && (typeof replicas !== 'number' || replicas < 0)) causes.push(invalid('spec.replicas', replicas, 'must be greater than or equal to 0'));
		return causes;
	},
	'apps/DaemonSet': (object) => {
		const causes: FieldCause[] = [];
		selectorMatchesTemplate(object, causes);
		return causes;
	},
	'apps/ReplicaSet': (object) => {
		const causes: FieldCause[] = [];
		selectorMatchesTemplate(object, causes);
		return causes;
	},
	'/Service': (object) => {
		const spec = object.spec as {ports?: Array<{port?: unknown; name?: string}>; type?: string} | undefined;
		const causes: FieldCause[] = [];
		const type = spec?.type ?? 'ClusterIP';
		if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type)) {
			causes.push({reason: 'FieldValueNotSupported', field: 'spec.type', message: `Unsupported value: "${type}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`});
		}
		if (type !== 'ExternalName' && (!Array.isArray(spec?.ports) || spec.ports.length === 0) && (spec as {clusterIP?: string} | undefined)?.clusterIP !== 'None') causes.push(required('spec.ports'));
		(spec?.ports ?? []).forEach((port, index) => {
			if (typeof port?.port !== 'number' || port.port < 1 || port.port > 65535) causes.push(invalid(`spec.ports[${index}].port`, port?.port, 'must be between 1 and 65535, inclusive'));
		});
		return causes;
	},
	'/ConfigMap': (object) => {
		const data = object.data as Record<string, unknown> | undefined;
		return Object.entries(data ?? {})
			.filter(([, value]) => typeof value !== 'string')
			.map(([key, value]) => invalid(`data[${key}]`, value, 'must be a string'));
	},
	'apiextensions.k8s.io/CustomResourceDefinition': (object) => {
		const spec = object.spec as {group?: string; names?: {plural?: string; kind?: string}; scope?: string; versions?: Array<{name?: string; storage?: boolean}>} | undefined;
		const causes: FieldCause[] = [];
		if (!spec?.group) causes.push(required('spec.group'));
		if (!spec?.names?.plural) causes.push(required('spec.names.plural'));
		if (!spec?.names?.kind) causes.push(required('spec.names.kind'));
		if (spec?.scope !== 'Namespaced' && spec?.scope !== 'Cluster') {
			causes.push({reason: 'FieldValueNotSupported', field: 'spec.scope', message: `Unsupported value: ${JSON.stringify(spec?.scope ?? '')}: supported values: "Cluster", "Namespaced"`});
		}
		if (!Array.isArray(spec?.versions) || spec.versions.length === 0) causes.push(required('spec.versions'));
		else if (spec.versions.filter((version) => version.storage).length !== 1) causes.push(invalid('spec.versions', 'array', 'must have exactly one version marked as storage version'));
		if (spec?.group && spec.names?.plural && object.metadata.name !== `${spec.names.plural}.${spec.group}`) {
			causes.push(invalid('metadata.name', object.metadata.name, 'must be spec.names.plural+"."+spec.group'));
		}
		return causes;
	},
};

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Validates a value against a CRD's structural schema; `unknown` collects fields the schema does not declare. */
export function validateSchema(value: unknown, schema: JsonSchema, path: string, causes: FieldCause[], unknown: string[]): void {
	if (value === null) {
		if (!schema.nullable && schema.type) causes.push({reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: "null": ${path} in body must be of type ${schema.type}: "null"`});
		return;
	}
	if (schema['x-kubernetes-int-or-string']) {
		if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
			causes.push({reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: ${goValue(value)}: ${path} in body must be of type int-or-string: ${JSON.stringify(jsonType(value))}`});
		}
		return;
	}
	const actual = jsonType(value);
	if (schema.type && !typeMatches(schema.type, value)) {
		// kube-openapi errors.InvalidType carries the value's type name as its Value (apiextensions validation.go field.TypeInvalid).
		causes.push({reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: ${JSON.stringify(actual)}: ${path} in body must be of type ${schema.type}: ${JSON.stringify(actual)}`});
		return;
	}
	if (schema.enum && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
		causes.push({reason: 'FieldValueNotSupported', field: path, message: `Unsupported value: ${goValue(value)}: supported values: ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}`});
	}
	if (typeof value === 'string') {
		if (schema.pattern && !safeRegExp(schema.pattern)?.test(value)) causes.push(invalid(path, value, `${path} in body should match '${schema.pattern}'`));
		if (schema.maxLength !== undefined && value.length > schema.maxLength) causes.push({reason: 'FieldValueTooLong', field: path, message: `Too long: may not be longer than ${schema.maxLength}`});
		if (schema.minLength !== undefined && value.length < schema.minLength) causes.push(invalid(path, value, `${path} in body should be at least ${schema.minLength} chars long`));
	}
	if (typeof value === 'number') {
		if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
			causes.push(invalid(path, value, `${path} in body should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`));
		}
		if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
			causes.push(invalid(path, value, `${path} in body should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`));
		}
	}
	if (Array.isArray(value)) {
		if (schema.maxItems !== undefined && value.length > schema.maxItems) causes.push({reason: 'FieldValueTooLong', field: path, message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`});
		if (schema.minItems !== undefined && value.length < schema.minItems) causes.push(invalid(path, value, `${path} in body should have at least ${schema.minItems} items`));
		if (schema.items) value.forEach((item, index) => validateSchema(item, schema.items!, `${path}[${index}]`, causes, unknown));
	} else if (actual === 'object') {
		const record = value as Record<string, unknown>;
		for (const key of schema.required ?? []) {
			if (record[key] === undefined) causes.push(required(join(path, key)));
		}
		const count = Object.keys(record).length;
		if (schema.minProperties !== undefined && count < schema.minProperties) causes.push(invalid(path, value, `${path} in body should have at least ${schema.minProperties} properties`));
		if (schema.maxProperties !== undefined && count > schema.maxProperties) causes.push(invalid(path, value, `${path} in body should have at most ${schema.maxProperties} properties`));
		for (const [key, child] of Object.entries(record)) {
			const childSchema = schema.properties?.[key];
			if (childSchema) validateSchema(child, childSchema, join(path, key), causes, unknown);
			else if (typeof schema.additionalProperties === 'object') validateSchema(child, schema.additionalProperties, `${path}[${key}]`, causes, unknown);
			else if (schema.properties && !schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties !== true) unknown.push(join(path, key));
		}
	}
	// kube-openapi validate (schema_props.go) wording: oneOf with the count found, then the causes of the alternative
	// that came closest when none passed; anyOf alone.
	for (const [keyword, options] of [['oneOf', schema.oneOf], ['anyOf', schema.anyOf]] as const) {
		if (!options) continue;
		let passing = 0;
		let closest: FieldCause[] | undefined;
		for (const option of options) {
			const inner: FieldCause[] = [];
			validateSchema(value, option, path, inner, []);
			if (inner.length === 0) passing++;
			else if (!closest || inner.length < closest.length) closest = inner;
		}
		if (keyword === 'oneOf' && passing !== 1) {
			causes.push(invalid(path, value, `${path} in body must validate one and only one schema (oneOf). ${passing === 0 ? 'Found none valid' : `Found ${passing} valid alternatives`}`));
			if (passing === 0 && closest) causes.push(...closest);
		}
		if (keyword === 'anyOf' && passing === 0) causes.push(invalid(path, value, `${path} in body must validate at least one schema (anyOf)`));
	}
	for (const option of schema.allOf ?? []) validateSchema(value, option, path, causes, []);
	if (schema.not) {
		const inner: FieldCause[] = [];
		validateSchema(value, schema.not, path, inner, []);
		if (inner.length === 0) causes.push(invalid(path, value, `${path} in body must not match the schema in not`));
	}
}

/** Removes fields a structural schema does not declare, as the API server prunes them. */
export function pruneUnknown(value: unknown, schema: JsonSchema): unknown {
	if (schema['x-kubernetes-preserve-unknown-fields'] || value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return schema.items ? value.map((item) => pruneUnknown(item, schema.items!)) : value;
	const record = value as Record<string, unknown>;
	const result: Record<string, unknown> = {};
	for (const [key, child] of Object.entries(record)) {
		const childSchema = schema.properties?.[key];
		if (childSchema) result[key] = pruneUnknown(child, childSchema);
		else if (typeof schema.additionalProperties === 'object') result[key] = pruneUnknown(child, schema.additionalProperties);
		else if (!schema.properties || schema.additionalProperties === true) result[key] = child;
	}
	return result;
}

function jsonType(value: unknown): string {
	if (Array.isArray(value)) return 'array';
	if (value === null) return 'null';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value;
}

function typeMatches(type: string, value: unknown): boolean {
	switch (type) {
		case 'object':
			return typeof value === 'object' && value !== null && !Array.isArray(value);
		case 'array':
			return Array.isArray(value);
		case 'string':
			return typeof value === 'string';
		case 'integer':
			return typeof value === 'number' && Number.isInteger(value);
		case 'number':
			return typeof value === 'number';
		case 'boolean':
			return typeof value === 'boolean';
		default:
			return true;
	}
}

const regexCache = new Map<string, RegExp | undefined>();
function safeRegExp(pattern: string): RegExp | undefined {
	if (!regexCache.has(pattern)) {
		try {
			// The apiserver's patterns are Go (RE2) syntax: a one-letter Unicode class is written `\PC` there, `\P{C}` here.
			regexCache.set(pattern, new RegExp(pattern.replace(/(?<!\\)((?:\\\\)*)\\([pP])([A-Z])/g, '$1\\$2{$3}'), 'u'));
		} catch {
			try {
				regexCache.set(pattern, new RegExp(pattern));
			} catch {
				regexCache.set(pattern, undefined);
			}
		}
	}
	return regexCache.get(pattern);
}

/** The message of a 422: `Pod "x" is invalid: metadata.name: Invalid value: …` (several causes go in brackets). */
export function invalidMessage(kindName: string, name: string, causes: FieldCause[]): string {
	const parts = causes.map((cause) => `${cause.field}: ${cause.message}`);
	return `${kindName} "${name}" is invalid: ${parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`}`;
}
