// The internet as the practice cluster knows it: a curated zone of the names the lessons and the Cilium /
// Kubernetes docs use, with their A and AAAA records and TTLs as public resolvers gave them, and the public IPs
// that answer (the sites' servers, and the public resolvers 8.8.8.8, 1.1.1.1, 9.9.9.9). Every other name is
// NXDOMAIN and every other public IP answers nothing (a connect times out, a ping is lost), never a made-up host.

export interface WorldRecord {
	a: string[];
	aaaa: string[];
	ttl: number;
}

export interface WorldHost {
	name: string;
	/** TCP ports that accept a connection. */
	tcp: number[];
	/** UDP ports that answer (DNS on the public resolvers). */
	udp: number[];
}

/** What the datapath asks of the world: a name's records, an address's host. */
export interface World {
	/** A canonical name (trailing dot): its records, or undefined for NXDOMAIN. */
	lookup(name: string): WorldRecord | undefined;
	/** The host at a public address, or undefined when nothing is there. */
	host(ip: string): WorldHost | undefined;
}

const WEB = [80, 443];

/** name → records; web servers listen on 80 and 443. */
const ZONE: Record<string, WorldRecord> = {
	'google.com.': {a: ['142.250.207.110'], aaaa: ['2404:6800:4004:827::200e'], ttl: 300},
	'www.google.com.': {a: ['142.250.196.100'], aaaa: ['2404:6800:4004:81f::2004'], ttl: 300},
	// Lesson 05's double-star exercise: a name two labels below google.com (a CNAME to android.l.google.com, flattened).
	'android.clients.google.com.': {a: ['142.250.206.238'], aaaa: ['2404:6800:4004:825::200e'], ttl: 300},
	// GitHub publishes no AAAA records for github.com and api.github.com.
	'github.com.': {a: ['20.200.245.247'], aaaa: [], ttl: 60},
	'api.github.com.': {a: ['20.200.245.245'], aaaa: [], ttl: 60},
	'raw.githubusercontent.com.': {
		a: ['185.199.108.133', '185.199.109.133', '185.199.110.133', '185.199.111.133'],
		aaaa: ['2606:50c0:8000::154', '2606:50c0:8001::154', '2606:50c0:8002::154', '2606:50c0:8003::154'],
		ttl: 300,
	},
	'naver.com.': {a: ['223.130.200.107', '223.130.200.104', '223.130.192.247', '223.130.192.248'], aaaa: [], ttl: 300},
	'www.naver.com.': {a: ['223.130.200.236'], aaaa: [], ttl: 300},
	'example.com.': {a: ['93.184.215.14'], aaaa: ['2606:2800:21f:cb07:6820:80da:af6b:8b2c'], ttl: 3600},
	'www.example.com.': {a: ['93.184.215.14'], aaaa: ['2606:2800:21f:cb07:6820:80da:af6b:8b2c'], ttl: 3600},
	'www.bing.com.': {a: ['13.107.21.237'], aaaa: ['2620:1ec:c11::200'], ttl: 300},
	'cilium.io.': {a: ['104.198.14.52'], aaaa: [], ttl: 300},
	'docs.cilium.io.': {a: ['104.16.253.120'], aaaa: ['2606:4700::6810:fd78'], ttl: 300},
	'kubernetes.io.': {a: ['147.75.40.148'], aaaa: [], ttl: 300},
	'dns.google.': {a: ['8.8.8.8', '8.8.4.4'], aaaa: ['2001:4860:4860::8888', '2001:4860:4860::8844'], ttl: 900},
	'one.one.one.one.': {a: ['1.1.1.1', '1.0.0.1'], aaaa: ['2606:4700:4700::1111', '2606:4700:4700::1001'], ttl: 300},
	'dns.quad9.net.': {a: ['9.9.9.9', '149.112.112.112'], aaaa: ['2620:fe::fe', '2620:fe::9'], ttl: 3600},
};

/** The public resolvers: DNS on 53 (UDP and TCP), DNS over HTTPS on 443, and a web front on 80 that redirects to it
 * (cilium connectivity test's pod-to-world curls http://one.one.one.one:80 and expects an answer: cilium-cli
 * connectivity/builder/pod_to_world.go). */
const RESOLVERS = new Set(['dns.google.', 'one.one.one.one.', 'dns.quad9.net.']);

const HOSTS = new Map<string, WorldHost>();
for (const [name, record] of Object.entries(ZONE)) {
	for (const ip of record.a) {
		if (HOSTS.has(ip)) continue;
		HOSTS.set(ip, RESOLVERS.has(name) ? {name, tcp: [53, 80, 443], udp: [53]} : {name, tcp: WEB, udp: []});
	}
}

export const CURATED_WORLD: World = {
	lookup: (name) => ZONE[name.toLowerCase()],
	host: (ip) => HOSTS.get(ip),
};
