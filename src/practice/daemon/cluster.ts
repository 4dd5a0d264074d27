// The cluster's lifetime inside the daemon: what exists right after `az aks create` (or the k8s
// track's ready-made cluster), the API listener that is up only while a cluster exists, and the
// kubeconfig that reaches it.
import fs from 'node:fs';
import {createHash} from 'node:crypto';
import type {ClusterLifecycle, KubeObject} from '../types.js';
import type {PracticeStore} from '../api/store.js';
import {KUBERNETES_VERSION} from '../api/discovery.js';
import {writeFileAtomic} from '../../atomic-write.js';
import {cniAnnotation, nodeConditions} from '../controllers/nodes.js';
import {systemObjects} from './system-pods.js';

export interface ClusterRecord {
	name: string;
	nodeCount: number;
	/** The CNI the nodes have from the start; `none` waits for Cilium. */
	cni?: 'none' | 'azure' | 'kubenet';
	/** Azure CNI's dataplane (cilium: no kube-proxy). */
	dataplane?: 'azure' | 'cilium';
	/** aks (az aks create; the default) or k8s (the k8s track's cluster, which is not AKS: kubeadm's addons only). */
	platform?: 'aks' | 'k8s';
	location: string;
	kubernetesVersion: string;
	createdAt: string;
}

export const CLUSTER_SECTION = 'practice.cluster';

export interface LifecycleHooks {
	store: PracticeStore;
	/** Opens the API listener (on the port it had, if it can) and returns the port. */
	openApi(): Promise<number>;
	closeApi(): Promise<void>;
	apiPort(): number | undefined;
	caPem: string;
	token: string;
	/** Where `az aks get-credentials` and the k8s track write the kubeconfig. */
	kubeconfigPath: string;
	onChange(): void;
}

export function nodeNames(clusterName: string, count: number): string[] {
	const digits = String(parseInt(createHash('sha256').update(clusterName).digest('hex').slice(0, 8), 16) % 100_000_000).padStart(8, '0');
	return Array.from({length: count}, (_, index) => `aks-nodepool1-${digits}-vmss${String(index).padStart(6, '0')}`);
}

/** The Node object of an AKS node pool's VM as the kubelet registers it (NotReady until its CNI is). */
export function node(name: string, index: number, record: ClusterRecord, now: string): KubeObject {
	const ip = `10.224.0.${4 + index}`;
	return {
		apiVersion: 'v1',
		kind: 'Node',
		metadata: {
			name,
			labels: {
				agentpool: 'nodepool1',
				'beta.kubernetes.io/arch': 'amd64',
				'beta.kubernetes.io/instance-type': 'Standard_DS2_v2',
				'beta.kubernetes.io/os': 'linux',
				'kubernetes.azure.com/agentpool': 'nodepool1',
				'kubernetes.azure.com/cluster': `MC_${record.name}`,
				'kubernetes.azure.com/mode': 'system',
				'kubernetes.io/arch': 'amd64',
				'kubernetes.io/hostname': name,
				'kubernetes.io/os': 'linux',
				'kubernetes.io/role': 'agent',
				'node-role.kubernetes.io/agent': '',
				'node.kubernetes.io/instance-type': 'Standard_DS2_v2',
				'topology.kubernetes.io/region': record.location,
				'topology.kubernetes.io/zone': '0',
			},
			annotations: {[cniAnnotation]: record.cni ?? 'none', 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true'},
		},
		spec: {
			// AKS allocates node pod CIDRs from --pod-cidr (10.244.0.0/16) for kubenet and Azure CNI overlay; with BYOCNI
			// (network-plugin none) it allocates none: the CNI's own IPAM does (learn.microsoft.com/azure/aks/use-byo-cni).
			...(record.cni === 'none' || record.cni === undefined ? {} : {podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`]}),
			providerID: `azure:///subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mc_${record.name}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-vmss/virtualMachines/${index}`,
			taints: [{key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule'}],
		},
		status: {
			capacity: {cpu: '2', 'ephemeral-storage': '129886128Ki', memory: '7097684Ki', pods: '110'},
			allocatable: {cpu: '1900m', 'ephemeral-storage': '119703055367', memory: '5160276Ki', pods: '110'},
			conditions: nodeConditions(false, Date.parse(now)),
			addresses: [
				{type: 'InternalIP', address: ip},
				{type: 'Hostname', address: name},
			],
			daemonEndpoints: {kubeletEndpoint: {Port: 10250}},
			nodeInfo: {
				architecture: 'amd64',
				bootID: createHash('md5').update(`${name}-boot`).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/, '$1-$2-$3-$4-$5'),
				containerRuntimeVersion: 'containerd://1.7.22-1',
				kernelVersion: '5.15.0-1074-azure',
				kubeProxyVersion: record.kubernetesVersion,
				kubeletVersion: record.kubernetesVersion,
				machineID: createHash('md5').update(`${name}-machine`).digest('hex'),
				operatingSystem: 'linux',
				osImage: 'Ubuntu 22.04.5 LTS',
				systemUUID: createHash('md5').update(`${name}-system`).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/, '$1-$2-$3-$4-$5'),
			},
		},
	};
}

/** What every fresh cluster has: the system namespaces, the kubernetes and kube-dns Services, kube-system's workloads (system-pods.ts), the nodes. */
export function bootstrapObjects(record: ClusterRecord, now: string): KubeObject[] {
	const objects: KubeObject[] = ['default', 'kube-node-lease', 'kube-public', 'kube-system'].map((name) => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name}}));
	objects.push(
		{
			apiVersion: 'v1',
			kind: 'Service',
			metadata: {name: 'kubernetes', namespace: 'default', labels: {component: 'apiserver', provider: 'kubernetes'}},
			spec: {type: 'ClusterIP', clusterIP: '10.0.0.1', ports: [{name: 'https', port: 443, protocol: 'TCP', targetPort: 443}], sessionAffinity: 'None'},
		},
		{
			apiVersion: 'v1',
			kind: 'Endpoints',
			metadata: {name: 'kubernetes', namespace: 'default', labels: {'endpointslice.kubernetes.io/skip-mirror': 'true'}},
			subsets: [{addresses: [{ip: '10.224.0.200'}], ports: [{name: 'https', port: 443, protocol: 'TCP'}]}],
		},
		{
			apiVersion: 'v1',
			kind: 'Service',
			metadata: {name: 'kube-dns', namespace: 'kube-system', labels: {'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS'}},
			spec: {
				type: 'ClusterIP',
				clusterIP: '10.0.0.10',
				selector: {'k8s-app': 'kube-dns'},
				ports: [
					{name: 'dns', port: 53, protocol: 'UDP', targetPort: 53},
					{name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53},
				],
			},
		}
	);
	objects.push(...systemObjects({platform: record.platform ?? 'aks', cni: record.cni ?? 'none', dataplane: record.dataplane, kubernetesVersion: record.kubernetesVersion}));
	objects.push(...metricsServerObjects(record.platform ?? 'aks'));
	nodeNames(record.name, record.nodeCount).forEach((name, index) => objects.push(node(name, index, record, now)));
	return objects;
}

export function kubeconfigText(options: {contextName: string; port: number; caPem: string; token: string}): string {
	const {contextName, port, caPem, token} = options;
	const caData = Buffer.from(caPem).toString('base64');
	return [
		'apiVersion: v1',
		'kind: Config',
		'clusters:',
		'- cluster:',
		`    certificate-authority-data: ${caData}`,
		`    server: https://127.0.0.1:${port}`,
		`  name: ${contextName}`,
		'contexts:',
		'- context:',
		`    cluster: ${contextName}`,
		`    user: clusterUser_${contextName}`,
		`  name: ${contextName}`,
		`current-context: ${contextName}`,
		'preferences: {}',
		'users:',
		`- name: clusterUser_${contextName}`,
		'  user:',
		`    token: ${token}`,
		'',
	].join('\n');
}

/** Points an existing practice kubeconfig at a new API port (after a restart found the old one taken). */
export function repointKubeconfig(file: string, port: number): void {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch {
		return;
	}
	const updated = text.replace(/server: https:\/\/127\.0\.0\.1:\d+/g, `server: https://127.0.0.1:${port}`);
	if (updated !== text) writeFileAtomic(file, updated);
}

export function createLifecycle(hooks: LifecycleHooks): ClusterLifecycle & {record(): ClusterRecord | undefined} {
	const {store} = hooks;
	const record = () => store.sections.read<ClusterRecord | null>(CLUSTER_SECTION, null) ?? undefined;
	return {
		record,
		exists: () => record() !== undefined && hooks.apiPort() !== undefined,
		async create(options) {
			if (record()) throw new Error(`a cluster (${record()!.name}) already exists in the practice daemon`);
			const created: ClusterRecord = {
				name: options.name,
				nodeCount: options.nodeCount,
				cni: options.cni ?? 'none',
				...(options.dataplane ? {dataplane: options.dataplane} : {}),
				...(options.platform ? {platform: options.platform} : {}),
				location: options.location ?? 'koreacentral',
				kubernetesVersion: options.kubernetesVersion ? `v${options.kubernetesVersion.replace(/^v/, '')}` : KUBERNETES_VERSION.gitVersion,
				createdAt: new Date().toISOString(),
			};
			const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
			for (const object of bootstrapObjects(created, now)) store.apply(object);
			store.sections.write(CLUSTER_SECTION, created);
			await hooks.openApi();
			hooks.onChange();
		},
		async remove() {
			await hooks.closeApi();
			store.removeAll();
			store.sections.write(CLUSTER_SECTION, null);
			hooks.onChange();
		},
		kubeconfig(contextName) {
			const port = hooks.apiPort();
			if (port === undefined) throw new Error('no cluster exists in the practice daemon');
			return kubeconfigText({contextName, port, caPem: hooks.caPem, token: hooks.token});
		},
	};
}

/**
 * AKS's metrics-server add-on (always on): its Deployment and Service in kube-system and the APIService that puts
 * metrics.k8s.io/v1beta1 behind it (kubernetes-sigs/metrics-server manifests/base). The API itself is served by the
 * practice API server (api/metrics.ts) while a metrics-server pod is Ready.
 */
function metricsServerObjects(platform: string): KubeObject[] {
	const labels = {'k8s-app': 'metrics-server'};
	return [
		{
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: {name: 'metrics-server', namespace: 'kube-system', labels: {...labels, 'kubernetes.io/cluster-service': 'true', 'addonmanager.kubernetes.io/mode': 'Reconcile'}},
			spec: {
				replicas: 2,
				selector: {matchLabels: labels},
				template: {
					metadata: {labels},
					spec: {
						priorityClassName: 'system-cluster-critical',
						serviceAccountName: 'metrics-server',
						containers: [
							{
								name: 'metrics-server',
								// AKS pulls its own build from MCR; elsewhere the project's image (metrics-server manifests/base).
								image: platform === 'k8s' ? 'registry.k8s.io/metrics-server/metrics-server:v0.7.2' : 'mcr.microsoft.com/oss/kubernetes/metrics-server:v0.7.2',
								args: ['--kubelet-insecure-tls', '--kubelet-preferred-address-types=InternalIP', '--cert-dir=/tmp', '--secure-port=4443', '--metric-resolution=15s'],
								ports: [{name: 'https', containerPort: 4443, protocol: 'TCP'}],
							},
						],
					},
				},
			},
		},
		{
			apiVersion: 'v1',
			kind: 'Service',
			metadata: {name: 'metrics-server', namespace: 'kube-system', labels: {...labels, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'Metrics-server'}},
			spec: {type: 'ClusterIP', selector: labels, ports: [{name: 'https', port: 443, protocol: 'TCP', targetPort: 'https'}]},
		},
		{
			apiVersion: 'apiregistration.k8s.io/v1',
			kind: 'APIService',
			metadata: {name: 'v1beta1.metrics.k8s.io', labels},
			spec: {service: {name: 'metrics-server', namespace: 'kube-system', port: 443}, group: 'metrics.k8s.io', version: 'v1beta1', insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 100},
		},
	];
}
