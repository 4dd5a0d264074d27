// Conformance table: what kube-system holds on each track's cluster (instant speed), probed with the real kubectl.
// Sources (see src/practice/daemon/system-pods.ts): AKS's add-ons as AKS lists them (Azure/AKS#1360's pod list;
// learn.microsoft.com/azure/aks coredns-custom, configure-kube-proxy: Azure CNI Powered by Cilium replaces kube-proxy;
// azure-cni-overlay: azure-cns and azure-ip-masq-agent; use-byo-cni: BYOCNI has no AKS CNI parts), the upstream
// manifests AKS deploys (cloud-provider-azure cloud-node-manager, azuredisk-/azurefile-csi-driver csi-*-node), the
// image tags of the Azure/AKS CHANGELOG (releases 2024-10-06 and 2024-10-25, Kubernetes 1.30), and kubeadm's addons
// (cmd/kubeadm/app/phases/addons: k8s-app=kube-dns, k8s-app=kube-proxy) for the k8s track, which is not AKS.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TestPractice} from '../../helpers/practice.js';

const aks = new TestPractice({homePrefix: 'cilium-lab-conformance-aks-system-', speed: 'instant'});
const generic = new TestPractice({homePrefix: 'cilium-lab-conformance-k8s-system-', speed: 'instant', track: 'k8s'});

async function az(...args: string[]): Promise<void> {
	const result = await aks.run('az', args);
	if (result.code !== 0) throw new Error(`az ${args.join(' ')} failed: ${result.stderr}`);
}

async function createCluster(name: string, ...network: string[]): Promise<void> {
	await az('aks', 'create', '--resource-group', 'rg', '--name', name, '--node-count', '2', '--generate-ssh-keys', ...network);
	await az('aks', 'get-credentials', '--resource-group', 'rg', '--name', name, '--overwrite-existing');
}

/** `kubectl get ds,deploy -n kube-system` as KIND/NAME rows, sorted. */
async function workloads(practice: TestPractice): Promise<string[]> {
	const result = await practice.run('kubectl', ['-n', 'kube-system', 'get', 'ds,deploy', '-o', 'jsonpath={range .items[*]}{.kind}/{.metadata.name}{"\\n"}{end}']);
	expect(result.code, result.stderr).toBe(0);
	return result.stdout.split('\n').filter(Boolean).sort();
}

const AKS_COMMON = [
	'DaemonSet/cloud-node-manager',
	'DaemonSet/csi-azuredisk-node',
	'DaemonSet/csi-azurefile-node',
	'Deployment/coredns',
	'Deployment/coredns-autoscaler',
	'Deployment/konnectivity-agent',
	'Deployment/konnectivity-agent-autoscaler',
	'Deployment/metrics-server',
];

beforeAll(async () => {
	await Promise.all([aks.start(), generic.start()]);
	await az('login');
	await az('group', 'create', '--name', 'rg', '--location', 'koreacentral');
}, 120_000);

afterAll(() => Promise.all([aks.stop(), generic.stop()]));

describe('aks-byocni: az aks create --network-plugin none', () => {
	let byocni: string[] = [];
	beforeAll(async () => {
		await createCluster('byocni', '--network-plugin', 'none');
		byocni = await workloads(aks);
	}, 60_000);

	it('kube-system has AKS\'s add-ons and kube-proxy, and no azure-cns or azure-ip-masq-agent (AKS runs no CNI of its own)', () => {
		expect(byocni).toEqual([...AKS_COMMON, 'DaemonSet/kube-proxy'].sort());
	});

	it('node add-ons are DaemonSets that run on the NotReady nodes (host network, every taint tolerated), one pod per node', async () => {
		const rows = await aks.run('kubectl', ['-n', 'kube-system', 'get', 'ds', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.template.spec.hostNetwork} {.status.desiredNumberScheduled}{"\\n"}{end}']);
		for (const row of rows.stdout.split('\n')) expect(row).toMatch(/^\S+ true 2$/);
		const csi = await aks.run('kubectl', ['-n', 'kube-system', 'get', 'pods', '-l', 'app=csi-azuredisk-node', '-o', 'jsonpath={range .items[0].spec.containers[*]}{.name}={.image}{"\\n"}{end}']);
		expect(csi.stdout.split('\n')).toEqual([
			'liveness-probe=mcr.microsoft.com/oss/kubernetes-csi/livenessprobe:v2.13.1',
			'node-driver-registrar=mcr.microsoft.com/oss/kubernetes-csi/csi-node-driver-registrar:v2.11.1',
			'azuredisk=mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi:v1.30.5',
		]);
	});

	it('their labels: k8s-app=kube-dns (coredns, version=v20), k8s-app=cloud-node-manager, app=csi-azurefile-node, app=konnectivity-agent, component=kube-proxy', async () => {
		const count = async (selector: string) => (await aks.run('kubectl', ['-n', 'kube-system', 'get', 'pods', '-l', selector, '--no-headers'])).stdout.split('\n').filter(Boolean).length;
		expect(await count('k8s-app=kube-dns,version=v20')).toBe(2);
		expect(await count('k8s-app=cloud-node-manager')).toBe(2);
		expect(await count('app=csi-azurefile-node')).toBe(2);
		expect(await count('app=konnectivity-agent')).toBe(2);
		expect(await count('k8s-app=coredns-autoscaler')).toBe(1);
		expect(await count('component=kube-proxy,tier=node')).toBe(2);
	});

	it('images come from mcr.microsoft.com with the tags AKS shipped for 1.30 (kube-proxy at the cluster\'s version)', async () => {
		const images = (await aks.run('kubectl', ['-n', 'kube-system', 'get', 'ds,deploy', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.template.spec.containers[-1:].image}{"\\n"}{end}'])).stdout.split('\n');
		const version = (await aks.run('kubectl', ['get', 'nodes', '-o', 'jsonpath={.items[0].status.nodeInfo.kubeletVersion}'])).stdout;
		expect(images).toContain('cloud-node-manager=mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager:v1.30.7');
		expect(images).toContain('csi-azurefile-node=mcr.microsoft.com/oss/kubernetes-csi/azurefile-csi:v1.30.6');
		expect(images).toContain('konnectivity-agent=mcr.microsoft.com/oss/kubernetes/apiserver-network-proxy/agent:v0.30.3-hotfix.20240819');
		expect(images).toContain(`kube-proxy=mcr.microsoft.com/oss/kubernetes/kube-proxy:${version}`);
		for (const image of images) expect(image).toMatch(/=mcr\.microsoft\.com\//);
	});

	it('before Cilium, pods that need a pod network wait (coredns, konnectivity-agent) while the host-network DaemonSets run', async () => {
		const phases = (await aks.run('kubectl', ['-n', 'kube-system', 'get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.labels.app}{.metadata.labels.k8s-app}{.metadata.labels.component} {.status.phase}{"\\n"}{end}'])).stdout.split('\n');
		expect(phases.filter((row) => row.startsWith('kube-dns ') || row.startsWith('konnectivity-agenttunnel '))).toEqual(Array.from({length: 4}, () => expect.stringMatching(/ Pending$/)));
		expect(phases.filter((row) => row.startsWith('cloud-node-manager') || row.startsWith('csi-azuredisk-node'))).toEqual(Array.from({length: 4}, () => expect.stringMatching(/ Running$/)));
	});

	afterAll(async () => {
		await az('aks', 'delete', '--resource-group', 'rg', '--name', 'byocni', '--yes');
	}, 60_000);
});

describe('aks-managed: az aks create --network-plugin azure --network-plugin-mode overlay --network-dataplane cilium', () => {
	it('kube-system has AKS\'s add-ons, azure-cns and azure-ip-masq-agent, the managed Cilium, and no kube-proxy (Cilium replaces it)', async () => {
		await createCluster('managed', '--network-plugin', 'azure', '--network-plugin-mode', 'overlay', '--network-dataplane', 'cilium');
		const names = await workloads(aks);
		expect(names).toEqual(expect.arrayContaining([...AKS_COMMON, 'DaemonSet/azure-cns', 'DaemonSet/azure-ip-masq-agent', 'DaemonSet/cilium', 'Deployment/cilium-operator']));
		expect(names).not.toContain('DaemonSet/kube-proxy');
	}, 60_000);

	it('an Azure dataplane cluster keeps kube-proxy until az aks update --network-dataplane cilium removes it', async () => {
		await az('aks', 'delete', '--resource-group', 'rg', '--name', 'managed', '--yes');
		await createCluster('azcni', '--network-plugin', 'azure', '--network-plugin-mode', 'overlay');
		expect(await workloads(aks)).toEqual([...AKS_COMMON, 'DaemonSet/azure-cns', 'DaemonSet/azure-ip-masq-agent', 'DaemonSet/kube-proxy'].sort());
		await az('aks', 'update', '--resource-group', 'rg', '--name', 'azcni', '--network-dataplane', 'cilium');
		const after = await workloads(aks);
		expect(after).toContain('DaemonSet/cilium');
		expect(after).not.toContain('DaemonSet/kube-proxy');
	}, 60_000);
});

describe('k8s: the ready-made cluster of the k8s track is not AKS', () => {
	it('kube-system has kubeadm\'s addons (the coredns Deployment, the kube-proxy DaemonSet) and metrics-server for kubectl top, nothing of AKS (k8s-app labels, registry.k8s.io images)', async () => {
		expect(await workloads(generic)).toEqual(['DaemonSet/kube-proxy', 'Deployment/coredns', 'Deployment/metrics-server']);
		const images = await generic.run('kubectl', ['-n', 'kube-system', 'get', 'ds,deploy', '-o', 'jsonpath={range .items[*]}{.spec.selector.matchLabels.k8s-app}={.spec.template.spec.containers[0].image}{"\\n"}{end}']);
		const version = (await generic.run('kubectl', ['version', '-o', 'json'])).stdout;
		const server = (JSON.parse(version) as {serverVersion: {gitVersion: string}}).serverVersion.gitVersion;
		expect(images.stdout.split('\n')).toEqual([`kube-proxy=registry.k8s.io/kube-proxy:${server}`, 'kube-dns=registry.k8s.io/coredns/coredns:v1.11.1', 'metrics-server=registry.k8s.io/metrics-server/metrics-server:v0.7.2']);
	});
});
