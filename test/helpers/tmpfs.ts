// A small tmpfs for tests that need a disk that fills up (ENOSPC) for real. Mounting needs root (CI runs as
// root); when the mount is refused the test fails and says why: a disk-full test that skips proves nothing.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Mounts a tmpfs of `size` (e.g. "2m") on `dir` (made if missing). */
export function mountTmpfs(dir: string, size: string): void {
	fs.mkdirSync(dir, {recursive: true});
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], {stdio: 'pipe'});
	} catch (error) {
		const stderr = String((error as {stderr?: Buffer}).stderr ?? (error as Error).message).trim();
		throw new Error(`this test needs a small tmpfs it can fill until ENOSPC; mounting one on ${dir} was refused (it must run as root, as CI does): ${stderr}`);
	}
}

/** Unmounts (lazily, so a daemon still holding a file cannot keep it busy) and removes the mount point. */
export function unmountTmpfs(dir: string): void {
	try {
		execFileSync('umount', ['-l', dir], {stdio: 'pipe'});
	} catch {
		// Not mounted (the mount failed).
	}
	fs.rmSync(dir, {recursive: true, force: true});
}

/** Fills the file system holding `dir` until a write fails with ENOSPC; returns the filler file (delete it to give the space back). */
export function fillDisk(dir: string): string {
	const filler = path.join(dir, `filler-${process.pid}`);
	const fd = fs.openSync(filler, 'w');
	try {
		for (const chunk of [1024 * 1024, 64 * 1024, 4096, 1]) {
			const bytes = Buffer.alloc(chunk, 0x61);
			// Bounded: a tmpfs of a few MB is full long before this many writes.
			for (let written = 0; written < 100_000; written++) {
				try {
					fs.writeSync(fd, bytes);
				} catch (error) {
					if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
					break;
				}
			}
		}
	} finally {
		fs.closeSync(fd);
	}
	return filler;
}
