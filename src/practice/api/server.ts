// The Kubernetes API over HTTP(S): routing, authentication, CRUD, patch, watch, Tables and Status errors.
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';
import {tokenMatches} from './auth.js';
import YAML from 'yaml';
import {StatusError, type KubeObject, type PracticeContext} from '../types.js';
import {aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, KUBERNETES_VERSION, openApiV2, openApiV3Document, openApiV3Index, versionInfo} from './discovery.js';
import {CLUSTER_SECTION} from '../daemon/cluster.js';
import {FORBIDDEN_FIELD_NAMES, jsonPatch, mergePatch, serverSideApply, strategicMergePatch} from './patch.js';
import {apiVersionOf, qualifiedResource, type ResourceType} from './registry.js';
import {parseFieldSelector, parseLabelSelectorOrBadRequest} from './selectors.js';
import type {ChangeRecord, PracticeStore, WriteOptions} from './store.js';
import {buildTable, type IncludeObject} from './tables.js';
import {decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE} from './protobuf/decode.js';
import {metricsAvailable, nodeMetrics, podMetrics} from './metrics.js';
import {OPENAPI_V2_PROTOBUF_CONTENT_TYPE, openApiV2Protobuf, wantsOpenApiV2Protobuf} from './protobuf/openapi-v2.js';
import {handlePodAttach, handlePodExec, handlePodLog, handlePodPortForward, respondUpgradeRequired} from './streams/index.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** No Kubernetes object nests anywhere near this deep; deeper input only serves to exhaust the stack of what handles it. */
export const MAX_NESTING_DEPTH = 1000;

/**
 * Refuses (400) a parsed body nested deeper than MAX_NESTING_DEPTH, or naming a field `__proto__`, `constructor` or
 * `prototype` (see FORBIDDEN_FIELD_NAMES). Iterative: the check itself cannot run out of stack.
 */
export function refuseHostileBody(value: unknown, format: 'json' | 'yaml'): void {
	const stack: Array<{node: unknown; depth: number}> = [{node: value, depth: 1}];
	while (stack.length > 0) {
		const {node, depth} = stack.pop()!;
		if (typeof node !== 'object' || node === null) continue;
		if (depth > MAX_NESTING_DEPTH) {
			throw new StatusError(400, 'BadRequest', format === 'json' ? `couldn't get version/kind; json parse error: exceeded max depth of ${MAX_NESTING_DEPTH}` : `error converting YAML to JSON: yaml: exceeded max depth of ${MAX_NESTING_DEPTH}`);
		}
		if (Array.isArray(node)) {
			for (const item of node) stack.push({node: item, depth: depth + 1});
			continue;
		}
		for (const key of Object.keys(node)) {
			if (FORBIDDEN_FIELD_NAMES.has(key)) throw new StatusError(400, 'BadRequest', `the body of the request names the field "${key}", which is not allowed`);
			stack.push({node: (node as Record<string, unknown>)[key], depth: depth + 1});
		}
	}
}

export interface ApiServerOptions {
	store: PracticeStore;
	/** Required bearer token; requests without it get 401 (health and version endpoints excepted). */
	token: string;
	/** The context handed to stream subresources (exec, logs, port-forward). */
	context: PracticeContext;
	now?: () => number;
	log?: (line: string) => void;
	/** host:port for /api's serverAddressByClientCIDRs. */
	serverAddress?: () => string;
}

export interface ApiHandler {
	handleRequest(req: IncomingMessage, res: ServerResponse): void;
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
	/** Ends open watches (on shutdown or when the cluster is removed). */
	closeWatches(): void;
}

interface Route {
	group: string;
	version: string;
	type: ResourceType;
	namespace?: string;
	name?: string;
	subresource?: string;
}

export function statusBody(code: number, reason: string, message: string, details?: StatusError['details']): Record<string, unknown> {
	return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? {details} : {}), code};
}

function successStatus(details?: object): Record<string, unknown> {
	return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? {details} : {})};
}

function send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', warnings: string[] = []): void {
	if (res.headersSent) {
		res.end();
		return;
	}
	const text = JSON.stringify(body);
	const headers: Record<string, string | string[]> = {'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Content-Length': String(Buffer.byteLength(text))};
	if (warnings.length) headers.Warning = warnings.map((warning) => `299 - ${JSON.stringify(warning)}`);
	res.writeHead(code, headers);
	res.end(text);
}

function sendError(res: ServerResponse, error: StatusError): void {
	send(res, error.code, statusBody(error.code, error.reason, error.message, error.details));
}

const PUBLIC_PATHS = new Set(['/version', '/version/', '/healthz', '/livez', '/readyz']);

export {tokenMatches};

/** Reads the body up to MAX_BODY_BYTES; throws 413 beyond. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
	const declared = Number(req.headers['content-length'] ?? 0);
	const tooLarge = () => new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
	if (declared > limit) throw tooLarge();
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > limit) throw tooLarge();
		chunks.push(chunk);
	}
	return Buffer.concat(chunks);
}

function mediaType(req: IncomingMessage): string {
	return String(req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

function parseBody(buffer: Buffer, type: string, what = 'object'): unknown {
	// kubectl 1.32.5+ sends its typed creates as protobuf and does not fall back to JSON on a 415.
	if (type === PROTOBUF_MEDIA_TYPE) return decodeKubernetesProtobuf(buffer);
	if (type !== 'json' && type !== 'yaml' && !/^application\/([\w.+-]*\+)?(json|yaml)$/.test(type)) {
		throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
	}
	const text = buffer.toString('utf8');
	if (text.trim() === '') throw new StatusError(400, 'BadRequest', `the body of the request was empty: expected a ${what}`);
	if (type.endsWith('yaml')) {
		try {
			const documents = YAML.parseAllDocuments(text);
			const first = documents[0];
			if (!first || first.errors.length) throw first?.errors[0] ?? new Error('empty document');
			const value: unknown = first.toJS();
			refuseHostileBody(value, 'yaml');
			return value;
		} catch (error) {
			if (error instanceof StatusError) throw error;
			// The YAML library recurses: a deep enough document runs it out of stack before the depth check can run.
			if (error instanceof RangeError) throw new StatusError(400, 'BadRequest', `error converting YAML to JSON: yaml: exceeded max depth of ${MAX_NESTING_DEPTH}`);
			throw new StatusError(400, 'BadRequest', `error converting YAML to JSON: yaml: ${(error as Error).message.split('\n')[0]}`);
		}
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		throw new StatusError(400, 'BadRequest', `couldn't get version/kind; json parse error: ${(error as Error).message}`);
	}
	refuseHostileBody(value, 'json');
	return value;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function acceptTable(req: IncomingMessage): boolean {
	return /as=Table/.test(String(req.headers.accept ?? ''));
}

function aggregatedVersion(req: IncomingMessage): 'v2' | 'v2beta1' | undefined {
	const accept = String(req.headers.accept ?? '');
	if (!accept.includes('as=APIGroupDiscoveryList')) return undefined;
	for (const part of accept.split(',')) {
		if (!part.includes('as=APIGroupDiscoveryList')) continue;
		if (/v=v2(;|$|\s)/.test(part)) return 'v2';
		if (/v=v2beta1/.test(part)) return 'v2beta1';
	}
	return undefined;
}

export function createApiHandler(options: ApiServerOptions): ApiHandler {
	const {store, token} = options;
	const now = options.now ?? Date.now;
	const log = options.log ?? (() => {});
	const registry = store.registry;
	const openWatches = new Set<() => void>();

	const notFoundPath = () => new StatusError(404, 'NotFound', 'the server could not find the requested resource');

	function parseRoute(segments: string[]): Route | {discovery: object} | undefined {
		let group: string;
		let version: string;
		let rest: string[];
		if (segments[0] === 'api') {
			if (segments.length === 1) return undefined;
			group = '';
			version = segments[1]!;
			rest = segments.slice(2);
		} else {
			if (segments.length < 3) {
				if (segments.length === 2) {
					const found = apiGroup(registry, segments[1]!);
					if (found) return {discovery: found};
				}
				throw notFoundPath();
			}
			group = segments[1]!;
			version = segments[2]!;
			rest = segments.slice(3);
		}
		if (rest.length === 0) {
			const list = apiResourceList(registry, group, version);
			if (!list) throw notFoundPath();
			return {discovery: list};
		}
		let namespace: string | undefined;
		if (rest[0] === 'namespaces' && rest.length >= 3 && !(group === '' && ['status', 'finalize'].includes(rest[2]!))) {
			namespace = rest[1];
			rest = rest.slice(2);
		}
		const type = registry.byResource(group, version, rest[0]!);
		if (!type || rest.length > 3) throw notFoundPath();
		if (namespace !== undefined && !type.namespaced) throw notFoundPath();
		return {group, version, type, namespace, name: rest[1], subresource: rest[2]};
	}

	function outputObject(object: KubeObject, type: ResourceType): KubeObject {
		const apiVersion = apiVersionOf(type);
		return object.apiVersion === apiVersion ? object : {...object, apiVersion};
	}

	function includeObjectOf(query: URLSearchParams): IncludeObject {
		const value = query.get('includeObject');
		return value === 'None' || value === 'Object' ? value : 'Metadata';
	}

	function respondObject(req: IncomingMessage, res: ServerResponse, code: number, type: ResourceType, object: KubeObject, query: URLSearchParams, warnings: string[] = []) {
		if (acceptTable(req)) {
			send(res, code, buildTable(type, [outputObject(object, type)], {now: now(), includeObject: includeObjectOf(query), resourceVersion: ''}), 'application/json', warnings);
		} else send(res, code, outputObject(object, type), 'application/json', warnings);
	}

	function listObjects(route: Route, query: URLSearchParams): KubeObject[] {
		return store.listStored(route.type, {
			namespace: route.namespace,
			labelSelector: query.get('labelSelector') ?? undefined,
			fieldSelector: query.get('fieldSelector') ?? undefined,
		});
	}

	function handleList(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams) {
		const all = listObjects(route, query);
		const resourceVersion = String(store.resourceVersion());
		const limit = Number(query.get('limit') ?? 0);
		let start = 0;
		const token = query.get('continue');
		if (token) {
			try {
				const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {start: number};
				start = parsed.start;
				if (!Number.isInteger(start) || start < 0) throw new Error('bad start');
			} catch {
				throw new StatusError(400, 'BadRequest', 'continue key is not valid: illegal base64 data');
			}
		}
		const items = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
		const next = limit > 0 && start + limit < all.length ? Buffer.from(JSON.stringify({start: start + limit})).toString('base64url') : undefined;
		const metadata: Record<string, unknown> = {resourceVersion};
		if (next) {
			metadata.continue = next;
			metadata.remainingItemCount = all.length - start - limit;
		}
		if (acceptTable(req)) {
			send(res, 200, buildTable(route.type, items.map((item) => outputObject(item, route.type)), {now: now(), includeObject: includeObjectOf(query), resourceVersion, continueToken: next}));
			return;
		}
		const apiVersion = apiVersionOf(route.type);
		// Stored objects are frozen and keep their JSON text: a list joins those instead of serializing every item again.
		const head = JSON.stringify({kind: `${route.type.kind}List`, apiVersion, metadata});
		const itemsText = items.map((item) => (item.apiVersion === apiVersion ? store.serialized(item) : JSON.stringify(outputObject(item, route.type)))).join(',');
		const text = `${head.slice(0, -1)},"items":[${itemsText}]}`;
		res.writeHead(200, {'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': String(Buffer.byteLength(text))});
		res.end(text);
	}

	function handleWatch(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams) {
		const labelMatch = parseLabelSelectorOrBadRequest(query.get('labelSelector'));
		const fieldMatch = parseFieldSelector(query.get('fieldSelector'), route.type.kind);
		const matches = (object: KubeObject | undefined) =>
			Boolean(object) &&
			(!route.namespace || !route.type.namespaced || object!.metadata.namespace === route.namespace) &&
			(!route.name || object!.metadata.name === route.name) &&
			labelMatch(object!.metadata.labels) &&
			fieldMatch(object!);
		const table = acceptTable(req);
		const includeObject = includeObjectOf(query);
		let columnsSent = false;
		const encode = (type: string, object: KubeObject) => {
			const value = table && type !== 'BOOKMARK' && type !== 'ERROR' ? buildTable(route.type, [outputObject(object, route.type)], {now: now(), includeObject, resourceVersion: object.metadata.resourceVersion ?? '', withColumns: !columnsSent}) : type === 'ERROR' ? object : outputObject(object, route.type);
			if (table && type !== 'BOOKMARK' && type !== 'ERROR') columnsSent = true;
			return `${JSON.stringify({type, object: value})}\n`;
		};
		const rvParam = query.get('resourceVersion');
		const sendInitial = query.get('sendInitialEvents') === 'true';
		let backlog: Array<{type: string; object: KubeObject}> = [];
		if (!rvParam || rvParam === '0' || sendInitial) {
			for (const object of listObjects(route, query)) if (matches(object)) backlog.push({type: 'ADDED', object});
			if (sendInitial) {
				backlog.push({type: 'BOOKMARK', object: {apiVersion: apiVersionOf(route.type), kind: route.type.kind, metadata: {name: '', resourceVersion: String(store.resourceVersion()), annotations: {'k8s.io/initial-events-end': 'true'}}}});
			}
		} else {
			const since = Number(rvParam);
			const changes = Number.isFinite(since) ? store.changesSince(since) : undefined;
			if (!changes) {
				res.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private'});
				res.end(`${JSON.stringify({type: 'ERROR', object: statusBody(410, 'Expired', `too old resource version: ${rvParam} (${store.resourceVersion()})`)})}\n`);
				return;
			}
			backlog = changes.flatMap((change) => translate(change));
		}

		function translate(change: ChangeRecord): Array<{type: string; object: KubeObject}> {
			if (change.resource.group !== route.type.group || change.resource.kind !== route.type.kind) return [];
			const now_ = matches(change.type === 'DELETED' ? undefined : change.object);
			const before = change.type === 'ADDED' ? false : matches(change.previous ?? change.object);
			if (change.type === 'DELETED') return before || matches(change.object) ? [{type: 'DELETED', object: change.object}] : [];
			if (now_ && before) return [{type: 'MODIFIED', object: change.object}];
			if (now_) return [{type: 'ADDED', object: change.object}];
			if (before) return [{type: 'DELETED', object: change.object}];
			return [];
		}

		res.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private'});
		res.flushHeaders();
		for (const event of backlog) res.write(encode(event.type, event.object));
		const unsubscribe = store.onChange((change) => {
			for (const event of translate(change)) res.write(encode(event.type, event.object));
		});
		const bookmarks = query.get('allowWatchBookmarks') === 'true'
			? setInterval(() => res.write(encode('BOOKMARK', {apiVersion: apiVersionOf(route.type), kind: route.type.kind, metadata: {name: '', resourceVersion: String(store.resourceVersion())}})), 30_000)
			: undefined;
		const seconds = Number(query.get('timeoutSeconds') ?? 0);
		const timeout = setTimeout(() => finish(), (seconds > 0 ? seconds : 1800) * 1000);
		const finish = () => {
			unsubscribe();
			clearTimeout(timeout);
			if (bookmarks) clearInterval(bookmarks);
			openWatches.delete(finish);
			if (!res.writableEnded) res.end();
		};
		openWatches.add(finish);
		res.on('close', finish);
	}

	function writeOptions(query: URLSearchParams, warnings: string[]): WriteOptions {
		const validation = query.get('fieldValidation');
		return {
			dryRun: query.getAll('dryRun').includes('All'),
			fieldValidation: validation === 'Strict' || validation === 'Warn' || validation === 'Ignore' ? validation : 'Warn',
			warnings,
		};
	}

	function checkIdentity(body: Record<string, unknown>, route: Route, requireName: boolean): KubeObject {
		const object = body as unknown as KubeObject;
		if (!isObject(object.metadata)) object.metadata = {name: ''} as KubeObject['metadata'];
		const expectedApiVersion = apiVersionOf(route.type);
		if (object.kind === undefined) object.kind = route.type.kind;
		if (object.apiVersion === undefined) object.apiVersion = expectedApiVersion;
		if (object.apiVersion !== expectedApiVersion) {
			throw new StatusError(400, 'BadRequest', `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${expectedApiVersion})`);
		}
		if (object.kind !== route.type.kind) {
			throw new StatusError(400, 'BadRequest', `${String(object.kind)} in version "${route.type.version}" cannot be handled as a ${route.type.kind}: the kind in the data (${String(object.kind)}) does not match the expected kind (${route.type.kind})`);
		}
		if (route.type.namespaced) {
			if (object.metadata.namespace && route.namespace && object.metadata.namespace !== route.namespace) {
				throw new StatusError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
			}
			object.metadata.namespace = route.namespace ?? object.metadata.namespace;
		}
		if (requireName && object.metadata.name !== route.name) {
			throw new StatusError(400, 'BadRequest', `the name of the object (${object.metadata.name}) does not match the name on the URL (${route.name})`);
		}
		return object;
	}

	/**
	 * What the RBAC rule resolver lists for system:masters + system:authenticated (`kubectl auth can-i --list`): the
	 * bootstrap ClusterRoles bound to those groups, in binding-name order (k8s.io/kubernetes
	 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go: cluster-admin, system:basic-user, system:discovery,
	 * system:public-info-viewer). kubectl sorts and prints them.
	 */
	const mastersRules = {
		resourceRules: [
			{verbs: ['*'], apiGroups: ['*'], resources: ['*']},
			{verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews']},
			{verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']},
		],
		nonResourceRules: [
			{verbs: ['*'], nonResourceURLs: ['*']},
			{verbs: ['get'], nonResourceURLs: ['/livez', '/readyz', '/healthz', '/version', '/version/', '/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*']},
			{verbs: ['get'], nonResourceURLs: ['/livez', '/readyz', '/healthz', '/version', '/version/']},
		],
		incomplete: false,
	};

	/**
	 * SelfSubjectReview, SelfSubjectAccessReview and SelfSubjectRulesReview are answered, not stored. The practice cluster's one user is AKS's
	 * local admin: the client certificate az aks get-credentials gives (CN=masterclient, O=system:masters), which every
	 * authorizer allows (system:masters is the privileged group).
	 */
	function answerReview(type: ResourceType, object: KubeObject): KubeObject | undefined {
		const metadata = {creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z')};
		if (type.kind === 'SelfSubjectReview') return {...object, metadata, status: {userInfo: {username: 'masterclient', groups: ['system:masters', 'system:authenticated']}}} as unknown as KubeObject;
		if (type.kind === 'SelfSubjectAccessReview') return {...object, metadata, status: {allowed: true}} as unknown as KubeObject;
		if (type.kind === 'SelfSubjectRulesReview') return {...object, metadata, status: mastersRules} as unknown as KubeObject;
		return undefined;
	}

	async function handleCreate(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams) {
		const body = parseBody(await readBody(req), mediaType(req));
		if (!isObject(body)) throw new StatusError(400, 'BadRequest', `the body of the request must be a JSON object`);
		const object = checkIdentity(body, route, false);
		const review = answerReview(route.type, object);
		if (review) return respondObject(req, res, 201, route.type, review, query, []);
		const warnings: string[] = [];
		const created = store.createObject(object, writeOptions(query, warnings));
		respondObject(req, res, 201, route.type, created, query, warnings);
	}

	async function handleReplace(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams) {
		const body = parseBody(await readBody(req), mediaType(req));
		if (!isObject(body)) throw new StatusError(400, 'BadRequest', 'the body of the request must be a JSON object');
		if (route.subresource === 'scale') return updateScale(req, res, route, query, body);
		const object = checkIdentity(body, route, true);
		const warnings: string[] = [];
		const updated = store.updateObject(object, {...writeOptions(query, warnings), subresource: route.subresource === 'status' ? 'status' : ''});
		respondObject(req, res, 200, route.type, updated, query, warnings);
	}

	function scaleOf(object: KubeObject, type: ResourceType): KubeObject {
		const spec = (object.spec ?? {}) as {replicas?: number; selector?: {matchLabels?: Record<string, string>}};
		const selector = Object.entries(spec.selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`).join(',');
		void type;
		return {
			apiVersion: 'autoscaling/v1',
			kind: 'Scale',
			metadata: {name: object.metadata.name, namespace: object.metadata.namespace, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion, creationTimestamp: object.metadata.creationTimestamp},
			spec: {replicas: spec.replicas ?? 1},
			status: {replicas: (object.status as {replicas?: number} | undefined)?.replicas ?? 0, selector},
		};
	}

	function updateScale(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams, scale: Record<string, unknown>) {
		const existing = store.getStored(route.type, route.namespace, route.name!);
		if (!existing) throw new StatusError(404, 'NotFound', `${qualifiedResource(route.type)} "${route.name}" not found`, {name: route.name, group: route.type.group, kind: route.type.resource});
		const replicas = (scale.spec as {replicas?: unknown} | undefined)?.replicas;
		if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
			throw new StatusError(422, 'Invalid', `Scale.autoscaling "${route.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {name: route.name, group: 'autoscaling', kind: 'Scale', causes: [{reason: 'FieldValueInvalid', message: 'must be greater than or equal to 0', field: 'spec.replicas'}]});
		}
		const updated = store.updateObject({...structuredClone(existing), spec: {...(existing.spec as object), replicas}} as KubeObject, {...writeOptions(query, []), subresource: ''});
		send(res, 200, scaleOf(updated, route.type));
		void req;
	}

	async function handlePatch(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams) {
		const type = mediaType(req);
		const known = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
		if (!known.includes(type)) {
			throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${known.join(', ')}`);
		}
		const patch = parseBody(await readBody(req), type.endsWith('yaml') ? 'yaml' : 'json', 'patch');
		const warnings: string[] = [];
		const existing = store.getStored(route.type, route.namespace, route.name!);
		if (type === 'application/apply-patch+yaml') {
			if (!isObject(patch)) throw new StatusError(400, 'BadRequest', 'error decoding YAML: the applied configuration must be an object');
			const applied = checkIdentity(structuredClone(patch), route, true);
			if (!existing) {
				const created = store.createObject(applied, writeOptions(query, warnings));
				return respondObject(req, res, 201, route.type, created, query, warnings);
			}
			const merged = serverSideApply(structuredClone(existing), applied) as KubeObject;
			merged.metadata.resourceVersion = existing.metadata.resourceVersion;
			const updated = store.updateObject(merged, {...writeOptions(query, warnings), subresource: route.subresource === 'status' ? 'status' : ''});
			return respondObject(req, res, 200, route.type, updated, query, warnings);
		}
		if (!existing) throw new StatusError(404, 'NotFound', `${qualifiedResource(route.type)} "${route.name}" not found`, {name: route.name, group: route.type.group, kind: route.type.resource});
		const current: unknown = route.subresource === 'scale' ? scaleOf(existing, route.type) : structuredClone(existing);
		if (type !== 'application/json-patch+json' && !isObject(patch)) throw new StatusError(400, 'BadRequest', 'the patch must be a JSON object');
		let patched: unknown;
		if (type === 'application/json-patch+json') patched = jsonPatch(current, patch);
		else if (type === 'application/merge-patch+json') patched = mergePatch(current, patch);
		else {
			if (route.type.crd) throw new StatusError(415, 'UnsupportedMediaType', 'strategic merge patch is not supported for custom resources: use a JSON merge patch (application/merge-patch+json)');
			patched = strategicMergePatch(current, patch);
		}
		if (!isObject(patched) || !isObject(patched.metadata)) throw new StatusError(422, 'Invalid', 'the patched object must be an object with metadata');
		if (route.subresource === 'scale') return updateScale(req, res, route, query, patched);
		const object = patched as unknown as KubeObject;
		object.metadata.name = existing.metadata.name;
		object.metadata.namespace = existing.metadata.namespace;
		const patchedRv = isObject(patch) && isObject(patch.metadata) ? patch.metadata.resourceVersion : undefined;
		object.metadata.resourceVersion = typeof patchedRv === 'string' ? patchedRv : existing.metadata.resourceVersion;
		const updated = store.updateObject(object, {...writeOptions(query, warnings), subresource: route.subresource === 'status' ? 'status' : ''});
		respondObject(req, res, 200, route.type, updated, query, warnings);
	}

	async function deleteOptionsOf(req: IncomingMessage, query: URLSearchParams) {
		const buffer = await readBody(req);
		const body = buffer.length ? parseBody(buffer, mediaType(req), 'DeleteOptions') : {};
		const options = (isObject(body) ? body : {}) as {propagationPolicy?: string; preconditions?: {uid?: string; resourceVersion?: string}; dryRun?: string[]; orphanDependents?: boolean; gracePeriodSeconds?: number};
		const graceParam = query.get('gracePeriodSeconds');
		const gracePeriodSeconds = graceParam !== null && /^-?\d+$/.test(graceParam) ? Number(graceParam) : typeof options.gracePeriodSeconds === 'number' ? options.gracePeriodSeconds : undefined;
		let propagation = query.get('propagationPolicy') ?? options.propagationPolicy;
		if (options.orphanDependents === true || query.get('orphanDependents') === 'true') propagation = 'Orphan';
		if (propagation && !['Orphan', 'Background', 'Foreground'].includes(propagation)) {
			throw new StatusError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${propagation}": supported values: "Foreground", "Background", "Orphan", "nil"`);
		}
		return {
			propagationPolicy: propagation as 'Orphan' | 'Background' | 'Foreground' | undefined,
			preconditions: options.preconditions,
			gracePeriodSeconds,
			dryRun: [...query.getAll('dryRun'), ...(options.dryRun ?? [])].includes('All'),
		};
	}

	async function handleDelete(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams) {
		const options = await deleteOptionsOf(req, query);
		const {object, gone} = store.deleteObject(route.type, route.namespace, route.name!, options);
		if (!gone || (route.type.group === '' && route.type.kind === 'Pod')) {
			respondObject(req, res, 200, route.type, object, query);
			return;
		}
		send(res, 200, successStatus({name: object.metadata.name, group: route.type.group, kind: route.type.resource, uid: object.metadata.uid}));
	}

	async function handleDeleteCollection(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams) {
		const options = await deleteOptionsOf(req, query);
		const deleted: KubeObject[] = [];
		for (const object of listObjects(route, query)) {
			try {
				deleted.push(store.deleteObject(route.type, object.metadata.namespace, object.metadata.name, options).object);
			} catch (error) {
				if (!(error instanceof StatusError && error.code === 404)) throw error;
			}
		}
		send(res, 200, {kind: `${route.type.kind}List`, apiVersion: apiVersionOf(route.type), metadata: {resourceVersion: String(store.resourceVersion())}, items: deleted.map((object) => outputObject(object, route.type))});
	}

	async function handleStream(req: IncomingMessage, res: ServerResponse | undefined, upgrade: {socket: Duplex; head: Buffer} | undefined, route: Route, query: URLSearchParams) {
		const pod = store.getStored(route.type, route.namespace, route.name!);
		if (!pod) throw new StatusError(404, 'NotFound', `pods "${route.name}" not found`, {name: route.name, kind: 'pods'});
		const ctx = options.context;
		const sub = route.subresource!;
		if (sub === 'log') {
			if (!res) throw new StatusError(400, 'BadRequest', 'pod logs are not an upgrade request');
			await handlePodLog({request: req, response: res, pod, query, ctx});
			return;
		}
		const handler = sub === 'exec' ? handlePodExec : sub === 'attach' ? handlePodAttach : sub === 'portforward' ? handlePodPortForward : undefined;
		if (!handler) throw new StatusError(404, 'NotFound', `pods/${sub} is not a stream subresource`);
		if (!upgrade) {
			if (res) respondUpgradeRequired(res);
			else throw new StatusError(400, 'BadRequest', 'Upgrade request required');
			return;
		}
		await handler({request: req, socket: upgrade.socket, head: upgrade.head, pod, query, ctx});
	}

	/**
	 * pods/{name}/ephemeralcontainers (k8s.io/kubernetes pkg/registry/core/pod/storage EphemeralContainersREST; what
	 * `kubectl debug` patches): reads the pod, writes only spec.ephemeralContainers, and only by adding to it
	 * (pkg/apis/core/validation ValidatePodEphemeralContainersUpdate; names unique among all the pod's containers).
	 */
	async function handleEphemeralContainers(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams, method: string) {
		const existing = store.getStored(route.type, route.namespace, route.name!);
		if (!existing) throw new StatusError(404, 'NotFound', `pods "${route.name}" not found`, {name: route.name, kind: 'pods'});
		if (method === 'GET') return respondObject(req, res, 200, route.type, existing, query);
		if (method !== 'PATCH' && method !== 'PUT') throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
		const contentType = mediaType(req);
		const body = parseBody(await readBody(req), contentType === 'application/json-patch+json' || contentType === 'application/merge-patch+json' || contentType === 'application/strategic-merge-patch+json' ? 'application/json' : contentType);
		let patched: unknown;
		if (method === 'PUT') patched = body;
		else if (contentType === 'application/json-patch+json') patched = jsonPatch(structuredClone(existing), body);
		else if (contentType === 'application/merge-patch+json') patched = mergePatch(structuredClone(existing), body);
		else if (contentType === 'application/strategic-merge-patch+json') patched = strategicMergePatch(structuredClone(existing), body);
		else throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
		if (!isObject(patched)) throw new StatusError(400, 'BadRequest', 'the body of the request must be a JSON object');
		type Ephemeral = Record<string, unknown> & {name?: string; image?: string};
		const spec = (existing.spec ?? {}) as {containers?: Ephemeral[]; initContainers?: Ephemeral[]; ephemeralContainers?: Ephemeral[]};
		const wanted = (((patched.spec as Record<string, unknown> | undefined)?.ephemeralContainers) ?? []) as Ephemeral[];
		const before = spec.ephemeralContainers ?? [];
		const invalid = (causes: Array<{field: string; message: string}>) =>
			new StatusError(422, 'Invalid', `Pod "${existing.metadata.name}" is invalid: ${causes.map(cause => `${cause.field}: ${cause.message}`).join(', ')}`, {name: existing.metadata.name, kind: 'Pod', causes: causes.map(cause => ({reason: 'FieldValueInvalid', ...cause}))});
		const causes: Array<{field: string; message: string}> = [];
		const withDefaults = wanted.map(container => {
			if (before.some(old => old.name === container.name)) return container;
			const image = String(container.image ?? '');
			return {terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: /:latest$|^[^:@]*$/.test(image.split('/').pop() ?? '') ? 'Always' : 'IfNotPresent', resources: {}, ...container};
		});
		for (const old of before) {
			const now = withDefaults.find(container => container.name === old.name);
			if (!now) causes.push({field: 'spec.ephemeralContainers', message: `Forbidden: existing ephemeral containers "${old.name}" may not be removed`});
			else if (JSON.stringify(now) !== JSON.stringify(old)) causes.push({field: 'spec.ephemeralContainers', message: `Forbidden: existing ephemeral containers "${old.name}" may not be changed`});
		}
		const others = new Set([...(spec.containers ?? []), ...(spec.initContainers ?? [])].map(container => container.name));
		withDefaults.forEach((container, index) => {
			if (!container.name) causes.push({field: `spec.ephemeralContainers[${index}].name`, message: 'Required value'});
			else if (others.has(container.name) || withDefaults.findIndex(candidate => candidate.name === container.name) !== index) causes.push({field: `spec.ephemeralContainers[${index}].name`, message: `Duplicate value: "${container.name}"`});
			if (!container.image) causes.push({field: `spec.ephemeralContainers[${index}].image`, message: 'Required value'});
		});
		if (causes.length > 0) throw invalid(causes);
		const updated = store.updateObject({...existing, spec: {...(existing.spec as Record<string, unknown>), ephemeralContainers: withDefaults}} as KubeObject, writeOptions(query, []));
		respondObject(req, res, 200, route.type, updated, query);
	}

	/** metrics.k8s.io/v1beta1 (metrics.ts): computed from the pods and nodes at each read; 503 from the aggregator without metrics-server. */
	function handleMetrics(res: ServerResponse, route: Route, query: URLSearchParams, method: string) {
		if (method !== 'GET' || query.get('watch') === 'true' || query.get('watch') === '1' || route.subresource) {
			throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
		}
		const podType = registry.byKind('v1', 'Pod')!;
		const allPods = store.listStored(podType, {});
		if (!metricsAvailable(allPods)) {
			// kube-aggregator's proxy answers an unavailable APIService in plain text; client-go then words it
			// "the server is currently unable to handle the request (get nodes.metrics.k8s.io)".
			res.writeHead(503, {'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff'});
			res.end('service unavailable\n');
			return;
		}
		const nodes = route.type.kind === 'NodeMetrics';
		const source = {
			now: now(),
			pods: nodes ? allPods : store.listStored(podType, {namespace: route.namespace, labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: route.name ? undefined : query.get('fieldSelector') ?? undefined}),
			nodes: nodes ? store.listStored(registry.byKind('v1', 'Node')!, {labelSelector: query.get('labelSelector') ?? undefined}) : [],
		};
		const items = (nodes ? nodeMetrics(source) : podMetrics(source)).filter(item => !route.name || item.metadata.name === route.name);
		if (route.name) {
			// metrics-server pkg/api/pod.go and node.go Get: the lister's NotFound for an object that does not exist, the
			// metrics resource's (named namespace/name for a pod) for one that has no metrics yet.
			const exists = nodes ? source.nodes.some(node => node.metadata.name === route.name) : source.pods.some(pod => pod.metadata.name === route.name);
			if (!exists) throw new StatusError(404, 'NotFound', `${nodes ? 'nodes' : 'pods'} "${route.name}" not found`, {name: route.name, kind: nodes ? 'nodes' : 'pods'});
			const shownName = nodes ? route.name : `${route.namespace}/${route.name}`;
			if (items.length === 0) throw new StatusError(404, 'NotFound', `${route.type.resource}.metrics.k8s.io "${shownName}" not found`, {name: shownName, group: 'metrics.k8s.io', kind: route.type.resource});
			return send(res, 200, items[0]);
		}
		send(res, 200, {kind: `${route.type.kind}List`, apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items});
	}

	async function route(req: IncomingMessage, res: ServerResponse | undefined, upgrade?: {socket: Duplex; head: Buffer}): Promise<void> {
		const url = new URL(req.url ?? '/', 'https://localhost');
		const path = url.pathname.replace(/\/+$/, '') || '/';
		const query = url.searchParams;
		const method = req.method ?? 'GET';
		if (!PUBLIC_PATHS.has(path) && !tokenMatches(req.headers.authorization, token)) {
			throw new StatusError(401, 'Unauthorized', 'Unauthorized');
		}
		if (!res) {
			const segments = path.split('/').filter(Boolean);
			const found = parseRoute(segments);
			if (!found || 'discovery' in found || found.type.kind !== 'Pod' || found.type.group !== '' || !['exec', 'attach', 'portforward'].includes(found.subresource ?? '')) throw notFoundPath();
			return handleStream(req, undefined, upgrade, found, query);
		}
		switch (path) {
			case '/version':
				return send(res, 200, versionInfo(store.sections.read<{kubernetesVersion?: string} | null>(CLUSTER_SECTION, null)?.kubernetesVersion));
			case '/healthz':
			case '/livez':
			case '/readyz':
				res.writeHead(200, {'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff'});
				res.end('ok');
				return;
			case '/api': {
				const aggregated = aggregatedVersion(req);
				if (aggregated) return send(res, 200, aggregatedDiscovery(registry, true, aggregated), `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`);
				return send(res, 200, apiVersions(options.serverAddress?.() ?? '127.0.0.1:443'));
			}
			case '/apis': {
				const aggregated = aggregatedVersion(req);
				if (aggregated) return send(res, 200, aggregatedDiscovery(registry, false, aggregated), `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`);
				return send(res, 200, apiGroupList(registry));
			}
			case '/openapi/v2': {
				const document = openApiV2(registry);
				if (!wantsOpenApiV2Protobuf(req.headers.accept)) return send(res, 200, document);
				const bytes = openApiV2Protobuf(document);
				res.writeHead(200, {'Content-Type': OPENAPI_V2_PROTOBUF_CONTENT_TYPE, 'Cache-Control': 'no-cache, private', 'Content-Length': String(bytes.length)});
				res.end(bytes);
				return;
			}
			case '/openapi/v3':
				return send(res, 200, openApiV3Index(registry));
			default:
				break;
		}
		if (path.startsWith('/openapi/v3/')) {
			const parts = path.slice('/openapi/v3/'.length).split('/');
			const [group, version] = parts[0] === 'api' ? ['', parts[1]] : [parts[1], parts[2]];
			if (parts[0] === 'api' && parts.length === 1) return send(res, 200, {openapi: '3.0.0', info: {title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion}, paths: {}, components: {}});
			if (parts[0] === 'apis' && parts.length === 1) return send(res, 200, {openapi: '3.0.0', info: {title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion}, paths: {}, components: {}});
			const document = group !== undefined && version ? openApiV3Document(registry, group, version) : undefined;
			if (!document) throw notFoundPath();
			res.setHeader('Etag', `"${document.hash}"`);
			res.setHeader('Cache-Control', query.has('hash') ? 'public, immutable' : 'no-cache, private');
			return send(res, 200, document.value);
		}
		const segments = path.split('/').filter(Boolean);
		if (segments[0] !== 'api' && segments[0] !== 'apis') throw notFoundPath();
		const found = parseRoute(segments);
		if (!found) throw notFoundPath();
		if ('discovery' in found) {
			if (method !== 'GET') throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
			return send(res, 200, found.discovery);
		}
		const {type, name, subresource} = found;
		if (subresource === 'ephemeralcontainers' && type.group === '' && type.kind === 'Pod' && name) return handleEphemeralContainers(req, res, found, query, method);
		if (subresource) {
			const streamSubresources = type.group === '' && type.kind === 'Pod' ? ['exec', 'attach', 'portforward', 'log'] : [];
			if (streamSubresources.includes(subresource)) return handleStream(req, res, undefined, found, query);
			const allowed = (subresource === 'status' && type.subresources.status) || (subresource === 'scale' && type.subresources.scale);
			if (!allowed) throw notFoundPath();
		}
		const watching = query.get('watch') === 'true' || query.get('watch') === '1';
		if (type.group === 'metrics.k8s.io') return handleMetrics(res, found, query, method);
		const methodNotAllowed = () => new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
		// A kind with only some verbs (the reviews: create) refuses the others as the API server's REST storage does.
		const verb = !name ? {GET: watching ? 'watch' : 'list', POST: 'create'}[method ?? ''] : {GET: watching ? 'watch' : 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete'}[method ?? ''];
		if (!subresource && verb && !type.verbs.includes(verb)) throw methodNotAllowed();
		if (!name) {
			if (subresource) throw notFoundPath();
			switch (method) {
				case 'GET':
					return watching ? handleWatch(req, res, found, query) : handleList(req, res, found, query);
				case 'POST':
					return handleCreate(req, res, found, query);
				case 'DELETE':
					if (!type.verbs.includes('deletecollection')) throw methodNotAllowed();
					return handleDeleteCollection(req, res, found, query);
				default:
					throw methodNotAllowed();
			}
		}
		switch (method) {
			case 'GET': {
				if (watching) return handleWatch(req, res, found, query);
				const object = store.getStored(type, found.namespace, name);
				if (!object) throw new StatusError(404, 'NotFound', `${qualifiedResource(type)} "${name}" not found`, {name, group: type.group, kind: type.resource});
				if (subresource === 'scale') return send(res, 200, scaleOf(object, type));
				return respondObject(req, res, 200, type, object, query);
			}
			case 'PUT':
				return handleReplace(req, res, found, query);
			case 'PATCH':
				return handlePatch(req, res, found, query);
			case 'DELETE':
				if (subresource) throw methodNotAllowed();
				return handleDelete(req, res, found, query);
			default:
				throw methodNotAllowed();
		}
	}

	const fail = (res: ServerResponse, error: unknown) => {
		if (error instanceof StatusError) return sendError(res, error);
		log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
		send(res, 500, statusBody(500, 'InternalError', `Internal error occurred: ${(error as Error)?.message ?? String(error)}`));
	};

	return {
		handleRequest(req, res) {
			const mutating = req.method !== 'GET' && req.method !== 'HEAD';
			if (mutating) {
				// Acknowledge a write only once it is on disk: the status line and body wait until the journal is fsynced,
				// and a failed fsync (its changes rolled back) answers its 500 Status instead.
				const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
				const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
				let head: unknown[] | undefined;
				const patched = res as unknown as {writeHead: (...args: unknown[]) => ServerResponse; end: (...args: unknown[]) => ServerResponse};
				patched.writeHead = (...args: unknown[]) => {
					head = args;
					return res;
				};
				patched.end = (...args: unknown[]) => {
					store.flush().then(
						() => {
							if (head) writeHead(...head);
							end(...args);
						},
						(error: unknown) => {
							const status = error instanceof StatusError ? error : new StatusError(500, 'InternalError', `Internal error occurred: ${(error as Error)?.message}`);
							const text = JSON.stringify(statusBody(status.code, status.reason, status.message, status.details));
							writeHead(status.code, {'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': String(Buffer.byteLength(text))});
							end(text);
						},
					);
					return res;
				};
			}
			route(req, res).catch((error: unknown) => {
				// A body larger than the limit: answer, then stop reading the rest.
				fail(res, error);
				if (error instanceof StatusError && error.code === 413) req.resume();
			});
		},
		handleUpgrade(req, socket, head) {
			socket.on('error', () => socket.destroy());
			route(req, undefined, {socket, head}).catch((error: unknown) => {
				const status = error instanceof StatusError ? error : new StatusError(500, 'InternalError', `Internal error occurred: ${(error as Error)?.message}`);
				if (!(error instanceof StatusError)) log(`internal error in upgrade: ${(error as Error)?.stack ?? String(error)}`);
				if (socket.writable) {
					const body = JSON.stringify(statusBody(status.code, status.reason, status.message, status.details));
					socket.end(`HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
				}
			});
		},
		closeWatches() {
			for (const finish of [...openWatches]) finish();
		},
	};
}
