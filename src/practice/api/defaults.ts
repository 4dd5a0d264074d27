// Defaulting as the API server does it on create and update, for the fields kubectl shows.
import type {KubeObject} from '../types.js';
import type {ResourceType} from './registry.js';

interface DefaultsContext {
	/** A free ClusterIP for the Service `namespace/name` (store.ts: KEP-3070's upper band, stable per name). */
	allocateClusterIP(namespace: string, name: string): string;
	now(): number;
	existing?: KubeObject;
}

type Record_ = Record<string, unknown>;

function defaultContainers(containers: unknown): void {
	if (!Array.isArray(containers)) return;
	for (const container of containers as Record_[]) {
		const image = String(container.image ?? '');
		const tag = image.includes('@') ? '' : (image.split('/').pop() ?? '').split(':')[1];
		container.imagePullPolicy ??= !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
		container.terminationMessagePath ??= '/dev/termination-log';
		container.terminationMessagePolicy ??= 'File';
		container.resources ??= {};
		for (const port of (container.ports as Record_[] | undefined) ?? []) port.protocol ??= 'TCP';
	}
}

function defaultPodSpec(spec: Record_ | undefined): void {
	if (!spec) return;
	defaultContainers(spec.containers);
	defaultContainers(spec.initContainers);
	spec.restartPolicy ??= 'Always';
	spec.terminationGracePeriodSeconds ??= 30;
	spec.dnsPolicy ??= 'ClusterFirst';
	spec.securityContext ??= {};
	spec.schedulerName ??= 'default-scheduler';
	spec.enableServiceLinks ??= true;
	spec.preemptionPolicy ??= 'PreemptLowerPriority';
	spec.priority ??= 0;
	if (spec.serviceAccountName === undefined) spec.serviceAccountName = (spec.serviceAccount as string | undefined) ?? 'default';
	spec.serviceAccount ??= spec.serviceAccountName;
	spec.tolerations ??= [
		{key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300},
		{key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300},
	];
}

function defaultTemplate(spec: Record_ | undefined): void {
	const template = spec?.template as {metadata?: Record_; spec?: Record_} | undefined;
	if (!template) return;
	template.metadata ??= {};
	template.metadata.creationTimestamp ??= null;
	defaultPodSpec(template.spec);
	const podSpec = template.spec;
	// Templates carry no service account defaults in the stored object.
	if (podSpec) {
		delete podSpec.serviceAccount;
		if (podSpec.serviceAccountName === 'default') delete podSpec.serviceAccountName;
		delete podSpec.tolerations;
		delete podSpec.enableServiceLinks;
		delete podSpec.preemptionPolicy;
		delete podSpec.priority;
	}
}

export function applyDefaults(object: KubeObject, type: ResourceType, context: DefaultsContext): void {
	const spec = (object.spec ?? undefined) as Record_ | undefined;
	switch (`${type.group}/${type.kind}`) {
		case '/Namespace': {
			object.metadata.labels = {...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name};
			object.spec = {finalizers: ['kubernetes'], ...(spec ?? {})};
			object.status = {phase: 'Active', ...((object.status as object | undefined) ?? {}), ...(object.metadata.deletionTimestamp ? {phase: 'Terminating'} : {})};
			break;
		}
		case '/Pod': {
			defaultPodSpec(spec);
			if (!context.existing) {
				const qosClass = 'BestEffort';
				object.status = {phase: 'Pending', qosClass, ...((object.status as object | undefined) ?? {})};
			}
			break;
		}
		case '/Service': {
			const serviceSpec = (object.spec ??= {}) as Record_;
			serviceSpec.type ??= 'ClusterIP';
			serviceSpec.sessionAffinity ??= 'None';
			const previous = (context.existing?.spec as Record_ | undefined)?.clusterIP as string | undefined;
			if (serviceSpec.type !== 'ExternalName') {
				serviceSpec.clusterIP ??= previous ?? context.allocateClusterIP(object.metadata.namespace ?? 'default', object.metadata.name);
				serviceSpec.clusterIPs ??= [serviceSpec.clusterIP];
				serviceSpec.ipFamilies ??= ['IPv4'];
				serviceSpec.ipFamilyPolicy ??= 'SingleStack';
				serviceSpec.internalTrafficPolicy ??= 'Cluster';
			}
			let nodePort = 30000 + Math.floor(Math.random() * 2767);
			for (const port of (serviceSpec.ports as Record_[] | undefined) ?? []) {
				port.protocol ??= 'TCP';
				port.targetPort ??= port.port;
				if ((serviceSpec.type === 'NodePort' || serviceSpec.type === 'LoadBalancer') && port.nodePort === undefined) port.nodePort = nodePort++;
			}
			if (serviceSpec.type === 'NodePort' || serviceSpec.type === 'LoadBalancer') serviceSpec.externalTrafficPolicy ??= 'Cluster';
			object.status ??= {loadBalancer: {}};
			break;
		}
		case 'apps/Deployment': {
			if (!spec) break;
			spec.replicas ??= 1;
			spec.strategy ??= {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: '25%', maxSurge: '25%'}};
			spec.revisionHistoryLimit ??= 10;
			spec.progressDeadlineSeconds ??= 600;
			defaultTemplate(spec);
			object.status ??= {};
			break;
		}
		case 'apps/ReplicaSet':
		case 'apps/StatefulSet': {
			if (!spec) break;
			spec.replicas ??= 1;
			defaultTemplate(spec);
			object.status ??= {replicas: 0};
			break;
		}
		case 'apps/DaemonSet': {
			if (!spec) break;
			spec.updateStrategy ??= {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1, maxSurge: 0}};
			spec.revisionHistoryLimit ??= 10;
			defaultTemplate(spec);
			object.status ??= {currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0};
			break;
		}
		case '/Secret': {
			object.type ??= 'Opaque';
			break;
		}
		case 'networking.k8s.io/NetworkPolicy': {
			if (spec && spec.policyTypes === undefined) spec.policyTypes = spec.egress ? ['Ingress', 'Egress'] : ['Ingress'];
			break;
		}
		default:
			break;
	}
}
