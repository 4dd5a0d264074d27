// The policy verdict for one packet direction: the single code path the datapath, Hubble and `policy explain` share.
import type {CompiledFqdnSelector} from './fqdn.js';
import {RESERVED, selectorMatches, type Labels, type ReservedName} from './identity.js';
import {type CompiledHttpRule, type CompiledPeerRule, type CompiledPolicy, type Direction, type PeerMatcher, type PolicyIndex, type PolicyRef, type Protocol, type RuleRef} from './policy.js';

export interface EndpointInfo {
	namespace: string;
	name: string;
	labels: Labels;
	identity: number;
	/** Cilium's endpoint id on its node. */
	endpointId: number;
	ip: string;
	node: string;
	/** Container ports by name (for named ports in toPorts). */
	namedPorts?: Record<string, number>;
}

/** Who is on the other side of a packet, as the datapath classifies the IP. */
export interface PeerIdentity {
	ip: string;
	identity: number;
	labels: Labels;
	endpoint?: EndpointInfo;
	reserved?: ReservedName;
	inCluster: boolean;
	/** Names this IP has in the node's FQDN cache (only the DNS proxy puts them there). */
	fqdnNames: string[];
}

export interface Traffic {
	protocol: Protocol;
	port: number;
	icmpType?: number;
}

export type MatchType = 'none' | 'L3-Only' | 'L3-L4' | 'L4-Only' | 'all';

export type VerdictReason =
	| 'policy-disabled'
	| 'not-enforced'
	| 'host-always-allowed'
	| 'allowed-by-rule'
	| 'allowed-no-default-deny'
	| 'denied-by-deny-rule'
	| 'no-matching-rule'
	| 'fqdn-ip-not-learned';

export interface DnsRedirect {
	allowAll: boolean;
	selectors: CompiledFqdnSelector[];
	rules: RuleRef[];
}

/** The HTTP rules Envoy enforces on a redirected connection (the union over the allowing rules). */
export interface HttpRedirect {
	/** Some allowing rule for this peer and port has no HTTP part (or `http: []`): Envoy lets every request through. */
	allowAll: boolean;
	rules: Array<{ref: RuleRef; rule: CompiledHttpRule}>;
	refs: RuleRef[];
}

export interface HttpRequest {
	method: string;
	/** As sent on the request line: path and query string. */
	path: string;
	/** The Host header (`:authority`): host, and `:port` when it is not the scheme's default. */
	authority: string;
	/** Lower-case names. */
	headers: Array<[string, string]>;
}

export interface DirectionVerdict {
	direction: Direction;
	enforced: boolean;
	allowed: boolean;
	reason: VerdictReason;
	matchType: MatchType;
	selecting: PolicyRef[];
	/** Selecting policies the agent refused (stored, not applied). */
	refused: Array<{policy: PolicyRef; error: string}>;
	allowedBy: RuleRef[];
	deniedBy?: RuleRef;
	/** Set when the matching allow carries DNS L7 rules: the packet goes to the DNS proxy. */
	dns?: DnsRedirect;
	/** Set when the matching allow carries HTTP L7 rules: the connection goes to Envoy. */
	http?: HttpRedirect;
	/** toFQDNs rules that would allow this hostname once the proxy learns its IP. */
	fqdnCandidates: Array<{rule: RuleRef; selector: string}>;
	/** toFQDNs selectors on a matching port that do not match the hostname (for explanations). */
	fqdnNearMisses: string[];
}

export type PolicyMode = 'default' | 'always' | 'never';

function ipToNumber(ip: string): number | undefined {
	const parts = ip.split('.');
	if (parts.length !== 4) return undefined;
	let value = 0;
	for (const part of parts) {
		const octet = Number(part);
		if (!/^\d+$/.test(part) || octet > 255) return undefined;
		value = value * 256 + octet;
	}
	return value;
}

export function cidrContains(cidr: string, ip: string): boolean {
	const [base, bitsText] = cidr.split('/');
	const bits = bitsText === undefined ? 32 : Number(bitsText);
	const baseNumber = ipToNumber(base ?? '');
	const ipNumber = ipToNumber(ip);
	if (baseNumber === undefined || ipNumber === undefined || !(bits >= 0 && bits <= 32)) return false;
	if (bits === 0) return true;
	const size = 2 ** (32 - bits);
	return Math.floor(baseNumber / size) === Math.floor(ipNumber / size);
}

function isWorld(peer: PeerIdentity): boolean {
	return !peer.inCluster;
}

export function entityMatches(entity: string, peer: PeerIdentity): boolean {
	switch (entity) {
		case 'all':
			return true;
		case 'none':
			return false;
		case 'world':
			return isWorld(peer);
		case 'world-ipv4':
		case 'world-ipv6':
			// Single-stack clusters give outside IPs reserved:world (2); the split identities exist only in dual-stack.
			return peer.labels[`reserved:${entity}`] !== undefined;
		case 'cluster':
			return peer.inCluster || peer.reserved === 'kube-apiserver';
		default:
			return peer.reserved === entity || peer.labels[`reserved:${entity}`] !== undefined;
	}
}

export function peerMatches(matcher: PeerMatcher, peer: PeerIdentity): boolean {
	switch (matcher.kind) {
		case 'wildcard':
			return true;
		case 'endpoints':
			return matcher.selectors.some((selector) => selectorMatches(selector, peer.labels));
		case 'entities':
			return matcher.entities.some((entity) => entityMatches(entity, peer));
		case 'cidr':
			return isWorld(peer) && matcher.cidrs.some(({cidr, except}) => cidrContains(cidr, peer.ip) && !except.some((excluded) => cidrContains(excluded, peer.ip)));
		case 'fqdn':
			return isWorld(peer) && matcher.selectors.some((selector) => peer.fqdnNames.some((name) => selector.matches(name)));
	}
}

/** The port rule of `rule` that matches the traffic: `true` when the rule has no L4 part, undefined when none does. */
function matchingPortRule(rule: CompiledPeerRule, traffic: Traffic, namedPorts: Record<string, number> | undefined) {
	if (rule.icmpTypes) {
		return traffic.protocol === 'ICMP' && traffic.icmpType !== undefined && rule.icmpTypes.includes(traffic.icmpType) ? true : undefined;
	}
	if (!rule.portRules) return true;
	if (traffic.protocol === 'ICMP') return undefined;
	return rule.portRules.find((portRule) =>
		portRule.ports.length === 0
			? true
			: portRule.ports.some((port) => {
					if (!port.protocols.includes(traffic.protocol)) return false;
					if (port.name !== undefined) return namedPorts?.[port.name] === traffic.port;
					return port.port === 0 || (traffic.port >= port.port && traffic.port <= port.endPort);
				}),
	);
}

const MATCH_RANK: Record<MatchType, number> = {none: 0, all: 1, 'L4-Only': 2, 'L3-Only': 3, 'L3-L4': 4};

function matchTypeOf(rule: CompiledPeerRule): MatchType {
	const l3 = rule.peers.length > 0 && !rule.peers.every((peer) => peer.kind === 'wildcard');
	const l4 = Boolean(rule.portRules || rule.icmpTypes);
	if (l3 && l4) return 'L3-L4';
	if (l3) return 'L3-Only';
	if (l4) return 'L4-Only';
	return 'all';
}

export interface DecideOptions {
	mode?: PolicyMode;
	/** The name the client used, for explaining toFQDNs misses; never changes the verdict. */
	hostname?: string;
}

/** Policies that select an endpoint, split into applied ones and ones the agent refused. */
export function selectingPolicies(index: PolicyIndex, subject: EndpointInfo): {active: CompiledPolicy[]; refused: CompiledPolicy[]} {
	const active: CompiledPolicy[] = [];
	const refused: CompiledPolicy[] = [];
	const seen = new Set<CompiledPolicy>();
	for (const policy of index.candidates(subject.namespace, subject.labels)) {
		if (seen.has(policy)) continue;
		seen.add(policy);
		if (policy.subjectNamespace !== undefined && policy.subjectNamespace !== subject.namespace) continue;
		if (!selectorMatches(policy.subject, subject.labels)) continue;
		(policy.error ? refused : active).push(policy);
	}
	return {active, refused};
}

/**
 * Decides one direction for `subject` (egress: subject sends to peer; ingress: peer sends to subject),
 * per cilium-semantics.md §3: per-direction enforcement, deny first, then the union of allows.
 */
export function decideDirection(index: PolicyIndex, subject: EndpointInfo, direction: Direction, peer: PeerIdentity, traffic: Traffic, options: DecideOptions = {}): DirectionVerdict {
	const mode = options.mode ?? 'default';
	const {active, refused} = selectingPolicies(index, subject);
	const base = {
		direction,
		selecting: active.map((policy) => policy.ref),
		refused: refused.map((policy) => ({policy: policy.ref, error: policy.error ?? ''})),
		allowedBy: [] as RuleRef[],
		fqdnCandidates: [] as Array<{rule: RuleRef; selector: string}>,
		fqdnNearMisses: [] as string[],
	};
	if (mode === 'never') return {...base, enforced: false, allowed: true, reason: 'policy-disabled', matchType: 'none'};
	const enforced = mode === 'always' || active.some((policy) => policy.enforces[direction]);
	if (!enforced) return {...base, enforced: false, allowed: true, reason: 'not-enforced', matchType: 'none'};
	if (direction === 'ingress' && peer.reserved === 'host') {
		return {...base, enforced: true, allowed: true, reason: 'host-always-allowed', matchType: 'all'};
	}
	const namedPorts = direction === 'egress' ? peer.endpoint?.namedPorts : subject.namedPorts;
	for (const policy of active) {
		for (const rule of policy.rules[direction]) {
			if (!rule.deny || rule.empty) continue;
			if (matchingPortRule(rule, traffic, namedPorts) === undefined) continue;
			if (rule.peers.length > 0 && !rule.peers.some((matcher) => peerMatches(matcher, peer))) continue;
			return {...base, enforced: true, allowed: false, reason: 'denied-by-deny-rule', matchType: 'none', deniedBy: rule.ref};
		}
	}
	let best: MatchType = 'none';
	let dns: DnsRedirect | undefined;
	let http: HttpRedirect | undefined;
	let l4WithoutL7 = false;
	for (const policy of active) {
		for (const rule of policy.rules[direction]) {
			if (rule.deny || rule.empty) continue;
			const portRule = matchingPortRule(rule, traffic, namedPorts);
			if (portRule === undefined) continue;
			if (rule.peers.length > 0 && !rule.peers.some((matcher) => peerMatches(matcher, peer))) {
				if (options.hostname) {
					for (const matcher of rule.peers) {
						if (matcher.kind !== 'fqdn') continue;
						const selector = matcher.selectors.find((candidate) => candidate.matches(options.hostname!));
						if (selector) base.fqdnCandidates.push({rule: rule.ref, selector: selector.text});
						else base.fqdnNearMisses.push(...matcher.selectors.map((candidate) => candidate.text));
					}
				}
				continue;
			}
			base.allowedBy.push(rule.ref);
			const type = matchTypeOf(rule);
			if (MATCH_RANK[type] > MATCH_RANK[best]) best = type;
			if (portRule !== true && portRule.dns) {
				dns ??= {allowAll: false, selectors: [], rules: []};
				dns.rules.push(rule.ref);
				if (portRule.dns.length === 0 || portRule.dns.some((selector) => selector.matchesEverything)) dns.allowAll = true;
				dns.selectors.push(...portRule.dns);
			} else if (portRule !== true && portRule.http) {
				http ??= {allowAll: false, rules: [], refs: []};
				http.refs.push(rule.ref);
				if (portRule.http.length === 0) http.allowAll = true;
				for (const httpRule of portRule.http) http.rules.push({ref: rule.ref, rule: httpRule});
			} else {
				l4WithoutL7 = true;
			}
		}
	}
	// An allow without L7 for the same peer and port is an L7 wildcard (pkg/policy/l4.go: the L7 rules have no effect).
	if (dns && l4WithoutL7) dns.allowAll = true;
	if (http && l4WithoutL7) http.allowAll = true;
	if (base.allowedBy.length > 0) return {...base, enforced: true, allowed: true, reason: 'allowed-by-rule', matchType: best, dns, http};
	const defaultDeny = mode === 'always' || active.some((policy) => policy.enforces[direction] && policy.defaultDeny[direction]);
	if (!defaultDeny) return {...base, enforced: true, allowed: true, reason: 'allowed-no-default-deny', matchType: 'all'};
	return {...base, enforced: true, allowed: false, reason: base.fqdnCandidates.length > 0 ? 'fqdn-ip-not-learned' : 'no-matching-rule', matchType: 'none'};
}

export interface ConnectionVerdict {
	allowed: boolean;
	egress: DirectionVerdict;
	/** Present when the destination is a Cilium endpoint. */
	ingress?: DirectionVerdict;
}

export function peerOfEndpoint(endpoint: EndpointInfo): PeerIdentity {
	return {ip: endpoint.ip, identity: endpoint.identity, labels: endpoint.labels, endpoint, inCluster: true, fqdnNames: []};
}

/** Pod-to-anything: the sender's egress, and the receiver's ingress when it is an endpoint. */
export function decideConnection(index: PolicyIndex, from: EndpointInfo, to: PeerIdentity, traffic: Traffic, options: DecideOptions = {}): ConnectionVerdict {
	const egress = decideDirection(index, from, 'egress', to, traffic, options);
	if (!egress.allowed || !to.endpoint) return {allowed: egress.allowed, egress};
	const ingress = decideDirection(index, to.endpoint, 'ingress', peerOfEndpoint(from), traffic, options);
	return {allowed: ingress.allowed, egress, ingress};
}

/** Whether the DNS proxy answers a query name (already canonical) under a redirect. */
export function dnsQueryAllowed(redirect: DnsRedirect, canonicalQuery: string): boolean {
	return redirect.allowAll || redirect.selectors.some((selector) => selector.matches(canonicalQuery));
}

function httpRuleMatches(rule: CompiledHttpRule, request: HttpRequest): boolean {
	if (rule.method && !rule.method.test(request.method)) return false;
	if (rule.path && !rule.path.test(request.path)) return false;
	if (rule.host && !rule.host.test(request.authority)) return false;
	return rule.headers.every(({name, value}) => request.headers.some(([key, actual]) => key === name && (value === undefined || actual === value)));
}

/** Envoy's decision on one request (cilium's L7 filter: any rule of the port that matches allows it). */
export function httpRequestDecision(redirect: HttpRedirect, request: HttpRequest): {allowed: boolean; by?: RuleRef; rule?: CompiledHttpRule} {
	if (redirect.allowAll) return {allowed: true};
	const found = redirect.rules.find(({rule}) => httpRuleMatches(rule, request));
	return found ? {allowed: true, by: found.ref, rule: found.rule} : {allowed: false};
}

export function reservedPeer(name: ReservedName, ip: string, extra: Partial<PeerIdentity> = {}): PeerIdentity {
	const inCluster = name !== 'world' && name !== 'world-ipv4' && name !== 'world-ipv6' && name !== 'kube-apiserver';
	return {ip, identity: RESERVED[name], labels: {[`reserved:${name}`]: ''}, reserved: name, inCluster, fqdnNames: [], ...extra};
}
