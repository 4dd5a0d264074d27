// The lab home as the machine has it: a read-only or full home is refused before any step runs (a sentence, exit
// 74, no stack trace); a home the app creates is 0700 and step logs are 0600 whatever the umask; two runs on one
// home at once keep each other's progress.
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {fillDisk, mountTmpfs, unmountTmpfs} from '../helpers/tmpfs.js';

const root = path.resolve('.');
let work: string;
const cleanup: Array<() => void> = [];

function lesson(id: string, steps: number): string {
	return `id: ${id}
title: {ko: "${id}", en: "${id}"}
body: {ko: "본문", en: "Body"}
tracks: [k8s]
steps:
${Array.from(
	{length: steps},
	(_, index) => `  - id: s${index}
    title: {ko: "단계", en: "Step"}
    body: {ko: "본문", en: "Body"}
    run: sleep 0.$((RANDOM % 3)); echo "${id} ${index}" >> "$LAB_HOME/marker"
`,
).join('')}`;
}

beforeAll(() => {
	work = mkdtempSync(path.join(os.tmpdir(), 'cli-home-work-'));
	cpSync(path.join(root, 'test/fixtures/lessons-basic'), work, {recursive: true});
	writeFileSync(path.join(work, 'lessons/03-alpha.yaml'), lesson('alpha', 6));
	writeFileSync(path.join(work, 'lessons/04-beta.yaml'), lesson('beta', 6));
});

afterAll(() => {
	for (const undo of cleanup.reverse()) undo();
	rmSync(work, {recursive: true, force: true});
});

function cli(home: string, args: string[], umask?: string) {
	const command = [process.execPath, path.join(root, 'dist/cilium-lab.js'), ...args, '--lessons', 'lessons', '--track', 'k8s', '--target', 'real', '--yes'];
	const result = spawnSync(umask ? 'bash' : command[0]!, umask ? ['-c', `umask ${umask}; exec "$@"`, 'bash', ...command] : command.slice(1), {
		cwd: work,
		encoding: 'utf8',
		env: {...process.env, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8'},
		timeout: 60_000,
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('the lab home', () => {
	it('a read-only home is refused before any step runs, in a sentence', () => {
		const mount = mkdtempSync(path.join(os.tmpdir(), 'cli-home-ro-'));
		mountTmpfs(mount, '2m');
		cleanup.push(() => unmountTmpfs(mount));
		mkdirSync(path.join(mount, 'home'));
		execFileSync('mount', ['-o', 'remount,ro', mount]);
		const result = cli(path.join(mount, 'home'), ['run', 'alpha']);
		expect(result.stderr).toContain(`cilium-lab: cannot write to the lab home ${path.join(mount, 'home')} (read-only file system); nothing was run`);
		expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
		expect(result.stdout).not.toContain('▸ alpha/');
		expect(result.code).toBe(74);
	});

	it('a full home is refused before any step runs', () => {
		const mount = mkdtempSync(path.join(os.tmpdir(), 'cli-home-full-'));
		mountTmpfs(mount, '2m');
		cleanup.push(() => unmountTmpfs(mount));
		const home = path.join(mount, 'home');
		mkdirSync(home);
		fillDisk(mount);
		const result = cli(home, ['run', 'alpha']);
		expect(result.stderr).toContain('(no space left on the device); nothing was run');
		expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
		expect(result.code).toBe(74);
		expect(existsSync(path.join(home, 'marker'))).toBe(false);
	});

	it('a home the app creates is 0700 and its logs 0600, with umask 000', () => {
		const parent = mkdtempSync(path.join(os.tmpdir(), 'cli-home-mode-'));
		cleanup.push(() => rmSync(parent, {recursive: true, force: true}));
		const home = path.join(parent, 'lab');
		const result = cli(home, ['run', 'alpha/s0'], '000');
		expect(result.code).toBe(0);
		expect(statSync(home).mode & 0o777).toBe(0o700);
		const logs = readdirSync(path.join(home, 'logs'));
		expect(logs.length).toBeGreaterThan(0);
		for (const log of logs) expect(statSync(path.join(home, 'logs', log)).mode & 0o777).toBe(0o600);
		expect(statSync(path.join(home, 'progress.json')).mode & 0o777).toBe(0o600);
	});

	it('with umask 000, the lab cache and the --context kubeconfig overlay are 0600 files in 0700 directories, an older 0644 overlay included', () => {
		const parent = mkdtempSync(path.join(os.tmpdir(), 'cli-home-umask-'));
		cleanup.push(() => rmSync(parent, {recursive: true, force: true}));
		const home = path.join(parent, 'lab');
		const kubeconfig = path.join(parent, 'kubeconfig');
		writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: ctx-a, context: {cluster: c, user: u}}]\n');
		// An overlay an earlier version left world-readable.
		mkdirSync(path.join(home, 'real'), {recursive: true});
		writeFileSync(path.join(home, 'real', 'current-context.yaml'), 'old\n', {mode: 0o644});
		const result = spawnSync('bash', ['-c', 'umask 000; exec "$@"', 'bash', process.execPath, path.join(root, 'dist/cilium-lab.js'), 'run', 'alpha/s0', '--lessons', 'lessons', '--track', 'k8s', '--target', 'real', '--context', 'ctx-a', '--yes'], {
			cwd: work,
			encoding: 'utf8',
			env: {...process.env, CILIUM_LAB_HOME: home, KUBECONFIG: kubeconfig, LANG: 'en_US.UTF-8'},
			timeout: 60_000,
		});
		expect(result.status, result.stdout + result.stderr).toBe(0);
		const overlay = path.join(home, 'real', 'current-context.yaml');
		expect(readFileSync(overlay, 'utf8')).toContain('current-context: "ctx-a"');
		const cache = readdirSync(path.join(home, 'cache'));
		expect(cache.length).toBeGreaterThan(0);
		for (const dir of [path.join(home, 'real'), path.join(home, 'cache')]) expect(statSync(dir).mode & 0o777, dir).toBe(0o700);
		for (const file of [overlay, ...cache.map((name) => path.join(home, 'cache', name))]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
	});

	it('two runs on one home at once keep each other\'s progress', async () => {
		const home = mkdtempSync(path.join(os.tmpdir(), 'cli-home-two-'));
		cleanup.push(() => rmSync(home, {recursive: true, force: true}));
		const run = (lessonId: string) =>
			new Promise<number | null>((resolve) => {
				const child = spawn(process.execPath, [path.join(root, 'dist/cilium-lab.js'), 'run', lessonId, '--lessons', 'lessons', '--track', 'k8s', '--target', 'real', '--yes'], {
					cwd: work,
					env: {...process.env, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8'},
					stdio: 'ignore',
				});
				child.on('exit', (code) => resolve(code));
			});
		expect(await Promise.all([run('alpha'), run('beta')])).toEqual([0, 0]);
		const markers = readFileSync(path.join(home, 'marker'), 'utf8').trim().split('\n');
		expect(markers).toHaveLength(12);
		const progress = JSON.parse(readFileSync(path.join(home, 'progress.json'), 'utf8'));
		expect(Object.keys(progress.lessons.alpha.steps).sort()).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
		expect(Object.keys(progress.lessons.beta.steps).sort()).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
		expect(existsSync(path.join(home, 'progress.json.lock'))).toBe(false);
	}, 60_000);
});
