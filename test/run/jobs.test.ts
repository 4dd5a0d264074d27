import {execa} from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {JobManager} from '../../src/run/jobs.js';
import {groupAlive, processAlive} from '../../src/run/process-group.js';

const env = {PATH: process.env.PATH!};
const homes: string[] = [];
const managers: JobManager[] = [];
afterEach(async () => {
	for (const manager of managers.splice(0)) await manager.dispose();
	for (const home of homes.splice(0)) fs.rmSync(home, {recursive: true, force: true});
});

function newHome() {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-jobs-'));
	homes.push(home);
	return home;
}

async function waitFor(condition: () => boolean, timeoutMs = 5000) {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise(resolve => setTimeout(resolve, 20));
	}
}

const fixture = path.join(import.meta.dirname, 'fixtures', 'job-host.ts');

/** Runs the fixture app; resolves once its job printed the pids of its child and grandchild. */
async function startHost(home: string, how: 'exit' | 'throw' | 'wait') {
	const host = execa('node', ['--import', 'tsx', fixture, home, how], {reject: false, buffer: false, cwd: path.join(import.meta.dirname, '..', '..')});
	const first = await new Promise<string>((resolve, reject) => {
		host.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()));
		host.once('exit', code => reject(new Error(`host exited ${code} before its job ran`)));
	});
	return {host, ...(JSON.parse(first) as {group: number; pids: number[]})};
}

describe('JobManager', () => {
	it('starts a job, lists it with its last line, and stops its whole tree', async () => {
		const home = newHome();
		const jobs = new JobManager(home);
		managers.push(jobs);
		const job = jobs.start({name: 'port-forward', script: 'sleep 60 & echo "child $!"; echo ready; wait', env, logFile: path.join(home, 'logs', 'pf.log')});
		await waitFor(() => jobs.list()[0]?.lastLine === 'ready');
		const [listed] = jobs.running();
		expect(listed).toMatchObject({id: job.id, name: 'port-forward', command: expect.stringContaining('sleep 60'), lastLine: 'ready'});
		expect(listed!.since).toBeInstanceOf(Date);
		const pid = listed!.pid!;
		expect(fs.existsSync(path.join(home, 'jobs', `${pid}.json`))).toBe(true);
		const child = Number(fs.readFileSync(path.join(home, 'logs', 'pf.log'), 'utf8').split('\n')[0]!.split(' ')[1]);
		expect(processAlive(child)).toBe(true);

		const outcome = await jobs.stop(job.id);
		expect(outcome?.kind).toBe('cancelled');
		expect(processAlive(child)).toBe(false);
		expect(groupAlive(pid)).toBe(false);
		expect(jobs.running()).toEqual([]);
		expect(jobs.list()[0]!.outcome?.kind).toBe('cancelled');
		expect(fs.existsSync(path.join(home, 'jobs', `${pid}.json`))).toBe(false);
	});

	it('notices a job that ends by itself', async () => {
		const jobs = new JobManager(newHome());
		managers.push(jobs);
		let changes = 0;
		jobs.subscribe(() => changes++);
		jobs.start({name: 'short', script: 'echo bye; exit 4', env});
		await waitFor(() => jobs.list()[0]?.outcome !== undefined);
		expect(jobs.list()[0]).toMatchObject({lastLine: 'bye', outcome: {kind: 'exited', exitCode: 4}});
		expect(changes).toBeGreaterThanOrEqual(2);
		jobs.forget(jobs.list()[0]!.id);
		expect(jobs.list()).toEqual([]);
	});

	it.each([
		['exits normally', 'exit', undefined],
		['throws an uncaught error', 'throw', undefined],
		['gets SIGTERM', 'wait', 'SIGTERM'],
		['gets SIGINT', 'wait', 'SIGINT'],
		['gets SIGHUP', 'wait', 'SIGHUP'],
	] as const)('stops its jobs when the app %s', async (_, how, signal) => {
		const home = newHome();
		const {host, group, pids} = await startHost(home, how);
		expect(pids.every(pid => processAlive(pid))).toBe(true);
		if (signal) host.kill(signal);
		const result = await host;
		if (signal) expect(result.signal).toBe(signal);
		else expect(result.exitCode).toBe(how === 'throw' ? 1 : 0);
		for (const pid of pids) expect(processAlive(pid), `pid ${pid} still runs`).toBe(false);
		expect(groupAlive(group)).toBe(false);
		expect(fs.readdirSync(path.join(home, 'jobs'))).toEqual([]);
	});

	it('a later start stops the jobs a `kill -9` of the app left behind', async () => {
		const home = newHome();
		const {host, group, pids} = await startHost(home, 'wait');
		host.kill('SIGKILL');
		await host;
		expect(pids.every(pid => processAlive(pid))).toBe(true); // nothing could stop them
		const jobs = new JobManager(home);
		managers.push(jobs);
		const reaped = await jobs.reapOrphans();
		expect(reaped).toEqual([{name: 'port-forward', pid: group, command: expect.stringContaining('sleep 300')}]);
		for (const pid of pids) expect(processAlive(pid)).toBe(false);
		expect(fs.readdirSync(path.join(home, 'jobs'))).toEqual([]);
	});

	it('a reused pid fools neither way: the owner\'s pid now held by a stranger does not shield the orphans, and a stranger holding the group\'s pid is never killed', async () => {
		const home = newHome();
		const {host, group, pids} = await startHost(home, 'wait');
		host.kill('SIGKILL');
		await host;
		// A stranger took the killed app's pid: the record names it as the owner, with the app's start time.
		const stranger = execa('sleep', ['30'], {reject: false});
		const file = path.join(home, 'jobs', `${group}.json`);
		const record = JSON.parse(fs.readFileSync(file, 'utf8')) as {ownerPid: number; ownerStartTime?: string; startTime?: string};
		expect(record.ownerStartTime).toMatch(/^\d+$/);
		expect(record.startTime).toMatch(/^\d+$/);
		fs.writeFileSync(file, JSON.stringify({...record, ownerPid: stranger.pid}));
		// Another group leader (a stranger's) holds a pid a record names, started later than that record says.
		const otherLeader = execa('sleep', ['30'], {reject: false, detached: true});
		fs.writeFileSync(path.join(home, 'jobs', `${otherLeader.pid}.json`), JSON.stringify({pid: otherLeader.pid, ownerPid: 999998, startTime: '1', name: 'old', command: 'x', since: ''}));
		const jobs = new JobManager(home);
		managers.push(jobs);
		expect(await jobs.reapOrphans()).toEqual([{name: 'port-forward', pid: group, command: expect.stringContaining('sleep 300')}]);
		for (const pid of pids) expect(processAlive(pid)).toBe(false);
		expect(processAlive(stranger.pid!)).toBe(true);
		expect(processAlive(otherLeader.pid!)).toBe(true);
		expect(fs.readdirSync(path.join(home, 'jobs'))).toEqual([]);
		stranger.kill('SIGKILL');
		otherLeader.kill('SIGKILL');
		await Promise.all([stranger, otherLeader]);
	});

	it('leaves alone the jobs of another app that still runs, and stale pid files of groups long gone', async () => {
		const home = newHome();
		const {host, pids} = await startHost(home, 'wait');
		fs.writeFileSync(path.join(home, 'jobs', '999999.json'), JSON.stringify({pid: 999999, ownerPid: 999998, name: 'old', command: 'x', since: ''}));
		const jobs = new JobManager(home);
		managers.push(jobs);
		expect(await jobs.reapOrphans()).toEqual([]);
		expect(pids.every(pid => processAlive(pid))).toBe(true);
		expect(fs.readdirSync(path.join(home, 'jobs'))).toHaveLength(1);
		host.kill('SIGTERM');
		await host;
	});
});
