// The built app in a real terminal on `--target real`, with the practice cluster's PATH and KUBECONFIG standing in
// for a learner's own cluster: r on a destructive step shows the kube context, its server and the resource, and
// runs only once the resource's name is typed.
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {startTerminal, type Terminal} from './helpers/tmux.js';
import {TestPractice} from '../helpers/practice.js';

const root = path.resolve(import.meta.dirname, '../..');
const practice = new TestPractice({homePrefix: 'cilium-lab-e2e-real-', speed: 'instant', track: 'k8s'});
let terminal: Terminal | undefined;
let work: string;

const danger = `id: danger
title: {ko: "위험", en: "Danger"}
body: {ko: "본문", en: "Body"}
tracks: [aks-byocni, k8s]
steps:
  - id: make-ns
    title: {ko: "만들기", en: "Make"}
    body: {ko: "본문", en: "Body"}
    run: kubectl create ns "$GREETING"
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

beforeAll(async () => {
	await practice.start();
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-real-work-'));
	fs.cpSync(path.join(root, 'test/fixtures/lessons-basic'), work, {recursive: true});
	fs.writeFileSync(path.join(work, 'lessons/03-danger.yaml'), danger);
}, 120_000);

afterAll(async () => {
	await practice.stop();
	fs.rmSync(work, {recursive: true, force: true});
});

afterEach(() => {
	terminal?.stop();
	terminal = undefined;
});

describe('the TUI on a real target', () => {
	it('asks for the name before a destructive step runs, showing the context, server and resource', async () => {
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-real-home-'));
		const env = practice.env;
		const app = path.join(root, 'dist/cilium-lab.js');
		terminal = startTerminal(
			`env CI=false PATH='${env.PATH}' KUBECONFIG='${env.KUBECONFIG}' CILIUM_LAB_HOME=${home} node ${app} --lessons ${path.join(work, 'lessons')} --target real --lang en --set GREETING=greet-ns; echo "[exit $?]"`,
			{columns: 100, rows: 30},
		);
		await terminal.waitFor('Choose a track');
		terminal.press('Enter');
		await terminal.waitFor('GREETING');
		terminal.press('Escape');
		await terminal.waitFor('Lessons');
		terminal.press('Down', 'Down', 'Enter');
		await terminal.waitFor('$ kubectl create ns "$GREETING"');
		terminal.press('r');
		await terminal.waitFor('[done]', 20_000);
		terminal.press('n');
		let screen = await terminal.waitFor('⚠ deletes');
		terminal.press('r');
		screen = await terminal.waitFor('type the name and press Enter: greet-ns');
		expect(screen).toMatch(/kube context: practice · server https:\/\/127\.0\.0\.1:\d+/);
		expect(screen).toContain('• namespace greet-ns (and everything in it)');
		terminal.type('y');
		terminal.press('Enter');
		await terminal.waitFor('not the name: type greet-ns');
		expect((await practice.run('kubectl', ['get', 'ns', 'greet-ns'])).code).toBe(0);
		terminal.type('greet-ns');
		await terminal.waitFor('typed: greet-ns');
		terminal.press('Enter');
		screen = await terminal.waitFor('[done]', 20_000);
		expect((await practice.run('kubectl', ['get', 'ns', 'greet-ns'])).code).not.toBe(0);
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
		fs.rmSync(home, {recursive: true, force: true});
	}, 90_000);
});
