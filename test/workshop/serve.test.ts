// `cilium-lab workshop serve` and `run --join` as real processes on loopback: the server, learners running the lessons
// headless against it, the protocol's refusals over HTTP, a learner whose server is gone, a learner coming back, and the
// dashboard in a real browser (Debian's chromium driven by playwright-core), with a screenshot under test-artifacts/.
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RoomSnapshot} from '../../src/workshop/room.js';

const root = path.resolve('.');
const lessons = path.join(root, 'test/fixtures/lessons-basic/lessons');
const artifacts = path.join(root, 'test-artifacts');
let work: string;
let server: ChildProcess;
let dashboardUrl: string;
let joinUrl: string;
let code: string;

function start(args: string[], home: string): {child: ChildProcess; done: Promise<{code: number | null; stdout: string; stderr: string}>} {
	const child = spawn(process.execPath, [path.join(root, 'dist/cilium-lab.js'), ...args], {
		env: {...process.env, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', CILIUM_LAB_JOIN: '', CILIUM_LAB_NAME: ''},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const done = new Promise<{code: number | null; stdout: string; stderr: string}>((resolve) => child.on('close', (exit) => resolve({code: exit, stdout, stderr})));
	Object.defineProperty(child, 'output', {get: () => stdout});
	return {child, done};
}

const learnerRun = (name: string, home: string, url = joinUrl, extra: string[] = []) =>
	start(['run', 'files', 'more', '--lessons', lessons, '--target', 'real', '--yes', '--join', url, '--name', name, ...extra], home).done;

async function room(): Promise<RoomSnapshot> {
	const response = await fetch(dashboardUrl.replace('/dashboard?', '/api/room?'));
	return (await response.json()) as RoomSnapshot;
}

const base = () => new URL(joinUrl).origin;
const post = (pathname: string, body: unknown, token?: string) =>
	fetch(`${base()}${pathname}`, {method: 'POST', headers: {'content-type': 'application/json', ...(token ? {authorization: `Bearer ${token}`} : {})}, body: typeof body === 'string' ? body : JSON.stringify(body)});

beforeAll(async () => {
	work = mkdtempSync(path.join(os.tmpdir(), 'workshop-'));
	const started = start(['workshop', 'serve', '--lessons', lessons, '--lang', 'en'], path.join(work, 'facilitator'));
	server = started.child;
	for (let tries = 0; tries < 100 && !/join code: (\S+)/.test((server as unknown as {output: string}).output); tries++) await new Promise((resolve) => setTimeout(resolve, 100));
	const output = (server as unknown as {output: string}).output;
	dashboardUrl = /dashboard \(for you\):\s+(\S+)/.exec(output)![1]!;
	joinUrl = /--join (\S+)/.exec(output)![1]!;
	code = /join code: (\S+)/.exec(output)![1]!;
});

afterAll(async () => {
	server?.kill('SIGTERM');
	rmSync(work, {recursive: true, force: true});
});

describe('cilium-lab workshop serve', () => {
	it('prints the dashboard and join URLs on 127.0.0.1, and keeps the dashboard behind its key', async () => {
		expect(joinUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/join/${code}$`));
		expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
		expect((await fetch(`${base()}/dashboard`)).status).toBe(403);
		expect((await fetch(`${base()}/api/room?key=wrong`)).status).toBe(403);
		const page = await fetch(dashboardUrl);
		expect(page.status).toBe(200);
		expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
		const html = await page.text();
		expect(html).not.toMatch(/https?:\/\//);
	});

	it('refuses a wrong code, malformed and oversized bodies, events without a token, and too many events', async () => {
		expect((await post('/join', {code: 'WRNG-CODE', name: 'x', track: 'k8s', target: 'practice'})).status).toBe(403);
		expect((await post('/join', '{not json')).status).toBe(400);
		expect((await post('/join', {code, name: '<b>', track: 'k8s', target: 'practice'})).status).toBe(400);
		expect((await post('/events', {seq: 1, events: []})).status).toBe(401);
		const joined = await post('/join', {code, name: 'Flood', track: 'k8s', target: 'practice'});
		const {token} = (await joined.json()) as {token: string};
		expect((await post('/events', 'x'.repeat(40_000), token)).status).toBe(413);
		expect((await post('/events', {seq: 1, events: [{type: 'step.done', lesson: 'files', step: 'write', at: 'now'}]}, token)).status).toBe(400);
		const event = {type: 'step.started', lesson: 'files', step: 'write', at: new Date().toISOString(), activity: 'run'};
		const statuses: number[] = [];
		for (let seq = 1; seq <= 3; seq++) statuses.push((await post('/events', {seq, events: Array.from({length: 50}, () => event)}, token)).status);
		expect(statuses).toEqual([204, 204, 429]);
	});

	it('follows learners running the lessons with --join; one whose server is gone works on; one coming back keeps its row', async () => {
		const names = ['Ana', 'Bo', 'Chae', 'Dan', 'Eun'];
		// Ana ran the doctor before joining: its result code reaches the room with her first run.
		const doctor = await start(['doctor', '--target', 'real', '--track', 'k8s', '--lessons', lessons], path.join(work, 'Ana')).done;
		const doctorCode = /(CLD1-\S+)\n$/.exec(doctor.stdout)?.[1];
		expect(doctorCode).toBeDefined();
		const results = await Promise.all(names.map((name) => learnerRun(name, path.join(work, name))));
		for (const result of results) {
			expect(result.code, result.stderr).toBe(2);
			expect(result.stderr).toContain('joined the workshop at');
		}
		let snapshot = await room();
		expect(snapshot.learners.find((learner) => learner.name === 'Ana')?.doctor).toBe(doctorCode);
		for (const name of names) {
			const learner = snapshot.learners.find((candidate) => candidate.name === name)!;
			expect(learner, name).toBeDefined();
			expect(learner.cells['files/write']).toMatchObject({status: 'done'});
			expect(learner.cells['more/second']).toMatchObject({status: 'done'});
			expect(learner.cells['more/fails']).toMatchObject({status: 'failed', reason: 'command: check 1 of 1 failed (1 failing)', failures: 1});
			expect(learner.current).toMatchObject({lesson: 'more', step: 'fails'});
		}

		// The server is not there: the lab runs as it would without --join.
		const alone = await learnerRun('Nobody', path.join(work, 'nobody'), 'http://127.0.0.1:9/join/ABCD-EFGH');
		expect(alone.code).toBe(2);
		expect(alone.stdout).toContain('✘ step "more/fails" failed');
		expect(alone.stderr).toContain('could not join the workshop server');

		// Ana runs again (a new process): the same row, a second failure.
		const again = await learnerRun('Ana', path.join(work, 'Ana'));
		expect(again.code).toBe(2);
		snapshot = await room();
		expect(snapshot.learners.filter((learner) => learner.name === 'Ana')).toHaveLength(1);
		expect(snapshot.learners.find((learner) => learner.name === 'Ana')!.cells['more/fails']).toMatchObject({failures: 2});
	}, 60_000);

	it('shows the room in a real browser, live, with a stuck learner highlighted', async () => {
		// A learner failing one step three times is stuck.
		const joined = await post('/join', {code, name: 'Stuck Sam', track: 'aks-byocni', target: 'real'});
		const {token} = (await joined.json()) as {token: string};
		const failed = (seq: number) => ({seq, events: [{type: 'step.failed', lesson: 'files', step: 'write', at: new Date().toISOString(), summary: 'command: grep exited 1'}]});
		for (let seq = 1; seq <= 3; seq++) expect((await post('/events', failed(seq), token)).status).toBe(204);
		expect((await post('/events', {seq: 4, events: [{type: 'hint.revealed', lesson: 'files', step: 'write', at: new Date().toISOString(), hints: 1}, {type: 'doctor', at: new Date().toISOString(), code: 'CLD1-1-8-0-Q'}]}, token)).status).toBe(204);

		const browser = await chromium.launch({executablePath: '/usr/bin/chromium', headless: true});
		try {
			const page = await browser.newPage({viewport: {width: 1200, height: 560}});
			const external: string[] = [];
			page.on('request', (request) => {
				if (!request.url().startsWith(base())) external.push(request.url());
			});
			await page.goto(dashboardUrl);
			await page.locator('#status.live').waitFor({timeout: 10_000});
			const rows = page.locator('tr.learner');
			await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(7);
			const sam = page.locator('tr.learner[data-learner="Stuck Sam"]');
			expect(await sam.getAttribute('class')).toContain('stuck');
			expect(await sam.locator('.badge').textContent()).toBe('stuck: 3 failures');
			expect(await sam.locator('td.current .reason').textContent()).toBe('✘ command: grep exited 1');
			expect(await sam.locator('td.hints').textContent()).toBe('1');
			// Stuck learners come first.
			expect(await rows.first().getAttribute('data-learner')).toBe('Stuck Sam');
			const ana = page.locator('tr.learner[data-learner="Ana"]');
			expect(await ana.locator('td[data-step="files/write"]').getAttribute('class')).toContain('done');
			expect(await ana.locator('td[data-step="more/fails"]').getAttribute('title')).toContain('failing — command: check 1 of 1 failed (1 failing)');
			await expect.poll(async () => /^\d+:\d\d$/.test((await ana.locator('td.time').textContent()) ?? '')).toBe(true);
			expect(await page.locator('#summary').textContent()).toMatch(/learner\(s\) · 1 stuck/);
			mkdirSync(artifacts, {recursive: true});
			await page.screenshot({path: path.join(artifacts, 'workshop-dashboard-stuck.png'), fullPage: true});

			// Live: Sam solves the step, and the page follows without a reload.
			expect((await post('/events', {seq: 5, events: [{type: 'step.solved', lesson: 'files', step: 'write', at: new Date().toISOString()}]}, token)).status).toBe(204);
			await expect.poll(async () => sam.locator('td[data-step="files/write"]').getAttribute('class'), {timeout: 5000}).toContain('solved');
			await expect.poll(async () => (await sam.getAttribute('class')) ?? '').not.toContain('stuck');
			await page.screenshot({path: path.join(artifacts, 'workshop-dashboard-live.png'), fullPage: true});
			expect(external).toEqual([]);
		} finally {
			await browser.close();
		}
	}, 60_000);
});
