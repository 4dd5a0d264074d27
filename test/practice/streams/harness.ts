// A tiny HTTPS API server, enough for kubectl's exec, attach, logs and port-forward to reach
// the stream handlers (discovery, GET pod/service) while the practice API server is built elsewhere.
import {execFileSync} from 'node:child_process';
import {kubectlVersion} from '../../helpers/kubectl.js';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer, type Server} from 'node:https';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {handlePodAttach, handlePodExec, handlePodLog, handlePodPortForward, respondUpgradeRequired, type ProgramLookup} from '../../../src/practice/api/streams/index.js';
import type {ClusterStore, KubeObject, PracticeContext, SimClock} from '../../../src/practice/types.js';

export const token = 'test-token-for-streams';

/** kubectl.VERSION from PATH (test/helpers/kubectl.ts). */
export const kubectlBinary = kubectlVersion;

export function podObject(name: string, options: {namespace?: string; running?: boolean; containers?: Array<{name: string; command?: string[]; ports?: number[]}>; labels?: Record<string, string>} = {}): KubeObject {
	const containers = options.containers ?? [{name}];
	const running = options.running ?? true;
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {name, namespace: options.namespace ?? 'default', uid: `uid-${name}`, labels: options.labels ?? {run: name}, resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z'},
		spec: {
			nodeName: 'aks-nodepool1-0',
			containers: containers.map(container => ({
				name: container.name,
				image: 'alpine',
				...(container.command ? {command: container.command} : {}),
				...(container.ports ? {ports: container.ports.map(containerPort => ({containerPort, protocol: 'TCP'}))} : {}),
			})),
		},
		status: {
			phase: running ? 'Running' : 'Pending',
			containerStatuses: containers.map(container => ({
				name: container.name,
				ready: running,
				state: running ? {running: {startedAt: '2024-01-01T00:00:00Z'}} : {waiting: {reason: 'ContainerCreating'}},
			})),
		},
	};
}

/** A store holding fixed objects: the stream handlers only read pods and services. */
export function fixedContext(objects: KubeObject[]): PracticeContext {
	const key = (apiVersion: string, kind: string, namespace: string | undefined, name: string) => `${apiVersion}/${kind}/${namespace ?? ''}/${name}`;
	const byKey = new Map(objects.map(object => [key(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name), object]));
	const listeners = new Set<(event: {type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject}) => void>();
	const store: ClusterStore = {
		list: (apiVersion, kind, options) => [...byKey.values()].filter(object => object.apiVersion === apiVersion && object.kind === kind
			&& (!options?.namespace || object.metadata.namespace === options.namespace)),
		get: (apiVersion, kind, namespace, name) => byKey.get(key(apiVersion, kind, namespace, name)),
		create: object => {
			byKey.set(key(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name), object);
			for (const listener of listeners) listener({type: 'ADDED', object});
			return object;
		},
		update: object => store.create(object),
		apply: object => store.create(object),
		delete: (apiVersion, kind, namespace, name) => {
			const object = byKey.get(key(apiVersion, kind, namespace, name));
			byKey.delete(key(apiVersion, kind, namespace, name));
			if (object) for (const listener of listeners) listener({type: 'DELETED', object});
			return object;
		},
		subscribe: listener => {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		recordEvent: () => {},
	};
	const clock: SimClock = {now: () => Date.now(), sleep: async () => {}, speed: 'instant'};
	const sections = new Map<string, unknown>();
	return {
		store,
		clock,
		sections: {read: (section, fallback) => (sections.has(section) ? sections.get(section) : fallback) as never, write: (section, value) => void sections.set(section, value)},
		cluster: {exists: () => true, create: async () => {}, remove: async () => {}, kubeconfig: () => ''},
	};
}

let certificate: {key: string; cert: string} | undefined;

function testCertificate(): {key: string; cert: string} {
	if (certificate) return certificate;
	const directory = mkdtempSync(join(tmpdir(), 'streams-cert-'));
	execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
		'-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
		'-keyout', join(directory, 'key.pem'), '-out', join(directory, 'cert.pem')], {stdio: 'ignore'});
	certificate = {key: readFileSync(join(directory, 'key.pem'), 'utf8'), cert: readFileSync(join(directory, 'cert.pem'), 'utf8')};
	return certificate;
}

const apiResources = {
	kind: 'APIResourceList',
	apiVersion: 'v1',
	groupVersion: 'v1',
	resources: [
		{name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po']},
		{name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get']},
		{name: 'pods/attach', singularName: '', namespaced: true, kind: 'PodAttachOptions', verbs: ['create', 'get']},
		{name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get']},
		{name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get']},
		{name: 'services', singularName: 'service', namespaced: true, kind: 'Service', verbs: ['get', 'list'], shortNames: ['svc']},
	],
};

export interface TestApiServer {
	url: string;
	kubeconfig: string;
	ctx: PracticeContext;
	upgrades: Array<{path: string; upgrade: string; protocols: string}>;
	close(): Promise<void>;
}

/** `findProgram`: the programs exec and attach run instead of the images' own (a test's program). */
export async function startTestApiServer(ctx: PracticeContext, options: {findProgram?: ProgramLookup} = {}): Promise<TestApiServer> {
	const upgrades: TestApiServer['upgrades'] = [];
	const server: Server = createServer(testCertificate());
	const findPod = (url: URL) => {
		const match = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|services)\/([^/]+)(?:\/(\w+))?$/.exec(url.pathname);
		if (!match) return undefined;
		const [, namespace, resource, name, subresource] = match;
		const object = ctx.store.get('v1', resource === 'pods' ? 'Pod' : 'Service', namespace, name!);
		return {object, subresource, resource, name};
	};
	const notFound = (resource: string, name: string) => JSON.stringify({kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `${resource} "${name}" not found`, reason: 'NotFound', details: {name, kind: resource}, code: 404});
	server.on('request', (request, response) => {
		if (request.headers.authorization !== `Bearer ${token}`) {
			response.writeHead(401).end();
			return;
		}
		const url = new URL(request.url ?? '/', 'https://127.0.0.1');
		const json = (body: unknown) => {
			response.writeHead(200, {'Content-Type': 'application/json'});
			response.end(JSON.stringify(body));
		};
		if (url.pathname === '/api') return json({kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1'}]});
		if (url.pathname === '/apis') return json({kind: 'APIGroupList', apiVersion: 'v1', groups: []});
		if (url.pathname === '/api/v1') return json(apiResources);
		if (url.pathname === '/version') return json({major: '1', minor: '30', gitVersion: 'v1.30.0'});
		const found = findPod(url);
		if (!found) {
			response.writeHead(404).end();
			return;
		}
		if (!found.object) {
			response.writeHead(404, {'Content-Type': 'application/json'}).end(notFound(found.resource!, found.name!));
			return;
		}
		if (!found.subresource) return json(found.object);
		if (found.subresource === 'log') {
			handlePodLog({request, response, pod: found.object, query: url.searchParams, ctx});
			return;
		}
		respondUpgradeRequired(response);
	});
	server.on('upgrade', (request, socket, head) => {
		const url = new URL(request.url ?? '/', 'https://127.0.0.1');
		upgrades.push({path: url.pathname, upgrade: String(request.headers.upgrade), protocols: String(request.headers['sec-websocket-protocol'] ?? request.headers['x-stream-protocol-version'] ?? '')});
		if (request.headers.authorization !== `Bearer ${token}`) {
			socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		const found = findPod(url);
		if (!found?.object) {
			socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		const upgrade = {request, socket, head, pod: found.object, query: url.searchParams, ctx, findProgram: options.findProgram};
		if (found.subresource === 'exec') void handlePodExec(upgrade);
		else if (found.subresource === 'attach') void handlePodAttach(upgrade);
		else if (found.subresource === 'portforward') void handlePodPortForward(upgrade);
		else socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	const url = `https://127.0.0.1:${port}`;
	const directory = mkdtempSync(join(tmpdir(), 'streams-kube-'));
	const kubeconfig = join(directory, 'kubeconfig');
	writeFileSync(kubeconfig, [
		'apiVersion: v1', 'kind: Config', 'current-context: practice',
		'clusters:', `- name: practice`, '  cluster:', `    server: ${url}`, '    insecure-skip-tls-verify: true',
		'users:', '- name: learner', '  user:', `    token: ${token}`,
		'contexts:', '- name: practice', '  context:', '    cluster: practice', '    user: learner', '    namespace: default',
	].join('\n'));
	return {
		url,
		kubeconfig,
		ctx,
		upgrades,
		close: () => new Promise(resolve => {
			server.closeAllConnections();
			server.close(() => resolve());
		}),
	};
}
