// Real processes: the TUI whose terminal goes away while a step runs stops the step's whole process tree (a child
// that ignores SIGTERM included), as on Ctrl-C, and exits 129 without a stack trace or Node's abort on the dead
// terminal (src/terminal-gone.ts). Two ways a terminal goes: the window closes (tmux kill-server: SIGHUP, then EIO
// on every write), and a terminal that is not the controlling one closes (no SIGHUP at all: the input ends and
// writes fail with EIO; test/e2e/fixtures/pty-hangup.py). A headless run on a closed terminal exits 129 too.
import {execFileSync, spawnSync} from 'node:child_process';
import {cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {repoRoot} from '../helpers/build.js';
import {kill, pidsOf} from '../helpers/step-pids.js';

const hang = readFileSync(path.join(repoRoot, 'test/cli/signals.test.ts'), 'utf8').match(/const hang = `([\s\S]*?)`;/)![1]!;
let work: string;
const homes: string[] = [];

beforeAll(() => {
	work = mkdtempSync(path.join(os.tmpdir(), 'terminal-gone-'));
	cpSync(path.join(repoRoot, 'test/fixtures/lessons-basic'), work, {recursive: true});
	writeFileSync(path.join(work, 'lessons/03-hang.yaml'), hang);
});

afterAll(() => {
	for (const home of homes) {
		for (const pid of pidsOf(home)) kill(pid, 'SIGKILL');
	}
	rmSync(work, {recursive: true, force: true});
	for (const home of homes) rmSync(home, {recursive: true, force: true});
});

function newHome(): string {
	const home = mkdtempSync(path.join(os.tmpdir(), 'terminal-gone-home-'));
	homes.push(home);
	return home;
}

const alive = (pid: number) => {
	try {
		return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
	} catch {
		return false;
	}
};

async function until(predicate: () => boolean, what: string, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

const app = `node ${path.join(repoRoot, 'dist/cilium-lab.js')} --lessons lessons --track k8s --target real`;

describe('the TUI on a terminal that goes away', () => {
	it('closing the window (tmux kill-server, SIGHUP) stops the step and its process tree and exits 129, in Korean at 80x24', async () => {
		const home = newHome();
		const socket = `lab-terminal-gone-${process.pid}`;
		const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
		// The shell ignores the hangup so it lives to write down the app's exit code (the app sets its own handler).
		const script = `trap '' HUP; cd ${work}; CI=false CILIUM_LAB_HOME=${home} ${app} --lang ko 2>${home}/stderr; echo $? > ${home}/rc`;
		tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'lab', '-x', '80', '-y', '24', 'sh', '-c', script);
		try {
			const screen = () => tmux('capture-pane', '-p', '-t', 'lab');
			await until(() => screen().includes('GREETING'), 'the variables screen');
			tmux('send-keys', '-t', 'lab', 'Escape');
			await until(() => screen().includes('멈춤'), 'the lesson list');
			tmux('send-keys', '-t', 'lab', 'Down', 'Down', 'Enter');
			await until(() => screen().includes('트리'), 'the step');
			tmux('send-keys', '-t', 'lab', 'r');
			await until(() => pidsOf(home).length === 2, 'the step to start');
			expect(pidsOf(home).every(alive)).toBe(true);
			expect(readdirSync(path.join(home, 'jobs'))).toHaveLength(1);
		} finally {
			tmux('kill-server');
		}
		await until(() => existsSync(path.join(home, 'rc')), 'the app to exit', 15_000);
		expect(readFileSync(path.join(home, 'rc'), 'utf8').trim()).toBe('129');
		const pids = pidsOf(home);
		await until(() => !pids.some(alive), 'the process tree to be gone', 5000);
		expect(readdirSync(path.join(home, 'jobs'))).toEqual([]);
		const stderr = readFileSync(path.join(home, 'stderr'), 'utf8');
		expect(stderr).not.toMatch(/Error|Assertion|\n\s+at /);
	}, 60_000);

	it('a headless run whose terminal closed stops on the SIGHUP its shell passes on and exits 129, without Node aborting on the dead terminal', async () => {
		const home = newHome();
		const socket = `lab-terminal-gone-headless-${process.pid}`;
		const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
		const script = `trap '' HUP; cd ${work}; CILIUM_LAB_HOME=${home} node ${path.join(repoRoot, 'dist/cilium-lab.js')} run hang --lessons lessons --track k8s --target real --yes 2>${home}/stderr; echo $? > ${home}/rc`;
		tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'lab', '-x', '80', '-y', '24', 'sh', '-c', script);
		try {
			await until(() => pidsOf(home).length === 2, 'the step to start');
		} finally {
			tmux('kill-server');
		}
		// The app is the parent of the step's shell (of the two pids written down, the one whose parent is not the other:
		// the background child may write first); the shell passes the hangup on to it, as an interactive shell does to its jobs.
		const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
		const written = pidsOf(home);
		const app = written.map(parentOf).find((parent) => !written.includes(parent))!;
		expect(readFileSync(`/proc/${app}/cmdline`, 'utf8')).toContain('cilium-lab.js');
		process.kill(app, 'SIGHUP');
		await until(() => existsSync(path.join(home, 'rc')), 'the run to exit', 15_000);
		expect(readFileSync(path.join(home, 'rc'), 'utf8').trim()).toBe('129');
		const pids = pidsOf(home);
		await until(() => !pids.some(alive), 'the process tree to be gone', 5000);
		expect(readdirSync(path.join(home, 'jobs'))).toEqual([]);
		expect(readFileSync(path.join(home, 'stderr'), 'utf8')).not.toMatch(/Error|Assertion|\n\s+at /);
	}, 60_000);

	it('a terminal that is not the controlling one closing (no SIGHUP: the input ends, writes fail with EIO) does the same', async () => {
		const home = newHome();
		const result = spawnSync('python3', [path.join(repoRoot, 'test/e2e/fixtures/pty-hangup.py'), path.join(home, 'pids'), '2', ...app.split(' '), '--lang', 'en'], {
			cwd: work,
			env: {...process.env, CI: 'false', CILIUM_LAB_HOME: home, KEYS: String.raw`GREETING=>\x1b;;Lessons=>\x1b[B|\x1b[B|\r;;Tree=>r`},
			encoding: 'utf8',
			timeout: 90_000,
		});
		expect(result.stderr).not.toMatch(/Error|Assertion|\n\s+at /);
		expect(result.stdout.trim()).toBe('129');
		const pids = pidsOf(home);
		expect(pids).toHaveLength(2);
		await until(() => !pids.some(alive), 'the process tree to be gone', 5000);
		expect(readdirSync(path.join(home, 'jobs'))).toEqual([]);
	}, 120_000);
});
