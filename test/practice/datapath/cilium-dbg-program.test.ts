// `cilium-dbg` as a program in the agent pod, on the datapath fixtures (two nodes, the document's curl pod on node A):
// what each agent shows of its own node, enforcement per direction, and `monitor --type drop` on a terminal.
import {describe, expect, test} from 'vitest';
import {lookupPodProgram} from '../../../src/practice/datapath/programs/index.js';
import {ALLOW_DNS_DOC, ALLOW_DOMAINS_DOC, aksCluster, captureIo, cnp, pod, NODE_A} from './fixtures.js';
import type {KubeObject} from '../../../src/practice/types.js';

function setup() {
	const cluster = aksCluster();
	cluster.store.apply(ALLOW_DNS_DOC);
	cluster.store.apply(ALLOW_DOMAINS_DOC);
	const agentA = cluster.store.get('v1', 'Pod', 'kube-system', 'cilium-jxgk6')!;
	const agentB = cluster.store.get('v1', 'Pod', 'kube-system', 'cilium-b8x2k')!;
	const curl = cluster.store.get('v1', 'Pod', 'demo', 'curl')!;
	return {cluster, agentA, agentB, curl};
}

async function run(cluster: ReturnType<typeof aksCluster>, target: KubeObject, argv: string[], options: {tty?: boolean; signal?: AbortSignal} = {}) {
	const program = lookupPodProgram(argv[0]!, target)!;
	const io = captureIo(options);
	const code = await program(argv, io, target, cluster.ctx);
	return {code, out: io.out(), err: io.err()};
}

const rowOf = (output: string, firstLabel: string) => output.split('\n').find((line) => line.split(/\s{3,}/)[4] === firstLabel)?.trim().split(/\s{3,}/);

describe('cilium-dbg in the agent pod', () => {
	test('endpoint list: enforcement per direction as the selecting policies have rules for it (endpoint_list.go endpointPolicyMode)', async () => {
		const {cluster, agentA, agentB} = setup();
		// The document's policies select every demo pod for egress only.
		let list = (await run(cluster, agentA, ['cilium-dbg', 'endpoint', 'list'])).out;
		expect(rowOf(list, 'k8s:app=client')?.slice(1, 3)).toEqual(['Disabled', 'Enabled']);
		cluster.store.apply(cnp('demo', 'client-ingress', {endpointSelector: {matchLabels: {app: 'client'}}, ingress: [{fromEntities: ['cluster']}]}));
		list = (await run(cluster, agentA, ['cilium-dbg', 'endpoint', 'list'])).out;
		expect(rowOf(list, 'k8s:app=client')?.slice(1, 3)).toEqual(['Enabled', 'Enabled']);
		// A policy the agent refuses (toFQDNs with toEndpoints in one rule) enforces nothing.
		cluster.store.apply(pod('demo', 'other', '10.0.0.24', {labels: {app: 'other'}, node: NODE_A}));
		cluster.store.apply(cnp('demo', 'refused', {endpointSelector: {matchLabels: {app: 'other'}}, egress: [{toFQDNs: [{matchName: 'example.com'}], toEndpoints: [{}]}]}));
		list = (await run(cluster, agentA, ['cilium-dbg', 'endpoint', 'list'])).out;
		expect(rowOf(list, 'k8s:app=other')?.slice(1, 3)).toEqual(['Disabled', 'Enabled']);
		cluster.store.delete('cilium.io/v2', 'CiliumNetworkPolicy', 'demo', 'allow-dns');
		cluster.store.delete('cilium.io/v2', 'CiliumNetworkPolicy', 'demo', 'allow-domains');
		list = (await run(cluster, agentA, ['cilium-dbg', 'endpoint', 'list'])).out;
		expect(rowOf(list, 'k8s:app=other')?.slice(1, 3)).toEqual(['Disabled', 'Disabled']);
		// Node B's agent manages CoreDNS, not the demo pods.
		const other = (await run(cluster, agentB, ['cilium-dbg', 'endpoint', 'list'])).out;
		expect(other).toContain('k8s:k8s-app=kube-dns');
		expect(other).not.toContain('k8s:app=client');
	});

	test('monitor --type drop on a terminal: the node\'s drops as they happen, then the interrupt message (datapath_drop.go DumpInfo, monitor.go)', async () => {
		const {cluster, agentA, agentB, curl} = setup();
		const stop = new AbortController();
		const watching = run(cluster, agentA, ['cilium-dbg', 'monitor', '--type', 'drop'], {tty: true, signal: stop.signal});
		const elsewhere = new AbortController();
		const watchingB = run(cluster, agentB, ['cilium', 'monitor', '-t', 'drop'], {signal: elsewhere.signal});
		// naver.com is not in the document's allow list: the client's SYNs are dropped at its egress on node A.
		const curlRun = await lookupPodProgram('curl', curl)!(['curl', '-sS', '-o', '/dev/null', '-m', '2', 'https://naver.com'], captureIo(), curl, cluster.ctx);
		expect(curlRun).toBe(28);
		stop.abort();
		elsewhere.abort();
		const result = await watching;
		expect(result.code).toBe(0);
		const lines = result.out.split('\n').filter(Boolean);
		expect(lines.length).toBe(2);
		for (const line of lines) expect(line).toMatch(/^xx drop \(Policy denied\) flow 0x[0-9a-f]+ to endpoint 0, ifindex \d+, file bpf_lxc\.c:\d+, , identity \d+->world: 10\.0\.0\.23:\d+ -> \d+\.\d+\.\d+\.\d+:443 tcp SYN$/);
		// The retransmitted SYN keeps its flow (same 5-tuple, same hash).
		expect(lines[0]).toBe(lines[1]);
		expect(result.err).toMatch(/^Listening for events on \d+ CPUs with 64x4096 of shared memory\nPress Ctrl-C to quit\nlevel=info msg="Initializing dissection cache\.\.\." subsys=monitor\n\nReceived an interrupt, disconnecting from monitor\.\.\.\n\n$/);
		expect((await watchingB).out).toBe('');
	});

	test('identity list and policy get follow the store: an accepted policy bumps the revision, a refused one is not in the repository (repository.go)', async () => {
		const {cluster, agentA} = setup();
		const revisionOf = async () => Number(/\nRevision: (\d+)\n$/.exec((await run(cluster, agentA, ['cilium-dbg', 'policy', 'get'])).out)![1]);
		// The two document policies, each one AddList after the empty repository's revision 1.
		expect(await revisionOf()).toBe(3);
		cluster.store.apply(cnp('demo', 'refused', {endpointSelector: {}, egress: [{toFQDNs: [{matchName: 'example.com'}], toEndpoints: [{}]}]}));
		expect(await revisionOf()).toBe(3);
		cluster.store.apply(cnp('demo', 'client-ingress', {endpointSelector: {matchLabels: {app: 'client'}}, ingress: [{fromEntities: ['cluster']}]}));
		expect(await revisionOf()).toBe(4);
		cluster.store.delete('cilium.io/v2', 'CiliumNetworkPolicy', 'demo', 'client-ingress');
		expect(await revisionOf()).toBe(5);
		const after = (await run(cluster, agentA, ['cilium-dbg', 'policy', 'get'])).out;
		expect(after).not.toContain('"value": "refused"');
		expect(after).toContain('"value": "allow-dns"');
		const identities = (await run(cluster, agentA, ['cilium-dbg', 'identity', 'list'])).out;
		expect(identities).toMatch(/\n\d+ +k8s:app=client\n/);
	});

	test('root flags: -D is taken, an unknown flag is pflag\'s error with cobra\'s usage on stderr (cobra command.go, pflag flag.go)', async () => {
		const {cluster, agentA} = setup();
		expect((await run(cluster, agentA, ['cilium-dbg', '-D', 'status', '--brief'])).out).toBe('OK\n');
		const unknown = await run(cluster, agentA, ['cilium-dbg', '--version']);
		expect(unknown.code).toBe(1);
		expect(unknown.out).toBe('');
		expect(unknown.err.startsWith('Error: unknown flag: --version\nUsage:\n  cilium-dbg [command]\n\nAvailable Commands:\n')).toBe(true);
		expect(unknown.err.endsWith('Use "cilium-dbg [command] --help" for more information about a command.\n\n')).toBe(true);
		expect((await run(cluster, agentA, ['cilium-dbg', '-x'])).err).toMatch(/^Error: unknown shorthand flag: 'x' in -x\n/);
	});

	test('status and service list refuse on agents newer than 1.16, whose output differs (1.17 keys services by protocol)', async () => {
		const {cluster, agentA} = setup();
		for (const name of ['cilium-jxgk6', 'cilium-b8x2k']) {
			const agent = cluster.store.get('v1', 'Pod', 'kube-system', name)!;
			const spec = agent.spec as {containers: Array<{image: string}>};
			cluster.store.apply({...agent, spec: {...spec, containers: spec.containers.map((container) => ({...container, image: 'quay.io/cilium/cilium:v1.19.6'}))}});
		}
		const status = await run(cluster, agentA, ['cilium-dbg', 'status']);
		expect(status).toMatchObject({code: 1, out: ''});
		expect(status.err).toBe("cilium-dbg status: only Cilium 1.16's output is simulated by the practice cluster (the agents run 1.19.6)\n");
		expect((await run(cluster, agentA, ['cilium-dbg', 'service', 'list'])).code).toBe(1);
		expect((await run(cluster, agentA, ['cilium-dbg', 'endpoint', 'list'])).code).toBe(0);
	});
});
