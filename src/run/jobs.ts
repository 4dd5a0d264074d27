// Background jobs (e.g. `kubectl port-forward …`): they keep running while the learner moves on and are stopped
// when the app exits, however it exits. A pid file per job under the lab home lets a later start stop the ones a
// `kill -9` of the app left behind.
import fs from 'node:fs';
import path from 'node:path';
import {onExit} from 'signal-exit';
import {runCommand} from './runner.js';
import {groupAlive, readStat, signalGroup, terminateGroup} from './process-group.js';
import type {JobInfo, RunOutcome, StartJobOptions} from './types.js';
import {removePidRecord, startTimeOf, writePidRecord, type PidRecord} from './pid-records.js';

export type {JobInfo, StartJobOptions};

interface Job extends JobInfo {
	controller: AbortController;
	done: Promise<RunOutcome>;
}

const live = new Set<JobManager>();
let exitHandlerInstalled = false;

function installExitHandler(): void {
	if (exitHandlerInstalled) return;
	exitHandlerInstalled = true;
	// Synchronous: on exit there is no later tick to wait in.
	onExit(() => {
		for (const manager of live) manager.stopAllNow();
	});
}

export class JobManager {
	private readonly jobs = new Map<number, Job>();
	private nextId = 1;
	private readonly listeners = new Set<() => void>();
	private readonly pidDir: string;

	constructor(readonly home: string) {
		this.pidDir = path.join(home, 'jobs');
		installExitHandler();
		live.add(this);
	}

	start(options: StartJobOptions): JobInfo {
		const controller = new AbortController();
		const id = this.nextId++;
		const job = {
			id,
			name: options.name,
			command: options.script,
			pid: undefined,
			since: new Date(),
			lastLine: undefined,
			logFile: options.logFile,
			outcome: undefined,
			controller,
		} as Omit<Job, 'done'> as Job;
		job.done = runCommand({
			script: options.script,
			env: options.env,
			cwd: options.cwd,
			logFile: options.logFile,
			signal: controller.signal,
			tailLines: 1,
			batchMs: 200,
			onStart: pid => {
				job.pid = pid;
				this.writePidFile(job);
			},
			onLines: lines => {
				const last = lines.at(-1)?.text;
				if (last !== undefined && last !== job.lastLine) {
					job.lastLine = last;
					this.changed();
				}
			},
		}).then(outcome => {
			job.outcome = outcome;
			if (job.pid !== undefined) this.removePidFile(job.pid);
			this.changed();
			return outcome;
		});
		this.jobs.set(id, job);
		this.changed();
		return this.info(job);
	}

	/** Every job, the ended ones too (until `forget`), oldest first. */
	list(): JobInfo[] {
		return [...this.jobs.values()].map(job => this.info(job));
	}

	running(): JobInfo[] {
		return this.list().filter(job => job.outcome === undefined);
	}

	/** SIGTERM to its process group, SIGKILL after the grace period; resolves with how it ended. */
	async stop(id: number): Promise<RunOutcome | undefined> {
		const job = this.jobs.get(id);
		if (!job) return undefined;
		job.controller.abort();
		return job.done;
	}

	async stopAll(): Promise<void> {
		await Promise.all([...this.jobs.keys()].map(id => this.stop(id)));
	}

	/** Drops an ended job from the list. */
	forget(id: number): void {
		if (this.jobs.get(id)?.outcome) {
			this.jobs.delete(id);
			this.changed();
		}
	}

	/** Called whenever a job starts, prints a new last line or ends. Returns the unsubscribe function. */
	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** For the moment the app exits: SIGTERM to every job's group, a short synchronous wait, then SIGKILL. */
	stopAllNow(graceMs = 500): void {
		const pids = [...this.jobs.values()].filter(job => job.outcome === undefined && job.pid !== undefined).map(job => job.pid!);
		for (const pid of pids) signalGroup(pid, 'SIGTERM');
		const deadline = Date.now() + graceMs;
		const pause = new Int32Array(new SharedArrayBuffer(4));
		while (Date.now() < deadline && pids.some(pid => groupAlive(pid))) Atomics.wait(pause, 0, 0, 10);
		for (const pid of pids) {
			if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
			this.removePidFile(pid);
		}
	}

	/** Stops jobs whose app is gone (it was killed with SIGKILL, or crashed hard) and removes their pid files. */
	async reapOrphans(): Promise<Array<{name: string; pid: number; command: string}>> {
		let files: string[];
		try {
			files = fs.readdirSync(this.pidDir).filter(file => file.endsWith('.json'));
		} catch {
			return [];
		}
		const reaped: Array<{name: string; pid: number; command: string}> = [];
		for (const file of files) {
			const full = path.join(this.pidDir, file);
			let record: PidRecord;
			try {
				record = JSON.parse(fs.readFileSync(full, 'utf8')) as PidRecord;
			} catch {
				fs.rmSync(full, {force: true});
				continue;
			}
			if (record.ownerPid !== process.pid && ownerRuns(record)) continue; // another running app's job
			if (isSameGroup(record)) {
				await terminateGroup(record.pid);
				reaped.push({name: record.name, pid: record.pid, command: record.command});
			}
			fs.rmSync(full, {force: true});
		}
		return reaped;
	}

	/** Stops every job and stops watching for the app's exit. */
	async dispose(): Promise<void> {
		await this.stopAll();
		live.delete(this);
	}

	private info(job: Job): JobInfo {
		const {controller: _controller, done: _done, ...info} = job;
		return {...info};
	}

	private changed(): void {
		for (const listener of this.listeners) listener();
	}

	private writePidFile(job: Job): void {
		writePidRecord(this.pidDir, {pid: job.pid!, name: job.name, command: job.command, since: job.since.toISOString(), kind: 'job'});
	}

	private removePidFile(pid: number): void {
		removePidRecord(this.pidDir, pid);
	}
}

/** A process group the lab started (a background job, a step's command) that still runs, from its pid file. */
export interface RecordedProcess extends PidRecord {
	/** The app (or run) that started it still runs. */
	ownerAlive: boolean;
}

/** What the pid files under `<home>/jobs/` say still runs (any app instance on this home, a killed one's too). */
export function recordedProcesses(home: string): RecordedProcess[] {
	const dir = path.join(home, 'jobs');
	let files: string[];
	try {
		files = fs.readdirSync(dir).filter(file => file.endsWith('.json'));
	} catch {
		return [];
	}
	const found: RecordedProcess[] = [];
	for (const file of files) {
		try {
			const record = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as PidRecord;
			if (isSameGroup(record)) found.push({...record, ownerAlive: ownerRuns(record)});
		} catch {
			// a half-written or foreign file: not ours to judge
		}
	}
	return found.sort((a, b) => a.since.localeCompare(b.since));
}

/** Stops recorded process groups (SIGTERM, SIGKILL after the grace) and removes their pid files. */
export async function stopRecorded(home: string, records: RecordedProcess[]): Promise<void> {
	await Promise.all(records.map(record => terminateGroup(record.pid)));
	for (const record of records) removePidRecord(path.join(home, 'jobs'), record.pid);
}

/** The app that wrote the record still runs: its pid is alive and, where /proc says, started when the record says. */
function ownerRuns(record: PidRecord): boolean {
	const pid = record.ownerPid;
	const stat = readStat(pid);
	if (stat && record.ownerStartTime !== undefined && startTimeOf(pid) !== record.ownerStartTime) return false; // the pid was reused
	if (stat) return stat.state !== 'Z';
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** The group still runs and its leader is the process that was started (not a later one that got the same pid). */
function isSameGroup(record: PidRecord): boolean {
	if (!groupAlive(record.pid)) return false;
	if (record.startTime === undefined) return true;
	const now = startTimeOf(record.pid);
	// The leader may have exited while its group lives on; then nothing else can hold that pgid.
	return now === undefined || now === record.startTime;
}
