// The practice daemon stops by itself: after an idle period with no request and no open stream (state
// kept, and the next start brings it back as it was), and when its practice directory is deleted.
import {execFile, spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {practiceStatus, startPractice, stopPractice, type PracticeInfo} from '../../../src/practice/daemon/client.js';
import {createActivity, DEFAULT_IDLE_EXIT_SECONDS, IDLE_EXIT_ENV, parseIdleExit} from '../../../src/practice/daemon/lifetime.js';
import type {DaemonInfo} from '../../../src/practice/daemon/paths.js';
import {isAlive} from '../../global/practice-daemons.js';

const homes: string[] = [];
const newHome = () => {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-lifetime-'));
	homes.push(home);
	return home;
};
const readDaemon = (home: string) => JSON.parse(fs.readFileSync(path.join(home, 'practice', 'daemon.json'), 'utf8')) as DaemonInfo;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitForExit(pid: number, timeoutMs: number): Promise<number> {
	const started = Date.now();
	while (isAlive(pid) && Date.now() - started < timeoutMs) await sleep(100);
	return Date.now() - started;
}
function kubectl(info: PracticeInfo, args: string[]): Promise<{stdout: string; stderr: string; code: number}> {
	return new Promise((resolve) => {
		execFile('kubectl', args, {env: {...process.env, ...info.env}, timeout: 30_000}, (error, stdout, stderr) =>
			resolve({stdout, stderr, code: error ? ((error as {code?: number}).code ?? 1) : 0}),
		);
	});
}
/** Starts the daemon with the idle period set in the environment it inherits. */
async function startWithIdle(home: string, seconds: string | undefined, track?: string, keepAlive?: boolean): Promise<PracticeInfo> {
	const before = process.env[IDLE_EXIT_ENV];
	if (seconds === undefined) delete process.env[IDLE_EXIT_ENV];
	else process.env[IDLE_EXIT_ENV] = seconds;
	try {
		return await startPractice({home, speed: 'instant', track, keepAlive});
	} finally {
		if (before === undefined) delete process.env[IDLE_EXIT_ENV];
		else process.env[IDLE_EXIT_ENV] = before;
	}
}


afterAll(async () => {
	for (const home of homes) {
		await stopPractice(home);
		fs.rmSync(home, {recursive: true, force: true});
	}
});

describe('idle period setting', () => {
	it('defaults to 12 hours, takes seconds, and 0 means never', () => {
		expect(DEFAULT_IDLE_EXIT_SECONDS).toBe(12 * 60 * 60);
		expect(parseIdleExit(undefined)).toBe(12 * 60 * 60 * 1000);
		expect(parseIdleExit('')).toBe(12 * 60 * 60 * 1000);
		expect(parseIdleExit('90')).toBe(90_000);
		expect(parseIdleExit('1.5')).toBe(1500);
		expect(parseIdleExit('0')).toBeUndefined();
	});

	it('refuses what is not a number of seconds, naming the variable', () => {
		for (const bad of ['12h', '-5', 'never', '1e3']) expect(() => parseIdleExit(bad)).toThrow(`${IDLE_EXIT_ENV}="${bad}" is not a number of seconds`);
	});

	it('counts idle time only while no request or stream is open', () => {
		let now = 1_000;
		const activity = createActivity(() => now);
		now += 500;
		expect(activity.idleMs()).toBe(500);
		const endWatch = activity.begin();
		const endRequest = activity.begin();
		now += 10_000;
		expect(activity.idleMs()).toBe(0);
		endRequest();
		endRequest(); // a second end of the same request counts once
		now += 10_000;
		expect(activity.open()).toBe(1);
		expect(activity.idleMs()).toBe(0);
		endWatch();
		now += 250;
		expect(activity.idleMs()).toBe(250);
	});
});

describe('practice daemon lifetime', () => {
	it('stays up while a watch is open, stops when idle with its state saved, and the next start has the same cluster', async () => {
		const home = newHome();
		const info = await startWithIdle(home, '2', 'k8s');
		const first = readDaemon(home);
		expect((await kubectl(info, ['create', 'configmap', 'kept', '--from-literal=lesson=1'])).code).toBe(0);

		const watch = spawn('kubectl', ['get', 'configmaps', '--watch'], {env: {...process.env, ...info.env}, stdio: 'ignore'});
		try {
			await sleep(4_500);
			expect(isAlive(first.pid)).toBe(true);
		} finally {
			watch.kill();
		}
		expect(await waitForExit(first.pid, 8_000)).toBeLessThan(8_000);
		expect(fs.existsSync(path.join(home, 'practice', 'daemon.json'))).toBe(false);
		expect(fs.existsSync(path.join(home, 'practice', 'daemon.lock'))).toBe(false);
		expect(fs.readFileSync(path.join(home, 'practice', 'daemon.log'), 'utf8')).toMatch(/stopping \(idle\): no request or open stream for \d+ s \(CILIUM_LAB_PRACTICE_IDLE_EXIT_SECONDS=2\)/);
		expect((await practiceStatus(home)).running).toBe(false);

		const again = await startWithIdle(home, undefined, 'k8s');
		const second = readDaemon(home);
		expect(second.pid).not.toBe(first.pid);
		const kept = await kubectl(again, ['get', 'configmap', 'kept', '-o', 'jsonpath={.data.lesson}']);
		expect(kept).toMatchObject({code: 0, stdout: '1'});
	}, 60_000);

	it('does not idle out under a process that keeps it alive (the app), and stops on request', async () => {
		const home = newHome();
		await startWithIdle(home, '2', undefined, true);
		const {pid, idleExitSeconds} = readDaemon(home);
		expect(idleExitSeconds).toBe(2);
		await sleep(5_000);
		expect(isAlive(pid)).toBe(true);
		await stopPractice(home);
		expect(isAlive(pid)).toBe(false);
	}, 30_000);

	it('stops within a few seconds when its lab home is deleted', async () => {
		const home = newHome();
		await startWithIdle(home, undefined, 'k8s');
		const {pid} = readDaemon(home);
		fs.rmSync(home, {recursive: true, force: true});
		expect(await waitForExit(pid, 10_000)).toBeLessThan(10_000);
	}, 30_000);

	it('stop ends a daemon still starting (lock held, no daemon.json yet), and never a stranger that holds a stale lock', async () => {
		const home = newHome();
		fs.mkdirSync(path.join(home, 'practice'));
		const lock = path.join(home, 'practice', 'daemon.lock');
		const stayUp = 'setInterval(() => {}, 1000)';
		const booting = spawn(process.execPath, ['-e', stayUp, '--', '--home', home], {stdio: 'ignore'});
		const stranger = spawn(process.execPath, ['-e', stayUp, '--', '--home', `${home}-other`], {stdio: 'ignore'});
		try {
			await sleep(300);
			fs.writeFileSync(lock, String(stranger.pid));
			await stopPractice(home);
			expect(isAlive(stranger.pid!)).toBe(true);
			fs.writeFileSync(lock, String(booting.pid));
			await stopPractice(home);
			expect(await waitForExit(booting.pid!, 2_000)).toBeLessThan(2_000);
		} finally {
			booting.kill('SIGKILL');
			stranger.kill('SIGKILL');
		}
	});

	it('stop ends a daemon spawned a moment ago that has not even taken the lock yet (the app quit right after spawning it)', async () => {
		const home = newHome();
		const script = path.join(home, 'practice-daemon.js');
		fs.writeFileSync(script, 'setInterval(() => {}, 1000);\n');
		const justSpawned = spawn(process.execPath, [script, '--home', home, '--speed', 'instant'], {stdio: 'ignore'});
		const otherHome = spawn(process.execPath, [script, '--home', `${home}-other`, '--speed', 'instant'], {stdio: 'ignore'});
		try {
			await sleep(300);
			expect(fs.existsSync(path.join(home, 'practice', 'daemon.lock'))).toBe(false);
			expect((await practiceStatus(home)).unresponsive?.pid).toBe(justSpawned.pid);
			await stopPractice(home);
			expect(await waitForExit(justSpawned.pid!, 2_000)).toBeLessThan(2_000);
			expect(isAlive(otherHome.pid!)).toBe(true);
		} finally {
			justSpawned.kill('SIGKILL');
			otherHome.kill('SIGKILL');
		}
	});

	it('refuses to start with a bad idle period and says which setting is wrong', async () => {
		const home = newHome();
		await expect(startWithIdle(home, 'soon')).rejects.toThrow(`${IDLE_EXIT_ENV}="soon" is not a number of seconds`);
		expect(fs.existsSync(path.join(home, 'practice', 'daemon.lock'))).toBe(false);
	}, 30_000);
});
