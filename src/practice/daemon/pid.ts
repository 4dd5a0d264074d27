// Whether the pid in daemon.json or daemon.lock still runs: the client asks before it trusts a daemon, the
// daemon before it takes over a stale lock.
import fs from 'node:fs';

/**
 * True while a process with this pid exists and has not exited (EPERM: it exists but belongs to someone else).
 * A zombie (exited, not yet reaped by its parent, e.g. a daemon killed with -9 a moment ago) is not alive: it
 * answers nothing and holds nothing, so it must not block the next start.
 */
export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
	}
	return !hasExited(pid);
}

/** Linux: the state letter of /proc/<pid>/stat (after the command name, which may hold spaces and parentheses). */
function hasExited(pid: number): boolean {
	let stat: string;
	try {
		stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch (error) {
		// No /proc (not Linux): kill(0) said it exists. Gone meanwhile: exited.
		return (error as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync('/proc/self/stat');
	}
	const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
	return state === 'Z' || state === 'X' || state === 'x';
}
