// A small Kubernetes API on 127.0.0.1 (random port, HTTPS with a CA made for the test, bearer token): the GETs
// the checks make, discovery, and exec over WebSocket (v4/v5 channels) with programmable commands.
import fs from 'node:fs';
import {createServer, type Server} from 'node:https';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {WebSocketServer} from 'ws';
import {ensureCredentials} from '../../src/practice/daemon/tls.js';

export interface ExecAnswer {
	stdout?: string;
	stderr?: string;
	exitCode: number;
}

export interface FakeCluster {
	/** Objects served by exact path, e.g. "/apis/apps/v1/namespaces/kube-system/daemonsets/cilium". */
	objects: Map<string, unknown>;
	/** Answers an exec: (pod path "ns/name", container, command) → output and exit code. */
	exec: (pod: string, container: string | undefined, command: string[]) => ExecAnswer;
	kubeconfig: string;
	dir: string;
	server: string;
	requests: string[];
	close(): Promise<void>;
}

export async function startFakeCluster(): Promise<FakeCluster> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-fake-api-'));
	const credentials = await ensureCredentials(path.join(dir, 'tls'));
	const objects = new Map<string, unknown>();
	const requests: string[] = [];
	const cluster = {objects, requests, dir} as FakeCluster;
	cluster.exec = () => ({exitCode: 0});

	const authorized = (header: string | undefined) => header === `Bearer ${credentials.token}`;
	const server: Server = createServer({key: credentials.key, cert: credentials.cert}, (req, res) => {
		const url = new URL(req.url ?? '/', 'https://127.0.0.1');
		requests.push(`${req.method} ${url.pathname}${url.search}`);
		const send = (status: number, body: unknown) => {
			res.writeHead(status, {'content-type': 'application/json'});
			res.end(JSON.stringify(body));
		};
		if (!authorized(req.headers.authorization)) return send(401, {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401});
		if (url.pathname === '/version') return send(200, {major: '1', minor: '31', gitVersion: 'v1.31.2'});
		const found = objects.get(url.pathname);
		if (found === undefined) return send(404, {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `${url.pathname} not found`, reason: 'NotFound', code: 404});
		const selector = url.searchParams.get('labelSelector');
		if (selector && typeof found === 'object' && found && 'items' in found) {
			const [key, value] = selector.split('=');
			const items = (found as {items: Array<{metadata?: {labels?: Record<string, string>}}>}).items.filter(item => item.metadata?.labels?.[key!] === value);
			return send(200, {...found, items});
		}
		send(200, found);
	});

	const sockets = new WebSocketServer({noServer: true, handleProtocols: protocols => (protocols.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : 'v4.channel.k8s.io')});
	server.on('upgrade', (req, socket, head) => {
		const url = new URL(req.url ?? '/', 'https://127.0.0.1');
		const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
		if (!authorized(req.headers.authorization) || !match) {
			socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
			return;
		}
		requests.push(`EXEC ${url.pathname}${url.search}`);
		sockets.handleUpgrade(req, socket, head, ws => {
			const answer = cluster.exec(`${match[1]}/${match[2]}`, url.searchParams.get('container') || undefined, url.searchParams.getAll('command'));
			const channel = (number: number, text: string) => ws.send(Buffer.concat([Buffer.from([number]), Buffer.from(text)]));
			if (answer.stdout) channel(1, answer.stdout);
			if (answer.stderr) channel(2, answer.stderr);
			const status =
				answer.exitCode === 0
					? {metadata: {}, status: 'Success'}
					: {metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: exit status ${answer.exitCode}`, reason: 'NonZeroExitCode', details: {causes: [{reason: 'ExitCode', message: String(answer.exitCode)}]}};
			channel(3, JSON.stringify(status));
			ws.close(1000);
		});
	});

	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	cluster.server = `https://127.0.0.1:${port}`;
	cluster.kubeconfig = path.join(dir, 'kubeconfig');
	fs.writeFileSync(
		cluster.kubeconfig,
		[
			'apiVersion: v1',
			'kind: Config',
			'clusters:',
			`- name: fake`,
			`  cluster: {server: "${cluster.server}", certificate-authority-data: ${Buffer.from(credentials.caPem).toString('base64')}}`,
			'users:',
			`- name: learner`,
			`  user: {token: ${credentials.token}}`,
			'contexts:',
			'- name: fake',
			'  context: {cluster: fake, user: learner}',
			'current-context: fake',
			'',
		].join('\n'),
	);
	cluster.close = async () => {
		for (const client of sockets.clients) client.terminate();
		server.closeAllConnections();
		await new Promise<void>(resolve => server.close(() => resolve()));
		fs.rmSync(dir, {recursive: true, force: true});
	};
	return cluster;
}
