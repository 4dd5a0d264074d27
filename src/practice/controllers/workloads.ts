import type {KubeObject, PracticeContext} from '../types.js';
import {
	controllerReference, isPodReady, isTerminating, listView, modify, ownedBy, podSpec, randomSuffix, selectorMatches, templateHash, type LabelSelector,
} from './objects.js';

interface PodTemplate {
	metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>};
	spec?: Record<string, unknown>;
}

interface WorkloadSpec {
	replicas?: number;
	selector?: LabelSelector;
	template?: PodTemplate;
}

const workloadSpec = (object: KubeObject) => (object.spec ?? {}) as WorkloadSpec;

function podFromTemplate(owner: KubeObject, template: PodTemplate, name: string, extraLabels: Record<string, string>, nodeName?: string): KubeObject {
	const spec = structuredClone(template.spec ?? {containers: []}) as Record<string, unknown>;
	if (nodeName) spec.nodeName = nodeName;
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name,
			namespace: owner.metadata.namespace,
			labels: {...template.metadata?.labels, ...extraLabels},
			...(template.metadata?.annotations ? {annotations: {...template.metadata.annotations}} : {}),
			ownerReferences: [controllerReference(owner)],
		},
		spec,
	};
}

function tryCreate(ctx: PracticeContext, object: KubeObject): KubeObject | undefined {
	try {
		return ctx.store.create(object);
	} catch {
		return undefined;
	}
}

/** Keeps each ReplicaSet's pod count at its replicas and reports what its pods are doing. */
export function reconcileReplicaSets(ctx: PracticeContext, pods: readonly KubeObject[]): void {
	for (const replicaSet of listView(ctx.store, 'apps/v1', 'ReplicaSet')) {
		if (isTerminating(replicaSet)) continue;
		const spec = workloadSpec(replicaSet);
		const desired = spec.replicas ?? 1;
		const owned = pods.filter(pod => pod.metadata.namespace === replicaSet.metadata.namespace && ownedBy(pod, replicaSet) && !isTerminating(pod));
		if (owned.length < desired) {
			for (let index = owned.length; index < desired; index++) {
				const pod = tryCreate(ctx, podFromTemplate(replicaSet, spec.template ?? {}, `${replicaSet.metadata.name}-${randomSuffix()}`, {}));
				if (pod) {
					owned.push(pod);
					ctx.store.recordEvent(replicaSet, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'replicaset-controller');
				}
			}
		} else if (owned.length > desired) {
			const surplus = [...owned].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b))).slice(0, owned.length - desired);
			for (const pod of surplus) {
				ctx.store.delete('v1', 'Pod', pod.metadata.namespace, pod.metadata.name);
				owned.splice(owned.indexOf(pod), 1);
				ctx.store.recordEvent(replicaSet, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'replicaset-controller');
			}
		}
		const ready = owned.filter(isPodReady).length;
		modify(ctx.store, replicaSet, draft => {
			draft.status = {
				replicas: owned.length,
				fullyLabeledReplicas: owned.filter(pod => selectorMatches(spec.selector, pod.metadata.labels)).length,
				readyReplicas: ready,
				availableReplicas: ready,
				observedGeneration: replicaSet.metadata.generation ?? 1,
			};
			if (ready === 0) delete (draft.status as Record<string, unknown>).readyReplicas;
			if (ready === 0) delete (draft.status as Record<string, unknown>).availableReplicas;
		});
	}
}

type Condition = {type: string; status: string; reason: string; message: string; lastUpdateTime?: string; lastTransitionTime?: string};

/** Rolls each Deployment onto a ReplicaSet for its current template, retires the old ones, and reports status. */
export function reconcileDeployments(ctx: PracticeContext): void {
	const replicaSets = listView(ctx.store, 'apps/v1', 'ReplicaSet');
	for (const deployment of listView(ctx.store, 'apps/v1', 'Deployment')) {
		if (isTerminating(deployment)) continue;
		const spec = workloadSpec(deployment);
		const desired = spec.replicas ?? 1;
		const hash = templateHash(spec.template);
		const owned = replicaSets.filter(rs => rs.metadata.namespace === deployment.metadata.namespace && ownedBy(rs, deployment));
		let current = owned.find(rs => rs.metadata.labels?.['pod-template-hash'] === hash);
		const revision = Math.max(0, ...owned.map(rs => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0)));
		if (!current) {
			const template = structuredClone(spec.template ?? {});
			template.metadata = {...template.metadata, labels: {...template.metadata?.labels, 'pod-template-hash': hash}};
			const name = `${deployment.metadata.name}-${hash}`;
			current = tryCreate(ctx, {
				apiVersion: 'apps/v1',
				kind: 'ReplicaSet',
				metadata: {
					name,
					namespace: deployment.metadata.namespace,
					labels: {...spec.template?.metadata?.labels, 'pod-template-hash': hash},
					annotations: {'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + 1), 'deployment.kubernetes.io/revision': String(revision + 1)},
					ownerReferences: [controllerReference(deployment)],
				},
				spec: {
					replicas: desired,
					selector: {...spec.selector, matchLabels: {...spec.selector?.matchLabels, 'pod-template-hash': hash}},
					template,
				},
			});
			if (!current) continue;
			ctx.store.recordEvent(deployment, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} to ${desired}`, 'deployment-controller');
		} else if ((workloadSpec(current).replicas ?? 1) !== desired) {
			const before = workloadSpec(current).replicas ?? 1;
			current = modify(ctx.store, current, draft => {
				(draft.spec as WorkloadSpec).replicas = desired;
			}) ?? current;
			ctx.store.recordEvent(deployment, 'Normal', 'ScalingReplicaSet', `Scaled ${desired > before ? 'up' : 'down'} replica set ${current.metadata.name} to ${desired}`, 'deployment-controller');
		}
		const currentStatus = (current.status ?? {}) as {replicas?: number; availableReplicas?: number; readyReplicas?: number};
		const old = owned.filter(rs => rs !== current && rs.metadata.uid !== current!.metadata.uid);
		if ((currentStatus.availableReplicas ?? 0) >= desired) {
			for (const rs of old) {
				if ((workloadSpec(rs).replicas ?? 1) === 0) continue;
				modify(ctx.store, rs, draft => {
					(draft.spec as WorkloadSpec).replicas = 0;
				});
				ctx.store.recordEvent(deployment, 'Normal', 'ScalingReplicaSet', `Scaled down replica set ${rs.metadata.name} to 0`, 'deployment-controller');
			}
		}
		const all = [current, ...old].map(rs => (rs.status ?? {}) as {replicas?: number; availableReplicas?: number; readyReplicas?: number});
		const sum = (key: 'replicas' | 'availableReplicas' | 'readyReplicas') => all.reduce((total, status) => total + (status[key] ?? 0), 0);
		const available = sum('availableReplicas');
		const complete = (currentStatus.replicas ?? 0) === desired && (currentStatus.availableReplicas ?? 0) === desired && sum('replicas') === desired;
		const at = new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
		modify(ctx.store, deployment, draft => {
			const previous = ((draft.status as {conditions?: Condition[]} | undefined)?.conditions) ?? [];
			const condition = (type: string, status: string, reason: string, message: string): Condition => {
				const before = previous.find(existing => existing.type === type);
				const same = before && before.status === status && before.reason === reason;
				return {type, status, lastUpdateTime: same ? before.lastUpdateTime ?? at : at, lastTransitionTime: before && before.status === status ? before.lastTransitionTime ?? at : at, reason, message};
			};
			const status: Record<string, unknown> = {
				observedGeneration: deployment.metadata.generation ?? 1,
				replicas: sum('replicas'),
				updatedReplicas: currentStatus.replicas ?? 0,
				readyReplicas: sum('readyReplicas'),
				availableReplicas: available,
				conditions: [
					available >= desired
						? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
						: condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
					complete
						? condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${current!.metadata.name}" has successfully progressed.`)
						: condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${current!.metadata.name}" is progressing.`),
				],
			};
			if (desired - available > 0) status.unavailableReplicas = desired - available;
			for (const key of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas']) if (status[key] === 0) delete status[key];
			draft.status = status;
		});
	}
}

function nodeMatches(node: KubeObject, template: PodTemplate | undefined): boolean {
	const selector = (template?.spec as {nodeSelector?: Record<string, string>} | undefined)?.nodeSelector ?? {};
	const labels = node.metadata.labels ?? {};
	return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** One pod per matching node for each DaemonSet, replaced when the template changes, with the status `rollout status` reads. */
export function reconcileDaemonSets(ctx: PracticeContext, pods: readonly KubeObject[]): void {
	const nodes = listView(ctx.store, 'v1', 'Node');
	for (const daemonSet of listView(ctx.store, 'apps/v1', 'DaemonSet')) {
		if (isTerminating(daemonSet)) continue;
		const spec = workloadSpec(daemonSet);
		const hash = templateHash(spec.template);
		const eligible = nodes.filter(node => nodeMatches(node, spec.template));
		const owned = pods.filter(pod => pod.metadata.namespace === daemonSet.metadata.namespace && ownedBy(pod, daemonSet));
		const live = owned.filter(pod => !isTerminating(pod));
		const current: KubeObject[] = [];
		for (const pod of live) {
			const onEligibleNode = eligible.some(node => node.metadata.name === podSpec(pod).nodeName);
			if (!onEligibleNode || pod.metadata.labels?.['controller-revision-hash'] !== hash
				|| current.some(other => podSpec(other).nodeName === podSpec(pod).nodeName)) {
				ctx.store.delete('v1', 'Pod', pod.metadata.namespace, pod.metadata.name);
				ctx.store.recordEvent(daemonSet, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'daemonset-controller');
				continue;
			}
			current.push(pod);
		}
		for (const node of eligible) {
			if (current.some(pod => podSpec(pod).nodeName === node.metadata.name)) continue;
			const pod = tryCreate(ctx, podFromTemplate(daemonSet, spec.template ?? {}, `${daemonSet.metadata.name}-${randomSuffix()}`,
				{'controller-revision-hash': hash, 'pod-template-generation': String(daemonSet.metadata.generation ?? 1)}, node.metadata.name));
			if (!pod) continue;
			current.push(pod);
			ctx.store.recordEvent(daemonSet, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'daemonset-controller');
			ctx.store.recordEvent(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`, 'default-scheduler');
		}
		const ready = current.filter(isPodReady).length;
		modify(ctx.store, daemonSet, draft => {
			const status: Record<string, unknown> = {
				currentNumberScheduled: current.length,
				desiredNumberScheduled: eligible.length,
				numberMisscheduled: 0,
				numberReady: ready,
				numberAvailable: ready,
				updatedNumberScheduled: current.length,
				observedGeneration: daemonSet.metadata.generation ?? 1,
			};
			if (eligible.length - ready > 0) status.numberUnavailable = eligible.length - ready;
			if (ready === 0) delete status.numberAvailable;
			draft.status = status;
		});
	}
}
