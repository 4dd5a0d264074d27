// Runs a lesson's shell text the way a person would (`bash -c`), streaming its output line by line.
//
// stdout and stderr share ONE pipe: the child's fd 2 is a duplicate of its fd 1. Measured with a script that
// alternates `echo` to stdout and stderr 3000 times, two pipes (execa's `all`, or one reader per pipe) put
// 30–90 % of the lines out of order; one pipe keeps them exactly as written. The price is that a line cannot say
// which stream it came from (its stream is `output`), which is what a terminal shows too.
import fs from 'node:fs';
import path from 'node:path';
import {constants as osConstants} from 'node:os';
import {execa} from 'execa';
import {LineBatcher, type LinesListener} from './lines.js';
import {KILL_GRACE_MS, groupAlive, signalGroup, terminateGroup} from './process-group.js';
import type {RunOutcome} from './types.js';
import {removePidRecord, writePidRecord} from './pid-records.js';
import {describeErrno} from '../errors.js';

export interface RunCommandOptions {
	/** Shell text, run with `bash -c`. */
	script: string;
	/** Exactly the environment the command gets (nothing of this process's environment is added). */
	env: Record<string, string>;
	cwd?: string;
	/** Ends the command (and says so) after this long. */
	timeoutMs?: number;
	/** Aborting cancels the command and its whole process tree. */
	signal?: AbortSignal;
	/**
	 * Called with batches of lines, at most once per `batchMs` (earlier when output floods in). With `tailLines`,
	 * a batch holds at most that many lines, the newest, and `skipped` counts the lines before them.
	 */
	onLines?: LinesListener;
	batchMs?: number;
	/** A screen that shows N lines passes N: lines it would never show are counted, not split (the log has them). */
	tailLines?: number;
	/** Every line also goes here (the directory is created). */
	logFile?: string;
	/** SIGTERM first; SIGKILL after this long. */
	killGraceMs?: number;
	/** Called once the command runs, with its pid (which is also its process group id). */
	onStart?: (pid: number) => void;
	/** A pid file goes here while the command runs (`<home>/jobs`), so a start after a `kill -9` of the app stops it. */
	pidDir?: string;
	/** The pid file's name for the command (a step's lesson/step). */
	pidName?: string;
}

/** How long after the shell exits its output may stay open (a process it left in the background) before that process is stopped. */
const LINGER_MS = 300;

// `exec` keeps the pid (the process group leader) while giving the script's shell one pipe for fd 1 and fd 2.
// The script arrives as "$1", never spliced into shell text; inside it $0 is "bash", as with a plain `bash -c`.
const MERGE_STREAMS = 'exec bash -c "$1" bash 2>&1';

export async function runCommand(options: RunCommandOptions): Promise<RunOutcome> {
	const started = Date.now();
	const elapsed = () => Date.now() - started;
	const graceMs = options.killGraceMs ?? KILL_GRACE_MS;
	// A log that cannot be written (a full disk) costs the log, never the command: the output goes on to the screen.
	let logFailed = (_code: string) => {};
	const log = options.logFile ? await openLog(options.logFile, (code) => logFailed(code)) : undefined;
	const withLog = (outcome: RunOutcome): RunOutcome => {
		if (!options.logFile) return outcome;
		const incomplete = log?.incomplete();
		return {...outcome, logFile: options.logFile, ...(incomplete ? {logIncomplete: incomplete} : {})};
	};

	if (options.signal?.aborted) {
		await log?.close();
		return withLog({kind: 'cancelled', durationMs: 0});
	}

	const onLines: LinesListener = (lines, skipped) => options.onLines?.(lines, skipped);
	const batching = {intervalMs: options.batchMs ?? 50, tailLines: options.tailLines};
	const output = new LineBatcher(onLines, 'output', batching);
	const errors = new LineBatcher(onLines, 'stderr', batching); // only the outer shell's own complaints land here
	const notice = (text: string) => {
		output.pushLine({stream: 'stderr', text});
		log?.write(text + '\n');
	};
	logFailed = (code) => output.pushLine({stream: 'stderr', text: `[cilium-lab] the log ${options.logFile} cannot be written (${describeErrno(code)}); it is incomplete, the output goes on here`});
	const failedAtOpen = log?.incomplete();
	if (failedAtOpen) logFailed(failedAtOpen);

	const subprocess = execa('bash', ['-c', MERGE_STREAMS, 'cilium-lab', options.script], {
		env: options.env,
		extendEnv: false,
		cwd: options.cwd,
		detached: true,
		cleanup: false,
		buffer: false,
		reject: false,
		stdin: 'ignore',
		encoding: 'buffer',
	});

	let ending: 'cancelled' | 'timedOut' | undefined;
	let stopping: Promise<void> | undefined;
	const stopTree = (why: 'cancelled' | 'timedOut') => {
		ending ??= why;
		if (subprocess.pid !== undefined) stopping ??= terminateGroup(subprocess.pid, graceMs);
	};
	const onAbort = () => stopTree('cancelled');
	options.signal?.addEventListener('abort', onAbort, {once: true});
	const timeout = options.timeoutMs !== undefined ? setTimeout(() => stopTree('timedOut'), options.timeoutMs) : undefined;

	if (subprocess.pid !== undefined) {
		if (options.pidDir) writePidRecord(options.pidDir, {pid: subprocess.pid, name: options.pidName ?? 'command', command: options.script, since: new Date(started).toISOString(), kind: 'step'});
		options.onStart?.(subprocess.pid);
	}
	subprocess.stdout?.on('data', (chunk: Buffer) => {
		log?.write(chunk);
		output.write(chunk);
	});
	subprocess.stderr?.on('data', (chunk: Buffer) => {
		log?.write(chunk);
		errors.write(chunk);
	});

	// A process the script left running in the background keeps the pipe open; once the shell is gone, stop it.
	let lingerTimer: NodeJS.Timeout | undefined;
	subprocess.once('exit', () => {
		lingerTimer = setTimeout(() => {
			const pid = subprocess.pid;
			if (pid !== undefined && groupAlive(pid)) {
				notice('[cilium-lab] the command left processes running in the background; stopping them');
				stopping ??= terminateGroup(pid, graceMs);
			}
			// Something that left the group (setsid, disown + new session) may still hold the pipe.
			setTimeout(() => {
				subprocess.stdout?.destroy();
				subprocess.stderr?.destroy();
			}, graceMs + 200).unref();
		}, LINGER_MS);
	});

	const result = await subprocess;
	clearTimeout(lingerTimer);
	clearTimeout(timeout);
	options.signal?.removeEventListener('abort', onAbort);
	// One that let go of the output (`nohup … >/dev/null &`) is stopped too: a command leaves nothing running.
	if (!stopping && subprocess.pid !== undefined && groupAlive(subprocess.pid)) {
		notice('[cilium-lab] the command left processes running in the background; stopping them');
		stopping = terminateGroup(subprocess.pid, graceMs);
	}
	await stopping;
	if (options.pidDir && subprocess.pid !== undefined && !groupAlive(subprocess.pid)) removePidRecord(options.pidDir, subprocess.pid);
	output.end();
	errors.end();
	await log?.close();
	const durationMs = elapsed();

	if (ending === 'cancelled') return withLog({kind: 'cancelled', durationMs});
	if (ending === 'timedOut') return withLog({kind: 'timedOut', timeoutMs: options.timeoutMs!, durationMs});
	if (typeof result.exitCode === 'number') return withLog({kind: 'exited', exitCode: result.exitCode, durationMs});
	if (result.signal) {
		const number = osConstants.signals[result.signal as NodeJS.Signals] ?? 0;
		return withLog({kind: 'exited', exitCode: 128 + number, signal: result.signal, durationMs});
	}
	return withLog({kind: 'failedToStart', message: startFailure(result, options), durationMs});
}

function startFailure(result: {message?: string; cause?: unknown}, options: RunCommandOptions): string {
	const cause = result.cause as NodeJS.ErrnoException | undefined;
	if (cause?.code === 'ENOENT' && options.cwd && !fs.existsSync(options.cwd)) return `the working directory ${options.cwd} does not exist`;
	if (cause?.code === 'ENOENT') return `bash was not found on PATH (${options.env.PATH ?? 'PATH is not set'})`;
	return cause?.message ?? result.message ?? 'the command could not be started';
}

/**
 * The whole output, as it came, however long. A write that fails (ENOSPC on a full disk, EIO, a home made read-only
 * underneath) ends the log, not the command: `onFailure` hears why once, the rest of the output is dropped from the
 * log, and on close a last line says the log is incomplete where the disk takes it (space may have come back).
 */
async function openLog(file: string, onFailure: (code: string) => void) {
	/** The errno code of the first failed write. */
	let failure: string | undefined;
	const fail = (error: unknown) => {
		if (failure !== undefined) return;
		failure = (error as NodeJS.ErrnoException).code ?? 'EIO';
		onFailure(failure);
	};
	let stream: fs.WriteStream | undefined;
	try {
		// Full az/kubectl output (subscription ids, tokens a tool may print): private to the user, whatever the umask.
		await fs.promises.mkdir(path.dirname(file), {recursive: true, mode: 0o700}).catch(async (error: NodeJS.ErrnoException) => {
			// Node's recursive mkdir says ENOENT where the file system refused (EROFS, EACCES): one level, to learn why.
			if (error.code !== 'ENOENT') throw error;
			await fs.promises.mkdir(path.dirname(file), {mode: 0o700});
		});
		stream = fs.createWriteStream(file, {flags: 'w', mode: 0o600});
		stream.once('open', () => fs.chmod(file, 0o600, () => undefined));
		stream.on('error', fail);
	} catch (error) {
		fail(error);
	}
	return {
		write(data: Buffer | string) {
			if (failure === undefined) stream?.write(data);
		},
		incomplete: () => failure,
		close(): Promise<void> {
			return new Promise<void>((resolve) => {
				if (!stream || stream.destroyed) return resolve();
				stream.end((error?: Error | null) => {
					if (error) fail(error);
					resolve();
				});
			}).then(() => {
				if (failure === undefined) return;
				try {
					fs.appendFileSync(file, `\n[cilium-lab] this log is incomplete: ${describeErrno(failure)}\n`, {mode: 0o600});
				} catch {
					// Still no room: the outcome says it (logIncomplete).
				}
			});
		},
	};
}

/** A fresh log file path under the lab home: <home>/logs/<time>-<label>.log */
export function logFileFor(home: string, label: string): string {
	const stamp = new Date().toISOString().replace(/[:.]/g, '-');
	const safe = label.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'command';
	return path.join(home, 'logs', `${stamp}-${safe}.log`);
}

export {signalGroup};
