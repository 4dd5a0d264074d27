// Temp dirs for a test file: made under the OS temp dir, removed after each test (or after the file's last one).
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach} from 'vitest';

/** Registers the clean-up hook and returns `tempDir(prefix)`, which makes a new empty dir. */
export function tempDirs(removeAfter: 'each' | 'all' = 'each'): (prefix: string) => string {
	const dirs: string[] = [];
	(removeAfter === 'each' ? afterEach : afterAll)(() => {
		for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
	});
	return (prefix) => {
		const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
		dirs.push(dir);
		return dir;
	};
}
