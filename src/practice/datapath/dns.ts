// The world's DNS as the practice cluster sees it (a deterministic resolver), and the per-node FQDN cache the
// DNS proxy fills (cilium-semantics.md §2.3, §2.5).
import {canonicalName} from './fqdn.js';

export type QueryType = 'A' | 'AAAA';

export interface DnsAnswer {
	rcode: 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'SERVFAIL';
	ips: string[];
	ttl: number;
	cnames?: string[];
}

interface KnownHost {
	ips: string[];
	ttl: number;
}

/** Public names the lessons use, with addresses and TTLs like the real ones (google.com as in the source document's capture). */
export const KNOWN_HOSTS: Record<string, KnownHost> = {
	'google.com.': {ips: ['142.250.207.110'], ttl: 300},
	'www.google.com.': {ips: ['142.250.196.100'], ttl: 300},
	'github.com.': {ips: ['20.200.245.247'], ttl: 60},
	'api.github.com.': {ips: ['20.200.245.245'], ttl: 60},
	'raw.githubusercontent.com.': {ips: ['185.199.108.133', '185.199.109.133', '185.199.110.133', '185.199.111.133'], ttl: 300},
	'naver.com.': {ips: ['223.130.200.107', '223.130.200.104', '223.130.192.247', '223.130.192.248'], ttl: 300},
	'www.naver.com.': {ips: ['223.130.200.236'], ttl: 300},
	'example.com.': {ips: ['93.184.215.14'], ttl: 3600},
	'www.example.com.': {ips: ['93.184.215.14'], ttl: 3600},
	'www.bing.com.': {ips: ['13.107.21.237'], ttl: 300},
	'cilium.io.': {ips: ['104.198.14.52'], ttl: 300},
	'docs.cilium.io.': {ips: ['104.16.253.120'], ttl: 300},
	'kubernetes.io.': {ips: ['147.75.40.148'], ttl: 300},
	// cilium connectivity test's --external-target default (cli/connectivity.go): Cloudflare's resolver, 1.1.1.1 and 1.0.0.1.
	'one.one.one.one.': {ips: ['1.1.1.1', '1.0.0.1'], ttl: 300},
};

const PUBLIC_FIRST_OCTETS = [13, 20, 23, 34, 35, 40, 52, 54, 104, 151, 185, 199];

function hash32(text: string): number {
	let hash = 2166136261;
	for (let index = 0; index < text.length; index++) {
		hash ^= text.charCodeAt(index);
		hash = Math.imul(hash, 16777619) >>> 0;
	}
	return hash;
}

/** A stable public-looking address for a name the resolver does not know by heart. */
export function hashedAddress(name: string): string {
	const hash = hash32(name);
	const first = PUBLIC_FIRST_OCTETS[hash % PUBLIC_FIRST_OCTETS.length]!;
	return `${first}.${(hash >>> 8) & 255}.${(hash >>> 16) & 255}.${Math.max(1, (hash >>> 24) % 254)}`;
}

/**
 * Top-level domains of the root zone the lab's names use (IANA root zone database); others do not exist, nor do
 * the special-use .invalid, .local, .test and .example (RFC 6761: .example is reserved, so evil.example is NXDOMAIN).
 */
const ROOT_ZONE_TLDS = new Set(['com', 'net', 'org', 'io', 'me', 'dev', 'app', 'sh', 'ms', 'co', 'kr', 'jp', 'de', 'uk', 'fr', 'cn', 'eu', 'us', 'ai', 'cloud', 'info', 'biz', 'edu', 'gov', 'tv', 'xyz', 'site', 'tech', 'ly', 'gg', 'to', 'in', 'ca', 'au', 'nl', 'ru', 'br', 'it', 'es', 'se', 'ch', 'at', 'be', 'pl', 'tw', 'hk', 'sg', 'one']);

const VALID_NAME = /^([a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9_])?\.)+$/;

/** Names inside the cluster: services, and pods by dashed IP. */
export interface ClusterDnsData {
	services: Array<{namespace: string; name: string; clusterIP?: string}>;
	clusterDomain?: string;
}

/** What kube-dns (CoreDNS, forwarding to Azure DNS) answers for a name. */
export function resolve(name: string, type: QueryType, cluster: ClusterDnsData): DnsAnswer {
	const canonical = canonicalName(name);
	const domain = `${cluster.clusterDomain ?? 'cluster.local'}.`;
	if (canonical.endsWith(`.${domain}`) || canonical === domain) {
		const labels = canonical.slice(0, -domain.length - 1).split('.');
		if (labels.length === 3 && labels[2] === 'svc') {
			const service = cluster.services.find((candidate) => candidate.name === labels[0] && candidate.namespace === labels[1]);
			if (service?.clusterIP && service.clusterIP !== 'None') return type === 'A' ? {rcode: 'NOERROR', ips: [service.clusterIP], ttl: 30} : {rcode: 'NOERROR', ips: [], ttl: 30};
		}
		if (labels.length === 3 && labels[2] === 'pod' && /^\d+-\d+-\d+-\d+$/.test(labels[0]!)) {
			return type === 'A' ? {rcode: 'NOERROR', ips: [labels[0]!.replaceAll('-', '.')], ttl: 30} : {rcode: 'NOERROR', ips: [], ttl: 30};
		}
		return {rcode: 'NXDOMAIN', ips: [], ttl: 30};
	}
	// A name under a top-level domain the root zone does not have (kubernetes.default., web.demo.) is NXDOMAIN.
	const tld = canonical.split('.').at(-2) ?? '';
	if (!VALID_NAME.test(canonical) || canonical.split('.').length < 3 || !ROOT_ZONE_TLDS.has(tld)) {
		return {rcode: 'NXDOMAIN', ips: [], ttl: 3600};
	}
	// The cluster is IPv4-only; AAAA answers are empty (NOERROR, no records), which is what an IPv4-only client then ignores.
	if (type === 'AAAA') return {rcode: 'NOERROR', ips: [], ttl: 300};
	const known = KNOWN_HOSTS[canonical];
	if (known) return {rcode: 'NOERROR', ips: [...known.ips], ttl: known.ttl};
	return {rcode: 'NOERROR', ips: [hashedAddress(canonical)], ttl: 300};
}

/** The public name an IP belongs to in the resolver (for the world's servers). */
export function hostForAddress(ip: string): string | undefined {
	for (const [name, host] of Object.entries(KNOWN_HOSTS)) if (host.ips.includes(ip)) return name;
	return undefined;
}

export interface FqdnCacheEntry {
	name: string;
	ip: string;
	expiresAt: number;
	lookupAt: number;
	ttl: number;
	endpoint: string;
}

/** The agent's DNS garbage collector runs every minute (DNSGCJobInterval): an expired IP stays usable until then. */
export const DNS_GC_INTERVAL_MS = 60_000;

export function usableUntil(entry: Pick<FqdnCacheEntry, 'expiresAt'>): number {
	return Math.ceil(entry.expiresAt / DNS_GC_INTERVAL_MS) * DNS_GC_INTERVAL_MS;
}

/** One node's name→IP cache, filled only from answers the DNS proxy saw. Indexed both ways. */
export class FqdnCache {
	private readonly byIp = new Map<string, Map<string, FqdnCacheEntry>>();
	private readonly byName = new Map<string, Map<string, FqdnCacheEntry>>();
	private readonly localIdentities = new Map<string, number>();
	private nextIdentity = 16_777_217;

	constructor(entries: FqdnCacheEntry[] = [], identities: Array<[string, number]> = []) {
		for (const entry of entries) this.put(entry);
		for (const [ip, id] of identities) {
			this.localIdentities.set(ip, id);
			this.nextIdentity = Math.max(this.nextIdentity, id + 1);
		}
	}

	private put(entry: FqdnCacheEntry): void {
		let names = this.byIp.get(entry.ip);
		if (!names) this.byIp.set(entry.ip, (names = new Map()));
		names.set(entry.name, entry);
		let ips = this.byName.get(entry.name);
		if (!ips) this.byName.set(entry.name, (ips = new Map()));
		ips.set(entry.ip, entry);
	}

	/** Learns an answer: each IP stays usable for max(TTL, minTTL) seconds from now. */
	learn(name: string, ips: string[], ttl: number, now: number, endpoint: string, minTtl = 0): void {
		const canonical = canonicalName(name);
		const seconds = Math.max(ttl, minTtl);
		for (const ip of ips) {
			const previous = this.byIp.get(ip)?.get(canonical);
			this.put({name: canonical, ip, ttl: seconds, lookupAt: now, expiresAt: Math.max(now + seconds * 1000, previous?.expiresAt ?? 0), endpoint});
		}
	}

	/** Names an IP is known under at `now` (entries the minute GC has collected do not count). */
	namesFor(ip: string, now: number): string[] {
		const names = this.byIp.get(ip);
		if (!names) return [];
		const live: string[] = [];
		for (const entry of names.values()) if (usableUntil(entry) > now) live.push(entry.name);
		return live;
	}

	/** The node-local identity (16777217…) of an IP an FQDN selector selects. */
	identityFor(ip: string): number {
		let id = this.localIdentities.get(ip);
		if (id === undefined) {
			id = this.nextIdentity++;
			this.localIdentities.set(ip, id);
		}
		return id;
	}

	/** Drops entries the minute GC would have removed by `now`. */
	collect(now: number): number {
		return this.removeWhere((_name, entry) => usableUntil(entry) <= now);
	}

	/** `cilium-dbg fqdn cache clean`: forgets the names (all, or those `matches` accepts); their IPs are selected no more. */
	forget(matches: (name: string) => boolean = () => true): number {
		return this.removeWhere((name) => matches(name));
	}

	/** Removes the (name, IP) entries `shouldRemove` picks from both indexes; returns how many. */
	private removeWhere(shouldRemove: (name: string, entry: FqdnCacheEntry) => boolean): number {
		let removed = 0;
		for (const [ip, names] of this.byIp) {
			for (const [name, entry] of [...names]) {
				if (!shouldRemove(name, entry)) continue;
				names.delete(name);
				this.byName.get(name)?.delete(ip);
				if (this.byName.get(name)?.size === 0) this.byName.delete(name);
				removed++;
			}
			if (names.size === 0) this.byIp.delete(ip);
		}
		return removed;
	}

	entries(): FqdnCacheEntry[] {
		return [...this.byIp.values()].flatMap((names) => [...names.values()]);
	}

	identities(): Array<[string, number]> {
		return [...this.localIdentities];
	}

	get size(): number {
		let count = 0;
		for (const names of this.byIp.values()) count += names.size;
		return count;
	}
}
