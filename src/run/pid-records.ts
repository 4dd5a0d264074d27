// Pid files under <lab home>/jobs/: one per process group the app starts (background jobs and foreground steps
// alike), so a start after a `kill -9` of the app can stop what it left running (JobManager.reapOrphans).
import fs from 'node:fs';
import path from 'node:path';

/** What a pid file holds: enough to recognise the process group later, even after the pid was reused. */
export interface PidRecord {
	pid: number;
	ownerPid: number;
	/**
	 * The owner's /proc start time: a later process that got the owner's pid is not taken for the owner (which would
	 * keep a killed app's orphans running for as long as that stranger lives).
	 */
	ownerStartTime?: string;
	/** /proc/PID/stat start time (clock ticks since boot), where there is a /proc. */
	startTime?: string;
	name: string;
	command: string;
	since: string;
	/** 'job' (a background job) or 'step' (a foreground command, a cleanup, a solve). */
	kind?: 'job' | 'step';
}

export function startTimeOf(pid: number): string | undefined {
	try {
		const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return text.slice(text.lastIndexOf(')') + 2).split(' ')[19];
	} catch {
		return undefined;
	}
}

/** Writes `<dir>/<pid>.json` (0600); a failure only loses the clean-up after a `kill -9`. */
export function writePidRecord(dir: string, record: Omit<PidRecord, 'ownerPid' | 'ownerStartTime' | 'startTime'>): void {
	const full: PidRecord = {...record, ownerPid: process.pid, ownerStartTime: startTimeOf(process.pid), startTime: startTimeOf(record.pid)};
	try {
		fs.mkdirSync(dir, {recursive: true, mode: 0o700});
		fs.writeFileSync(path.join(dir, `${record.pid}.json`), JSON.stringify(full, null, 2) + '\n', {mode: 0o600});
	} catch {
		// The command runs without it.
	}
}

export function removePidRecord(dir: string, pid: number): void {
	fs.rmSync(path.join(dir, `${pid}.json`), {force: true});
}
