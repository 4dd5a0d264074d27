// Where pod addresses come from. With Cilium's cluster-pool IPAM (the chart's default, and what aksbyocni.enabled
// sets) the operator gives each node a /mask-size slice of cluster-pool-ipv4-cidr, recorded in its CiliumNode's
// spec.ipam.podCIDRs, and the agent hands out addresses from it (pkg/ipam/allocator/clusterpool). The 1.16 chart's
// default pool is 10.0.0.0/8, which overlaps AKS's default service CIDR 10.0.0.0/16 (cilium/cilium#31504): on a BYOCNI
// cluster installed with the defaults, pods get 10.0.x.y, the same range as kube-dns's 10.0.0.10. Without
// cluster-pool (Azure CNI overlay, kubenet) the node's spec.podCIDR is the pool.
import type {KubeObject, PracticeContext} from '../types.js';
import {getView, listView} from './objects.js';

function ipToNumber(ip: string): number | undefined {
	const parts = ip.split('.').map(Number);
	if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) return undefined;
	return ((parts[0]! * 256 + parts[1]!) * 256 + parts[2]!) * 256 + parts[3]!;
}

function numberToIp(value: number): string {
	return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export interface ClusterPool {
	cidrs: string[];
	maskSize: number;
}

/** cilium-config's cluster-pool settings, when Cilium runs with that IPAM mode. */
export function clusterPool(ctx: PracticeContext): ClusterPool | undefined {
	const data = (getView(ctx.store, 'v1', 'ConfigMap', 'kube-system', 'cilium-config')?.data ?? {}) as Record<string, string>;
	if (data.ipam !== 'cluster-pool') return undefined;
	const cidrs = (data['cluster-pool-ipv4-cidr'] ?? '10.0.0.0/8').split(/[\s,]+/).filter(Boolean);
	const maskSize = Number(data['cluster-pool-ipv4-mask-size'] ?? 24);
	return {cidrs, maskSize: Number.isInteger(maskSize) ? maskSize : 24};
}

/** The index-th /maskSize subnet of the pool's CIDRs, in order (the allocator takes the lowest free one). */
export function poolSubnet(pool: ClusterPool, index: number): string | undefined {
	let remaining = index;
	for (const cidr of pool.cidrs) {
		const [base, bitsText] = cidr.split('/');
		const bits = Number(bitsText);
		const start = ipToNumber(base ?? '');
		if (start === undefined || !(bits >= 0 && bits <= pool.maskSize)) continue;
		const count = 2 ** (pool.maskSize - bits);
		if (remaining < count) return `${numberToIp(start + remaining * 2 ** (32 - pool.maskSize))}/${pool.maskSize}`;
		remaining -= count;
	}
	return undefined;
}

function nodeOrder(ctx: PracticeContext): string[] {
	return listView(ctx.store, 'v1', 'Node')
		.map((node) => node.metadata.name)
		.sort();
}

/** The CIDR the node's pods get addresses from: its CiliumNode's, the pool slice the operator would give it, or its podCIDR. */
export function nodePodCidr(ctx: PracticeContext, node: KubeObject | undefined): string | undefined {
	if (!node) return undefined;
	const pool = clusterPool(ctx);
	if (pool) {
		const ciliumNode = safeGet(ctx, 'cilium.io/v2', 'CiliumNode', node.metadata.name);
		const allocated = (ciliumNode?.spec as {ipam?: {podCIDRs?: string[]}} | undefined)?.ipam?.podCIDRs?.[0];
		if (allocated) return allocated;
		const index = nodeOrder(ctx).indexOf(node.metadata.name);
		if (index >= 0) return poolSubnet(pool, index);
	}
	return (node.spec as {podCIDR?: string} | undefined)?.podCIDR;
}

function safeGet(ctx: PracticeContext, apiVersion: string, kind: string, name: string): KubeObject | undefined {
	try {
		return getView(ctx.store, apiVersion, kind, undefined, name);
	} catch {
		return undefined;
	}
}

function internalIp(node: KubeObject): string {
	return ((node.status as {addresses?: Array<{type: string; address: string}>} | undefined)?.addresses ?? []).find((address) => address.type === 'InternalIP')?.address ?? '';
}

/**
 * The CiliumNode of each node, as the agent registers it and the cluster-pool operator fills in its pod CIDR: the
 * node's InternalIP, the agent's cilium_host address (CiliumInternalIP, the first of its pod CIDR), spec.ipam.podCIDRs.
 * Written only once the CiliumNode CRD is served (the operator registers it).
 */
export function reconcileCiliumNodes(ctx: PracticeContext): void {
	if (!safeGet(ctx, 'apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'ciliumnodes.cilium.io')) return;
	const pool = clusterPool(ctx);
	const agentOn = new Set(
		listView(ctx.store, 'v1', 'Pod', {namespace: 'kube-system'})
			.filter((pod) => pod.metadata.labels?.['k8s-app'] === 'cilium')
			.map((pod) => String((pod.spec as {nodeName?: string}).nodeName ?? '')),
	);
	for (const node of listView(ctx.store, 'v1', 'Node')) {
		if (!agentOn.has(node.metadata.name)) continue;
		if (safeGet(ctx, 'cilium.io/v2', 'CiliumNode', node.metadata.name)) continue;
		const cidr = pool ? nodePodCidr(ctx, node) : (node.spec as {podCIDR?: string} | undefined)?.podCIDR;
		const routerIp = cidr ? numberToIp((ipToNumber(cidr.split('/')[0]!) ?? 0) + 1) : undefined;
		try {
			ctx.store.create({
				apiVersion: 'cilium.io/v2',
				kind: 'CiliumNode',
				metadata: {
					name: node.metadata.name,
					labels: {...(node.metadata.labels ?? {})},
					ownerReferences: [{apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid ?? ''}],
				},
				spec: {
					addresses: [{ip: internalIp(node), type: 'InternalIP'}, ...(routerIp ? [{ip: routerIp, type: 'CiliumInternalIP'}] : [])],
					'alibaba-cloud': {},
					azure: {},
					encryption: {},
					eni: {},
					health: {},
					ingress: {},
					ipam: pool && cidr ? {podCIDRs: [cidr], pools: {}} : {},
				},
				status: {'alibaba-cloud': {}, azure: {}, eni: {}, ipam: pool ? {'operator-status': {}} : {}},
			});
		} catch {
			// Created meanwhile, or the CRD went away: the next change reconciles again.
		}
	}
}
