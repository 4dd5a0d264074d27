// The cross-process test lock: exclusive across processes, a dead owner's lock taken over, a bounded wait.
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterEach, expect, it} from 'vitest';
import {acquireLock, acquirePortLock} from './port-lock.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});
function tempDir(): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'port-lock-'));
	dirs.push(dir);
	return dir;
}

it('a second taker waits until the first releases, then gets it', async () => {
	const dir = tempDir();
	const releaseFirst = await acquireLock('x', {dir});
	const order: string[] = [];
	const second = acquireLock('x', {dir}).then((release) => {
		order.push('second');
		return release;
	});
	await new Promise((resolve) => setTimeout(resolve, 200));
	order.push('first releases');
	releaseFirst();
	(await second)();
	expect(order).toEqual(['first releases', 'second']);
	expect(existsSync(path.join(dir, 'cilium-lab-test-x.lock'))).toBe(false);
});

it('holds against another process, and times out with who holds it', async () => {
	const dir = tempDir();
	const script = `import('${path.resolve('test/helpers/port-lock.ts')}').then(async ({acquireLock}) => { await acquireLock('y', {dir: ${JSON.stringify(dir)}, holder: 'the other process'}); console.log('held'); setTimeout(() => {}, 60000); })`;
	const other = spawn(process.execPath, ['--import', 'tsx', '-e', script], {stdio: ['ignore', 'pipe', 'inherit']});
	try {
		await new Promise<void>((resolve) => other.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve()));
		await expect(acquireLock('y', {dir, timeoutMs: 300})).rejects.toThrow(new RegExp(`timed out after 0 s waiting for the test lock .*: held by pid ${other.pid} \\(the other process\\)`));
	} finally {
		other.kill('SIGKILL');
	}
	// Its owner is dead now: the next taker takes it over.
	await new Promise((resolve) => other.once('exit', resolve));
	const release = await acquireLock('y', {dir, timeoutMs: 2000});
	expect(JSON.parse(readFileSync(path.join(dir, 'cilium-lab-test-y.lock'), 'utf8')).pid).toBe(process.pid);
	release();
}, 20_000);

it('takes over a lock file whose pid is dead, but not one whose pid lives', async () => {
	const dir = tempDir();
	const file = path.join(dir, 'cilium-lab-test-z.lock');
	writeFileSync(file, JSON.stringify({pid: 2 ** 22 + 12345, token: 'dead', holder: 'gone', since: ''}));
	(await acquireLock('z', {dir, timeoutMs: 2000}))();
	writeFileSync(file, JSON.stringify({pid: process.ppid, token: 'alive', holder: 'parent', since: ''}));
	await expect(acquireLock('z', {dir, timeoutMs: 200})).rejects.toThrow('held by pid');
	expect(JSON.parse(readFileSync(file, 'utf8')).token).toBe('alive');
});

it('a port lock says so when a program outside the tests holds the port', async () => {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;
	try {
		await expect(acquirePortLock(port, {dir: tempDir(), freeWithinMs: 300})).rejects.toThrow(`127.0.0.1:${port} is in use by a program outside the tests`);
	} finally {
		server.close();
	}
});
