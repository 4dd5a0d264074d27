// Conformance table: names in a pod of the practice cluster, probed with the real kubectl exec (k8s track, instant
// speed). BusyBox nslookup follows networking/nslookup.c @1_36_1 (add_query_with_search: the search list only for a
// name without a dot; every reply printed; exit 1 when any query failed); curl resolves through musl's getaddrinfo
// (ndots:5 and the search list of the pod's resolv.conf).
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TestPractice} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-names-', speed: 'instant', track: 'k8s'});
const {run} = practice;
const exec = (...argv: string[]) => run('kubectl', ['-n', 'demo', 'exec', 'curl', '--', ...argv]);
let webIp = '';
let kubernetesIp = '';

beforeAll(async () => {
	await practice.start();
	expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system'])).code).toBe(0);
	expect((await run('kubectl', ['create', 'ns', 'demo'])).code).toBe(0);
	expect((await run('kubectl', ['run', 'web', '-n', 'demo', '--image=nginx', '--labels=app=web', '--port=80'])).code).toBe(0);
	expect((await run('kubectl', ['expose', 'pod', 'web', '-n', 'demo', '--port=80'])).code).toBe(0);
	expect((await run('kubectl', ['run', 'curl', '-n', 'demo', '--image=alpine/curl', '--labels=app=client', '--command', '--', 'sleep', '365d'])).code).toBe(0);
	expect((await run('kubectl', ['wait', '-n', 'demo', '--for=condition=Ready', 'pod/curl', 'pod/web', '--timeout=60s'])).code).toBe(0);
	webIp = (await run('kubectl', ['-n', 'demo', 'get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
	kubernetesIp = (await run('kubectl', ['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
}, 180_000);

afterAll(() => practice.stop());

describe('names (conformance table)', () => {
	it('nslookup web: the search list finds the Service in the pod\'s namespace, the other domains answer NXDOMAIN, exit 1 — networking/nslookup.c add_query_with_search', async () => {
		const result = await exec('nslookup', 'web');
		const dns = (await run('kubectl', ['-n', 'kube-system', 'get', 'svc', 'kube-dns', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
		expect(result.stdout).toBe(
			[
				`Server:\t\t${dns}`,
				`Address:\t${dns}:53`,
				'',
				'Name:\tweb.demo.svc.cluster.local',
				`Address: ${webIp}`,
				'',
				"** server can't find web.svc.cluster.local: NXDOMAIN",
				'',
				"** server can't find web.cluster.local: NXDOMAIN",
				'',
				'',
				"** server can't find web.svc.cluster.local: NXDOMAIN",
				'',
				"** server can't find web.cluster.local: NXDOMAIN",
				'', // each reply ends in a blank line; execa drops the last newline
			].join('\n'),
		);
		expect(result.code).toBe(1);
	});

	it('nslookup kubernetes.default: a name with a dot is asked as is, and "default" is no top-level domain — networking/nslookup.c (no search for dotted names)', async () => {
		const result = await exec('nslookup', 'kubernetes.default');
		expect(result.stdout).toMatch(/\n\*\* server can't find kubernetes\.default: NXDOMAIN\n\n\*\* server can't find kubernetes\.default: NXDOMAIN\n$/);
		expect(result.code).toBe(1);
	});

	it('nslookup kubernetes.default.svc.cluster.local answers the kubernetes Service\'s ClusterIP — CoreDNS kubernetes plugin', async () => {
		const result = await exec('nslookup', 'kubernetes.default.svc.cluster.local');
		expect(result.stdout).toContain(`Name:\tkubernetes.default.svc.cluster.local\nAddress: ${kubernetesIp}\n`);
		expect(result.code).toBe(0);
	});

	it('curl https://kubernetes.default reaches the kubernetes ClusterIP through the search list — musl getaddrinfo (ndots:5)', async () => {
		const result = await exec('curl', '-sk', '-m', '3', '-o', '/dev/null', '-w', '%{remote_ip}', 'https://kubernetes.default');
		expect(result.stdout).toBe(kubernetesIp);
	});

	it('a name under a top-level domain that does not exist cannot be resolved (every search-list name is NXDOMAIN too) — curl exit 6', async () => {
		const result = await exec('curl', '-sS', '-m', '3', 'http://web.nosuchtld');
		expect(result.stderr).toBe('curl: (6) Could not resolve host: web.nosuchtld\ncommand terminated with exit code 6');
	});

	it('web.demo is NAME.NAMESPACE: the search list makes it the Service — musl getaddrinfo (ndots:5)', async () => {
		const result = await exec('curl', '-s', '-o', '/dev/null', '-w', '%{remote_ip}', 'http://web.demo');
		expect(result.stdout).toBe(webIp);
	});
});
