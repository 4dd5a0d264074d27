// `cilium-lab jobs` and `cilium-lab jobs stop NAME`: through the lab's own pid records only. A process with the
// same command line that the lab did not start is left alone (what `pkill -f` would have killed). The launcher in
// <lab home>/bin runs this app with this lab home, as the lab's commands find it on PATH.
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {JobManager} from '../../src/run/jobs.js';
import {writeLauncher} from '../../src/launcher.js';
import {commandEnvironment} from '../../src/lab/variables.js';

const root = path.resolve('.');
const home = mkdtempSync(path.join(os.tmpdir(), 'cli-jobs-'));
afterAll(() => rmSync(home, {recursive: true, force: true}));

const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

describe('cilium-lab jobs', () => {
	it('lists and stops the lab\'s own job by name, leaving a look-alike process running', async () => {
		const manager = new JobManager(home);
		manager.start({name: 'port-forward', script: 'exec sleep 313', env: {PATH: process.env.PATH!}});
		const lookAlike = spawn('sleep', ['313'], {stdio: 'ignore'});
		try {
			for (let attempt = 0; attempt < 50 && manager.list()[0]!.pid === undefined; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
			const pid = manager.list()[0]!.pid!;
			writeLauncher(home, path.join(root, 'dist/cilium-lab.js'));
			// As a lesson command runs it: <lab home>/bin first on PATH.
			const env = commandEnvironment({base: {PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'en_US.UTF-8'}, variables: {}, assetsDir: '/x', home});
			const listed = execFileSync('bash', ['-c', 'cilium-lab jobs'], {env, encoding: 'utf8'});
			expect(listed).toMatch(new RegExp(`^port-forward  pid ${pid}  .*  exec sleep 313\\n$`));
			const stopped = spawnSync('bash', ['-c', 'cilium-lab jobs stop port-forward relay-port-forward'], {env, encoding: 'utf8'});
			expect(stopped.stdout).toBe(`stopped port-forward (pid ${pid})\nrelay-port-forward: not running\n`);
			expect(stopped.status).toBe(0);
			for (let attempt = 0; attempt < 50 && alive(pid); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
			expect(alive(pid)).toBe(false);
			expect(alive(lookAlike.pid!)).toBe(true);
			expect(execFileSync('bash', ['-c', 'cilium-lab jobs'], {env, encoding: 'utf8'})).toBe('no background job the lab started is running\n');
		} finally {
			lookAlike.kill('SIGKILL');
			await manager.dispose();
		}
	});
});
