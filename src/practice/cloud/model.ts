// az's model of the practice cloud: the signed-in account, resource groups and AKS clusters.
// Persisted in the daemon's state file (section "cloud"), so a restart keeps them.
import {randomUUID} from 'node:crypto';
import type {StateSections} from '../types.js';

export interface Account {
	subscriptionId: string;
	subscriptionName: string;
	tenantId: string;
	user: string;
}

export interface ResourceGroup {
	name: string;
	location: string;
	tags: Record<string, string> | null;
	managedBy?: string;
}

export interface NetworkProfile {
	networkPlugin: 'none' | 'azure' | 'kubenet';
	networkPluginMode: 'overlay' | null;
	networkDataplane: 'azure' | 'cilium' | null;
	networkPolicy: 'none' | 'azure' | 'calico' | 'cilium' | null;
	podCidr: string | null;
	serviceCidr: string;
	dnsServiceIp: string;
	/** Advanced Container Networking Services (`az aks update --enable-acns`): Hubble, and FQDN filtering on the Cilium dataplane. */
	advancedNetworking?: boolean;
}

export interface AksCluster {
	name: string;
	resourceGroup: string;
	location: string;
	nodeCount: number;
	kubernetesVersion: string;
	dnsPrefix: string;
	fqdnSuffix: string;
	networkProfile: NetworkProfile;
	/** `--node-vm-size` (absent in clusters saved before it was kept: az's default then). */
	vmSize?: string;
	/** `--tags` (null without them, as az prints it). */
	tags?: Record<string, string> | null;
	provisioningState: 'Creating' | 'Updating' | 'Succeeded' | 'Deleting' | 'Failed';
	createdAt: string;
	/** The ARM operation that is changing the cluster (while Creating, Updating or Deleting). */
	operationId?: string;
}

export interface CloudState {
	account?: Account;
	groups: ResourceGroup[];
	clusters: AksCluster[];
}

const sectionName = 'cloud';

export function readCloud(sections: StateSections): CloudState {
	const state = sections.read<CloudState>(sectionName, {groups: [], clusters: []});
	return {account: state.account, groups: [...(state.groups ?? [])], clusters: [...(state.clusters ?? [])]};
}

export function writeCloud(sections: StateSections, state: CloudState): void {
	sections.write(sectionName, state);
}

/** Azure resource group names compare case-insensitively. */
export function sameName(a: string, b: string): boolean {
	return a.toLowerCase() === b.toLowerCase();
}

export function findGroup(state: CloudState, name: string): ResourceGroup | undefined {
	return state.groups.find(group => sameName(group.name, name));
}

export function findCluster(state: CloudState, group: string, name: string): AksCluster | undefined {
	return state.clusters.find(cluster => sameName(cluster.resourceGroup, group) && sameName(cluster.name, name));
}

export function newAccount(): Account {
	return {
		subscriptionId: randomUUID(),
		subscriptionName: 'cilium-lab practice subscription (simulated)',
		tenantId: randomUUID(),
		user: 'learner@practice.cilium-lab.local',
	};
}

export function groupId(account: Account, group: string): string {
	return `/subscriptions/${account.subscriptionId}/resourceGroups/${group}`;
}

export function nodeResourceGroup(cluster: Pick<AksCluster, 'resourceGroup' | 'name' | 'location'>): string {
	return `MC_${cluster.resourceGroup}_${cluster.name}_${cluster.location}`;
}

/** The object `az aks show` prints (the fields the lessons and common queries read; az prints more). */
export function clusterJson(account: Account, cluster: AksCluster): Record<string, unknown> {
	const minor = cluster.kubernetesVersion.split('.').slice(0, 2).join('.');
	const network = cluster.networkProfile;
	const maxPods = network.networkPlugin === 'kubenet' ? 110 : network.networkPluginMode === 'overlay' || network.networkPlugin === 'none' ? 250 : 30;
	return {
		aadProfile: null,
		addonProfiles: null,
		agentPoolProfiles: [
			{
				count: cluster.nodeCount,
				enableAutoScaling: false,
				maxPods,
				mode: 'System',
				name: 'nodepool1',
				nodeImageVersion: 'AKSUbuntu-2204gen2containerd-202411.12.0',
				orchestratorVersion: cluster.kubernetesVersion,
				osDiskSizeGb: 128,
				osSku: 'Ubuntu',
				osType: 'Linux',
				powerState: {code: 'Running'},
				provisioningState: cluster.provisioningState,
				type: 'VirtualMachineScaleSets',
				vmSize: cluster.vmSize ?? 'Standard_DS2_v2',
			},
		],
		azurePortalFqdn: `${cluster.dnsPrefix}-${cluster.fqdnSuffix}.portal.hcp.${cluster.location}.azmk8s.io`,
		currentKubernetesVersion: cluster.kubernetesVersion,
		dnsPrefix: cluster.dnsPrefix,
		enableRbac: true,
		fqdn: `${cluster.dnsPrefix}-${cluster.fqdnSuffix}.hcp.${cluster.location}.azmk8s.io`,
		id: `/subscriptions/${account.subscriptionId}/resourcegroups/${cluster.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${cluster.name}`,
		identity: {principalId: null, tenantId: null, type: 'SystemAssigned'},
		kubernetesVersion: minor,
		location: cluster.location,
		name: cluster.name,
		networkProfile: {
			advancedNetworking: network.advancedNetworking
				? {enabled: true, observability: {enabled: true}, security: {enabled: network.networkDataplane === 'cilium'}}
				: null,
			dnsServiceIp: network.dnsServiceIp,
			ipFamilies: ['IPv4'],
			loadBalancerSku: 'standard',
			networkDataplane: network.networkDataplane,
			networkMode: null,
			networkPlugin: network.networkPlugin,
			networkPluginMode: network.networkPluginMode,
			networkPolicy: network.networkPolicy,
			outboundType: 'loadBalancer',
			podCidr: network.podCidr,
			podCidrs: network.podCidr ? [network.podCidr] : null,
			serviceCidr: network.serviceCidr,
			serviceCidrs: [network.serviceCidr],
		},
		nodeResourceGroup: nodeResourceGroup(cluster),
		powerState: {code: 'Running'},
		provisioningState: cluster.provisioningState,
		resourceGroup: cluster.resourceGroup,
		sku: {name: 'Base', tier: 'Free'},
		tags: cluster.tags ?? null,
		type: 'Microsoft.ContainerService/ManagedClusters',
	};
}
