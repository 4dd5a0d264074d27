// Conformance table: `kubectl top` against the practice cluster's metrics.k8s.io/v1beta1, served as AKS's metrics-server
// add-on serves it (kubernetes-sigs/metrics-server pkg/api/node.go and pod.go: NodeMetrics/PodMetrics, usage in
// nanocores and Ki; NotFound from the listers), behind the aggregator (k8s.io/kube-aggregator
// pkg/apiserver/handler_proxy.go: an APIService without a ready backend answers 503 "service unavailable", which
// client-go words "the server is currently unable to handle the request (get nodes.metrics.k8s.io)"). kubectl's own
// printing: k8s.io/kubectl pkg/cmd/top/top_node.go, top_pod.go, pkg/metricsutil/metrics_printer.go.
// And `kubectl debug` with ephemeral containers: kubectl pkg/cmd/debug/debug.go (debugByEphemeralContainer: a strategic
// merge patch of pods/{name}/ephemeralcontainers, then a wait for the container to run, then attach), the API
// server's EphemeralContainersREST and ValidatePodEphemeralContainersUpdate, the kubelet starting it once.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TestPractice} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-top-', speed: 'instant', track: 'k8s'});
const {run} = practice;

beforeAll(async () => {
	await practice.start();
}, 120_000);

afterAll(() => practice.stop());

const targeting = 'Targeting container "web". If you don\'t see processes from this container it may be because the container runtime doesn\'t support this feature.';
const millicores = (text: string) => Number(/^(\d+)m$/.exec(text)?.[1] ?? Number.NaN);
const mebibytes = (text: string) => Number(/^(\d+)Mi$/.exec(text)?.[1] ?? Number.NaN);

describe('kubectl top (conformance table)', () => {
	it('before the CNI, metrics-server cannot start: the aggregator\'s 503 — handler_proxy.go', async () => {
		const nodes = await run('kubectl', ['top', 'nodes']);
		expect(nodes.stderr).toBe('Error from server (ServiceUnavailable): the server is currently unable to handle the request (get nodes.metrics.k8s.io)');
		expect(nodes.code).toBe(1);
		expect((await run('kubectl', ['-n', 'kube-system', 'get', 'deploy', 'metrics-server', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('2');
		expect((await run('kubectl', ['get', 'apiservice', 'v1beta1.metrics.k8s.io', '-o', 'jsonpath={.spec.service.name}'])).stdout).toBe('metrics-server');
	});

	describe('with Cilium running', () => {
		beforeAll(async () => {
			expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
			expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '-n', 'kube-system', '--wait'])).code).toBe(0);
			expect((await run('kubectl', ['-n', 'kube-system', 'rollout', 'status', 'deploy/metrics-server', '--timeout=30s'])).code).toBe(0);
		}, 90_000);

		it('the group is discovered with get and list — kubectl api-resources', async () => {
			const result = await run('kubectl', ['api-resources', '--api-group=metrics.k8s.io', '-o', 'wide']);
			expect(result.stdout).toMatch(/^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics\s+get,list\s*$/m);
			expect(result.stdout).toMatch(/^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics\s+get,list\s*$/m);
		});

		it('top nodes: every node, usage in range, CPU% of the 1900m allocatable — top_node.go', async () => {
			const result = await run('kubectl', ['top', 'nodes', '--no-headers']);
			const rows = result.stdout.split('\n').map(line => line.trim().split(/\s+/));
			expect(rows).toHaveLength(3);
			for (const [name, cpu, cpuPercent, memory, memoryPercent] of rows) {
				expect(name).toMatch(/^aks-nodepool1-\d+-vmss00000\d$/);
				// The kubelet, containerd and the OS (70–120m) plus an agent, envoy and the node's share of the rest.
				expect(millicores(cpu!)).toBeGreaterThan(90);
				expect(millicores(cpu!)).toBeLessThan(260);
				expect(Number.parseInt(cpuPercent!, 10)).toBe(Math.floor((millicores(cpu!) / 1900) * 100));
				expect(mebibytes(memory!)).toBeGreaterThan(1000);
				expect(mebibytes(memory!)).toBeLessThan(1500);
				expect(memoryPercent).toMatch(/^\d+%$/);
			}
		});

		it('top pods --containers: what each container runs decides its usage — top_pod.go --containers', async () => {
			const result = await run('kubectl', ['top', 'pods', '-n', 'kube-system', '--containers', '--no-headers']);
			const rows = result.stdout.split('\n').map(line => line.trim().split(/\s+/));
			const agents = rows.filter(row => row[1] === 'cilium-agent');
			expect(agents).toHaveLength(3);
			for (const [, , cpu, memory] of agents) {
				expect(millicores(cpu!)).toBeGreaterThanOrEqual(25);
				expect(millicores(cpu!)).toBeLessThanOrEqual(61);
				expect(mebibytes(memory!)).toBeGreaterThanOrEqual(160);
				expect(mebibytes(memory!)).toBeLessThanOrEqual(250);
			}
			const coredns = rows.filter(row => row[1] === 'coredns');
			expect(coredns).toHaveLength(2);
			for (const [, , cpu] of coredns) expect(millicores(cpu!)).toBeLessThanOrEqual(5);
		});

		it('usage is stable: the same pod read twice moves by a few percent at most', async () => {
			const read = async () => (await run('kubectl', ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods'])).stdout;
			const cpuOf = (text: string) => new Map((JSON.parse(text) as {items: Array<{metadata: {name: string}; containers: Array<{usage: {cpu: string}}>}>}).items.map(item => [item.metadata.name, Number.parseInt(item.containers[0]!.usage.cpu, 10)]));
			const first = cpuOf(await read());
			const second = cpuOf(await read());
			for (const [name, cpu] of first) {
				if (cpu < 10_000_000) continue;
				expect(Math.abs(second.get(name)! - cpu) / cpu).toBeLessThan(0.15);
			}
		});

		it('a PodMetrics as metrics-server writes it: usage in n and Ki, window, timestamp — pkg/api/pod.go', async () => {
			const pod = (await run('kubectl', ['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-dns', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
			const metrics = JSON.parse((await run('kubectl', ['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods/${pod}`])).stdout) as Record<string, unknown>;
			expect(metrics).toMatchObject({kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {name: pod, namespace: 'kube-system'}, window: '15s'});
			expect((metrics.containers as Array<{name: string; usage: {cpu: string; memory: string}}>)[0]).toMatchObject({name: 'coredns', usage: {cpu: expect.stringMatching(/^\d+n$/), memory: expect.stringMatching(/^\d+Ki$/)}});
			expect(Date.parse(metrics.timestamp as string)).toBeLessThanOrEqual(Date.now());
		});

		it('a pod with no running container has no metrics; one that does not exist is the lister\'s NotFound — pod.go Get', async () => {
			expect((await run('kubectl', ['run', 'waiting', '--image=busybox:1.36', '--overrides={"spec":{"nodeSelector":{"nowhere":"true"}}}', '--', 'sleep', '3600'])).code).toBe(0);
			const waiting = await run('kubectl', ['top', 'pod', 'waiting']);
			expect(waiting.stderr).toBe('Error from server (NotFound): pods.metrics.k8s.io "default/waiting" not found');
			const missing = await run('kubectl', ['top', 'pod', 'nope']);
			expect(missing.stderr).toBe('Error from server (NotFound): pods "nope" not found');
			expect(missing.code).toBe(1);
		});
			it('debug --target: the ephemeral container is added, started, and the one kubectl panicked on works — debug.go', async () => {
			expect((await run('kubectl', ['run', 'web', '--image=nginx:1.27'])).code).toBe(0);
			expect((await run('kubectl', ['wait', '--for=condition=Ready', 'pod/web', '--timeout=30s'])).code).toBe(0);
			const result = await run('kubectl', ['debug', 'web', '--image=busybox:1.36', '--target=web', '-c', 'probe']);
			// debug.go prints this notice on its standard output.
			expect(result.stdout).toBe(targeting);
			expect(result.code).toBe(0);
			const spec = JSON.parse((await run('kubectl', ['get', 'pod', 'web', '-o', 'jsonpath={.spec.ephemeralContainers[0]}'])).stdout) as Record<string, unknown>;
			expect(spec).toEqual({name: 'probe', image: 'busybox:1.36', targetContainerName: 'web', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent'});
			// Without -i, busybox's default sh has no stdin and exits at once; an ephemeral container is never restarted.
			const state = JSON.parse((await run('kubectl', ['get', 'pod', 'web', '-o', 'jsonpath={.status.ephemeralContainerStatuses[0].state}'])).stdout) as {terminated?: {exitCode: number; reason: string}};
			expect(state.terminated).toMatchObject({exitCode: 0, reason: 'Completed'});
		});

		it('debug -i: the shell in the debug container runs busybox\'s programs with the pod\'s network, and its exit ends it', async () => {
			const result = await run('kubectl', ['debug', '-i', 'web', '--image=busybox:1.36', '--target=web', '-c', 'shell'], {input: 'nslookup google.com >/dev/null && echo resolved; echo $HOSTNAME\nexit 0\n'});
			expect(result.stdout).toBe(`${targeting}\nresolved\nweb`);
			expect(result.code).toBe(0);
			const state = JSON.parse((await run('kubectl', ['get', 'pod', 'web', '-o', 'jsonpath={.status.ephemeralContainerStatuses[?(@.name=="shell")].state}'])).stdout) as {terminated?: {exitCode: number}};
			expect(state.terminated?.exitCode).toBe(0);
			const events = (await run('kubectl', ['get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={range .items[*]}{.reason} {.message}{"\\n"}{end}'])).stdout;
			expect(events).toContain('Started Started container shell');
		});

		it('ephemeral containers are only added: a name the pod already uses is refused — ValidatePodEphemeralContainersUpdate', async () => {
			const result = await run('kubectl', ['debug', 'web', '--image=busybox:1.36', '-c', 'web']);
			expect(result.stderr).toMatch(/Pod "web" is invalid: spec\.ephemeralContainers\[2\]\.name: Duplicate value: "web"/);
			expect(result.code).toBe(1);
		});
	});
});
