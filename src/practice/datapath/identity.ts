// Cilium labels, label selectors and identities (pkg/labels, pkg/identity @v1.16.0; cilium-semantics.md §3.3, §3.6).

/** A label set keyed `source:key` (`k8s:app`, `reserved:world`). */
export type Labels = Record<string, string>;

export const RESERVED = {
	host: 1,
	world: 2,
	unmanaged: 3,
	health: 4,
	init: 5,
	'remote-node': 6,
	'kube-apiserver': 7,
	ingress: 8,
	'world-ipv4': 9,
	'world-ipv6': 10,
} as const;
export type ReservedName = keyof typeof RESERVED;

export const RESERVED_NAMES = new Map<number, ReservedName>(Object.entries(RESERVED).map(([name, id]) => [id, name as ReservedName]));
export const FIRST_LOCAL_IDENTITY = 16_777_216;

export const NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';
const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';
const KNOWN_SOURCES = new Set(['k8s', 'reserved', 'any', 'cidr', 'fqdn', 'container', 'unspec', 'cilium-generated', 'kvstore', 'cilium']);

export function splitLabelKey(key: string): {source: string; key: string} {
	const colon = key.indexOf(':');
	if (colon > 0 && KNOWN_SOURCES.has(key.slice(0, colon))) return {source: key.slice(0, colon), key: key.slice(colon + 1)};
	return {source: 'any', key};
}

export function reservedLabels(name: ReservedName): Labels {
	return {[`reserved:${name}`]: ''};
}

/** Kubernetes labels Cilium leaves out of identities (the default label filter of pkg/labelsfilter). */
function excludedFromIdentity(key: string): boolean {
	return (
		key === 'pod-template-hash' ||
		key === 'pod-template-generation' ||
		key === 'controller-revision-hash' ||
		key.startsWith('statefulset.kubernetes.io/pod-name') ||
		key.startsWith('apps.kubernetes.io/pod-index') ||
		key.startsWith('batch.kubernetes.io/') ||
		key.startsWith('kubernetes.io') ||
		key.startsWith('k8s.io') ||
		key.startsWith('io.kubernetes') ||
		key.startsWith('annotation')
	);
}

/** The labels of a pod's endpoint: its own labels, its namespace, service account, cluster and namespace labels. */
export function endpointLabels(input: {
	namespace: string;
	podLabels?: Record<string, string>;
	serviceAccount?: string;
	namespaceLabels?: Record<string, string>;
	clusterName?: string;
}): Labels {
	const labels: Labels = {};
	for (const [key, value] of Object.entries(input.podLabels ?? {})) {
		if (!excludedFromIdentity(key)) labels[`k8s:${key}`] = value;
	}
	const namespaceLabels = {'kubernetes.io/metadata.name': input.namespace, ...(input.namespaceLabels ?? {})};
	for (const [key, value] of Object.entries(namespaceLabels)) labels[`k8s:${NAMESPACE_LABELS_PREFIX}${key}`] = value;
	labels['k8s:io.cilium.k8s.policy.cluster'] = input.clusterName ?? 'default';
	labels['k8s:io.cilium.k8s.policy.serviceaccount'] = input.serviceAccount ?? 'default';
	labels[NAMESPACE_LABEL] = input.namespace;
	return labels;
}

export function labelStrings(labels: Labels): string[] {
	return Object.keys(labels)
		.sort()
		.map((key) => (labels[key] === '' ? key : `${key}=${labels[key]}`));
}

/** A stable numeric identity for a label set, in the cluster-local range 256..65535, probing past collisions. */
export function identityForLabels(labels: Labels, taken?: (id: number) => string | undefined): number {
	const key = labelStrings(labels).join(';');
	let hash = 2166136261;
	for (let index = 0; index < key.length; index++) {
		hash ^= key.charCodeAt(index);
		hash = Math.imul(hash, 16777619) >>> 0;
	}
	const span = 65535 - 256;
	for (let probe = 0; probe < span; probe++) {
		const id = 256 + ((hash + probe) % span);
		const owner = taken?.(id);
		if (owner === undefined || owner === key) return id;
	}
	throw new Error('identity space exhausted');
}

export interface LabelSelector {
	matchLabels?: Record<string, string>;
	matchExpressions?: Array<{key: string; operator: string; values?: string[]}>;
}

function valuesFor(labels: Labels, selectorKey: string): string[] {
	const {source, key} = splitLabelKey(selectorKey);
	if (source !== 'any') return `${source}:${key}` in labels ? [labels[`${source}:${key}`]!] : [];
	const found: string[] = [];
	for (const [fullKey, value] of Object.entries(labels)) {
		if (splitLabelKey(fullKey).key === key) found.push(value);
	}
	return found;
}

/** Whether a Cilium EndpointSelector (keys may carry a `source:` prefix) selects a label set. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
	for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
		if (!valuesFor(labels, key).includes(String(value))) return false;
	}
	for (const expression of selector.matchExpressions ?? []) {
		const values = valuesFor(labels, expression.key);
		const wanted = expression.values ?? [];
		switch (expression.operator) {
			case 'In':
				if (!values.some((value) => wanted.includes(value))) return false;
				break;
			case 'NotIn':
				if (values.some((value) => wanted.includes(value))) return false;
				break;
			case 'Exists':
				if (values.length === 0) return false;
				break;
			case 'DoesNotExist':
				if (values.length > 0) return false;
				break;
			default:
				return false;
		}
	}
	return true;
}

export function selectorMentions(selector: LabelSelector, predicate: (key: string) => boolean): boolean {
	return Object.keys(selector.matchLabels ?? {}).some(predicate) || (selector.matchExpressions ?? []).some((expression) => predicate(expression.key));
}

export function describeSelector(selector: LabelSelector | undefined): string {
	if (!selector) return '{}';
	const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
	for (const expression of selector.matchExpressions ?? []) {
		parts.push(`${expression.key} ${expression.operator}${expression.values ? ` (${expression.values.join(',')})` : ''}`);
	}
	return parts.length === 0 ? '{}' : parts.join(', ');
}
