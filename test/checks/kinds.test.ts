// Every check kind against a real HTTPS API on loopback (test/checks/fake-api.ts), through client-node.
import fs from 'node:fs';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCheck} from '../../src/checks/registry.js';
import type {CheckContext} from '../../src/checks/types.js';
import type {CheckSpec} from '../../src/lab/types.js';
import {startFakeCluster, type FakeCluster} from './fake-api.js';

let cluster: FakeCluster;
let ctx: CheckContext;
const ko = () => ({...ctx, lang: 'ko' as const});
const check = (spec: CheckSpec, context = ctx) => runCheck(spec, context);

const node = (name: string, ready: boolean) => ({metadata: {name}, status: {conditions: [{type: 'Ready', status: ready ? 'True' : 'False'}]}});
const pod = (namespace: string, name: string, labels: Record<string, string>, ready = true) => ({
	metadata: {name, namespace, labels},
	status: {phase: ready ? 'Running' : 'Pending', conditions: [{type: 'Ready', status: ready ? 'True' : 'False'}], containerStatuses: [ready ? {state: {running: {}}} : {state: {waiting: {reason: 'ContainerCreating'}}}]},
});
const cnp = (name: string, fqdn: string) => ({apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name, namespace: 'demo', labels: {lesson: 'fqdn'}}, spec: {egress: [{toFQDNs: [{matchName: fqdn}]}]}});

beforeAll(async () => {
	cluster = await startFakeCluster();
	ctx = {lang: 'en', env: {KUBECONFIG: cluster.kubeconfig, PATH: process.env.PATH!}, signal: new AbortController().signal};
	const o = cluster.objects;
	o.set('/api/v1/nodes', {kind: 'NodeList', items: [node('aks-nodepool1-0', true), node('aks-nodepool1-1', true), node('aks-nodepool1-2', false)]});
	o.set('/apis/apps/v1/namespaces/kube-system/daemonsets/cilium', JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'cilium-daemonset-rolling.json'), 'utf8')));
	o.set('/apis/apps/v1/namespaces/kube-system/deployments/cilium-operator', {metadata: {name: 'cilium-operator', generation: 1}, spec: {replicas: 2}, status: {observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2}});
	o.set('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {kind: 'CustomResourceDefinitionList', items: [{metadata: {name: 'ciliumnetworkpolicies.cilium.io'}}, {metadata: {name: 'ciliumendpoints.cilium.io'}}]});
	o.set('/apis/cilium.io/v2', {kind: 'APIResourceList', groupVersion: 'cilium.io/v2', resources: [{name: 'ciliumnetworkpolicies', singularName: 'ciliumnetworkpolicy', namespaced: true, kind: 'CiliumNetworkPolicy', verbs: ['get', 'list']}]});
	o.set('/apis/cilium.io/v2/namespaces/demo/ciliumnetworkpolicies', {kind: 'CiliumNetworkPolicyList', items: [cnp('allow-github', 'api.github.com')]});
	o.set('/apis/cilium.io/v2/namespaces/demo/ciliumnetworkpolicies/allow-github', cnp('allow-github', 'api.github.com'));
	o.set('/api/v1/namespaces/demo/pods', {kind: 'PodList', items: [pod('demo', 'curl', {app: 'client'}), pod('demo', 'web', {app: 'web'}, false)]});
	o.set('/api/v1/namespaces/demo/pods/curl', pod('demo', 'curl', {app: 'client'}));
	o.set('/api/v1/namespaces/kube-system/pods', {kind: 'PodList', items: [pod('kube-system', 'cilium-x7k2p', {'k8s-app': 'cilium'}), pod('kube-system', 'cilium-b9q4m', {'k8s-app': 'cilium'}), pod('kube-system', 'cilium-starting', {'k8s-app': 'cilium'}, false)]});
	const flows = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'hubble-observe.jsonl'), 'utf8');
	cluster.exec = (where, container, command) => {
		if (command[0] === 'curl') {
			const url = command.at(-1)!;
			if (url.includes('github')) return {exitCode: 0};
			if (url.includes('google')) return {exitCode: 28, stderr: 'curl: (28) Connection timed out after 5001 milliseconds\n'};
			if (url.includes('refused')) return {exitCode: 7, stderr: 'curl: (7) Failed to connect\n'};
			return {exitCode: 6, stderr: `curl: (6) Could not resolve host: ${new URL(url).host}\n`};
		}
		if (command[0] === 'hubble') {
			expect(container).toBe('cilium-agent');
			expect(where).not.toBe('kube-system/cilium-starting');
			if (where === 'kube-system/cilium-b9q4m') {
				// The other node's agent sees its own node's flows.
				return {exitCode: 0, stdout: JSON.stringify({flow: {verdict: 'DROPPED', IP: {source: '10.0.2.7', destination: '10.0.2.9'}, l4: {TCP: {destination_port: 8080}}, source: {namespace: 'demo', pod_name: 'tiefighter'}, destination: {namespace: 'demo', pod_name: 'deathstar'}}}) + '\n'};
			}
			return {exitCode: 0, stdout: flows};
		}
		if (command.join(' ') === 'cat /etc/resolv.conf') return {exitCode: 0, stdout: 'nameserver 10.0.0.10\nsearch demo.svc.cluster.local\n'};
		return {exitCode: 3, stderr: 'sh: failing\n'};
	};
});
afterAll(() => cluster.close());

describe('cluster checks over HTTPS', () => {
	it('clusterReachable: the version; a wrong token; a closed port; no kubeconfig at all', async () => {
		expect(await check({kind: 'clusterReachable'})).toMatchObject({ok: true, summary: 'cluster reachable (Kubernetes v1.31.2)'});

		const badToken = path.join(cluster.dir, 'bad-token');
		fs.writeFileSync(badToken, fs.readFileSync(cluster.kubeconfig, 'utf8').replace(/token: [^}]*/, 'token: wrong'));
		expect(await check({kind: 'clusterReachable'}, {...ctx, env: {KUBECONFIG: badToken}})).toMatchObject({ok: false, unreachable: true, summary: expect.stringContaining('refused the credentials (401 Unauthorized)')});

		const closed = path.join(cluster.dir, 'closed');
		fs.writeFileSync(closed, fs.readFileSync(cluster.kubeconfig, 'utf8').replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1'));
		expect(await check({kind: 'clusterReachable'}, {...ctx, env: {KUBECONFIG: closed}})).toMatchObject({ok: false, unreachable: true, summary: 'cannot reach the cluster at https://127.0.0.1:1: connection refused'});

		const result = await check({kind: 'clusterReachable'}, {...ctx, env: {HOME: cluster.dir}});
		expect(result).toMatchObject({ok: false, unreachable: true, summary: expect.stringMatching(/^no cluster configured/), hint: expect.stringContaining('cilium-lab practice start')});
	});

	it('nodes: counts, Ready and NotReady', async () => {
		expect(await check({kind: 'nodes', count: 3})).toMatchObject({ok: true, summary: '3 nodes, 2 Ready'});
		expect(await check({kind: 'nodes', ready: true})).toMatchObject({ok: false, summary: '3 nodes, 2 Ready · not Ready: aks-nodepool1-2'});
		expect((await check({kind: 'nodes', minCount: 4}, ko())).summary).toBe('노드 3개, Ready 2개 · 노드가 4개 이상이어야 하지만 3개입니다');
	});

	it('rollout: "cilium DaemonSet 2/3 ready" until every pod is available', async () => {
		const rolling = await check({kind: 'rollout', namespace: 'kube-system', resourceKind: 'DaemonSet', name: 'cilium'});
		expect(rolling).toMatchObject({ok: false, summary: 'cilium DaemonSet 2/3 ready'});
		expect(rolling.detail).toContain('seen: 3 updated, 2 available, 2 ready');
		expect(rolling.hint).toContain('rollout status daemonset/cilium');
		expect(await check({kind: 'rollout', namespace: 'kube-system', resourceKind: 'Deployment', name: 'cilium-operator'})).toMatchObject({ok: true, summary: 'cilium-operator Deployment 2/2 ready'});
		expect(await check({kind: 'rollout', namespace: 'kube-system', resourceKind: 'Deployment', name: 'hubble-relay'})).toMatchObject({ok: false, summary: 'hubble-relay Deployment not found in kube-system'});
	});

	it('crds: names the missing ones', async () => {
		expect(await check({kind: 'crds', names: ['ciliumnetworkpolicies.cilium.io']})).toMatchObject({ok: true, summary: '1/1 CRDs present'});
		expect(await check({kind: 'crds', names: ['ciliumnetworkpolicies.cilium.io', 'ciliumegressgatewaypolicies.cilium.io']})).toMatchObject({ok: false, summary: '1/2 CRDs present', detail: 'missing: ciliumegressgatewaypolicies.cilium.io'});
	});

	it('resource: any kind through discovery; present, absent, match, selector, unknown kinds', async () => {
		const base = {kind: 'resource', apiVersion: 'cilium.io/v2', resourceKind: 'CiliumNetworkPolicy', namespace: 'demo'};
		expect(await check({...base, name: 'allow-github'})).toMatchObject({ok: true, summary: 'CiliumNetworkPolicy demo/allow-github: 1 present (allow-github)'});
		expect(await check({...base, name: 'allow-github', match: {'spec.egress.0.toFQDNs.0.matchName': 'api.github.com'}})).toMatchObject({ok: true});
		const mismatch = await check({...base, name: 'allow-github', match: {'spec.egress.0.toFQDNs.0.matchName': 'example.com'}});
		expect(mismatch).toMatchObject({ok: false, summary: 'CiliumNetworkPolicy demo/allow-github: 0 of 1 match (need 1)'});
		expect(mismatch.detail).toContain('allow-github: spec.egress.0.toFQDNs.0.matchName = "api.github.com"');
		expect(await check({...base, selector: 'lesson=fqdn'})).toMatchObject({ok: true});
		expect(await check({...base, name: 'deny-all', state: 'absent'})).toMatchObject({ok: true, summary: 'CiliumNetworkPolicy demo/deny-all: absent'});
		expect(await check({...base, name: 'allow-github', state: 'absent'})).toMatchObject({ok: false, summary: 'CiliumNetworkPolicy demo/allow-github still exists (allow-github)'});
		expect(await check({...base, name: 'deny-all'})).toMatchObject({ok: false, summary: 'CiliumNetworkPolicy demo/deny-all: not found'});
		const unknown = {kind: 'resource', apiVersion: 'cilium.io/v2alpha1', resourceKind: 'CiliumBGPPeeringPolicy', name: 'x'};
		expect(await check(unknown)).toMatchObject({ok: false, summary: 'the cluster does not know CiliumBGPPeeringPolicy (cilium.io/v2alpha1)'});
		expect(await check({...unknown, state: 'absent'})).toMatchObject({ok: true});
	});

	it('resource by name and selector: the selector is read as the API server reads it, set-based terms too', async () => {
		const named = {kind: 'resource', apiVersion: 'cilium.io/v2', resourceKind: 'CiliumNetworkPolicy', namespace: 'demo', name: 'allow-github'};
		expect(await check({...named, selector: 'lesson in (fqdn, dns)'})).toMatchObject({ok: true});
		expect(await check({...named, selector: 'lesson=fqdn,!draft'})).toMatchObject({ok: true});
		expect(await check({...named, selector: 'lesson notin (fqdn)'})).toMatchObject({ok: false, summary: 'CiliumNetworkPolicy demo/allow-github: not found'});
		expect(await check({...named, selector: '!lesson'})).toMatchObject({ok: false});
	});

	it('podReady: Ready pods by label, and why the others are not', async () => {
		expect(await check({kind: 'podReady', namespace: 'demo', selector: 'app=client'})).toMatchObject({ok: true, summary: 'pods app=client in demo: 1/1 Ready'});
		expect(await check({kind: 'podReady', namespace: 'demo', selector: 'app=web'})).toMatchObject({ok: false, summary: 'pods app=web in demo: 0/1 Ready', detail: 'web: ContainerCreating'});
		expect(await check({kind: 'podReady', namespace: 'demo', selector: 'app=none'})).toMatchObject({ok: false, summary: 'no pod matches app=none in demo'});
	});

	it('podExec: exit code and output through the exec WebSocket', async () => {
		const passed = await check({kind: 'podExec', namespace: 'demo', pod: 'curl', command: ['cat', '/etc/resolv.conf'], output: 'nameserver 10\\.0\\.0\\.10'});
		expect(passed).toMatchObject({ok: true, summary: 'cat /etc/resolv.conf (demo/curl) exited 0: nameserver 10.0.0.10'});
		const failed = await check({kind: 'podExec', namespace: 'demo', selector: 'app=client', command: ['sh', '-c', 'exit 3']});
		expect(failed).toMatchObject({ok: false, summary: 'sh -c exit 3 (demo/curl) exited 3: sh: failing'});
		expect(failed.detail).toContain('expected: exit 0');
		expect(await check({kind: 'podExec', namespace: 'demo', selector: 'app=client', command: ['sh', '-c', 'exit 3'], exitCode: 3})).toMatchObject({ok: true});
		expect(await check({kind: 'podExec', namespace: 'demo', pod: 'gone', command: ['true']})).toMatchObject({ok: false, summary: 'no pod demo/gone'});
		expect(cluster.requests).toContain('EXEC /api/v1/namespaces/demo/pods/curl/exec?stdout=true&stderr=true&stdin=false&tty=false&command=cat&command=%2Fetc%2Fresolv.conf&container=');
	});

	it('egress: curl exit codes 0, 28, 7 and 6 tell allowed, blocked and DNS-refused apart', async () => {
		const base = {kind: 'egress', namespace: 'demo', selector: 'app=client'};
		expect(await check({...base, url: 'https://api.github.com', expect: 'allowed'})).toMatchObject({ok: true, summary: 'curl → https://api.github.com: allowed (curl exit 0 (an HTTP answer came))'});
		expect(await check({...base, url: 'https://www.google.com', expect: 'blocked'})).toMatchObject({ok: true, summary: 'curl → https://www.google.com: blocked (curl exit 28 (timed out))'});
		expect(await check({...base, url: 'http://refused.example', expect: 'blocked'})).toMatchObject({ok: true});
		const dns = await check({...base, url: 'https://evil.example', expect: 'blocked'});
		expect(dns).toMatchObject({ok: false, summary: 'curl → https://evil.example: DNS refused (curl exit 6 (could not resolve the host name))'});
		expect(dns.detail).toContain('Could not resolve host: evil.example');
		expect((await check({...base, url: 'https://www.google.com', expect: 'allowed'})).hint).toContain('hubble observe --verdict DROPPED');
		expect(cluster.requests.some(request => request.includes('command=curl&command=-sS&command=-o&command=%2Fdev%2Fnull&command=-m&command=5'))).toBe(true);
	});

	it('hubbleFlows: hubble observe in every cilium agent pod (each sees its own node), matched by verdict, destination and port', async () => {
		expect(await check({kind: 'hubbleFlows', verdict: 'DROPPED', to: '142.250.196.110', port: 443})).toMatchObject({ok: true, summary: 'flow seen: demo/curl -> 142.250.196.110:443 DROPPED (POLICY_DENIED)'});
		expect(await check({kind: 'hubbleFlows', verdict: 'FORWARDED', to: 'api.github.com', namespace: 'demo'})).toMatchObject({ok: true});
		expect(await check({kind: 'hubbleFlows', verdict: 'DROPPED', to: '10.0.2.9', port: 8080})).toMatchObject({ok: true, summary: 'flow seen: demo/tiefighter -> demo/deathstar:8080 DROPPED'});
		const missing = await check({kind: 'hubbleFlows', verdict: 'FORWARDED', to: 'www.google.com', port: 443});
		expect(missing).toMatchObject({ok: false, summary: 'no FORWARDED → www.google.com:443 flow among 2 FORWARDED flows'});
		expect(cluster.requests.some(request => /pods\/cilium-x7k2p\/exec\?.*command=hubble&command=observe&command=-o&command=json&command=--verdict&command=DROPPED.*container=cilium-agent/.test(request))).toBe(true);
	});
});

describe('local checks', () => {
	let web: http.Server;
	let base: string;
	beforeAll(async () => {
		web = http.createServer((req, res) => {
			res.writeHead(req.url === '/missing' ? 404 : 200, {'content-type': 'text/html'});
			res.end('<title>Hubble UI</title>');
		});
		await new Promise<void>(resolve => web.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
	});
	afterAll(() => new Promise<void>(resolve => web.close(() => resolve())));

	it('httpGet: status and text; a refused port says so', async () => {
		expect(await check({kind: 'httpGet', url: `${base}/`, contains: 'Hubble UI'})).toMatchObject({ok: true, summary: `${base}/: 200, contains "Hubble UI"`});
		expect(await check({kind: 'httpGet', url: `${base}/missing`})).toMatchObject({ok: false, summary: `${base}/missing: 404`});
		expect(await check({kind: 'httpGet', url: `${base}/missing`, status: 404})).toMatchObject({ok: true});
		const closed = http.createServer();
		await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise<void>(resolve => closed.close(() => resolve()));
		expect(await check({kind: 'httpGet', url: `http://127.0.0.1:${port}/`})).toMatchObject({ok: false, summary: `http://127.0.0.1:${port}/: connection refused`});
	});

	it('command: exit code and output pattern, with the lab environment', async () => {
		expect(await check({kind: 'command', script: 'echo "cluster $CLUSTER_NAME Succeeded"', output: 'Succeeded$'}, {...ctx, env: {PATH: process.env.PATH!, CLUSTER_NAME: 'yj'}})).toMatchObject({ok: true, summary: 'echo "cluster $CLUSTER_NAME Succeeded" exited 0: cluster yj Succeeded'});
		expect(await check({kind: 'command', script: 'echo nope; exit 2'})).toMatchObject({ok: false, summary: 'echo nope; exit 2 exited 2: nope'});
		expect(await check({kind: 'command', script: 'echo Creating', output: 'Succeeded'})).toMatchObject({ok: false});
	});
});
