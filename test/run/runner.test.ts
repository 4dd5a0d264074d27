import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {runCommand} from '../../src/run/runner.js';
import {OutputTail} from '../../src/run/lines.js';
import {processAlive} from '../../src/run/process-group.js';
import type {OutputLine} from '../../src/run/types.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-runner-'));
afterAll(() => fs.rmSync(tmp, {recursive: true, force: true}));
const env = {PATH: process.env.PATH!};

function collect() {
	const lines: OutputLine[] = [];
	let batches = 0;
	return {
		lines,
		get batches() {
			return batches;
		},
		onLines(batch: OutputLine[]) {
			batches++;
			for (const line of batch) lines.push(line);
		},
	};
}

async function waitFor(condition: () => boolean, timeoutMs = 5000) {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise(resolve => setTimeout(resolve, 20));
	}
}

describe('runCommand', () => {
	it('streams stdout and stderr interleaved in the order they were written, in batches', async () => {
		const out = collect();
		const outcome = await runCommand({
			script: 'for i in $(seq 1 2000); do echo "out $i"; echo "err $i" >&2; done',
			env,
			onLines: out.onLines,
		});
		expect(outcome).toMatchObject({kind: 'exited', exitCode: 0});
		const expected = Array.from({length: 2000}, (_, i) => [`out ${i + 1}`, `err ${i + 1}`]).flat();
		expect(out.lines.map(line => line.text)).toEqual(expected);
		expect(out.batches).toBeLessThan(out.lines.length / 100);
	});

	it('delivers lines while the command still runs', async () => {
		const out = collect();
		const run = runCommand({script: 'echo first; sleep 1; echo second', env, onLines: out.onLines});
		await waitFor(() => out.lines.length === 1, 900);
		expect(out.lines[0]!.text).toBe('first');
		await run;
		expect(out.lines.map(line => line.text)).toEqual(['first', 'second']);
	});

	it('reports the exit code, and the signal when one ended the command', async () => {
		expect(await runCommand({script: 'echo x; exit 7', env})).toMatchObject({kind: 'exited', exitCode: 7});
		expect(await runCommand({script: 'kill -9 $$', env})).toMatchObject({kind: 'exited', exitCode: 137, signal: 'SIGKILL'});
	});

	it('runs with exactly the given environment', async () => {
		const out = collect();
		process.env.CILIUM_LAB_SHOULD_NOT_LEAK = 'leaked';
		await runCommand({script: 'env', env: {PATH: env.PATH, CLUSTER_NAME: 'yj-cluster'}, onLines: out.onLines});
		delete process.env.CILIUM_LAB_SHOULD_NOT_LEAK;
		const names = out.lines.map(line => line.text.split('=')[0]).sort();
		// bash itself sets PWD, SHLVL and _.
		expect(names).toEqual(['CLUSTER_NAME', 'PATH', 'PWD', 'SHLVL', '_']);
	});

	it('passes the script as shell text without splicing anything into it', async () => {
		const out = collect();
		await runCommand({script: 'echo "$0 $CLUSTER_NAME" <<<ignored', env: {...env, CLUSTER_NAME: '$(id); rm -rf ~'}, onLines: out.onLines});
		expect(out.lines.map(line => line.text)).toEqual(['bash $(id); rm -rf ~']);
	});

	it('writes every line to the log file and returns its path', async () => {
		const logFile = path.join(tmp, 'logs', 'seq.log');
		const outcome = await runCommand({script: 'seq 1 5000; echo done >&2', env, logFile});
		expect(outcome.logFile).toBe(logFile);
		const logged = fs.readFileSync(logFile, 'utf8').split('\n');
		expect(logged.length).toBe(5002); // 5000 + "done" + the final newline
		expect(logged[4999]).toBe('5000');
		expect(logged[5000]).toBe('done');
		expect(fs.readFileSync(logFile, 'utf8')).toBe(Array.from({length: 5000}, (_, i) => `${i + 1}\n`).join('') + 'done\n');
	});

	it('cancelling kills the whole process tree: children and grandchildren', async () => {
		const out = collect();
		const controller = new AbortController();
		const script = [
			'sleep 60 & echo "child $!"',
			`bash -c 'sleep 60 & echo "grandchild $!"; wait' &`,
			'echo "shell $$"',
			'wait',
		].join('\n');
		const run = runCommand({script, env, signal: controller.signal, onLines: out.onLines, batchMs: 10});
		await waitFor(() => out.lines.length >= 3);
		const pids = out.lines.map(line => Number(line.text.split(' ')[1]));
		expect(pids.every(pid => processAlive(pid))).toBe(true);
		controller.abort();
		const outcome = await run;
		expect(outcome.kind).toBe('cancelled');
		expect(outcome.durationMs).toBeLessThan(1500);
		for (const pid of pids) expect(processAlive(pid), `pid ${pid} still runs`).toBe(false);
	});

	it('sends SIGKILL after the grace period to a process that ignores SIGTERM', async () => {
		const out = collect();
		const controller = new AbortController();
		const run = runCommand({
			script: `bash -c 'trap "" TERM; echo "stubborn $$"; while :; do sleep 0.1; done' & wait`,
			env,
			signal: controller.signal,
			onLines: out.onLines,
			batchMs: 10,
			killGraceMs: 300,
		});
		await waitFor(() => out.lines.length >= 1);
		const pid = Number(out.lines[0]!.text.split(' ')[1]);
		controller.abort();
		const outcome = await run;
		expect(outcome.kind).toBe('cancelled');
		expect(processAlive(pid)).toBe(false);
	});

	it('ends a command that runs too long and says it timed out', async () => {
		const outcome = await runCommand({script: 'sleep 30', env, timeoutMs: 200});
		expect(outcome).toMatchObject({kind: 'timedOut', timeoutMs: 200});
		expect(outcome.durationMs).toBeLessThan(2000);
	});

	it('stops processes the command left in the background once it exits', async () => {
		const out = collect();
		const outcome = await runCommand({script: 'sleep 60 & echo "left $!"', env, onLines: out.onLines});
		expect(outcome).toMatchObject({kind: 'exited', exitCode: 0});
		expect(processAlive(Number(out.lines[0]!.text.split(' ')[1]))).toBe(false);
		expect(out.lines.at(-1)?.text).toMatch(/left processes running in the background/);
	});

	it('says why a command could not start', async () => {
		const outcome = await runCommand({script: 'true', env, cwd: path.join(tmp, 'missing')});
		expect(outcome.kind).toBe('failedToStart');
		expect(outcome.kind === 'failedToStart' && outcome.message).toMatch(/working directory .*missing does not exist/);
	});

	it('an already aborted signal runs nothing', async () => {
		const marker = path.join(tmp, 'ran');
		const outcome = await runCommand({script: `touch ${marker}`, env, signal: AbortSignal.abort()});
		expect(outcome.kind).toBe('cancelled');
		expect(fs.existsSync(marker)).toBe(false);
	});

	it('keeps memory bounded for 200,000 lines: a fixed tail on screen, everything in the log', async () => {
		const tail = new OutputTail(200);
		let batches = 0;
		const logFile = path.join(tmp, 'logs', 'big.log');
		const outcome = await runCommand({
			script: 'seq 200000',
			env,
			logFile,
			tailLines: 200,
			onLines(lines, skipped) {
				batches++;
				expect(lines.length).toBeLessThanOrEqual(200);
				tail.pushAll(lines, skipped);
			},
		});
		expect(outcome).toMatchObject({kind: 'exited', exitCode: 0});
		expect(tail.totalLines).toBe(200_000);
		expect(tail.lines()).toHaveLength(200);
		expect(tail.lines()[0]!.text).toBe('199801');
		expect(tail.lines().at(-1)!.text).toBe('200000');
		expect(batches).toBeLessThan(200);
		expect(fs.readFileSync(logFile, 'utf8').split('\n')).toHaveLength(200_001);
	});
});
