import {createHash} from 'node:crypto';
import type {ClusterStore, KubeObject} from '../types.js';

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

/** Re-reads an object, lets `change` edit a copy, and writes it back only when something changed. */
export function modify(store: ClusterStore, object: KubeObject, change: (draft: KubeObject) => void): KubeObject | undefined {
	const current = store.get(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
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
