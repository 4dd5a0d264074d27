// Real processes: a headless run cancelled by SIGTERM or SIGHUP stops the step's whole process tree (a child that
// ignores SIGTERM included) and exits 143 or 129; after a kill -9 of the run, the foreground step's pid file lets
// the next run stop what was left.
import {spawn, spawnSync} from 'node:child_process';
import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {kill, pidsOf} from '../helpers/step-pids.js';

const root = path.resolve('.');
let work: string;
const homes: string[] = [];

const hang = `id: hang
title: {ko: "멈춤", en: "Hang"}
body: {ko: "본문", en: "Body"}
tracks: [k8s]
steps:
  - id: tree
    title: {ko: "트리", en: "Tree"}
    body: {ko: "본문", en: "Body"}
    timeout: 600
    run: |
      bash -c 'trap "" TERM; echo $$ >> "$LAB_HOME/pids"; while true; do sleep 1; done' &
      echo $$ >> "$LAB_HOME/pids"
      sleep 1
      echo started
      sleep 300
`;

beforeAll(() => {
	work = mkdtempSync(path.join(os.tmpdir(), 'cli-signals-'));
	cpSync(path.join(root, 'test/fixtures/lessons-basic'), work, {recursive: true});
	writeFileSync(path.join(work, 'lessons/03-hang.yaml'), hang);
});

afterAll(() => {
	rmSync(work, {recursive: true, force: true});
	for (const home of homes) {
		for (const pid of pidsOf(home)) kill(pid, 'SIGKILL');
		rmSync(home, {recursive: true, force: true});
	}
});

const alive = (pid: number) => kill(pid, 0) && !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');

async function until(predicate: () => boolean, what: string, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

function start(home: string) {
	const child = spawn('node', [path.join(root, 'dist/cilium-lab.js'), 'run', 'hang', '--lessons', 'lessons', '--track', 'k8s', '--target', 'real', '--yes'], {
		cwd: work,
		env: {...process.env, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8'},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.on('exit', (code, signal) => resolve({code, signal})));
	return {child, exited, stdout: () => stdout};
}

function newHome(): string {
	const home = mkdtempSync(path.join(os.tmpdir(), 'cli-signals-home-'));
	homes.push(home);
	return home;
}

describe('headless run and signals', () => {
	it.each([
		['SIGTERM', 143],
		['SIGHUP', 129],
	] as const)('%s stops the step and its whole process tree and exits %i', async (signal, code) => {
		const home = newHome();
		const run = start(home);
		await until(() => run.stdout().includes('started'), 'the step to start');
		const pids = pidsOf(home);
		expect(pids).toHaveLength(2);
		expect(pids.every(alive)).toBe(true);
		run.child.kill(signal);
		expect(await run.exited).toEqual({code, signal: null});
		await until(() => !pids.some(alive), 'the process tree to be gone', 5000);
		expect(readdirSync(path.join(home, 'jobs'))).toEqual([]);
	}, 30_000);

	it('after kill -9 of the run, the next run stops what it left', async () => {
		const home = newHome();
		const run = start(home);
		await until(() => run.stdout().includes('started'), 'the step to start');
		const pids = pidsOf(home);
		expect(readdirSync(path.join(home, 'jobs'))).toHaveLength(1);
		run.child.kill('SIGKILL');
		await run.exited;
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(pids.every(alive)).toBe(true);
		const next = spawnSync('node', [path.join(root, 'dist/cilium-lab.js'), 'run', 'files', '--lessons', 'lessons', '--track', 'k8s', '--target', 'real', '--yes'], {
			cwd: work,
			env: {...process.env, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8'},
			encoding: 'utf8',
			timeout: 30_000,
		});
		expect(next.stderr).toContain('cilium-lab: stopped what an earlier run left running (pid');
		expect(next.status).toBe(0);
		await until(() => !pids.some(alive), 'the left processes to be gone', 5000);
		expect(readdirSync(path.join(home, 'jobs'))).toEqual([]);
	}, 40_000);
});
