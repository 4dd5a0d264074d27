// Reads a request body in Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf) into the JSON
// object the API already handles. kubectl 1.32.5+ sends the objects of its typed `create` subcommands this way
// and does not retry with JSON when the server answers 415.
//
// The envelope: the 4 bytes "k8s\0", then a runtime.Unknown {typeMeta, raw, contentEncoding, contentType};
// `raw` is the object's own message. Go writes every non-pointer field, empty or not, so an empty string,
// a zero number or false reads back as unset, the way Go's JSON encoder (omitempty) leaves it out; pointer
// fields (marked in the schema) are written only when set and keep their zero value.
import protobuf from 'protobufjs';
import {StatusError} from '../../types.js';
import {KUBERNETES_PROTO, MESSAGE_OF_KIND} from './kubernetes.proto.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};

let root: protobuf.Root | undefined;
function schema(): protobuf.Root {
	if (!root) {
		root = protobuf.parse(KUBERNETES_PROTO, {keepCase: true}).root;
		root.resolveAll();
	}
	return root;
}

const messageType = (name: string) => schema().lookupType(`k8s.${name}`);

function unreadable(message: string): StatusError {
	return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in the protobuf encoding and ${message}; send it as application/json (for example \`kubectl create -f\` with a manifest)`);
}

function badBody(message: string): StatusError {
	return new StatusError(400, 'BadRequest', `the protobuf body of the request could not be read: ${message}`);
}

/**
 * Fields the schema does not list, as dotted paths: the decoder skips unknown fields silently, so they are
 * found by walking the wire format first, and the body is refused rather than stored without them.
 */
export function unknownFields(type: protobuf.Type, bytes: Uint8Array, path = ''): string[] {
	const reader = protobuf.Reader.create(bytes);
	const found: string[] = [];
	while (reader.pos < reader.len) {
		const tag = reader.uint32();
		const id = tag >>> 3;
		const wireType = tag & 7;
		const field = type.fieldsById[id];
		if (!field) {
			found.push(`${path}${path ? '.' : ''}<field ${id} of ${type.name}>`);
			reader.skipType(wireType);
			continue;
		}
		const where = `${path}${path ? '.' : ''}${field.name}`;
		field.resolve();
		const valueType = field.resolvedType;
		if (wireType !== 2 || !(valueType instanceof protobuf.Type)) {
			reader.skipType(wireType);
			continue;
		}
		const nested = reader.bytes();
		if (field.map) {
			// A map entry: key = 1, value = 2.
			const entry = protobuf.Reader.create(nested);
			while (entry.pos < entry.len) {
				const entryTag = entry.uint32();
				if (entryTag >>> 3 === 2 && (entryTag & 7) === 2) found.push(...unknownFields(valueType, entry.bytes(), `${where}[]`));
				else entry.skipType(entryTag & 7);
			}
		} else found.push(...unknownFields(valueType, nested, field.repeated ? `${where}[]` : where));
	}
	return found;
}

// int64 fields decode to a Long when the optional 'long' package is present, to a number otherwise.
const isLong = (value: unknown): value is {toNumber(): number} => typeof value === 'object' && value !== null && typeof (value as {toNumber?: unknown}).toNumber === 'function';
const toNumber = (value: unknown) => (isLong(value) ? value.toNumber() : (value as number));
const isZero = (value: unknown) => value === '' || value === false || toNumber(value) === 0;

function timeToJson(time: protobuf.Message & {seconds?: unknown}): string | undefined {
	const seconds = toNumber(time.seconds ?? 0);
	if (!seconds) return undefined;
	return new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** One value of a field as Go's JSON encoder writes it; undefined where it leaves the field out. */
function valueToJson(field: protobuf.Field, value: unknown, pointer: boolean): Json | undefined {
	const valueType = field.resolvedType;
	if (valueType instanceof protobuf.Type) {
		const message = value as protobuf.Message & Record<string, unknown>;
		switch (valueType.name) {
			case 'Time':
				return timeToJson(message);
			case 'Quantity':
				return String(message.string ?? '');
			case 'FieldsV1': {
				const raw = message.Raw as Uint8Array | undefined;
				if (!raw?.length) return undefined;
				try {
					return JSON.parse(Buffer.from(raw).toString('utf8')) as Json;
				} catch {
					throw badBody(`${field.name}: FieldsV1 is not JSON`);
				}
			}
			case 'IntOrString': {
				const text = toNumber(message.type ?? 0) === 1;
				const result = text ? String(message.strVal ?? '') : toNumber(message.intVal ?? 0);
				return !pointer && isZero(result) ? undefined : result;
			}
			default:
				return messageToJson(valueType, message);
		}
	}
	if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
	if (!pointer && isZero(value)) return undefined;
	return isLong(value) ? toNumber(value) : (value as Json);
}

function messageToJson(type: protobuf.Type, message: protobuf.Message & Record<string, unknown>): {[key: string]: Json} {
	const result: {[key: string]: Json} = {};
	for (const field of type.fieldsArray) {
		if (!Object.prototype.hasOwnProperty.call(message, field.name)) continue;
		const value = message[field.name];
		const pointer = field.options?.['(go_pointer)'] === true;
		if (field.map) {
			const entries = Object.entries((value ?? {}) as Record<string, unknown>);
			if (entries.length === 0) continue;
			const map: {[key: string]: Json} = {};
			for (const [key, entry] of entries) map[key] = valueToJson(field, entry, true) ?? '';
			result[field.name] = map;
		} else if (field.repeated) {
			const items = (value ?? []) as unknown[];
			if (items.length === 0) continue;
			result[field.name] = items.map((item) => valueToJson(field, item, true) ?? null);
		} else {
			const json = valueToJson(field, value, pointer);
			if (json !== undefined && field.options?.['(go_inline)'] === true && typeof json === 'object' && json !== null && !Array.isArray(json)) Object.assign(result, json);
			else if (json !== undefined) result[field.name] = json;
		}
	}
	return result;
}

/** Decodes one message (without the envelope) of a schema type to its JSON form. */
export function decodeMessage(typeName: string, bytes: Uint8Array): {[key: string]: Json} {
	const type = messageType(typeName);
	const unknown = unknownFields(type, bytes);
	if (unknown.length) throw unreadable(`${typeName} carries fields the practice cluster does not read (${unknown.slice(0, 5).join(', ')})`);
	let message: protobuf.Message;
	try {
		message = type.decode(bytes);
	} catch (error) {
		throw badBody(`${typeName}: ${(error as Error).message}`);
	}
	return messageToJson(type, message as protobuf.Message & Record<string, unknown>);
}

/** The envelope's content: apiVersion, kind and the object's bytes. */
export function readEnvelope(body: Buffer): {apiVersion: string; kind: string; raw: Uint8Array} {
	if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) throw badBody('it does not start with the "k8s\\x00" prefix');
	let unknown: protobuf.Message & {typeMeta?: {apiVersion?: string; kind?: string}; raw?: Uint8Array; contentEncoding?: string; contentType?: string};
	try {
		unknown = messageType('Unknown').decode(body.subarray(MAGIC.length)) as typeof unknown;
	} catch (error) {
		throw badBody((error as Error).message);
	}
	if (unknown.contentEncoding) throw unreadable(`its content encoding "${unknown.contentEncoding}" is not supported`);
	if (unknown.contentType && unknown.contentType !== PROTOBUF_MEDIA_TYPE) throw unreadable(`its content type "${unknown.contentType}" is not supported`);
	return {apiVersion: unknown.typeMeta?.apiVersion ?? '', kind: unknown.typeMeta?.kind ?? '', raw: unknown.raw ?? new Uint8Array()};
}

/** A whole request body: the JSON object with apiVersion and kind, as a JSON client would have sent it. */
export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
	const {apiVersion, kind, raw} = readEnvelope(body);
	const typeName = MESSAGE_OF_KIND[`${apiVersion}/${kind}`];
	if (!typeName) throw unreadable(`the practice cluster does not read ${kind || 'an object without a kind'} (${apiVersion || 'no apiVersion'}) in it`);
	return {apiVersion, kind, ...decodeMessage(typeName, raw)};
}
