// Conformance table: the practice cluster's shape (k8s track: BYOCNI-like nodes, Cilium installed with the chart's
// defaults; instant speed), probed with the real kubectl. Sources: AKS node labels (kubernetes.io/role=agent,
// node-role.kubernetes.io/agent) and kubectl's findNodeRoles (a set of roles); AKS BYOCNI ("AKS doesn't allocate or
// manage pod IPs", learn.microsoft.com/azure/aks/use-byo-cni); the Cilium 1.16.4 chart's cluster-pool defaults
// (ipam.operator.clusterPoolIPv4PodCIDRList 10.0.0.0/8, mask 24) and cilium/cilium#31504 (that default overlaps AKS's
// service CIDR 10.0.0.0/16); CiliumNode (pkg/k8s/apis/cilium.io/v2 types, its CRD's printer columns);
// pkg/policy/k8s/cilium_network_policy.go addCiliumNetworkPolicyV2 (agent log lines); operator/pkg/networkpolicy
// (the Valid condition); client-go tools/record (event names <object>.<UnixNano hex>); Hubble's flow time
// (api/v1/flow/flow.proto `time`: when the event was observed, so never after the clock).
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TestPractice} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-shape-', speed: 'instant', track: 'k8s'});
const {run} = practice;
const kubectl = (...args: string[]) => run('kubectl', args);
const apply = (yaml: string) => run('kubectl', ['apply', '-f', '-'], {input: yaml});
const poll = async <T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> => {
	let value = await read();
	for (let attempt = 0; attempt < 100 && !ok(value); attempt++) {
		await new Promise((resolve) => setTimeout(resolve, 100));
		value = await read();
	}
	return value;
};

beforeAll(async () => {
	await practice.start();
	expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system'])).code).toBe(0);
	expect((await run('cilium', ['status', '--wait'])).code).toBe(0);
	expect((await kubectl('create', 'ns', 'demo')).code).toBe(0);
	expect((await kubectl('run', 'web', '-n', 'demo', '--image=nginx', '--labels=app=web')).code).toBe(0);
	expect((await kubectl('wait', '-n', 'demo', '--for=condition=Ready', 'pod/web', '--timeout=60s')).code).toBe(0);
}, 180_000);

afterAll(() => practice.stop());

describe('nodes', () => {
	it('kubectl get nodes: ROLES is agent, as on AKS (kubernetes.io/role=agent and node-role.kubernetes.io/agent are one role)', async () => {
		const result = await kubectl('get', 'nodes', '--no-headers');
		const rows = result.stdout.split('\n');
		expect(rows).toHaveLength(3);
		for (const row of rows) expect(row.split(/\s+/)[2]).toBe('agent');
	});

	it('the node labels AKS sets: kubernetes.io/role=agent, node-role.kubernetes.io/agent, agentpool, kubernetes.azure.com/mode=system', async () => {
		const labels = JSON.parse((await kubectl('get', 'nodes', '-o', 'jsonpath={.items[0].metadata.labels}')).stdout) as Record<string, string>;
		expect(labels).toMatchObject({'kubernetes.io/role': 'agent', 'node-role.kubernetes.io/agent': '', agentpool: 'nodepool1', 'kubernetes.azure.com/mode': 'system'});
	});

	it('BYOCNI nodes have no spec.podCIDR: AKS leaves pod addressing to the CNI', async () => {
		const result = await kubectl('get', 'nodes', '-o', 'jsonpath={range .items[*]}[{.spec.podCIDR}]{end}');
		expect(result.stdout).toBe('[][][]');
	});
});

describe('CiliumNode and cluster-pool IPAM', () => {
	it('cilium-config has the chart default cluster-pool 10.0.0.0/8, mask 24', async () => {
		const result = await kubectl('-n', 'kube-system', 'get', 'cm', 'cilium-config', '-o', 'jsonpath={.data.ipam} {.data.cluster-pool-ipv4-cidr} {.data.cluster-pool-ipv4-mask-size}');
		expect(result.stdout).toBe('cluster-pool 10.0.0.0/8 24');
	});

	it('one CiliumNode per node, named after it', async () => {
		const nodes = (await kubectl('get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}')).stdout.split(' ').sort();
		const ciliumNodes = await poll(async () => (await kubectl('get', 'ciliumnodes', '-o', 'jsonpath={.items[*].metadata.name}')).stdout.split(' ').filter(Boolean).sort(), (names) => names.length === 3);
		expect(ciliumNodes).toEqual(nodes);
	});

	it('each CiliumNode has a /24 of 10.0.0.0/8 in spec.ipam.podCIDRs, in node order: 10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24', async () => {
		const result = await kubectl('get', 'ciliumnodes', '-o', 'jsonpath={range .items[*]}{.spec.ipam.podCIDRs[0]}{"\\n"}{end}');
		expect(result.stdout.split('\n').sort()).toEqual(['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24']);
	});

	it('kubectl get ciliumnodes prints CILIUMINTERNALIP and INTERNALIP (the CRD\'s printer columns)', async () => {
		const result = await kubectl('get', 'cn');
		expect(result.stdout.split('\n')[0]).toMatch(/^NAME\s+CILIUMINTERNALIP\s+INTERNALIP\s+AGE$/);
		expect(result.stdout.split('\n')[1]).toMatch(/^aks-nodepool1-\S+\s+10\.0\.\d+\.1\s+10\.224\.0\.\d+\s+\S+$/);
	});

	it('pods get addresses from their node\'s CiliumNode pod CIDR (10.0.x.y), not 10.244.x.y', async () => {
		const result = await kubectl('get', 'pod', 'web', '-n', 'demo', '-o', 'jsonpath={.status.podIP} {.spec.nodeName}');
		const [ip, node] = result.stdout.split(' ');
		const cidr = (await kubectl('get', 'ciliumnode', node!, '-o', 'jsonpath={.spec.ipam.podCIDRs[0]}')).stdout;
		expect(ip).toMatch(/^10\.0\.\d+\.\d+$/);
		expect(ip!.split('.').slice(0, 3).join('.')).toBe(cidr.split('.').slice(0, 3).join('.'));
	});

	it('the BYOCNI pitfall is visible: pod addresses fall inside the service CIDR 10.0.0.0/16 that kube-dns (10.0.0.10) lives in', async () => {
		const dns = (await kubectl('-n', 'kube-system', 'get', 'svc', 'kube-dns', '-o', 'jsonpath={.spec.clusterIP}')).stdout;
		const rows = (await kubectl('get', 'pods', '-A', '-o', 'jsonpath={range .items[*]}{.spec.hostNetwork} {.status.podIP}{"\\n"}{end}')).stdout.split('\n');
		const podIps = rows.filter((row) => row.startsWith(' ') && row.trim() !== '').map((row) => row.trim());
		expect(dns).toBe('10.0.0.10');
		expect(podIps.length).toBeGreaterThan(0);
		expect(podIps.every((ip) => ip.startsWith('10.0.'))).toBe(true);
	});

	it('the CiliumEndpoint of a pod carries the same address', async () => {
		const podIp = (await kubectl('get', 'pod', 'web', '-n', 'demo', '-o', 'jsonpath={.status.podIP}')).stdout;
		const cep = await poll(async () => (await kubectl('get', 'cep', 'web', '-n', 'demo', '-o', 'jsonpath={.status.networking.addressing[0].ipv4}')).stdout, (value) => value !== '');
		expect(cep).toBe(podIp);
	});
});

describe('a policy Cilium does not accept', () => {
	const combo = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: fqdn-and-endpoints, namespace: demo}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toFQDNs: [{matchName: example.com}]
    toEndpoints: [{matchLabels: {app: db}}]
`;

	it('the API server stores it (the CRD schema allows the combination)', async () => {
		const result = await apply(combo);
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('ciliumnetworkpolicy.cilium.io/fqdn-and-endpoints created');
	});

	it('each agent logs "Unable to add CiliumNetworkPolicy" with Parse\'s error (pkg/policy/k8s addCiliumNetworkPolicyV2, logrus fields sorted)', async () => {
		const logs = await poll(async () => (await kubectl('-n', 'kube-system', 'logs', 'ds/cilium', '-c', 'cilium-agent')).stdout, (text) => text.includes('fqdn-and-endpoints'));
		expect(logs.split('\n')).toContain(
			'level=warning msg="Unable to add CiliumNetworkPolicy" ciliumNetworkPolicyName=fqdn-and-endpoints error="Invalid CiliumNetworkPolicy spec: Combining ToFQDNs and ToEndpoints is not supported yet" k8sApiVersion= k8sNamespace=demo subsys=policy-k8s-watcher',
		);
	});

	it('the operator\'s validator sets the Valid condition False with the Sanitize error', async () => {
		const condition = await poll(
			async () => (await kubectl('-n', 'demo', 'get', 'cnp', 'fqdn-and-endpoints', '-o', 'jsonpath={.status.conditions[?(@.type=="Valid")].status}: {.status.conditions[?(@.type=="Valid")].message}')).stdout,
			(value) => value.startsWith('False'),
		);
		expect(condition).toBe('False: Combining ToFQDNs and ToEndpoints is not supported yet');
	});

	it('kubectl describe shows the condition and no events: Cilium 1.16 records no Event for a policy it drops (real captures of `kubectl describe cnp`: "Status: Conditions: … Type: Valid" then "Events: <none>")', async () => {
		const result = await kubectl('-n', 'demo', 'describe', 'cnp', 'fqdn-and-endpoints');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/\nStatus:\n {2}Conditions:\n {4}Last Transition Time: +\S+\n {4}Message: +Combining ToFQDNs and ToEndpoints is not supported yet\n {4}Status: +False\n {4}Type: +Valid\nEvents: +<none>$/);
	});

	it('a valid policy is "Imported CiliumNetworkPolicy" in the agent log and Valid True "Policy validation succeeded"', async () => {
		expect((await apply('apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: web-egress, namespace: demo}\nspec:\n  endpointSelector: {matchLabels: {app: web}}\n  egress:\n  - toEndpoints: [{}]\n')).code).toBe(0);
		const logs = await poll(async () => (await kubectl('-n', 'kube-system', 'logs', 'ds/cilium', '-c', 'cilium-agent')).stdout, (text) => text.includes('web-egress'));
		expect(logs.split('\n')).toContain('level=info msg="Imported CiliumNetworkPolicy" ciliumNetworkPolicyName=web-egress k8sApiVersion= k8sNamespace=demo subsys=policy-k8s-watcher');
		const condition = await poll(async () => (await kubectl('-n', 'demo', 'get', 'cnp', 'web-egress', '-o', 'jsonpath={.status.conditions[0].type} {.status.conditions[0].status} {.status.conditions[0].message}')).stdout, (value) => value !== '  ');
		expect(condition).toBe('Valid True Policy validation succeeded');
	});

	it('toFQDNs in a deny rule: the CRD has no such field (pkg/policy/api/egress.go @v1.16.4: EgressDenyRule is EgressCommonRule + ToPorts + ICMPs, no ToFQDNs), so strict field validation refuses it', async () => {
		const result = await apply('apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: deny-fqdn, namespace: demo}\nspec:\n  endpointSelector: {}\n  egressDeny:\n  - toFQDNs: [{matchName: example.com}]\n');
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('strict decoding error: unknown field "spec.egressDeny[0].toFQDNs"');
		expect((await kubectl('-n', 'demo', 'get', 'cnp', 'deny-fqdn')).stderr).toContain('NotFound');
	});
});

describe('time', () => {
	it('hubble observe -o json: no flow is stamped after the clock, even after curls that time out over simulated seconds (SYN retransmits, DNS retries) at instant speed', async () => {
		expect((await kubectl('run', 'curl', '-n', 'demo', '--image=alpine/curl', '--labels=app=client', '--command', '--', 'sleep', '365d')).code).toBe(0);
		expect((await kubectl('wait', '-n', 'demo', '--for=condition=Ready', 'pod/curl', '--timeout=60s')).code).toBe(0);
		const lockdown = 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: client-lockdown, namespace: demo}\nspec:\n  endpointSelector: {matchLabels: {app: client}}\n  egress:\n  - toEndpoints: [{matchLabels: {app: nothing}}]\n';
		expect((await apply(lockdown)).code).toBe(0);
		const webIp = (await kubectl('get', 'pod', 'web', '-n', 'demo', '-o', 'jsonpath={.status.podIP}')).stdout;
		const blocked = await kubectl('-n', 'demo', 'exec', 'curl', '--', 'curl', '-sS', '-m', '10', '-o', '/dev/null', `http://${webIp}`);
		expect(blocked.code).toBe(28);
		expect((await kubectl('-n', 'demo', 'exec', 'curl', '--', 'curl', '-sS', '-m', '8', '-o', '/dev/null', 'http://example.com')).code).not.toBe(0);
		expect((await kubectl('-n', 'demo', 'delete', 'cnp', 'client-lockdown')).code).toBe(0);
		const node = (await kubectl('get', 'pod', 'curl', '-n', 'demo', '-o', 'jsonpath={.spec.nodeName}')).stdout;
		const agent = (await kubectl('-n', 'kube-system', 'get', 'pod', '-l', 'k8s-app=cilium', '--field-selector', `spec.nodeName=${node}`, '-o', 'jsonpath={.items[0].metadata.name}')).stdout;
		const observed = await kubectl('-n', 'kube-system', 'exec', agent, '-c', 'cilium-agent', '--', 'hubble', 'observe', '-o', 'json', '--last', '1000');
		const now = Date.now();
		expect(observed.code, observed.stderr).toBe(0);
		const times = observed.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as {time: string}).time);
		const drops = observed.stdout.split('\n').filter((line) => line.includes('"DROPPED"') && line.includes(`"destination":"${webIp}"`));
		expect(drops.length).toBeGreaterThanOrEqual(4);
		for (const time of times) {
			expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
			expect(Date.parse(time)).toBeLessThanOrEqual(now);
		}
		expect([...times].sort()).toEqual(times);
	});
});

describe('events', () => {
	it('are named <object>.<UnixNano in hex> (client-go record), so their list order is the order they happened', async () => {
		const names = (await kubectl('-n', 'demo', 'get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={.items[*].metadata.name}')).stdout.split(' ');
		for (const name of names) expect(name).toMatch(/^web\.[0-9a-f]{15,16}$/);
		const reasons = (await kubectl('-n', 'demo', 'get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={.items[*].reason}')).stdout.split(' ');
		expect(reasons).toEqual(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']);
	});

	it('no event is stamped after the clock', async () => {
		const stamps = (await kubectl('get', 'events', '-A', '-o', 'jsonpath={range .items[*]}{.lastTimestamp}{"\\n"}{end}')).stdout.split('\n').filter(Boolean);
		const now = Date.now();
		for (const stamp of stamps) expect(Date.parse(stamp)).toBeLessThanOrEqual(now + 1000);
	});
});
