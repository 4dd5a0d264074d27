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

// The deployment controller's bookkeeping, as k8s.io/kubernetes pkg/controller/deployment/util/deployment_util.go
// keeps it: each ReplicaSet's `deployment.kubernetes.io/revision`, the revisions a reused one had before
// (`revision-history`), the Deployment's own revision annotation, its annotations copied to the new ReplicaSet
// (kubernetes.io/change-cause: what `rollout history` prints), and old ReplicaSets beyond revisionHistoryLimit removed.
const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
/** deployment_util.go skipCopyAnnotation: never copied from the Deployment to its ReplicaSets. */
const notCopiedAnnotations = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to']);

const revisionOf = (object: KubeObject) => Number(object.metadata.annotations?.[REVISION] ?? 0) || 0;

/** Semantic equality as apiequality.Semantic.DeepEqual sees decoded objects: key order, nulls and empty maps or lists do not count. */
function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(canonical);
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.map(([key, inner]) => [key, canonical(inner)] as const)
			.filter(([, inner]) => inner !== null && inner !== undefined && !(typeof inner === 'object' && Object.keys(inner as object).length === 0))
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return Object.fromEntries(entries);
	}
	return value;
}

/** deployment_util.go EqualIgnoreHash: two pod templates equal but for the pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
	const strip = (template: PodTemplate | undefined) => {
		const copy = structuredClone(template ?? {});
		if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
		return JSON.stringify(canonical(copy));
	};
	return strip(a) === strip(b);
}

function annotationsToCopy(deployment: KubeObject): Record<string, string> {
	return Object.fromEntries(Object.entries(deployment.metadata.annotations ?? {}).filter(([key]) => !notCopiedAnnotations.has(key)));
}

/** SetNewReplicaSetAnnotations: the new ReplicaSet takes the next revision (a reused one keeps its old numbers in revision-history). */
function stampNewReplicaSet(ctx: PracticeContext, deployment: KubeObject, replicaSet: KubeObject, maxOldRevision: number): KubeObject {
	const wanted = annotationsToCopy(deployment);
	return modify(ctx.store, replicaSet, draft => {
		const annotations = {...draft.metadata.annotations};
		for (const [key, value] of Object.entries(wanted)) annotations[key] = value;
		const old = revisionOf(draft);
		if (old < maxOldRevision + 1) {
			annotations[REVISION] = String(maxOldRevision + 1);
			if (old > 0) annotations[REVISION_HISTORY] = annotations[REVISION_HISTORY] ? `${annotations[REVISION_HISTORY]},${old}` : String(old);
		}
		draft.metadata.annotations = annotations;
	}) ?? replicaSet;
}

/** cleanupDeployment: old ReplicaSets with no replicas beyond spec.revisionHistoryLimit (default 10), oldest revision first. */
function cleanupOldReplicaSets(ctx: PracticeContext, deployment: KubeObject, old: readonly KubeObject[]): void {
	const limit = Number((deployment.spec as {revisionHistoryLimit?: number}).revisionHistoryLimit ?? 10);
	const idle = old.filter(rs => (workloadSpec(rs).replicas ?? 1) === 0 && Number((rs.status as {replicas?: number} | undefined)?.replicas ?? 0) === 0 && !isTerminating(rs));
	const surplus = idle.length - limit;
	if (surplus <= 0) return;
	for (const rs of [...idle].sort((a, b) => revisionOf(a) - revisionOf(b)).slice(0, surplus)) ctx.store.delete('apps/v1', 'ReplicaSet', rs.metadata.namespace, rs.metadata.name);
}

/** Rolls each Deployment onto a ReplicaSet for its current template, retires the old ones, and reports status. */
export function reconcileDeployments(ctx: PracticeContext): void {
	const replicaSets = listView(ctx.store, 'apps/v1', 'ReplicaSet');
	for (let deployment of listView(ctx.store, 'apps/v1', 'Deployment')) {
		if (isTerminating(deployment)) continue;
		const spec = workloadSpec(deployment);
		const desired = spec.replicas ?? 1;
		const hash = templateHash(spec.template);
		const owned = replicaSets.filter(rs => rs.metadata.namespace === deployment.metadata.namespace && ownedBy(rs, deployment));
		// FindNewReplicaSet: the ReplicaSet whose template equals the Deployment's (a rollback finds an old one again).
		let current = owned.find(rs => equalIgnoreHash(workloadSpec(rs).template, spec.template));
		const maxOldRevision = Math.max(0, ...owned.filter(rs => rs !== current).map(revisionOf));
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
					annotations: {...annotationsToCopy(deployment), 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + 1), [REVISION]: String(maxOldRevision + 1)},
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
		} else {
			current = stampNewReplicaSet(ctx, deployment, current, maxOldRevision);
			if ((workloadSpec(current).replicas ?? 1) !== desired) {
				const before = workloadSpec(current).replicas ?? 1;
				current = modify(ctx.store, current, draft => {
					(draft.spec as WorkloadSpec).replicas = desired;
				}) ?? current;
				ctx.store.recordEvent(deployment, 'Normal', 'ScalingReplicaSet', `Scaled ${desired > before ? 'up' : 'down'} replica set ${current.metadata.name} to ${desired}`, 'deployment-controller');
			}
		}
		// SetDeploymentRevision: the Deployment carries its new ReplicaSet's revision (kubectl rollout undo patches around it).
		const revision = current.metadata.annotations?.[REVISION];
		if (revision && deployment.metadata.annotations?.[REVISION] !== revision) {
			deployment = modify(ctx.store, deployment, draft => {
				draft.metadata.annotations = {...draft.metadata.annotations, [REVISION]: revision};
			}) ?? deployment;
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
		cleanupOldReplicaSets(ctx, deployment, old);
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

/**
 * The DaemonSet controller's history (k8s.io/kubernetes pkg/controller/daemon/update.go constructHistory, snapshot,
 * cleanupHistory): a ControllerRevision `<name>-<hash>` per template, its data the patch kubectl's rollback applies
 * (`{"spec":{"template":{…,"$patch":"replace"}}}`), the DaemonSet's annotations (change-cause), revision numbers; a
 * template seen before (a rollback) takes the next revision; beyond revisionHistoryLimit (10) the oldest go.
 */
function reconcileDaemonSetHistory(ctx: PracticeContext, daemonSet: KubeObject, hash: string): void {
	const template = workloadSpec(daemonSet).template ?? {};
	const revisions = listView(ctx.store, 'apps/v1', 'ControllerRevision').filter(revision => revision.metadata.namespace === daemonSet.metadata.namespace && ownedBy(revision, daemonSet));
	const templateOf = (revision: KubeObject) => {
		const stored = structuredClone(((revision as {data?: {spec?: {template?: PodTemplate & {$patch?: string}}}}).data?.spec?.template) ?? {});
		delete stored.$patch;
		return stored;
	};
	const numberOf = (revision: KubeObject) => Number((revision as {revision?: number}).revision ?? 0);
	const max = Math.max(0, ...revisions.map(numberOf));
	let current = revisions.find(revision => equalIgnoreHash(templateOf(revision), template));
	if (!current) {
		current = tryCreate(ctx, {
			apiVersion: 'apps/v1',
			kind: 'ControllerRevision',
			metadata: {
				name: `${daemonSet.metadata.name}-${hash}`,
				namespace: daemonSet.metadata.namespace,
				labels: {...template.metadata?.labels, 'controller-revision-hash': hash},
				...(daemonSet.metadata.annotations ? {annotations: {...daemonSet.metadata.annotations}} : {}),
				ownerReferences: [controllerReference(daemonSet)],
			},
			data: {spec: {template: {...structuredClone(template), $patch: 'replace'}}},
			revision: max + 1,
		} as KubeObject);
	} else if (numberOf(current) < max) {
		current = modify(ctx.store, current, draft => {
			(draft as {revision?: number}).revision = max + 1;
		}) ?? current;
	}
	const limit = Number((daemonSet.spec as {revisionHistoryLimit?: number}).revisionHistoryLimit ?? 10);
	const old = revisions.filter(revision => revision.metadata.name !== current?.metadata.name).sort((a, b) => numberOf(a) - numberOf(b));
	for (const revision of old.slice(0, Math.max(0, old.length - limit))) ctx.store.delete('apps/v1', 'ControllerRevision', revision.metadata.namespace, revision.metadata.name);
}

/** One pod per matching node for each DaemonSet, replaced when the template changes, with the status `rollout status` reads. */
export function reconcileDaemonSets(ctx: PracticeContext, pods: readonly KubeObject[]): void {
	const nodes = listView(ctx.store, 'v1', 'Node');
	for (const daemonSet of listView(ctx.store, 'apps/v1', 'DaemonSet')) {
		if (isTerminating(daemonSet)) continue;
		const spec = workloadSpec(daemonSet);
		const hash = templateHash(spec.template);
		reconcileDaemonSetHistory(ctx, daemonSet, hash);
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
