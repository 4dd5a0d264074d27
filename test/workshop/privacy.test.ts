// What a failing step tells the room, with real processes: headless `run --join` learners against a workshop server on
// loopback. A check whose output carries a variable's value (here GREETING, set with --set) reaches the room as "which
// check failed" only; the learner who passes --share-output sends the check's own words.
import {spawn} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {dashboardLabels} from '../../src/workshop/dashboard.js';
import {startWorkshopServer, type WorkshopServer} from '../../src/workshop/server.js';

const root = path.resolve('.');
let work: string;
let lessons: string;
let server: WorkshopServer;

beforeAll(async () => {
	work = mkdtempSync(path.join(os.tmpdir(), 'workshop-privacy-'));
	lessons = path.join(work, 'lessons');
	mkdirSync(lessons);
	writeFileSync(
		path.join(lessons, 'lab.yaml'),
		`title: {ko: "비밀", en: "Secrets"}
tracks:
  - id: k8s
    title: {ko: "쿠버네티스", en: "Any Kubernetes"}
    description: {ko: "아무 클러스터", en: "any cluster"}
variables:
  - name: GREETING
    default: hello
    pattern: '[a-z][a-z0-9-]{0,30}'
    description: {ko: "인사말", en: "a greeting"}
`,
	);
	writeFileSync(
		path.join(lessons, '01-leak.yaml'),
		`id: leak
title: {ko: "새는 확인", en: "A leaky check"}
body: {ko: "실패합니다", en: "It fails"}
tracks: [k8s]
steps:
  - id: says
    title: {ko: "말하기", en: "Say"}
    body: {ko: "값을 출력하고 실패합니다", en: "Prints the value and fails"}
    run: echo ok
    timeout: 5
    expect:
      - kind: command
        script: echo "token is $GREETING"; exit 1
        timeout: 1
`,
	);
	server = await startWorkshopServer({outline: {title: 'Secrets', lessons: [{id: 'leak', title: 'Leak', steps: [{id: 'says', title: 'Say'}]}]}, labels: dashboardLabels('en'), lang: 'en'});
});

afterAll(async () => {
	await server?.close();
	rmSync(work, {recursive: true, force: true});
});

function run(name: string, extra: string[]): Promise<{code: number | null; stderr: string}> {
	const child = spawn(
		process.execPath,
		[path.join(root, 'dist/cilium-lab.js'), 'run', 'leak', '--lessons', lessons, '--target', 'real', '--yes', '--track', 'k8s', '--set', 'GREETING=s3cr3t-value', '--join', server.joinUrl, '--name', name, ...extra],
		{env: {...process.env, CILIUM_LAB_HOME: path.join(work, name), LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', CILIUM_LAB_JOIN: '', CILIUM_LAB_NAME: ''}, stdio: ['ignore', 'ignore', 'pipe']},
	);
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	return new Promise((resolve) => child.on('close', (code) => resolve({code, stderr})));
}

const reasonOf = (name: string) => server.room.snapshot(Date.now()).learners.find((learner) => learner.name === name)?.cells['leak/says']?.reason;

describe('a failing step in the room', () => {
	it('carries no output or variable value unless the learner passes --share-output', async () => {
		const [quiet, sharing] = await Promise.all([run('Quiet', []), run('Sharing', ['--share-output'])]);
		expect(quiet.code, quiet.stderr).toBe(2);
		expect(sharing.code, sharing.stderr).toBe(2);
		expect(quiet.stderr).toContain('(only progress is sent)');
		expect(sharing.stderr).toContain('with --share-output');
		await expect.poll(() => reasonOf('Quiet'), {timeout: 10_000}).toBe('command: check 1 of 1 failed (1 failing)');
		await expect.poll(() => reasonOf('Sharing'), {timeout: 10_000}).toMatch(/token is s3cr3t-value/);
		// Nothing of the value anywhere in what the room keeps of the learner who did not opt in.
		const quietRow = server.room.snapshot(Date.now()).learners.find((learner) => learner.name === 'Quiet');
		expect(JSON.stringify(quietRow)).not.toContain('s3cr3t');
	}, 60_000);

	it('--share-output without --join is a sentence before anything starts (no practice cluster), not a silent no-op', async () => {
		const child = spawn(process.execPath, [path.join(root, 'dist/cilium-lab.js'), 'run', 'leak', '--lessons', lessons, '--share-output'], {
			env: {...process.env, CILIUM_LAB_HOME: path.join(work, 'alone'), LANG: 'en_US.UTF-8', CILIUM_LAB_JOIN: '', CILIUM_LAB_NAME: ''},
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const code = await new Promise((resolve) => child.on('close', resolve));
		expect(code).toBe(1);
		expect(stderr).toBe('cilium-lab: --share-output says what a workshop is sent: it goes with --join URL (or CILIUM_LAB_JOIN)\n  try: cilium-lab --join URL --name NAME --share-output\n');
	});
});
