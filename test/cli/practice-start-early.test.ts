// `cilium-lab practice start` spawns the practice daemon before the rest of the CLI loads (src/load.ts,
// spawnPracticeEarly), exactly when the CLI itself would have spawned one: never for arguments it refuses, for
// --help, or over a daemon that already runs.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {repoRoot} from '../helpers/build.js';
import {tempDirs} from '../helpers/temp.js';

const tempDir = tempDirs('each');
const homes: string[] = [];
afterEach(() => {
	for (const home of homes.splice(0)) cli(home, 'practice', 'stop');
});

function cli(home: string, ...args: string[]) {
	return spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cilium-lab.js'), ...args], {
		env: {...process.env, CILIUM_LAB_HOME: home, CILIUM_LAB_PRACTICE_SPEED: 'instant', CILIUM_LAB_TRACE_STARTUP: path.join(home, 'trace.txt')},
		encoding: 'utf8',
		timeout: 60_000,
	});
}

function newHome(): string {
	const home = tempDir('practice-early-');
	homes.push(home);
	return home;
}

/** The trace marks the start wrote, in order. */
const marks = (home: string) =>
	fs
		.readFileSync(path.join(home, 'trace.txt'), 'utf8')
		.trim()
		.split('\n')
		.map((line) => line.split(' ').slice(0, -3).join(' '));

/** Practice daemons of this lab home (by their command line). */
function daemonsOf(home: string): number[] {
	return fs
		.readdirSync('/proc')
		.filter((entry) => /^\d+$/.test(entry))
		.filter((pid) => {
			try {
				const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
				return args.some((arg) => arg.endsWith('practice-daemon.js')) && args[args.indexOf('--home') + 1] === home;
			} catch {
				return false;
			}
		})
		.map(Number);
}

describe('practice start spawns the daemon first', () => {
	it('before the CLI itself has loaded, and the CLI waits for that daemon', {timeout: 60_000}, () => {
		const home = newHome();
		const started = cli(home, 'practice', 'start');
		expect(started.stderr).toBe('');
		expect(started.status).toBe(0);
		const pid = Number(/running: pid (\d+)/.exec(started.stdout)?.[1]);
		expect(daemonsOf(home)).toEqual([pid]);
		const order = marks(home);
		expect(order.indexOf('practice: spawn daemon')).toBeGreaterThanOrEqual(0);
		expect(order.indexOf('practice: spawn daemon')).toBeLessThan(order.indexOf('cli'));
		expect(order.filter((mark) => mark === 'practice: spawn daemon')).toHaveLength(1);

		// Over a running daemon: no second one spawned, the same one reported.
		fs.rmSync(path.join(home, 'trace.txt'));
		const again = cli(home, 'practice', 'start', '--track', 'k8s');
		expect(again.status).toBe(0);
		expect(again.stdout).toContain(`running: pid ${pid},`);
		expect(again.stdout).toMatch(/cluster practice: 3 nodes/);
		expect(marks(home)).not.toContain('practice: spawn daemon');
		expect(daemonsOf(home)).toEqual([pid]);
	});

	it('never for arguments the CLI refuses, nor for --help', {timeout: 60_000}, () => {
		const home = newHome();
		const refused = [
			[['practice', 'start', '--speed', 'warp'], /unknown practice speed "warp"/],
			[['practice', 'start', '--bogus'], /Unknown option '--bogus'/],
		] as const;
		for (const [args, error] of refused) {
			const result = cli(home, ...args);
			expect(result.status).toBe(1);
			expect(result.stderr).toMatch(error);
		}
		const help = cli(home, 'practice', 'start', '--help');
		expect(help.status).toBe(0);
		expect(help.stdout).toMatch(/^Usage: cilium-lab practice/);
		// Nothing was spawned: no daemon, not even its log.
		expect(fs.existsSync(path.join(home, 'practice', 'daemon.log'))).toBe(false);
		expect(daemonsOf(home)).toEqual([]);
	});
});
