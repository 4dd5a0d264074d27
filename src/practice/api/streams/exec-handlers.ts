import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';
import type {KubeObject, PracticeContext} from '../../types.js';
import {runInContainer, type ExecChannels, type ProgramLookup} from './exec.js';
import {channelsOverSpdy, channelsOverWebSocket, type StreamSelection} from './exec-transports.js';
import {booleanQuery, podContainers, podEphemeralContainers, resolveContainer, runningContainerRefusal} from './pod-access.js';
import {lookupImage} from '../../controllers/images.js';
import {isSpdyUpgrade} from './spdy.js';
import {refuseUpgrade, statusBody} from './upgrade-errors.js';
import {isWebSocketUpgrade} from './websocket.js';

/** What the API server hands over for `pods/{name}/exec|attach|portforward`: an upgrade request and the pod it names. */
export interface PodUpgradeRequest {
	request: IncomingMessage;
	socket: Duplex;
	head: Buffer;
	pod: KubeObject;
	query: URLSearchParams;
	ctx: PracticeContext;
	/** Where exec and attach find the command's program (default: what the pod's image carries). */
	findProgram?: ProgramLookup;
}

/** The answer to a stream subresource asked for without an upgrade. */
export function respondUpgradeRequired(response: ServerResponse): void {
	response.writeHead(400, {'Content-Type': 'application/json'});
	response.end(statusBody(400, 'BadRequest', 'Upgrade request required'));
}

function streamSelection(query: URLSearchParams): StreamSelection {
	return {
		stdin: booleanQuery(query, 'stdin') || booleanQuery(query, 'input'),
		stdout: booleanQuery(query, 'stdout') || booleanQuery(query, 'output'),
		stderr: booleanQuery(query, 'stderr') || booleanQuery(query, 'error'),
		tty: booleanQuery(query, 'tty'),
	};
}

async function openChannels(upgrade: PodUpgradeRequest, selection: StreamSelection): Promise<ExecChannels | undefined> {
	const {request, socket, head} = upgrade;
	if (isWebSocketUpgrade(request)) return channelsOverWebSocket(request, socket, head, selection);
	if (isSpdyUpgrade(request)) return channelsOverSpdy(request, socket, head, selection);
	refuseUpgrade(socket, 400, 'BadRequest', 'Upgrade request required');
	return undefined;
}

/** Checks what the API server and kubelet check before a stream starts; refuses on the socket and returns undefined otherwise. */
function admit(upgrade: PodUpgradeRequest, selection: StreamSelection): string | undefined {
	const {pod, query, socket} = upgrade;
	if (!selection.stdin && !selection.stdout && !selection.stderr) {
		refuseUpgrade(socket, 400, 'BadRequest', 'you must specify at least 1 of stdin, stdout, stderr');
		return undefined;
	}
	const resolved = resolveContainer(pod, query.get('container'));
	if ('refusal' in resolved) {
		refuseUpgrade(socket, resolved.refusal.code, resolved.refusal.reason, resolved.refusal.message);
		return undefined;
	}
	const refusal = runningContainerRefusal(pod, resolved.container.name);
	if (refusal) {
		refuseUpgrade(socket, refusal.code, refusal.reason, refusal.message);
		return undefined;
	}
	return resolved.container.name;
}

/**
 * The pod as seen from one of its containers: an ephemeral container's programs are its own image's (busybox's
 * nslookup in an nginx pod), so that container leads the list the program lookup reads. Network and identity stay the pod's.
 */
function podFromContainer(pod: KubeObject, container: string): KubeObject {
	const ephemeral = podEphemeralContainers(pod).find(candidate => candidate.name === container);
	if (!ephemeral) return pod;
	return {...pod, spec: {...(pod.spec as Record<string, unknown>), containers: [ephemeral, ...podContainers(pod)]}};
}

/** `kubectl exec`: runs `?command=…` in the container. */
export async function handlePodExec(upgrade: PodUpgradeRequest): Promise<void> {
	const command = upgrade.query.getAll('command');
	if (command.length === 0) {
		refuseUpgrade(upgrade.socket, 400, 'BadRequest', 'you must specify at least 1 command');
		return;
	}
	const selection = streamSelection(upgrade.query);
	const container = admit(upgrade, selection);
	if (!container) return;
	const channels = await openChannels(upgrade, selection);
	if (!channels) return;
	await runInContainer({pod: podFromContainer(upgrade.pod, container), container, command, tty: selection.tty, ctx: upgrade.ctx, findProgram: upgrade.findProgram}, channels);
}

/**
 * `kubectl attach` (and `kubectl run -it`): joins the container's own process. The practice
 * cluster starts that process for the attached client, since it runs no process while nobody watches.
 */
export async function handlePodAttach(upgrade: PodUpgradeRequest): Promise<void> {
	const selection = streamSelection(upgrade.query);
	const container = admit(upgrade, selection);
	if (!container) return;
	const spec = [...podContainers(upgrade.pod), ...podEphemeralContainers(upgrade.pod)].find(candidate => candidate.name === container)!;
	// The container's process: its command and args, else the image's ENTRYPOINT and CMD (busybox: sh).
	const lookup = lookupImage(spec.image ?? '');
	const image = lookup.ok ? lookup.model : {entrypoint: [], cmd: []};
	const command = [...(spec.command ?? image.entrypoint), ...(spec.args ?? (spec.command ? [] : image.cmd))];
	const channels = await openChannels(upgrade, selection);
	if (!channels) return;
	if (command.length === 0) {
		channels.writeStderr(`attach: the practice cluster does not simulate the default process of image ${spec.image ?? '(none)'}; give the pod a command\n`);
		await channels.finish({metadata: {}, status: 'Success'});
		return;
	}
	const exitCode = await runInContainer({pod: podFromContainer(upgrade.pod, container), container, command, tty: selection.tty, ctx: upgrade.ctx, findProgram: upgrade.findProgram}, channels);
	// Detaching leaves the process running, as it does on a real node.
	if (exitCode !== undefined) containerExited(upgrade.ctx, upgrade.pod, container, exitCode);
}

/**
 * The kubelet's view of a container whose process ended: terminated, and the pod Succeeded or
 * Failed once all its containers are (restartPolicy Never or OnFailure after success); with
 * restartPolicy Always the container is restarted and its restartCount grows.
 */
function containerExited(ctx: PracticeContext, pod: KubeObject, container: string, exitCode: number): void {
	const current = ctx.store.get('v1', 'Pod', pod.metadata.namespace, pod.metadata.name);
	if (!current || current.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp) return;
	const draft = structuredClone(current);
	const restartPolicy = (draft.spec as {restartPolicy?: string}).restartPolicy ?? 'Always';
	const status = draft.status as {phase?: string; conditions?: Array<{type: string; status: string; reason?: string}>; containerStatuses?: Array<Record<string, unknown> & {name: string; state?: Record<string, unknown>}>};
	const ephemeral = (status as {ephemeralContainerStatuses?: Array<Record<string, unknown> & {name: string; state?: Record<string, unknown>}>}).ephemeralContainerStatuses?.find(candidate => candidate.name === container);
	if (ephemeral) {
		// An ephemeral container is never restarted (kuberuntime_manager.go): it stays terminated.
		const now = new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
		const startedAt = (ephemeral.state?.running as {startedAt?: string} | undefined)?.startedAt ?? now;
		ephemeral.state = {terminated: {exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: now, containerID: ephemeral.containerID}};
		delete draft.metadata.resourceVersion;
		try {
			ctx.store.update(draft);
		} catch {
			// The pod changed or went away meanwhile.
		}
		return;
	}
	const containerStatus = status.containerStatuses?.find(candidate => candidate.name === container);
	if (!containerStatus) return;
	const now = new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
	const startedAt = (containerStatus.state?.running as {startedAt?: string} | undefined)?.startedAt ?? now;
	const terminated = {exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: now, containerID: containerStatus.containerID};
	if (restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && exitCode !== 0)) {
		containerStatus.lastState = {terminated};
		containerStatus.restartCount = Number(containerStatus.restartCount ?? 0) + 1;
		containerStatus.state = {running: {startedAt: now}};
	} else {
		containerStatus.state = {terminated};
		containerStatus.ready = false;
		containerStatus.started = false;
		const allDone = status.containerStatuses!.every(candidate => candidate.state?.terminated);
		if (allDone) {
			const failed = status.containerStatuses!.some(candidate => (candidate.state!.terminated as {exitCode: number}).exitCode !== 0);
			status.phase = failed ? 'Failed' : 'Succeeded';
			for (const condition of status.conditions ?? []) {
				if (condition.type === 'Ready' || condition.type === 'ContainersReady') {
					condition.status = 'False';
					condition.reason = 'PodCompleted';
				}
			}
		}
	}
	delete draft.metadata.resourceVersion;
	try {
		ctx.store.update(draft);
	} catch {
		// The pod changed or went away meanwhile; nothing to report on.
	}
}
