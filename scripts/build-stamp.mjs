// What a build of dist/ was made from, so `npm start` (scripts/start.mjs) rebuilds only when an input changed.
// scripts/build.mjs writes dist/build-stamp.json last: every file of the app esbuild read (its metafile inputs), the
// package.json of every dependency it read files of (npm replaces a package's files with its package.json; stat-ing
// the 2,400 dependency files themselves took ~17 ms, these ~160 well under 1 ms; a hand edit inside node_modules
// needs `npm run build`), and the files that shape the build without being bundled (this build script, package.json — the version
// — tsconfig.json, esbuild's own version) with size, mtime and a SHA-256 of the bytes, and every output with its size
// and mtime. A start stats them all (a few ms); a file whose mtime moved but whose bytes hash the same (a checkout,
// `touch`) still counts as unchanged. A missing, unreadable or foreign stamp, a changed input, a missing or changed
// output: stale, build again. The lessons are no input: dist/lab-snapshot.json is keyed by their contents and
// ignored when they differ (src/lab/cache.ts), so an edited lesson costs one validation, not a rebuild.
import {createHash} from 'node:crypto';
import {readFileSync, statSync, writeFileSync, renameSync} from 'node:fs';
import path from 'node:path';

const FORMAT = 1;
export const STAMP = 'dist/build-stamp.json';
/** Files the build depends on besides the ones esbuild bundles. */
export const CONFIG_INPUTS = ['package.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/build-stamp.mjs', 'node_modules/esbuild/package.json'];

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('base64url').slice(0, 22);

/**
 * Writes the stamp for a build that started at `startedMs` (Date.now()) and read `inputs` (paths relative to `root`)
 * to write `outputs`. No stamp when an input changed while the build ran (its bytes may not be the ones bundled):
 * the next start builds again.
 */
export function writeStamp(root, {inputs, outputs, startedMs}) {
	const stamp = {format: FORMAT, inputs: {}, outputs: {}};
	for (const input of new Set([...CONFIG_INPUTS, ...inputs.map(packageJsonOf)])) {
		const file = path.join(root, input);
		const stat = statSync(file);
		if (stat.mtimeMs > startedMs) return false;
		stamp.inputs[input] = [stat.size, stat.mtimeMs, sha256(file)];
	}
	for (const output of new Set(outputs)) {
		const stat = statSync(path.join(root, output));
		stamp.outputs[output] = [stat.size, stat.mtimeMs];
	}
	const file = path.join(root, STAMP);
	writeFileSync(`${file}.tmp`, JSON.stringify(stamp));
	renameSync(`${file}.tmp`, file);
	return true;
}

/** An input's own path, or for a file of a dependency (…/node_modules/[@scope/]name/…) that package's package.json. */
function packageJsonOf(input) {
	const at = input.lastIndexOf('node_modules/');
	if (at === -1) return input;
	const rest = input.slice(at + 'node_modules/'.length).split('/');
	return `${input.slice(0, at)}node_modules/${rest.slice(0, rest[0].startsWith('@') ? 2 : 1).join('/')}/package.json`;
}

/** Why dist/ must be built again (a short reason), or undefined when it was built from the files as they are now. */
export function staleReason(root) {
	let stamp;
	try {
		stamp = JSON.parse(readFileSync(path.join(root, STAMP), 'utf8'));
	} catch {
		return 'no build stamp';
	}
	if (stamp?.format !== FORMAT || typeof stamp.inputs !== 'object' || typeof stamp.outputs !== 'object') return 'build stamp of another format';
	for (const input of CONFIG_INPUTS) if (!(input in stamp.inputs)) return `${input} is not in the build stamp`;
	// Plain concatenation: path.join for ~450 paths was a third of the check's time.
	const base = `${root}${path.sep}`;
	for (const [output, [size, mtimeMs]] of Object.entries(stamp.outputs)) {
		const stat = statSync(base + output, {throwIfNoEntry: false});
		if (!stat || stat.size !== size || stat.mtimeMs !== mtimeMs) return `${output} changed`;
	}
	for (const [input, [size, mtimeMs, hash]] of Object.entries(stamp.inputs)) {
		const file = base + input;
		const stat = statSync(file, {throwIfNoEntry: false});
		if (!stat || stat.size !== size) return `${input} changed`;
		if (stat.mtimeMs !== mtimeMs && sha256(file) !== hash) return `${input} changed`;
	}
	return undefined;
}
