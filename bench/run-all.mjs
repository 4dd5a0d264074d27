// Runs every benchmark under bench/ one after another (they compete for the same 2 cores otherwise)
// and sums up which met their targets. Each prints its own ratio, measured in one run against a
// baseline in the same run. Usage: npm run bench [-- name…]
import {spawnSync} from 'node:child_process';
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const wanted = process.argv.slice(2);
const benches = readdirSync(benchDir)
	.filter((file) => file.endsWith('.mjs') && file !== 'run-all.mjs')
	.filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
	.sort();

const build = spawnSync('npm', ['run', '--silent', 'build'], {cwd: root, stdio: 'inherit'});
if (build.status !== 0) process.exit(build.status ?? 1);

const results = [];
for (const file of benches) {
	console.log(`\n== ${file}`);
	const run = spawnSync(process.execPath, [path.join(benchDir, file)], {cwd: root, stdio: 'inherit'});
	results.push({file, ok: run.status === 0});
}
console.log('\n== summary');
for (const {file, ok} of results) console.log(`${ok ? 'met   ' : 'MISSED'} ${file}`);
process.exitCode = results.every((result) => result.ok) ? 0 : 1;
