// The TUI with --join: the status bar says it is connected, and a step run in the terminal reaches the room; when the
// server (a real `workshop serve` process) goes away the status bar says offline without the learner doing anything,
// and when it is back (the saved room, same code) it says connected again and what was done meanwhile arrives.
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import stringWidth from 'string-width';
import {afterEach, describe, expect, it} from 'vitest';
import {startTerminal, type Terminal} from '../e2e/helpers/tmux.js';
import {dashboardLabels} from '../../src/workshop/dashboard.js';
import {startWorkshopServer, type WorkshopServer} from '../../src/workshop/server.js';

const root = path.resolve(import.meta.dirname, '../..');
const lessons = path.join(root, 'test/fixtures/lessons-basic/lessons');
let terminal: Terminal | undefined;
let server: WorkshopServer | undefined;
let serveProcess: ChildProcess | undefined;

afterEach(async () => {
	serveProcess?.kill('SIGTERM');
	serveProcess = undefined;
	terminal?.stop();
	terminal = undefined;
	await server?.close();
	server = undefined;
});

describe('cilium-lab --join in a terminal', () => {
	it('shows the workshop connection and reports a step done to the room', async () => {
		const outline = {title: 'Test lab', lessons: [{id: 'files', title: 'Files', steps: [{id: 'write', title: 'Write'}, {id: 'read-it', title: 'Read'}]}]};
		server = await startWorkshopServer({outline, labels: dashboardLabels('en'), lang: 'en'});
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-join-'));
		const app = path.join(root, 'dist/cilium-lab.js');
		terminal = startTerminal(
			`env CI=false CILIUM_LAB_HOME=${home} node ${app} --lessons ${lessons} --target real --track aks-byocni --lang en --join ${server.joinUrl} --name Terminal; echo "[exit $?]"`,
			{columns: 120, rows: 30},
		);
		await terminal.waitFor('GREETING');
		terminal.press('Escape');
		// The connection can show before Escape has left the variables screen: wait for both.
		let screen = await terminal.waitUntil((current) => current.includes('workshop: connected') && current.includes('Lessons'), 'the lesson list, connected');
		expect(screen).toContain('Lessons');
		terminal.press('Enter');
		await terminal.waitFor('$ echo "writing $GREETING"');
		terminal.press('r');
		screen = await terminal.waitFor('[done]', 20_000);
		await expect.poll(() => server!.room.snapshot(Date.now()).learners.find((learner) => learner.name === 'Terminal')?.cells['files/write']?.status, {timeout: 10_000}).toBe('done');
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
		fs.rmSync(home, {recursive: true, force: true});
	}, 60_000);

	it("shows the facilitator's message in the status bar and a held room in the lesson list, in Korean at 80x24", async () => {
		const outline = {title: 'Test lab', lessons: [{id: 'files', title: 'Files', steps: [{id: 'write', title: 'Write'}, {id: 'read-it', title: 'Read'}]}, {id: 'more', title: 'More', steps: [{id: 'second', title: 'Second'}, {id: 'fails', title: 'Fails'}]}]};
		server = await startWorkshopServer({outline, labels: dashboardLabels('ko'), lang: 'ko'});
		const key = new URL(server.dashboardUrl).searchParams.get('key')!;
		const pace = (command: unknown) => fetch(new URL('/api/pacing', server!.joinUrl), {method: 'POST', headers: {'content-type': 'application/json', 'x-workshop-key': key}, body: JSON.stringify(command)});
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-join-'));
		const app = path.join(root, 'dist/cilium-lab.js');
		terminal = startTerminal(
			`env CI=false CILIUM_LAB_HOME=${home} node ${app} --lessons ${lessons} --target real --track aks-byocni --lang ko --join ${server.joinUrl} --name 터미널; echo "[exit $?]"`,
			{columns: 80, rows: 24},
		);
		await terminal.waitFor('GREETING');
		terminal.press('Escape');
		await terminal.waitUntil((current) => current.includes('워크숍 연결됨') && current.includes('레슨'), 'the lesson list, connected');
		await expect.poll(() => server!.snapshot().pacing.listening.length, {timeout: 10_000}).toBe(1);
		expect((await pace({type: 'message', text: '11시까지 쉬는 시간입니다'})).status).toBe(204);
		let screen = await terminal.waitFor('✉ 진행자: 11시까지 쉬는 시간입니다');
		expect(screen.split('\n').findIndex((line) => line.includes('✉ 진행자'))).toBeLessThan(3);
		expect((await pace({type: 'hold', lesson: 'files'})).status).toBe(204);
		screen = await terminal.waitFor('진행자가 1번 레슨에서 기다리게 했습니다');
		// The lesson list says why "more" is locked; the status bar says it too.
		expect(screen).toMatch(/더.*\(진행자가 1번 레슨에서 기다리게 했습니다\)/);
		expect(screen).toContain('■ 워크숍: 진행자가 1번 레슨에서 기다리게 했습니다');
		expect((await pace({type: 'hold', lesson: null})).status).toBe(204);
		screen = await terminal.waitFor('▶ 워크숍:');
		expect(screen).not.toContain('(진행자가 1번 레슨에서');
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
		fs.rmSync(home, {recursive: true, force: true});
	}, 60_000);

	it('says offline when the server goes away and connected when it is back, and catches up, in Korean at 80x24', async () => {
		const port = await new Promise<number>((resolve) => {
			const probe = net.createServer().listen(0, '127.0.0.1', () => {
				const {port: free} = probe.address() as net.AddressInfo;
				probe.close(() => resolve(free));
			});
		});
		const work = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-offline-'));
		const app = path.join(root, 'dist/cilium-lab.js');
		const serve = async () => {
			const child = spawn(process.execPath, [app, 'workshop', 'serve', '--listen', `127.0.0.1:${port}`, '--lessons', lessons, '--lang', 'en'], {
				env: {...process.env, CILIUM_LAB_HOME: path.join(work, 'facilitator'), LANG: 'en_US.UTF-8'},
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let output = '';
			child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
			await expect.poll(() => output, {timeout: 10_000}).toMatch(/Ctrl-C stops the server/);
			return {child, output, exited: new Promise((resolve) => child.on('close', resolve))};
		};
		let first = await serve();
		serveProcess = first.child;
		const joinUrl = /--join (\S+)/.exec(first.output)![1]!;
		const dashboardUrl = /dashboard \(for you\):\s+(\S+)/.exec(first.output)![1]!;
		const room = async () => (await (await fetch(dashboardUrl.replace('/dashboard?', '/api/room?'))).json()) as ReturnType<WorkshopServer['snapshot']>;
		terminal = startTerminal(
			`env CI=false CILIUM_LAB_HOME=${path.join(work, 'learner')} node ${app} --lessons ${lessons} --target real --track aks-byocni --lang ko --join ${joinUrl} --name 오프라인; echo "[exit $?]"`,
			{columns: 80, rows: 24},
		);
		await terminal.waitFor('GREETING');
		terminal.press('Escape');
		await terminal.waitUntil((current) => current.includes('워크숍 연결됨') && current.includes('레슨'), 'the lesson list, connected');
		await expect.poll(async () => (await room()).pacing.listening.length, {timeout: 10_000}).toBe(1);

		// The server goes; the learner does nothing and the status bar says so.
		first.child.kill('SIGTERM');
		await first.exited;
		let screen = await terminal.waitFor('워크숍 끊김', 15_000);
		expect(screen).not.toContain('워크숍 연결됨');
		// The lab works on: a step runs and completes while the server is away.
		terminal.press('Enter');
		await terminal.waitFor('$ echo "writing $GREETING"');
		terminal.press('r');
		await terminal.waitFor('[완료]', 20_000);
		expect(terminal.screen()).toContain('워크숍 끊김');

		// Back (the saved room: same port, code and key): connected again, and the step done meanwhile arrives.
		first = await serve();
		serveProcess = first.child;
		screen = await terminal.waitFor('워크숍 연결됨', 20_000);
		await expect.poll(async () => (await room()).learners.find((learner) => learner.name === '오프라인')?.cells['files/write']?.status, {timeout: 15_000}).toBe('done');
		expect((await room()).learners).toHaveLength(1);
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
		fs.rmSync(work, {recursive: true, force: true});
	}, 90_000);

	it("keeps the status bar one row at 80x24 in Korean with the lab's own lessons, connected, and a facilitator's message", async () => {
		const {roomOutline} = await import('../../src/cli/workshop.js');
		const {loadLab} = await import('../../src/lab/loader.js');
		const lab = await loadLab(path.join(root, 'lessons'));
		server = await startWorkshopServer({outline: roomOutline(lab, 'ko'), labels: dashboardLabels('ko'), lang: 'ko'});
		const key = new URL(server.dashboardUrl).searchParams.get('key')!;
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-statusbar-'));
		const app = path.join(root, 'dist/cilium-lab.js');
		// The widest case: a real target on the current context, the aks-byocni track with the guide's (EOL) Cilium.
		terminal = startTerminal(`env CI=false CILIUM_LAB_HOME=${home} node ${app} --target real --track aks-byocni --lang ko --join ${server.joinUrl} --name 김; echo "[exit $?]"`, {columns: 80, rows: 24});
		await terminal.waitFor('CILIUM_VERSION');
		terminal.press('Escape');
		await terminal.waitUntil((current) => current.includes('워크숍 ✔') && current.includes('레슨'), 'the lesson list, connected');
		await expect.poll(() => server!.snapshot().pacing.listening.length, {timeout: 10_000}).toBe(1);
		const text = '11시까지 쉬는 시간입니다. 커피 드시고 오세요, 그다음 레슨 3을 같이 봅니다';
		expect((await fetch(new URL('/api/pacing', server.joinUrl), {method: 'POST', headers: {'content-type': 'application/json', 'x-workshop-key': key}, body: JSON.stringify({type: 'message', text})})).status).toBe(204);
		const screen = await terminal.waitFor('✉ 진행자:');
		const [bar, message, header] = screen.split('\n');
		// One row: every part there (short forms), no wrap, within 80 columns; the message on the next row, cut.
		expect(bar).toMatch(/^kube: 현재 │ .+ │ Cilium 1\.16\.4 지원 종료 │ ko │ 0\/\d+ 단계 │ 워크숍 ✔$/);
		expect(stringWidth(bar!)).toBeLessThanOrEqual(80);
		expect(message!.startsWith('✉ 진행자: 11시까지 쉬는 시간입니다.')).toBe(true);
		expect(message!.endsWith('…')).toBe(true);
		expect(stringWidth(message!)).toBeLessThanOrEqual(80);
		expect(header).toContain('트랙:');
		// Offline, the short form too.
		await server.close();
		server = undefined;
		const offline = await terminal.waitFor('워크숍 끊김', 15_000);
		expect(offline.split('\n')[0]).toMatch(/│ 워크숍 끊김$/);
		expect(stringWidth(offline.split('\n')[0]!)).toBeLessThanOrEqual(80);
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
		fs.rmSync(home, {recursive: true, force: true});
	}, 60_000);
});
