// Versioned kubectl binaries (kubectl.1.27 … kubectl.1.33) found the way a shell would: on PATH, or beside the
// `kubectl` PATH names (its real file's folder). A missing one fails the test that needs it and says which, never a
// silent skip.
import fs from 'node:fs';
import path from 'node:path';

function candidates(): string[] {
	const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
	for (const dir of [...dirs]) {
		const kubectl = path.join(dir, 'kubectl');
		if (!fs.existsSync(kubectl)) continue;
		dirs.push(path.dirname(fs.realpathSync(kubectl)));
		break;
	}
	return dirs;
}

/** The path of kubectl.VERSION; throws naming it when this machine does not have it. */
export function kubectlVersion(version: string): string {
	for (const dir of candidates()) {
		const file = path.join(dir, `kubectl.${version}`);
		if (fs.existsSync(file)) return file;
	}
	throw new Error(`kubectl ${version} is needed by this test: put kubectl.${version} on PATH or beside kubectl (looked in ${candidates().join(', ')})`);
}
