// The controllers through the built daemon, as a learner meets them with real kubectl: an Azure CNI
// cluster made by `az aks create --network-plugin azure` is Ready without Cilium; deleting a pod is
// graceful (Terminating, the kubelet's Killing event, `pod "x" deleted` once it is gone); and the
// containers the lessons read logs from print their start-up lines.
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {TestPractice} from '../../helpers/practice.js';
import {kubectlBinary} from '../streams/harness.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-lifecycle-', speed: 'fast'});
const {run} = practice;
const kubectl = (args: string[], options: {version?: string; input?: string} = {}) => run(options.version ? kubectlBinary(options.version) : 'kubectl', args, options);

beforeAll(async () => {
	await practice.start();
	for (const args of [
		['login'],
		['group', 'create', '--name', 'rg', '--location', 'koreacentral'],
		['aks', 'create', '--resource-group', 'rg', '--name', 'azcni', '--network-plugin', 'azure', '--node-count', '2', '--generate-ssh-keys'],
		['aks', 'get-credentials', '--resource-group', 'rg', '--name', 'azcni'],
	]) {
		const result = await run('az', args);
		if (result.code !== 0) throw new Error(`az ${args.join(' ')} failed: ${result.stderr}`);
	}
}, 180_000);

afterAll(() => practice.stop());

describe('an Azure CNI cluster (az aks create --network-plugin azure)', () => {
	test('has Ready nodes and running pods without Cilium', async () => {
		const nodes = await kubectl(['get', 'nodes', '--no-headers']);
		const lines = nodes.stdout.trim().split('\n');
		expect(lines).toHaveLength(2);
		for (const line of lines) expect(line).toMatch(/^aks-nodepool1-\S+\s+Ready\s/);
		const annotations = await kubectl(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.annotations.practice\\.cilium-lab/cni}']);
		expect(annotations.stdout).toBe('azure azure');
		expect((await kubectl(['-n', 'kube-system', 'get', 'ds', 'cilium'])).stderr).toContain('daemonsets.apps "cilium" not found');
		const rollout = await kubectl(['-n', 'kube-system', 'rollout', 'status', 'deploy/coredns', '--timeout=30s']);
		expect(rollout.stdout).toContain('deployment "coredns" successfully rolled out');
		// The nodes had their CNI from the moment they registered: no pod ever waited for a network.
		expect((await kubectl(['get', 'events', '-A', '--field-selector', 'reason=NetworkNotReady'])).stderr).toBe('No resources found');
	});
});

describe('graceful pod deletion', () => {
	test('kubectl delete waits for the kubelet to stop the pod, then prints that it is deleted', async () => {
		expect((await kubectl(['run', 'web', '--image=nginx:1.27'])).stdout).toBe('pod/web created');
		expect((await kubectl(['wait', '--for=condition=Ready', 'pod/web', '--timeout=30s'])).code).toBe(0);
		const deleted = await kubectl(['delete', 'pod', 'web']);
		expect(deleted).toMatchObject({code: 0, stdout: 'pod "web" deleted'});
		expect((await kubectl(['get', 'pod', 'web'])).stderr).toContain('pods "web" not found');
		const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
		expect(events.stdout).toContain('Killing: Stopping container web');
	});

	test('a deleted pod shows Terminating with its deletion timestamp and grace period while something holds it', async (context) => {
		for (const version of ['1.28', '1.33']) {
			const name = `held-${version.replace('.', '')}`;
			const manifest = JSON.stringify({apiVersion: 'v1', kind: 'Pod', metadata: {name, finalizers: ['example.com/hold']}, spec: {terminationGracePeriodSeconds: 45, containers: [{name: 'main', image: 'busybox:1.36', command: ['sleep', '3600']}]}});
			expect((await kubectl(['apply', '-f', '-'], {input: manifest, version})).code).toBe(0);
			expect((await kubectl(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=30s'], {version})).code).toBe(0);
			const marked = await kubectl(['delete', 'pod', name, '--wait=false'], {version});
			expect(marked.stdout).toBe(`pod "${name}" deleted`);
			const row = await kubectl(['get', 'pod', name, '--no-headers'], {version});
			expect(row.stdout).toMatch(new RegExp(`^${name}\\s+\\d/1\\s+Terminating\\s`));
			const timestamp = await kubectl(['get', 'pod', name, '-o', 'jsonpath={.metadata.deletionTimestamp}'], {version});
			expect(timestamp.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
			// The kubelet has stopped the containers: its final delete leaves only the finalizer holding the pod.
			await expect.poll(async () => (await kubectl(['get', 'pod', name, '-o', 'jsonpath={.metadata.deletionGracePeriodSeconds}'], {version})).stdout, {timeout: 10_000}).toBe('0');
			expect((await kubectl(['patch', 'pod', name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}'], {version})).code).toBe(0);
			await expect.poll(async () => (await kubectl(['get', 'pod', name], {version})).stderr, {timeout: 10_000}).toContain(`pods "${name}" not found`);
		}
		context.annotate('kubectl 1.28 and 1.33');
	});

	test('the grace period starts from the pod or from --grace-period, and --force deletes at once', async () => {
		const manifest = JSON.stringify({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'slow', finalizers: ['example.com/hold']}, spec: {terminationGracePeriodSeconds: 45, containers: [{name: 'main', image: 'busybox:1.36', command: ['sleep', '3600']}]}});
		expect((await kubectl(['apply', '-f', '-'], {input: manifest})).code).toBe(0);
		expect((await kubectl(['wait', '--for=condition=Ready', 'pod/slow', '--timeout=30s'])).code).toBe(0);
		const before = Date.now();
		expect((await kubectl(['delete', 'pod', 'slow', '--wait=false', '--grace-period=20'])).code).toBe(0);
		const due = Date.parse((await kubectl(['get', 'pod', 'slow', '-o', 'jsonpath={.metadata.deletionTimestamp}'])).stdout);
		// rfc3339 has whole seconds: the deadline is 20 s away, give or take the rounding and the call.
		expect(due - before).toBeGreaterThan(18_000);
		expect(due - before).toBeLessThan(22_000);

		expect((await kubectl(['run', 'stuck', '--image=busybox:1.36', '--', 'sleep', '3600'])).code).toBe(0);
		expect((await kubectl(['wait', '--for=condition=Ready', 'pod/stuck', '--timeout=30s'])).code).toBe(0);
		const forced = await kubectl(['delete', 'pod', 'stuck', '--grace-period=0', '--force']);
		expect(forced.code).toBe(0);
		expect(forced.stderr).toContain('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated.');
		expect(forced.stdout).toBe('pod "stuck" force deleted');
		expect((await kubectl(['get', 'pod', 'stuck'])).stderr).toContain('pods "stuck" not found');
		await kubectl(['patch', 'pod', 'slow', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
	});

	test('deleting a namespace still removes its pods', async () => {
		expect((await kubectl(['create', 'namespace', 'scratch'])).code).toBe(0);
		expect((await kubectl(['-n', 'scratch', 'run', 'one', '--image=busybox:1.36', '--', 'sleep', '3600'])).code).toBe(0);
		expect((await kubectl(['-n', 'scratch', 'wait', '--for=condition=Ready', 'pod/one', '--timeout=30s'])).code).toBe(0);
		expect((await kubectl(['delete', 'namespace', 'scratch'])).stdout).toBe('namespace "scratch" deleted');
		expect((await kubectl(['get', 'pods', '-n', 'scratch'])).stderr).toContain('No resources found in scratch namespace.');
	});

	test('a Deployment replaces a deleted pod while the old one terminates', async () => {
		expect((await kubectl(['create', 'deployment', 'echo', '--image=nginx:1.27', '--replicas=2'])).code).toBe(0);
		expect((await kubectl(['rollout', 'status', 'deploy/echo', '--timeout=30s'])).code).toBe(0);
		const first = (await kubectl(['get', 'pods', '-l', 'app=echo', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
		expect((await kubectl(['delete', 'pod', first])).stdout).toBe(`pod "${first}" deleted`);
		expect((await kubectl(['rollout', 'status', 'deploy/echo', '--timeout=30s'])).code).toBe(0);
		const names = (await kubectl(['get', 'pods', '-l', 'app=echo', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.split(' ');
		expect(names).toHaveLength(2);
		expect(names).not.toContain(first);
	});
});

describe('start-up logs of the containers the lessons read', () => {
	test('coredns, the cilium agent, the operator and hubble-relay print their start-up lines', async () => {
		const coredns = await kubectl(['-n', 'kube-system', 'logs', 'deploy/coredns']);
		expect(coredns.stdout.split('\n').slice(0, 3)).toEqual(['.:53', expect.stringMatching(/^\[INFO\] plugin\/reload: Running configuration SHA512 = [0-9a-f]{128}$/), 'CoreDNS-1.9.4']);

		expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
		const install = await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system', '--set', 'hubble.relay.enabled=true']);
		expect(install.stderr).toBe('');
		for (const workload of ['ds/cilium', 'deploy/cilium-operator', 'deploy/hubble-relay']) {
			expect((await kubectl(['-n', 'kube-system', 'rollout', 'status', workload, '--timeout=60s'])).code).toBe(0);
		}
		const agent = await kubectl(['-n', 'kube-system', 'logs', 'ds/cilium']);
		expect(agent.stdout).toContain('level=info msg="Cilium 1.16.4 go version go1.22.9 linux/amd64" subsys=daemon');
		expect(agent.stdout).toMatch(/level=info msg="Retrieved node information from kubernetes node" nodeName=aks-nodepool1-\S+ subsys=daemon/);
		expect(agent.stdout.trim().split('\n').at(-1)).toMatch(/^level=info msg="Daemon initialization completed" bootstrapTime=\d+\.\d{6}s subsys=daemon$/);
		const operator = await kubectl(['-n', 'kube-system', 'logs', 'deploy/cilium-operator']);
		expect(operator.stdout).toContain('level=info msg="Leading the operator HA deployment"');
		const relay = await kubectl(['-n', 'kube-system', 'logs', 'deploy/hubble-relay']);
		const peers = relay.stdout.split('\n').filter((line) => line.includes('type:PEER_ADDED'));
		expect(peers).toHaveLength(2);
		expect(relay.stdout).toMatch(/level=info msg=Connected address="10\.224\.0\.\d+:4244" hubble-tls=true next-try-in=1s peer=aks-nodepool1-\S+ subsys=hubble-relay/);
		const timestamps = await kubectl(['-n', 'kube-system', 'logs', 'deploy/hubble-relay', '--timestamps', '--tail=1']);
		expect(timestamps.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z level=info /);
	});
});
