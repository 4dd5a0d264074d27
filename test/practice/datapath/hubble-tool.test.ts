// The host `hubble`: it needs hubble-relay running and something (cilium hubble port-forward) listening on its
// server address; then it sees every node's flows.
import net from 'node:net';
import {afterEach, describe, expect, test} from 'vitest';
import {hubble} from '../../../src/practice/datapath/hubble-tool.js';
import {relayForwardPorts} from '../../../src/practice/cloud/cilium.js';
import {lookupPodProgram} from '../../../src/practice/datapath/programs/index.js';
import {ALLOW_DNS_DOC, ALLOW_DOMAINS_DOC, aksCluster, captureIo, pod} from './fixtures.js';

const servers: net.Server[] = [];
afterEach(async () => {
	relayForwardPorts.clear();
	await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listening(): Promise<number> {
	const server = net.createServer((socket) => socket.destroy());
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as net.AddressInfo).port;
}

async function closedPort(): Promise<number> {
	const port = await listening();
	await new Promise((resolve) => servers.pop()!.close(resolve));
	return port;
}

describe('hubble on the host', () => {
	test('without a port-forward: the real connection error, exit 1', async () => {
		const cluster = aksCluster();
		const port = await closedPort();
		const io = captureIo();
		const code = await hubble(['observe', '--server', `localhost:${port}`], io, cluster.ctx);
		expect(code).toBe(1);
		expect(io.err()).toBe(`failed to connect to 'localhost:${port}': context deadline exceeded: connection error: desc = "transport: error while dialing: dial tcp 127.0.0.1:${port}: connect: connection refused"\n`);
	});
	test('a port that answers but no hubble-relay pod behind it is not enough', async () => {
		const cluster = aksCluster();
		const port = await listening();
		const io = captureIo();
		expect(await hubble(['status', '--server', `127.0.0.1:${port}`], io, cluster.ctx)).toBe(1);
	});
	test('through relay: flows of every node, and status with connected nodes', async () => {
		const cluster = aksCluster();
		cluster.store.apply(ALLOW_DNS_DOC);
		cluster.store.apply(ALLOW_DOMAINS_DOC);
		cluster.store.apply(pod('kube-system', 'hubble-relay-9dd4d5496-j5thq', '10.0.1.50', {labels: {'k8s-app': 'hubble-relay'}, image: 'quay.io/cilium/hubble-relay:v1.16.4'}));
		const curlPod = cluster.store.get('v1', 'Pod', 'demo', 'curl')!;
		await lookupPodProgram('curl', curlPod)!(['curl', '-s', '-m', '2', 'https://naver.com'], captureIo(), curlPod, cluster.ctx);
		const port = await listening();
		// As `cilium hubble port-forward` of this practice cluster registers it (another listener is not its relay).
		relayForwardPorts.add(port);
		const observe = captureIo({});
		observe.env.HUBBLE_SERVER = `localhost:${port}`;
		expect(await hubble(['observe', '--namespace', 'demo', '--verdict', 'DROPPED'], observe, cluster.ctx)).toBe(0);
		expect(observe.out()).toMatch(/demo\/curl:\d+ \(ID:\d+\) <> naver\.com:443 \(world\) Policy denied DROPPED \(TCP Flags: SYN\)/);
		const status = captureIo();
		status.env.HUBBLE_SERVER = `localhost:${port}`;
		expect(await hubble(['status'], status, cluster.ctx)).toBe(0);
		expect(status.out()).toMatch(new RegExp(`^Healthcheck \\(via localhost:${port}\\): Ok\\nCurrent/Max Flows: [\\d,]+/8,190 \\([\\d.]+%\\)\\nFlows/s: [\\d.]+\\nConnected Nodes: 2/2\\n$`));
	});
	test('a listener that is not this practice cluster\'s port-forward is not its relay', async () => {
		const cluster = aksCluster();
		cluster.store.apply(pod('kube-system', 'hubble-relay-9dd4d5496-j5thq', '10.0.1.50', {labels: {'k8s-app': 'hubble-relay'}, image: 'quay.io/cilium/hubble-relay:v1.16.4'}));
		const port = await listening();
		const io = captureIo();
		expect(await hubble(['status', '--server', `localhost:${port}`], io, cluster.ctx)).toBe(1);
		expect(io.err()).toContain("connection reset by peer (not this practice cluster's Hubble Relay)");
	});
	test('unsimulated subcommands say so', async () => {
		const io = captureIo();
		expect(await hubble(['list', 'nodes'], io, aksCluster().ctx)).toBe(1);
		expect(io.err()).toContain('not simulated');
	});
});
