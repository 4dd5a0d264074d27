import fs from 'node:fs';

// A command started with `detached: true` leads its own process group (its pid is the group id),
// so signalling the group reaches its children and grandchildren too.

export const KILL_GRACE_MS = 2000;

/** Sends `signal` to every process of the group led by `pid`. False when the group is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

/**
 * True while a process of the group still runs. A killed process stays a zombie until its parent reaps it, and
 * `kill(-pgid, 0)` still succeeds for zombies (orphans can wait a while for a slow init), so on Linux the members'
 * states are read from /proc.
 */
export function groupAlive(pid: number): boolean {
	if (!signalGroup(pid, 0)) return false;
	const members = groupMembers(pid);
	return members === undefined || members.some(member => member.state !== 'Z');
}

/** True while the process runs (a zombie does not count). */
export function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch (error) {
		// EPERM: it exists but belongs to someone else.
		if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
	}
	return readStat(pid)?.state !== 'Z';
}

interface ProcStat {
	pid: number;
	state: string;
	ppid: number;
	pgid: number;
}

/** /proc/PID/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses. Undefined without /proc. */
export function readStat(pid: number): ProcStat | undefined {
	let text: string;
	try {
		text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return undefined;
	}
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
	return {pid, state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2])};
}

/** The processes of a group, or undefined where there is no /proc to read them from. */
export function groupMembers(pgid: number): ProcStat[] | undefined {
	let entries: string[];
	try {
		entries = fs.readdirSync('/proc');
	} catch {
		return undefined;
	}
	const members: ProcStat[] = [];
	for (const entry of entries) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = readStat(Number(entry));
		if (stat?.pgid === pgid) members.push(stat);
	}
	return members;
}

/** SIGTERM to the group, then SIGKILL to whatever is left after the grace period. Resolves when the group is gone. */
export async function terminateGroup(pid: number, graceMs = KILL_GRACE_MS): Promise<void> {
	if (!signalGroup(pid, 'SIGTERM')) return;
	const deadline = Date.now() + graceMs;
	while (Date.now() < deadline) {
		await sleep(Math.min(25, Math.max(1, deadline - Date.now())));
		if (!groupAlive(pid)) return;
	}
	signalGroup(pid, 'SIGKILL');
	for (let tries = 0; tries < 40 && groupAlive(pid); tries++) await sleep(25);
}

function sleep(ms: number): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, ms));
}
