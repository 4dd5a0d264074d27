import {randomBytes} from 'node:crypto';
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

const HOME_ID_PATTERN = /^[0-9a-f]{12}$/;

/** The home's id when it has one (nothing is written: `run --dry-run`). */
export function existingLabHomeId(home: string): string | undefined {
	try {
		const text = fs.readFileSync(path.join(home, 'lab-id'), 'utf8').trim();
		return HOME_ID_PATTERN.test(text) ? text : undefined;
	} catch {
		return undefined;
	}
}

/**
 * This lab home's id (12 hex digits in `<home>/lab-id`, made once): the tag `cilium-lab-home` on the Azure resources
 * its lessons create, so a cleanup deletes only what this home made. Commands see it as LAB_HOME_ID.
 */
export function labHomeId(home: string): string {
	const file = path.join(home, 'lab-id');
	const read = () => existingLabHomeId(home);
	const existing = read();
	if (existing) return existing;
	ensureHome(home);
	const id = randomBytes(6).toString('hex');
	try {
		// 'wx': two instances starting at once agree on the first one written.
		fs.writeFileSync(file, `${id}\n`, {mode: 0o600, flag: 'wx'});
		return id;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		const other = read();
		if (other) return other;
		// A damaged file (not 12 hex digits): replaced, so the home has an id from now on.
		fs.writeFileSync(file, `${id}\n`, {mode: 0o600});
		return id;
	}
}
