// The cluster's objects: in memory, persisted (see persistence.ts), with resourceVersions, a bounded
// history for watches, namespace deletion, garbage collection by ownerReferences, and validation.
import {createHash, randomUUID, randomBytes} from 'node:crypto';
import {
	StatusError,
	type ClusterStore,
	type KubeObject,
	type StateSections,
	type StoreEvent,
	type WatchEventType,
} from '../types.js';
import {describeIoError, JournalWriteError, StateFile, type JournalEntry, type Snapshot, type StateRecovery} from './persistence.js';
import {createRegistry, qualifiedKind, qualifiedResource, splitApiVersion, apiVersionOf, type Registry, type ResourceType} from './registry.js';
import {parseFieldSelector, parseLabelSelectorOrBadRequest} from './selectors.js';
import {builtinSchemaName, OBJECT_META, pruneBuiltin, unknownBuiltinFields} from './builtin-schemas.js';
import {invalidMessage, pruneUnknown, validateObject, validateSchema, type FieldCause} from './validation.js';
import {applyDefaults} from './defaults.js';

let lastEventNanos = 0n;

/**
 * client-go's recorder names an event `<object>.<UnixNano in hex>` (tools/record/event.go makeEvent), so a list in
 * name order is the order they happened; the nanoseconds only grow here, so events of one millisecond keep theirs.
 */
function eventNameSuffix(nowMs: number): string {
	const nanos = BigInt(Math.floor(nowMs)) * 1_000_000n;
	lastEventNanos = nanos > lastEventNanos ? nanos : lastEventNanos + 1n;
	return lastEventNanos.toString(16);
}

export interface ChangeRecord {
	resourceVersion: number;
	type: WatchEventType;
	object: KubeObject;
	/** The object before the change (for MODIFIED and DELETED), so watches with selectors can tell enter from leave. */
	previous?: KubeObject;
	resource: ResourceType;
}

export type ObjectValidator = (object: KubeObject, old: KubeObject | undefined) => Array<{field: string; message: string}> | void;

export interface WriteOptions {
	dryRun?: boolean;
	/** `Strict` refuses fields a CRD's schema does not declare; otherwise they are pruned. */
	fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
	/** Collects warnings (unknown fields under `Warn`). */
	warnings?: string[];
}

export interface DeleteOptions {
	propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
	/** For pods: 0 deletes at once; otherwise (default: the pod's terminationGracePeriodSeconds) the pod turns Terminating and the kubelet finishes it. */
	gracePeriodSeconds?: number;
	preconditions?: {uid?: string; resourceVersion?: string};
	dryRun?: boolean;
}

export interface ListOptions {
	namespace?: string;
	labelSelector?: string;
	fieldSelector?: string;
	/** Skips sorting by namespace and name (controllers that scan on every change do not need the order). */
	unordered?: boolean;
}

export interface StoreOptions {
	/** Where the state lives; without it the store is memory only (tests of other parts). */
	statePath?: string;
	now?: () => number;
	/** How many changes watches can resume from. */
	historyLimit?: number;
	/** How long a deleted namespace stays Terminating before its contents go. */
	namespaceTerminationMs?: number;
	registry?: Registry;
	log?: (line: string) => void;
}

export interface PracticeStore extends ClusterStore {
	readonly registry: Registry;
	readonly sections: StateSections;
	resourceVersion(): number;
	/** Changes after `resourceVersion`, or undefined when they are no longer in the history (410 Gone). */
	changesSince(resourceVersion: number): ChangeRecord[] | undefined;
	onChange(listener: (record: ChangeRecord) => void): () => void;
	/** Objects as stored (frozen, not copies): for the API layer, which only serializes them. */
	listStored(type: ResourceType, options?: ListOptions): KubeObject[];
	getStored(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined;
	createObject(object: KubeObject, options?: WriteOptions): KubeObject;
	updateObject(object: KubeObject, options?: WriteOptions & {subresource?: 'status' | 'scale' | ''}): KubeObject;
	/** Returns the object as it is after the call, and whether it is gone (false while finalizers or a namespace's termination keep it). */
	deleteObject(type: ResourceType, namespace: string | undefined, name: string, options?: DeleteOptions): {object: KubeObject; gone: boolean};
	registerValidator(apiVersion: string, kind: string, validator: ObjectValidator): () => void;
	/**
	 * While a kubelet runs (the controllers), deleting a scheduled pod is graceful: it gets deletionTimestamp and
	 * deletionGracePeriodSeconds and the kubelet deletes it once its containers stopped. Returns the undo.
	 */
	enableGracefulPodDeletion(): () => void;
	/** The object's JSON text, computed once per stored version (stored objects are frozen). */
	serialized(object: KubeObject): string;
	/**
	 * Resolves when every change so far is on disk: the API awaits it before acknowledging a write. Rejects (a 500
	 * StatusError naming the cause) when the device failed; those changes are then rolled back in memory too.
	 */
	flush(): Promise<void>;
	/** What the start could not read back from the state file (damaged records, an unreadable snapshot); undefined when nothing was lost. */
	readonly recovery: StateRecovery | undefined;
	/** Deletes every object (the cluster is gone); sections stay. */
	removeAll(): void;
	close(): void;
}

const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function rfc3339(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}
	return value;
}

function clone<T>(value: T): T {
	return structuredClone(value);
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sameJson(a: unknown, b: unknown): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

function withoutVolatile(object: KubeObject): unknown {
	const {resourceVersion: _rv, managedFields: _mf, generation: _g, ...metadata} = object.metadata;
	return {...object, metadata};
}

function specPart(object: KubeObject): unknown {
	const {metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest} = object;
	return rest;
}

export function createStore(options: StoreOptions = {}): PracticeStore {
	const now = options.now ?? Date.now;
	const historyLimit = options.historyLimit ?? 10_000;
	const registry = options.registry ?? createRegistry();
	const log = options.log ?? (() => {});
	const stateFile = options.statePath ? new StateFile(options.statePath) : undefined;

	/** group/Kind → namespace/name → object */
	const objects = new Map<string, Map<string, KubeObject>>();
	const sections = new Map<string, unknown>();
	let resourceVersion = 0;
	const history: ChangeRecord[] = [];
	let historyStart = 0;
	const listeners = new Set<(record: ChangeRecord) => void>();
	const publicListeners = new Set<(event: StoreEvent) => void>();
	const pendingNotifications: ChangeRecord[] = [];
	let notifying = false;
	const validators = new Map<string, Set<ObjectValidator>>();
	const timers = new Set<NodeJS.Timeout>();
	let closed = false;
	let gracefulPodDeletion = 0;
	/** namespace + involved uid + reason + message → the Event's name, so recording a repeat is not a scan of every event. */
	const eventIndex = new Map<string, string>();
	const eventIndexKey = (event: KubeObject) =>
		`${event.metadata.namespace}\u0000${(event.involvedObject as {uid?: string} | undefined)?.uid}\u0000${event.reason as string}\u0000${event.message as string}`;
	const serializedText = new WeakMap<object, string>();

	const typeKey = (group: string, kind: string) => `${group}/${kind}`;
	const objectKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
	const bucket = (type: ResourceType) => {
		const key = typeKey(type.group, type.kind);
		let map = objects.get(key);
		if (!map) objects.set(key, (map = new Map()));
		return map;
	};

	let recovery: StateRecovery | undefined;
	if (stateFile) {
		const loaded = stateFile.load();
		loaded.warnings.forEach(log);
		recovery = loaded.recovery;
		resourceVersion = loaded.resourceVersion;
		for (const [key, object] of loaded.objects) {
			const slash = key.indexOf('|');
			const [group, kind] = [key.slice(0, slash), key.slice(slash + 1).split('|')[0]!];
			const map = objects.get(typeKey(group, kind)) ?? new Map<string, KubeObject>();
			objects.set(typeKey(group, kind), map);
			map.set(objectKey(object.metadata.namespace, object.metadata.name), deepFreeze(object));
		}
		for (const [name, value] of loaded.sections) sections.set(name, value);
		for (const crd of objects.get('apiextensions.k8s.io/CustomResourceDefinition')?.values() ?? []) {
			try {
				registry.syncCrd(crd.metadata.name, crd);
			} catch (error) {
				log(`the saved CustomResourceDefinition ${crd.metadata.name} could not be served: ${(error as Error).message}`);
			}
		}
		for (const event of objects.get('/Event')?.values() ?? []) eventIndex.set(eventIndexKey(event), event.metadata.name);
	}
	historyStart = resourceVersion;

	const persistKey = (type: ResourceType, object: KubeObject) => `${type.group}|${type.kind}|${object.metadata.namespace ?? ''}|${object.metadata.name}`;

	const snapshot = (): Snapshot => {
		const all: Record<string, KubeObject> = {};
		for (const [key, map] of objects) {
			const [group, kind] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
			for (const object of map.values()) all[`${group}|${kind}|${object.metadata.namespace ?? ''}|${object.metadata.name}`] = object;
		}
		return {format: 1, resourceVersion, objects: all, sections: Object.fromEntries(sections)};
	};

	/**
	 * Changes appended to the journal but not yet covered by an fsync, oldest first: what a failed fsync rolls back so
	 * memory matches the disk again. `seq` orders them across overlapping syncs.
	 */
	type Undo = {seq: number} & ({type: ResourceType; key: string; previous: KubeObject | undefined} | {section: string; had: boolean; previous: unknown});
	const undo: Undo[] = [];
	let undoSeq = 0;
	/** Counts rollbacks: a sync that began before one cannot vouch for the writes it covered. */
	let rollbacks = 0;
	let lastDiskError: StatusError | undefined;

	const diskError = (error: unknown) =>
		new StatusError(500, 'InternalError', `Internal error occurred: the practice cluster could not save the change: ${error instanceof JournalWriteError ? error.message : describeIoError(error as Error)}; nothing was changed`);

	const compactNow = () => {
		try {
			stateFile!.compact(snapshot());
			// The snapshot holds every change in memory: nothing is left to roll back.
			undo.length = 0;
		} catch (error) {
			log(`compacting the state failed (the journal keeps every record; tried again later): ${describeIoError(error as Error)}`);
		}
	};

	/** Appends the change to the journal (every byte) before memory changes; a write the disk refuses throws a 500 and changes nothing. */
	const persist = (entry: JournalEntry) => {
		if (!stateFile) return;
		if (stateFile.wantsCompaction) compactNow();
		try {
			stateFile.append(entry);
		} catch (error) {
			throw diskError(error);
		}
		scheduleSync();
	};

	let flushTimer: NodeJS.Immediate | undefined;
	const scheduleSync = () => {
		if (flushTimer) return;
		// In-process writers (controllers, tools) are on disk within a tick; the API awaits flush().
		flushTimer = setImmediate(() => {
			flushTimer = undefined;
			flush().catch((error: unknown) => log(`state flush failed: ${(error as Error).message}`));
		});
	};

	/** Sets (or, with undefined, removes) one object in memory, with the indexes that follow it. */
	const setInMemory = (type: ResourceType, key: string, value: KubeObject | undefined, before: KubeObject | undefined) => {
		const map = bucket(type);
		if (value) map.set(key, value);
		else map.delete(key);
		if (type.kind === 'Event' && type.group === '') {
			if (before) eventIndex.delete(eventIndexKey(before));
			if (value) eventIndex.set(eventIndexKey(value), value.metadata.name);
		}
		if (type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io') {
			registry.syncCrd((value ?? before)!.metadata.name, value);
		}
	};

	/**
	 * A failed fsync: what it should have covered may not be on disk. The journal goes back to what an earlier fsync
	 * covered and memory follows it (watchers and controllers are told; the history restarts, so a watch resuming
	 * from before gets 410 Gone and lists again).
	 */
	const rollBack = (error: unknown) => {
		rollbacks++;
		lastDiskError = diskError(error);
		stateFile!.rollBackUnsynced();
		const undone = undo.splice(0).reverse();
		log(`the state could not be synced to disk (${describeIoError(error as Error)}): ${undone.length} unsynced change(s) rolled back`);
		for (const change of undone) {
			if ('section' in change) {
				if (change.had) sections.set(change.section, change.previous);
				else sections.delete(change.section);
				continue;
			}
			const current = bucket(change.type).get(change.key);
			setInMemory(change.type, change.key, change.previous, current);
			const object = change.previous ?? current;
			if (object) notify({resourceVersion, type: !change.previous ? 'DELETED' : current ? 'MODIFIED' : 'ADDED', object, previous: current, resource: change.type});
		}
		history.length = 0;
		historyStart = resourceVersion;
	};

	/** The fsync in flight; it never rejects (a failure is a rollback, which the waiting writers see). */
	let syncing: Promise<void> | undefined;
	const startSync = (): Promise<void> => {
		const covered = undoSeq;
		const rollbacksBefore = rollbacks;
		const current: Promise<void> = stateFile!
			.sync()
			.then(
				(synced) => {
					if (!synced || rollbacks !== rollbacksBefore) return;
					const firstUncovered = undo.findIndex((change) => change.seq > covered);
					undo.splice(0, firstUncovered < 0 ? undo.length : firstUncovered);
				},
				(error: unknown) => {
					if (rollbacks === rollbacksBefore) rollBack(error);
				},
			)
			.finally(() => {
				if (syncing === current) syncing = undefined;
			});
		return current;
	};
	/**
	 * Group commit: resolves once an fsync covered everything appended before the call (one fsync serves every writer
	 * that was waiting when it began); rejects when a rollback undid it.
	 */
	const flush = (): Promise<void> => {
		if (!stateFile) return Promise.resolve();
		const file = stateFile;
		const target = file.appendedBytes;
		const rollbacksAtCall = rollbacks;
		const wait = (): Promise<void> => {
			if (rollbacks !== rollbacksAtCall) return Promise.reject(lastDiskError);
			if (file.durableBytes >= target) return Promise.resolve();
			syncing ??= startSync();
			return syncing.then(wait);
		};
		return wait();
	};

	const notify = (record: ChangeRecord) => {
		pendingNotifications.push(record);
		if (notifying) return;
		notifying = true;
		try {
			while (pendingNotifications.length > 0) {
				const next = pendingNotifications.shift()!;
				for (const listener of [...listeners]) {
					try {
						listener(next);
					} catch (error) {
						log(`store listener failed: ${(error as Error).stack ?? error}`);
					}
				}
				if (publicListeners.size > 0) {
					const event: StoreEvent = {type: next.type, object: next.object};
					for (const listener of [...publicListeners]) {
						try {
							listener(event);
						} catch (error) {
							log(`store subscriber failed: ${(error as Error).stack ?? error}`);
						}
					}
				}
			}
		} finally {
			notifying = false;
		}
	};

	/** Persists (the whole record, or a 500 and no change), then stores, records in the history, and tells listeners. */
	const commit = (type: ResourceType, change: WatchEventType, object: KubeObject, previous?: KubeObject): KubeObject => {
		const rv = resourceVersion + 1;
		const stored = deepFreeze({...object, metadata: {...object.metadata, resourceVersion: String(rv)}});
		const key = objectKey(stored.metadata.namespace, stored.metadata.name);
		persist(change === 'DELETED' ? {op: 'del', rv, key: persistKey(type, stored)} : {op: 'put', rv, key: persistKey(type, stored), object: stored});
		resourceVersion = rv;
		const before = bucket(type).get(key);
		if (stateFile) undo.push({seq: ++undoSeq, type, key, previous: before});
		setInMemory(type, key, change === 'DELETED' ? undefined : stored, before);
		const record: ChangeRecord = {resourceVersion, type: change, object: stored, previous, resource: type};
		history.push(record);
		if (history.length > historyLimit) {
			const dropped = history.splice(0, history.length - historyLimit);
			historyStart = dropped[dropped.length - 1]!.resourceVersion;
		}
		notify(record);
		return stored;
	};

	const resolveType = (apiVersion: string, kind: string): ResourceType => {
		const type = registry.byKind(apiVersion, kind);
		if (!type) {
			throw new StatusError(404, 'NotFound', `the server could not find the requested resource: no kind "${kind}" is registered for version "${apiVersion}"`, {kind});
		}
		return type;
	};

	const notFound = (type: ResourceType, name: string) =>
		new StatusError(404, 'NotFound', `${qualifiedResource(type)} "${name}" not found`, {name, group: type.group, kind: type.resource});

	const refuse = (type: ResourceType, name: string, causes: Array<{field: string; message: string; reason?: string}>) =>
		new StatusError(422, 'Invalid', invalidMessage(qualifiedKind(type), name, causes as FieldCause[]), {
			name,
			group: type.group,
			kind: type.kind,
			causes: causes.map((cause) => ({reason: cause.reason ?? 'FieldValueInvalid', message: cause.message, field: cause.field})),
		});

	/** staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go transformDecodeError over runtime.strictDecodingError's text. */
	const strictDecodingError = (type: ResourceType, fields: string[]) =>
		new StatusError(400, 'BadRequest', `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${fields.map((field) => `unknown field "${field}"`).join(', ')}`);

	/** Runs every check; returns the object as it will be stored (pruned of undeclared fields). */
	const validate = (type: ResourceType, object: KubeObject, old: KubeObject | undefined, write: WriteOptions): KubeObject => {
		const causes: Array<{field: string; message: string; reason?: string}> = validateObject(object, type);
		let result = object;
		const builtin = type.schema || !write.fieldValidation ? undefined : builtinSchemaName(type.group, type.version, type.kind);
		if (builtin) {
			// A built-in kind: Go's decoding drops the fields its struct lacks; strict decoding names them.
			const unknownFields = unknownBuiltinFields(object, builtin);
			if (unknownFields.length > 0) {
				if (write.fieldValidation === 'Strict') throw strictDecodingError(type, unknownFields);
				if (write.fieldValidation === 'Warn') write.warnings?.push(...unknownFields.map((field) => `unknown field "${field}"`));
				result = pruneBuiltin(object, builtin) as KubeObject;
			}
		}
		if (type.schema) {
			const unknown: string[] = [];
			const {metadata: _metadata, apiVersion: _apiVersion, kind: _kind, ...body} = object;
			const schemaWithoutMeta = {...type.schema, properties: {...type.schema.properties}};
			delete schemaWithoutMeta.properties.metadata;
			delete schemaWithoutMeta.properties.apiVersion;
			delete schemaWithoutMeta.properties.kind;
			delete (schemaWithoutMeta as {required?: string[]}).required;
			validateSchema(body, {...schemaWithoutMeta, required: (type.schema.required ?? []).filter((key) => !['metadata', 'apiVersion', 'kind'].includes(key))}, '', causes as FieldCause[], unknown);
			for (const cause of causes) if (cause.field.startsWith('.')) cause.field = cause.field.slice(1);
			// metadata is an ObjectMeta in every kind: decoded strictly too (a CRD's schema leaves it open).
			const metadataUnknown = write.fieldValidation ? unknownBuiltinFields(object.metadata, OBJECT_META, 'metadata') : [];
			const unknownFields = [...metadataUnknown, ...unknown.map((field) => field.replace(/^\./, ''))];
			if (unknownFields.length > 0 && write.fieldValidation === 'Strict') throw strictDecodingError(type, unknownFields);
			if (unknownFields.length > 0 && write.fieldValidation === 'Warn') write.warnings?.push(...unknownFields.map((field) => `unknown field "${field}"`));
			if (unknownFields.length > 0) {
				const metadata = (metadataUnknown.length > 0 ? pruneBuiltin(object.metadata, OBJECT_META) : object.metadata) as KubeObject['metadata'];
				result = {...(pruneUnknown(body, schemaWithoutMeta) as object), metadata, apiVersion: object.apiVersion, kind: object.kind} as KubeObject;
			}
		}
		// A validator adds what the schema cannot say: a field the schema already refused is not named twice.
		const refusedBySchema = new Set(causes.map((cause) => cause.field));
		for (const validator of [...(validators.get(`${apiVersionOf(type)}/${type.kind}`) ?? []), ...(validators.get(`${type.group}/*/${type.kind}`) ?? [])]) {
			const found = validator(result, old);
			if (found) causes.push(...found.filter((cause) => !refusedBySchema.has(cause.field)));
		}
		if (causes.length > 0) throw refuse(type, object.metadata.name ?? '', causes);
		return result;
	};

	const checkNamespace = (type: ResourceType, namespace: string | undefined, name: string) => {
		if (!type.namespaced || !namespace) return;
		const nsType = registry.byKind('v1', 'Namespace')!;
		const ns = bucket(nsType).get(objectKey(undefined, namespace));
		if (!ns) throw new StatusError(404, 'NotFound', `namespaces "${namespace}" not found`, {name: namespace, kind: 'namespaces'});
		if (ns.metadata.deletionTimestamp) {
			throw new StatusError(403, 'Forbidden', `${qualifiedResource(type)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
				name: namespace,
				kind: type.resource,
				causes: [{reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace'}],
			});
		}
	};

	const normalize = (input: KubeObject, type: ResourceType): KubeObject => {
		if (!input || typeof input !== 'object' || typeof input.metadata !== 'object' || input.metadata === null) {
			throw new StatusError(400, 'BadRequest', 'Object has no metadata');
		}
		const object = clone(input);
		object.apiVersion = apiVersionOf(type);
		object.kind = type.kind;
		if (type.namespaced) object.metadata.namespace = object.metadata.namespace || 'default';
		else delete object.metadata.namespace;
		return object;
	};

	const createObject = (input: KubeObject, write: WriteOptions = {}): KubeObject => {
		const type = resolveType(input?.apiVersion, input?.kind);
		let object = normalize(input, type);
		if (!object.metadata.name && object.metadata.generateName) {
			const suffix = Array.from(randomBytes(5), (byte) => NAME_SUFFIX_ALPHABET[byte % NAME_SUFFIX_ALPHABET.length]).join('');
			object.metadata.name = `${object.metadata.generateName}${suffix}`;
		}
		object = validate(type, object, undefined, write);
		checkNamespace(type, object.metadata.namespace, object.metadata.name);
		if (bucket(type).has(objectKey(object.metadata.namespace, object.metadata.name))) {
			throw new StatusError(409, 'AlreadyExists', `${qualifiedResource(type)} "${object.metadata.name}" already exists`, {name: object.metadata.name, group: type.group, kind: type.resource});
		}
		const metadata = object.metadata;
		delete metadata.resourceVersion;
		delete metadata.deletionTimestamp;
		delete metadata.deletionGracePeriodSeconds;
		metadata.uid = randomUUID();
		metadata.creationTimestamp = rfc3339(now());
		if (type.generation) metadata.generation = 1;
		else delete metadata.generation;
		applyDefaults(object, type, {allocateClusterIP, now});
		if (write.dryRun) return deepFreeze({...object, metadata: {...metadata}});
		const stored = commit(type, 'ADDED', object);
		if (type.kind === 'Namespace' && type.group === '') populateNamespace(stored);
		if (type.kind === 'CustomResourceDefinition') establishCrd(stored);
		return stored;
	};

	const updateObject = (input: KubeObject, write: WriteOptions & {subresource?: 'status' | 'scale' | ''} = {}): KubeObject => {
		const type = resolveType(input?.apiVersion, input?.kind);
		let object = normalize(input, type);
		const existing = bucket(type).get(objectKey(object.metadata.namespace, object.metadata.name));
		if (!existing) throw notFound(type, object.metadata.name);
		if (object.metadata.resourceVersion && object.metadata.resourceVersion !== existing.metadata.resourceVersion) {
			throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(type)} "${object.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`, {
				name: object.metadata.name,
				group: type.group,
				kind: type.resource,
			});
		}
		if (object.metadata.uid && object.metadata.uid !== existing.metadata.uid) {
			throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(type)} "${object.metadata.name}": Precondition failed: UID in precondition: ${object.metadata.uid}, UID in object meta: ${existing.metadata.uid}`, {
				name: object.metadata.name,
				group: type.group,
				kind: type.resource,
			});
		}
		if (write.subresource === 'status') object = {...clone(existing), status: object.status} as KubeObject;
		else if (type.subresources.status && write.subresource === '') {
			// The main resource ignores status changes; an object without status keeps none (not a `status: undefined` key).
			if (existing.status === undefined) delete object.status;
			else object.status = clone(existing.status);
		}
		object = validate(type, object, existing, write);
		const metadata = object.metadata;
		metadata.uid = existing.metadata.uid;
		metadata.creationTimestamp = existing.metadata.creationTimestamp;
		if (existing.metadata.deletionTimestamp) metadata.deletionTimestamp = existing.metadata.deletionTimestamp;
		else delete metadata.deletionTimestamp;
		if (existing.metadata.deletionGracePeriodSeconds !== undefined) metadata.deletionGracePeriodSeconds = existing.metadata.deletionGracePeriodSeconds;
		else delete metadata.deletionGracePeriodSeconds;
		if (type.generation) metadata.generation = (existing.metadata.generation ?? 1) + (sameJson(specPart(object), specPart(existing)) ? 0 : 1);
		applyDefaults(object, type, {allocateClusterIP, now, existing});
		if (sameJson(withoutVolatile(object), withoutVolatile(existing)) && metadata.generation === existing.metadata.generation) return existing;
		if (write.dryRun) return deepFreeze({...object, metadata: {...metadata, resourceVersion: existing.metadata.resourceVersion}});
		const gracefullyTerminating = Number(metadata.deletionGracePeriodSeconds ?? 0) > 0;
		if (metadata.deletionTimestamp && !gracefullyTerminating && (!Array.isArray(metadata.finalizers) || metadata.finalizers.length === 0) && type.kind !== 'Namespace') {
			return finalDelete(type, {...object, metadata: {...metadata}} as KubeObject, existing, 'Background');
		}
		const stored = commit(type, 'MODIFIED', object, existing);
		if (type.kind === 'CustomResourceDefinition') establishCrd(stored);
		return stored;
	};

	const finalDelete = (type: ResourceType, object: KubeObject, previous: KubeObject, propagation: DeleteOptions['propagationPolicy']): KubeObject => {
		const uid = object.metadata.uid;
		if (propagation === 'Foreground') collectDependents(uid!, 'Foreground');
		const gone = commit(type, 'DELETED', object, previous);
		if (propagation !== 'Foreground') collectDependents(uid!, propagation ?? 'Background');
		return gone;
	};

	/** The garbage collector: dependents whose ownerReferences name the deleted uid. */
	const collectDependents = (ownerUid: string, propagation: 'Orphan' | 'Background' | 'Foreground') => {
		for (const [key, map] of objects) {
			const [group, kind] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
			const type = registry.byGroupKind(group, kind);
			if (!type) continue;
			for (const dependent of [...map.values()]) {
				const owners = dependent.metadata.ownerReferences ?? [];
				if (!owners.some((owner) => owner.uid === ownerUid)) continue;
				const remaining = owners.filter((owner) => owner.uid !== ownerUid);
				if (propagation === 'Orphan' || remaining.length > 0) {
					const metadata = {...dependent.metadata, ownerReferences: remaining};
					if (remaining.length === 0) delete (metadata as {ownerReferences?: unknown}).ownerReferences;
					commit(type, 'MODIFIED', {...dependent, metadata}, dependent);
				} else if (map.has(objectKey(dependent.metadata.namespace, dependent.metadata.name))) {
					deleteObject(type, dependent.metadata.namespace, dependent.metadata.name, {propagationPolicy: 'Background'});
				}
			}
		}
	};

	const deleteObject = (type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): {object: KubeObject; gone: boolean} => {
		const ns = type.namespaced ? namespace || 'default' : undefined;
		const existing = bucket(type).get(objectKey(ns, name));
		if (!existing) throw notFound(type, name);
		const {uid, resourceVersion: rv} = options.preconditions ?? {};
		if ((uid && uid !== existing.metadata.uid) || (rv && rv !== existing.metadata.resourceVersion)) {
			throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": Precondition failed: ${uid ? `UID in precondition: ${uid}, UID in object meta: ${existing.metadata.uid}` : `ResourceVersion in precondition: ${rv}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`}`, {name, group: type.group, kind: type.resource});
		}
		if (type.kind === 'Namespace' && type.group === '' && PROTECTED_NAMESPACES.has(name)) {
			throw new StatusError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, {name, kind: 'namespaces'});
		}
		if (options.dryRun) return {object: existing, gone: true};
		if (type.kind === 'Namespace' && type.group === '') {
			if (existing.metadata.deletionTimestamp) return {object: existing, gone: false};
			const terminating = commit(
				type,
				'MODIFIED',
				{...existing, metadata: {...existing.metadata, deletionTimestamp: rfc3339(now())}, status: {...(existing.status as object), phase: 'Terminating'}},
				existing,
			);
			scheduleNamespaceTermination(name);
			return {object: terminating, gone: false};
		}
		const grace = podGracePeriod(type, existing, options.gracePeriodSeconds);
		if (grace > 0) {
			const due = existing.metadata.deletionTimestamp ? Date.parse(existing.metadata.deletionTimestamp) : Infinity;
			// A second delete may shorten the grace period, never lengthen it (as the API server does).
			if (now() + grace * 1000 >= due) return {object: existing, gone: false};
			const marked = commit(type, 'MODIFIED', {...existing, metadata: {...existing.metadata, deletionTimestamp: rfc3339(now() + grace * 1000), deletionGracePeriodSeconds: grace}}, existing);
			return {object: marked, gone: false};
		}
		const finalizers = existing.metadata.finalizers as string[] | undefined;
		if (Array.isArray(finalizers) && finalizers.length > 0) {
			if (existing.metadata.deletionTimestamp && Number(existing.metadata.deletionGracePeriodSeconds ?? 0) > 0 && grace === 0) {
				// The kubelet's last word (grace 0): the finalizers alone keep the pod now.
				const finished = commit(type, 'MODIFIED', {...existing, metadata: {...existing.metadata, deletionGracePeriodSeconds: 0}}, existing);
				return {object: finished, gone: false};
			}
			if (existing.metadata.deletionTimestamp) return {object: existing, gone: false};
			const marked = commit(type, 'MODIFIED', {...existing, metadata: {...existing.metadata, deletionTimestamp: rfc3339(now()), deletionGracePeriodSeconds: 0}}, existing);
			return {object: marked, gone: false};
		}
		const gone = finalDelete(type, existing, existing, options.propagationPolicy);
		return {object: gone, gone: true};
	};

	/** Seconds a pod's deletion waits for its kubelet: 0 when nothing runs it (not scheduled, finished, or no kubelet). */
	const podGracePeriod = (type: ResourceType, pod: KubeObject, requested: number | undefined): number => {
		if (type.kind !== 'Pod' || type.group !== '' || gracefulPodDeletion === 0) return 0;
		const spec = pod.spec as {nodeName?: string; terminationGracePeriodSeconds?: number} | undefined;
		const phase = (pod.status as {phase?: string} | undefined)?.phase;
		if (!spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
		const grace = requested ?? spec.terminationGracePeriodSeconds ?? 30;
		return Number.isFinite(grace) && grace > 0 ? Math.floor(grace) : 0;
	};

	const scheduleNamespaceTermination = (name: string) => {
		const timer = setTimeout(() => {
			timers.delete(timer);
			if (closed) return;
			terminateNamespace(name);
		}, options.namespaceTerminationMs ?? 150);
		timers.add(timer);
	};

	const terminateNamespace = (name: string) => {
		for (const [key, map] of objects) {
			const [group, kind] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
			const type = registry.byGroupKind(group, kind);
			if (!type?.namespaced) continue;
			for (const object of [...map.values()]) {
				if (object.metadata.namespace !== name || !map.has(objectKey(name, object.metadata.name))) continue;
				const current = map.get(objectKey(name, object.metadata.name))!;
				const stripped = {...current, metadata: {...current.metadata, finalizers: undefined}};
				delete stripped.metadata.finalizers;
				finalDelete(type, stripped as KubeObject, current, 'Background');
			}
		}
		const nsType = registry.byKind('v1', 'Namespace')!;
		const ns = bucket(nsType).get(objectKey(undefined, name));
		if (ns) commit(nsType, 'DELETED', ns, ns);
	};

	const populateNamespace = (namespace: KubeObject) => {
		const name = namespace.metadata.name;
		const saType = registry.byKind('v1', 'ServiceAccount')!;
		if (!bucket(saType).has(objectKey(name, 'default'))) {
			commit(saType, 'ADDED', {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'default', namespace: name, uid: randomUUID(), creationTimestamp: rfc3339(now())}});
		}
		const cmType = registry.byKind('v1', 'ConfigMap')!;
		if (!bucket(cmType).has(objectKey(name, 'kube-root-ca.crt'))) {
			commit(cmType, 'ADDED', {
				apiVersion: 'v1',
				kind: 'ConfigMap',
				metadata: {name: 'kube-root-ca.crt', namespace: name, uid: randomUUID(), creationTimestamp: rfc3339(now()), annotations: {'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.'}},
				data: {'ca.crt': '-----BEGIN CERTIFICATE-----\n(practice cluster)\n-----END CERTIFICATE-----\n'},
			});
		}
	};

	/** The API server's CRD controller: accepted names and the Established condition. */
	const establishCrd = (crd: KubeObject) => {
		const spec = crd.spec as {names: Record<string, unknown>};
		const status = crd.status as {conditions?: unknown[]; acceptedNames?: unknown} | undefined;
		if (status?.conditions && sameJson(status.acceptedNames, spec.names)) return;
		const at = rfc3339(now());
		const type = registry.byKind('apiextensions.k8s.io/v1', 'CustomResourceDefinition')!;
		commit(
			type,
			'MODIFIED',
			{
				...crd,
				status: {
					acceptedNames: spec.names,
					conditions: [
						{type: 'NamesAccepted', status: 'True', lastTransitionTime: at, reason: 'NoConflicts', message: 'no conflicts found'},
						{type: 'Established', status: 'True', lastTransitionTime: at, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted'},
					],
					storedVersions: [((crd.spec as {versions: Array<{name: string; storage?: boolean}>}).versions.find((version) => version.storage) ?? {name: 'v1'}).name],
				},
			},
			crd,
		);
	};

	/**
	 * The apiserver's ClusterIP allocator (pkg/registry/core/service/ipallocator, KEP-3070 since 1.24): in AKS's
	 * default service CIDR 10.0.0.0/16 the lower band (min(max(16, size/16), 256) = 256 addresses, 10.0.0.x) is kept for
	 * static addresses (kubernetes 10.0.0.1, kube-dns 10.0.0.10) and dynamic ones come from the rest at random. The
	 * practice cluster's "random" start is a hash of the Service's name, so a Service keeps its address from run to
	 * run (and a pod pool that overlaps the range collides or not the same way every time).
	 */
	const allocateClusterIP = (namespace: string, name: string): string => {
		const used = new Set<string>();
		for (const service of bucket(registry.byKind('v1', 'Service')!).values()) {
			const ip = (service.spec as {clusterIP?: string} | undefined)?.clusterIP;
			if (ip) used.add(ip);
		}
		const LOWER_BAND = 256;
		const DYNAMIC = 65_536 - LOWER_BAND - 1; // without the broadcast address 10.0.255.255
		const start = createHash('sha256').update(`${namespace}/${name}`).digest().readUInt32BE(0) % DYNAMIC;
		for (let step = 0; step < DYNAMIC; step++) {
			const index = LOWER_BAND + ((start + step) % DYNAMIC);
			const ip = `10.0.${Math.floor(index / 256)}.${index % 256}`;
			if (!used.has(ip)) return ip;
		}
		throw new StatusError(500, 'InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full');
	};

	const listStored = (type: ResourceType, list: ListOptions = {}): KubeObject[] => {
		const labelMatch = list.labelSelector ? parseLabelSelectorOrBadRequest(list.labelSelector) : undefined;
		const fieldMatch = list.fieldSelector ? parseFieldSelector(list.fieldSelector, type.kind) : undefined;
		const result: KubeObject[] = [];
		for (const object of bucket(type).values()) {
			if (list.namespace && type.namespaced && object.metadata.namespace !== list.namespace) continue;
			if ((labelMatch && !labelMatch(object.metadata.labels)) || (fieldMatch && !fieldMatch(object))) continue;
			result.push(object);
		}
		if (list.unordered) return result;
		// etcd returns keys in byte order: namespace, then name.
		return result.sort((a, b) => compareText(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compareText(a.metadata.name, b.metadata.name));
	};

	const serialized = (object: KubeObject): string => {
		let text = serializedText.get(object);
		if (text === undefined) {
			text = JSON.stringify(object);
			if (Object.isFrozen(object)) serializedText.set(object, text);
		}
		return text;
	};
	/** A private copy of a stored object: parsing its cached JSON costs less than structuredClone (stored objects are plain JSON). */
	const copyOut = (object: KubeObject, apiVersion: string): KubeObject => {
		const copy = JSON.parse(serialized(object)) as KubeObject;
		copy.apiVersion = apiVersion;
		return copy;
	};

	// Something was lost on load: a snapshot of what was recovered replaces the damaged journal (a copy of which is kept),
	// so the next start does not meet the damage again. On a full disk the journal stays; its damage is skipped again.
	if (stateFile && recovery) compactNow();

	// On load, resume what a crash interrupted: namespaces that were terminating.
	for (const ns of objects.get('/Namespace')?.values() ?? []) {
		if (ns.metadata.deletionTimestamp) scheduleNamespaceTermination(ns.metadata.name);
	}

	const store: PracticeStore = {
		registry,
		sections: {
			read<T>(section: string, fallback: T): T {
				return sections.has(section) ? clone(sections.get(section) as T) : fallback;
			},
			write<T>(section: string, value: T): void {
				const copy = clone(value);
				persist({op: 'section', name: section, value: copy});
				if (stateFile) undo.push({seq: ++undoSeq, section, had: sections.has(section), previous: sections.get(section)});
				sections.set(section, copy);
				if (!stateFile) return;
				// Sections (the cloud's model, the tools' state) are written by callers that do not await flush(): synced here.
				try {
					stateFile.syncNow();
				} catch (error) {
					rollBack(error);
					throw lastDiskError!;
				}
				undo.length = 0;
			},
		},
		resourceVersion: () => resourceVersion,
		changesSince(since) {
			if (since < historyStart) return undefined;
			if (since >= resourceVersion) return [];
			let low = 0;
			let high = history.length;
			while (low < high) {
				const mid = (low + high) >> 1;
				if (history[mid]!.resourceVersion <= since) low = mid + 1;
				else high = mid;
			}
			return history.slice(low);
		},
		onChange(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		listStored,
		getStored: (type, namespace, name) => bucket(type).get(objectKey(type.namespaced ? namespace || 'default' : undefined, name)),
		createObject,
		updateObject,
		deleteObject,
		enableGracefulPodDeletion() {
			gracefulPodDeletion++;
			let undone = false;
			return () => {
				if (!undone) gracefulPodDeletion--;
				undone = true;
			};
		},
		serialized,
		registerValidator(apiVersion, kind, validator) {
			const key = `${apiVersion}/${kind}`;
			const set = validators.get(key) ?? new Set();
			validators.set(key, set);
			set.add(validator);
			return () => set.delete(validator);
		},
		list(apiVersion, kind, list = {}) {
			const type = resolveType(apiVersion, kind);
			return listStored(type, list as ListOptions).map((object) => copyOut(object, apiVersion));
		},
		get(apiVersion, kind, namespace, name) {
			const type = resolveType(apiVersion, kind);
			const object = store.getStored(type, namespace, name);
			return object ? copyOut(object, apiVersion) : undefined;
		},
		create: (object) => clone(createObject(object)),
		update: (object) => clone(updateObject(object)),
		apply(object) {
			const type = resolveType(object?.apiVersion, object?.kind);
			const existing = store.getStored(type, object.metadata?.namespace, object.metadata?.name);
			if (!existing) return clone(createObject(object));
			const metadata = {...object.metadata};
			delete metadata.resourceVersion;
			return clone(updateObject({...object, metadata}));
		},
		delete(apiVersion, kind, namespace, name) {
			const type = resolveType(apiVersion, kind);
			if (!store.getStored(type, namespace, name)) return undefined;
			return clone(deleteObject(type, namespace, name).object);
		},
		subscribe(listener) {
			publicListeners.add(listener);
			return () => publicListeners.delete(listener);
		},
		recordEvent(involved, eventType, reason, message, source = 'practice') {
			const namespace = involved.metadata.namespace || 'default';
			const eventKind = registry.byKind('v1', 'Event')!;
			if (!bucket(registry.byKind('v1', 'Namespace')!).has(objectKey(undefined, namespace))) return;
			const at = rfc3339(now());
			const map = bucket(eventKind);
			const repeatOf = eventIndex.get(`${namespace}\u0000${involved.metadata.uid}\u0000${reason}\u0000${message}`);
			const event = repeatOf === undefined ? undefined : map.get(objectKey(namespace, repeatOf));
			if (event) {
				commit(eventKind, 'MODIFIED', {...event, count: ((event.count as number) ?? 1) + 1, lastTimestamp: at}, event);
				return;
			}
			const {group} = splitApiVersion(involved.apiVersion);
			commit(eventKind, 'ADDED', {
				apiVersion: 'v1',
				kind: 'Event',
				metadata: {name: `${involved.metadata.name}.${eventNameSuffix(now())}`, namespace, uid: randomUUID(), creationTimestamp: at},
				involvedObject: {
					kind: involved.kind,
					namespace: involved.metadata.namespace,
					name: involved.metadata.name,
					uid: involved.metadata.uid,
					apiVersion: involved.apiVersion,
					resourceVersion: involved.metadata.resourceVersion,
					...(group === '' && involved.kind === 'Pod' && (involved.spec as {containers?: Array<{name: string}>} | undefined)?.containers?.length === 1 && /^(Pulling|Pulled|Created|Started|BackOff|Killing)$/.test(reason)
						? {fieldPath: `spec.containers{${(involved.spec as {containers: Array<{name: string}>}).containers[0]!.name}}`}
						: {}),
				},
				reason,
				message,
				source: {component: source},
				firstTimestamp: at,
				lastTimestamp: at,
				count: 1,
				type: eventType,
				eventTime: null,
				reportingComponent: source,
				reportingInstance: '',
			});
		},
		flush,
		recovery,
		removeAll() {
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			const crdsLast = [...objects].sort(([a], [b]) => Number(a === 'apiextensions.k8s.io/CustomResourceDefinition') - Number(b === 'apiextensions.k8s.io/CustomResourceDefinition'));
			for (const [key, map] of crdsLast) {
				const [group, kind] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
				const type = registry.byGroupKind(group, kind);
				for (const object of [...map.values()]) {
					if (type) commit(type, 'DELETED', object, object);
					else map.delete(objectKey(object.metadata.namespace, object.metadata.name));
				}
			}
		},
		close() {
			closed = true;
			if (flushTimer) clearImmediate(flushTimer);
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			if (stateFile) {
				try {
					// The journal first: if the snapshot cannot be written, the journal still has everything.
					stateFile.syncNow();
					stateFile.compact(snapshot());
				} finally {
					stateFile.close();
				}
			}
		},
	};
	return store;
}
