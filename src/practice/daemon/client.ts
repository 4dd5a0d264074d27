// The app's side of the practice daemon: start it (detached) if needed, stop it, ask its status.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {Readable} from 'node:stream';
import {writeFileAtomic} from '../../atomic-write.js';
import {practicePaths, type DaemonInfo} from './paths.js';
import {isAlive} from './pid.js';
import {parseSpeed, type PracticeSpeed} from './clock.js';
import type {StateRecovery} from '../api/persistence.js';
import {traceStartup} from '../../startup-trace.js';

export interface PracticeInfo {
	kubeconfig: string;
	binDir: string;
	/** KUBECONFIG, KUBECACHEDIR, PATH (the simulated tools first), CILIUM_LAB_PRACTICE_DIR. */
	env: Record<string, string>;
	/** From startPractice: the daemon's status as it answered while starting (saves asking again). */
	status?: PracticeStatus;
}

interface DaemonStatusAnswer {
	pid: number;
	speed: string;
	startedAt: string;
	cluster: PracticeStatus['cluster'];
	recovery?: StateRecovery | null;
}

const statusOf = (info: DaemonInfo, answer: DaemonStatusAnswer): PracticeStatus => ({
	running: true,
	pid: info.pid,
	controlPort: info.controlPort,
	apiPort: answer.cluster?.apiPort ?? info.apiPort,
	speed: answer.speed,
	cluster: answer.cluster,
	startedAt: answer.startedAt,
	recovery: answer.recovery ?? null,
});

export interface PracticeStatus {
	running: boolean;
	pid?: number;
	controlPort?: number;
	apiPort?: number | null;
	speed?: string;
	cluster?: {name: string; nodeCount: number; location: string; kubernetesVersion: string; createdAt: string; apiPort: number | null} | null;
	startedAt?: string;
	/** What this daemon could not read back from the saved state when it started (null: nothing was lost). */
	recovery?: StateRecovery | null;
	/** Not running as far as anyone can use it, yet its process is there: it holds the lock or daemon.json and does not answer. */
	unresponsive?: {pid: number; reason: string};
}

const EARLY_SPAWNS = Symbol.for('cilium-lab.practice.early-spawns');

export const SIMULATED_TOOLS = ['az', 'helm', 'cilium', 'hubble'] as const;

/** The package root (where dist/ lives), from the bundle or from the sources. */
function packageRoot(): string {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (let depth = 0; depth < 6; depth++) {
		if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
		dir = path.dirname(dir);
	}
	return process.cwd();
}

function distFile(name: string): string {
	return path.join(packageRoot(), 'dist', name);
}

function daemonScript(): string {
	return process.env.CILIUM_LAB_PRACTICE_DAEMON ?? distFile('practice-daemon.js');
}

function readInfo(home: string): DaemonInfo | undefined {
	try {
		return JSON.parse(fs.readFileSync(practicePaths(home).info, 'utf8')) as DaemonInfo;
	} catch {
		return undefined;
	}
}

/** A request to the daemon's control port, over HTTPS with its CA and token. */
export async function controlRequest<T>(info: DaemonInfo, method: string, pathname: string, body?: unknown, timeoutMs = 60_000): Promise<T> {
	// Loaded on first use: `practice start` of a stopped daemon never needs it, and it costs start-up time.
	const {default: https} = await import('node:https');
	const ca = fs.readFileSync(info.caFile, 'utf8');
	const payload = body === undefined ? undefined : JSON.stringify(body);
	return new Promise<T>((resolve, reject) => {
		const req = https.request(
			{host: '127.0.0.1', port: info.controlPort, method, path: pathname, ca, servername: 'localhost', headers: {Authorization: `Bearer ${info.token}`, ...(payload ? {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload)} : {})}, timeout: timeoutMs},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let parsed: unknown;
					try {
						parsed = JSON.parse(text);
					} catch {
						parsed = text;
					}
					if ((res.statusCode ?? 500) >= 400) reject(new Error(`practice daemon answered ${res.statusCode}: ${(parsed as {message?: string})?.message ?? text}`));
					else resolve(parsed as T);
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error(`the practice daemon did not answer ${method} ${pathname} in ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end(payload);
	});
}

/** The shims on PATH: each runs the tool entry with node, pointing it at this practice directory. */
function writeShims(binDir: string, practiceDir: string): void {
	fs.mkdirSync(binDir, {recursive: true});
	const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
	const toolEntry = process.env.CILIUM_LAB_PRACTICE_TOOL ?? distFile('practice-tool.js');
	for (const tool of SIMULATED_TOOLS) {
		const file = path.join(binDir, tool);
		const text = `#!/bin/sh\n# cilium-lab practice cluster: the simulated ${tool}\nCILIUM_LAB_PRACTICE_DIR=${quote(practiceDir)} exec ${quote(process.execPath)} ${quote(toolEntry)} ${tool} "$@"\n`;
		let current: string | undefined;
		try {
			current = fs.readFileSync(file, 'utf8');
		} catch {
			current = undefined;
		}
		if (current !== text) writeFileAtomic(file, text, {mode: 0o755, durable: false});
	}
}

export function practiceEnv(home: string, basePath = process.env.PATH ?? ''): PracticeInfo {
	const paths = practicePaths(home);
	return {
		kubeconfig: paths.kubeconfig,
		binDir: paths.bin,
		env: {
			KUBECONFIG: paths.kubeconfig,
			KUBECACHEDIR: paths.kubeCache,
			PATH: basePath ? `${paths.bin}${path.delimiter}${basePath}` : paths.bin,
			CILIUM_LAB_PRACTICE_DIR: paths.dir,
		},
	};
}

async function runningInfo(home: string): Promise<{info: DaemonInfo; status: PracticeStatus} | undefined> {
	const info = readInfo(home);
	if (!info || !isAlive(info.pid)) return undefined;
	try {
		const answer = await controlRequest<DaemonStatusAnswer>(info, 'GET', '/practice/v1/status', undefined, 5_000);
		return {info, status: statusOf(info, answer)};
	} catch {
		return undefined;
	}
}

/** Spawns the daemon detached and waits for the line it writes on fd 3 when it is ready. */
async function spawnDaemon(home: string, speed: PracticeSpeed): Promise<Partial<DaemonStatusAnswer> | undefined> {
	const paths = practicePaths(home);
	fs.mkdirSync(paths.dir, {recursive: true, mode: 0o700});
	const script = daemonScript();
	if (!fs.existsSync(script)) throw new Error(`the practice daemon is not built (${script} is missing): run \`npm run build\``);
	const logFd = fs.openSync(paths.log, 'a', 0o600);
	const logStart = fs.fstatSync(logFd).size;
	traceStartup('practice: spawn daemon');
	const child = spawn(process.execPath, [script, '--home', path.resolve(home), '--speed', speed], {
		detached: true,
		stdio: ['ignore', logFd, logFd, 'pipe'],
		env: {...process.env, CILIUM_LAB_PRACTICE_SPEED: speed},
	});
	fs.closeSync(logFd);
	const pipe = child.stdio[3] as Readable;
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	const message = await new Promise<{ready?: boolean; alreadyRunning?: boolean; error?: string} & Partial<DaemonStatusAnswer>>((resolve) => {
		let text = '';
		pipe.setEncoding('utf8');
		pipe.on('data', (chunk: string) => {
			text += chunk;
			if (text.includes('\n')) resolve(JSON.parse(text.slice(0, text.indexOf('\n'))));
		});
		pipe.on('error', () => {});
		// Closed without a line: the daemon died before it could say why (an error while its code loaded); its log says.
		pipe.on('close', () => {
			if (!text.includes('\n')) void exited.then((code) => resolve({error: `the practice daemon exited with code ${code} before it was ready${logError(paths.log, logStart)}; see ${paths.log}`}));
		});
	});
	pipe.destroy();
	child.unref();
	traceStartup('practice: daemon ready');
	if (message.error) throw new Error(message.error);
	if (message.alreadyRunning) {
		// Another start won the race; wait for its daemon.json.
		for (let attempt = 0; attempt < 100; attempt++) {
			if (await runningInfo(home)) return undefined;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		throw new Error(`another practice daemon holds ${paths.lock} but does not answer; stop it or remove the file`);
	}
	return message;
}

/** The error a dying daemon's log shows since `offset` (Node's report of an uncaught error), as `: Error: …`, or ''. */
function logError(logFile: string, offset: number): string {
	let text: string;
	try {
		const fd = fs.openSync(logFile, 'r');
		try {
			const length = Math.max(0, Math.min(fs.fstatSync(fd).size - offset, 64 * 1024));
			const buffer = Buffer.alloc(length);
			fs.readSync(fd, buffer, 0, length, offset);
			text = buffer.toString('utf8');
		} finally {
			fs.closeSync(fd);
		}
	} catch {
		return '';
	}
	const line = /^\s*(?:[A-Z]\w*)?Error\b.*$/m.exec(text)?.[0].trim();
	return line ? `: ${line.length > 300 ? `${line.slice(0, 300)}…` : line}` : '';
}

const keepAliveTimers = new Map<string, NodeJS.Timeout>();

/**
 * While this process runs (the app a learner left open overnight), asks the daemon its status often enough that
 * it never stops for idleness under it. Never starts it again: once it is gone (stopped, home deleted), it stays so.
 */
function keepPracticeAlive(home: string, info: DaemonInfo): void {
	const key = path.resolve(home);
	if (keepAliveTimers.has(key) || !info.idleExitSeconds) return;
	const intervalMs = Math.min(10 * 60_000, Math.max(1_000, (info.idleExitSeconds * 1000) / 3));
	const timer = setInterval(() => {
		const current = readInfo(home);
		if (!current || current.pid !== info.pid || !isAlive(current.pid)) {
			clearInterval(timer);
			keepAliveTimers.delete(key);
			return;
		}
		controlRequest(current, 'GET', '/practice/v1/status', undefined, 5_000).catch(() => undefined);
	}, intervalMs);
	timer.unref();
	keepAliveTimers.set(key, timer);
}

/**
 * Daemons spawnDaemonEarly started, by lab home, until startPractice takes theirs. Shared through the global object:
 * the app's loader (src/load.ts, its own bundle) spawns the daemon before the app's bundle, with its own copy of
 * this module, has loaded.
 */
type EarlySpawn = {speed: PracticeSpeed; ready: ReturnType<typeof spawnDaemon>};
const earlySpawns = ((globalThis as {[EARLY_SPAWNS]?: Map<string, EarlySpawn>})[EARLY_SPAWNS] ??= new Map<string, EarlySpawn>());

/**
 * Spawns the daemon of `home` now, when none runs there, for the startPractice that follows in this process to wait
 * for (`cilium-lab practice start` calls it before the rest of the CLI has loaded). Its failures come out of that
 * startPractice, as they would have.
 */
export function spawnDaemonEarly(home: string, speed: PracticeSpeed): void {
	const info = readInfo(home);
	if (info && isAlive(info.pid)) return;
	const ready = spawnDaemon(home, speed);
	ready.catch(() => undefined);
	earlySpawns.set(path.resolve(home), {speed, ready});
}

/** `keepAlive`: this process uses the cluster for as long as it runs (the app), so the daemon must not idle out under it. */
export async function startPractice(options: {home: string; speed?: PracticeSpeed; track?: string; keepAlive?: boolean}): Promise<PracticeInfo> {
	const {home} = options;
	const paths = practicePaths(home);
	const speed = options.speed ?? parseSpeed(process.env.CILIUM_LAB_PRACTICE_SPEED);
	const early = earlySpawns.get(path.resolve(home));
	earlySpawns.delete(path.resolve(home));
	const spawned = early?.speed === speed ? early.ready : undefined;
	// A daemon spawned early is the one to wait for: asking daemon.json now could find it half started.
	const running = spawned ? undefined : await runningInfo(home);
	let info = running?.info;
	let status = running?.status;
	if (!info) {
		const starting = spawned ?? spawnDaemon(home, speed);
		// Written while the daemon boots.
		writeShims(paths.bin, paths.dir);
		const ready = await starting;
		info = readInfo(home);
		if (!info) throw new Error(`the practice daemon started but wrote no ${paths.info}`);
		status = ready?.speed && ready.startedAt && ready.cluster !== undefined ? statusOf(info, ready as DaemonStatusAnswer) : undefined;
	} else writeShims(paths.bin, paths.dir);
	if (options.track === 'k8s' && (info.apiPort === null || !fs.existsSync(paths.kubeconfig))) {
		await controlRequest(info, 'POST', '/practice/v1/cluster', {name: 'practice', nodeCount: 3, writeKubeconfig: true, platform: 'k8s'});
		status = undefined;
	}
	if (options.keepAlive) keepPracticeAlive(home, info);
	return {...practiceEnv(home), ...(status ? {status} : {})};
}

/**
 * A daemon still starting: it holds the lock but has not written daemon.json yet, or it has just been spawned and
 * not taken the lock yet (the app spawns it at once and may be quit, or killed, a moment later). Linux only: found
 * by its command line, which names this very home (a stale lock's pid may belong to another process by now).
 */
function bootingDaemon(home: string): number | undefined {
	const paths = practicePaths(home);
	let lockPid = 0;
	try {
		lockPid = Number(fs.readFileSync(paths.lock, 'utf8').trim());
	} catch {
		// No lock yet.
	}
	if (lockPid && startedFor(lockPid, home)) return lockPid;
	let pids: string[];
	try {
		pids = fs.readdirSync('/proc').filter(name => /^\d+$/.test(name));
	} catch {
		return undefined;
	}
	// Not locked yet: only a process running the daemon's script for this home.
	return pids.map(Number).find(pid => startedFor(pid, home, {daemonScript: true}));
}

/** Whether `pid` is a live process (not this one) started with `--home` = home, and running the daemon's script if asked. */
function startedFor(pid: number, home: string, {daemonScript: mustRunDaemon = false} = {}): boolean {
	if (pid === process.pid) return false;
	let args: string[];
	try {
		args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
	} catch {
		return false;
	}
	const homeAt = args.indexOf('--home');
	// The daemon runs as `node <script> --home …`; a process that merely names the script further on (a wrapper) is not it.
	const runsDaemon = homeAt === 2 && (args[1] === daemonScript() || /practice-daemon\.c?js$/.test(args[1] ?? ''));
	return homeAt > 0 && (!mustRunDaemon || runsDaemon) && path.resolve(args[homeAt + 1] ?? '') === path.resolve(home) && isAlive(pid);
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
	for (let waited = 0; waited < timeoutMs && isAlive(pid); waited += 25) await new Promise((resolve) => setTimeout(resolve, 25));
	if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

export async function stopPractice(home: string): Promise<void> {
	clearInterval(keepAliveTimers.get(path.resolve(home)));
	keepAliveTimers.delete(path.resolve(home));
	const info = readInfo(home);
	if (!info || !isAlive(info.pid)) {
		fs.rmSync(practicePaths(home).info, {force: true});
		const booting = bootingDaemon(home);
		if (booting !== undefined) {
			// Nothing acknowledged yet to lose: SIGTERM ends it (cleanly, once its handlers are in place).
			process.kill(booting, 'SIGTERM');
			await waitForExit(booting, 10_000);
		}
		return;
	}
	try {
		await controlRequest(info, 'POST', '/practice/v1/shutdown', undefined, 5_000);
	} catch {
		try {
			process.kill(info.pid, 'SIGTERM');
		} catch {
			// Already gone.
		}
	}
	await waitForExit(info.pid, 10_000);
}

/** Running (it answers), not running, or running but not answering (with the pid and what went wrong). */
export async function practiceStatus(home: string): Promise<PracticeStatus> {
	const info = readInfo(home);
	if (info && isAlive(info.pid)) {
		try {
			const answer = await controlRequest<DaemonStatusAnswer>(info, 'GET', '/practice/v1/status', undefined, 5_000);
			return statusOf(info, answer);
		} catch (error) {
			return {running: false, unresponsive: {pid: info.pid, reason: (error as Error).message}};
		}
	}
	const booting = bootingDaemon(home);
	if (booting !== undefined) return {running: false, unresponsive: {pid: booting, reason: `it is starting (or stuck): it has not said where it listens in ${practicePaths(home).info}`}};
	return {running: false};
}
