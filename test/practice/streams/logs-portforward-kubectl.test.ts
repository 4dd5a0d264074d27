import {execa} from 'execa';
import {get} from 'node:http';
import {createServer} from 'node:net';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {appendPodLog, registerPodServer} from '../../../src/practice/api/streams/index.js';
import {fixedContext, kubectlBinary, podObject, startTestApiServer, type TestApiServer} from './harness.js';

let server: TestApiServer;
const logPods = {'1.28': podObject('client-128'), '1.33': podObject('client-133')};
const hubbleUi = podObject('hubble-ui-6f48889749-x2x7k', {namespace: 'kube-system', labels: {'k8s-app': 'hubble-ui'}, containers: [{name: 'frontend', ports: [8081]}, {name: 'backend', ports: [8090]}]});

beforeAll(async () => {
	server = await startTestApiServer(fixedContext([...Object.values(logPods), hubbleUi, podObject('waiting', {running: false})]));
	const start = Date.parse('2024-05-01T10:00:00Z');
	for (const pod of Object.values(logPods)) {
		for (let index = 1; index <= 5; index++) appendPodLog(pod, pod.metadata.name, `line ${index}`, start + index * 1000);
	}
});

afterAll(async () => {
	await server?.close();
});

function kubectl(version: string, args: string[]) {
	return execa(kubectlBinary(version), ['--kubeconfig', server.kubeconfig, ...args], {reject: false, timeout: 20_000});
}

async function freePort(): Promise<number> {
	return new Promise(resolve => {
		const probe = createServer().listen(0, '127.0.0.1', () => {
			const {port} = probe.address() as {port: number};
			probe.close(() => resolve(port));
		});
	});
}

function httpGet(port: number, path: string): Promise<{status: number; body: string}> {
	return new Promise((resolve, reject) => {
		get({host: '127.0.0.1', port, path, agent: false}, response => {
			let body = '';
			response.on('data', chunk => (body += chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, body}));
		}).on('error', reject);
	});
}

describe.each(['1.28', '1.33'] as const)('kubectl %s logs', version => {
	const client = logPods[version];
	const name = client.metadata.name;
	test('prints the container log, its tail and timestamps', async () => {
		expect((await kubectl(version, ['logs', name])).stdout).toBe('line 1\nline 2\nline 3\nline 4\nline 5');
		expect((await kubectl(version, ['logs', name, '--tail=2'])).stdout).toBe('line 4\nline 5');
		expect((await kubectl(version, ['logs', name, '--tail=1', '--timestamps'])).stdout).toBe('2024-05-01T10:00:05.000000000Z line 5');
	});

	test('gives the API server\'s errors for a previous or waiting container', async () => {
		const previous = await kubectl(version, ['logs', name, '--previous']);
		expect(previous.stderr).toContain(`previous terminated container "${name}" in pod "${name}" not found`);
		expect(previous.exitCode).toBe(1);
		const waiting = await kubectl(version, ['logs', 'waiting']);
		expect(waiting.stderr).toContain('container "waiting" in pod "waiting" is waiting to start: ContainerCreating');
	});

	test('follows new lines until stopped', async () => {
		const follow = execa(kubectlBinary(version), ['--kubeconfig', server.kubeconfig, 'logs', '-f', '--tail=1', name], {reject: false});
		let output = '';
		follow.stdout!.on('data', chunk => (output += chunk));
		await expect.poll(() => output, {timeout: 5000}).toContain('line 5');
		appendPodLog(client, name, `followed from ${version}`);
		await expect.poll(() => output, {timeout: 5000}).toContain(`followed from ${version}`);
		follow.kill();
		await follow;
	});
});

// 1.28 forwards over SPDY/3.1; 1.33 tunnels SPDY through a WebSocket.
describe.each([['1.28', 'SPDY/3.1'], ['1.33', 'websocket']])('kubectl %s port-forward (%s)', (version, transport) => {
	test('a response larger than the SPDY window (64 KiB) arrives whole: kubectl sends no WINDOW_UPDATE', async () => {
		const body = 'x'.repeat(300_000);
		const unregister = registerPodServer({'k8s-app': 'hubble-ui'}, 8099, (_request, response) => response.end(body));
		const port = await freePort();
		const forward = execa(kubectlBinary(version), ['--kubeconfig', server.kubeconfig, '-n', 'kube-system', 'port-forward', `pod/${hubbleUi.metadata.name}`, `${port}:8099`], {reject: false});
		let output = '';
		forward.stdout!.on('data', chunk => (output += chunk));
		try {
			await expect.poll(() => output, {timeout: 10_000}).toContain(`Forwarding from 127.0.0.1:${port} -> 8099`);
			for (let round = 0; round < 3; round++) expect((await httpGet(port, '/')).body).toHaveLength(body.length);
		} finally {
			unregister();
			forward.kill();
			await forward;
		}
	});
	test('serves the simulated Hubble UI page, and refuses a port nothing listens on as the kubelet does', async () => {
		const [uiPort, deadPort] = [await freePort(), await freePort()];
		const before = server.upgrades.length;
		const forward = execa(kubectlBinary(version), ['--kubeconfig', server.kubeconfig, '-n', 'kube-system', 'port-forward',
			`pod/${hubbleUi.metadata.name}`, `${uiPort}:8081`, `${deadPort}:9999`], {reject: false});
		let output = '';
		forward.stdout!.on('data', chunk => (output += chunk));
		forward.stderr!.on('data', chunk => (output += chunk));
		await expect.poll(() => output, {timeout: 10_000}).toContain(`Forwarding from 127.0.0.1:${deadPort} -> 9999`);
		const page = await httpGet(uiPort, '/');
		expect(page.status).toBe(200);
		expect(page.body).toContain('Hubble UI (practice cluster, simulated)');
		expect(page.body).toContain('kube-system/hubble-ui-6f48889749-x2x7k');
		expect((await httpGet(uiPort, '/healthz')).body).toBe('ok\n');
		await httpGet(deadPort, '/').catch(() => undefined);
		await expect.poll(() => output, {timeout: 5000}).toContain(`an error occurred forwarding ${deadPort} -> 9999`);
		expect(output).toContain('dial tcp4 127.0.0.1:9999: connect: connection refused');
		forward.kill();
		await forward;
		expect(server.upgrades.slice(before)[0]?.upgrade).toBe(transport);
	});
});
