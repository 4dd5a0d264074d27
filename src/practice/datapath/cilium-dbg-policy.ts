// The agent's policy repository as `cilium-dbg policy get` prints it: each CiliumNetworkPolicy /
// CiliumClusterwideNetworkPolicy spec the agent accepted, as pkg/k8s/apis/cilium.io/utils ParseToCiliumRule makes an
// api.Rule of it (selector keys with their label source, `any:` when none; the policy's namespace added to the subject
// and to peer endpoint selectors that name none; the policy labels) and api.Rule.Sanitize completes it
// (enableDefaultDeny per direction, a port's protocol ANY when unset), marshalled in pkg/policy/api's field order.
import type {KubeObject, PracticeContext} from '../types.js';
import {ciliumBehaviour, type CiliumBehaviour} from '../versions.js';
import {splitLabelKey} from './identity.js';
import {compilePolicy} from './policy.js';
import {runningCiliumVersion} from './view.js';

type Raw = Record<string, unknown>;
const asArray = (value: unknown): Raw[] => (Array.isArray(value) ? (value as Raw[]) : []);
const asRecord = (value: unknown): Raw | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : undefined);

const NAMESPACE_KEY = 'k8s:io.kubernetes.pod.namespace';

/** A selector key with its label source (pkg/labels ParseSelectLabel: no known source means `any`). */
function sourcedKey(key: string): string {
	const {source, key: bare} = splitLabelKey(key);
	return `${source}:${bare}`;
}

/** Go marshals map keys sorted. */
function sortedObject(record: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function selectorJson(selector: Raw | undefined, addNamespace?: {namespace?: string; clusterwide: boolean}): Raw {
	const matchLabels: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(asRecord(selector?.matchLabels) ?? {})) matchLabels[sourcedKey(key)] = value;
	const matchExpressions = asArray(selector?.matchExpressions).map((expression) => ({key: sourcedKey(String(expression.key)), operator: expression.operator, ...(expression.values ? {values: expression.values} : {})}));
	if (addNamespace) {
		const keys = [...Object.keys(matchLabels), ...matchExpressions.map((expression) => expression.key)];
		const scoped = keys.some((key) => {
			const {source, key: bare} = splitLabelKey(key);
			return bare === 'io.kubernetes.pod.namespace' || bare.startsWith('io.cilium.k8s.namespace.labels') || source === 'reserved';
		});
		if (!scoped) {
			if (addNamespace.namespace) matchLabels[NAMESPACE_KEY] = addNamespace.namespace;
			else if (addNamespace.clusterwide) matchExpressions.push({key: NAMESPACE_KEY, operator: 'Exists'});
		}
	}
	return {
		...(Object.keys(matchLabels).length > 0 ? {matchLabels: sortedObject(matchLabels)} : {}),
		...(matchExpressions.length > 0 ? {matchExpressions} : {}),
	};
}

function portRuleJson(portRule: Raw): Raw {
	const ports = asArray(portRule.ports).map((port) => ({
		...(port.port !== undefined ? {port: String(port.port)} : {}),
		...(typeof port.endPort === 'number' && port.endPort !== 0 ? {endPort: port.endPort} : {}),
		protocol: port.protocol ?? 'ANY',
	}));
	const rules = asRecord(portRule.rules);
	return {...(ports.length > 0 ? {ports} : {}), ...(rules ? {rules: l7Json(rules)} : {})};
}

function l7Json(rules: Raw): Raw {
	const result: Raw = {};
	if (Array.isArray(rules.http)) result.http = asArray(rules.http).map((rule) => ({...rule}));
	if (Array.isArray(rules.dns)) result.dns = asArray(rules.dns).map((rule) => ({...(rule.matchName !== undefined ? {matchName: rule.matchName} : {}), ...(rule.matchPattern !== undefined ? {matchPattern: rule.matchPattern} : {})}));
	return result;
}

/** pkg/policy/api ingress.go / egress.go field order (the common rule first: endpoints, requires, CIDR, CIDR set, entities, …). */
function peerRuleJson(rule: Raw, direction: 'ingress' | 'egress', scope: {namespace?: string; clusterwide: boolean}): Raw {
	const prefix = direction === 'ingress' ? 'from' : 'to';
	const result: Raw = {};
	if (Array.isArray(rule[`${prefix}Endpoints`])) result[`${prefix}Endpoints`] = asArray(rule[`${prefix}Endpoints`]).map((selector) => selectorJson(selector, scope));
	if (Array.isArray(rule[`${prefix}Requires`])) result[`${prefix}Requires`] = asArray(rule[`${prefix}Requires`]).map((selector) => selectorJson(selector, scope));
	for (const field of ['CIDR', 'CIDRSet', 'Entities', 'Services', 'Groups', 'Nodes']) {
		if (rule[`${prefix}${field}`] !== undefined) result[`${prefix}${field}`] = rule[`${prefix}${field}`];
	}
	if (Array.isArray(rule.toPorts)) result.toPorts = asArray(rule.toPorts).map(portRuleJson);
	if (direction === 'egress' && Array.isArray(rule.toFQDNs)) result.toFQDNs = asArray(rule.toFQDNs).map((selector) => ({...(selector.matchName !== undefined ? {matchName: selector.matchName} : {}), ...(selector.matchPattern !== undefined ? {matchPattern: selector.matchPattern} : {})}));
	if (rule.icmps !== undefined) result.icmps = rule.icmps;
	if (rule.authentication !== undefined) result.authentication = rule.authentication;
	return result;
}

function ruleJson(object: KubeObject, spec: Raw): Raw {
	const clusterwide = object.kind === 'CiliumClusterwideNetworkPolicy';
	const namespace = clusterwide ? undefined : (object.metadata.namespace ?? 'default');
	const scope = {namespace, clusterwide};
	const rule: Raw = {};
	const endpointSelector = asRecord(spec.endpointSelector);
	if (endpointSelector) rule.endpointSelector = selectorJson(endpointSelector, namespace ? {namespace, clusterwide: false} : undefined);
	if (asRecord(spec.nodeSelector)) rule.nodeSelector = selectorJson(asRecord(spec.nodeSelector));
	for (const section of ['ingress', 'ingressDeny', 'egress', 'egressDeny'] as const) {
		const list = asArray(spec[section]);
		if (list.length > 0) rule[section] = list.map((entry) => peerRuleJson(entry, section.startsWith('ingress') ? 'ingress' : 'egress', scope));
	}
	rule.labels = [
		{key: 'io.cilium.k8s.policy.derived-from', value: object.kind, source: 'k8s'},
		{key: 'io.cilium.k8s.policy.name', value: object.metadata.name, source: 'k8s'},
		...(namespace ? [{key: 'io.cilium.k8s.policy.namespace', value: namespace, source: 'k8s'}] : []),
		{key: 'io.cilium.k8s.policy.uid', value: object.metadata.uid ?? '', source: 'k8s'},
	];
	const written = asRecord(spec.enableDefaultDeny) ?? {};
	const hasIngress = asArray(spec.ingress).length > 0 || asArray(spec.ingressDeny).length > 0;
	const hasEgress = asArray(spec.egress).length > 0 || asArray(spec.egressDeny).length > 0;
	rule.enableDefaultDeny = {ingress: typeof written.ingress === 'boolean' ? written.ingress : hasIngress, egress: typeof written.egress === 'boolean' ? written.egress : hasEgress};
	if (typeof spec.description === 'string' && spec.description !== '') rule.description = spec.description;
	return rule;
}

const POLICY_KINDS = new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'NetworkPolicy']);
const repositories = new WeakMap<object, {revision: number; rules: Map<string, string>}>();

/** The objects of a kind, or none while its CRD is not served (Cilium not installed yet). */
export function listIfServed(ctx: PracticeContext, apiVersion: string, kind: string): KubeObject[] {
	try {
		return ctx.store.list(apiVersion, kind);
	} catch {
		return [];
	}
}

/** What the agent holds of a policy object: its specs when it accepted them, undefined when it refused it. */
function acceptedRules(object: KubeObject, behaviour: CiliumBehaviour): string | undefined {
	if (object.kind !== 'NetworkPolicy' && compilePolicy(object, behaviour).some((policy) => policy.error)) return undefined;
	const raw = object as unknown as Raw;
	return JSON.stringify([raw.spec, raw.specs]);
}

/**
 * The repository's revision: 1 when empty, one more for each policy the agent adds, replaces or deletes
 * (pkg/policy/repository.go bumps it on every AddList / ReplaceByResource / DeleteByResource). A refused policy and
 * a status-only change (the operator's conditions) leave it. Counted from the first time an agent is asked, with
 * the policies then present.
 */
function repositoryRevision(ctx: PracticeContext, behaviour: CiliumBehaviour): number {
	let repository = repositories.get(ctx.store);
	if (!repository) {
		const rules = new Map<string, string>();
		for (const [apiVersion, kind] of [['cilium.io/v2', 'CiliumNetworkPolicy'], ['cilium.io/v2', 'CiliumClusterwideNetworkPolicy'], ['networking.k8s.io/v1', 'NetworkPolicy']] as const) {
			for (const object of listIfServed(ctx, apiVersion, kind)) {
				const accepted = acceptedRules(object, behaviour);
				if (accepted !== undefined) rules.set(`${kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`, accepted);
			}
		}
		const created = {revision: 1 + rules.size, rules};
		repository = created;
		repositories.set(ctx.store, created);
		ctx.store.subscribe((event) => {
			const object = event.object;
			if (!POLICY_KINDS.has(object.kind)) return;
			const key = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
			const next = event.type === 'DELETED' ? undefined : acceptedRules(object, behaviour);
			if (next === created.rules.get(key)) return;
			if (next === undefined) created.rules.delete(key);
			else created.rules.set(key, next);
			created.revision++;
		});
	}
	return repository.revision;
}

export function policyRepositoryRules(ctx: PracticeContext): {rules: Raw[]; revision: number} {
	const behaviour = ciliumBehaviour(runningCiliumVersion(listIfServed(ctx, 'v1', 'Pod')));
	const objects = [...listIfServed(ctx, 'cilium.io/v2', 'CiliumNetworkPolicy'), ...listIfServed(ctx, 'cilium.io/v2', 'CiliumClusterwideNetworkPolicy')].sort(
		(a, b) => String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || String(a.metadata.resourceVersion ?? '').localeCompare(String(b.metadata.resourceVersion ?? ''), undefined, {numeric: true}),
	);
	const rules: Raw[] = [];
	for (const object of objects) {
		// The agent refuses a policy as a whole when one of its rules fails to parse (policy-status.ts logs why).
		if (acceptedRules(object, behaviour) === undefined) continue;
		const raw = object as unknown as Raw;
		const specs = [...(asRecord(raw.spec) ? [asRecord(raw.spec)!] : []), ...asArray(raw.specs)];
		for (const spec of specs) rules.push(ruleJson(object, spec));
	}
	return {rules, revision: repositoryRevision(ctx, behaviour)};
}

/** Whether the repository holds Kubernetes NetworkPolicies (their rules are not printed by the practice cluster). */
export function networkPolicyCount(ctx: PracticeContext): number {
	return listIfServed(ctx, 'networking.k8s.io/v1', 'NetworkPolicy').length;
}
