// `--target real` against the practice cluster's environment (its PATH and KUBECONFIG) standing in for a learner's
// own cluster: a destructive step needs --confirm NAME (--yes is not enough), the confirmation names the kube
// context and its server (and the Azure subscription from `az account show`), and --dry-run runs nothing.
import {spawnSync} from 'node:child_process';
import {cpSync, existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {identifyTarget} from '../../src/target-identity.js';
import {TestPractice} from '../helpers/practice.js';

const root = path.resolve('.');
const practice = new TestPractice({homePrefix: 'cilium-lab-real-', speed: 'instant', track: 'k8s'});
let work: string;
let home: string;

const danger = `id: danger
title: {ko: "위험", en: "Danger"}
body: {ko: "본문", en: "Body"}
tracks: [k8s]
steps:
  - id: make-ns
    title: {ko: "만들기", en: "Make"}
    body: {ko: "본문", en: "Body"}
    run: kubectl create ns "$GREETING"
    cleanup: kubectl delete ns "$GREETING" --ignore-not-found
    cleanupEffects: [destructive]
    resources:
      - {kind: namespace, name: '\${GREETING}'}
    expect:
      - {kind: resource, apiVersion: v1, resourceKind: Namespace, name: '\${GREETING}'}
  - id: drop-ns
    title: {ko: "지우기", en: "Drop"}
    body: {ko: "본문", en: "Body"}
    run: kubectl delete ns "$GREETING"
    effects: [destructive]
    resources:
      - {kind: namespace, name: '\${GREETING}'}
    expect:
      - {kind: resource, apiVersion: v1, resourceKind: Namespace, name: '\${GREETING}', state: absent}
`;

function cli(args: string[]) {
	const env = practice.env;
	const result = spawnSync('node', [path.join(root, 'dist/cilium-lab.js'), ...args, '--lessons', path.join(work, 'lessons'), '--track', 'k8s', '--set', 'GREETING=greet-ns'], {
		cwd: work,
		encoding: 'utf8',
		env: {PATH: env.PATH, KUBECONFIG: env.KUBECONFIG, HOME: process.env.HOME, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8'},
		timeout: 60_000,
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

beforeAll(async () => {
	await practice.start();
	work = mkdtempSync(path.join(os.tmpdir(), 'cli-real-work-'));
	home = mkdtempSync(path.join(os.tmpdir(), 'cli-real-home-'));
	cpSync(path.join(root, 'test/fixtures/lessons-basic'), work, {recursive: true});
	writeFileSync(path.join(work, 'lessons/03-danger.yaml'), danger);
}, 120_000);

afterAll(async () => {
	await practice.stop();
	rmSync(work, {recursive: true, force: true});
	rmSync(home, {recursive: true, force: true});
});

describe('--target real: steps with effects', () => {
	it('--dry-run shows the commands expanded, the badge and the checks, and runs and records nothing', () => {
		const result = cli(['run', 'danger', '--target', 'real', '--dry-run']);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('Dry run (target: real cluster): nothing runs and nothing is recorded');
		expect(result.stdout).toContain('  $ kubectl delete ns "greet-ns"\n');
		expect(result.stdout).toContain('  ⚠ deletes (on the real target: the name typed, or --confirm NAME)\n    • namespace greet-ns (and everything in it)');
		expect(result.stdout).toContain('    - resource: apiVersion=v1 resourceKind=Namespace name=greet-ns state=absent');
		expect(existsSync(path.join(home, 'progress.json'))).toBe(false);
	});

	it('--yes runs the ordinary step but refuses the destructive one without --confirm NAME; a wrong name too', async () => {
		const first = cli(['run', 'danger', '--target', 'real', '--yes']);
		expect(first.stdout).toContain('kube context: practice · server https://127.0.0.1:');
		expect(first.stdout).toMatch(/server https:\/\/127\.0\.0\.1:\d+/);
		expect(first.stdout).toContain('--yes is not enough: pass --confirm greet-ns');
		expect(first.code).toBe(1);
		expect((await practice.run('kubectl', ['get', 'ns', 'greet-ns'])).code).toBe(0);
		const wrong = cli(['run', 'danger/drop-ns', '--target', 'real', '--yes', '--confirm', 'demo']);
		expect(wrong.code).toBe(1);
		expect((await practice.run('kubectl', ['get', 'ns', 'greet-ns'])).code).toBe(0);
	});

	it('--confirm NAME runs it', async () => {
		const result = cli(['run', 'danger/drop-ns', '--target', 'real', '--yes', '--confirm', 'greet-ns']);
		expect(result.stdout).toContain('confirmed (--yes / --confirm)');
		expect(result.code).toBe(0);
		expect((await practice.run('kubectl', ['get', 'ns', 'greet-ns'])).code).not.toBe(0);
	});

	it('reset runs a cleanup that deletes only with --confirm NAME: refused, the step keeps its progress; confirmed, it runs', async () => {
		expect(cli(['run', 'danger/make-ns', '--target', 'real', '--yes', '--redo']).code).toBe(0);
		const refused = cli(['reset', 'danger', '--target', 'real', '--yes']);
		expect(refused.code).toBe(1);
		expect(refused.stdout).toContain('⚠ cleanup of danger/make-ns: deletes (real target)');
		expect(refused.stdout).toContain('--confirm greet-ns');
		expect(refused.stdout).toContain('stopped at danger/make-ns: its cleanup was not confirmed');
		expect((await practice.run('kubectl', ['get', 'ns', 'greet-ns'])).code).toBe(0);
		const confirmed = cli(['reset', 'danger', '--target', 'real', '--yes', '--confirm', 'greet-ns']);
		expect(confirmed.code, confirmed.stdout + confirmed.stderr).toBe(0);
		expect(confirmed.stdout).toContain('confirmed (--yes / --confirm)');
		expect((await practice.run('kubectl', ['get', 'ns', 'greet-ns'])).code).not.toBe(0);
	});

	it('identifies the Azure subscription (az account show) and the kube context and server', async () => {
		const env = Object.fromEntries(Object.entries(practice.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
		const before = await identifyTarget({env, azure: true});
		expect(before.accountError).toMatch(/az login/);
		await practice.run('az', ['login']);
		const identity = await identifyTarget({env, azure: true});
		expect(identity.account?.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(identity.context).toBeTruthy();
		expect(identity.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
	});
});
