import type {KubeObject, PracticeContext} from '../types.js';
import {isPodReady, isTerminating, listView, modify, podSpec, rfc3339} from './objects.js';

/** Which CNI the nodes start with: `none` (AKS "bring your own CNI") waits for Cilium; the others have one at once. */
export const cniAnnotation = 'practice.cilium-lab/cni';

const notReadyTaint = {key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule'};

export const networkNotReadyMessage = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

/** A node's kubelet conditions; a condition that keeps its status keeps its lastTransitionTime from `previous`. */
export function nodeConditions(ready: boolean, now: number, previous?: Array<{type: string; status: string; lastTransitionTime?: string}>) {
	const at = rfc3339(now);
	const since = (type: string, status: string) => {
		const before = previous?.find(condition => condition.type === type);
		return before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : at;
	};
	const healthy = (type: string, reason: string, message: string) => ({type, status: 'False', lastHeartbeatTime: at, lastTransitionTime: since(type, 'False'), reason, message});
	return [
		healthy('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
		healthy('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
		healthy('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
		ready
			? {type: 'Ready', status: 'True', lastHeartbeatTime: at, lastTransitionTime: since('Ready', 'True'), reason: 'KubeletReady', message: 'kubelet is posting ready status'}
			: {type: 'Ready', status: 'False', lastHeartbeatTime: at, lastTransitionTime: since('Ready', 'False'), reason: 'KubeletNotReady', message: networkNotReadyMessage},
	];
}

/** Whether a node's CNI can set up pod networks: its own from the start, or a Ready Cilium agent on it. */
export function nodeNetworkReady(ctx: PracticeContext, node: KubeObject, pods: readonly KubeObject[] = listView(ctx.store, 'v1', 'Pod', {namespace: 'kube-system'})): boolean {
	const cni = node.metadata.annotations?.[cniAnnotation] ?? 'none';
	if (cni !== 'none') return true;
	return pods.some(pod => pod.metadata.labels?.['k8s-app'] === 'cilium' && podSpec(pod).nodeName === node.metadata.name
		&& !isTerminating(pod) && isPodReady(pod));
}

export function isNodeReady(node: KubeObject): boolean {
	return ((node.status as {conditions?: Array<{type: string; status: string}>} | undefined)?.conditions ?? [])
		.some(condition => condition.type === 'Ready' && condition.status === 'True');
}

/** Turns each node Ready or NotReady as its network is, with the kubelet's events on a change. */
export function reconcileNodes(ctx: PracticeContext): void {
	const pods = listView(ctx.store, 'v1', 'Pod', {namespace: 'kube-system'});
	for (const node of listView(ctx.store, 'v1', 'Node')) {
		const ready = nodeNetworkReady(ctx, node, pods);
		if (isNodeReady(node) === ready && (node.status as {conditions?: unknown[]} | undefined)?.conditions) continue;
		modify(ctx.store, node, draft => {
			const status = (draft.status ??= {}) as {conditions?: Array<{type: string; status: string; lastTransitionTime?: string}>};
			status.conditions = nodeConditions(ready, ctx.clock.now(), status.conditions);
			// The node lifecycle controller taints a NotReady node and lifts the taint once it is Ready.
			const spec = (draft.spec ??= {}) as {taints?: Array<{key: string; effect: string}>};
			const others = (spec.taints ?? []).filter(taint => taint.key !== notReadyTaint.key);
			spec.taints = ready ? others : [...others, notReadyTaint];
			if (spec.taints.length === 0) delete spec.taints;
		});
		ctx.store.recordEvent(node, 'Normal', ready ? 'NodeReady' : 'NodeNotReady', `Node ${node.metadata.name} status is now: ${ready ? 'NodeReady' : 'NodeNotReady'}`, ready ? 'kubelet' : 'node-controller');
	}
}
