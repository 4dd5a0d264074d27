// Whether the pid in daemon.json or daemon.lock still runs: the client asks before it trusts a daemon, the
// daemon before it takes over a stale lock.

/** True while a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
