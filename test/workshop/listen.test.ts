// `workshop serve --listen 0.0.0.0:PORT` as a real process: the join URL it prints names one of this machine's own
// addresses (os.networkInterfaces), never 0.0.0.0, and a learner joins through it.
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {parseListen, reachableHosts} from '../../src/cli/workshop.js';

const root = path.resolve('.');
const lessons = path.join(root, 'test/fixtures/lessons-basic/lessons');
const work = mkdtempSync(path.join(os.tmpdir(), 'workshop-listen-'));
afterAll(() => rmSync(work, {recursive: true, force: true}));

const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({address, family, internal, netmask: '', mac: '', cidr: null}) as unknown as os.NetworkInterfaceInfo;

describe('the addresses a join URL names', () => {
	it('an unspecified address becomes the machine’s own, loopback and link-local left out', () => {
		const interfaces = {lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)], eth0: [nic('10.1.2.3', 'IPv4'), nic('fd00::7', 'IPv6'), nic('fe80::1', 'IPv6')], wlan0: [nic('192.168.0.9', 'IPv4')]};
		expect(reachableHosts('0.0.0.0', interfaces)).toEqual(['10.1.2.3', '192.168.0.9']);
		expect(reachableHosts('::', interfaces)).toEqual(['10.1.2.3', '[fd00::7]', '192.168.0.9']);
		expect(reachableHosts('0.0.0.0', {lo: [nic('127.0.0.1', 'IPv4', true)]})).toEqual(['127.0.0.1']);
		expect(reachableHosts('192.168.0.9', interfaces)).toEqual(['192.168.0.9']);
		expect(parseListen('[::]:8080')).toEqual({host: '::', port: 8080});
		expect(() => parseListen('0.0.0.0')).toThrow(/expected ADDRESS:PORT/);
	});

	it('serve --listen 0.0.0.0:0 prints a join URL at a real address, and a learner joins through it', async () => {
		const child = spawn(process.execPath, [path.join(root, 'dist/cilium-lab.js'), 'workshop', 'serve', '--listen', '0.0.0.0:0', '--lessons', lessons, '--lang', 'en'], {
			env: {...process.env, CILIUM_LAB_HOME: path.join(work, 'facilitator'), LANG: 'en_US.UTF-8'},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		try {
			await expect.poll(() => /join code: (\S+)/.test(output), {timeout: 10_000}).toBe(true);
			expect(output).not.toContain('0.0.0.0');
			const joinUrl = new URL(/--join (\S+)/.exec(output)![1]!);
			const own = reachableHosts('0.0.0.0');
			expect(own).toContain(joinUrl.hostname);
			expect(new URL(/dashboard \(for you\):\s+(\S+)/.exec(output)![1]!).hostname).toBe('127.0.0.1');
			const code = /join code: (\S+)/.exec(output)![1]!;
			const joined = await fetch(`${joinUrl.origin}/join`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({code, name: 'Remote', track: 'k8s', target: 'practice'})});
			expect(joined.status).toBe(200);
			expect(await joined.json()).toMatchObject({learnerId: expect.any(String), token: expect.any(String)});
		} finally {
			child.kill('SIGTERM');
		}
	}, 20_000);
});
