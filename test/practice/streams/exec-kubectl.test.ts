import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {fixedContext, kubectlBinary, podObject, startTestApiServer, type TestApiServer} from './harness.js';

let server: TestApiServer;

beforeAll(async () => {
	server = await startTestApiServer(fixedContext([
		podObject('client'),
		podObject('waiting', {running: false}),
		podObject('pair', {containers: [{name: 'app'}, {name: 'sidecar'}]}),
	]));
});

afterAll(async () => {
	await server?.close();
});

function kubectl(version: string, args: string[], input?: string) {
	return execa(kubectlBinary(version), ['--kubeconfig', server.kubeconfig, ...args], {reject: false, input, timeout: 20_000, env: {KUBECACHEDIR: server.kubeconfig + '.cache'}});
}

// 1.28 speaks SPDY/3.1 for exec; 1.33 upgrades with WebSocket (v5.channel.k8s.io).
describe.each([['1.28', 'SPDY/3.1'], ['1.33', 'websocket']])('kubectl %s exec (%s)', (version, transport) => {
	test('prints the command output and exits 0', async () => {
		const before = server.upgrades.length;
		const result = await kubectl(version, ['exec', 'client', '--', 'echo', 'hello', 'practice']);
		expect(result.stdout).toBe('hello practice');
		expect(result.exitCode).toBe(0);
		expect(server.upgrades.slice(before).map(upgrade => upgrade.upgrade)).toContain(transport);
	});

	test('reports a non-zero exit code as kubectl does', async () => {
		const result = await kubectl(version, ['exec', 'client', '--', 'false']);
		expect(result.stderr).toContain('command terminated with exit code 1');
		expect(result.exitCode).toBe(1);
	});

	test('says plainly that an unknown program is not simulated, with exit code 127', async () => {
		const result = await kubectl(version, ['exec', 'client', '--', 'frobnicate', '--now']);
		expect(result.stderr).toContain('sh: frobnicate: command not simulated in the practice cluster');
		expect(result.stderr).toContain('command terminated with exit code 127');
		expect(result.exitCode).toBe(127);
	});

	test('passes piped stdin with -i and ends it at EOF', async () => {
		const result = await kubectl(version, ['exec', '-i', 'client', '--', 'cat'], 'line one\nline two\n');
		expect(result.stdout).toBe('line one\nline two');
		expect(result.exitCode).toBe(0);
	});

	test('refuses a pod whose container is not running, as the kubelet does', async () => {
		const result = await kubectl(version, ['exec', 'waiting', '--', 'true']);
		expect(result.stderr).toContain('container not found ("waiting")');
		expect(result.exitCode).not.toBe(0);
	});

	test('picks the named container of a pod with two', async () => {
		const result = await kubectl(version, ['exec', 'pair', '-c', 'sidecar', '--', 'hostname']);
		expect(result.stdout).toBe('pair');
		const wrong = await kubectl(version, ['exec', 'pair', '-c', 'nope', '--', 'hostname']);
		expect(wrong.stderr).toMatch(/container nope not found in pod pair|container nope is not valid for pod pair/);
		expect(wrong.exitCode).not.toBe(0);
	});
});
