import type {IncomingMessage, ServerResponse} from 'node:http';
import type {KubeObject, PracticeContext} from '../../types.js';
import {booleanQuery, containerStatus, resolveContainer} from './pod-access.js';
import {statusBody} from './upgrade-errors.js';

/** The most lines kept per container, as the kubelet's log rotation keeps a bounded file. */
export const maxLinesPerContainer = 5000;

interface LogLine {
	time: number;
	text: string;
}

interface ContainerLog {
	lines: LogLine[];
	followers: Set<(line: LogLine) => void>;
}

const logs = new Map<string, ContainerLog>();
/** pod uid/container → the container ID of its current run (absent: one run, keyed without an ID). */
const currentRuns = new Map<string, string>();

function containerKey(pod: KubeObject, container: string): string {
	return `${pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`}/${container}`;
}

function logKey(pod: KubeObject, container: string, containerId?: string): string {
	const key = containerKey(pod, container);
	const run = containerId ?? currentRuns.get(key);
	return run ? `${key}/${run}` : key;
}

function containerLog(pod: KubeObject, container: string, containerId?: string): ContainerLog {
	const key = logKey(pod, container, containerId);
	let log = logs.get(key);
	if (!log) {
		log = {lines: [], followers: new Set()};
		logs.set(key, log);
	}
	return log;
}

/**
 * A container started again (a restart): its lines go to a new log, the run's container ID; the earlier run's log
 * stays readable by its ID (`logs --previous` reads the last terminated one), older runs are dropped as the kubelet
 * keeps only the previous container.
 */
export function startContainerRun(pod: KubeObject, container: string, containerId: string): void {
	const key = containerKey(pod, container);
	const previous = currentRuns.get(key);
	currentRuns.set(key, containerId);
	for (const logName of logs.keys()) {
		if (logName.startsWith(`${key}/`) && logName !== `${key}/${containerId}` && (previous === undefined || logName !== `${key}/${previous}`)) logs.delete(logName);
	}
	// Lines written before the first run had an ID belong to the first run.
	if (previous === undefined && logs.has(key)) {
		logs.set(`${key}/${containerId}`, logs.get(key)!);
		logs.delete(key);
	}
}

/** Appends one line (without its newline) to a container's log, as its process would print it. */
export function appendPodLog(pod: KubeObject, container: string, line: string, time = Date.now()): void {
	const log = containerLog(pod, container);
	for (const text of line.replace(/\n$/, '').split('\n')) {
		const entry = {time, text};
		log.lines.push(entry);
		for (const follower of log.followers) follower(entry);
	}
	if (log.lines.length > maxLinesPerContainer) log.lines.splice(0, log.lines.length - maxLinesPerContainer);
}

export function podLogLines(pod: KubeObject, container: string): string[] {
	return logs.get(logKey(pod, container))?.lines.map(line => line.text) ?? [];
}

/** Drops a deleted pod's logs (the kubelet removes them with the pod). */
export function forgetPodLogs(pod: KubeObject): void {
	const prefix = `${pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`}/`;
	for (const key of logs.keys()) if (key.startsWith(prefix)) logs.delete(key);
	for (const key of currentRuns.keys()) if (key.startsWith(prefix)) currentRuns.delete(key);
}

/** RFC 3339 with nanoseconds, as the kubelet stamps each line under `--timestamps`. */
export function logTimestamp(time: number): string {
	return new Date(time).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export interface PodLogRequest {
	request: IncomingMessage;
	response: ServerResponse;
	pod: KubeObject;
	query: URLSearchParams;
	ctx: PracticeContext;
}

function refuse(response: ServerResponse, message: string): void {
	response.writeHead(400, {'Content-Type': 'application/json'});
	response.end(statusBody(400, 'BadRequest', message));
}

function positiveInteger(query: URLSearchParams, name: string): number | undefined | Error {
	const text = query.get(name);
	if (text === null) return undefined;
	const value = Number(text);
	if (!Number.isInteger(value) || value < 0) return new Error(`${name}: Invalid value: ${JSON.stringify(text)}: must be a non-negative integer`);
	return value;
}

/** `GET pods/{name}/log`: the container's lines, with tailLines, sinceSeconds, sinceTime, timestamps, limitBytes, previous and follow. */
export function handlePodLog({request, response, pod, query, ctx}: PodLogRequest): void {
	const resolved = resolveContainer(pod, query.get('container'));
	if ('refusal' in resolved) {
		response.writeHead(resolved.refusal.code, {'Content-Type': 'application/json'});
		response.end(statusBody(resolved.refusal.code, resolved.refusal.reason, resolved.refusal.message));
		return;
	}
	const container = resolved.container.name;
	const podName = pod.metadata.name;
	// Which run's log: the kubelet's validateContainerLogStatus (pkg/kubelet/kubelet_pods.go).
	const status = containerStatus(pod, container) as (ReturnType<typeof containerStatus> & {
		state?: {running?: {containerID?: string}; terminated?: {containerID?: string}; waiting?: {reason?: string}};
		lastState?: {terminated?: {containerID?: string}};
	}) | undefined;
	const state = status?.state;
	const lastTerminated = status?.lastState?.terminated;
	const runId = (id: string | undefined) => id?.replace(/^\w+:\/\//, '');
	let containerId: string | undefined;
	if (booleanQuery(query, 'previous')) {
		if (!lastTerminated?.containerID) {
			refuse(response, `previous terminated container "${container}" in pod "${podName}" not found`);
			return;
		}
		containerId = runId(lastTerminated.containerID);
	} else if (state?.running) {
		containerId = runId(state.running.containerID);
	} else if (state?.terminated) {
		containerId = runId(state.terminated.containerID ?? lastTerminated?.containerID);
	} else if (lastTerminated?.containerID) {
		containerId = runId(lastTerminated.containerID);
	} else {
		const reason = state?.waiting?.reason ?? 'ContainerCreating';
		const why = reason === 'ErrImagePull' ? "image can't be pulled" : reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
		refuse(response, `container "${container}" in pod "${podName}" is waiting to start: ${why}`);
		return;
	}
	const tailLines = positiveInteger(query, 'tailLines');
	const sinceSeconds = positiveInteger(query, 'sinceSeconds');
	const limitBytes = positiveInteger(query, 'limitBytes');
	for (const value of [tailLines, sinceSeconds, limitBytes]) {
		if (value instanceof Error) {
			refuse(response, value.message);
			return;
		}
	}
	const sinceTimeText = query.get('sinceTime');
	const sinceTime = sinceTimeText ? Date.parse(sinceTimeText) : undefined;
	if (sinceTime !== undefined && Number.isNaN(sinceTime)) {
		refuse(response, `sinceTime: Invalid value: ${JSON.stringify(sinceTimeText)}: must be an RFC3339 time`);
		return;
	}
	const since = sinceTime ?? (typeof sinceSeconds === 'number' ? ctx.clock.now() - sinceSeconds * 1000 : undefined);
	const timestamps = booleanQuery(query, 'timestamps');
	const format = (line: LogLine) => `${timestamps ? `${logTimestamp(line.time)} ` : ''}${line.text}\n`;

	const log = containerLog(pod, container, currentRuns.has(containerKey(pod, container)) ? containerId : undefined);
	let lines = since === undefined ? log.lines : log.lines.filter(line => line.time >= since);
	if (typeof tailLines === 'number') lines = tailLines === 0 ? [] : lines.slice(-tailLines);
	let budget = typeof limitBytes === 'number' ? limitBytes : Number.POSITIVE_INFINITY;
	const write = (text: string): boolean => {
		if (budget <= 0) return false;
		const bytes = Buffer.from(text);
		const part = bytes.length > budget ? bytes.subarray(0, budget) : bytes;
		budget -= part.length;
		response.write(part);
		return budget > 0;
	};

	response.writeHead(200, {'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked'});
	let open = true;
	for (const line of lines) {
		if (!write(format(line))) {
			open = false;
			break;
		}
	}
	if (!booleanQuery(query, 'follow') || !open) {
		response.end();
		return;
	}
	const follower = (line: LogLine) => {
		if (!write(format(line))) stop();
	};
	const unsubscribe = ctx.store.subscribe(event => {
		if (event.type === 'DELETED' && event.object.kind === 'Pod' && event.object.metadata.uid === pod.metadata.uid
			&& event.object.metadata.name === podName && event.object.metadata.namespace === pod.metadata.namespace) stop();
	});
	function stop(): void {
		log.followers.delete(follower);
		unsubscribe();
		if (!response.writableEnded) response.end();
	}
	log.followers.add(follower);
	request.on('close', stop);
	response.on('close', stop);
}
