// "Azure CNI Powered by Cilium": what `az aks update … --network-dataplane cilium` (or create with
// it) leaves in kube-system. AKS manages it: the cilium DaemonSet and a 2-replica cilium-operator,
// no cilium-envoy, no Hubble, no Helm release; the CRDs are there at once (the source document's
// `kubectl get crd` shows the 11 default ones). It cannot be undone (az.ts refuses).
import type {KubeObject, PracticeContext} from '../types.js';
import {registerCiliumCrds} from './operator.js';

// AKS ships its own build; the exact tag depends on the Kubernetes version (not confirmed here).
export const managedCiliumImage = 'mcr.microsoft.com/containernetworking/cilium/cilium:v1.14.15';
export const managedOperatorImage = 'mcr.microsoft.com/containernetworking/cilium/operator-generic:v1.14.15';

const managedBy = {'kubernetes.azure.com/managedby': 'aks', 'addonmanager.kubernetes.io/mode': 'Reconcile'};

export function managedCiliumObjects(): KubeObject[] {
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
				template: {metadata: {labels: agentLabels}, spec: podSpec('cilium', {name: 'cilium-agent', image: managedCiliumImage, command: ['cilium-agent']})},
			},
		},
		{
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: {name: 'cilium-operator', namespace: 'kube-system', labels: operatorLabels},
			spec: {
				replicas: 2,
				selector: {matchLabels: {'io.cilium/app': 'operator', name: 'cilium-operator'}},
				template: {metadata: {labels: operatorLabels}, spec: podSpec('cilium-operator', {name: 'cilium-operator', image: managedOperatorImage, command: ['cilium-operator-generic']})},
			},
		},
	];
}

export async function installManagedCilium(ctx: PracticeContext): Promise<void> {
	registerCiliumCrds(ctx, {});
	for (const object of managedCiliumObjects()) ctx.store.apply(object);
}
