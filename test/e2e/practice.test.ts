// The built app in a real terminal (tmux) on the practice cluster, the default target, at instant speed: a
// person's first start on the k8s track, a step run and checked, progress saved; background jobs and cancel.
import {describe, expect, it, afterEach} from 'vitest';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {firstStartOnPractice, startTerminal, type Terminal} from './helpers/tmux.js';

const root = path.resolve(import.meta.dirname, '../..');
const app = path.join(root, 'dist/cilium-lab.js');
let terminal: Terminal | undefined;
const homes: string[] = [];


afterEach(() => {
	terminal?.stop();
	terminal = undefined;
	for (const home of homes.splice(0)) {
		// The practice daemon of this home stops with it.
		try {
			execFileSync('node', [app, 'practice', 'stop'], {env: {...process.env, CILIUM_LAB_HOME: home}, stdio: 'ignore', timeout: 20_000});
		} catch {
			// not running
		}
	}
});

function start(home: string, extra = '', size = {columns: 80, rows: 24}): Terminal {
	homes.push(home);
	return startTerminal(`env CI=false CILIUM_LAB_HOME=${home} CILIUM_LAB_PRACTICE_SPEED=instant node ${app} --lang en ${extra}; echo "[exit $?]"`, size);
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

describe('cilium-lab on the practice cluster, in a terminal', () => {
	it('first start on the k8s track: a ready-made cluster, a step run and checked, done in progress.json', async () => {
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-practice-'));
		terminal = start(home);
		let screen = await terminal.waitFor('Choose a track', 20_000);
		expect(screen).toContain('nothing is billed');
		terminal.press('Down', 'Down');
		await terminal.waitFor('› An existing Kubernetes cluster');
		terminal.press('Enter');
		screen = await terminal.waitFor('Variables');
		terminal.press('Escape');
		screen = await terminal.waitFor('Lessons');
		expect(screen).toMatch(/▶ 00 Preflight/);
		expect(screen).toMatch(/01 The cluster .*\(requires: 00 preflight\)/);
		// The k8s track's ready-made cluster is created behind the lesson list.
		await terminal.waitUntil(() => fs.existsSync(path.join(home, 'practice', 'kubeconfig')), 'the practice kubeconfig', 30_000);
		await terminal.waitUntil((current) => !current.includes('starting the practice cluster'), 'the practice cluster ready', 30_000);
		terminal.press('Enter');
		screen = await terminal.waitFor('step 1/', 10_000);
		expect(screen).toMatch(/\[ready\]/);
		terminal.press('Enter'); // a reading step: mark it read
		screen = await terminal.waitFor('[done]');
		terminal.press('n');
		screen = await terminal.waitFor('$ kubectl version --client');
		terminal.press('r');
		screen = await terminal.waitFor('exit code 0', 30_000);
		expect(screen).toContain('Client Version:');
		screen = await terminal.waitFor('[done]', 30_000);
		expect(screen).toMatch(/✔ helm version --short exited 0: v3\./);
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
		const progress = JSON.parse(fs.readFileSync(path.join(home, 'progress.json'), 'utf8'));
		expect(progress).toMatchObject({track: 'k8s', lessons: {preflight: {steps: {'kubectl-helm': {status: 'done'}}}}});
		// The practice cluster's kubectl answers (the k8s track's cluster exists).
		const nodes = execFileSync('kubectl', ['get', 'nodes', '-o', 'name'], {env: {...process.env, KUBECONFIG: path.join(home, 'practice', 'kubeconfig')}, encoding: 'utf8'});
		expect(nodes.trim().split('\n').length).toBeGreaterThanOrEqual(1);
	}, 120_000);

	it('a background port-forward is listed in the status bar and stopped on quit; x cancels a long command', async () => {
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-jobs-'));
		terminal = start(home, `--lessons ${path.join(import.meta.dirname, 'fixtures/jobs/lessons')}`, {columns: 100, rows: 30});
		await firstStartOnPractice(terminal);
		terminal.press('Enter');
		await terminal.waitFor('A pod');
		terminal.press('r');
		await terminal.waitFor('✔ pods app=web in default: 1/1 Ready', 30_000);
		await terminal.waitFor('[done]', 30_000);
		terminal.press('n');
		await terminal.waitFor('Port-forward');
		terminal.press('r');
		let screen = await terminal.waitFor(/background: port-forward \(\d+s\)/, 20_000);
		screen = await terminal.waitFor('Forwarding from', 20_000);
		// A background step counts as done once its command has not failed at once (a busy port, a typo): then n moves on.
		screen = await terminal.waitFor(/step 2\/3 \[done\]/, 20_000);
		const pidFiles = fs.readdirSync(path.join(home, 'jobs')).filter((file) => file.endsWith('.json'));
		expect(pidFiles).toHaveLength(1);
		const pid = Number(JSON.parse(fs.readFileSync(path.join(home, 'jobs', pidFiles[0]!), 'utf8')).pid);
		expect(alive(pid)).toBe(true);
		// Moving on keeps it running and listed.
		terminal.press('n');
		screen = await terminal.waitFor('A long command');
		expect(screen).toMatch(/background: port-forward/);
		terminal.press('r');
		await terminal.waitFor('waiting a long time', 20_000);
		terminal.press('x');
		screen = await terminal.waitFor('cancelled', 20_000);
		expect(screen).toMatch(/background: port-forward/);
		terminal.press('q');
		await terminal.waitFor('Stop 1 background job(s) and quit? (y/n)');
		terminal.press('y');
		await terminal.waitFor('[exit 0]', 20_000);
		expect(alive(pid)).toBe(false);
		expect(fs.readdirSync(path.join(home, 'jobs')).filter((file) => file.endsWith('.json'))).toEqual([]);
	}, 120_000);
});
