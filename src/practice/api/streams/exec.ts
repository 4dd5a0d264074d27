import type {KubeObject, PodProgram, PracticeContext, ProgramIO} from '../../types.js';
import {podEnvironment} from '../../datapath/programs/builtins.js';
import {findPodProgram} from '../../datapath/programs/index.js';

/** Which program a command names in a pod; `undefined` when the practice cluster does not simulate it. */
export type ProgramLookup = (command: string, pod: KubeObject) => PodProgram | undefined;

/** A Kubernetes Status as it travels on the exec error channel. */
export interface StreamStatus {
	metadata: Record<string, never>;
	status: 'Success' | 'Failure';
	message?: string;
	reason?: string;
	details?: {causes: Array<{reason: string; message: string}>};
}

/** What a transport (WebSocket or SPDY) gives the exec machinery, whatever its framing. */
export interface ExecChannels {
	stdin?: AsyncIterable<Buffer>;
	writeStdout(data: string): void;
	writeStderr(data: string): void;
	onResize(listener: (size: {cols: number; rows: number}) => void): void;
	/** Sends the final Status and closes the streams. */
	finish(status: StreamStatus): Promise<void>;
	/** Aborted when the client goes away. */
	closed: AbortSignal;
}

export interface ExecOptions {
	pod: KubeObject;
	container: string;
	command: string[];
	tty: boolean;
	ctx: PracticeContext;
	/** Where the command's program comes from (default: what the pod's image carries, `findPodProgram`). */
	findProgram?: ProgramLookup;
}

function notSimulatedMessage(command: string): string {
	return `sh: ${command}: command not simulated in the practice cluster\n`;
}

export function exitStatus(command: string[], exitCode: number): StreamStatus {
	if (exitCode === 0) return {metadata: {}, status: 'Success'};
	return {
		metadata: {},
		status: 'Failure',
		message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
		reason: 'NonZeroExitCode',
		details: {causes: [{reason: 'ExitCode', message: String(exitCode)}]},
	};
}

/**
 * Runs `command` in the pod's container over `channels`, then reports its exit code as a Status.
 * Resolves with the exit code, or undefined when the client left before the program ended.
 */
export async function runInContainer(options: ExecOptions, channels: ExecChannels): Promise<number | undefined> {
	const {pod, container, command, tty, ctx, findProgram = findPodProgram} = options;
	const abort = new AbortController();
	const onClientGone = () => abort.abort();
	channels.closed.addEventListener('abort', onClientGone, {once: true});
	const resizeListeners: Array<(size: {cols: number; rows: number}) => void> = [];
	channels.onResize(size => {
		for (const listener of resizeListeners) listener(size);
	});

	const toTerminal = (text: string) => (tty ? text.replace(/\r?\n/g, '\r\n') : text);
	let stdin: AsyncIterable<string> | undefined;
	if (channels.stdin) {
		stdin = tty && !editsOwnLine(command)
			? cookedTerminalInput(channels.stdin, echo => channels.writeStdout(echo), () => abort.abort())
			: decodeText(channels.stdin);
	}
	const io: ProgramIO = {
		stdout: {write: text => channels.writeStdout(toTerminal(text))},
		stderr: {write: text => (tty ? channels.writeStdout(toTerminal(text)) : channels.writeStderr(text))},
		stdin,
		tty,
		onResize: listener => resizeListeners.push(listener),
		signal: abort.signal,
		env: {...podEnvironment(pod, container), ...(tty ? {TERM: 'xterm'} : {})},
	};

	let exitCode: number;
	const program = findProgram(command[0] ?? '', pod);
	if (!program) {
		io.stderr.write(notSimulatedMessage(command[0] ?? ''));
		exitCode = 127;
	} else {
		try {
			exitCode = await program(command, io, pod, ctx);
		} catch (error) {
			io.stderr.write(`${command[0]}: ${error instanceof Error ? error.message : String(error)}\n`);
			exitCode = 1;
		}
	}
	channels.closed.removeEventListener('abort', onClientGone);
	// A client that went away (detached) leaves no one to tell, and says nothing of how the program ended.
	if (channels.closed.aborted) return undefined;
	await channels.finish(exitStatus(command, exitCode));
	return exitCode;
}

/** An interactive shell switches the terminal to raw mode and edits (and echoes) its own line, as ash and bash do. */
function editsOwnLine(command: string[]): boolean {
	const name = command[0]?.split('/').pop() ?? '';
	return /^(sh|ash|bash|zsh)$/.test(name) && !command.includes('-c');
}

async function * decodeText(chunks: AsyncIterable<Buffer>): AsyncIterable<string> {
	const decoder = new TextDecoder();
	for await (const chunk of chunks) {
		const text = decoder.decode(chunk, {stream: true});
		if (text) yield text;
	}
}

/**
 * The terminal's line discipline in canonical mode, as a pty gives a shell's children: the
 * local terminal is raw under `kubectl exec -t`, so the remote side echoes what is typed, edits
 * the line on backspace, hands over whole lines on Enter, ends input on Ctrl-D and interrupts on Ctrl-C.
 */
export async function * cookedTerminalInput(
	chunks: AsyncIterable<Buffer>,
	echo: (text: string) => void,
	interrupt: () => void,
): AsyncIterable<string> {
	const decoder = new TextDecoder();
	let line = '';
	let escape = false;
	for await (const chunk of chunks) {
		for (const character of decoder.decode(chunk, {stream: true})) {
			if (escape) {
				// Skip an escape sequence (arrows, function keys) up to its final letter or tilde.
				if (/[A-Za-z~]/.test(character)) escape = false;
				continue;
			}
			switch (character) {
				case '\u001B':
					escape = true;
					break;
				case '\r':
				case '\n':
					echo('\r\n');
					yield `${line}\n`;
					line = '';
					break;
				case '\u007F':
				case '\b':
					if (line.length > 0) {
						line = [...line].slice(0, -1).join('');
						echo('\b \b');
					}
					break;
				case '\u0003':
					echo('^C\r\n');
					line = '';
					interrupt();
					break;
				case '\u0004':
					if (line.length === 0) return;
					yield line;
					line = '';
					break;
				default:
					if (character >= ' ' || character === '\t') {
						line += character;
						echo(character);
					}
			}
		}
	}
	if (line) yield line;
}

/** An async iterable fed by pushes: how transport callbacks become a program's stdin. */
export class ByteQueue implements AsyncIterable<Buffer> {
	private readonly chunks: Buffer[] = [];
	private ended = false;
	private wake: (() => void) | undefined;

	push(chunk: Buffer): void {
		if (this.ended) return;
		this.chunks.push(chunk);
		this.wake?.();
	}

	end(): void {
		this.ended = true;
		this.wake?.();
	}

	async * [Symbol.asyncIterator](): AsyncIterator<Buffer> {
		for (;;) {
			const chunk = this.chunks.shift();
			if (chunk) {
				yield chunk;
				continue;
			}
			if (this.ended) return;
			await new Promise<void>(resolve => {
				this.wake = resolve;
			});
			this.wake = undefined;
		}
	}
}
