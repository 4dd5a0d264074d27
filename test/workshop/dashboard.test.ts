// The dashboard in a real browser (Debian's chromium via playwright-core) with a big room: 30 learners against 64
// steps scroll inside the grid's box with the step headers and names kept in view; the doctor's result code reads as
// words in the doctor column, in the paste box (GET /api/doctor) and in the CSV's doctor_result column. Screenshots
// under test-artifacts/.
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {chromium, type Browser} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {doctorResult, type Finding} from '../../src/doctor/assess.js';
import {dashboardLabels} from '../../src/workshop/dashboard.js';
import type {RoomOutline} from '../../src/workshop/room.js';
import {startWorkshopServer, type WorkshopServer} from '../../src/workshop/server.js';

const artifacts = path.resolve('test-artifacts');
const outline: RoomOutline = {
	title: 'Big lab',
	lessons: Array.from({length: 8}, (_, lesson) => ({
		id: `lesson-${lesson + 1}`,
		title: `Lesson ${lesson + 1}`,
		steps: Array.from({length: 8}, (_, step) => ({id: `step-${step + 1}`, title: `Step ${step + 1}`})),
	})),
};
const finding = (id: Finding['id'], status: Finding['status']): Finding => ({id, status, summary: {key: 'doctor.ready'}});
// kubectl missing and a port taken (the learner's), no kube context (the facilitator's): what `doctor` would encode.
const mixedCode = doctorResult([finding('node', 'ok'), finding('kubectl', 'learner'), finding('ports', 'learner'), finding('context', 'facilitator')]).code;
const readyCode = doctorResult([finding('node', 'ok')]).code;
let server: WorkshopServer;
let browser: Browser;

beforeAll(async () => {
	server = await startWorkshopServer({outline, labels: dashboardLabels('en'), lang: 'en'});
	const post = (pathname: string, body: unknown, token?: string) =>
		fetch(new URL(pathname, server.joinUrl), {method: 'POST', headers: {'content-type': 'application/json', ...(token ? {authorization: `Bearer ${token}`} : {})}, body: JSON.stringify(body)});
	for (let index = 0; index < 30; index++) {
		const name = `Learner ${String(index + 1).padStart(2, '0')}`;
		const {token} = (await (await post('/join', {code: server.code, name, track: 'k8s', target: 'practice'})).json()) as {token: string};
		const at = new Date().toISOString();
		const events: unknown[] = [{type: 'doctor', at, code: index === 0 ? mixedCode : readyCode}];
		// Each learner is further along than the one before: up to 58 of the 64 steps.
		for (let step = 0; step < 2 * index; step++) events.push({type: 'step.done', lesson: `lesson-${Math.floor(step / 8) + 1}`, step: `step-${(step % 8) + 1}`, at});
		expect((await post('/events', {seq: 1, events: events.slice(0, 50)}, token)).status).toBe(204);
		if (events.length > 50) expect((await post('/events', {seq: 2, events: events.slice(50)}, token)).status).toBe(204);
	}
	browser = await chromium.launch({executablePath: '/usr/bin/chromium', headless: true});
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await server?.close();
});

describe('the dashboard with a big room', () => {
	it('scrolls 30 learners × 64 steps inside the grid, headers and names in view', async () => {
		const page = await browser.newPage({viewport: {width: 1280, height: 720}});
		await page.goto(server.dashboardUrl);
		await page.locator('#status.live').waitFor({timeout: 10_000});
		await expect.poll(() => page.locator('tr.learner').count()).toBe(30);
		expect(await page.locator('#summary').textContent()).toBe('30 learner(s) · 0 stuck · stuck after 10 min on a step or 3 failures');
		const box = await page.locator('#room').evaluate((node) => ({scrollWidth: node.scrollWidth, clientWidth: node.clientWidth, scrollHeight: node.scrollHeight, clientHeight: node.clientHeight}));
		expect(box.scrollWidth).toBeGreaterThan(box.clientWidth);
		expect(box.scrollHeight).toBeGreaterThan(box.clientHeight);
		// The page itself does not grow sideways: the grid scrolls in its box.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
		mkdirSync(artifacts, {recursive: true});
		await page.screenshot({path: path.join(artifacts, 'workshop-dashboard-30-top.png')});

		await page.locator('#room').evaluate((node) => node.scrollTo(node.scrollWidth, node.scrollHeight));
		const roomBox = (await page.locator('#room').boundingBox())!;
		// The last learner and the last step are reachable; the header row and the name column stuck to the box.
		const last = page.locator('tr.learner').last();
		expect(await last.getAttribute('data-learner')).toBe('Learner 30');
		expect(await last.locator('td[data-step="lesson-8/step-2"]').getAttribute('class')).toContain('done');
		const lastStep = (await page.locator('th.step').last().boundingBox())!;
		expect(lastStep.x + lastStep.width).toBeLessThanOrEqual(roomBox.x + roomBox.width + 1);
		expect(lastStep.y).toBeGreaterThanOrEqual(roomBox.y - 1);
		expect(lastStep.y).toBeLessThan(roomBox.y + 60);
		const name = (await last.locator('td.name').boundingBox())!;
		expect(name.x).toBeGreaterThanOrEqual(roomBox.x - 1);
		expect(name.x).toBeLessThan(roomBox.x + 5);
		expect(name.y + name.height).toBeLessThanOrEqual(roomBox.y + roomBox.height + 1);
		await page.screenshot({path: path.join(artifacts, 'workshop-dashboard-30-scrolled.png')});
		await page.close();
	}, 60_000);

	it('reads doctor codes as words: the doctor column, the paste box (/api/doctor) and the CSV', async () => {
		const page = await browser.newPage({viewport: {width: 1280, height: 720}});
		await page.goto(server.dashboardUrl);
		await page.locator('#status.live').waitFor({timeout: 10_000});
		const first = page.locator('tr.learner[data-learner="Learner 01"] td.doctor');
		await expect.poll(() => first.textContent()).toBe('needs you: kube contextthe learner can fix: kubectl, ports to forward');
		expect(await first.getAttribute('title')).toBe(mixedCode);
		expect(await first.getAttribute('class')).toContain('doctor-2');
		expect(await page.locator('tr.learner[data-learner="Learner 02"] td.doctor').textContent()).toBe('ready');

		await page.locator('#doctor-code').fill(` ${mixedCode.toLowerCase()} `);
		await page.locator('#doctor-decode').click();
		await expect.poll(() => page.locator('#doctor-result').textContent()).toBe(`${mixedCode}: needs you: kube contextthe learner can fix: kubectl, ports to forward`);
		// One character off: the checksum catches it.
		const typo = mixedCode.slice(0, -1) + (mixedCode.endsWith('A') ? 'B' : 'A');
		await page.locator('#doctor-code').fill(typo);
		await page.locator('#doctor-decode').click();
		await expect.poll(() => page.locator('#doctor-result').textContent()).toContain('not a result code');
		await page.screenshot({path: path.join(artifacts, 'workshop-dashboard-doctor.png')});
		await page.close();

		const key = new URL(server.dashboardUrl).searchParams.get('key')!;
		const api = await fetch(new URL(`/api/doctor?key=${key}&code=${mixedCode}`, server.joinUrl));
		expect(api.status).toBe(200);
		expect(await api.json()).toMatchObject({valid: true, exitCode: 2, learner: ['kubectl', 'ports'], facilitator: ['context']});
		expect((await fetch(new URL(`/api/doctor?key=${key}&code=${typo}`, server.joinUrl))).status).toBe(400);
		expect((await fetch(new URL(`/api/doctor?code=${mixedCode}`, server.joinUrl))).status).toBe(403);

		const csv = (await (await fetch(new URL(`/api/export.csv?key=${key}`, server.joinUrl))).text()).split('\r\n');
		const header = csv[0]!.split(',');
		expect(header.slice(4, 6)).toEqual(['doctor', 'doctor_result']);
		const row = csv.find((line) => line.startsWith('Learner 01,'))!;
		expect(row).toContain(`,${mixedCode},"facilitator: context; learner: kubectl, ports",`);
		expect(csv.find((line) => line.startsWith('Learner 02,'))).toContain(`,${readyCode},ready,`);
	}, 60_000);
});
