// Start-up: `cilium-lab --version` against `node -e 0` (target ≤ 1.5×), and the TUI's first frame drawn in a real
// pty against `node -e 0` in the same pty:
//   - the lesson list, fixture lessons, after a first start that picked the track (real target: no daemon): ≤ 2×;
//   - the track chooser on the default practice target from a fresh lab home (the daemon starts behind the frame),
//     with the fixture lessons and with the lessons that ship with the app (lessons/, the default --lessons): ≤ 2.5×;
//   - `npm start` (scripts/start.mjs: dist/ is up to date, so no build) to the same lesson list, against
//     `node dist/cilium-lab.js` to it: ≤ 1.5× (npm itself is part of what is measured); and npm's own fixed cost
//     (`npm run` of a script that runs `node -e 0`), with the first frame that target would need.
// Medians of interleaved rounds, measured in one run. Needs `script` (util-linux); builds dist/ first when an input
// changed (as `npm start` does). BENCH_APP=path/to/cilium-lab.js measures another build (e.g. a copy of an older
// dist/); `npm start` always runs this checkout's. BENCH_BASELINE_APP=path/to/another/cilium-lab.js adds that build's
// first frames to the same rounds (its own saved home), printed as ratios against this build's (no target).
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const appUnderTest = path.resolve(process.env.BENCH_APP ?? path.join(root, 'dist/cilium-lab.js'));
const app = appUnderTest;
const baselineApp = process.env.BENCH_BASELINE_APP ? path.resolve(process.env.BENCH_BASELINE_APP) : undefined;
const fixtureLessons = path.join(root, process.env.BENCH_LESSONS ?? 'test/fixtures/lessons-basic/lessons');
const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-bench-'));
const env = {...process.env, CI: 'false', CILIUM_LAB_HOME: home, NO_COLOR: '1', COLUMNS: '100', LINES: '30'};
const quote = (text) => `'${text.replaceAll("'", `'\\''`)}'`;

/** Runs `command` in a pty (script -q) and resolves with ms until `until` shows in its output (or it exits).
 * `exited` resolves when the command (stopped with SIGTERM once `until` shows) has exited. */
function inPty(command, {until, keys = [], extraEnv = {}, exited} = {}) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn('script', ['-qfec', command, '/dev/null'], {env: {...env, ...extraEnv}, stdio: ['pipe', 'pipe', 'ignore']});
		let seen = '';
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			resolve(Number(process.hrtime.bigint() - started) / 1e6);
			if (until) child.kill('SIGTERM');
		};
		child.stdout.on('data', (chunk) => {
			seen += chunk.toString('utf8');
			if (until && until.test(seen)) finish();
		});
		child.on('exit', () => {
			exited?.resolve();
			if (until && !done) reject(new Error(`exited before ${until}:\n${seen}`));
			else finish();
		});
		for (const [delay, key] of keys) setTimeout(() => child.stdin.write(key), delay);
	});
}

/** The first frame on the default practice target from a fresh lab home; the daemon it started is stopped after. */
async function practiceFrame(lessonsArgs, app = appUnderTest) {
	const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-bench-practice-'));
	const extraEnv = {CILIUM_LAB_HOME: fresh, CILIUM_LAB_PRACTICE_SPEED: 'instant'};
	const exited = {};
	exited.promise = new Promise((resolve) => (exited.resolve = resolve));
	try {
		return await inPty(`node ${quote(app)} ${lessonsArgs}--lang en`, {until: /Choose a track/, extraEnv, exited});
	} finally {
		// Stop the daemon only once the app has quit: a stop before it started would find nothing to stop.
		await exited.promise;
		await inPty(`node ${quote(app)} practice stop`, {extraEnv}).catch(() => {});
		fs.rmSync(fresh, {recursive: true, force: true, maxRetries: 20, retryDelay: 100});
	}
}

// dist/ up to date, so the measured `npm start`s do not build (the first start after a change builds, once).
const ready = spawnSync(process.execPath, [path.join(root, 'scripts/start.mjs'), '--version'], {cwd: root, stdio: ['ignore', 'ignore', 'inherit']});
if (ready.status !== 0) throw new Error('scripts/start.mjs --version failed');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fixtureArgs = `--lessons ${quote(fixtureLessons)} --target real --lang en`;
const fixtureCommand = `node ${quote(app)} ${fixtureArgs}`;
const npmStartCommand = `cd ${quote(root)} && npm start --silent -- ${fixtureArgs}`;
const lessonList = /Lessons[\s\S]*Making files/;

// First start once (track chooser, variables), so the measured starts open on the lesson list.
const firstStartKeys = [[1500, '\r'], [2500, '\u001b'], [3500, 'q']];
await inPty(fixtureCommand, {keys: firstStartKeys});
const baselineHome = baselineApp ? fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-bench-baseline-')) : undefined;
if (baselineApp) await inPty(`node ${quote(baselineApp)} ${fixtureArgs}`, {keys: firstStartKeys, extraEnv: {CILIUM_LAB_HOME: baselineHome}});

// npm's own fixed cost, to read the `npm start` ratio by: `npm run` of a script that only runs `node -e 0`, in a
// package of its own (no .npmrc, no dependencies), against `node -e 0`.
const npmNoop = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-bench-npm-'));
fs.writeFileSync(path.join(npmNoop, 'package.json'), JSON.stringify({name: 'npm-noop', version: '1.0.0', private: true, scripts: {noop: 'node -e 0'}}));

const measures = [
	{name: 'node -e 0 (in a pty)', run: () => inPty('node -e 0')},
	{name: 'cilium-lab --version', target: 1.5, run: () => inPty(`node ${quote(app)} --version`)},
	{name: 'first frame: lesson list, fixture lessons, saved home', target: 2, run: () => inPty(fixtureCommand, {until: lessonList})},
	{name: 'first frame: track chooser, practice, fresh home, fixture lessons', target: 2.5, run: () => practiceFrame(`--lessons ${quote(fixtureLessons)} `)},
	{name: 'first frame: track chooser, practice, fresh home, lessons/ (default)', target: 2.5, run: () => practiceFrame('')},
	{name: 'npm start: lesson list, fixture lessons, saved home', target: 1.5, base: 2, run: () => inPty(npmStartCommand, {until: lessonList})},
	{name: "npm run of a script that runs node -e 0 (npm's own cost)", target: Infinity, run: () => inPty(`cd ${quote(npmNoop)} && npm run --silent noop`)},
];
if (baselineApp) {
	measures.push(
		{name: 'baseline build: lesson list, saved home', target: Infinity, base: 2, run: () => inPty(`node ${quote(baselineApp)} ${fixtureArgs}`, {until: lessonList, extraEnv: {CILIUM_LAB_HOME: baselineHome}})},
		{name: 'baseline build: track chooser, practice, fresh home, lessons/', target: Infinity, base: 4, run: () => practiceFrame('', baselineApp)},
	);
}
const times = measures.map(() => []);
for (let round = 0; round < rounds; round++) {
	// Rotate the order each round so no measure always runs right after the daemon of another one stopped.
	for (let offset = 0; offset < measures.length; offset++) {
		const index = (round + offset) % measures.length;
		times[index].push(await measures[index].run());
	}
}
// Retried: an app that was just stopped may still be writing into its home.
const removeAll = (dir) => fs.rmSync(dir, {recursive: true, force: true, maxRetries: 20, retryDelay: 100});
removeAll(home);
removeAll(npmNoop);
if (baselineHome) removeAll(baselineHome);

const base = median(times[0]);
console.log(`${measures[0].name.padEnd(72)} median ${base.toFixed(0)} ms (${rounds} interleaved rounds)`);
let met = true;
measures.slice(1).forEach((measure, offset) => {
	const index = offset + 1;
	const against = measure.base ?? 0;
	const ratio = median(times[index]) / median(times[against]);
	met &&= ratio <= measure.target;
	const baseName = against === 0 ? 'node -e 0' : `the ${measures[against].name.replace(/^first frame: /, 'app: ')}`;
	const also = against === 0 ? '' : `; ${(median(times[index]) / base).toFixed(2)}× node -e 0`;
	const target = Number.isFinite(measure.target) ? `target ≤ ${measure.target}×; ` : '';
	console.log(`${measure.name.padEnd(72)} ${ratio.toFixed(2)}× ${baseName} (${target}${also.slice(2)}${also ? '; ' : ''}median ${median(times[index]).toFixed(0)} ms)`);
});
// What the `npm start` target asks of the app: (frame + npm's cost) / frame ≤ 1.5, so a frame of at least twice npm's cost.
const npmCost = median(times[measures.findIndex((measure) => measure.name.startsWith('npm run of'))]) - base;
const frame = median(times[2]);
console.log(`npm's own cost ${npmCost.toFixed(0)} ms: npm start ≤ 1.5× the app needs a first frame ≥ ${(2 * npmCost).toFixed(0)} ms (${((2 * npmCost) / base).toFixed(2)}× node -e 0); the app's is ${frame.toFixed(0)} ms, so at best ${((frame + npmCost) / frame).toFixed(2)}×`);
// What the project adds to `npm start` beyond npm's own cost (the freshness check, scripts/start.mjs): ~1× when nothing.
const npmStart = median(times[measures.findIndex((measure) => measure.name.startsWith('npm start'))]);
console.log(`npm start against npm's own cost + the app's frame (${(npmCost + frame).toFixed(0)} ms): ${(npmStart / (npmCost + frame)).toFixed(2)}× (no target)`);
console.log(`load average ${os.loadavg().map((value) => value.toFixed(1)).join(' ')}`);
process.exitCode = met ? 0 : 1;
