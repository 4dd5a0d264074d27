#!/usr/bin/env node
// Streaming `seq 200000` through the runner (one pipe, line splitting, 50 ms batches, the bounded tail the UI
// shows, the full log file) against the same command writing straight to a file. Both are measured in this run;
// the ratio is what counts (target < 2×), and the RSS growth while streaming (target < 50 MB).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {register} from 'tsx/esm/api';
import {spawn} from 'node:child_process';

register();
const {runCommand} = await import('../src/run/runner.ts');
const {OutputTail} = await import('../src/run/lines.ts');

const LINES = 200_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-bench-stream-'));
const env = {PATH: process.env.PATH};

// The baseline is the cheapest honest way: a plain spawn with no pipes at all (execa with its default pipes
// costs ~100 ms more here, which would flatter the ratio).
async function toFile() {
	const started = performance.now();
	await new Promise((resolve, reject) => {
		const child = spawn('bash', ['-c', `seq ${LINES} > "$1"`, 'bash', path.join(tmp, 'plain.out')], {env, stdio: 'ignore'});
		child.on('error', reject);
		child.on('exit', code => (code === 0 ? resolve() : reject(new Error(`seq exited ${code}`))));
	});
	return performance.now() - started;
}

async function streamed() {
	const tail = new OutputTail(500);
	let rendered = 0;
	const started = performance.now();
	const outcome = await runCommand({
		script: `seq ${LINES}`,
		env,
		logFile: path.join(tmp, 'streamed.log'),
		tailLines: tail.capacity,
		onLines(lines, skipped) {
			tail.pushAll(lines, skipped);
			rendered += tail.last(20).length; // what a render of the output pane reads
		},
	});
	const elapsed = performance.now() - started;
	const logged = fs.statSync(path.join(tmp, 'streamed.log')).size;
	if (outcome.kind !== 'exited' || tail.totalLines !== LINES || rendered === 0 || logged !== fs.statSync(path.join(tmp, 'plain.out')).size) throw new Error(`streaming went wrong: ${JSON.stringify(outcome)}, ${tail.totalLines} lines`);
	return elapsed;
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (let warm = 0; warm < 3; warm++) {
	await toFile();
	await streamed();
}
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5);

const plainTimes = [];
const streamTimes = [];
for (let round = 0; round < ROUNDS; round++) {
	plainTimes.push(await toFile());
	streamTimes.push(await streamed());
}
clearInterval(sampler);
rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
fs.rmSync(tmp, {recursive: true, force: true});

const plain = median(plainTimes);
const stream = median(streamTimes);
const ratio = stream / plain;
const bestRatio = Math.min(...streamTimes) / Math.min(...plainTimes);
const rssGrowthMb = (rssPeak - rssBefore) / 1024 / 1024;
console.log(`seq ${LINES} to a file:            ${plain.toFixed(1)} ms (median of ${ROUNDS})`);
console.log(`seq ${LINES} through runCommand:   ${stream.toFixed(1)} ms (median of ${ROUNDS})`);
console.log(`ratio of medians ${ratio.toFixed(2)}x (target < 2x; ratio of the fastest runs ${bestRatio.toFixed(2)}x)   RSS growth ${rssGrowthMb.toFixed(1)} MB (target < 50 MB)`);
const ok = ratio < 2 && rssGrowthMb < 50;
console.log(ok ? 'PASS' : 'FAIL');
process.exitCode = ok ? 0 : 1;
