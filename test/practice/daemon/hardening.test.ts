// The practice daemon as a person's machine can break it: the disk fills up, the daemon is killed with -9 and
// started again at once, its state file is damaged, a local process sends headers slowly or opens hundreds of
// idle sockets under a file-descriptor limit, or sends patches that aim at __proto__ and bodies nested 100k deep.
// Real files, real processes, loopback only; every loop is bounded.
import {execFile, execFileSync, spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {practiceStatus, startPractice, stopPractice} from '../../../src/practice/daemon/client.js';
import type {DaemonInfo} from '../../../src/practice/daemon/paths.js';
import {isAlive} from '../../global/practice-daemons.js';
import {repoRoot} from '../../helpers/build.js';
import {fillDisk, mountTmpfs, unmountTmpfs} from '../../helpers/tmpfs.js';

const run = promisify(execFile);
const cli = path.join(repoRoot, 'dist', 'cilium-lab.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const homes: string[] = [];
const mounts: string[] = [];
const holders: ChildProcess[] = [];

afterAll(async () => {
	for (const home of homes) await stopPractice(home).catch(() => undefined);
	for (const holder of holders) if (holder.pid !== undefined && holder.exitCode === null) holder.kill('SIGKILL');
	for (const dir of mounts) unmountTmpfs(dir);
	for (const home of homes) fs.rmSync(home, {recursive: true, force: true});
}, 60_000);

function newHome(prefix: string): string {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	homes.push(home);
	return home;
}
const readDaemon = (home: string) => JSON.parse(fs.readFileSync(path.join(home, 'practice', 'daemon.json'), 'utf8')) as DaemonInfo;

/** One request to the daemon's API (or, with `control`, its control port), with its token unless `token: null`. */
function request(daemon: DaemonInfo, options: {method?: string; path: string; body?: string | Buffer; contentType?: string; control?: boolean; timeoutMs?: number}): Promise<{status: number; body: string; json: () => Record<string, unknown>}> {
	return new Promise((resolve, reject) => {
		const req = https.request(
			{
				host: '127.0.0.1',
				port: options.control ? daemon.controlPort : daemon.apiPort!,
				method: options.method ?? 'GET',
				path: options.path,
				ca: fs.readFileSync(daemon.caFile),
				servername: 'localhost',
				agent: false,
				timeout: options.timeoutMs ?? 10_000,
				headers: {Authorization: `Bearer ${daemon.token}`, ...(options.body !== undefined ? {'Content-Type': options.contentType ?? 'application/json'} : {})},
			},
			(res) => {
				let body = '';
				res.on('data', (chunk) => (body += chunk));
				res.on('end', () => resolve({status: res.statusCode!, body, json: () => JSON.parse(body) as Record<string, unknown>}));
			},
		);
		req.on('timeout', () => req.destroy(new Error(`no answer to ${options.method ?? 'GET'} ${options.path} in ${options.timeoutMs ?? 10_000} ms`)));
		req.on('error', reject);
		req.end(options.body);
	});
}
const configMap = (name: string, data: Record<string, string> = {k: name}) => JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name}, data});
const createConfigMap = (daemon: DaemonInfo, name: string, data?: Record<string, string>) => request(daemon, {method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: configMap(name, data)});
const getConfigMap = (daemon: DaemonInfo, name: string) => request(daemon, {path: `/api/v1/namespaces/default/configmaps/${name}`});

async function practiceCli(home: string, ...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	try {
		const {stdout, stderr} = await run(process.execPath, [cli, 'practice', ...args], {env: {...process.env, CILIUM_LAB_HOME: home, CILIUM_LAB_PRACTICE_SPEED: 'instant'}, timeout: 60_000});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const failed = error as {code: number; stdout: string; stderr: string};
		return {code: failed.code, stdout: failed.stdout, stderr: failed.stderr};
	}
}

describe('a full disk', () => {
	it('refuses writes with a 500 Status, keeps answering, and loses nothing acknowledged once space is back (then kill -9)', async () => {
		const base = newHome('practice-full-');
		const home = path.join(base, 'home');
		mountTmpfs(home, '16m');
		mounts.push(home);
		await startPractice({home, speed: 'instant', track: 'k8s'});
		let daemon = readDaemon(home);
		for (const name of ['before-1', 'before-2', 'before-3']) expect((await createConfigMap(daemon, name)).status).toBe(201);
		const filler = fillDisk(home);

		const refused = await createConfigMap(daemon, 'refused', {blob: 'x'.repeat(64 * 1024)});
		expect(refused.status).toBe(500);
		expect(refused.json()).toMatchObject({kind: 'Status', status: 'Failure', reason: 'InternalError', code: 500});
		expect(refused.json().message).toMatch(/no space left on the device \(ENOSPC\)/);
		expect((await getConfigMap(daemon, 'refused')).status).toBe(404);
		// Still answering, quickly, while the disk stays full (the log cannot be written either).
		for (let index = 0; index < 5; index++) {
			const started = Date.now();
			expect((await request(daemon, {path: '/version', timeoutMs: 3_000})).status).toBe(200);
			expect(Date.now() - started).toBeLessThan(2_000);
			await sleep(200);
		}
		expect((await practiceStatus(home)).running).toBe(true);

		fs.rmSync(filler);
		for (let index = 1; index <= 5; index++) expect((await createConfigMap(daemon, `after-${index}`)).status).toBe(201);
		const killed = daemon.pid;
		process.kill(killed, 'SIGKILL');
		// At once: the dead daemon (maybe not yet reaped) must not block the start.
		await startPractice({home, speed: 'instant', track: 'k8s'});
		daemon = readDaemon(home);
		expect(daemon.pid).not.toBe(killed);
		for (const name of ['before-1', 'before-2', 'before-3', 'after-1', 'after-2', 'after-3', 'after-4', 'after-5']) expect((await getConfigMap(daemon, name)).status, name).toBe(200);
		expect((await getConfigMap(daemon, 'refused')).status).toBe(404);
		await stopPractice(home);
	}, 120_000);
});

describe('a damaged state file', () => {
	it('starts anyway and says what was lost in `practice start` and `practice status`', async () => {
		const home = newHome('practice-damaged-');
		expect((await practiceCli(home, 'start', '--track', 'k8s')).code).toBe(0);
		let daemon = readDaemon(home);
		for (const name of ['one', 'two', 'three', 'four']) expect((await createConfigMap(daemon, name)).status).toBe(201);
		process.kill(daemon.pid, 'SIGKILL');
		const journal = path.join(home, 'practice', 'state.json.journal');
		const text = fs.readFileSync(journal, 'utf8');
		const lines = text.split('\n');
		const at = lines.findIndex((line) => line.includes('"key":"|ConfigMap|default|two"'));
		// Garbage before "two", a record of the wrong shape after it, and "four" torn at the end.
		lines.splice(at, 0, 'garbage from a bad sector');
		lines.splice(at + 2, 0, '{"op":"put","rv":1,"key":"|ConfigMap|default|shapeless","object":{"metadata":{}}}');
		const damaged = lines.join('\n');
		fs.writeFileSync(journal, damaged.slice(0, damaged.length - 30));

		const started = await practiceCli(home, 'start', '--track', 'k8s');
		expect(started.code).toBe(0);
		expect(started.stderr).toContain('warning: the saved practice cluster was damaged; what could be read was kept:');
		expect(started.stderr).toMatch(/3 journal record\(s\) could not be read and were skipped; every other record was kept \(the original journal is kept as .*state\.json\.journal\.damaged-\d+\)/);
		expect(started.stderr).toMatch(/objects that may be missing or out of date: .*ConfigMap default\/shapeless.*ConfigMap default\/four/);
		daemon = readDaemon(home);
		for (const name of ['one', 'two', 'three']) expect((await getConfigMap(daemon, name)).status, name).toBe(200);
		const status = await practiceCli(home, 'status');
		expect(status.code).toBe(0);
		expect(status.stdout).toContain('3 journal record(s) could not be read');

		// A snapshot that cannot be read: kept aside, reported the same way.
		expect((await practiceCli(home, 'stop')).code).toBe(0);
		fs.writeFileSync(path.join(home, 'practice', 'state.json'), '{"format":1,"objects":{"|ConfigMap|default|x":');
		const again = await practiceCli(home, 'start');
		expect(again.code).toBe(0);
		expect(again.stderr).toMatch(/the snapshot .*state\.json could not be read \(.*\): it is kept as .*state\.json\.corrupt-\d+/);
		await practiceCli(home, 'stop');
	}, 120_000);
});

describe('hostile clients', () => {
	let home: string;
	let daemon: DaemonInfo;
	beforeAll(async () => {
		home = newHome('practice-hostile-');
		await startPractice({home, speed: 'instant', track: 'k8s'});
		daemon = readDaemon(home);
	}, 120_000);
	afterAll(() => stopPractice(home), 30_000);

	it('refuses patches and bodies that name __proto__, constructor or prototype, and stays unpolluted', async () => {
		expect((await createConfigMap(daemon, 'target')).status).toBe(201);
		const patch = (type: string, body: unknown) => request(daemon, {method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/target', body: JSON.stringify(body), contentType: type});
		const jsonPatch = await patch('application/json-patch+json', [{op: 'add', path: '/__proto__/kind', value: 'Polluted'}]);
		expect(jsonPatch.status).toBe(422);
		expect(jsonPatch.json()).toMatchObject({kind: 'Status', reason: 'Invalid', code: 422});
		expect((await patch('application/json-patch+json', [{op: 'add', path: '/data/constructor', value: 'x'}])).status).toBe(422);
		expect((await patch('application/json-patch+json', [{op: 'replace', path: '/metadata/constructor/prototype/kind', value: 'x'}])).status).toBe(422);
		for (const type of ['application/merge-patch+json', 'application/strategic-merge-patch+json']) {
			const merge = await request(daemon, {method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/target', body: '{"metadata":{"__proto__":{"kind":"Polluted"}}}', contentType: type});
			expect(merge.status, type).toBe(400);
			expect(merge.json()).toMatchObject({reason: 'BadRequest', message: 'the body of the request names the field "__proto__", which is not allowed'});
		}
		expect((await request(daemon, {method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"constructor":"x"}}'})).status).toBe(400);
		expect((await request(daemon, {method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n__proto__:\n  kind: Polluted\n', contentType: 'application/yaml'})).status).toBe(400);
		// What the pollution broke before: a create whose body has no kind (the URL says what it is).
		const withoutKind = await request(daemon, {method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: '{"apiVersion":"v1","metadata":{"name":"no-kind"}}'});
		expect(withoutKind.status).toBe(201);
		expect((await getConfigMap(daemon, 'target')).json()).toMatchObject({kind: 'ConfigMap', data: {k: 'target'}});
	});

	it('answers 400 to JSON and YAML nested 100k deep, and keeps answering', async () => {
		const deepJson = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
		const json = await request(daemon, {method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: deepJson});
		expect(json.status).toBe(400);
		expect(json.json()).toMatchObject({kind: 'Status', reason: 'BadRequest', message: "couldn't get version/kind; json parse error: exceeded max depth of 1000"});
		const deepPatch = await request(daemon, {method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/target', body: `{"data":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`, contentType: 'application/merge-patch+json'});
		expect(deepPatch.status).toBe(400);
		for (const body of [`x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, `x: ${'['.repeat(3_000)}${']'.repeat(3_000)}\n`]) {
			const yaml = await request(daemon, {method: 'POST', path: '/api/v1/namespaces/default/configmaps', body, contentType: 'application/yaml'});
			expect(yaml.status).toBe(400);
			expect(yaml.json()).toMatchObject({kind: 'Status', reason: 'BadRequest'});
		}
		expect((await request(daemon, {path: '/version'})).status).toBe(200);
		expect(fs.readFileSync(path.join(home, 'practice', 'daemon.log'), 'utf8')).not.toContain('Maximum call stack size exceeded');
	});

	it('limits the body of a control-port request', async () => {
		const huge = await request(daemon, {method: 'POST', path: '/practice/v1/cluster', body: JSON.stringify({name: 'x'.repeat(2 * 1024 * 1024)}), control: true});
		expect(huge.status).toBe(413);
		expect(huge.json()).toMatchObject({kind: 'Status', reason: 'RequestEntityTooLarge'});
		expect((await practiceStatus(home)).running).toBe(true);
	});

	it('closes a connection whose headers trickle in slower than 10 s', async () => {
		const socket = tls.connect({host: '127.0.0.1', port: daemon.apiPort!, ca: fs.readFileSync(daemon.caFile), servername: 'localhost'});
		await new Promise((resolve) => socket.once('secureConnect', resolve));
		socket.on('error', () => undefined);
		let answer = '';
		socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
		socket.write('GET /version HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
		const started = Date.now();
		const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
		// One byte a second, at most 20: the deadline (10 s) must come first.
		for (let index = 0; index < 20 && !socket.destroyed; index++) {
			socket.write('a');
			await sleep(1_000);
		}
		const ms = await Promise.race([closed, sleep(1_000).then(() => Infinity)]);
		expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
		expect(ms).toBeGreaterThanOrEqual(9_000);
		expect(ms).toBeLessThan(13_000);
	}, 30_000);

	it('stays usable under a file-descriptor limit with hundreds of idle sockets, and an established watch keeps flowing', async () => {
		execFileSync('prlimit', ['--pid', String(daemon.pid), '--nofile=256:256']);
		const watch = https.get({host: '127.0.0.1', port: daemon.apiPort!, path: '/api/v1/namespaces/default/configmaps?watch=true', ca: fs.readFileSync(daemon.caFile), servername: 'localhost', agent: false, headers: {Authorization: `Bearer ${daemon.token}`}});
		const events: string[] = [];
		const response = await new Promise<import('node:http').IncomingMessage>((resolve) => watch.on('response', resolve));
		response.on('data', (chunk: Buffer) => events.push(chunk.toString()));
		const idle: net.Socket[] = [];
		try {
			for (let index = 0; index < 400; index++) {
				const socket = net.connect(daemon.apiPort!, '127.0.0.1');
				socket.on('error', () => undefined);
				idle.push(socket);
			}
			await sleep(1_000);
			const status = await practiceStatus(home);
			expect(status).toMatchObject({running: true, pid: daemon.pid});
			expect((await createConfigMap(daemon, 'during-the-flood')).status).toBe(201);
			await sleep(300);
			expect(events.join('')).toContain('"name":"during-the-flood"');
			expect(response.destroyed).toBe(false);
		} finally {
			for (const socket of idle) socket.destroy();
			watch.destroy();
		}
	}, 30_000);
});

describe('lifecycle', () => {
	it('starts at once over a daemon killed with -9 that is still a zombie, and tells not running from not answering', async () => {
		const home = newHome('practice-zombie-');
		fs.mkdirSync(path.join(home, 'practice'), {recursive: true, mode: 0o700});
		// A parent that never reaps its child: the daemon, once killed, stays a zombie as long as this parent lives.
		const holder = spawn('python3', ['-c', 'import os, sys, time\npid = os.fork()\nif pid == 0:\n    os.execv(sys.argv[1], sys.argv[1:])\nprint(pid, flush=True)\ntime.sleep(60)\n', process.execPath, path.join(repoRoot, 'dist', 'practice-daemon.js'), '--home', home, '--speed', 'instant'], {stdio: ['ignore', 'pipe', 'ignore']});
		holders.push(holder);
		const pid = Number(await new Promise<string>((resolve) => holder.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()))));
		for (let waited = 0; waited < 10_000 && !fs.existsSync(path.join(home, 'practice', 'daemon.json')); waited += 50) await sleep(50);
		expect(readDaemon(home).pid).toBe(pid);
		expect((await practiceStatus(home)).running).toBe(true);

		// Stopped (SIGSTOP): its process is there, it answers nothing.
		process.kill(pid, 'SIGSTOP');
		try {
			const stuck = await practiceStatus(home);
			expect(stuck).toMatchObject({running: false, unresponsive: {pid}});
			const cliStatus = await practiceCli(home, 'status');
			expect(cliStatus.code).toBe(4);
			expect(cliStatus.stdout).toContain(`practice cluster: running but not answering, pid ${pid}:`);
		} finally {
			process.kill(pid, 'SIGCONT');
		}

		process.kill(pid, 'SIGKILL');
		for (let waited = 0; waited < 5_000 && !/\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); waited += 20) await sleep(20);
		expect(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(/\) Z /);
		expect(await practiceStatus(home)).toEqual({running: false});
		expect((await practiceCli(home, 'status')).stdout).toBe('practice cluster: not running\n');
		const started = Date.now();
		await startPractice({home, speed: 'instant'});
		expect(Date.now() - started).toBeLessThan(5_000);
		const next = readDaemon(home);
		expect(next.pid).not.toBe(pid);
		expect(isAlive(next.pid)).toBe(true);
		await stopPractice(home);
		holder.kill('SIGKILL');
	}, 60_000);
});
