// A cross-process lock for tests that need a fixed local port the real tools fix (4245: `cilium hubble
// port-forward` listens there and the hubble CLI expects it). Test files run in parallel processes; the lock file
// is created with O_EXCL and holds the owner's pid, so a lock left by a process that died is taken over.
import {closeSync, openSync, readFileSync, unlinkSync, writeSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

interface Owner {
	pid: number;
	token: string;
	holder: string;
	since: string;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function readOwner(file: string): Owner | undefined {
	try {
		return JSON.parse(readFileSync(file, 'utf8')) as Owner;
	} catch {
		return undefined; // gone, or being written this instant
	}
}

function tryCreate(file: string, owner: Owner): boolean {
	let fd: number;
	try {
		fd = openSync(file, 'wx');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	}
	try {
		writeSync(fd, JSON.stringify(owner));
	} finally {
		closeSync(fd);
	}
	return true;
}

/**
 * Removes `file` if its owner's process is dead. The removal itself is guarded by a second O_EXCL file, so two
 * waiters cannot both judge the same stale lock and one of them delete the other's fresh lock.
 */
function takeOverIfStale(file: string, self: Owner): void {
	const owner = readOwner(file);
	if (!owner || isAlive(owner.pid)) return;
	const guard = `${file}.takeover`;
	if (!tryCreate(guard, self)) {
		const guardOwner = readOwner(guard);
		if (guardOwner && !isAlive(guardOwner.pid)) unlinkQuietly(guard);
		return;
	}
	try {
		if (readOwner(file)?.token === owner.token) unlinkQuietly(file);
	} finally {
		unlinkQuietly(guard);
	}
}

function unlinkQuietly(file: string): void {
	try {
		unlinkSync(file);
	} catch {
		// already gone
	}
}

export interface LockOptions {
	/** How long to wait for the lock before failing (default 5 minutes: a whole walk can hold it). */
	timeoutMs?: number;
	/** Who holds it, for the timeout message (e.g. the test file). */
	holder?: string;
	/** Where lock files live (default the OS temp dir, shared by every test process). */
	dir?: string;
}

/** Waits for the lock named `name` and returns its release (idempotent). */
export async function acquireLock(name: string, options: LockOptions = {}): Promise<() => void> {
	const file = path.join(options.dir ?? os.tmpdir(), `cilium-lab-test-${name}.lock`);
	const timeoutMs = options.timeoutMs ?? 300_000;
	const self: Owner = {pid: process.pid, token: `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`, holder: options.holder ?? process.argv.slice(1).join(' '), since: new Date().toISOString()};
	const started = Date.now();
	let pause = 50;
	while (!tryCreate(file, {...self, since: new Date().toISOString()})) {
		takeOverIfStale(file, self);
		if (Date.now() - started > timeoutMs) {
			const owner = readOwner(file);
			throw new Error(
				`timed out after ${Math.round(timeoutMs / 1000)} s waiting for the test lock ${file}` +
					(owner ? `: held by pid ${owner.pid} (${owner.holder}) since ${owner.since}` : '') +
					'. If no test is running, delete the file.',
			);
		}
		await new Promise((resolve) => setTimeout(resolve, pause));
		pause = Math.min(pause * 2, 1000);
	}
	let released = false;
	return () => {
		if (released) return;
		released = true;
		if (readOwner(file)?.token === self.token) unlinkQuietly(file);
	};
}

function canListen(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/**
 * The lock for a fixed local port, once the port is also free: a previous holder's listener may take a moment to
 * close, and a program outside the tests (a developer's own port-forward) gets a clear error instead of a
 * confusing test failure.
 */
export async function acquirePortLock(port: number, options: LockOptions & {freeWithinMs?: number} = {}): Promise<() => void> {
	const release = await acquireLock(`port-${port}`, options);
	const deadline = Date.now() + (options.freeWithinMs ?? 10_000);
	while (!(await canListen(port))) {
		if (Date.now() > deadline) {
			release();
			throw new Error(`127.0.0.1:${port} is in use by a program outside the tests (your own \`cilium hubble port-forward\`?); stop it and run the tests again`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return release;
}

/** The hubble CLI expects Hubble Relay at localhost:4245, where `cilium hubble port-forward` puts it. */
export const HUBBLE_RELAY_PORT = 4245;
