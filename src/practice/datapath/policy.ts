// Parsing CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy and Kubernetes NetworkPolicy into one rule
// form (what pkg/policy/api + pkg/k8s/network_policy.go do), their validation, and an index by selector.
import {ciliumBehaviour, type CiliumBehaviour} from '../versions.js';
import {compileFqdnSelector, sanitizeFqdnSelector, validateFqdnSelectorSchema, type CompiledFqdnSelector, type FqdnSelector, type SchemaCause} from './fqdn.js';
import {NAMESPACE_LABEL, selectorMentions, splitLabelKey, type LabelSelector, type Labels} from './identity.js';

export type Direction = 'ingress' | 'egress';
export type Protocol = 'TCP' | 'UDP' | 'SCTP' | 'ICMP';

export interface PolicyRef {
	kind: 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy' | 'NetworkPolicy';
	namespace?: string;
	name: string;
}

export interface RuleRef {
	policy: PolicyRef;
	/** `spec`, or `specs[N]`. */
	specPath: string;
	section: 'ingress' | 'egress' | 'ingressDeny' | 'egressDeny';
	index: number;
}

export type PeerMatcher =
	| {kind: 'wildcard'}
	| {kind: 'endpoints'; selectors: LabelSelector[]}
	| {kind: 'entities'; entities: string[]}
	| {kind: 'cidr'; cidrs: Array<{cidr: string; except: string[]}>}
	| {kind: 'fqdn'; selectors: CompiledFqdnSelector[]};

export interface PortMatcher {
	/** 0 = every port. */
	port: number;
	endPort: number;
	/** A named port, resolved against the destination's container ports. */
	name?: string;
	protocols: Protocol[];
}

/**
 * One `rules.http` entry as Cilium hands it to Envoy (pkg/envoy/server.go getHTTPRule @v1.16.4): path, method and
 * host are RE2 regexes matched against the whole `:path` (query string included), `:method` and `:authority`
 * headers; `headers` entries are `Name` (presence) or `Name: value` (exact value); headerMatches without a
 * mismatch action are the same exact match.
 */
export interface CompiledHttpRule {
	method?: RegExp;
	path?: RegExp;
	host?: RegExp;
	headers: Array<{name: string; value?: string}>;
	/** The rule as written, for explanations: `method: "GET", path: "/public"`. */
	text: string;
}

export interface CompiledPortRule {
	ports: PortMatcher[];
	/** DNS L7 rules: undefined = no L7 (plain L4 allow). An empty list allows every name. */
	dns?: CompiledFqdnSelector[];
	/** HTTP L7 rules: undefined = no HTTP L7. An empty list (`http: []`) gives Envoy no rule: every request passes. */
	http?: CompiledHttpRule[];
}

export interface CompiledPeerRule {
	ref: RuleRef;
	deny: boolean;
	/** ORed L3 selectors; empty = no L3 part. */
	peers: PeerMatcher[];
	/** undefined = every port (no L4 part). */
	portRules?: CompiledPortRule[];
	/** ICMP types allowed by `icmps`. */
	icmpTypes?: number[];
	/** A rule with neither L3 nor L4 (the CNP `{}`): matches nothing. */
	empty: boolean;
}

export interface CompiledPolicy {
	ref: PolicyRef;
	specPath: string;
	subject: LabelSelector;
	/** CNP and NetworkPolicy select only in their namespace; CCNP everywhere. */
	subjectNamespace?: string;
	/** A nodeSelector (host) policy: not simulated, selects no pod. */
	hostPolicy: boolean;
	rules: Record<Direction, CompiledPeerRule[]>;
	enforces: Record<Direction, boolean>;
	defaultDeny: Record<Direction, boolean>;
	/** The agent refused this rule (it stays stored but is not applied). */
	error?: string;
}

const PROTOCOL_ENUM = ['TCP', 'UDP', 'SCTP', 'ANY'];
const PORT_PATTERN = /^((6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*)$/;
const ENTITIES = ['all', 'world', 'world-ipv4', 'world-ipv6', 'cluster', 'host', 'init', 'ingress', 'unmanaged', 'remote-node', 'health', 'none', 'kube-apiserver'];

type Raw = Record<string, unknown>;
const asArray = (value: unknown): Raw[] => (Array.isArray(value) ? (value as Raw[]) : []);
const asRecord = (value: unknown): Raw | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : undefined);

function policySpecs(object: Raw): Array<{spec: Raw; path: string}> {
	const specs: Array<{spec: Raw; path: string}> = [];
	const spec = asRecord(object.spec);
	if (spec) specs.push({spec, path: 'spec'});
	asArray(object.specs).forEach((entry, index) => {
		const record = asRecord(entry);
		if (record) specs.push({spec: record, path: `specs[${index}]`});
	});
	return specs;
}

/**
 * The CRD schema's checks of toFQDNs / DNS names, port and protocol values and entities, with the apiserver's wording,
 * and the L7 rules the practice cluster refuses. The installed release's real schema (cilium-crd-data.ts) runs first
 * in the API server; these name what it lets through (its port pattern is anchored only at one end) and stand alone
 * where there is no API server.
 */
export function validateCiliumPolicy(object: {kind?: string; spec?: unknown; specs?: unknown}): SchemaCause[] {
	const causes: SchemaCause[] = [];
	for (const {spec, path} of policySpecs(object as Raw)) {
		for (const section of ['egress', 'egressDeny', 'ingress', 'ingressDeny'] as const) {
			asArray(spec[section]).forEach((rule, ruleIndex) => {
				const rulePath = `${path}.${section}[${ruleIndex}]`;
				asArray(rule?.toFQDNs).forEach((selector, index) => causes.push(...validateFqdnSelectorSchema(selector, `${rulePath}.toFQDNs[${index}]`)));
				for (const entitiesKey of ['toEntities', 'fromEntities']) {
					asArray(rule?.[entitiesKey]).forEach((entity, index) => {
						if (!ENTITIES.includes(entity as unknown as string)) {
							const field = `${rulePath}.${entitiesKey}[${index}]`;
							causes.push({
								reason: 'FieldValueNotSupported',
								field,
								message: `Unsupported value: ${JSON.stringify(entity)}: supported values: ${ENTITIES.map((name) => `"${name}"`).join(', ')}`,
							});
						}
					});
				}
				asArray(rule?.toPorts).forEach((portRule, portRuleIndex) => {
					const portRulePath = `${rulePath}.toPorts[${portRuleIndex}]`;
					asArray(portRule?.ports).forEach((port, portIndex) => {
						const portPath = `${portRulePath}.ports[${portIndex}]`;
						if (typeof port?.port === 'string' && !PORT_PATTERN.test(port.port)) {
							causes.push({reason: 'FieldValueInvalid', field: `${portPath}.port`, message: `Invalid value: ${JSON.stringify(port.port)}: ${portPath}.port in body should match '${PORT_PATTERN.source}'`});
						}
						if (port?.protocol !== undefined && !PROTOCOL_ENUM.includes(port.protocol as string)) {
							causes.push({
								reason: 'FieldValueNotSupported',
								field: `${portPath}.protocol`,
								message: `Unsupported value: ${JSON.stringify(port.protocol)}: supported values: "TCP", "UDP", "SCTP", "ANY"`,
							});
						}
					});
					asArray(asRecord(portRule?.rules)?.dns).forEach((selector, index) =>
						causes.push(...validateFqdnSelectorSchema(selector, `${portRulePath}.rules.dns[${index}]`)),
					);
					causes.push(...unsimulatedL7Causes(asRecord(portRule?.rules), `${portRulePath}.rules`));
				});
			});
		}
	}
	return causes;
}

/**
 * L7 rules the practice cluster has no proxy for (Kafka, generic `l7proto` parsers, HTTP header rules with side
 * effects or Secrets): refused at apply, naming the field, rather than stored and silently not enforced.
 */
export function unsimulatedL7Causes(rules: Raw | undefined, path: string): SchemaCause[] {
	if (!rules) return [];
	const causes: SchemaCause[] = [];
	const forbidden = (field: string, what: string) =>
		causes.push({reason: 'FieldValueForbidden', field: `${path}.${field}`, message: `Forbidden: ${what} are not simulated by the practice cluster (only http and dns L7 rules are)`});
	if (rules.kafka !== undefined && rules.kafka !== null) forbidden('kafka', 'Kafka L7 rules');
	if (rules.l7proto !== undefined && rules.l7proto !== null && rules.l7proto !== '') forbidden('l7proto', `L7 rules for the "${String(rules.l7proto)}" parser`);
	else if (rules.l7 !== undefined && rules.l7 !== null) forbidden('l7', 'generic L7 rules');
	asArray(rules.http).forEach((rule, index) => {
		asArray(asRecord(rule)?.headerMatches).forEach((match, matchIndex) => {
			if (match?.secret !== undefined) forbidden(`http[${index}].headerMatches[${matchIndex}].secret`, 'header values from Secrets');
			else if (match?.mismatch !== undefined && match.mismatch !== '') forbidden(`http[${index}].headerMatches[${matchIndex}].mismatch`, 'header mismatch actions (LOG, ADD, DELETE, REPLACE)');
		});
	});
	return causes;
}

/** The apiserver's message for a refused object, as `kubectl apply` prints it. */
export function invalidObjectMessage(kind: string, name: string, causes: SchemaCause[]): string {
	return `${kind}.cilium.io "${name}" is invalid: ${causes.map((cause) => `${cause.field}: ${cause.message}`).join(', ')}`;
}

function namespaceScoped(selector: LabelSelector): boolean {
	return selectorMentions(selector, (key) => {
		const {source, key: bare} = splitLabelKey(key);
		return bare === 'io.kubernetes.pod.namespace' || bare.startsWith('io.cilium.k8s.namespace.labels') || source === 'reserved';
	});
}

/** Adds the policy's namespace (CNP) or "any namespace" (CCNP) to a peer selector that names none (§3.3). */
function scopePeerSelector(selector: LabelSelector, namespace: string | undefined): LabelSelector {
	if (namespaceScoped(selector)) return selector;
	if (namespace) return {...selector, matchLabels: {...(selector.matchLabels ?? {}), [NAMESPACE_LABEL]: namespace}};
	return {...selector, matchExpressions: [...(selector.matchExpressions ?? []), {key: NAMESPACE_LABEL, operator: 'Exists'}]};
}

function parsePorts(raw: Raw[], defaultProtocol: Protocol | 'ANY'): PortMatcher[] {
	return raw.map((port) => {
		const protocol = String(port.protocol ?? defaultProtocol).toUpperCase();
		const protocols: Protocol[] = protocol === 'ANY' ? ['TCP', 'UDP', 'SCTP'] : [protocol as Protocol];
		const value = port.port;
		if (value === undefined || value === null || value === '') return {port: 0, endPort: 0, protocols};
		const number = typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : undefined;
		if (number === undefined) return {port: -1, endPort: -1, name: String(value).toLowerCase(), protocols};
		const endPort = typeof port.endPort === 'number' && port.endPort > number ? port.endPort : number;
		return {port: number, endPort, protocols};
	});
}

/** A Go RE2 regex as Envoy's safe_regex matches it: the whole value. */
function wholeMatch(pattern: string): RegExp | string {
	try {
		return new RegExp(`^(?:${pattern})$`, 'u');
	} catch (error) {
		return `error parsing regexp: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
	}
}

function compileHttpRule(raw: Raw): {rule: CompiledHttpRule; error?: string} {
	const rule: CompiledHttpRule = {headers: [], text: ''};
	let error: string | undefined;
	const parts: string[] = [];
	for (const field of ['method', 'path', 'host'] as const) {
		const value = raw[field];
		if (typeof value !== 'string' || value === '') continue;
		parts.push(`${field}: ${JSON.stringify(value)}`);
		const compiled = wholeMatch(value);
		if (typeof compiled === 'string') error ??= compiled;
		else rule[field] = compiled;
	}
	for (const header of Array.isArray(raw.headers) ? raw.headers.map(String) : []) {
		// "X-Key: true" needs the value, "X-Key" only the presence (getHTTPRule splits at the first space).
		const space = header.indexOf(' ');
		rule.headers.push(space < 0 ? {name: header.toLowerCase()} : {name: header.slice(0, space).replace(/:+$/, '').toLowerCase(), value: header.slice(space + 1)});
		parts.push(`header ${JSON.stringify(header)}`);
	}
	for (const match of asArray(raw.headerMatches)) {
		const name = typeof match?.name === 'string' ? match.name : '';
		if (!name) error ??= 'Header name missing';
		const value = typeof match?.value === 'string' ? match.value : '';
		rule.headers.push(value ? {name: name.toLowerCase(), value} : {name: name.toLowerCase()});
		parts.push(`headerMatch ${JSON.stringify(value ? `${name}: ${value}` : name)}`);
	}
	rule.text = parts.length > 0 ? parts.join(', ') : '{} (any request)';
	return {rule, error};
}

function compileCiliumRule(rule: Raw, ref: RuleRef, namespace: string | undefined, clusterwide: boolean, behaviour: CiliumBehaviour): {compiled: CompiledPeerRule; error?: string} {
	const ingressSide = ref.section.startsWith('ingress');
	const deny = ref.section.endsWith('Deny');
	const prefix = ingressSide ? 'from' : 'to';
	const peers: PeerMatcher[] = [];
	const l3Fields: string[] = [];
	const scope = clusterwide ? undefined : namespace;
	const endpoints = rule[`${prefix}Endpoints`];
	if (Array.isArray(endpoints)) {
		l3Fields.push('ToEndpoints');
		peers.push({kind: 'endpoints', selectors: asArray(endpoints).map((selector) => scopePeerSelector(selector as LabelSelector, scope))});
	}
	const entities = rule[`${prefix}Entities`];
	if (Array.isArray(entities)) {
		l3Fields.push('ToEntities');
		peers.push({kind: 'entities', entities: entities.map(String)});
	}
	const cidrs: Array<{cidr: string; except: string[]}> = [];
	if (Array.isArray(rule[`${prefix}CIDR`])) {
		l3Fields.push('ToCIDR');
		for (const cidr of rule[`${prefix}CIDR`] as unknown[]) cidrs.push({cidr: String(cidr), except: []});
	}
	if (Array.isArray(rule[`${prefix}CIDRSet`])) {
		l3Fields.push('ToCIDRSet');
		for (const entry of asArray(rule[`${prefix}CIDRSet`])) {
			if (typeof entry.cidr === 'string') cidrs.push({cidr: entry.cidr, except: Array.isArray(entry.except) ? entry.except.map(String) : []});
		}
	}
	if (cidrs.length > 0) peers.push({kind: 'cidr', cidrs});
	let error: string | undefined;
	for (const unsupported of ['Services', 'Groups', 'Nodes', 'Requires']) {
		if (!Array.isArray(rule[`${prefix}${unsupported}`])) continue;
		l3Fields.push(`To${unsupported}`);
		error ??= `${prefix}${unsupported} rules are not simulated by the practice cluster`;
		// Never an L3 wildcard: a rule whose only selector is not simulated selects nothing.
		peers.push({kind: 'endpoints', selectors: []});
	}
	if (!ingressSide && Array.isArray(rule.toFQDNs)) {
		const selectors = asArray(rule.toFQDNs) as unknown as FqdnSelector[];
		for (const selector of selectors) error ??= sanitizeFqdnSelector(selector);
		const other = l3Fields.find((field) => field !== 'ToRequires');
		if (other) error ??= `Combining ToFQDNs and ${other} is not supported yet`;
		if (deny) error ??= 'toFQDNs is not supported in deny rules';
		peers.push({kind: 'fqdn', selectors: selectors.map((selector) => compileFqdnSelector(selector, 'toFQDNs', behaviour))});
	}
	let portRules: CompiledPortRule[] | undefined;
	const rawPorts = rule[`toPorts`];
	if (Array.isArray(rawPorts) && rawPorts.length > 0) {
		portRules = asArray(rawPorts).map((portRule) => {
			const ports = parsePorts(asArray(portRule.ports), 'ANY');
			const rules = asRecord(portRule.rules);
			let dns: CompiledFqdnSelector[] | undefined;
			let http: CompiledHttpRule[] | undefined;
			// pkg/policy/api/l4.go + rule_validation.go @v1.16.4: one L7 kind per port rule; non-DNS L7 is TCP only.
			const kinds = rules ? ['http', 'kafka', 'dns', 'l7'].filter((kind) => Array.isArray(rules[kind])).length + (rules.l7proto ? 1 : 0) : 0;
			if (kinds > 1) error ??= 'multiple L7 protocol rule types specified in single rule';
			if (rules && Array.isArray(rules.dns)) {
				if (ingressSide) error ??= 'DNS rules are not allowed on ingress';
				if (ports.length === 0) error ??= 'Port 53 must be specified for DNS rules';
				if (ports.some((port) => port.port === 0)) error ??= 'L7 rules can not be used when a port is 0';
				for (const selector of asArray(rules.dns) as unknown as FqdnSelector[]) error ??= sanitizeFqdnSelector(selector);
				dns = (asArray(rules.dns) as unknown as FqdnSelector[]).map((selector) => compileFqdnSelector(selector, 'dns', behaviour));
			} else if (rules && Array.isArray(rules.http)) {
				for (const raw of asArray(portRule.ports)) {
					const protocol = String(raw.protocol ?? 'ANY').toUpperCase() || 'ANY';
					if (protocol !== 'TCP') error ??= `L7 rules can only apply to TCP (not ${protocol}) except for DNS rules`;
				}
				if (ports.some((port) => port.port === 0)) error ??= 'L7 rules can not be used when a port is 0';
				http = asArray(rules.http).map((raw) => {
					const compiled = compileHttpRule(asRecord(raw) ?? {});
					error ??= compiled.error;
					return compiled.rule;
				});
			}
			if (rules) error ??= unsimulatedL7Causes(rules, 'rules')[0]?.message.replace(/^Forbidden: /, '');
			if (ports.length > 40) error ??= 'too many ports, the max is 40';
			return {ports, dns, http};
		});
	}
	let icmpTypes: number[] | undefined;
	if (Array.isArray(rule.icmps)) {
		icmpTypes = asArray(rule.icmps).flatMap((icmp) =>
			asArray(icmp.fields).map((field) => (field.type === 'EchoRequest' ? 8 : field.type === 'EchoReply' ? 0 : Number(field.type))),
		);
		if (portRules) error ??= 'The ICMPs and ToPorts cannot be used in the same rule';
	}
	const empty = peers.length === 0 && !portRules && !icmpTypes && l3Fields.length === 0;
	return {compiled: {ref, deny, peers, portRules, icmpTypes, empty}, error};
}

function compileCilium(object: Raw, behaviour: CiliumBehaviour): CompiledPolicy[] {
	const metadata = (asRecord(object.metadata) ?? {}) as Raw;
	const clusterwide = object.kind === 'CiliumClusterwideNetworkPolicy';
	const namespace = clusterwide ? undefined : String(metadata.namespace ?? 'default');
	const ref: PolicyRef = {kind: clusterwide ? 'CiliumClusterwideNetworkPolicy' : 'CiliumNetworkPolicy', namespace, name: String(metadata.name ?? '')};
	return policySpecs(object).map(({spec, path}) => {
		let error: string | undefined;
		const endpointSelector = asRecord(spec.endpointSelector) as LabelSelector | undefined;
		const nodeSelector = asRecord(spec.nodeSelector);
		if (!endpointSelector && !nodeSelector) error = 'rule must have one of EndpointSelector or NodeSelector';
		if (endpointSelector && nodeSelector) error = 'rule cannot have both EndpointSelector and NodeSelector';
		const rules: Record<Direction, CompiledPeerRule[]> = {ingress: [], egress: []};
		const enforces = {ingress: false, egress: false};
		for (const section of ['ingress', 'ingressDeny', 'egress', 'egressDeny'] as const) {
			const direction: Direction = section.startsWith('ingress') ? 'ingress' : 'egress';
			const list = asArray(spec[section]);
			if (list.length > 0) enforces[direction] = true;
			list.forEach((rule, index) => {
				const compiled = compileCiliumRule(asRecord(rule) ?? {}, {policy: ref, specPath: path, section, index}, namespace, clusterwide, behaviour);
				error ??= compiled.error;
				rules[direction].push(compiled.compiled);
			});
		}
		const enableDefaultDeny = asRecord(spec.enableDefaultDeny) ?? {};
		const subject: LabelSelector = endpointSelector ?? {};
		return {
			ref,
			specPath: path,
			subject: namespace ? {matchLabels: {...(subject.matchLabels ?? {}), [NAMESPACE_LABEL]: namespace}, matchExpressions: subject.matchExpressions} : subject,
			subjectNamespace: namespace,
			hostPolicy: Boolean(nodeSelector) && !endpointSelector,
			rules,
			enforces,
			defaultDeny: {ingress: enforces.ingress && enableDefaultDeny.ingress !== false, egress: enforces.egress && enableDefaultDeny.egress !== false},
			error,
		};
	});
}

function namespaceSelectorToLabels(selector: LabelSelector): LabelSelector {
	const prefixed = (key: string) => `k8s:io.cilium.k8s.namespace.labels.${key}`;
	return {
		matchLabels: Object.fromEntries(Object.entries(selector.matchLabels ?? {}).map(([key, value]) => [prefixed(key), value])),
		matchExpressions: [
			...(selector.matchExpressions ?? []).map((expression) => ({...expression, key: prefixed(expression.key)})),
			{key: NAMESPACE_LABEL, operator: 'Exists'},
		],
	};
}

function k8sPeerToSelector(peer: Raw, namespace: string): PeerMatcher | undefined {
	const podSelector = asRecord(peer.podSelector) as LabelSelector | undefined;
	const namespaceSelector = asRecord(peer.namespaceSelector) as LabelSelector | undefined;
	const ipBlock = asRecord(peer.ipBlock);
	if (ipBlock && typeof ipBlock.cidr === 'string') {
		return {kind: 'cidr', cidrs: [{cidr: ipBlock.cidr, except: Array.isArray(ipBlock.except) ? ipBlock.except.map(String) : []}]};
	}
	if (!podSelector && !namespaceSelector) return undefined;
	const pods: LabelSelector = {
		matchLabels: Object.fromEntries(Object.entries(podSelector?.matchLabels ?? {}).map(([key, value]) => [`k8s:${key}`, value])),
		matchExpressions: (podSelector?.matchExpressions ?? []).map((expression) => ({...expression, key: `k8s:${expression.key}`})),
	};
	if (!namespaceSelector) return {kind: 'endpoints', selectors: [{...pods, matchLabels: {...pods.matchLabels, [NAMESPACE_LABEL]: namespace}}]};
	const namespaces = namespaceSelectorToLabels(namespaceSelector);
	return {
		kind: 'endpoints',
		selectors: [{matchLabels: {...pods.matchLabels, ...namespaces.matchLabels}, matchExpressions: [...(pods.matchExpressions ?? []), ...(namespaces.matchExpressions ?? [])]}],
	};
}

function compileNetworkPolicy(object: Raw): CompiledPolicy {
	const metadata = (asRecord(object.metadata) ?? {}) as Raw;
	const namespace = String(metadata.namespace ?? 'default');
	const ref: PolicyRef = {kind: 'NetworkPolicy', namespace, name: String(metadata.name ?? '')};
	const spec = asRecord(object.spec) ?? {};
	const egressRules = asArray(spec.egress);
	const policyTypes = Array.isArray(spec.policyTypes) ? spec.policyTypes.map(String) : egressRules.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
	const podSelector = (asRecord(spec.podSelector) ?? {}) as LabelSelector;
	const rules: Record<Direction, CompiledPeerRule[]> = {ingress: [], egress: []};
	const enforces = {ingress: policyTypes.includes('Ingress'), egress: policyTypes.includes('Egress')};
	for (const direction of ['ingress', 'egress'] as const) {
		if (!enforces[direction]) continue;
		asArray(spec[direction]).forEach((rule, index) => {
			const rawPeers = asArray(rule[direction === 'ingress' ? 'from' : 'to']);
			const peers: PeerMatcher[] =
				rawPeers.length === 0 ? [{kind: 'wildcard'}] : rawPeers.map((peer) => k8sPeerToSelector(peer, namespace)).filter((peer): peer is PeerMatcher => Boolean(peer));
			const ports = asArray(rule.ports);
			rules[direction].push({
				ref: {policy: ref, specPath: 'spec', section: direction, index},
				deny: false,
				peers,
				portRules: ports.length > 0 ? [{ports: parsePorts(ports, 'TCP')}] : undefined,
				empty: false,
			});
		});
	}
	return {
		ref,
		specPath: 'spec',
		subject: {
			matchLabels: {...Object.fromEntries(Object.entries(podSelector.matchLabels ?? {}).map(([key, value]) => [`k8s:${key}`, value])), [NAMESPACE_LABEL]: namespace},
			matchExpressions: (podSelector.matchExpressions ?? []).map((expression) => ({...expression, key: `k8s:${expression.key}`})),
		},
		subjectNamespace: namespace,
		hostPolicy: false,
		rules,
		enforces,
		defaultDeny: {...enforces},
	};
}

/** A policy as the agent of `behaviour.version` compiles it (its toFQDNs matching, src/practice/versions.ts). */
export function compilePolicy(object: {apiVersion?: string; kind: string}, behaviour: CiliumBehaviour = ciliumBehaviour()): CompiledPolicy[] {
	if (object.kind === 'NetworkPolicy') return [compileNetworkPolicy(object as unknown as Raw)];
	if (object.kind === 'CiliumNetworkPolicy' || object.kind === 'CiliumClusterwideNetworkPolicy') return compileCilium(object as unknown as Raw, behaviour);
	return [];
}

export function describePolicy(ref: PolicyRef): string {
	const short = ref.kind === 'CiliumNetworkPolicy' ? 'CiliumNetworkPolicy' : ref.kind;
	return ref.namespace ? `${short} ${ref.namespace}/${ref.name}` : `${short} ${ref.name}`;
}

export function describeRuleRef(ref: RuleRef): string {
	return `${describePolicy(ref.policy)} ${ref.specPath}.${ref.section}[${ref.index}]`;
}

/** Policies indexed by namespace and by one matchLabels pair of their endpointSelector. */
export class PolicyIndex {
	readonly policies: CompiledPolicy[];
	private readonly buckets = new Map<string, {byLabel: Map<string, CompiledPolicy[]>; scan: CompiledPolicy[]}>();

	constructor(policies: CompiledPolicy[]) {
		this.policies = policies;
		for (const policy of policies) {
			if (policy.hostPolicy) continue;
			const bucketKey = policy.subjectNamespace ?? '*';
			let bucket = this.buckets.get(bucketKey);
			if (!bucket) this.buckets.set(bucketKey, (bucket = {byLabel: new Map(), scan: []}));
			const entry = Object.entries(policy.subject.matchLabels ?? {}).find(([key]) => {
				const {source, key: bare} = splitLabelKey(key);
				return (source === 'k8s' || source === 'any') && bare !== 'io.kubernetes.pod.namespace';
			});
			if (!entry) {
				bucket.scan.push(policy);
				continue;
			}
			const labelKey = `${splitLabelKey(entry[0]).key}=${entry[1]}`;
			const list = bucket.byLabel.get(labelKey);
			if (list) list.push(policy);
			else bucket.byLabel.set(labelKey, [policy]);
		}
	}

	/** Every toFQDNs selector of the applied policies: the IPs they select get node-local identities. */
	fqdnSelectors(): CompiledFqdnSelector[] {
		if (!this.fqdnCache) {
			this.fqdnCache = this.policies
				.filter((policy) => !policy.error)
				.flatMap((policy) => policy.rules.egress.flatMap((rule) => rule.peers.flatMap((peer) => (peer.kind === 'fqdn' ? peer.selectors : []))));
		}
		return this.fqdnCache;
	}

	private fqdnCache: CompiledFqdnSelector[] | undefined;
	private readonly selectorsByName = new Map<string, CompiledFqdnSelector[]>();

	/** The toFQDNs selectors that match a (canonical) name, remembered per name: no scan of every policy per packet. */
	fqdnSelectorsMatching(name: string): CompiledFqdnSelector[] {
		let found = this.selectorsByName.get(name);
		if (!found) {
			found = this.fqdnSelectors().filter((selector) => selector.matches(name));
			if (this.selectorsByName.size > 50_000) this.selectorsByName.clear();
			this.selectorsByName.set(name, found);
		}
		return found;
	}

	static fromObjects(objects: Array<{kind: string}>, behaviour: CiliumBehaviour = ciliumBehaviour()): PolicyIndex {
		return new PolicyIndex(objects.flatMap((object) => compilePolicy(object, behaviour)));
	}

	/** Policies that could select an endpoint with these labels in this namespace (callers still match the selector). */
	candidates(namespace: string, labels: Labels): CompiledPolicy[] {
		const found: CompiledPolicy[] = [];
		for (const bucketKey of [namespace, '*']) {
			const bucket = this.buckets.get(bucketKey);
			if (!bucket) continue;
			found.push(...bucket.scan);
			if (bucket.byLabel.size === 0) continue;
			for (const [key, value] of Object.entries(labels)) {
				const {source, key: bare} = splitLabelKey(key);
				if (source !== 'k8s') continue;
				const list = bucket.byLabel.get(`${bare}=${value}`);
				if (list) found.push(...list);
			}
		}
		return found;
	}
}
