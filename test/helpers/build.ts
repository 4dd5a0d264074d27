// The built app for tests that run it as a person does: the CLI, the practice daemon and the tool shims run from dist/.
import path from 'node:path';
import {execa} from 'execa';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** `npm run build`; a failed build throws with its output. */
export async function buildBundle(): Promise<void> {
	await execa('npm', ['run', '--silent', 'build'], {cwd: repoRoot});
}
