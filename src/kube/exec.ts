// Running a command in a pod through client-node's Exec (WebSocket), as `kubectl exec` does.
import {Writable} from 'node:stream';
import {Exec, type KubeConfig, type V1Status} from '@kubernetes/client-node';

export interface ExecResult {
	stdout: string;
	stderr: string;
	exitCode: number;
}

export interface ExecInPodOptions {
	namespace: string;
	pod: string;
	/** Default: the pod's first container (the API server picks it when there is only one). */
	container?: string;
	command: string[];
	timeoutMs?: number;
	signal?: AbortSignal;
}

/** Output kept per stream; more is cut (checks read short outputs). */
const MAX_OUTPUT = 1024 * 1024;

/**
 * The exit code in the Status the API server sends at the end of an exec: Success → 0; Failure with reason
 * NonZeroExitCode carries it as the cause {reason: "ExitCode", message: "7"}. Undefined for any other failure
 * (e.g. the command was not found: the message says so).
 */
export function exitCodeFromStatus(status: V1Status | undefined): number | undefined {
	if (!status) return undefined;
	if (status.status === 'Success') return 0;
	if (status.reason === 'NonZeroExitCode') {
		const cause = status.details?.causes?.find(c => c.reason === 'ExitCode');
		const code = Number(cause?.message);
		return Number.isInteger(code) ? code : undefined;
	}
	return undefined;
}

class ExecFailed extends Error {
	constructor(
		message: string,
		readonly status?: V1Status,
	) {
		super(message);
	}
}

function collector(): {stream: Writable; text: () => string} {
	const chunks: Buffer[] = [];
	let size = 0;
	const stream = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			if (size < MAX_OUTPUT) {
				chunks.push(chunk.subarray(0, MAX_OUTPUT - size));
				size += chunk.length;
			}
			callback();
		},
	});
	return {stream, text: () => Buffer.concat(chunks).toString('utf8')};
}

export async function execInPod(kc: KubeConfig, options: ExecInPodOptions): Promise<ExecResult> {
	const stdout = collector();
	const stderr = collector();
	let status: V1Status | undefined;
	if (options.signal?.aborted) throw new ExecFailed('cancelled');
	const socket = await new Exec(kc).exec(options.namespace, options.pod, options.container ?? '', options.command, stdout.stream, stderr.stream, null, false, received => {
		status = received;
	});
	await new Promise<void>((resolve, reject) => {
		const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => finish(new ExecFailed(`no answer from the exec within ${options.timeoutMs} ms`)), options.timeoutMs);
		const onAbort = () => finish(new ExecFailed('cancelled'));
		options.signal?.addEventListener('abort', onAbort, {once: true});
		function finish(error?: Error) {
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', onAbort);
			if (error) {
				socket.terminate();
				reject(error);
			} else resolve();
		}
		socket.on('close', () => finish());
		socket.on('error', error => finish(error));
	});
	const exitCode = exitCodeFromStatus(status);
	if (exitCode === undefined) {
		const said = status?.message ?? 'the exec ended without a status';
		throw new ExecFailed(said, status);
	}
	return {stdout: stdout.text(), stderr: stderr.text(), exitCode};
}
