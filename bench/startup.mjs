// Start-up: `cilium-lab --version` against `node -e 0` (target ≤ 1.5×), and the TUI's first frame (the lesson
// list drawn in a real pty) against `node -e 0` in the same pty (target ≤ 3×). Medians of interleaved rounds,
// measured in one run. Needs `npm run build` first and `script` (util-linux) for the pty.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const app = path.join(root, 'dist/cilium-lab.js');
const lessons = path.join(root, process.env.BENCH_LESSONS ?? 'test/fixtures/lessons-basic/lessons');
const rounds = Number(process.env.BENCH_ROUNDS ?? 11);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-bench-'));
const env = {...process.env, CI: 'false', CILIUM_LAB_HOME: home, NO_COLOR: '1', COLUMNS: '100', LINES: '30'};
const quote = (text) => `'${text.replaceAll("'", `'\\''`)}'`;

/** Runs `command` in a pty (script -q) and resolves with ms until `until` shows in its output (or it exits). */
function inPty(command, {until, keys = [], extraEnv = {}} = {}) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn('script', ['-qfec', command, '/dev/null'], {env: {...env, ...extraEnv}, stdio: ['pipe', 'pipe', 'inherit']});
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
		child.on('exit', () => (until && !done ? reject(new Error(`exited before ${until}:\n${seen}`)) : finish()));
		for (const [delay, key] of keys) setTimeout(() => child.stdin.write(key), delay);
	});
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const appCommand = `node ${quote(app)} --lessons ${quote(lessons)} --target real --lang en`;

// First start once (track chooser, variables), so the measured starts open on the lesson list.
await inPty(appCommand, {keys: [[1500, '\r'], [2500, '\u001b'], [3500, 'q']]});

const baseline = [];
const version = [];
const firstFrame = [];
const practiceFrame = [];
const practiceRounds = Math.min(rounds, 5);
for (let round = 0; round < rounds; round++) {
	baseline.push(await inPty('node -e 0'));
	version.push(await inPty(`node ${quote(app)} --version`));
	firstFrame.push(await inPty(appCommand, {until: /Lessons[\s\S]*Making files/}));
	if (round < practiceRounds) {
		// The default target from a fresh home: the practice daemon starts behind the first frame (the track chooser).
		const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-bench-practice-'));
		const extraEnv = {CILIUM_LAB_HOME: fresh, CILIUM_LAB_PRACTICE_SPEED: 'instant'};
		practiceFrame.push(await inPty(`node ${quote(app)} --lessons ${quote(lessons)} --lang en`, {until: /Choose a track/, extraEnv}));
		await inPty(`node ${quote(app)} practice stop`, {extraEnv}).catch(() => {});
		fs.rmSync(fresh, {recursive: true, force: true});
	}
}
fs.rmSync(home, {recursive: true, force: true});

const base = median(baseline);
const versionRatio = median(version) / base;
const frameRatio = median(firstFrame) / base;
console.log(`node -e 0 (in a pty)        median ${base.toFixed(0)} ms`);
console.log(`cilium-lab --version        ${versionRatio.toFixed(2)}× node -e 0 (target ≤ 1.5×)`);
const practiceRatio = median(practiceFrame) / base;
console.log(`first frame (lesson list)   ${frameRatio.toFixed(2)}× node -e 0 (target ≤ 3×)`);
console.log(`first frame, practice target, fresh home (daemon starting behind it)  ${practiceRatio.toFixed(2)}× node -e 0 (target ≤ 3×)`);
process.exitCode = versionRatio <= 1.5 && frameRatio <= 3 && practiceRatio <= 3 ? 0 : 1;
