// The cluster's DNS (CoreDNS: cluster.local, then the world of world.ts), and the per-node FQDN cache the
// DNS proxy fills (cilium-semantics.md §2.3, §2.5).
import {canonicalName} from './fqdn.js';
import {CURATED_WORLD, type World} from './world.js';

export type QueryType = 'A' | 'AAAA';

export interface DnsAnswer {
	rcode: 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'SERVFAIL';
	ips: string[];
	ttl: number;
	cnames?: string[];
}

/**
 * Top-level domains of the root zone the lab's names use (IANA root zone database); others do not exist, nor do
 * the special-use .invalid, .local, .test and .example (RFC 6761: .example is reserved, so evil.example is NXDOMAIN).
 */
const ROOT_ZONE_TLDS = new Set(['com', 'net', 'org', 'io', 'me', 'dev', 'app', 'sh', 'ms', 'co', 'kr', 'jp', 'de', 'uk', 'fr', 'cn', 'eu', 'us', 'ai', 'cloud', 'info', 'biz', 'edu', 'gov', 'tv', 'xyz', 'site', 'tech', 'ly', 'gg', 'to', 'in', 'ca', 'au', 'nl', 'ru', 'br', 'it', 'es', 'se', 'ch', 'at', 'be', 'pl', 'tw', 'hk', 'sg', 'one']);

const VALID_NAME = /^([a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9_])?\.)+$/;

/** Names inside the cluster: services, and pods by dashed IP; `world` is the internet beyond (default: the curated one). */
export interface ClusterDnsData {
	services: Array<{namespace: string; name: string; clusterIP?: string}>;
	clusterDomain?: string;
	world?: World;
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
	// CoreDNS forwards the rest to Azure DNS: the world's records as they are, NXDOMAIN for a name that does not exist.
	const record = (cluster.world ?? CURATED_WORLD).lookup(canonical);
	if (!record) return {rcode: 'NXDOMAIN', ips: [], ttl: 300};
	return {rcode: 'NOERROR', ips: [...(type === 'A' ? record.a : record.aaaa)], ttl: record.ttl};
}

/** The public name an IP belongs to in the world (its server answers as that site). */
export function hostForAddress(ip: string, world: World = CURATED_WORLD): string | undefined {
	return world.host(ip)?.name;
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
