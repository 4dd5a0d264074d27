// The practice daemon as a person uses it: started by the client, reached by real kubectl
// (two versions) and client-node, attacked with bad input, killed with -9 and started again.
import {kubectlVersion} from '../../helpers/kubectl.js';
import {execFile} from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {practiceStatus, startPractice, stopPractice, type PracticeInfo} from '../../../src/practice/daemon/client.js';
import type {DaemonInfo} from '../../../src/practice/daemon/paths.js';
import {TestPractice} from '../../helpers/practice.js';

const run = promisify(execFile);
const versioned = kubectlVersion;
// kubectl 1.33 sends typed creates (create namespace, run) as protobuf, which the API does not decode yet;
// its JSON verbs (get, apply, delete) are tested below.
const kubectls = ['kubectl', versioned('1.30')];

const practice = new TestPractice({homePrefix: 'practice-daemon-', speed: 'instant', track: 'k8s'});
let home: string;
let info: PracticeInfo;
let daemon: DaemonInfo;

async function kubectl(args: string[], binary = 'kubectl', input?: string): Promise<{stdout: string; stderr: string; code: number}> {
	return new Promise((resolve) => {
		const child = execFile(binary, args, {env: {...process.env, ...info.env}, timeout: 30_000}, (error, stdout, stderr) => {
			resolve({stdout, stderr, code: error ? ((error as {code?: number}).code ?? 1) : 0});
		});
		if (input !== undefined) child.stdin!.end(input);
	});
}

function request(options: {method?: string; path: string; token?: string | null; body?: string | Buffer; contentType?: string}): Promise<{status: number; body: string}> {
	return new Promise((resolve, reject) => {
		const req = https.request(
			{
				host: '127.0.0.1',
				port: daemon.apiPort!,
				method: options.method ?? 'GET',
				path: options.path,
				ca: fs.readFileSync(daemon.caFile),
				servername: 'localhost',
				headers: {
					...(options.token === null ? {} : {Authorization: `Bearer ${options.token ?? daemon.token}`}),
					...(options.body ? {'Content-Type': options.contentType ?? 'application/json'} : {}),
				},
			},
			(res) => {
				let body = '';
				res.on('data', (chunk) => (body += chunk));
				res.on('end', () => resolve({status: res.statusCode!, body}));
			},
		);
		req.on('error', reject);
		req.end(options.body);
	});
}

const readDaemon = () => JSON.parse(fs.readFileSync(path.join(home, 'practice', 'daemon.json'), 'utf8')) as DaemonInfo;

beforeAll(async () => {
	await practice.start();
	({home, info} = practice);
	daemon = readDaemon();
}, 120_000);

afterAll(() => practice.stop());

describe('practice daemon', () => {
	it('writes its files, shims and a kubeconfig of its own', () => {
		expect(info.env.KUBECONFIG).toBe(path.join(home, 'practice', 'kubeconfig'));
		expect(info.env.KUBECACHEDIR).toBe(path.join(home, 'practice', 'kube-cache'));
		expect(info.env.PATH?.split(path.delimiter)[0]).toBe(info.binDir);
		for (const tool of ['az', 'helm', 'cilium', 'hubble']) expect(fs.statSync(path.join(info.binDir, tool)).mode & 0o111).toBeTruthy();
		expect(fs.readFileSync(info.kubeconfig, 'utf8')).toContain(`server: https://127.0.0.1:${daemon.apiPort}`);
		expect(daemon.pid).toBeGreaterThan(0);
	});

	for (const binary of kubectls) {
		describe(`with ${path.basename(binary)}`, () => {
			const ns = `ns-${path.basename(binary).replace(/\W/g, '')}`;

			it('lists nodes with their columns', async () => {
				const result = await kubectl(['get', 'nodes'], binary);
				expect(result.stderr).toBe('');
				expect(result.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
				expect(result.stdout.trim().split('\n')).toHaveLength(4);
				const wide = await kubectl(['get', 'nodes', '-o', 'wide'], binary);
				expect(wide.stdout.split('\n')[0]).toMatch(/INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME/);
			});

			it('creates, shows, applies twice, describes, deletes and waits', async () => {
				expect((await kubectl(['create', 'namespace', ns], binary)).stdout).toBe(`namespace/${ns} created\n`);
				expect((await kubectl(['run', 'curl', '-n', ns, '--image=alpine/curl', '--labels=app=client', '--command', '--', 'sleep', '365d'], binary)).stdout).toBe('pod/curl created\n');
				const pods = await kubectl(['get', 'pods', '-n', ns, '-o', 'wide'], binary);
				expect(pods.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
				expect(pods.stdout).toMatch(/^curl\s+[01]\/1\s+\S+\s+0\s+\d+s/m);
				const asJson = JSON.parse((await kubectl(['get', 'pod', 'curl', '-n', ns, '-o', 'json'], binary)).stdout);
				expect(asJson).toMatchObject({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'curl', namespace: ns, labels: {app: 'client'}}, spec: {containers: [{name: 'curl', image: 'alpine/curl', command: ['sleep', '365d']}]}});
				expect((await kubectl(['get', 'pod', 'curl', '-n', ns, '-o', 'yaml'], binary)).stdout).toContain('  name: curl\n');
				expect((await kubectl(['get', 'pods', '-n', ns, '-l', 'app=client', '-o', 'jsonpath={.items[*].metadata.name}'], binary)).stdout).toBe('curl');

				const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${ns}\ndata:\n  mode: strict\n`;
				expect((await kubectl(['apply', '-f', '-'], binary, manifest)).stdout).toBe('configmap/settings created\n');
				expect((await kubectl(['apply', '-f', '-'], binary, manifest)).stdout).toBe('configmap/settings unchanged\n');
				expect((await kubectl(['apply', '-f', '-'], binary, manifest.replace('strict', 'relaxed'))).stdout).toBe('configmap/settings configured\n');
				expect((await kubectl(['get', 'cm', 'settings', '-n', ns, '-o', 'jsonpath={.data.mode}'], binary)).stdout).toBe('relaxed');

				const event = {apiVersion: 'v1', kind: 'Event', metadata: {name: 'curl.test', namespace: ns}, involvedObject: {kind: 'Pod', name: 'curl', namespace: ns, uid: asJson.metadata.uid, apiVersion: 'v1'}, reason: 'TestReason', message: 'something the test said', type: 'Warning', count: 1, firstTimestamp: new Date().toISOString().replace(/\.\d+Z/, 'Z'), lastTimestamp: new Date().toISOString().replace(/\.\d+Z/, 'Z'), source: {component: 'test'}};
				expect((await kubectl(['create', '-f', '-'], binary, JSON.stringify(event))).code).toBe(0);
				const described = await kubectl(['describe', 'pod', 'curl', '-n', ns], binary);
				expect(described.stdout).toMatch(/Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message/);
				expect(described.stdout).toMatch(/Warning\s+TestReason\s+\S+\s+test\s+something the test said/);

				expect((await kubectl(['delete', 'pod', 'curl', '-n', ns, '--wait=false'], binary)).stdout).toBe('pod "curl" deleted\n');
				const waited = await kubectl(['wait', '--for=delete', 'pod/curl', '-n', ns, '--timeout=10s'], binary);
				expect(waited.code).toBe(0);
				expect((await kubectl(['get', 'pod', 'curl', '-n', ns], binary)).stderr).toBe('Error from server (NotFound): pods "curl" not found\n');
				expect((await kubectl(['delete', 'namespace', ns], binary)).stdout).toBe(`namespace "${ns}" deleted\n`);
				expect((await kubectl(['get', 'namespace', ns], binary)).code).not.toBe(0);
			});

			it('reports invalid names and unknown kinds as the API server does', async () => {
				const invalid = await kubectl(['create', 'namespace', 'Bad_Name'], binary);
				expect(invalid.stderr).toContain('The Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters');
				const unknown = await kubectl(['get', 'frobnicators'], binary);
				expect(unknown.stderr).toContain(`the server doesn't have a resource type "frobnicators"`);
			});
		});
	}

	it('serves kubectl 1.33 get, apply (twice) and delete', async () => {
		const binary = versioned('1.33');
		const manifest = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n        ports: [{containerPort: 80}]\n        env: [{name: A, value: "1"}]\n`;
		expect((await kubectl(['apply', '-f', '-'], binary, manifest)).stdout).toBe('deployment.apps/web created\n');
		expect((await kubectl(['apply', '-f', '-'], binary, manifest)).stdout).toBe('deployment.apps/web unchanged\n');
		expect((await kubectl(['apply', '-f', '-'], binary, manifest.replace('value: "1"', 'value: "2"'))).stdout).toBe('deployment.apps/web configured\n');
		const deployment = JSON.parse((await kubectl(['get', 'deploy', 'web', '-o', 'json'], binary)).stdout);
		expect(deployment.spec.template.spec.containers[0].env).toEqual([{name: 'A', value: '2'}]);
		expect(deployment.metadata.generation).toBe(2);
		expect((await kubectl(['get', 'deploy'], binary)).stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
		expect((await kubectl(['delete', 'deploy', 'web'], binary)).stdout).toBe('deployment.apps "web" deleted\n');
	});

	it('answers client-node', async () => {
		const k8s = await import('@kubernetes/client-node');
		const config = new k8s.KubeConfig();
		config.loadFromFile(info.kubeconfig);
		const core = config.makeApiClient(k8s.CoreV1Api);
		const namespaces = await core.listNamespace();
		expect(namespaces.items.map((ns) => ns.metadata?.name)).toEqual(expect.arrayContaining(['default', 'kube-system']));
		await core.createNamespacedConfigMap({namespace: 'default', body: {metadata: {name: 'from-client-node'}, data: {a: '1'}}});
		const read = await core.readNamespacedConfigMap({namespace: 'default', name: 'from-client-node'});
		expect(read.data).toEqual({a: '1'});
		await expect(core.readNamespacedConfigMap({namespace: 'default', name: 'missing'})).rejects.toMatchObject({code: 404});
	});

	it('refuses bad input with the right Status and keeps running', async () => {
		const noToken = await request({path: '/api/v1/namespaces', token: null});
		expect(noToken.status).toBe(401);
		expect(JSON.parse(noToken.body)).toMatchObject({kind: 'Status', reason: 'Unauthorized', code: 401});
		expect((await request({path: '/api/v1/namespaces', token: 'wrong'})).status).toBe(401);
		const malformed = await request({method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: '{"apiVersion": "v1", '});
		expect(malformed.status).toBe(400);
		expect(JSON.parse(malformed.body)).toMatchObject({reason: 'BadRequest'});
		const badYaml = await request({method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: 'a: [b', contentType: 'application/yaml'});
		expect(badYaml.status).toBe(400);
		const huge = await request({method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: Buffer.alloc(4 * 1024 * 1024, 'a')});
		expect(huge.status).toBe(413);
		expect(JSON.parse(huge.body)).toMatchObject({reason: 'RequestEntityTooLarge'});
		const unknownKind = await request({path: '/apis/example.com/v1/widgets'});
		expect(unknownKind.status).toBe(404);
		const patchType = await request({method: 'PATCH', path: '/api/v1/namespaces/default', body: '{}', contentType: 'text/plain'});
		expect(patchType.status).toBe(415);
		const plain = await new Promise<string>((resolve) => {
			const socket = net.connect(daemon.apiPort!, '127.0.0.1', () => socket.write('GET /api HTTP/1.1\r\nHost: x\r\n\r\n'));
			let text = '';
			socket.on('data', (chunk) => (text += chunk));
			socket.on('close', () => resolve(text));
		});
		expect(plain).toContain('400 Bad Request');
		expect(plain).toContain('Client sent an HTTP request to an HTTPS server.');
		expect((await request({path: '/version', token: null})).status).toBe(200);
		expect((await practiceStatus(home)).running).toBe(true);
	});

	it('loses nothing acknowledged when killed with -9', async () => {
		await kubectl(['create', 'configmap', 'survivor', '--from-literal=k=v']);
		const before = readDaemon();
		process.kill(before.pid, 'SIGKILL');
		await new Promise((resolve) => setTimeout(resolve, 100));
		info = await startPractice({home, speed: 'instant', track: 'k8s'});
		daemon = readDaemon();
		expect(daemon.pid).not.toBe(before.pid);
		expect(daemon.apiPort).toBe(before.apiPort);
		const result = await kubectl(['get', 'configmap', 'survivor', '-o', 'jsonpath={.data.k}']);
		expect(result.stdout).toBe('v');
	});

	it('stops, and kubectl then finds no server', async () => {
		await stopPractice(home);
		expect((await practiceStatus(home)).running).toBe(false);
		const result = await kubectl(['get', 'nodes', '--request-timeout=3s']);
		expect(result.code).not.toBe(0);
		expect(result.stderr).toMatch(/refused/);
	});
});
void run;
