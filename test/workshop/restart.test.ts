// The room survives `workshop serve` stopping and starting again, all real processes on loopback: the saved room
// (<home>/workshop-room.json, 0600, tokens only as hashes) brings back the join code, the dashboard's key and every
// learner's row, and a learner's next headless `run --join` continues that row; --new-room starts afresh. The stuck
// thresholds come from --stuck-failures / --stuck-minutes, and bad values (or a damaged saved room) are one sentence.
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {dashboardLabels} from '../../src/workshop/dashboard.js';
import {startWorkshopServer, type WorkshopSnapshot} from '../../src/workshop/server.js';

const root = path.resolve('.');
const lessons = path.join(root, 'test/fixtures/lessons-basic/lessons');
const work = mkdtempSync(path.join(os.tmpdir(), 'workshop-restart-'));
const facilitatorHome = path.join(work, 'facilitator');
const running = new Set<ChildProcess>();
afterAll(() => {
	for (const child of running) child.kill('SIGTERM');
	rmSync(work, {recursive: true, force: true});
});

function start(args: string[], home: string) {
	const child = spawn(process.execPath, [path.join(root, 'dist/cilium-lab.js'), ...args], {
		env: {...process.env, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', CILIUM_LAB_JOIN: '', CILIUM_LAB_NAME: ''},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	running.add(child);
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const done = new Promise<{code: number | null; stdout: string; stderr: string}>((resolve) =>
		child.on('close', (code) => {
			running.delete(child);
			resolve({code, stdout, stderr});
		}),
	);
	return {child, done, stdout: () => stdout};
}

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const probe = net.createServer().listen(0, '127.0.0.1', () => {
			const {port} = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

async function serve(port: number, extra: string[] = []) {
	const server = start(['workshop', 'serve', '--listen', `127.0.0.1:${port}`, '--lessons', lessons, '--lang', 'en', ...extra], facilitatorHome);
	await expect.poll(() => /Ctrl-C stops the server/.test(server.stdout()), {timeout: 10_000}).toBe(true);
	const output = server.stdout();
	return {
		...server,
		output,
		code: /join code: (\S+)/.exec(output)![1]!,
		dashboardUrl: /dashboard \(for you\):\s+(\S+)/.exec(output)![1]!,
		joinUrl: /--join (\S+)/.exec(output)![1]!,
	};
}
const room = async (dashboardUrl: string) => (await (await fetch(dashboardUrl.replace('/dashboard?', '/api/room?'))).json()) as WorkshopSnapshot;
const learnerRun = (joinUrl: string) => start(['run', 'files', 'more', '--lessons', lessons, '--target', 'real', '--yes', '--track', 'k8s', '--join', joinUrl, '--name', 'Ari'], path.join(work, 'ari')).done;

describe('a room that outlives its server', () => {
	it('comes back after a restart with the same code, key and rows; --new-room starts afresh', async () => {
		const port = await freePort();
		const first = await serve(port, ['--stuck-failures', '2']);
		expect(first.output).toContain('the room is saved in');
		expect(first.output).toContain('stuck: 10 min on one step, or 2 failures on it');
		const ran = await learnerRun(first.joinUrl);
		expect(ran.code, ran.stderr).toBe(2); // more/fails fails
		await expect.poll(async () => (await room(first.dashboardUrl)).learners[0]?.cells['more/fails']?.failures, {timeout: 10_000}).toBe(1);
		expect((await room(first.dashboardUrl)).stuckRule).toEqual({minutes: 10, failures: 2});
		const before = (await room(first.dashboardUrl)).learners[0]!;
		expect(before.stuck).toBeUndefined();
		first.child.kill('SIGTERM');
		expect((await first.done).code).toBe(0);

		const file = path.join(facilitatorHome, 'workshop-room.json');
		expect(statSync(file).mode & 0o777).toBe(0o600);
		const token = (JSON.parse(readFileSync(path.join(work, 'ari', 'workshop.json'), 'utf8')) as {token: string}).token;
		expect(readFileSync(file, 'utf8')).not.toContain(token);

		const second = await serve(port, ['--stuck-failures', '2']);
		expect(second.code).toBe(first.code);
		expect(second.dashboardUrl).toBe(first.dashboardUrl);
		expect(second.output).toContain('the saved room carries on: 1 learner(s)');
		const after = (await room(second.dashboardUrl)).learners;
		expect(after).toHaveLength(1);
		expect(after[0]).toMatchObject({id: before.id, name: 'Ari', lastSeq: before.lastSeq});
		expect(after[0]!.cells).toEqual(before.cells);
		// The learner's next run continues the same row (its saved token is still good), and a second failure is stuck.
		const again = await learnerRun(second.joinUrl);
		expect(again.stderr).not.toContain('could not join');
		await expect.poll(async () => (await room(second.dashboardUrl)).learners[0]?.cells['more/fails']?.failures, {timeout: 10_000}).toBe(2);
		const stuck = await room(second.dashboardUrl);
		expect(stuck.learners).toHaveLength(1);
		expect(stuck.learners[0]).toMatchObject({id: before.id, stuck: {kind: 'failures', count: 2}});
		second.child.kill('SIGTERM');
		await second.done;

		const third = await serve(port, ['--new-room']);
		expect(third.code).not.toBe(first.code);
		expect((await room(third.dashboardUrl)).learners).toEqual([]);
		third.child.kill('SIGTERM');
		await third.done;
	}, 90_000);

	it('refuses bad thresholds and a damaged saved room with one sentence, no stack trace', async () => {
		for (const [option, value] of [
			['--stuck-minutes', '0'],
			['--stuck-minutes', 'ten'],
			['--stuck-failures', '-1'],
			['--stuck-failures', '1000'],
		] as const) {
			const result = await start(['workshop', 'serve', `${option}=${value}`, '--lessons', lessons, '--lang', 'en'], path.join(work, 'bad')).done;
			expect(result.code, `${option} ${value}`).toBe(1);
			expect(result.stderr).toMatch(new RegExp(`${option} ${value}: expected a whole number from 1 to \\d+`));
			expect(result.stderr).not.toMatch(/\n\s+at /);
		}
		writeFileSync(path.join(work, 'bad', 'workshop-room.json'), '{"kind": "cilium-lab-workshop-room", "vers');
		const damaged = await start(['workshop', 'serve', '--lessons', lessons, '--lang', 'en'], path.join(work, 'bad')).done;
		expect(damaged.code).toBe(1);
		expect(damaged.stderr).toMatch(/the saved room .*workshop-room.json is not JSON/);
		expect(damaged.stderr).toContain('--new-room');
		expect(damaged.stderr).not.toMatch(/\n\s+at /);
	}, 30_000);

	it('a headless run while the server is away keeps its events in the lab home; the next run sends them', async () => {
		const port = await freePort();
		const joinUrl = `http://127.0.0.1:${port}/join/WXYZ-2345`;
		const learnerHome = path.join(work, 'away');
		const first = await start(['run', 'files', '--lessons', lessons, '--target', 'real', '--yes', '--track', 'k8s', '--join', joinUrl, '--name', 'Away'], learnerHome).done;
		expect(first.code, first.stderr).toBe(0);
		expect(first.stderr).toContain('could not join the workshop server');
		const pending = path.join(learnerHome, 'workshop-pending.json');
		expect(statSync(pending).mode & 0o777).toBe(0o600);
		expect(JSON.parse(readFileSync(pending, 'utf8')).events.map((event: {type: string; step?: string}) => `${event.type} ${event.step}`)).toEqual(
			expect.arrayContaining(['step.done write', 'step.done read-it']),
		);

		const outline = {title: 'Test lab', lessons: [{id: 'files', title: 'Files', steps: [{id: 'write', title: 'Write'}, {id: 'read-it', title: 'Read'}]}, {id: 'more', title: 'More', steps: [{id: 'second', title: 'Second'}, {id: 'fails', title: 'Fails'}]}]};
		const server = await startWorkshopServer({outline, labels: dashboardLabels('en'), lang: 'en', port, code: 'WXYZ-2345'});
		try {
			// The next run only goes on to lesson "more": the first run's steps reach the room with it.
			const second = await start(['run', 'more', '--lessons', lessons, '--target', 'real', '--yes', '--track', 'k8s', '--join', joinUrl, '--name', 'Away'], learnerHome).done;
			expect(second.code).toBe(2);
			const row = server.room.snapshot(Date.now()).learners.find((learner) => learner.name === 'Away')!;
			expect(row.cells['files/write']?.status).toBe('done');
			expect(row.cells['files/read-it']?.status).toBe('done');
			expect(row.cells['more/second']?.status).toBe('done');
			expect(existsSync(pending)).toBe(false);
		} finally {
			await server.close();
		}
	}, 60_000);
});
