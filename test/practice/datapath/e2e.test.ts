import net from 'node:net';
// The FQDN, troubleshooting and Hubble steps as a learner runs them: real kubectl against a started practice
// daemon (k8s track, instant speed), the simulated helm/cilium/hubble shims, and `cilium-lab policy explain`.
import path from 'node:path';
import {execa, type ResultPromise} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {repoRoot} from '../../helpers/build.js';
import {TestPractice} from '../../helpers/practice.js';
import {DOCUMENT_POLICIES} from './document-policies.js';
import {acquirePortLock, HUBBLE_RELAY_PORT} from '../../helpers/port-lock.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-datapath-e2e-', speed: 'instant', track: 'k8s'});
const {run} = practice;

beforeAll(async () => {
	await practice.start();
	expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system', '--set', 'hubble.relay.enabled=true'])).code).toBe(0);
	expect((await run('kubectl', ['create', 'ns', 'demo'])).code).toBe(0);
	expect((await run('kubectl', ['run', 'curl', '-n', 'demo', '--image=alpine/curl', '--labels=app=client', '--command', '--', 'sleep', '365d'])).code).toBe(0);
	expect((await run('kubectl', ['wait', '-n', 'demo', '--for=condition=Ready', 'pod/curl', '--timeout=60s'])).code).toBe(0);
}, 180_000);

afterAll(() => practice.stop());

describe('the FQDN lesson against the practice cluster', () => {
	it('applies the document policies; a bad pattern is refused by the API server', async () => {
		const applied = await run('kubectl', ['-n', 'demo', 'apply', '-f', '-'], {input: DOCUMENT_POLICIES});
		expect(applied.stdout).toBe('ciliumnetworkpolicy.cilium.io/allow-dns created\nciliumnetworkpolicy.cilium.io/allow-egress-to-specific-domain created');
		const bad = await run('kubectl', ['-n', 'demo', 'apply', '-f', '-'], {input: 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: bad}\nspec:\n  endpointSelector: {}\n  egress: [{toFQDNs: [{matchName: "*.google.com"}]}]\n'});
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain(`spec.egress[0].toFQDNs[0].matchName: Invalid value: "*.google.com": spec.egress[0].toFQDNs[0].matchName in body should match '^([-a-zA-Z0-9_]+[.]?)+$'`);
	});

	it('lists the endpoint with egress enforced', async () => {
		let policy = '';
		for (let attempt = 0; attempt < 50 && !policy.includes('"egress":{"enforcing":true'); attempt++) {
			policy = (await run('kubectl', ['get', 'cep', '-n', 'demo', 'curl', '-o', 'jsonpath={.status.policy}'])).stdout;
		}
		expect(JSON.parse(policy)).toEqual({egress: {enforcing: true, state: 'enforcing'}, ingress: {enforcing: false, state: '<status disabled>'}});
		const identities = await run('kubectl', ['get', 'ciliumidentities']);
		expect(identities.code).toBe(0);
	});

	it('curl in the pod: google.com answers, naver.com and github.com time out', async () => {
		const google = await run('kubectl', ['-n', 'demo', 'exec', 'curl', '--', 'curl', 'https://google.com', '-i', '-k', '-m', '3', '-sS']);
		expect(google.code).toBe(0);
		expect(google.stdout.startsWith('HTTP/2 301\r\nlocation: https://www.google.com/')).toBe(true);
		const naver = await run('kubectl', ['-n', 'demo', 'exec', 'curl', '--', 'curl', '-sS', '-m', '3', 'https://naver.com']);
		expect(naver.code).toBe(28);
		expect(naver.stderr).toBe('curl: (28) Connection timed out after 3002 milliseconds\ncommand terminated with exit code 28');
		expect((await run('kubectl', ['-n', 'demo', 'exec', 'curl', '--', 'curl', '-sS', '-m', '3', 'https://github.com'])).code).toBe(28);
	});

	it('hubble observe in the cilium pod of the curl pod node shows the drops', async () => {
		const node = (await run('kubectl', ['-n', 'demo', 'get', 'pod', 'curl', '-o', 'jsonpath={.spec.nodeName}'])).stdout;
		const agent = (await run('kubectl', ['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=cilium', '--field-selector', `spec.nodeName=${node}`, '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
		expect(agent).toMatch(/^cilium-/);
		// --namespace and --to-fqdn are one conflict group in hubble v1.16.4 (flows_filter.go newFlowFilter): the source side is --from-namespace.
		const observed = await run('kubectl', ['-n', 'kube-system', 'exec', agent, '--', 'hubble', 'observe', '--from-namespace', 'demo', '--verdict', 'DROPPED', '--to-fqdn', 'naver.com']);
		expect(observed.code).toBe(0);
		const lines = observed.stdout.split('\n');
		expect(lines).toHaveLength(4);
		expect(lines[0]).toMatch(/: demo\/curl:\d+ \(ID:\d+\) <> naver\.com:443 \(world\) policy-verdict:none EGRESS DENIED \(TCP Flags: SYN\)$/);
		expect(lines[1]).toMatch(/: demo\/curl:\d+ \(ID:\d+\) <> naver\.com:443 \(world\) Policy denied DROPPED \(TCP Flags: SYN\)$/);
	});

	it('the host hubble needs cilium hubble port-forward', async () => {
		// 4245 is fixed by the real tools: one test (or lessons walk) at a time, across test processes.
		const release = await acquirePortLock(HUBBLE_RELAY_PORT, {holder: 'test/practice/datapath/e2e.test.ts'});
		let forward: ResultPromise | undefined;
		try {
			const refused = await run('hubble', ['observe', '--namespace', 'demo']);
			expect(refused.code).toBe(1);
			expect(refused.stderr).toContain("failed to connect to 'localhost:4245'");
			forward = execa('cilium', ['hubble', 'port-forward'], {env: practice.env, reject: false});
			let status = {code: 1, stdout: '', stderr: ''} as {code: number | undefined; stdout: string; stderr: string};
			for (let attempt = 0; attempt < 50 && status.code !== 0; attempt++) {
				status = await run('hubble', ['status']);
				if (status.code !== 0) await new Promise((resolve) => setTimeout(resolve, 100));
			}
			expect(status.stdout).toMatch(/^Healthcheck \(via localhost:4245\): Ok\n/);
			expect(status.stdout).toContain('Connected Nodes: 3/3');
			const observed = await run('hubble', ['observe', '--namespace', 'demo', '--verdict', 'DROPPED', '-o', 'json', '--last', '1']);
			expect(JSON.parse(observed.stdout).flow).toMatchObject({verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED', source: {namespace: 'demo', pod_name: 'curl'}});
		} finally {
			forward?.kill('SIGINT');
			await forward;
			release();
		}
	}, 360_000);

	it('the host hubble talks only to this practice cluster\'s relay, on the port the lab chose', async () => {
		// Another learner's relay (anything listening) on a port is not this cluster's.
		const foreign = net.createServer((socket) => socket.on('error', () => undefined));
		await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', () => resolve()));
		const foreignPort = (foreign.address() as net.AddressInfo).port;
		let forward: ResultPromise | undefined;
		try {
			const wrong = await run('hubble', ['status', '--server', `localhost:${foreignPort}`]);
			expect(wrong.code).toBe(1);
			expect(wrong.stderr).toContain("not this practice cluster's Hubble Relay");
			const busy = await run('cilium', ['hubble', 'port-forward', '--port-forward', String(foreignPort)]);
			expect(busy.code).not.toBe(0);
			expect(busy.stderr).toContain('EADDRINUSE');
			const free = await new Promise<number>((resolve) => {
				const probe = net.createServer().listen(0, '127.0.0.1', () => {
					const {port} = probe.address() as net.AddressInfo;
					probe.close(() => resolve(port));
				});
			});
			forward = execa('cilium', ['hubble', 'port-forward', '--port-forward', String(free)], {env: practice.env, reject: false});
			let status = {code: 1, stdout: '', stderr: ''} as {code: number | undefined; stdout: string; stderr: string};
			for (let attempt = 0; attempt < 50 && status.code !== 0; attempt++) {
				status = await run('hubble', ['status', '--server', `localhost:${free}`]);
				if (status.code !== 0) await new Promise((resolve) => setTimeout(resolve, 100));
			}
			expect(status.stdout).toMatch(new RegExp(`^Healthcheck \\(via localhost:${free}\\): Ok\n`));
		} finally {
			forward?.kill('SIGINT');
			await forward;
			foreign.close();
		}
	}, 120_000);

	it('policy explain against the running cluster says why', async () => {
		const naver = await run(process.execPath, [path.join(repoRoot, 'dist', 'cilium-lab.js'), '--lang', 'en', 'policy', 'explain', '--from', 'demo/curl', '--to', 'naver.com:443']);
		expect(naver.code).toBe(2);
		expect(naver.stdout).toContain('EGRESS DROPPED (Policy denied): default deny, no rule of CiliumNetworkPolicy demo/allow-dns, CiliumNetworkPolicy demo/allow-egress-to-specific-domain matches');
		const google = await run(process.execPath, [path.join(repoRoot, 'dist', 'cilium-lab.js'), 'policy', 'explain', '--lang', 'en', '--from', 'demo/curl', '--to', 'https://www.google.com']);
		expect(google.code).toBe(0);
		expect(google.stdout).toContain('by CiliumNetworkPolicy demo/allow-egress-to-specific-domain spec.egress[0]');
		const korean = await run(process.execPath, [path.join(repoRoot, 'dist', 'cilium-lab.js'), '--lang', 'ko', 'policy', 'explain', '--from', 'demo/curl', '--to', 'naver.com:443']);
		expect(korean.code).toBe(2);
		expect(korean.stdout).toMatch(/^출발: demo\/curl \(identity \d+, 노드 /);
		expect(korean.stdout).toContain('EGRESS DROPPED (Policy denied): 기본 거부(default deny), CiliumNetworkPolicy demo/allow-dns, CiliumNetworkPolicy demo/allow-egress-to-specific-domain의 어떤 규칙과도 맞지 않습니다');
		expect(korean.stdout).toContain('판정: DROPPED');
	});
});
