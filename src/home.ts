import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the lab keeps progress, logs and the practice cluster: $CILIUM_LAB_HOME, else the XDG data directory. */
export function labHome(env: NodeJS.ProcessEnv = process.env): string {
	if (env.CILIUM_LAB_HOME) return path.resolve(env.CILIUM_LAB_HOME);
	const dataHome = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
	return path.join(dataHome, 'cilium-lab');
}

/** Creates the lab home private to its user (0700, whatever the umask); true when this call created it. */
export function ensureHome(home: string): boolean {
	if (fs.existsSync(home)) return false;
	fs.mkdirSync(home, {recursive: true, mode: 0o700});
	fs.chmodSync(home, 0o700);
	return true;
}

/**
 * Before anything runs: the lab home exists and takes a write (a probe file written, synced and removed), so a
 * read-only, full or foreign home is refused before a step's effect could not be recorded. Throws the fs error.
 */
export function probeHomeWritable(home: string, bytes = 64 * 1024): void {
	ensureHome(home);
	const probe = path.join(home, `.write-probe-${process.pid}`);
	try {
		const fd = fs.openSync(probe, 'w', 0o600);
		try {
			fs.writeSync(fd, Buffer.alloc(bytes, 0x20));
			fs.fsyncSync(fd);
		} finally {
			fs.closeSync(fd);
		}
	} finally {
		fs.rmSync(probe, {force: true});
	}
}
