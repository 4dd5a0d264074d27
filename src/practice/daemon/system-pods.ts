// What runs in kube-system before anyone installs anything: AKS's managed add-ons on an AKS cluster (by its network
// profile), or what every kubeadm-style cluster has on the k8s track (which is not AKS). Cilium, hubble and
// metrics-server come from elsewhere (the chart, the managed Cilium, the metrics model).
//
// Sources. Names, owner kinds and labels: `kubectl get ds,deploy -n kube-system --show-labels` on AKS as the AKS
// docs and issues show it (Azure/AKS#1360's pod list; learn.microsoft.com/azure/aks/coredns-custom: coredns and
// coredns-autoscaler, k8s-app=kube-dns; configure-kube-proxy: the kube-proxy DaemonSet, component=kube-proxy, and
// that Azure CNI Powered by Cilium replaces it; azure-cni-overlay: azure-cns and azure-ip-masq-agent; use-byo-cni:
// with --network-plugin none AKS runs no CNI, CNS or IP masquerade agent) and the upstream manifests AKS deploys
// (kubernetes-sigs/cloud-provider-azure cloud-node-manager: k8s-app=cloud-node-manager; azuredisk-csi-driver and
// azurefile-csi-driver csi-*-node: app=csi-*-node, containers liveness-probe, node-driver-registrar, the driver).
// Image tags: the Azure/AKS CHANGELOG releases of 2024-10-06 and 2024-10-25 for Kubernetes 1.30 (cloud-provider-azure
// v1.30.7, Azure Disk CSI v1.30.5, Azure File CSI v1.30.6, ip-masq-agent-v2 v0.1.14, konnectivity-agent
// v0.30.3-hotfix.20240819, CNS v1.6.7). The k8s track: kubeadm's addons (k8s-app=kube-dns and k8s-app=kube-proxy,
// registry.k8s.io images; kubeadm v1.30 pins CoreDNS v1.11.1).
import type {KubeObject} from '../types.js';

export type SystemPlatform = 'aks' | 'k8s';

export interface SystemShape {
	platform: SystemPlatform;
	/** The CNI the nodes start with: none (BYOCNI / the k8s track), azure (Azure CNI, overlay or not), kubenet. */
	cni: 'none' | 'azure' | 'kubenet';
	/** Azure CNI's dataplane: cilium replaces kube-proxy. */
	dataplane?: 'azure' | 'cilium';
	kubernetesVersion: string;
}

const ADDON = {'addonmanager.kubernetes.io/mode': 'Reconcile', 'kubernetes.io/cluster-service': 'true'};
/** What AKS's node DaemonSets tolerate: every taint, so they run on NotReady (BYOCNI) nodes too. */
const TOLERATE_ALL = [{operator: 'Exists'}];
const LINUX = {'kubernetes.io/os': 'linux'};

export const AKS_SYSTEM_IMAGES = {
	coredns: 'mcr.microsoft.com/oss/kubernetes/coredns:v1.9.4-hotfix.20240704',
	proportionalAutoscaler: 'mcr.microsoft.com/oss/kubernetes/autoscaler/cluster-proportional-autoscaler:v1.8.11',
	konnectivityAgent: 'mcr.microsoft.com/oss/kubernetes/apiserver-network-proxy/agent:v0.30.3-hotfix.20240819',
	cloudNodeManager: 'mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager:v1.30.7',
	azureDisk: 'mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi:v1.30.5',
	azureFile: 'mcr.microsoft.com/oss/kubernetes-csi/azurefile-csi:v1.30.6',
	livenessProbe: 'mcr.microsoft.com/oss/kubernetes-csi/livenessprobe:v2.13.1',
	nodeDriverRegistrar: 'mcr.microsoft.com/oss/kubernetes-csi/csi-node-driver-registrar:v2.11.1',
	ipMasqAgent: 'mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.14',
	azureCns: 'mcr.microsoft.com/containernetworking/azure-cns:v1.6.7',
};

export const aksKubeProxyImage = (kubernetesVersion: string) => `mcr.microsoft.com/oss/kubernetes/kube-proxy:${kubernetesVersion}`;

interface Container {
	name: string;
	image: string;
	command?: string[];
	args?: string[];
	ports?: Array<Record<string, unknown>>;
}

function daemonSet(name: string, labels: Record<string, string>, selector: Record<string, string>, containers: Container[], extra: Record<string, unknown> = {}): KubeObject {
	return {
		apiVersion: 'apps/v1',
		kind: 'DaemonSet',
		metadata: {name, namespace: 'kube-system', labels},
		spec: {
			selector: {matchLabels: selector},
			updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1, maxSurge: 0}},
			template: {
				metadata: {labels: selector},
				spec: {hostNetwork: true, priorityClassName: 'system-node-critical', nodeSelector: LINUX, tolerations: TOLERATE_ALL, containers, ...extra},
			},
		},
	};
}

function deployment(name: string, replicas: number, labels: Record<string, string>, selector: Record<string, string>, podLabels: Record<string, string>, containers: Container[], serviceAccountName: string): KubeObject {
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {name, namespace: 'kube-system', labels},
		spec: {
			replicas,
			selector: {matchLabels: selector},
			template: {
				metadata: {labels: podLabels},
				spec: {priorityClassName: 'system-cluster-critical', serviceAccountName, nodeSelector: LINUX, tolerations: [{key: 'CriticalAddonsOnly', operator: 'Exists'}], containers},
			},
		},
	};
}

const serviceAccount = (name: string, labels: Record<string, string> = ADDON): KubeObject => ({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name, namespace: 'kube-system', labels}});

const dnsPorts = [
	{name: 'dns', containerPort: 53, protocol: 'UDP'},
	{name: 'dns-tcp', containerPort: 53, protocol: 'TCP'},
	{name: 'metrics', containerPort: 9153, protocol: 'TCP'},
];

function csiNode(driver: 'azuredisk' | 'azurefile', image: string): KubeObject {
	const name = `csi-${driver}-node`;
	const endpoint = `unix:///csi/csi.sock`;
	return daemonSet(name, ADDON, {app: name}, [
		{name: 'liveness-probe', image: AKS_SYSTEM_IMAGES.livenessProbe, args: ['--csi-address=/csi/csi.sock', `--probe-timeout=3s`, `--http-endpoint=localhost:${driver === 'azuredisk' ? 29603 : 29613}`, '--v=2']},
		{name: 'node-driver-registrar', image: AKS_SYSTEM_IMAGES.nodeDriverRegistrar, args: ['--csi-address=$(ADDRESS)', '--kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)', '--v=2']},
		{name: driver, image, args: ['--v=5', `--endpoint=${endpoint}`, '--nodeid=$(KUBE_NODE_NAME)', '--metrics-address=0.0.0.0:29605']},
	], {serviceAccountName: `csi-${driver}-node-sa`});
}

/** The objects AKS (or kubeadm, on the k8s track) puts in kube-system at cluster creation. */
export function systemObjects(shape: SystemShape): KubeObject[] {
	if (shape.platform === 'k8s') return kubeadmObjects(shape.kubernetesVersion);
	const objects: KubeObject[] = [
		serviceAccount('coredns'),
		deployment(
			'coredns',
			2,
			{...ADDON, 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS', version: 'v20'},
			{'k8s-app': 'kube-dns', version: 'v20'},
			{'k8s-app': 'kube-dns', 'kubernetes.azure.com/managedby': 'aks', 'kubernetes.io/cluster-service': 'true', version: 'v20'},
			[{name: 'coredns', image: AKS_SYSTEM_IMAGES.coredns, args: ['-conf', '/etc/coredns/Corefile'], ports: dnsPorts}],
			'coredns',
		),
		serviceAccount('coredns-autoscaler'),
		deployment(
			'coredns-autoscaler',
			1,
			{...ADDON, 'k8s-app': 'coredns-autoscaler'},
			{'k8s-app': 'coredns-autoscaler'},
			{'k8s-app': 'coredns-autoscaler', 'kubernetes.azure.com/managedby': 'aks'},
			[{name: 'autoscaler', image: AKS_SYSTEM_IMAGES.proportionalAutoscaler, command: ['/cluster-proportional-autoscaler', '--namespace=kube-system', '--configmap=coredns-autoscaler', '--target=deployment/coredns', '--default-params={"linear":{"coresPerReplica":512,"nodesPerReplica":8,"min":2,"preventSinglePointFailure":true}}', '--logtostderr=true', '--v=2']}],
			'coredns-autoscaler',
		),
		serviceAccount('konnectivity-agent'),
		deployment(
			'konnectivity-agent',
			2,
			{...ADDON, app: 'konnectivity-agent', component: 'tunnel'},
			{app: 'konnectivity-agent'},
			{app: 'konnectivity-agent', component: 'tunnel', 'kubernetes.azure.com/managedby': 'aks'},
			[{name: 'konnectivity-agent', image: AKS_SYSTEM_IMAGES.konnectivityAgent, command: ['/proxy-agent'], args: ['--logtostderr=true', '--ca-cert=/certs/ca.crt', '--proxy-server-port=443', '--service-account-token-path=/var/run/secrets/tokens/konnectivity-agent-token', '--agent-identifiers=default-route=true', '--health-server-port=8082']}],
			'konnectivity-agent',
		),
		deployment(
			'konnectivity-agent-autoscaler',
			1,
			{...ADDON, app: 'konnectivity-agent-autoscaler'},
			{app: 'konnectivity-agent-autoscaler'},
			{app: 'konnectivity-agent-autoscaler', 'kubernetes.azure.com/managedby': 'aks'},
			[{name: 'autoscaler', image: AKS_SYSTEM_IMAGES.proportionalAutoscaler, command: ['/cluster-proportional-autoscaler', '--namespace=kube-system', '--configmap=konnectivity-agent-autoscaler', '--target=deployment/konnectivity-agent', '--logtostderr=true', '--v=2']}],
			'konnectivity-agent',
		),
		serviceAccount('cloud-node-manager'),
		daemonSet('cloud-node-manager', {...ADDON, component: 'cloud-node-manager'}, {'k8s-app': 'cloud-node-manager'}, [
			{name: 'cloud-node-manager', image: AKS_SYSTEM_IMAGES.cloudNodeManager, command: ['cloud-node-manager', '--node-name=$(NODE_NAME)', '--wait-routes=false']},
		], {serviceAccountName: 'cloud-node-manager'}),
		serviceAccount('csi-azuredisk-node-sa'),
		csiNode('azuredisk', AKS_SYSTEM_IMAGES.azureDisk),
		serviceAccount('csi-azurefile-node-sa'),
		csiNode('azurefile', AKS_SYSTEM_IMAGES.azureFile),
	];
	// Azure CNI Powered by Cilium: Cilium's eBPF service handling replaces kube-proxy (configure-kube-proxy).
	if (shape.dataplane !== 'cilium') objects.push(aksKubeProxy(shape.kubernetesVersion));
	// AKS's own CNI needs its IP masquerade agent (kubenet, Azure CNI) and CNS (Azure CNI); BYOCNI has neither.
	if (shape.cni !== 'none') {
		objects.push(
			daemonSet('azure-ip-masq-agent', {...ADDON, 'k8s-app': 'azure-ip-masq-agent', tier: 'node'}, {'k8s-app': 'azure-ip-masq-agent', tier: 'node'}, [
				{name: 'azure-ip-masq-agent', image: AKS_SYSTEM_IMAGES.ipMasqAgent, args: ['--v=2', '--resync-interval=60']},
			]),
		);
	}
	if (shape.cni === 'azure') {
		objects.push(
			serviceAccount('azure-cns'),
			daemonSet('azure-cns', {...ADDON, 'k8s-app': 'azure-cns'}, {'k8s-app': 'azure-cns'}, [
				{name: 'cns-container', image: AKS_SYSTEM_IMAGES.azureCns, args: ['-c', 'tcp://$(CNSIpAddress):$(CNSPort)', '-t', '$(CNSLogTarget)', '-o', '$(CNSLogDir)'], ports: [{containerPort: 10090, name: 'api'}]},
			], {serviceAccountName: 'azure-cns'}),
		);
	}
	return objects;
}

export function aksKubeProxy(kubernetesVersion: string): KubeObject {
	return daemonSet('kube-proxy', {...ADDON, component: 'kube-proxy', tier: 'node'}, {component: 'kube-proxy', tier: 'node'}, [
		{name: 'kube-proxy', image: aksKubeProxyImage(kubernetesVersion), command: ['kube-proxy', '--conntrack-max-per-core=0', '--metrics-bind-address=0.0.0.0:10249', '--cluster-cidr=10.244.0.0/16', '--detect-local-mode=ClusterCIDR', '--pod-interface-name-prefix=', '--v=3']},
	]);
}

/** kubeadm's addons (cmd/kubeadm/app/phases/addons): the CoreDNS Deployment and the kube-proxy DaemonSet. */
function kubeadmObjects(kubernetesVersion: string): KubeObject[] {
	const coredns = deployment(
		'coredns',
		2,
		{'k8s-app': 'kube-dns'},
		{'k8s-app': 'kube-dns'},
		{'k8s-app': 'kube-dns'},
		[{name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1', args: ['-conf', '/etc/coredns/Corefile'], ports: dnsPorts}],
		'coredns',
	);
	const kubeProxy = daemonSet('kube-proxy', {'k8s-app': 'kube-proxy'}, {'k8s-app': 'kube-proxy'}, [
		{name: 'kube-proxy', image: `registry.k8s.io/kube-proxy:${kubernetesVersion}`, command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)']},
	], {serviceAccountName: 'kube-proxy'});
	return [serviceAccount('coredns', {}), coredns, serviceAccount('kube-proxy', {}), kubeProxy];
}
