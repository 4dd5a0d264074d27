// The policy map of one endpoint (`cilium-dbg bpf policy get`): the entries the agent derives from the policies it
// accepted that select the endpoint (pkg/policy/mapstate.go, l4.go, rule.go @v1.16.4), per direction.
import {cidrContains, peerMatches, selectingPolicies, type EndpointInfo, type PeerIdentity, type PolicyMode} from './engine.js';
import type {DbgPolicyMapEntry} from './cilium-dbg-format.js';
import {RESERVED} from './identity.js';
import type {CompiledPeerRule, Direction, PolicyIndex, Protocol} from './policy.js';

const PROTOCOL_NUMBER: Record<Protocol, number> = {ICMP: 1, TCP: 6, UDP: 17, SCTP: 132};
const DIRECTION_NAME = {ingress: 'Ingress', egress: 'Egress'} as const;

export interface PolicyMapInput {
	index: PolicyIndex;
	mode: PolicyMode;
	endpoint: EndpointInfo;
	/** Every identity the agent knows (reserved, the cluster's, this node's FQDN and CIDR identities), as peers. */
	peers: PeerIdentity[];
	/** The listener port of a proxy redirect (pkg/proxy/proxyports: one port per parser type and direction). */
	proxyPort: (parser: 'dns' | 'http', direction: Direction) => number;
}

interface Key {
	protocol: number;
	port: number;
	prefix: number;
}

const ANY_KEY: Key = {protocol: 0, port: 0, prefix: 0};

/** A port range as the masked keys that cover it (pkg/policy/types/policyentry.go PortRangeToMaskedPorts). */
function maskedPorts(first: number, last: number): Array<{port: number; prefix: number}> {
	const keys: Array<{port: number; prefix: number}> = [];
	let port = first;
	while (port <= last) {
		let bits = 0;
		while (bits < 16 && port % 2 ** (bits + 1) === 0 && port + 2 ** (bits + 1) - 1 <= last) bits++;
		keys.push({port, prefix: 24 - bits});
		port += 2 ** bits;
	}
	return keys;
}

/** The L4 keys of a rule with what redirects each (undefined: the rule has no L4 part, every port and protocol). */
function ruleKeys(rule: CompiledPeerRule, namedPorts: (name: string) => number[]): Array<Key & {parser?: 'dns' | 'http'}> {
	if (rule.icmpTypes) return rule.icmpTypes.map((type) => ({protocol: 1, port: type, prefix: 24}));
	if (!rule.portRules) return [ANY_KEY];
	const keys: Array<Key & {parser?: 'dns' | 'http'}> = [];
	for (const portRule of rule.portRules) {
		const parser = portRule.dns ? 'dns' : portRule.http ? 'http' : undefined;
		if (portRule.ports.length === 0) keys.push({...ANY_KEY, parser});
		for (const port of portRule.ports) {
			// ANY is TCP and UDP (and SCTP only with enable-sctp, off by default): pkg/policy/rule.go mergeIngress/Egress.
			for (const protocol of port.protocols.filter((candidate) => candidate !== 'SCTP' || port.protocols.length === 1)) {
				const number = PROTOCOL_NUMBER[protocol];
				if (port.name !== undefined) {
					for (const resolved of namedPorts(port.name)) keys.push({protocol: number, port: resolved, prefix: 24, parser});
				} else if (port.port === 0) keys.push({protocol: number, port: 0, prefix: 8, parser});
				else for (const masked of maskedPorts(port.port, Math.max(port.port, port.endPort))) keys.push({protocol: number, ...masked, parser});
			}
		}
	}
	return keys;
}

/** The identities a rule's L3 part selects: 0 (every identity) for no L3 part, a wildcard selector or the `all` entity. */
function ruleIdentities(rule: CompiledPeerRule, peers: PeerIdentity[]): number[] {
	if (rule.peers.length === 0 || rule.peers.some((matcher) => matcher.kind === 'wildcard' || (matcher.kind === 'entities' && matcher.entities.includes('all')))) return [0];
	const selected = new Set<number>();
	for (const matcher of rule.peers) {
		if (matcher.kind !== 'cidr') {
			for (const peer of peers) if (peerMatches(matcher, peer)) selected.add(peer.identity);
			continue;
		}
		// A CIDR selects the CIDR identities of its prefix and of the prefixes inside it (not excepted); 0.0.0.0/0 is world.
		for (const {cidr, except} of matcher.cidrs) {
			if (prefixLength(cidr) === 0) selected.add(RESERVED.world);
			for (const peer of peers) {
				const own = cidrOf(peer);
				if (own && prefixLength(own) >= prefixLength(cidr) && cidrContains(cidr, own.split('/')[0]!) && !except.some((excluded) => cidrContains(excluded, own.split('/')[0]!))) selected.add(peer.identity);
			}
		}
	}
	return [...selected];
}

function prefixLength(cidr: string): number {
	return Number(cidr.split('/')[1] ?? 32);
}

/** The prefix of a CIDR identity (its `cidr:` label). */
export function cidrOf(peer: PeerIdentity): string | undefined {
	return Object.keys(peer.labels).find((key) => key.startsWith('cidr:'))?.slice('cidr:'.length);
}

/** The CIDR prefixes the rules of these policies name (other than 0.0.0.0/0), in order: each gets a local identity. */
export function policyCidrs(index: PolicyIndex, endpoint: EndpointInfo): string[] {
	const cidrs = new Set<string>();
	for (const policy of selectingPolicies(index, endpoint).active) {
		for (const direction of ['ingress', 'egress'] as const) {
			for (const rule of policy.rules[direction]) for (const matcher of rule.peers) if (matcher.kind === 'cidr') for (const {cidr} of matcher.cidrs) if (prefixLength(cidr) > 0) cidrs.add(cidr.includes('/') ? cidr : `${cidr}/32`);
		}
	}
	return [...cidrs];
}

/** Does the key `outer` cover `inner` (same or wider protocol and port)? */
function covers(outer: Key, inner: Key): boolean {
	if (outer.prefix === 0) return true;
	if (outer.protocol !== inner.protocol || outer.prefix > inner.prefix) return false;
	if (outer.prefix === 8) return true;
	const span = 0xffff >> (outer.prefix - 8);
	return inner.port >= outer.port && inner.port <= outer.port + span;
}

function directionEntries(input: PolicyMapInput, direction: Direction): DbgPolicyMapEntry[] {
	const {index, mode, endpoint, peers} = input;
	const {active} = selectingPolicies(index, endpoint);
	const entry = (deny: boolean, identity: number, key: Key, proxyPort = 0): DbgPolicyMapEntry => ({deny, direction: DIRECTION_NAME[direction], identity, protocol: key.protocol, port: key.port, prefix: key.prefix, proxyPort, bytes: 0, packets: 0});
	const enforced = mode === 'always' || (mode === 'default' && active.some((policy) => policy.enforces[direction]));
	const byKey = new Map<string, DbgPolicyMapEntry>();
	const keyOf = (identity: number, key: Key) => `${identity}/${key.protocol}/${key.port}/${key.prefix}`;
	// pkg/policy/resolve.go DistillPolicy: every endpoint but the host's gets the localhost ingress allow, enforced or
	// not (allow-localhost=auto is "always" without the host firewall), after the rules' entries, deny-preferred.
	const localhost = direction === 'ingress' && endpoint.identity !== RESERVED.host;
	// Not enforced: the allow-all entry (allowAllIdentities).
	if (!enforced) return localhost ? [entry(false, 0, ANY_KEY), entry(false, RESERVED.host, ANY_KEY)] : [entry(false, 0, ANY_KEY)];
	if (localhost) byKey.set(keyOf(RESERVED.host, ANY_KEY), entry(false, RESERVED.host, ANY_KEY));
	// Named ports resolve against the destination's container ports: the endpoint's own on ingress; on egress each
	// selected peer's, and for the wildcard (identity 0) every port of that name the agent knows (pkg/policy/types NamedPortMultiMap).
	const everyNamedPort = (name: string) => [...new Set(peers.map((peer) => peer.endpoint?.namedPorts?.[name]).filter((port): port is number => port !== undefined))];
	const namedPortsOf = (identity: number) => (name: string): number[] => {
		if (direction === 'ingress') return endpoint.namedPorts?.[name] === undefined ? [] : [endpoint.namedPorts[name]!];
		if (identity === 0) return everyNamedPort(name);
		const port = peers.find((peer) => peer.identity === identity)?.endpoint?.namedPorts?.[name];
		return port === undefined ? [] : [port];
	};
	const denies: DbgPolicyMapEntry[] = [];
	for (const policy of active) {
		for (const rule of policy.rules[direction]) {
			if (rule.empty) continue;
			for (const identity of ruleIdentities(rule, peers)) {
				for (const key of ruleKeys(rule, namedPortsOf(identity))) {
					const id = keyOf(identity, key);
					if (rule.deny) {
						const deny = entry(true, identity, key);
						byKey.set(id, deny);
						denies.push(deny);
						continue;
					}
					const existing = byKey.get(id);
					if (existing?.deny) continue;
					const proxyPort = key.parser ? input.proxyPort(key.parser, direction) : 0;
					if (!existing || (existing.proxyPort === 0 && proxyPort !== 0)) byKey.set(id, entry(false, identity, key, proxyPort));
				}
			}
		}
	}
	// A deny takes precedence over the allows it covers: they are not inserted (pkg/policy/mapstate.go denyPreferredInsert).
	for (const [id, candidate] of byKey) {
		if (candidate.deny) continue;
		if (denies.some((deny) => (deny.identity === 0 || deny.identity === candidate.identity) && covers(deny, candidate))) byKey.delete(id);
	}
	return [...byKey.values()];
}

/** The endpoint's policy map entries, both directions. */
export function policyMapEntries(input: PolicyMapInput): DbgPolicyMapEntry[] {
	return [...directionEntries(input, 'ingress'), ...directionEntries(input, 'egress')];
}
