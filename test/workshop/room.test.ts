// A room as a workshop has it, all real processes on loopback: `cilium-lab workshop serve` and 30 learners running
// the lessons headless with --join; one learner leaves mid-run and comes back to the same row; the facilitator's
// pacing (a message, a hold that a run refuses with its reason, a release) reaches the headless labs; and the
// dashboard's pacing controls and exports in a real browser (Debian's chromium via playwright-core), with screenshots
// under test-artifacts/.
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {WorkshopSnapshot} from '../../src/workshop/server.js';

const root = path.resolve('.');
const lessons = path.join(root, 'test/fixtures/lessons-basic/lessons');
const artifacts = path.join(root, 'test-artifacts');
let work: string;
let server: ChildProcess;
let serverOutput = '';
let dashboardUrl: string;
let joinUrl: string;

interface Finished {
	code: number | null;
	stdout: string;
	stderr: string;
}

function start(args: string[], home: string): {child: ChildProcess; done: Promise<Finished>; output: () => string} {
	const child = spawn(process.execPath, [path.join(root, 'dist/cilium-lab.js'), ...args], {
		env: {...process.env, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', CILIUM_LAB_JOIN: '', CILIUM_LAB_NAME: ''},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const done = new Promise<Finished>((resolve) => child.on('close', (exit) => resolve({code: exit, stdout, stderr})));
	return {child, done, output: () => stdout + stderr};
}

const learnerArgs = (name: string, refs = ['files', 'more']) => ['run', ...refs, '--lessons', lessons, '--target', 'real', '--yes', '--track', 'k8s', '--join', joinUrl, '--name', name];
const learnerRun = (name: string, refs?: string[]) => start(learnerArgs(name, refs), path.join(work, name));

const key = () => new URL(dashboardUrl).searchParams.get('key')!;
async function room(): Promise<WorkshopSnapshot> {
	return (await (await fetch(dashboardUrl.replace('/dashboard?', '/api/room?'))).json()) as WorkshopSnapshot;
}
const pace = (command: unknown) =>
	fetch(`${new URL(joinUrl).origin}/api/pacing`, {method: 'POST', headers: {'content-type': 'application/json', 'x-workshop-key': key()}, body: JSON.stringify(command)});

/** Runs `tasks` at most `width` at a time (two cores are shared: 30 node processes at once would only thrash). */
async function pool<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
	const results: T[] = [];
	let next = 0;
	await Promise.all(
		Array.from({length: width}, async () => {
			while (next < tasks.length) {
				const index = next++;
				results[index] = await tasks[index]!();
			}
		}),
	);
	return results;
}

beforeAll(async () => {
	work = mkdtempSync(path.join(os.tmpdir(), 'workshop-room-'));
	const started = start(['workshop', 'serve', '--lessons', lessons, '--lang', 'en'], path.join(work, 'facilitator'));
	server = started.child;
	for (let tries = 0; tries < 100 && !/join code: (\S+)/.test(started.output()); tries++) await new Promise((resolve) => setTimeout(resolve, 100));
	serverOutput = started.output();
	dashboardUrl = /dashboard \(for you\):\s+(\S+)/.exec(serverOutput)![1]!;
	joinUrl = /--join (\S+)/.exec(serverOutput)![1]!;
});

afterAll(() => {
	server?.kill('SIGTERM');
	rmSync(work, {recursive: true, force: true});
});

describe('a room of 30 learners', () => {
	it('follows 30 headless runs; a learner who leaves mid-run comes back to the same row', async () => {
		const names = Array.from({length: 30}, (_, index) => `Learner ${String(index + 1).padStart(2, '0')}`);
		const results = await pool(
			names.map((name) => () => learnerRun(name).done),
			6,
		);
		results.forEach((result, index) => {
			expect(result.code, `${names[index]}: ${result.stderr}`).toBe(2);
			expect(result.stderr).toContain('joined the workshop at');
		});
		let snapshot = await room();
		expect(snapshot.learners).toHaveLength(30);
		for (const learner of snapshot.learners) {
			expect(learner.cells['files/write'], learner.name).toMatchObject({status: 'done'});
			expect(learner.cells['more/second'], learner.name).toMatchObject({status: 'done'});
			expect(learner.cells['more/fails'], learner.name).toMatchObject({status: 'failed', failures: 1});
		}

		// Learner 07 comes back, and leaves mid-run as soon as it has joined (SIGTERM, as a closed terminal). Waiting for a
		// later step made the kill race the run's end on a loaded machine (the last step fails within 2 s).
		const leaving = learnerRun('Learner 07');
		const id = snapshot.learners.find((learner) => learner.name === 'Learner 07')!.id;
		await expect.poll(async () => (await room()).pacing.listening.includes(id), {timeout: 15_000, interval: 50}).toBe(true);
		leaving.child.kill('SIGTERM');
		const left = await leaving.done;
		expect(left.code).toBe(143);
		// Gone from the pacing channel; the row and its progress stay.
		await expect.poll(async () => (await room()).pacing.listening.includes(id), {timeout: 10_000, interval: 100}).toBe(false);
		snapshot = await room();
		expect(snapshot.learners).toHaveLength(30);
		expect(snapshot.learners.find((learner) => learner.id === id)!.cells['files/write']).toMatchObject({status: 'done'});

		// Back: the same row (the join is kept in the lab home), one more failed attempt on the step it left.
		const back = await learnerRun('Learner 07').done;
		expect(back.code).toBe(2);
		snapshot = await room();
		expect(snapshot.learners).toHaveLength(30);
		const row = snapshot.learners.find((learner) => learner.id === id)!;
		expect(row.name).toBe('Learner 07');
		expect(row.cells['more/fails']!.failures).toBeGreaterThanOrEqual(2);
	}, 240_000);

	it('pacing reaches headless labs: the last message on stderr, a hold refused with its reason, then released', async () => {
		expect((await pace({type: 'message', text: 'Lesson 2 together after the break'})).status).toBe(204);
		expect((await pace({type: 'hold', lesson: 'files'})).status).toBe(204);
		const held = await learnerRun('Learner 01').done;
		expect(held.stderr).toContain('cilium-lab: message from the facilitator: Lesson 2 together after the break');
		expect(held.stderr).toContain('cilium-lab: more: locked: the facilitator holds the room at lesson 1 (run it again once they release it)');
		expect(held.code).toBe(1);
		expect(held.stdout).not.toContain('== more');

		expect((await pace({type: 'hold', lesson: null})).status).toBe(204);
		const released = await learnerRun('Learner 01').done;
		expect(released.code).toBe(2);
		expect(released.stdout).toContain('== more');
	}, 60_000);
});

describe('the dashboard in a real browser', () => {
	it('paces the room (message, hold, release, a hint) and exports it as CSV and JSON', async () => {
		const browser = await chromium.launch({executablePath: '/usr/bin/chromium', headless: true});
		try {
			const page = await browser.newPage({viewport: {width: 1280, height: 900}, acceptDownloads: true});
			const external: string[] = [];
			page.on('request', (request) => {
				if (!request.url().startsWith(new URL(joinUrl).origin)) external.push(request.url());
			});
			await page.goto(dashboardUrl);
			await page.locator('#status.live').waitFor({timeout: 10_000});
			await expect.poll(() => page.locator('tr.learner').count()).toBe(30);

			await page.fill('#message-text', 'Lunch: back at 13:00');
			await page.click('#send-message');
			await expect.poll(() => page.locator('#pacing-result').textContent()).toBe('sent');
			await expect.poll(() => page.locator('#pacing-state').textContent(), {timeout: 5000}).toContain('last message: Lunch: back at 13:00');

			await page.selectOption('#hold-lesson', 'more');
			await page.click('#hold');
			await expect.poll(() => page.locator('#pacing-state').textContent(), {timeout: 5000}).toContain('held at more (More)');
			expect((await room()).pacing.hold).toBe('more');
			mkdirSync(artifacts, {recursive: true});
			await page.screenshot({path: path.join(artifacts, 'workshop-dashboard-pacing.png'), fullPage: true});
			await page.click('#release');
			await expect.poll(() => page.locator('#pacing-state').textContent(), {timeout: 5000}).toContain('not held');

			// A hint for one learner: it waits on the server for that lab's channel, which gets it on its next run.
			await page.selectOption('#hint-learner', {label: 'Learner 12'});
			await page.fill('#hint-text', 'Check the file name in the test');
			await page.click('#send-hint');
			await expect.poll(() => page.locator('#pacing-result').textContent()).toBe('sent');
			const hinted = await learnerRun('Learner 12', ['files']).done;
			expect(hinted.stderr).toContain('cilium-lab: hint from the facilitator: Check the file name in the test');
			const other = await learnerRun('Learner 13', ['files']).done;
			expect(other.stderr).not.toContain('hint from the facilitator');

			// Exports: the links on the page download the room.
			const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
			expect(csvDownload.suggestedFilename()).toMatch(/^cilium-lab-room-.*\.csv$/);
			const csvPath = path.join(artifacts, 'workshop-room.csv');
			await csvDownload.saveAs(csvPath);
			const csv = (await import('node:fs')).readFileSync(csvPath, 'utf8').split('\r\n');
			expect(csv[0]).toBe('learner,learner_id,track,target,doctor,doctor_result,lesson,step,status,failures,hints,reason,at,stuck');
			// 30 learners × 4 steps on the k8s track, and the last line break.
			expect(csv).toHaveLength(30 * 4 + 2);
			const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
			const json = JSON.parse((await import('node:fs')).readFileSync((await jsonDownload.path())!, 'utf8'));
			expect(json).toMatchObject({kind: 'cilium-lab-room', pacing: {hold: null, message: {text: 'Lunch: back at 13:00'}}});
			expect(json.learners).toHaveLength(30);
			expect(external).toEqual([]);
		} finally {
			await browser.close();
		}
	}, 120_000);
});
