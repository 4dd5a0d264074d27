// "Azure CNI Powered by Cilium": what `az aks update … --network-dataplane cilium` (or create with
// it) leaves in kube-system. AKS manages it: the cilium DaemonSet and a 2-replica cilium-operator,
// no cilium-envoy, no Hubble, no Helm release; the CRDs are there at once (the source document's
// `kubectl get crd` shows the 11 default ones). It cannot be undone (az.ts refuses).
import type {KubeObject, PracticeContext} from '../types.js';
import {registerCiliumCrds} from './operator.js';
import {compareMinor, minorOf} from '../versions.js';

/**
 * The Cilium AKS runs per Kubernetes minor, as its image tag. Two sources, the newer winning:
 * - the AKS release notes (github.com/Azure/AKS CHANGELOG.md, snapshot of 2026-08-07): release 2026-07-17 "Cilium, Hubble,
 *   and ACNS security agent images have been updated: Kubernetes 1.32 images to v1.17.17-260701, Kubernetes 1.34 images
 *   to v1.18.11-260622, Kubernetes 1.36 images to v1.19.5-260714"; 2026-06-19 "v1.16.19 for Kubernetes 1.31"; 2026-01-04
 *   "v1.18.2 … for AKS clusters of version >= 1.34" and 2026-05-29 "v1.19.3 … for Kubernetes 1.36+" (so 1.35 runs the
 *   1.34 images); 2026-04-28 "v1.17.10 for Kubernetes 1.32 and 1.33" (so 1.33 runs the 1.32 images).
 * - the "Versions" table of "Configure Azure CNI Powered by Cilium in AKS" (learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium,
 *   as mirrored at docs.azure.cn): 1.29 (LTS) and 1.30 → 1.14.19 (no newer note names them).
 * Kubernetes minors the table does not list take the nearest listed one below.
 */
const MANAGED_CILIUM_BY_KUBERNETES: Array<[minor: string, imageTag: string]> = [
	['1.29', '1.14.19'],
	['1.30', '1.14.19'],
	['1.31', '1.16.19'],
	['1.32', '1.17.17-260701'],
	['1.33', '1.17.17-260701'],
	['1.34', '1.18.11-260622'],
	['1.35', '1.18.11-260622'],
	['1.36', '1.19.5-260714'],
];

function managedCiliumTag(kubernetesVersion: string): string {
	const minor = minorOf(kubernetesVersion) ?? '1.30';
	let found = MANAGED_CILIUM_BY_KUBERNETES[0]![1];
	for (const [listed, cilium] of MANAGED_CILIUM_BY_KUBERNETES) if (compareMinor(listed, minor) <= 0) found = cilium;
	return found;
}

/** The Cilium version (without AKS's build suffix) AKS runs on a cluster of this Kubernetes version. */
export function managedCiliumVersion(kubernetesVersion: string): string {
	return managedCiliumTag(kubernetesVersion).split('-')[0]!;
}

export function managedImages(kubernetesVersion: string): {agent: string; operator: string; relay: string} {
	const version = managedCiliumTag(kubernetesVersion);
	return {
		agent: `mcr.microsoft.com/containernetworking/cilium/cilium:v${version}`,
		operator: `mcr.microsoft.com/containernetworking/cilium/operator-generic:v${version}`,
		relay: `mcr.microsoft.com/oss/cilium/hubble-relay:v${version}`,
	};
}


const managedBy = {'kubernetes.azure.com/managedby': 'aks', 'addonmanager.kubernetes.io/mode': 'Reconcile'};

export function managedCiliumObjects(kubernetesVersion: string): KubeObject[] {
	const images = managedImages(kubernetesVersion);
	const agentLabels = {'k8s-app': 'cilium', ...managedBy};
	const operatorLabels = {'io.cilium/app': 'operator', name: 'cilium-operator', ...managedBy};
	const podSpec = (serviceAccountName: string, container: Record<string, unknown>) => ({
		hostNetwork: true,
		serviceAccountName,
		priorityClassName: 'system-node-critical',
		nodeSelector: {'kubernetes.io/os': 'linux'},
		tolerations: [{operator: 'Exists'}],
		containers: [container],
	});
	return [
		{apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'cilium', namespace: 'kube-system', labels: managedBy}},
		{apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'cilium-operator', namespace: 'kube-system', labels: managedBy}},
		{
			apiVersion: 'v1',
			kind: 'ConfigMap',
			metadata: {name: 'cilium-config', namespace: 'kube-system', labels: managedBy},
			data: {
				'enable-policy': 'default',
				ipam: 'delegated-plugin',
				'routing-mode': 'native',
				'enable-l7-proxy': 'false',
				'enable-hubble': 'false',
				'kube-proxy-replacement': 'true',
				'identity-allocation-mode': 'crd',
				'cluster-name': 'default',
			},
		},
		{
			apiVersion: 'apps/v1',
			kind: 'DaemonSet',
			metadata: {name: 'cilium', namespace: 'kube-system', labels: agentLabels},
			spec: {
				selector: {matchLabels: {'k8s-app': 'cilium'}},
				updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1}},
				template: {metadata: {labels: agentLabels}, spec: podSpec('cilium', {name: 'cilium-agent', image: images.agent, command: ['cilium-agent']})},
			},
		},
		{
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: {name: 'cilium-operator', namespace: 'kube-system', labels: operatorLabels},
			spec: {
				replicas: 2,
				selector: {matchLabels: {'io.cilium/app': 'operator', name: 'cilium-operator'}},
				template: {metadata: {labels: operatorLabels}, spec: podSpec('cilium-operator', {name: 'cilium-operator', image: images.operator, command: ['cilium-operator-generic']})},
			},
		},
	];
}

/** `kubernetesVersion`: the AKS cluster's (it picks the Cilium version). */
export async function installManagedCilium(ctx: PracticeContext, kubernetesVersion: string): Promise<void> {
	registerCiliumCrds(ctx, {});
	for (const object of managedCiliumObjects(kubernetesVersion)) ctx.store.apply(object);
	// Cilium's eBPF service handling replaces kube-proxy (learn.microsoft.com/azure/aks/configure-kube-proxy): an
	// Azure dataplane cluster moved to Cilium loses its kube-proxy DaemonSet (a new one never had it).
	if (ctx.store.get('apps/v1', 'DaemonSet', 'kube-system', 'kube-proxy')) ctx.store.delete('apps/v1', 'DaemonSet', 'kube-system', 'kube-proxy');
}

/**
 * ACNS on the Cilium dataplane: AKS turns on Hubble in the agents and the L7 (DNS) proxy that FQDN filtering
 * needs, and runs hubble-relay (with the hubble-peer and hubble-relay services) in kube-system. No hubble-ui.
 */
export function enableManagedAcns(ctx: PracticeContext, kubernetesVersion: string): void {
	const config = ctx.store.get('v1', 'ConfigMap', 'kube-system', 'cilium-config');
	if (config) {
		const data = {...((config as {data?: Record<string, string>}).data ?? {}), 'enable-hubble': 'true', 'enable-l7-proxy': 'true', 'hubble-listen-address': ':4244'};
		ctx.store.apply({...config, data} as KubeObject);
	}
	const relayLabels = {'k8s-app': 'hubble-relay', ...managedBy};
	const managedRelayImage = managedImages(kubernetesVersion).relay;
	const objects: KubeObject[] = [
		{apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'hubble-relay', namespace: 'kube-system', labels: managedBy}},
		{
			apiVersion: 'v1',
			kind: 'Service',
			metadata: {name: 'hubble-peer', namespace: 'kube-system', labels: {'k8s-app': 'cilium', ...managedBy}},
			spec: {selector: {'k8s-app': 'cilium'}, internalTrafficPolicy: 'Local', ports: [{name: 'peer-service', protocol: 'TCP', port: 443, targetPort: 4244}]},
		},
		{
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: {name: 'hubble-relay', namespace: 'kube-system', labels: relayLabels},
			spec: {
				replicas: 1,
				selector: {matchLabels: {'k8s-app': 'hubble-relay'}},
				template: {
					metadata: {labels: relayLabels},
					spec: {
						serviceAccountName: 'hubble-relay',
						nodeSelector: {'kubernetes.io/os': 'linux'},
						containers: [{name: 'hubble-relay', image: managedRelayImage, command: ['hubble-relay'], args: ['serve'], ports: [{name: 'grpc', containerPort: 4245, protocol: 'TCP'}]}],
					},
				},
			},
		},
		{
			apiVersion: 'v1',
			kind: 'Service',
			metadata: {name: 'hubble-relay', namespace: 'kube-system', labels: relayLabels},
			spec: {selector: {'k8s-app': 'hubble-relay'}, ports: [{protocol: 'TCP', port: 443, targetPort: 4245}]},
		},
	];
	for (const object of objects) ctx.store.apply(object);
}
