// `npm start`: builds dist/ only when an input of the bundle changed since the last build (scripts/build-stamp.mjs;
// a fresh clone's first start builds), then runs the lab in this same process: no second node to start.
// CILIUM_LAB_START_TRACE=1 says on stderr whether it built and why.
import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {staleReason} from './build-stamp.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const reason = staleReason(root);
if (process.env.CILIUM_LAB_START_TRACE) process.stderr.write(`start: ${reason ? `building (${reason})` : 'dist/ is up to date'}\n`);
if (reason) {
	const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], {stdio: 'inherit'});
	if (build.status !== 0) {
		process.stderr.write(`cilium-lab: the build failed (${build.error?.message ?? `exit ${build.status ?? build.signal}`}); see above\n`);
		process.exit(1);
	}
}
await import(pathToFileURL(path.join(root, 'dist', 'cilium-lab.js')).href);
