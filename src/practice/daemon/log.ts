// The daemon's log (daemon.log, its stderr): a line that cannot be written (the disk is full or failing) is
// dropped and counted, never retried, never raised. Raising would reach the uncaught-error handler, which logs,
// which fails again: the loop that froze the daemon on a full disk. The count is written with the next line that
// gets through, and the status endpoint reports it.
import fs from 'node:fs';

export interface DaemonLog {
	(line: string): void;
	/** Lines dropped since the last one that was written. */
	dropped(): number;
}

/** `fd` 2 is daemon.log (the client opens it as the daemon's stdout and stderr). */
export function createDaemonLog(fd = 2, now: () => Date = () => new Date()): DaemonLog {
	let dropped = 0;
	let writing = false;
	const log = ((line: string) => {
		// A write that fails inside a write (a handler logging its own failure) is counted, not nested.
		if (writing) {
			dropped++;
			return;
		}
		writing = true;
		try {
			const at = now().toISOString();
			const text = `${dropped > 0 ? `${at} (${dropped} log line(s) dropped while the log could not be written)\n` : ''}${at} ${line}\n`;
			fs.writeSync(fd, text);
			dropped = 0;
		} catch {
			dropped++;
		} finally {
			writing = false;
		}
	}) as DaemonLog;
	log.dropped = () => dropped;
	return log;
}
