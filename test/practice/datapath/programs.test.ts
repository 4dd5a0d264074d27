// Programs in pods as a learner runs them through exec: curl's exit codes, messages and durations (on an instant
// clock that still counts simulated time), nslookup, the interactive sh, and hubble inside the cilium pod.
import {describe, expect, test} from 'vitest';
import {lookupPodProgram} from '../../../src/practice/datapath/programs/index.js';
import {parseCurlArgs} from '../../../src/practice/datapath/programs/curl.js';
import {Datapath} from '../../../src/practice/datapath/runtime.js';
import {reconcileDatapathObjects} from '../../../src/practice/datapath/controller.js';
import {ALLOW_DNS_DOC, ALLOW_DOMAINS_DOC, aksCluster, captureIo, cnp, pod, NODE_A as NODE_A_NAME, NODE_B} from './fixtures.js';
import type {KubeObject} from '../../../src/practice/types.js';

async function run(cluster: ReturnType<typeof aksCluster>, argv: string[], options: {pod?: KubeObject; tty?: boolean; stdin?: string[]} = {}) {
	const target = options.pod ?? cluster.store.get('v1', 'Pod', 'demo', 'curl')!;
	const program = lookupPodProgram(argv[0]!, target);
	if (!program) throw new Error(`${argv[0]} not in ${target.metadata.name}`);
	const stdin = options.stdin
		? (async function* () {
				for (const chunk of options.stdin!) yield chunk;
			})()
		: undefined;
	const io = captureIo({tty: options.tty, stdin});
	const before = cluster.clock.slept;
	const code = await program(argv, io, target, cluster.ctx);
	return {code, out: io.out(), err: io.err(), sleptMs: cluster.clock.slept - before};
}

function documentCluster() {
	const cluster = aksCluster();
	cluster.store.apply(ALLOW_DNS_DOC);
	cluster.store.apply(ALLOW_DOMAINS_DOC);
	return cluster;
}

describe('curl', () => {
	test('google.com answers HTTP/2 301 to www.google.com, as in the document', async () => {
		const result = await run(documentCluster(), ['curl', 'https://google.com', '-i', '-k', '-m', '3'], {tty: true});
		expect(result.code).toBe(0);
		expect(result.out).toMatch(/^HTTP\/2 301\r\nlocation: https:\/\/www\.google\.com\/\r\n/);
		expect(result.err).toBe('');
	});
	test('naver.com is blocked: exit 28 after the -m limit, with curl\'s message', async () => {
		const result = await run(documentCluster(), ['curl', 'https://naver.com', '-m', '3'], {tty: true});
		expect(result.code).toBe(28);
		expect(result.err).toBe('curl: (28) Connection timed out after 3002 milliseconds\n');
		expect(result.sleptMs).toBeGreaterThanOrEqual(2990);
		expect(result.sleptMs).toBeLessThanOrEqual(3010);
	});
	test('without -m a dropped SYN waits for the kernel (~127 s of simulated time)', async () => {
		const result = await run(documentCluster(), ['curl', 'https://naver.com'], {tty: true});
		expect(result.code).toBe(28);
		expect(result.err).toMatch(/^curl: \(28\) Failed to connect to naver\.com port 443 after 1\d{5} ms: Couldn't connect to server\n$/);
		expect(result.sleptMs).toBeGreaterThanOrEqual(127_000);
	});
	test('--connect-timeout gives the connect-phase message', async () => {
		const result = await run(documentCluster(), ['curl', '--connect-timeout', '5', 'https://naver.com'], {tty: true});
		expect(result.code).toBe(28);
		expect(result.err).toMatch(/^curl: \(28\) Failed to connect to naver\.com port 443 after 50\d\d ms: Timeout was reached\n$/);
	});
	test('github.com is dropped: *.github.com does not match github.com (Cilium, not the document, decides)', async () => {
		const result = await run(documentCluster(), ['curl', '-sS', '-o', '/dev/null', '-m', '2', 'https://github.com'], {tty: true});
		expect(result.code).toBe(28);
	});
	test('an unknown name: exit 6', async () => {
		const result = await run(aksCluster(), ['curl', '-sS', 'http://nothing.invalid'], {tty: true});
		expect(result).toMatchObject({code: 6, err: 'curl: (6) Could not resolve host: nothing.invalid\n'});
	});
	test('-s hides the error, -S shows it again', async () => {
		expect((await run(aksCluster(), ['curl', '-s', 'http://nothing.invalid'])).err).toBe('');
	});
	test('a pod port nobody listens on: exit 7 (refused)', async () => {
		const cluster = aksCluster();
		cluster.store.apply(pod('demo', 'server', '10.0.1.30', {labels: {app: 'server'}, node: NODE_B, image: 'nginx'}));
		const result = await run(cluster, ['curl', '-sS', 'http://10.0.1.30:9999'], {tty: true});
		expect(result.code).toBe(7);
		expect(result.err).toMatch(/^curl: \(7\) Failed to connect to 10\.0\.1\.30 port 9999 after \d+ ms: Couldn't connect to server\n$/);
	});
	test('nginx in a pod answers its welcome page', async () => {
		const cluster = aksCluster();
		cluster.store.apply(pod('demo', 'server', '10.0.1.30', {labels: {app: 'server'}, node: NODE_B, image: 'nginx'}));
		const result = await run(cluster, ['curl', '-s', '-w', '%{http_code}', '-o', '/dev/null', 'http://10.0.1.30']);
		expect(result).toMatchObject({code: 0, out: '200'});
	});
	test('-I prints only the headers; -L follows google.com to www.google.com', async () => {
		const head = await run(aksCluster(), ['curl', '-sI', 'https://google.com']);
		expect(head.out).toBe('HTTP/2 301\r\nlocation: https://www.google.com/\r\ncontent-type: text/html; charset=UTF-8\r\nserver: gws\r\ncontent-length: 218\r\n\r\n');
		const follow = await run(aksCluster(), ['curl', '-sL', '-w', '%{http_code} %{url_effective}', '-o', '/dev/null', 'https://google.com']);
		expect(follow.out).toBe('200 https://www.google.com/');
	});
	test('-f turns an HTTP error into exit 22; unknown options are refused', async () => {
		expect(() => parseCurlArgs(['--bogus'])).toThrow(/option --bogus: is unknown/);
		const result = await run(aksCluster(), ['curl', '--nope', 'x']);
		expect(result.code).toBe(2);
	});
	test('DNS REFUSED by rules.dns: curl cannot resolve (exit 6), nslookup says REFUSED', async () => {
		const cluster = aksCluster();
		cluster.store.apply(cnp('demo', 'dns-only-google', {endpointSelector: {}, egress: [{toEndpoints: [{matchLabels: {'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns'}}], toPorts: [{ports: [{port: '53', protocol: 'ANY'}], rules: {dns: [{matchName: 'google.com'}]}}]}]}));
		expect((await run(cluster, ['curl', '-sS', 'https://www.bing.com'])).code).toBe(6);
		const lookup = await run(cluster, ['nslookup', 'www.bing.com']);
		expect(lookup.code).toBe(1);
		expect(lookup.out).toContain("** server can't find www.bing.com: REFUSED");
		const allowed = await run(cluster, ['nslookup', 'google.com']);
		expect(allowed.out).toContain('Name:\tgoogle.com\nAddress: 142.250.207.110');
	});
	test('programs an image does not carry are not found', () => {
		const cluster = aksCluster();
		expect(lookupPodProgram('dig', cluster.store.get('v1', 'Pod', 'demo', 'curl')!)).toBeUndefined();
		expect(lookupPodProgram('curl', cluster.store.get('v1', 'Pod', 'kube-system', 'cilium-jxgk6')!)).toBeUndefined();
	});
});

describe('ping and wget', () => {
	test('ping answers without policy; an L4-only egress policy blocks ICMP unless icmps allows it', async () => {
		const open = await run(aksCluster(), ['ping', '-c', '2', '8.8.8.8']);
		expect(open.code).toBe(0);
		expect(open.out).toContain('2 packets transmitted, 2 packets received, 0% packet loss');
		const blocked = aksCluster();
		blocked.store.apply(cnp('demo', 'https-only', {endpointSelector: {}, egress: [{toEntities: ['world'], toPorts: [{ports: [{port: '443', protocol: 'TCP'}]}]}]}));
		const dropped = await run(blocked, ['ping', '-c', '2', '8.8.8.8']);
		expect(dropped.code).toBe(1);
		expect(dropped.out).toContain('2 packets transmitted, 0 packets received, 100% packet loss');
		blocked.store.apply(cnp('demo', 'icmp', {endpointSelector: {}, egress: [{toEntities: ['world'], icmps: [{fields: [{type: 8, family: 'IPv4'}]}]}]}));
		expect((await run(blocked, ['ping', '-c', '1', '8.8.8.8'])).code).toBe(0);
	});
	test('wget -qO- prints the page; a bad address is reported as busybox does', async () => {
		const page = await run(aksCluster(), ['wget', '-qO-', 'http://example.com']);
		expect(page.out).toContain('<h1>Example Domain</h1>');
		const bad = await run(aksCluster(), ['wget', '-q', 'http://nothing.invalid']);
		expect(bad).toMatchObject({code: 1, err: "wget: bad address 'nothing.invalid'\n"});
	});
});

describe('sh', () => {
	test('kubectl exec -it curl -- sh: prompt, echo of typed keys, a command, exit', async () => {
		const cluster = documentCluster();
		const result = await run(cluster, ['sh'], {tty: true, stdin: ['curl https://google.com -i -k -m 3\r', 'echo $?\r', 'exit\r']});
		expect(result.code).toBe(0);
		expect(result.out.startsWith('/ # curl https://google.com -i -k -m 3\r\nHTTP/2 301\r\nlocation: https://www.google.com/\r\n')).toBe(true);
		expect(result.out).toContain('/ # echo $?\r\n0\r\n/ # exit\r\n');
	});
	test('sh -c with && and ||, and an unknown command', async () => {
		const cluster = aksCluster();
		const result = await run(cluster, ['sh', '-c', 'curl -s http://nothing.invalid || echo failed $?; nosuch && echo never']);
		expect(result.out).toBe('failed 6\n');
		expect(result.err).toBe('sh: nosuch: not found\n');
		expect(result.code).toBe(127);
	});
	test('exit with a code', async () => {
		expect((await run(aksCluster(), ['sh', '-c', 'exit 3'])).code).toBe(3);
	});
});

describe('hubble inside the cilium pod', () => {
	test('shows the document troubleshooting lines after a blocked curl', async () => {
		const cluster = documentCluster();
		await run(cluster, ['curl', 'https://naver.com', '-m', '3'], {tty: true});
		const agent = cluster.store.get('v1', 'Pod', 'kube-system', 'cilium-jxgk6')!;
		const result = await run(cluster, ['hubble', 'observe', '--namespace', 'demo', '--verdict', 'DROPPED'], {pod: agent});
		const lines = result.out.trim().split('\n');
		// -m 3: the SYN at 0 s and its retransmission at 1 s; the next one (3 s after the first) comes after curl gave up.
		expect(lines).toHaveLength(4);
		expect(lines[0]).toMatch(/^\w{3} [ \d]\d \d\d:\d\d:\d\d\.\d{3}: demo\/curl:\d+ \(ID:\d+\) <> naver\.com:443 \(world\) policy-verdict:none EGRESS DENIED \(TCP Flags: SYN\)$/);
		expect(lines[1]).toMatch(/ <> naver\.com:443 \(world\) Policy denied DROPPED \(TCP Flags: SYN\)$/);
		const seconds = lines.filter((_, index) => index % 2 === 0).map((line) => Date.parse(`2024 ${line.slice(0, 19)}Z`));
		expect(seconds[1]! - seconds[0]!).toBe(1000);
		const json = await run(cluster, ['hubble', 'observe', '--namespace', 'demo', '--verdict', 'DROPPED', '--last', '1', '-o', 'json'], {pod: agent});
		const parsed = JSON.parse(json.out) as {flow: Record<string, unknown>};
		expect(parsed.flow).toMatchObject({verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED', traffic_direction: 'EGRESS', source: {namespace: 'demo', pod_name: 'curl'}, l4: {TCP: {destination_port: 443}}});
	});
	test('DNS through the proxy is visible with --protocol dns and --to-fqdn', async () => {
		const cluster = documentCluster();
		await run(cluster, ['curl', '-s', 'https://google.com', '-o', '/dev/null']);
		const agent = cluster.store.get('v1', 'Pod', 'kube-system', 'cilium-jxgk6')!;
		const dns = await run(cluster, ['hubble', 'observe', '--protocol', 'dns', '--last', '4'], {pod: agent});
		expect(dns.out).toContain('dns-request proxy FORWARDED (DNS Query google.com. AAAA)');
		expect(dns.out).toContain('dns-response proxy FORWARDED');
		const fqdn = await run(cluster, ['hubble', 'observe', '--to-fqdn', 'google.com', '--type', 'policy-verdict'], {pod: agent});
		expect(fqdn.out).toMatch(/-> google\.com:443 \(ID:16777217\) policy-verdict:L3-L4 EGRESS ALLOWED \(TCP Flags: SYN\)/);
	});
	test('bad flags are refused like hubble does', async () => {
		const cluster = aksCluster();
		const agent = cluster.store.get('v1', 'Pod', 'kube-system', 'cilium-jxgk6')!;
		const result = await run(cluster, ['hubble', 'observe', '--verdict', 'MAYBE'], {pod: agent});
		expect(result.code).toBe(1);
		expect(result.err).toContain('invalid --verdict value: MAYBE');
	});
	test('--follow prints new flows until the client goes away', async () => {
		const cluster = documentCluster();
		const agent = cluster.store.get('v1', 'Pod', 'kube-system', 'cilium-jxgk6')!;
		const controller = new AbortController();
		const io = captureIo({signal: controller.signal});
		const following = lookupPodProgram('hubble', agent)!(['hubble', 'observe', '--namespace', 'demo', '--follow', '--verdict', 'DROPPED'], io, agent, cluster.ctx);
		await run(cluster, ['curl', 'https://naver.com', '-m', '2']);
		controller.abort();
		expect(await following).toBe(0);
		expect(io.out().trim().split('\n')).toHaveLength(4);
	});
});

describe('flows of one connection', () => {
	test('the handshake, the data and the close of one curl share one source port', async () => {
		const cluster = documentCluster();
		await run(cluster, ['curl', '-s', 'https://google.com', '-o', '/dev/null']);
		const tcp = Datapath.for(cluster.ctx)
			.allFlows()
			.map((flow) => (flow as {l4?: {TCP?: {source_port: number; destination_port: number}}}).l4?.TCP)
			.filter((l4): l4 is {source_port: number; destination_port: number} => Boolean(l4));
		const podPorts = new Set(tcp.map((l4) => (l4.destination_port === 443 ? l4.source_port : l4.destination_port)));
		expect(tcp.length).toBeGreaterThanOrEqual(6); // SYN, SYN-ACK, ACK, data both ways, FIN both ways
		expect([...podPorts]).toHaveLength(1);
	});
});

describe('flows and FQDN cache survive a daemon restart', () => {
	test('a new Datapath over the same sections keeps them', async () => {
		const cluster = documentCluster();
		await run(cluster, ['curl', '-s', 'https://google.com', '-o', '/dev/null']);
		const first = Datapath.for(cluster.ctx);
		first.persist();
		const restarted = new Datapath(cluster.ctx);
		expect(restarted.allFlows().length).toBeGreaterThan(0);
		expect(restarted.cache(first.endpointOfPod(cluster.store.get('v1', 'Pod', 'demo', 'curl')!)!.node).namesFor('142.250.207.110', restarted.now())).toEqual(['google.com.']);
	});
	test('FQDN entries expire with their TTL: a new connection needs a new lookup', async () => {
		const cluster = documentCluster();
		await run(cluster, ['curl', '-s', 'https://google.com', '-o', '/dev/null']);
		// TTL 300 s, then the agent's DNS GC (every minute) removes the IP: at most 360 s later it is gone.
		cluster.clock.current += 361_000;
		const datapath = Datapath.for(cluster.ctx);
		const curlPod = cluster.store.get('v1', 'Pod', 'demo', 'curl')!;
		const stale = await datapath.tcpConnect(curlPod, '142.250.207.110', 443, {signal: new AbortController().signal, budgetMs: 1000});
		expect(stale.result).toBe('timeout');
		expect((await run(cluster, ['curl', '-s', 'https://google.com', '-o', '/dev/null'])).code).toBe(0);
	});
});

describe('CiliumEndpoint and CiliumIdentity objects', () => {
	test('one CEP per endpoint with enforcement per direction, one identity per label set', () => {
		const cluster = documentCluster();
		const datapath = Datapath.for(cluster.ctx);
		reconcileDatapathObjects(cluster.ctx, datapath.view());
		const cep = cluster.store.get('cilium.io/v2', 'CiliumEndpoint', 'demo', 'curl') as KubeObject & {status: {policy: unknown; identity: {id: number; labels: string[]}}};
		expect(cep.status.policy).toEqual({ingress: {enforcing: false, state: '<status disabled>'}, egress: {enforcing: true, state: 'enforcing'}});
		expect(cep.status.identity.labels).toContain('k8s:app=client');
		expect(cep.status.identity.labels).toContain('k8s:io.kubernetes.pod.namespace=demo');
		const identity = cluster.store.get('cilium.io/v2', 'CiliumIdentity', undefined, String(cep.status.identity.id)) as KubeObject & {'security-labels': Record<string, string>};
		expect(identity['security-labels']['k8s:app']).toBe('client');
		expect(cluster.store.get('cilium.io/v2', 'CiliumEndpoint', 'kube-system', 'cilium-jxgk6')).toBeUndefined();
		expect(reconcileDatapathObjects(cluster.ctx, datapath.view())).toBe(0);
		cluster.store.delete('v1', 'Pod', 'demo', 'curl');
		reconcileDatapathObjects(cluster.ctx, Datapath.for(cluster.ctx).view());
		expect(cluster.store.get('cilium.io/v2', 'CiliumEndpoint', 'demo', 'curl')).toBeUndefined();
	});
	test('no Cilium, no endpoints', () => {
		const cluster = aksCluster({withCilium: false});
		reconcileDatapathObjects(cluster.ctx, Datapath.for(cluster.ctx).view());
		expect(cluster.store.list('cilium.io/v2', 'CiliumEndpoint')).toEqual([]);
	});
});

describe('FQDN cache timing', () => {
	test('an expired entry stays usable until the next minute GC, then is gone; minTTL extends it', async () => {
		const {FqdnCache, usableUntil} = await import('../../../src/practice/datapath/dns.js');
		const cache = new FqdnCache();
		const t0 = Date.parse('2024-12-17T07:07:30Z');
		cache.learn('GitHub.com', ['20.200.245.247'], 60, t0, 'demo/curl');
		expect(cache.namesFor('20.200.245.247', t0 + 59_000)).toEqual(['github.com.']);
		expect(usableUntil({expiresAt: t0 + 60_000})).toBe(Date.parse('2024-12-17T07:09:00Z'));
		expect(cache.namesFor('20.200.245.247', Date.parse('2024-12-17T07:08:59Z'))).toEqual(['github.com.']);
		expect(cache.namesFor('20.200.245.247', Date.parse('2024-12-17T07:09:00Z'))).toEqual([]);
		cache.learn('github.com', ['20.200.245.247'], 60, t0, 'demo/curl', 3600);
		expect(cache.namesFor('20.200.245.247', t0 + 3_000_000)).toEqual(['github.com.']);
	});
});

describe('what the practice cluster does not simulate', () => {
	test('a Kafka L7 rule stored before the API refused them: the policy is not applied and a Warning event says so', async () => {
		const {startDatapathControllers} = await import('../../../src/practice/datapath/controller.js');
		const cluster = aksCluster();
		const stop = startDatapathControllers(cluster.ctx);
		cluster.store.apply({...cnp('demo', 'kafka-rule', {endpointSelector: {}, egress: [{toPorts: [{ports: [{port: '9092', protocol: 'TCP'}], rules: {kafka: [{topic: 'deathstar-plans'}]}}]}]}), metadata: {name: 'kafka-rule', namespace: 'demo', uid: 'u1'}});
		await new Promise((resolve) => setImmediate(resolve));
		await new Promise((resolve) => setImmediate(resolve));
		stop();
		expect(cluster.store.events).toContainEqual({reason: 'NotSimulated', message: 'Kafka L7 rules are not simulated by the practice cluster (only http and dns L7 rules are): the practice cluster does not apply this policy'});
	});
});

describe('node removal', () => {
	test('a deleted node takes its flows and FQDN cache with it', async () => {
		const cluster = documentCluster();
		await run(cluster, ['curl', '-s', 'https://google.com', '-o', '/dev/null']);
		const datapath = Datapath.for(cluster.ctx);
		expect(datapath.ring(NODE_A_NAME).all().length).toBeGreaterThan(0);
		cluster.store.delete('v1', 'Node', undefined, NODE_A_NAME);
		expect(datapath.ring(NODE_A_NAME).all()).toEqual([]);
		expect(datapath.cache(NODE_A_NAME).size).toBe(0);
		expect(JSON.stringify(cluster.sections.data.get('datapath.flows'))).not.toContain(NODE_A_NAME);
	});
});

describe('cilium-dbg fqdn cache in the cilium pod', () => {
	test('clean -f forgets what the DNS proxy learned: a name looked up before is blocked until it is looked up again', async () => {
		const cluster = documentCluster();
		const agent = cluster.store.get('v1', 'Pod', 'kube-system', 'cilium-jxgk6')!;
		expect((await run(cluster, ['curl', '-sS', '-o', '/dev/null', '-m', '3', 'https://example.com'])).code).toBe(0);
		expect((await run(cluster, ['cilium-dbg', 'fqdn', 'cache', 'list'], {pod: agent})).out).toContain('example.com.');

		// Without the DNS rule, names still resolve but the proxy no longer sees them: the cached IP alone keeps it open.
		const withoutDnsRule = structuredClone(ALLOW_DNS_DOC) as KubeObject & {spec: {egress: Array<{toPorts: Array<{rules?: unknown}>}>}};
		for (const rule of withoutDnsRule.spec.egress) for (const port of rule.toPorts) delete port.rules;
		cluster.store.apply(withoutDnsRule);
		expect((await run(cluster, ['curl', '-sS', '-o', '/dev/null', '-m', '3', 'https://example.com'])).code).toBe(0);

		expect((await run(cluster, ['cilium-dbg', 'fqdn', 'cache', 'clean'], {pod: agent})).code).toBe(1);
		const cleaned = await run(cluster, ['cilium-dbg', 'fqdn', 'cache', 'clean', '-f'], {pod: agent});
		expect(cleaned).toMatchObject({code: 0, out: 'FQDN proxy cache cleared\n'});
		expect((await run(cluster, ['cilium-dbg', 'fqdn', 'cache', 'list'], {pod: agent})).out).not.toContain('example.com.');
		expect((await run(cluster, ['curl', '-sS', '-o', '/dev/null', '-m', '3', 'https://example.com'])).code).toBe(28);
	});
});
