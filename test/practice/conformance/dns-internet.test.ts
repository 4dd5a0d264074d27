// Conformance table: the world of names and addresses a pod of the practice cluster sees, probed with the real
// kubectl exec (k8s track, instant speed). BusyBox nslookup follows networking/nslookup.c @1_36_1 (options before
// HOST, -type= adds a query type in qtypes[] order, parse_reply prints "Non-authoritative answer:" unless the
// server is authoritative and nothing more for an empty answer, "** server can't find NAME: RCODE" for an error,
// exit 1 when any reply was an error); curl's exit codes are libcurl's (6 could not resolve, 28 timeout). The
// curated internet is src/practice/datapath/world.ts; every other name is NXDOMAIN, every other address silent.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {kubectlVersion} from '../../helpers/kubectl.js';
import {TestPractice} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-dns-', speed: 'instant', track: 'k8s'});
const {run} = practice;
const exec = (...argv: string[]) => run('kubectl', ['-n', 'demo', 'exec', 'curl', '--', ...argv]);
let dns = '';
const header = () => `Server:\t\t${dns}\nAddress:\t${dns}:53\n\n`;

beforeAll(async () => {
	await practice.start();
	expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system'])).code).toBe(0);
	expect((await run('kubectl', ['create', 'ns', 'demo'])).code).toBe(0);
	expect((await run('kubectl', ['run', 'web', '-n', 'demo', '--image=nginx', '--labels=app=web', '--port=80'])).code).toBe(0);
	expect((await run('kubectl', ['expose', 'pod', 'web', '-n', 'demo', '--port=80'])).code).toBe(0);
	expect((await run('kubectl', ['run', 'curl', '-n', 'demo', '--image=alpine/curl', '--labels=app=client', '--command', '--', 'sleep', '365d'])).code).toBe(0);
	expect((await run('kubectl', ['wait', '-n', 'demo', '--for=condition=Ready', 'pod/curl', 'pod/web', '--timeout=60s'])).code).toBe(0);
	dns = (await run('kubectl', ['-n', 'kube-system', 'get', 'svc', 'kube-dns', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
}, 180_000);

afterAll(() => practice.stop());

describe('the curated internet and BusyBox nslookup (conformance table)', () => {
	it('nslookup google.com: the A reply then the AAAA reply, each non-authoritative — nslookup.c parse_reply', async () => {
		const result = await exec('nslookup', 'google.com');
		expect(result.stdout).toBe(`${header()}Non-authoritative answer:\nName:\tgoogle.com\nAddress: 142.250.207.110\n\nNon-authoritative answer:\nName:\tgoogle.com\nAddress: 2404:6800:4004:827::200e\n`);
		expect(result.code).toBe(0);
	});

	it('nslookup -type=AAAA google.com asks only AAAA — nslookup.c main (types bitmask)', async () => {
		const result = await exec('nslookup', '-type=AAAA', 'google.com');
		expect(result.stdout).toBe(`${header()}Non-authoritative answer:\nName:\tgoogle.com\nAddress: 2404:6800:4004:827::200e\n`);
	});

	it('nslookup -type=a (case-insensitive) asks only A — strcasecmp(qtypes[i].name, val)', async () => {
		const result = await exec('nslookup', '-type=a', 'example.com');
		expect(result.stdout).toBe(`${header()}Non-authoritative answer:\nName:\texample.com\nAddress: 93.184.215.14\n`);
	});

	it('nslookup github.com: GitHub has no AAAA, the empty answer prints only its header and a blank line — parse_reply (1.36 prints no "No answer")', async () => {
		const result = await exec('nslookup', 'github.com');
		expect(result.stdout).toBe(`${header()}Non-authoritative answer:\nName:\tgithub.com\nAddress: 20.200.245.247\n\nNon-authoritative answer:\n`);
		expect(result.code).toBe(0);
	});

	it('nslookup doesnotexist.example.org: NXDOMAIN for both queries, exit 1 — no made-up address', async () => {
		const result = await exec('nslookup', 'doesnotexist.example.org');
		expect(result.stdout).toBe(`${header()}** server can't find doesnotexist.example.org: NXDOMAIN\n\n** server can't find doesnotexist.example.org: NXDOMAIN\n`);
		expect(result.code).toBe(1);
	});

	it('nslookup -type=bogus: invalid query type, exit 1 — bb_error_msg_and_die("invalid query type \\"%s\\"")', async () => {
		const result = await exec('nslookup', '-type=bogus', 'google.com');
		expect(result.stderr).toBe('nslookup: invalid query type "bogus"\ncommand terminated with exit code 1');
	});

	it('nslookup -type=MX: a type the practice cluster does not answer is refused plainly', async () => {
		const result = await exec('nslookup', '-type=MX', 'google.com');
		expect(result.stderr).toBe('nslookup: query type MX is not simulated by the practice cluster (A and AAAA are)\ncommand terminated with exit code 1');
	});

	it('nslookup -foo: an unknown option shows the usage — index_in_substrings < 0 → bb_show_usage', async () => {
		const result = await exec('nslookup', '-foo', 'google.com');
		expect(result.stderr).toContain('Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]');
		expect(result.code).toBe(1);
	});

	it('nslookup google.com 8.8.8.8: the public resolver answers on 53 — DNS_SERVER argument', async () => {
		const result = await exec('nslookup', 'google.com', '8.8.8.8');
		expect(result.stdout).toBe('Server:\t\t8.8.8.8\nAddress:\t8.8.8.8:53\n\nNon-authoritative answer:\nName:\tgoogle.com\nAddress: 142.250.207.110\n\nNon-authoritative answer:\nName:\tgoogle.com\nAddress: 2404:6800:4004:827::200e\n');
	});

	it('nslookup web.demo.svc.cluster.local 8.8.8.8: a public resolver does not know the cluster zone — NXDOMAIN', async () => {
		const result = await exec('nslookup', 'web.demo.svc.cluster.local', '8.8.8.8');
		expect(result.stdout).toContain("** server can't find web.demo.svc.cluster.local: NXDOMAIN");
		expect(result.code).toBe(1);
	});

	it('nslookup kube-dns.kube-system.svc.cluster.local: CoreDNS is authoritative, so no "Non-authoritative answer:" — header->aa', async () => {
		const result = await exec('nslookup', 'kube-dns.kube-system.svc.cluster.local');
		expect(result.stdout).toBe(`${header()}Name:\tkube-dns.kube-system.svc.cluster.local\nAddress: ${dns}\n\n\n`.replace(/\n$/, ''));
	});

	it('nslookup -type=AAAA web: the search list applies to every type — add_query_with_search', async () => {
		const result = await exec('nslookup', '-type=AAAA', 'web');
		expect(result.stdout).toBe(`${header()}\n** server can't find web.svc.cluster.local: NXDOMAIN\n\n** server can't find web.cluster.local: NXDOMAIN\n`);
		expect(result.code).toBe(1);
	});

	it('nslookup 8.8.8.8 (a reverse lookup) is refused plainly', async () => {
		const result = await exec('nslookup', '8.8.8.8');
		expect(result.stderr).toBe('nslookup: reverse lookups (PTR) are not simulated by the practice cluster (A and AAAA are)\ncommand terminated with exit code 1');
	});
});

describe('addresses: what answers and what does not (conformance table)', () => {
	it('curl http://doesnotexist.example.org: could not resolve, exit 6 — CURLE_COULDNT_RESOLVE_HOST', async () => {
		const result = await exec('curl', '-sS', '-m', '3', 'http://doesnotexist.example.org');
		expect(result.stderr).toBe('curl: (6) Could not resolve host: doesnotexist.example.org\ncommand terminated with exit code 6');
	});

	it('curl to a public IP with nothing behind it times out, exit 28 — CURLE_OPERATION_TIMEDOUT', async () => {
		const result = await exec('curl', '-sS', '-m', '2', 'http://203.0.113.7');
		expect(result.stderr).toMatch(/^curl: \(28\) Connection timed out after 200\d milliseconds\ncommand terminated with exit code 28$/);
	});

	it('curl https://github.com answers 200 from the curated internet — world.ts', async () => {
		const result = await exec('curl', '-s', '-o', '/dev/null', '-w', '%{http_code} %{remote_ip}', 'https://github.com');
		expect(result.stdout).toBe('200 20.200.245.247');
	});

	it('ping an address with nothing behind it: every echo lost, exit 1 — BusyBox ping', async () => {
		const result = await exec('ping', '-c', '2', '203.0.113.7');
		expect(result.stdout).toContain('2 packets transmitted, 0 packets received, 100% packet loss');
		expect(result.code).toBe(1);
	});

	it('ping 8.8.8.8 answers — a public resolver is a host', async () => {
		const result = await exec('ping', '-c', '1', '8.8.8.8');
		expect(result.stdout).toContain('1 packets transmitted, 1 packets received, 0% packet loss');
		expect(result.code).toBe(0);
	});

	it('a Service answers while it exists; after delete its ClusterIP times out — kube-proxy replacement has no entry', async () => {
		expect((await run('kubectl', ['expose', 'pod', 'web', '-n', 'demo', '--name=gone', '--port=80'])).code).toBe(0);
		const ip = (await run('kubectl', ['-n', 'demo', 'get', 'svc', 'gone', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
		expect((await exec('curl', '-s', '-m', '2', '-o', '/dev/null', '-w', '%{http_code}', `http://${ip}`)).stdout).toBe('200');
		expect((await run('kubectl', ['-n', 'demo', 'delete', 'svc', 'gone'])).code).toBe(0);
		const after = await exec('curl', '-sS', '-m', '2', `http://${ip}`);
		expect(after.stderr).toContain('curl: (28) Connection timed out');
	});

	it('kubectl 1.33 describe svc reads the EndpointSlice\'s port names without a panic — describe.go formatEndpointSlices', async () => {
		const result = await practice.run(kubectlVersion('1.33'), ['-n', 'demo', 'describe', 'svc', 'web']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/Endpoints:\s+10\.\d+\.\d+\.\d+:80\n/);
	});

	it('a LoadBalancer Service gets an external IP and the service-controller events, as on AKS — cloud-provider-azure', async () => {
		expect((await run('kubectl', ['expose', 'pod', 'web', '-n', 'demo', '--name=public', '--type=LoadBalancer', '--port=80'])).code).toBe(0);
		expect((await run('kubectl', ['-n', 'demo', 'wait', '--for=jsonpath={.status.loadBalancer.ingress[0].ipMode}=VIP', 'svc/public', '--timeout=20s'])).code).toBe(0);
		const ip = (await run('kubectl', ['-n', 'demo', 'get', 'svc', 'public', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])).stdout;
		expect(ip).toMatch(/^20\.\d+\.\d+\.\d+$/);
		const described = await run('kubectl', ['-n', 'demo', 'describe', 'svc', 'public']);
		expect(described.stdout).toMatch(/LoadBalancer Ingress:\s+20\.\d+\.\d+\.\d+\n/);
		expect(described.stdout).toMatch(/Normal {2}EnsuringLoadBalancer .* service-controller {2}Ensuring load balancer\n {2}Normal {2}EnsuredLoadBalancer .* service-controller {2}Ensured load balancer/);
	});
});
