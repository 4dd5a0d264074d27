// The practice daemon (built bundle) with real kubectl: the controllers bring a BYOCNI cluster to
// life once a Cilium DaemonSet runs, and exec, port-forward and rollout status work end to end.
import {execa} from 'execa';
import {get} from 'node:http';
import {createServer} from 'node:net';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {TestPractice} from '../../helpers/practice.js';
import {kubectlBinary} from './harness.js';

const practice = new TestPractice({homePrefix: 'streams-daemon-', speed: 'instant', track: 'k8s'});
let env: Record<string, string>;

beforeAll(async () => {
	await practice.start();
	env = {...practice.info.env};
}, 120_000);

afterAll(() => practice.stop());

function kubectl(args: string[], options: {version?: string; input?: string} = {}) {
	const binary = options.version ? kubectlBinary(options.version) : 'kubectl';
	return execa(binary, args, {env, reject: false, timeout: 30_000, input: options.input});
}

const ciliumDaemonSet = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cilium, namespace: kube-system, labels: {k8s-app: cilium}}
spec:
  selector: {matchLabels: {k8s-app: cilium}}
  template:
    metadata: {labels: {k8s-app: cilium}}
    spec:
      hostNetwork: true
      tolerations: [{operator: Exists}]
      containers: [{name: cilium-agent, image: "quay.io/cilium/cilium:v1.16.4"}]
`;

const hubbleUi = `apiVersion: apps/v1
kind: Deployment
metadata: {name: hubble-ui, namespace: kube-system, labels: {k8s-app: hubble-ui}}
spec:
  replicas: 1
  selector: {matchLabels: {k8s-app: hubble-ui}}
  template:
    metadata: {labels: {k8s-app: hubble-ui}}
    spec:
      containers:
      - {name: frontend, image: "quay.io/cilium/hubble-ui:v0.13.1", ports: [{name: http, containerPort: 8081}]}
      - {name: backend, image: "quay.io/cilium/hubble-ui-backend:v0.13.1", ports: [{name: grpc, containerPort: 8090}]}
---
apiVersion: v1
kind: Service
metadata: {name: hubble-ui, namespace: kube-system, labels: {k8s-app: hubble-ui}}
spec:
  selector: {k8s-app: hubble-ui}
  ports: [{name: http, port: 80, targetPort: 8081}]
`;

async function freePort(): Promise<number> {
	return new Promise(resolve => {
		const probe = createServer().listen(0, '127.0.0.1', () => {
			const {port} = probe.address() as {port: number};
			probe.close(() => resolve(port));
		});
	});
}

function httpGet(port: number): Promise<string> {
	return new Promise((resolve, reject) => {
		get({host: '127.0.0.1', port, path: '/', agent: false}, response => {
			let body = '';
			response.on('data', chunk => (body += chunk));
			response.on('end', () => resolve(body));
		}).on('error', reject);
	});
}

async function tmuxSession(command: string, keys: string[][]): Promise<string> {
	const socket = `streams-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
	const tmux = (args: string[]) => execa('tmux', ['-L', socket, ...args], {reject: false});
	const exports = Object.entries(env).map(([key, value]) => `${key}='${value}'`).join(' ');
	await tmux(['new-session', '-d', '-s', 'main', '-x', '100', '-y', '30', `env ${exports} ${command}; echo EXIT=$?; sleep 30`]);
	try {
		let screen = '';
		const capture = async () => (screen = (await tmux(['capture-pane', '-p', '-t', 'main'])).stdout);
		await expect.poll(capture, {timeout: 10_000}).toContain('/ #');
		for (const group of keys) {
			await tmux(['send-keys', '-t', 'main', ...group]);
			await new Promise(resolve => setTimeout(resolve, 300));
		}
		await expect.poll(capture, {timeout: 10_000}).toContain('EXIT=');
		return screen;
	} finally {
		await tmux(['kill-server']);
	}
}

describe('practice daemon with real kubectl', () => {
	test('without a CNI the nodes are NotReady and a new pod stays ContainerCreating with the kubelet\'s event', async () => {
		expect((await kubectl(['get', 'nodes'])).stdout).toMatch(/aks-nodepool1-\d{8}-vmss000000\s+NotReady/);
		expect((await kubectl(['run', 'curl', '--image=alpine/curl', '--command', '--', 'sleep', '365d'])).stdout).toBe('pod/curl created');
		await expect.poll(async () => (await kubectl(['describe', 'pod', 'curl'])).stdout, {timeout: 10_000})
			.toContain('network is not ready: container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady');
		expect((await kubectl(['get', 'pod', 'curl'])).stdout).toMatch(/curl\s+0\/1\s+ContainerCreating/);
	});

	test('a Cilium DaemonSet rolls out, the nodes turn Ready and the waiting pod becomes Ready', async () => {
		expect((await kubectl(['apply', '-f', '-'], {input: ciliumDaemonSet})).exitCode).toBe(0);
		const rollout = await kubectl(['-n', 'kube-system', 'rollout', 'status', 'ds/cilium', '--timeout=30s']);
		expect(rollout.stdout).toContain('daemon set "cilium" successfully rolled out');
		const wait = await kubectl(['wait', '--for=condition=Ready', 'pod/curl', '--timeout=30s']);
		expect(wait.stdout).toBe('pod/curl condition met');
		const nodes = (await kubectl(['get', 'nodes', '--no-headers'])).stdout.split('\n');
		expect(nodes.every(line => /\sReady\s/.test(line))).toBe(true);
		const describe = (await kubectl(['describe', 'pod', 'curl'])).stdout;
		for (const reason of ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']) expect(describe).toMatch(new RegExp(`Normal\\s+${reason}\\s`));
		expect((await kubectl(['get', 'pod', 'curl', '-o', 'jsonpath={.status.podIP}'])).stdout).toMatch(/^10\.244\.\d+\.\d+$/);
	});

	test('a Deployment rolls out with kubectl rollout status', async () => {
		expect((await kubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=2'])).exitCode).toBe(0);
		const rollout = await kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s']);
		expect(rollout.stdout).toContain('deployment "web" successfully rolled out');
		const pods = (await kubectl(['get', 'pods', '-l', 'app=web', '--no-headers'])).stdout.split('\n');
		expect(pods).toHaveLength(2);
		for (const line of pods) expect(line).toMatch(/^web-[a-z0-9]{8,10}-[a-z0-9]{5}\s+1\/1\s+Running/);
	});

	test.each([['1.28'], ['1.33']])('kubectl %s exec: output, exit codes and piped stdin', async version => {
		const failing = await kubectl(['exec', 'curl', '--', 'sh', '-c', 'echo from $HOSTNAME; exit 7'], {version});
		expect(failing.stdout).toBe('from curl');
		expect(failing.stderr).toContain('command terminated with exit code 7');
		expect(failing.exitCode).toBe(7);
		const piped = await kubectl(['exec', '-i', 'curl', '--', 'cat'], {version, input: 'through stdin\n'});
		expect(piped.stdout).toBe('through stdin');
		expect(piped.exitCode).toBe(0);
	});

	test.each([['1.28'], ['1.33']])('kubectl %s exec -it runs an interactive shell in a terminal', async version => {
		const screen = await tmuxSession(`${kubectlBinary(version)} exec -it curl -- sh`, [['echo hello tty', 'Enter'], ['exit 3', 'Enter']]);
		expect(screen).toContain('/ # echo hello tty\nhello tty\n/ # exit 3');
		expect(screen).toContain('command terminated with exit code 3');
		expect(screen).toContain('EXIT=3');
	});

	test.each([['1.28'], ['1.33']])('kubectl %s run -i --rm attaches to the pod\'s shell, and the pod completes and is removed', async version => {
		const name = `once-${version.replace('.', '')}`;
		const run = await kubectl(['run', name, '-i', '--rm', '--image=alpine', '--restart=Never', '--', 'sh'], {version, input: 'echo from $HOSTNAME\nexit 0\n'});
		expect(run.stdout).toContain(`from ${name}`);
		expect(run.stdout).toContain(`pod "${name}" deleted`);
		expect(run.exitCode).toBe(0);
		expect((await kubectl(['get', 'pod', name])).stderr).toContain(`pods "${name}" not found`);
	});

	test.each([['1.28'], ['1.33']])('kubectl %s port-forward svc/hubble-ui serves the simulated page', async version => {
		await kubectl(['apply', '-f', '-'], {input: hubbleUi});
		expect((await kubectl(['-n', 'kube-system', 'rollout', 'status', 'deployment/hubble-ui', '--timeout=30s'])).exitCode).toBe(0);
		const port = await freePort();
		const forward = execa(kubectlBinary(version), ['-n', 'kube-system', 'port-forward', 'svc/hubble-ui', `${port}:80`], {env, reject: false});
		let output = '';
		forward.stdout!.on('data', chunk => (output += chunk));
		try {
			await expect.poll(() => output, {timeout: 10_000}).toContain(`Forwarding from 127.0.0.1:${port} -> 8081`);
			expect(await httpGet(port)).toContain('Hubble UI (practice cluster, simulated)');
		} finally {
			forward.kill();
			await forward;
		}
	});
});
