// vitest globalSetup: every practice daemon a test starts must be stopped by that test. The run marks
// its processes (CILIUM_LAB_TEST_RUN, inherited by the workers, the CLI they start and its daemon);
// at the end, any marked daemon still running with a home under the temp dir is reported with the
// test file that started it (CILIUM_LAB_TEST_FILE, see test-file.ts), killed, and fails the run.
import {randomUUID} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const RUN_ENV = 'CILIUM_LAB_TEST_RUN';
export const FILE_ENV = 'CILIUM_LAB_TEST_FILE';

interface LeftDaemon {
	pid: number;
	home: string;
	testFile: string | undefined;
}

function readProc(pid: string, name: string): string | undefined {
	try {
		return fs.readFileSync(`/proc/${pid}/${name}`, 'utf8');
	} catch {
		return undefined; // gone meanwhile, or not ours to read
	}
}

/** The practice daemons this run started that are still running (Linux: /proc). */
export function daemonsOfRun(runId: string): LeftDaemon[] {
	if (!fs.existsSync('/proc/self/environ')) return [];
	const tempDir = fs.realpathSync(os.tmpdir());
	const found: LeftDaemon[] = [];
	for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		const args = readProc(pid, 'cmdline')?.split('\0') ?? [];
		if (!args.some((arg) => arg.endsWith('practice-daemon.js'))) continue;
		const environ = readProc(pid, 'environ')?.split('\0') ?? [];
		if (!environ.includes(`${RUN_ENV}=${runId}`)) continue;
		const home = path.resolve(args[args.indexOf('--home') + 1] ?? '');
		const inTemp = (home + path.sep).startsWith(tempDir + path.sep) || (home + path.sep).startsWith(path.resolve(os.tmpdir()) + path.sep);
		if (!inTemp) continue;
		const testFile = environ.find((entry) => entry.startsWith(`${FILE_ENV}=`))?.slice(FILE_ENV.length + 1);
		found.push({pid: Number(pid), home, testFile});
	}
	return found;
}

/** Whether a process of ours with this pid still runs (a zombie, exited but not yet reaped by its parent, does not). */
export const isAlive = (pid: number) => {
	try {
		process.kill(pid, 0);
	} catch {
		return false;
	}
	const stat = readProc(String(pid), 'stat');
	return stat === undefined ? !fs.existsSync('/proc/self/stat') : !/^[ZXx]/.test(stat.slice(stat.lastIndexOf(')') + 2));
};

async function kill(pid: number): Promise<void> {
	try {
		process.kill(pid, 'SIGTERM');
	} catch {
		return;
	}
	for (let waited = 0; waited < 5_000 && isAlive(pid); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
	if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

export function setup(): () => Promise<void> {
	const runId = process.env[RUN_ENV] ?? randomUUID();
	process.env[RUN_ENV] = runId;
	return async () => {
		const left = daemonsOfRun(runId);
		if (left.length === 0) return;
		await Promise.all(left.map(({pid}) => kill(pid)));
		const root = process.cwd();
		const lines = left.map(({pid, home, testFile}) => `  pid ${pid}, home ${home}${fs.existsSync(home) ? '' : ' (deleted)'}, started by ${testFile ? path.relative(root, testFile) : 'an unknown test file'}`);
		console.error(
			[
				'',
				`FAIL: ${left.length} practice daemon(s) were left running by the tests (now killed). Each test that starts one must stop it (stopPractice / \`practice stop\`) in afterAll or finally:`,
				...lines,
				'',
			].join('\n'),
		);
		process.exitCode = 1;
	};
}
