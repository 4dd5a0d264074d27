import {createHash} from 'node:crypto';
import type {ClusterStore, KubeObject} from '../types.js';
import type {ResourceType} from '../api/registry.js';

export interface Container {
	name: string;
	image?: string;
	command?: string[];
	args?: string[];
	ports?: Array<{containerPort: number; name?: string; protocol?: string}>;
}

export interface PodSpec {
	nodeName?: string;
	hostNetwork?: boolean;
	nodeSelector?: Record<string, string>;
	containers: Container[];
	initContainers?: Container[];
	[key: string]: unknown;
}

export interface LabelSelector {
	matchLabels?: Record<string, string>;
	matchExpressions?: Array<{key: string; operator: string; values?: string[]}>;
}

export const podSpec = (pod: KubeObject) => (pod.spec ?? {containers: []}) as PodSpec;
export const podStatus = (pod: KubeObject) => (pod.status ?? {}) as Record<string, unknown> & {phase?: string; podIP?: string; conditions?: Array<{type: string; status: string}>};

export function isPodReady(pod: KubeObject): boolean {
	return podStatus(pod).conditions?.some(condition => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

export function isTerminating(object: KubeObject): boolean {
	return Boolean(object.metadata.deletionTimestamp);
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
	if (!selector) return false;
	const have = labels ?? {};
	for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (have[key] !== value) return false;
	for (const expression of selector.matchExpressions ?? []) {
		const value = have[expression.key];
		const values = expression.values ?? [];
		if (expression.operator === 'In' && (value === undefined || !values.includes(value))) return false;
		if (expression.operator === 'NotIn' && value !== undefined && values.includes(value)) return false;
		if (expression.operator === 'Exists' && value === undefined) return false;
		if (expression.operator === 'DoesNotExist' && value !== undefined) return false;
	}
	return (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0)) > 0;
}

export function ownedBy(object: KubeObject, owner: KubeObject): boolean {
	return object.metadata.ownerReferences?.some(reference => reference.uid === owner.metadata.uid && reference.controller) ?? false;
}

export function controllerReference(owner: KubeObject) {
	return {apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true};
}

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** A stable short hash in the characters Kubernetes uses for generated names (pod-template-hash). */
export function templateHash(template: unknown, length = 10): string {
	const digest = createHash('sha256').update(JSON.stringify(template ?? {})).digest();
	let text = '';
	for (let index = 0; text.length < length; index++) text += safeAlphabet[digest[index % digest.length]! % safeAlphabet.length];
	return text;
}

export function randomSuffix(length = 5): string {
	let text = '';
	for (let index = 0; index < length; index++) text += safeAlphabet[Math.floor(Math.random() * safeAlphabet.length)];
	return text;
}

/** The practice store's read path without copies (PracticeStore); a plain ClusterStore is read through its copying calls. */
interface StoredReads {
	registry: {byKind(apiVersion: string, kind: string): ResourceType | undefined};
	listStored(type: ResourceType, options?: {namespace?: string; labelSelector?: string; unordered?: boolean}): KubeObject[];
	getStored(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined;
}

const storedReads = (store: ClusterStore): StoredReads | undefined =>
	typeof (store as Partial<StoredReads>).listStored === 'function' && (store as Partial<StoredReads>).registry ? (store as unknown as StoredReads) : undefined;

/**
 * The objects of a kind as stored, in no particular order: frozen, shared, never to be modified. The controllers
 * scan on every change, so a copy of every pod per scan would make each write cost the size of the cluster.
 */
export function listView(store: ClusterStore, apiVersion: string, kind: string, options: {namespace?: string; sorted?: boolean} = {}): readonly KubeObject[] {
	const reads = storedReads(store);
	const type = reads?.registry.byKind(apiVersion, kind);
	if (!reads || !type) return store.list(apiVersion, kind, {namespace: options.namespace});
	return reads.listStored(type, {namespace: options.namespace, unordered: !options.sorted});
}

/** One object as stored (frozen), or a copy from a plain ClusterStore. */
export function getView(store: ClusterStore, apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
	const reads = storedReads(store);
	const type = reads?.registry.byKind(apiVersion, kind);
	if (!reads || !type) return store.get(apiVersion, kind, namespace, name);
	const object = reads.getStored(type, namespace, name);
	// A kind served in several versions answers in the one asked for.
	return object && object.apiVersion !== apiVersion ? {...object, apiVersion} : object;
}

/** Re-reads an object, lets `change` edit a copy, and writes it back only when something changed. */
export function modify(store: ClusterStore, object: KubeObject, change: (draft: KubeObject) => void): KubeObject | undefined {
	const current = getView(store, object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
	if (!current || current.metadata.uid !== object.metadata.uid) return undefined;
	const draft = structuredClone(current);
	change(draft);
	if (JSON.stringify(draft) === JSON.stringify(current)) return current;
	delete draft.metadata.resourceVersion;
	try {
		return store.update(draft);
	} catch {
		return undefined;
	}
}

export function rfc3339(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
