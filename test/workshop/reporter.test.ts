// The learner's side of a workshop: driver events become progress events only, and events wait while the server is
// away and reach it once it is back (an in-process server on loopback).
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {DriverEvent} from '../../src/session/driver.js';
import type {SessionState, StepState} from '../../src/session/types.js';
import {dashboardLabels} from '../../src/workshop/dashboard.js';
import {parseJoinUrl, progressEvents, WorkshopReporter} from '../../src/workshop/reporter.js';
import {startWorkshopServer} from '../../src/workshop/server.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'reporter-'));
afterAll(() => rmSync(home, {recursive: true, force: true}));

function sessionEvent(type: string, step: Partial<StepState>): DriverEvent {
	const state = {
		lang: 'en',
		lessons: {files: {steps: {write: {status: 'ready', checks: [], hintsRevealed: 0, ...step}}}},
	} as unknown as SessionState;
	return {type: 'session', event: {type, lessonId: 'files', stepId: 'write', at: 'x'} as never, state};
}

describe('progress events from the driver', () => {
	const at = '2026-12-03T10:00:00.000Z';
	const before = (status: StepState['status']) => () => status;

	it('maps status changes and hints, and nothing else', () => {
		expect(progressEvents(sessionEvent('STEP_STARTED', {status: 'running', run: {activity: 'solve', startedAt: at, background: false}}), before('ready'), at)).toEqual([
			{type: 'step.started', lesson: 'files', step: 'write', at, activity: 'solve'},
		]);
		expect(progressEvents(sessionEvent('CHECKS_STARTED', {status: 'checking'}), before('running'), at)).toEqual([]);
		expect(progressEvents(sessionEvent('CHECKS_STARTED', {status: 'checking'}), before('ready'), at)).toMatchObject([{type: 'step.started', activity: 'check'}]);
		expect(progressEvents(sessionEvent('CHECKS_FINISHED', {status: 'done'}), before('checking'), at)).toEqual([{type: 'step.done', lesson: 'files', step: 'write', at}]);
		expect(progressEvents(sessionEvent('HINT_REVEALED', {hintsRevealed: 2}), before('ready'), at)).toMatchObject([{type: 'hint.revealed', hints: 2}]);
		const failed = sessionEvent('CHECKS_FINISHED', {
			status: 'failed',
			checks: [{spec: {kind: 'podReady'}, state: 'failed', result: {ok: false, summary: 'no pod app=client is Ready\nsecond line'}}] as never,
			failure: {kind: 'checks', failed: [0], unreachable: false},
		});
		// The check's own words (output, names from variables) only with --share-output; else which check failed.
		expect(progressEvents(failed, before('checking'), at)).toEqual([{type: 'step.failed', lesson: 'files', step: 'write', at, summary: 'podReady: check 1 of 1 failed (1 failing)'}]);
		expect(progressEvents(failed, before('checking'), at, true)).toEqual([{type: 'step.failed', lesson: 'files', step: 'write', at, summary: 'podReady: no pod app=client is Ready second line'}]);
		const notStarted = sessionEvent('RUN_FINISHED', {status: 'failed', failure: {kind: 'failedToStart', message: 'spawn /home/kim/secret-dir/bash ENOENT'}});
		expect(progressEvents(notStarted, before('running'), at)).toMatchObject([{summary: 'its command did not start'}]);
		expect(progressEvents(notStarted, before('running'), at, true)).toMatchObject([{summary: 'spawn /home/kim/secret-dir/bash ENOENT'}]);
		const exited = sessionEvent('RUN_FINISHED', {status: 'failed', failure: {kind: 'exit', exitCode: 3}});
		expect(progressEvents(exited, before('running'), at)).toMatchObject([{summary: 'its command exited with code 3'}]);
		// Output never becomes an event.
		expect(progressEvents({type: 'output', lessonId: 'files', stepId: 'write', lines: [{text: 'secret', stream: 'output'}] as never, skipped: 0}, before('running'), at)).toEqual([]);
	});

	it('reads the join URL the facilitator printed', () => {
		expect(parseJoinUrl('http://127.0.0.1:4000/join/ABCD-EFGH')).toEqual({base: 'http://127.0.0.1:4000', code: 'ABCD-EFGH'});
		expect(parseJoinUrl('ftp://x/join/ABCD')).toBeUndefined();
		expect(parseJoinUrl('http://127.0.0.1:4000/')).toBeUndefined();
	});
});

describe('the reporter and a server that comes and goes', () => {
	it('keeps events while the server is away and sends them once it is back; the join is kept in the lab home', async () => {
		const port = await new Promise<number>((resolve) => {
			const probe = net.createServer().listen(0, '127.0.0.1', () => {
				const {port: free} = probe.address() as net.AddressInfo;
				probe.close(() => resolve(free));
			});
		});
		const statuses: string[] = [];
		const reporter = new WorkshopReporter({
			url: `http://127.0.0.1:${port}/join/ABCD-EFGH`,
			name: 'Late',
			track: 'k8s',
			target: 'practice',
			lang: 'en',
			home,
			onStatus: (status) => statuses.push(status.joined ? 'joined' : 'failed'),
		});
		reporter.start();
		reporter.push({type: 'step.done', lesson: 'files', step: 'write', at: new Date().toISOString()});
		await expect.poll(() => statuses, {timeout: 5000}).toEqual(['failed']);

		const outline = {title: 'Lab', lessons: [{id: 'files', title: 'Files', steps: [{id: 'write', title: 'Write'}]}]};
		const server = await startWorkshopServer({outline, labels: dashboardLabels('en'), lang: 'en', port, code: 'ABCD-EFGH'});
		try {
			await expect.poll(() => server.room.snapshot(Date.now()).learners[0]?.cells['files/write']?.status, {timeout: 10_000, interval: 100}).toBe('done');
			expect(statuses).toEqual(['failed', 'joined']);
			await reporter.close(1000);
			const saved = path.join(home, 'workshop.json');
			expect(JSON.parse(readFileSync(saved, 'utf8'))).toMatchObject({base: `http://127.0.0.1:${port}`, code: 'ABCD-EFGH', seq: 1});
			expect(statSync(saved).mode & 0o777).toBe(0o600);
		} finally {
			await server.close();
		}
	}, 20_000);

	it('a server that says "too many events" (429) is waited out, not shown as offline; every event arrives', async () => {
		const outline = {title: 'Lab', lessons: [{id: 'files', title: 'Files', steps: Array.from({length: 120}, (_, index) => ({id: `s${index}`, title: `S${index}`}))}]};
		// A batch is at most 50 events: a burst of 50 takes one, the second waits for the rate.
		const server = await startWorkshopServer({outline, labels: dashboardLabels('en'), lang: 'en', eventRate: {rate: 20, burst: 50}});
		const statuses: string[] = [];
		const reporter = new WorkshopReporter({url: server.joinUrl, name: 'Burst', track: 'k8s', target: 'practice', lang: 'en', home: mkdtempSync(path.join(home, 'burst-')), onStatus: (status) => statuses.push(status.joined ? 'joined' : 'offline')});
		try {
			reporter.start();
			// A lab back from a long time offline: 120 events at once, more than twice the server's burst.
			for (let index = 0; index < 120; index++) reporter.push({type: 'step.done', lesson: 'files', step: `s${index}`, at: new Date().toISOString()});
			await expect.poll(() => server.room.snapshot(Date.now()).learners[0]?.done, {timeout: 15_000, interval: 100}).toBe(120);
			expect(statuses).toEqual(['joined']);
		} finally {
			await reporter.close(1000);
			await server.close();
		}
	}, 20_000);
});
