// Replacing a file at once, for every file the app and the practice daemon rewrite (progress, the lab cache, the
// practice state, credentials, kubeconfig, tool shims): a reader, or a crash, sees the old file or the new one,
// never half of one. The new text goes to a temp file beside it (same file system), which is renamed over it.
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
	/** Permission bits of the new file (before the umask); default 0o600. */
	mode?: number;
	/**
	 * Also flush the file and the directory's entry to disk before returning, for what must survive a power loss
	 * (default true). Files a process rewrites for its own lifetime (where the daemon listens) can skip it.
	 */
	durable?: boolean;
}

export function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
	const {mode = 0o600, durable = true} = options;
	const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
	let renamed = false;
	try {
		const fd = fs.openSync(temp, 'wx', mode);
		try {
			fs.writeFileSync(fd, data);
			if (durable) fs.fsyncSync(fd);
		} finally {
			fs.closeSync(fd);
		}
		fs.renameSync(temp, file);
		renamed = true;
	} finally {
		if (!renamed) fs.rmSync(temp, {force: true});
	}
	if (durable) syncDirectory(path.dirname(file));
}

/** Makes a rename in `directory` durable. Not every platform can open a directory (Windows); the rename is atomic anyway. */
function syncDirectory(directory: string): void {
	let fd: number | undefined;
	try {
		fd = fs.openSync(directory, 'r');
		fs.fsyncSync(fd);
	} catch {
		// See above.
	} finally {
		if (fd !== undefined) fs.closeSync(fd);
	}
}
