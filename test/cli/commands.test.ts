// The built binary, as a person (or a script) runs it: lint, list, refusals, exit codes.
import {spawnSync} from 'node:child_process';
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

const root = path.resolve('.');
const fixture = path.join(root, 'test/fixtures/lessons-basic');
let work: string;
let home: string;

function cli(args: string[], options: {cwd?: string; env?: Record<string, string>} = {}) {
	const result = spawnSync('node', [path.join(root, 'dist/cilium-lab.js'), ...args], {
		cwd: options.cwd ?? work,
		encoding: 'utf8',
		env: {...process.env, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', ...options.env},
		timeout: 20_000,
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

beforeAll(async () => {
	work = mkdtempSync(path.join(os.tmpdir(), 'cli-work-'));
	home = mkdtempSync(path.join(os.tmpdir(), 'cli-home-'));
	cpSync(fixture, work, {recursive: true});
});

afterAll(() => {
	rmSync(work, {recursive: true, force: true});
	rmSync(home, {recursive: true, force: true});
});

describe('cilium-lab lint', () => {
	it('exits 0 with a summary for a clean lessons directory', () => {
		const result = cli(['lint', 'lessons']);
		expect(result).toMatchObject({code: 0, stdout: 'lessons: 2 lessons, 4 steps, no problems\n'});
	});

	it('prints every problem with file:line and field path and exits 1, with no stack trace', () => {
		const broken = mkdtempSync(path.join(os.tmpdir(), 'cli-broken-'));
		try {
			cpSync(fixture, broken, {recursive: true});
			const lesson = readFileSync(path.join(broken, 'lessons/01-files.yaml'), 'utf8')
				.replace('kind: command', 'kind: comand')
				.replace('timeout: 10', 'timeout: ten');
			writeFileSync(path.join(broken, 'lessons/01-files.yaml'), lesson);
			writeFileSync(path.join(broken, 'lessons/02-more.yaml'), readFileSync(path.join(broken, 'lessons/02-more.yaml'), 'utf8').replace('requires: [files]', 'requires: [fils]'));
			const result = cli(['lint', 'lessons'], {cwd: broken});
			expect(result.code).toBe(1);
			expect(result.stderr).toBe(
				[
					'lessons/01-files.yaml:16 steps[0].timeout: expected a number, got "ten"',
					'lessons/02-more.yaml:5 requires[0]: no lesson has id "fils" (did you mean "files"?)',
					'2 problem(s)',
					'',
				].join('\n'),
			);
			// Once the shape is right, the check kind is next.
			writeFileSync(path.join(broken, 'lessons/01-files.yaml'), lesson.replace('timeout: ten', 'timeout: 10'));
			const second = cli(['lint', 'lessons'], {cwd: broken});
			expect(second.stderr).toContain('lessons/01-files.yaml:19 steps[0].expect[0].kind: unknown check "comand" (did you mean "command"?)');
			// The app itself refuses to open, printing the same problems.
			const list = cli(['list', '--lessons', 'lessons'], {cwd: broken});
			expect(list.code).toBe(1);
			expect(list.stderr).toContain('lessons/01-files.yaml:19 steps[0].expect[0].kind: unknown check "comand" (did you mean "command"?)');
			expect(list.stderr).toContain('the lab cannot open until they are fixed');
			expect(list.stderr).not.toMatch(/\n\s+at /);
		} finally {
			rmSync(broken, {recursive: true, force: true});
		}
	});
});

describe('cilium-lab list', () => {
	it('lists lessons with their status and why a locked one is locked, in plain text and JSON', () => {
		const result = cli(['list', '--lessons', 'lessons']);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('Test lab · track aks-byocni · practice cluster');
		expect(result.stdout).toContain('✗ 02 more   More  (locked: finish "files" first)');
		const json = JSON.parse(cli(['list', '--lessons', 'lessons', '--json', '--lang', 'ko', '--track', 'k8s']).stdout);
		expect(json).toMatchObject({track: 'k8s', lang: 'ko', lessons: [{id: 'files', title: '파일 만들기', status: 'ready'}, {id: 'more', status: 'locked', requires: 'files'}]});
	});

	it('follows the locale when --lang is not given', () => {
		const result = cli(['list', '--lessons', 'lessons'], {env: {LANG: 'ko_KR.UTF-8'}});
		expect(result.stdout).toContain('잠김: "files" 레슨을 먼저 마치세요');
	});
});

describe('user mistakes', () => {
	it.each([
		[['lst'], 'unknown command "lst" (did you mean "list"?)'],
		[['--lang', 'fr'], '--lang fr: expected ko or en'],
		[['--trak', 'k8s'], 'unknown option --trak (did you mean "--track"?)'],
		[['list', '--lessons', 'lessons', '--track', 'k8'], '--track k8: no such track (did you mean "k8s"?); the lab\'s tracks are aks-byocni, k8s'],
		[['list', '--lessons', 'lessons', '--set', 'GREETING=a; rm -rf ~'], '--set GREETING="a; rm -rf ~" is refused: it must match [a-z][a-z0-9-]{0,30}'],
		[['list', '--lessons', 'lessons', '--set', 'GREETNG=hi'], '--set GREETNG: no such variable (did you mean "GREETING"?)'],
		[['check', '--lessons', 'lessons', 'fils/write', '--target', 'real'], 'no lesson "fils" (did you mean "files"?)'],
		[['check', '--lessons', 'lessons', 'files/wrte', '--target', 'real'], 'lesson "files" has no step "wrte" (did you mean "write"?)'],
		[['run', '--lessons', 'lessons', 'files', '--target', 'real'], 'running commands against a real cluster needs a confirmation: run it in a terminal or pass --yes'],
		[['list', '--lessons', 'nowhere'], 'no lessons directory at nowhere'],
		[[], 'the lab opens in a terminal; without one, use list, check or run'],
	])('%j exits 1 with a clear message', (args, message) => {
		const result = cli(args);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain(message);
		expect(result.stderr).not.toMatch(/\n\s+at /);
	});

	it('refuses --context with the practice target, and names the contexts a real kubeconfig has', () => {
		const kubeconfig = path.join(work, 'kubeconfig');
		writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts:\n- name: aks-one\n  context: {cluster: c, user: u}\n');
		const wrong = cli(['check', '--lessons', 'lessons', 'files/write', '--target', 'real', '--context', 'aks-on'], {env: {KUBECONFIG: kubeconfig}});
		expect(wrong.code).toBe(1);
		expect(wrong.stderr).toContain(`no kube context "aks-on" in ${kubeconfig} (did you mean "aks-one"?); the contexts there are aks-one`);
		const practice = cli(['check', '--lessons', 'lessons', 'files/write', '--context', 'aks-one']);
		expect(practice.stderr).toContain('--context names a context of your own kubeconfig; it goes with --target real');
	});
});

describe('cilium-lab check and run against a target', () => {
	it('runs lessons headless on the real target with --yes, stops at the failing step with exit 2, and check reports per step', () => {
		const runHome = mkdtempSync(path.join(os.tmpdir(), 'cli-run-home-'));
		try {
			const env = {CILIUM_LAB_HOME: runHome};
			const run = cli(['run', 'files', 'more', '--lessons', 'lessons', '--target', 'real', '--yes', '--set', 'GREETING=hi-there'], {env});
			expect(run.code).toBe(2);
			expect(run.stdout).toContain('  │ writing hi-there');
			expect(run.stdout).toContain('  ✘ test -f "$LAB_HOME/never.txt" exited 1');
			expect(run.stdout).toMatch(/✘ step "more\/fails" failed: command: test -f "\$LAB_HOME\/never.txt" exited 1\n$/);
			expect(readFileSync(path.join(runHome, 'greeting.txt'), 'utf8')).toBe('hi-there\n');
			const progress = JSON.parse(readFileSync(path.join(runHome, 'progress.json'), 'utf8'));
			expect(progress).toMatchObject({version: 1, variables: {GREETING: 'hi-there'}, target: {kind: 'real'}, lessons: {files: {steps: {write: {status: 'done'}}}}});

			const passing = cli(['check', 'files/write', '--lessons', 'lessons'], {env});
			expect(passing).toMatchObject({code: 0, stdout: 'files/write: Write\n  ✔ grep -qx "$GREETING" "$LAB_HOME/greeting.txt" exited 0\n'});
			const failing = cli(['check', 'more', '--lessons', 'lessons', '--json'], {env});
			expect(failing.code).toBe(2);
			const report = JSON.parse(failing.stdout);
			expect(report.steps.map((step: {step: string; ok: boolean}) => [step.step, step.ok])).toEqual([
				['second', true],
				['fails', false],
			]);
			const list = cli(['list', '--lessons', 'lessons'], {env});
			expect(list.stdout).toContain('▶ 02 more   More  (in progress · 1/2 steps)');
			expect(list.stdout).toContain('kube context (current)');
		} finally {
			rmSync(runHome, {recursive: true, force: true});
		}
	});

	it('runs on the practice cluster by default: commands get its KUBECONFIG and PATH, and the daemon stops on request', () => {
		const practiceHome = mkdtempSync(path.join(os.tmpdir(), 'cli-practice-home-'));
		const env = {CILIUM_LAB_HOME: practiceHome, CILIUM_LAB_PRACTICE_SPEED: 'instant'};
		try {
			const lessons = mkdtempSync(path.join(os.tmpdir(), 'cli-practice-lab-'));
			cpSync(fixture, lessons, {recursive: true});
			const file = path.join(lessons, 'lessons/01-files.yaml');
			writeFileSync(file, readFileSync(file, 'utf8').replace('echo "writing $GREETING"', 'echo "kubeconfig $KUBECONFIG"; command -v az'));
			const run = cli(['run', 'files', '--lessons', path.join(lessons, 'lessons'), '--track', 'k8s'], {env});
			rmSync(lessons, {recursive: true, force: true});
			expect(run.stderr).toBe('');
			expect(run.code).toBe(0);
			expect(run.stdout).toContain(`  │ kubeconfig ${practiceHome}/practice/kubeconfig`);
			expect(run.stdout).toContain(`  │ ${practiceHome}/practice/bin/az`);
			expect(run.stdout).toContain('finished: 2 step(s)');
		} finally {
			cli(['practice', 'stop'], {env});
			rmSync(practiceHome, {recursive: true, force: true});
		}
	});
});

describe('a reader that closes the pipe early', () => {
	it('`cilium-lab run --dry-run | head -1`: the first line arrives, then no EPIPE stack trace and exit 0', () => {
		const lessons = path.join(root, 'lessons');
		const result = spawnSync('bash', ['-c', `node ${JSON.stringify(path.join(root, 'dist/cilium-lab.js'))} run --dry-run --lessons ${JSON.stringify(lessons)} --track k8s cluster install hubble | head -1; echo "exit \${PIPESTATUS[0]}"`], {
			cwd: work,
			encoding: 'utf8',
			env: {...process.env, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8', LC_ALL: ''},
			timeout: 20_000,
		});
		expect(result.stdout.split('\n')[0]).toMatch(/^Dry run \(target: practice cluster\)/);
		expect(result.stderr).not.toMatch(/EPIPE|node:events|Unhandled/);
		expect(result.stdout).toContain('exit 0');
	});
});
