// The patch formats the API accepts: JSON merge (RFC 7386), JSON patch (RFC 6902), and strategic merge
// as kubectl apply sends it (lists merged by key, $patch, $setElementOrder, $retainKeys, $deleteFromPrimitiveList).
import {StatusError} from '../types.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (value: Json): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Field names that lead to an object's prototype (`__proto__`) or its class (`constructor`, `prototype`) rather
 * than to a field of its own: a patch or body that names one could change every object in the daemon. Refused
 * wherever a request names a field (bodies: 400, see the API's parseBody; patch paths and keys: 422).
 */
export const FORBIDDEN_FIELD_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function refuseField(name: string, where: string): StatusError {
	return new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${where}: the field name "${name}" is not allowed`);
}

/** A field of the object's own, never one it inherits. */
const own = (node: Json, key: string): Json => (isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined);

export function mergePatch(target: Json, patch: Json): Json {
	if (!isObject(patch)) return patch;
	const result: JsonObject = isObject(target) ? {...target} : {};
	for (const [key, value] of Object.entries(patch)) {
		if (FORBIDDEN_FIELD_NAMES.has(key)) throw refuseField(key, 'merge patch');
		if (value === null) delete result[key];
		else result[key] = mergePatch(own(result, key), value);
	}
	return result;
}

function unescapePointer(segment: string): string {
	return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function jsonPatch(target: Json, operations: Json): Json {
	if (!Array.isArray(operations)) throw new StatusError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
	let document = structuredClone(target);
	const parse = (pointer: unknown): string[] => {
		if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/'))) throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: invalid JSON pointer ${JSON.stringify(pointer)}`);
		const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
		const forbidden = segments.find((segment) => FORBIDDEN_FIELD_NAMES.has(segment));
		if (forbidden !== undefined) throw refuseField(forbidden, `json patch path ${JSON.stringify(pointer)}`);
		return segments;
	};
	const parentOf = (segments: string[], op: string): {parent: JsonObject | Json[]; key: string} => {
		let node: Json = document;
		for (const segment of segments.slice(0, -1)) {
			node = Array.isArray(node) ? node[Number(segment)] : own(node, segment);
			if (node === undefined) throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${segments.join('/')}": missing value`);
		}
		if (!isObject(node) && !Array.isArray(node)) throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${segments.join('/')}"`);
		return {parent: node, key: segments[segments.length - 1]!};
	};
	const read = (segments: string[], op: string): Json => {
		let node: Json = document;
		for (const segment of segments) {
			node = Array.isArray(node) ? node[Number(segment)] : own(node, segment);
			if (node === undefined) throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${segments.join('/')}": missing value`);
		}
		return node;
	};
	const remove = (segments: string[], op: string): Json => {
		const value = read(segments, op);
		const {parent, key} = parentOf(segments, op);
		if (Array.isArray(parent)) parent.splice(Number(key), 1);
		else delete parent[key];
		return value;
	};
	const add = (segments: string[], value: Json, op: string, replace: boolean) => {
		if (segments.length === 0) {
			document = value;
			return;
		}
		const {parent, key} = parentOf(segments, op);
		if (Array.isArray(parent)) {
			const index = key === '-' ? parent.length : Number(key);
			if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${op} operation does not apply: index out of bounds`);
			if (replace) parent[index] = value;
			else parent.splice(index, 0, value);
		} else {
			if (replace && !Object.hasOwn(parent, key)) throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: /${segments.join('/')}: missing value`);
			parent[key] = value;
		}
	};
	for (const operation of operations as Array<{op?: string; path?: string; from?: string; value?: Json}>) {
		const op = operation?.op;
		const path = parse(operation?.path);
		switch (op) {
			case 'add':
				add(path, structuredClone(operation.value), op, false);
				break;
			case 'replace':
				add(path, structuredClone(operation.value), op, true);
				break;
			case 'remove':
				remove(path, op);
				break;
			case 'move':
				add(path, remove(parse(operation.from), op), op, false);
				break;
			case 'copy':
				add(path, structuredClone(read(parse(operation.from), op)), op, false);
				break;
			case 'test':
				if (JSON.stringify(read(path, op)) !== JSON.stringify(operation.value)) throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value /${path.join('/')} failed: test failed`);
				break;
			default:
				throw new StatusError(400, 'BadRequest', `the server rejected our request due to an error in our request: Unexpected kind: ${String(op)}`);
		}
	}
	return document;
}

/** Merge keys of the built-in types' lists, by field name (ports depends on where it is). */
function mergeKeyOf(field: string, items: Json[]): string | undefined {
	switch (field) {
		case 'containers':
		case 'initContainers':
		case 'ephemeralContainers':
		case 'env':
		case 'volumes':
		case 'imagePullSecrets':
		case 'hostAliases':
			return field === 'hostAliases' ? 'ip' : 'name';
		case 'volumeMounts':
			return 'mountPath';
		case 'volumeDevices':
			return 'devicePath';
		case 'conditions':
			return 'type';
		case 'ownerReferences':
			return 'uid';
		case 'ports':
			return items.some((item) => isObject(item) && 'containerPort' in item) ? 'containerPort' : 'port';
		case 'topologySpreadConstraints':
			return 'topologyKey';
		default:
			return undefined;
	}
}

/** Primitive lists that merge (patchStrategy: merge) rather than replace. */
const MERGING_PRIMITIVE_LISTS = new Set(['finalizers']);

export function strategicMergePatch(target: Json, patch: Json): Json {
	if (!isObject(patch)) return patch;
	if (patch.$patch === 'replace') {
		const {$patch: _patch, ...rest} = patch;
		return stripDirectives(rest);
	}
	if (patch.$patch === 'delete') return undefined;
	const result: JsonObject = isObject(target) ? {...target} : {};
	const retainKeys = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
	for (const [key, value] of Object.entries(patch)) {
		if (FORBIDDEN_FIELD_NAMES.has(key)) throw refuseField(key, 'strategic merge patch');
		if (key === '$patch' || key === '$retainKeys') continue;
		if (key.startsWith('$setElementOrder/')) continue;
		if (key.startsWith('$deleteFromPrimitiveList/')) {
			const field = key.slice('$deleteFromPrimitiveList/'.length);
			if (Array.isArray(result[field]) && Array.isArray(value)) result[field] = (result[field] as Json[]).filter((item) => !value.includes(item));
			continue;
		}
		if (value === null) {
			delete result[key];
			continue;
		}
		if (Array.isArray(value)) {
			result[key] = mergeList(key, own(result, key), value, patch[`$setElementOrder/${key}`]);
			continue;
		}
		if (isObject(value)) {
			const merged = strategicMergePatch(own(result, key), value);
			if (merged === undefined) delete result[key];
			else result[key] = merged;
			continue;
		}
		result[key] = value;
	}
	for (const key of Object.keys(patch)) {
		if (!key.startsWith('$setElementOrder/')) continue;
		const field = key.slice('$setElementOrder/'.length);
		if (!(field in patch) && Array.isArray(result[field])) result[field] = reorder(field, result[field] as Json[], patch[key]);
	}
	if (retainKeys) for (const key of Object.keys(result)) if (!retainKeys.includes(key)) delete result[key];
	return result;
}

function mergeList(field: string, current: Json, patch: Json[], order: Json): Json[] {
	const existing = Array.isArray(current) ? current : [];
	if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
		return patch.filter((item) => !(isObject(item) && item.$patch === 'replace')).map(stripDirectives);
	}
	const key = mergeKeyOf(field, [...existing, ...patch]);
	if (!key) {
		if (MERGING_PRIMITIVE_LISTS.has(field)) return [...existing, ...patch.filter((item) => !existing.includes(item))];
		return patch.map(stripDirectives);
	}
	const result = [...existing];
	for (const item of patch) {
		if (!isObject(item)) continue;
		const index = result.findIndex((candidate) => isObject(candidate) && candidate[key] === item[key]);
		if (item.$patch === 'delete') {
			if (index >= 0) result.splice(index, 1);
			continue;
		}
		if (index >= 0) result[index] = strategicMergePatch(result[index], item);
		else result.push(stripDirectives(item));
	}
	return reorder(field, result, order, key);
}

function reorder(field: string, items: Json[], order: Json, knownKey?: string): Json[] {
	if (!Array.isArray(order)) return items;
	const key = knownKey ?? mergeKeyOf(field, items);
	if (!key) return items;
	const rank = new Map(order.map((entry, index) => [isObject(entry) ? entry[key] : entry, index]));
	return [...items].sort((a, b) => (rank.get(isObject(a) ? a[key] : a) ?? Infinity) - (rank.get(isObject(b) ? b[key] : b) ?? Infinity));
}

function stripDirectives(value: Json): Json {
	if (Array.isArray(value)) return value.map(stripDirectives);
	if (!isObject(value)) return value;
	const result: JsonObject = {};
	for (const [key, child] of Object.entries(value)) {
		if (key.startsWith('$')) continue;
		result[key] = stripDirectives(child);
	}
	return result;
}

/**
 * Server-side apply, simplified: the applied configuration is merged into the live object
 * field by field (lists of the built-in kinds merged by key). Field ownership is not tracked.
 */
export function serverSideApply(live: Json, applied: Json): Json {
	return strategicMergePatch(live, applied);
}
