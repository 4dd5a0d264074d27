// The FQDN cache's two ways of dropping entries: GC of what expired, and `cilium-dbg fqdn cache clean`.
import {describe, expect, it} from 'vitest';
import {DNS_GC_INTERVAL_MS, FqdnCache, type FqdnCacheEntry} from '../../../src/practice/datapath/dns.js';

const entry = (name: string, ip: string, expiresAt: number): FqdnCacheEntry => ({name, ip, expiresAt, lookupAt: 0, ttl: 30, endpoint: 'demo/curl'});
const names = (cache: FqdnCache) => cache.entries().map((item) => `${item.name}=${item.ip}`).sort();

describe('FqdnCache', () => {
	it('collect drops what GC would have removed by then, and keeps the rest', () => {
		const cache = new FqdnCache([entry('a.com', '1.1.1.1', 1_000), entry('b.com', '1.1.1.1', 10 * DNS_GC_INTERVAL_MS), entry('a.com', '2.2.2.2', 10 * DNS_GC_INTERVAL_MS)]);
		expect(cache.collect(DNS_GC_INTERVAL_MS)).toBe(1);
		expect(names(cache)).toEqual(['a.com=2.2.2.2', 'b.com=1.1.1.1']);
		expect(cache.collect(10 * DNS_GC_INTERVAL_MS)).toBe(2);
		expect(cache.entries()).toEqual([]);
	});

	it('forget drops the names it is given, or all of them', () => {
		const cache = new FqdnCache([entry('a.com', '1.1.1.1', 1_000), entry('b.com', '1.1.1.1', 1_000), entry('a.com', '2.2.2.2', 1_000)]);
		expect(cache.forget((name) => name === 'a.com')).toBe(2);
		expect(names(cache)).toEqual(['b.com=1.1.1.1']);
		expect(cache.forget()).toBe(1);
		expect(cache.entries()).toEqual([]);
	});
});
