// Pacing (the facilitator's message, hint, hold and release reaching the learners' labs over a channel the lab opens),
// the room's exports, and the server's refusals: an in-process server on loopback, real learners' reporters.
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import type {SessionEvent} from '../../src/session/types.js';
import {dashboardLabels} from '../../src/workshop/dashboard.js';
import {MAX_PACING_FRAME, MAX_PACING_TEXT, pacingCommandSchema, pacingMessageSchema} from '../../src/workshop/protocol.js';
import {parsePacing, SseFrames, WorkshopReporter} from '../../src/workshop/reporter.js';
import {csvField, roomCsv} from '../../src/workshop/room.js';
import {startWorkshopServer, type WorkshopServer} from '../../src/workshop/server.js';

const at = '2026-12-03T10:00:00.000Z';
const outline = {
	title: 'Lab',
	lessons: [
		{id: 'files', title: 'Files', steps: [{id: 'write', title: 'Write'}]},
		{id: 'more', title: 'More', steps: [{id: 'second', title: 'Second'}, {id: 'only-byocni', title: 'B', tracks: ['aks-byocni']}]},
	],
};
const homes: string[] = [];
const servers: WorkshopServer[] = [];
const reporters: WorkshopReporter[] = [];
afterEach(async () => {
	for (const reporter of reporters.splice(0)) await reporter.close(200);
	for (const server of servers.splice(0)) await server.close();
});
afterAll(() => {
	for (const home of homes) rmSync(home, {recursive: true, force: true});
});

async function serve(port = 0, now?: () => number) {
	const server = await startWorkshopServer({outline, labels: dashboardLabels('en'), lang: 'en', port, code: 'ABCD-EFGH', ...(now ? {now} : {})});
	servers.push(server);
	const origin = new URL(server.joinUrl).origin;
	const key = new URL(server.dashboardUrl).searchParams.get('key')!;
	const pace = (command: unknown, withKey: string | undefined = key) =>
		fetch(`${origin}/api/pacing`, {method: 'POST', headers: {'content-type': 'application/json', ...(withKey ? {'x-workshop-key': withKey} : {})}, body: JSON.stringify(command)});
	return {server, origin, key, pace};
}

function learner(joinUrl: string, name: string) {
	const home = mkdtempSync(path.join(os.tmpdir(), 'pacing-'));
	homes.push(home);
	const heard: string[] = [];
	const dispatched: SessionEvent[] = [];
	const reporter = new WorkshopReporter({url: joinUrl, name, track: 'k8s', target: 'practice', lang: 'en', home, onPacing: (message) => heard.push(message.type === 'hold' ? `hold ${message.lesson}` : `${message.type} ${message.text}`)});
	reporters.push(reporter);
	reporter.attach({subscribe: () => () => {}, getState: () => ({lessons: {}}) as never, dispatch: (event) => dispatched.push(event)});
	reporter.start();
	return {reporter, heard, dispatched, home};
}

describe('the pacing protocol', () => {
	it('takes only a message, a hint or a hold, each one line of at most 280 characters', () => {
		expect(pacingMessageSchema.safeParse({type: 'message', text: 'Break until 11:00', at}).success).toBe(true);
		expect(pacingMessageSchema.safeParse({type: 'hold', lesson: null, at}).success).toBe(true);
		const refused = [
			{type: 'exec', command: 'rm -rf ~', at},
			{type: 'message', text: 'x'.repeat(MAX_PACING_TEXT + 1), at},
			{type: 'message', text: 'two\nlines', at},
			{type: 'message', text: 'escape \u001b[2J', at},
			{type: 'message', text: '   ', at},
			{type: 'hint', text: 'ok', at, extra: 1},
			{type: 'hold', lesson: '../x', at},
		];
		for (const message of refused) expect(pacingMessageSchema.safeParse(message).success, JSON.stringify(message)).toBe(false);
		expect(pacingCommandSchema.safeParse({type: 'hint', learnerId: 'not-a-uuid', text: 'x'}).success).toBe(false);
	});

	it('reads server-sent frames across chunks, skips comments and other events, and refuses an oversized frame', () => {
		const frames = new SseFrames();
		expect(frames.push('retry: 2000\n\n: ping\n\nevent: pac')).toEqual([]);
		const got = frames.push(`ing\r\ndata: {"type":"message","text":"hi","at":"${at}"}\r\n\r\nevent: other\ndata: {}\n\n`);
		expect(got.map(parsePacing)).toEqual([{type: 'message', text: 'hi', at}, undefined]);
		expect(parsePacing({event: 'pacing', data: '{"type":"exec","command":"id"}'})).toBeUndefined();
		expect(parsePacing({event: 'pacing', data: 'not json'})).toBeUndefined();
		expect(() => new SseFrames().push(`data: ${'x'.repeat(MAX_PACING_FRAME)}`)).toThrow('too large');
	});
});

describe('pacing from the dashboard to the labs', () => {
	it('a message reaches every listening lab, a hint only its learner, and a hold gates each lab until released', async () => {
		const {server, pace} = await serve();
		const ana = learner(server.joinUrl, 'Ana');
		const bo = learner(server.joinUrl, 'Bo');
		await expect.poll(() => server.snapshot().pacing.listening.length, {timeout: 5000}).toBe(2);
		// The channel says where the room is when it opens (not held): no line for that, and the driver is told.
		expect(ana.dispatched).toEqual([{type: 'HOLD_CHANGED'}]);
		expect(ana.heard).toEqual([]);

		expect((await pace({type: 'message', text: 'Break until 11:00'})).status).toBe(204);
		await expect.poll(() => [ana.heard, bo.heard], {timeout: 5000}).toEqual([['message Break until 11:00'], ['message Break until 11:00']]);

		const anaId = server.room.snapshot(Date.now()).learners.find((one) => one.name === 'Ana')!.id;
		expect((await pace({type: 'hint', learnerId: anaId, text: 'Look at the DNS rule'})).status).toBe(204);
		await expect.poll(() => ana.heard.at(-1), {timeout: 5000}).toBe('hint Look at the DNS rule');

		expect((await pace({type: 'hold', lesson: 'files'})).status).toBe(204);
		await expect.poll(() => bo.dispatched.at(-1), {timeout: 5000}).toEqual({type: 'HOLD_CHANGED', lessonId: 'files'});
		expect(server.snapshot().pacing).toMatchObject({hold: 'files', message: {text: 'Break until 11:00'}});
		expect((await pace({type: 'hold', lesson: null})).status).toBe(204);
		await expect.poll(() => bo.dispatched.at(-1), {timeout: 5000}).toEqual({type: 'HOLD_CHANGED'});
		expect(bo.heard).toEqual(['message Break until 11:00', 'hold files', 'hold null']);
		expect(bo.heard.some((line) => line.startsWith('hint'))).toBe(false);
	});

	it('pacing needs the dashboard key, and refuses malformed commands, unknown lessons and learners', async () => {
		const {pace} = await serve();
		expect((await pace({type: 'message', text: 'hi'}, '')).status).toBe(403);
		expect((await pace({type: 'message', text: 'hi'}, 'wrong')).status).toBe(403);
		expect((await pace({type: 'message', text: 'x'.repeat(281)})).status).toBe(400);
		expect((await pace({type: 'exec', command: 'id'})).status).toBe(400);
		expect((await pace({type: 'hold', lesson: 'nope'})).status).toBe(404);
		expect((await pace({type: 'hint', learnerId: '6f1c2a9e-0000-4000-8000-000000000000', text: 'x'})).status).toBe(404);
	});

	it('the pacing channel needs a token; a third channel of one learner closes the oldest; a hint waits for a lab that is not listening', async () => {
		// A clock that stands still: the limit on reopening does not refill while a loaded machine runs the test.
		const frozen = Date.now();
		const {server, origin, pace} = await serve(0, () => frozen);
		expect((await fetch(`${origin}/pacing`)).status).toBe(401);
		expect((await fetch(`${origin}/pacing`, {headers: {authorization: 'Bearer made-up'}})).status).toBe(401);
		const joined = await fetch(`${origin}/join`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({code: 'ABCD-EFGH', name: 'Raw', track: 'k8s', target: 'real'})});
		const {token, learnerId} = (await joined.json()) as {token: string; learnerId: string};
		expect((await pace({type: 'hint', learnerId, text: 'waiting for you'})).status).toBe(204);
		const open = () => fetch(`${origin}/pacing`, {headers: {authorization: `Bearer ${token}`}});
		const first = await open();
		const reader = first.body!.getReader();
		let text = '';
		while (!text.includes('waiting for you')) text += new TextDecoder().decode((await reader.read()).value);
		expect(text).toContain('event: pacing\ndata: {"type":"hold","lesson":null');
		await open();
		await open();
		// The first channel was closed by the third.
		let ended = false;
		for (let reads = 0; reads < 10 && !ended; reads++) ended = (await reader.read()).done;
		expect(ended).toBe(true);
		expect(server.snapshot().pacing.listening).toEqual([learnerId]);
		// A lab that reopens its channel in a loop: 10 at once, then one a second.
		const statuses: number[] = [];
		for (let index = 0; index < 9; index++) {
			const response = await open();
			statuses.push(response.status);
			await response.body?.cancel();
		}
		expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 429, 429]);
	});

	it('a lab keeps working when the server goes, and listens again when it is back (a new server: it joins again)', async () => {
		const first = await serve();
		const port = Number(new URL(first.server.joinUrl).port);
		const ana = learner(first.server.joinUrl, 'Ana');
		await expect.poll(() => first.server.snapshot().pacing.listening.length, {timeout: 5000}).toBe(1);
		await first.server.close();
		servers.splice(servers.indexOf(first.server), 1);
		ana.reporter.push({type: 'step.done', lesson: 'files', step: 'write', at: new Date().toISOString()});
		const second = await serve(port);
		await expect.poll(() => second.server.snapshot().pacing.listening.length, {timeout: 15_000, interval: 200}).toBe(1);
		await expect.poll(() => second.server.room.snapshot(Date.now()).learners[0]?.cells['files/write']?.status, {timeout: 10_000}).toBe('done');
		expect((await second.pace({type: 'message', text: 'welcome back'})).status).toBe(204);
		await expect.poll(() => ana.heard.at(-1), {timeout: 5000}).toBe('message welcome back');
	}, 40_000);
});

describe('the room exported', () => {
	it('CSV: quoted where needed, formula-looking fields defused', () => {
		expect(csvField('plain')).toBe('plain');
		expect(csvField('a, "b"')).toBe('"a, ""b"""');
		expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
		expect(csvField('-1')).toBe("'-1");
		expect(csvField(undefined)).toBe('');
	});

	it('as CSV and JSON, behind the dashboard key, a row per learner and step on their track', async () => {
		const {server, origin, key} = await serve();
		const joined = await fetch(`${origin}/join`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({code: 'ABCD-EFGH', name: '=Kim, Yu', track: 'k8s', target: 'practice'})});
		const {token} = (await joined.json()) as {token: string};
		const events = [
			{type: 'step.failed', lesson: 'files', step: 'write', at, summary: 'command: grep "x" exited 1'},
			{type: 'hint.revealed', lesson: 'files', step: 'write', at, hints: 1},
			{type: 'step.done', lesson: 'files', step: 'write', at},
		];
		expect((await fetch(`${origin}/events`, {method: 'POST', headers: {'content-type': 'application/json', authorization: `Bearer ${token}`}, body: JSON.stringify({seq: 1, events})})).status).toBe(204);
		expect((await fetch(`${origin}/api/export.csv`)).status).toBe(403);
		expect((await fetch(`${origin}/api/export.json?key=nope`)).status).toBe(403);
		const csv = await fetch(`${origin}/api/export.csv?key=${key}`);
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="cilium-lab-room-.*\.csv"$/);
		const lines = (await csv.text()).split('\r\n');
		expect(lines[0]).toBe('learner,learner_id,track,target,doctor,doctor_result,lesson,step,status,failures,hints,reason,at,stuck');
		expect(lines[1]).toMatch(/^"'=Kim, Yu",[0-9a-f-]{36},k8s,practice,,,files,write,done,1,1,,2026-12-03T10:00:00.000Z,$/);
		// more/only-byocni is not on the k8s track: two steps, two rows, and the trailing line break.
		expect(lines).toHaveLength(4);
		expect(lines[2]).toMatch(/,,more,second,,,,,,$/);
		const json = await (await fetch(`${origin}/api/export.json?key=${key}`)).json();
		expect(json).toMatchObject({kind: 'cilium-lab-room', outline: {title: 'Lab'}, pacing: {hold: null}, learners: [{name: '=Kim, Yu', cells: {'files/write': {status: 'done', failures: 1, hints: 1}}}]});
		expect(roomCsv(server.snapshot()).split('\r\n')).toHaveLength(4);
	});
});

describe('safe on a room network', () => {
	it('refuses bodies that are not JSON by type, pacing by a key in the address, oversized pacing, and a join flood from one address', async () => {
		// The server's clock stands still, so the join limit does not refill while a loaded machine runs the test.
		const frozen = Date.now();
		const {origin, key, pace} = await serve(0, () => frozen);
		const join = (contentType: string, body: string) => fetch(`${origin}/join`, {method: 'POST', headers: {'content-type': contentType}, body});
		const good = JSON.stringify({code: 'ABCD-EFGH', name: 'Form', track: 'k8s', target: 'real'});
		// A form on another site posts text/plain or urlencoded without a preflight: refused before it is read.
		expect((await join('text/plain', good)).status).toBe(415);
		expect((await join('application/x-www-form-urlencoded', 'code=ABCD-EFGH')).status).toBe(415);
		const byQuery = await fetch(`${origin}/api/pacing?key=${key}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({type: 'message', text: 'hi'})});
		expect(byQuery.status).toBe(403);
		expect((await pace({type: 'message', text: 'x'.repeat(20_000)})).status).toBe(413);
		// Joins: 40 at once, then about 5 a second, from one address (wrong codes count too: the code cannot be guessed).
		const statuses: number[] = [];
		for (let index = 0; index < 45; index++) statuses.push((await join('application/json', JSON.stringify({code: 'WRNG-CODE', name: `n${index}`, track: 'k8s', target: 'real'}))).status);
		// A burst of 40 (the posts refused for their content type were not read, so they do not count).
		expect(statuses.slice(0, 40)).toEqual(Array.from({length: 40}, () => 403));
		expect(statuses.slice(40)).toEqual(Array.from({length: 5}, () => 429));
	});
});
