// "Azure CNI Powered by Cilium": what `az aks update … --network-dataplane cilium` (or create with
// it) leaves in kube-system. AKS manages it: the cilium DaemonSet and a 2-replica cilium-operator,
// no cilium-envoy, no Hubble, no Helm release; the CRDs are there at once (the source document's
// `kubectl get crd` shows the 11 default ones). It cannot be undone (az.ts refuses).
import type {KubeObject, PracticeContext} from '../types.js';
import {registerCiliumCrds} from './operator.js';

// AKS ships its own build; the exact tag depends on the Kubernetes version (not confirmed here).
export const managedCiliumImage = 'mcr.microsoft.com/containernetworking/cilium/cilium:v1.14.15';
export const managedRelayImage = 'mcr.microsoft.com/oss/cilium/hubble-relay:v1.14.15';
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

/**
 * ACNS on the Cilium dataplane: AKS turns on Hubble in the agents and the L7 (DNS) proxy that FQDN filtering
 * needs, and runs hubble-relay (with the hubble-peer and hubble-relay services) in kube-system. No hubble-ui.
 */
export function enableManagedAcns(ctx: PracticeContext): void {
	const config = ctx.store.get('v1', 'ConfigMap', 'kube-system', 'cilium-config');
	if (config) {
		const data = {...((config as {data?: Record<string, string>}).data ?? {}), 'enable-hubble': 'true', 'enable-l7-proxy': 'true', 'hubble-listen-address': ':4244'};
		ctx.store.apply({...config, data} as KubeObject);
	}
	const relayLabels = {'k8s-app': 'hubble-relay', ...managedBy};
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
