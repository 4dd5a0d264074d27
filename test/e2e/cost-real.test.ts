// The built app in a real terminal on `--target real` with the lab's own lessons (aks-byocni), the practice cluster's
// PATH and KUBECONFIG standing in for Azure: r on az aks create shows the node pool's estimated hourly cost and asks
// y/n; the next start's first screen says how long the cluster has run and what it cost; lesson 8's delete needs the
// cluster's name typed, and afterwards the notice is gone.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startTerminal, type Terminal} from './helpers/tmux.js';
import {TestPractice} from '../helpers/practice.js';

const root = path.resolve(import.meta.dirname, '../..');
const app = path.join(root, 'dist/cilium-lab.js');
const practice = new TestPractice({homePrefix: 'cilium-lab-e2e-cost-', speed: 'instant', track: 'aks-byocni'});
let terminal: Terminal | undefined;
let home: string;
let uiPort: string;

function headless(args: string[]) {
	const env = practice.env;
	return spawnSync('node', [app, ...args, '--target', 'real', '--track', 'aks-byocni', '--set', `HUBBLE_UI_PORT=${uiPort}`, '--lang', 'en'], {
		encoding: 'utf8',
		env: {PATH: env.PATH, KUBECONFIG: env.KUBECONFIG, HOME: process.env.HOME, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8'},
		timeout: 120_000,
	});
}

function tui(lang: 'en' | 'ko' = 'en', size = {columns: 100, rows: 30}): Terminal {
	const env = practice.env;
	return startTerminal(`env CI=false PATH='${env.PATH}' KUBECONFIG='${env.KUBECONFIG}' CILIUM_LAB_HOME=${home} node ${app} --target real --lang ${lang}; echo "[exit $?]"`, size);
}

beforeAll(async () => {
	await practice.start();
	home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-cost-home-'));
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	uiPort = String((server.address() as net.AddressInfo).port);
	await new Promise((resolve) => server.close(resolve));
	expect((await practice.run('az', ['login'])).code).toBe(0);
	const prepared = headless(['run', 'preflight', 'cluster/resource-group', '--yes']);
	expect(prepared.status, prepared.stdout + prepared.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
	await practice.stop();
	fs.rmSync(home, {recursive: true, force: true});
});

afterEach(() => {
	terminal?.stop();
	terminal = undefined;
});

describe('the TUI on a real target: cost in view', () => {
	it('shows the estimated cost before az aks create, the running cost at the next start, and deletes only with the name typed', async () => {
		terminal = tui();
		await terminal.waitFor('▶ 01 The cluster 1/4', 20_000);
		terminal.press('Enter');
		await terminal.waitFor('az aks create', 20_000);
		terminal.press('r');
		let screen = await terminal.waitFor('Run it? y yes · n no', 30_000);
		expect(screen).toContain('⚠ cluster/create-byocni: costs money (real target)');
		expect(screen).toContain('Estimated cost: 3 × Standard_DS2_v2 ≈ $0.44/hour ($10.51/day, $320/month)');
		expect(screen).toContain('• AKS cluster yj-aks (resource group yj-rg)');
		terminal.type('y');
		await terminal.waitFor('[done]', 60_000);
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
		terminal.stop();
		terminal = undefined;

		// The next start, in Korean at 80×24: the first screen says the cluster runs and costs, and that lesson 8 deletes it.
		terminal = tui('ko', {columns: 80, rows: 24});
		screen = await terminal.waitFor('8번 레슨', 20_000);
		expect(screen).toContain('이 실습이 만든 AKS 클러스터 yj-aks');
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
		terminal.stop();
		terminal = undefined;

		const ready = headless(['run', 'cluster/credentials', 'cleanup/demo-namespace', 'cleanup/test-namespace', 'cleanup/port-forwards', '--yes', '--confirm', 'demo', '--confirm', 'cilium-test-1']);
		expect(ready.status, ready.stdout + ready.stderr).toBe(0);
		expect(ready.stderr).toContain('💸 The AKS cluster yj-aks (resource group yj-rg) this lab made has run for');

		terminal = tui();
		await terminal.waitFor('Lessons', 20_000);
		// The list opens on the current lesson; the last is lesson 8.
		for (let index = 0; index < 10; index++) terminal.press('Down');
		await terminal.waitFor(/› . 08 Cleanup/);
		terminal.press('Enter');
		await terminal.waitFor('az aks delete', 20_000);
		terminal.press('r');
		screen = await terminal.waitFor('type the name and press Enter: yj-aks', 30_000);
		expect(screen).toContain('⚠ cleanup/delete-cluster: deletes · irreversible (real target)');
		terminal.type('yj-aks');
		await terminal.waitFor('typed: yj-aks');
		terminal.press('Enter');
		await terminal.waitFor('[done]', 60_000);
		expect((await practice.run('az', ['aks', 'list', '-g', 'yj-rg', '--query', 'length(@)', '-o', 'tsv'])).stdout.trim()).toBe('0');
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
		terminal.stop();
		terminal = undefined;

		const after = headless(['run', 'cleanup/delete-cluster', '--yes']);
		expect(after.stderr).not.toContain('💸');
	}, 240_000);
});
