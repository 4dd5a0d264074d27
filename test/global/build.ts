// One build of dist/ before any test file runs: the CLI, the practice daemon and the tool shims that tests run as a
// person does. (Test files building it themselves raced each other on dist/ when vitest ran them in parallel.)
import {execa} from 'execa';
import path from 'node:path';

export default async function build(): Promise<void> {
	const result = await execa('npm', ['run', '--silent', 'build'], {cwd: path.resolve(import.meta.dirname, '../..'), reject: false, all: true});
	if (result.exitCode !== 0) throw new Error(`npm run build failed before the tests (exit ${result.exitCode}):\n${result.all}`);
}
