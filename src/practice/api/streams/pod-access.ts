import type {KubeObject} from '../../types.js';

interface ContainerSpec {
	name: string;
	image?: string;
	command?: string[];
	args?: string[];
	ports?: Array<{containerPort: number; name?: string; protocol?: string}>;
}

interface ContainerStatus {
	name: string;
	state?: {running?: unknown; waiting?: {reason?: string}; terminated?: {reason?: string}};
	lastState?: {terminated?: unknown};
}

export function podContainers(pod: KubeObject): ContainerSpec[] {
	return ((pod.spec as {containers?: ContainerSpec[]} | undefined)?.containers) ?? [];
}

/** The ephemeral containers `kubectl debug` added: exec and attach may name them, they are never picked by default. */
export function podEphemeralContainers(pod: KubeObject): ContainerSpec[] {
	return ((pod.spec as {ephemeralContainers?: ContainerSpec[]} | undefined)?.ephemeralContainers) ?? [];
}

export function containerStatus(pod: KubeObject, name: string): ContainerStatus | undefined {
	const status = pod.status as {containerStatuses?: ContainerStatus[]; ephemeralContainerStatuses?: ContainerStatus[]} | undefined;
	return [...(status?.containerStatuses ?? []), ...(status?.ephemeralContainerStatuses ?? [])].find(candidate => candidate.name === name);
}

/** An API or kubelet refusal, as its code, reason and message. */
export interface Refusal {
	code: number;
	reason: string;
	message: string;
}

/**
 * Which container a stream request is for, as the API server picks it: the one named, the
 * only one, or a refusal naming the choices.
 */
export function resolveContainer(pod: KubeObject, requested: string | null): {container: ContainerSpec} | {refusal: Refusal} {
	const containers = podContainers(pod);
	const name = pod.metadata.name;
	if (requested) {
		const container = [...containers, ...podEphemeralContainers(pod)].find(candidate => candidate.name === requested);
		if (!container) return {refusal: {code: 400, reason: 'BadRequest', message: `container ${requested} is not valid for pod ${name}`}};
		return {container};
	}
	if (containers.length === 1) return {container: containers[0]!};
	if (containers.length === 0) return {refusal: {code: 400, reason: 'BadRequest', message: `pod ${name} has no containers`}};
	return {refusal: {
		code: 400,
		reason: 'BadRequest',
		message: `a container name must be specified for pod ${name}, choose one of: [${containers.map(container => container.name).join(' ')}]`,
	}};
}

/** The kubelet's answer when the container cannot be entered (exec, attach). */
export function runningContainerRefusal(pod: KubeObject, container: string): Refusal | undefined {
	if (!(pod.spec as {nodeName?: string} | undefined)?.nodeName) {
		return {code: 400, reason: 'BadRequest', message: `pod ${pod.metadata.name} does not have a host assigned`};
	}
	if (!containerStatus(pod, container)?.state?.running) {
		return {code: 404, reason: 'NotFound', message: `container not found ("${container}")`};
	}
	return undefined;
}

export function booleanQuery(query: URLSearchParams, name: string): boolean {
	const value = query.get(name);
	return value === 'true' || value === '1';
}
