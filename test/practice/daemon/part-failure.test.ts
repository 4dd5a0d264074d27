// A practice daemon whose part breaks stops and says why, instead of serving a cluster without it. The daemon is
// bundled here from the sources with one part swapped for a broken one: a part that throws while its code loads,
// and one whose start() throws. The starter (startPractice) gets the reason, the daemon exits non-zero.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {build, type Plugin} from 'esbuild';
import {afterAll, describe, expect, it} from 'vitest';
import {startPractice, stopPractice} from '../../../src/practice/daemon/client.js';
import {practicePaths} from '../../../src/practice/daemon/paths.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const made: string[] = [];

afterAll(() => {
	for (const directory of made) fs.rmSync(directory, {recursive: true, force: true});
});

function tempDir(prefix: string): string {
	const directory = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	made.push(directory);
	return directory;
}

/** dist/practice-daemon.js as scripts/build.mjs makes it, but with src/practice/controllers/index.ts replaced by `source`. */
async function daemonWithControllers(source: string): Promise<string> {
	const replaceControllers: Plugin = {
		name: 'broken-controllers',
		setup(builder) {
			builder.onLoad({filter: /[\\/]src[\\/]practice[\\/]controllers[\\/]index\.ts$/}, () => ({contents: source, loader: 'ts'}));
		},
	};
	const outfile = path.join(tempDir('broken-daemon-'), 'practice-daemon.js');
	await build({
		absWorkingDir: repoRoot,
		entryPoints: ['src/practice/daemon/main.ts'],
		outfile,
		bundle: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		banner: {js: "import {createRequire as __cr} from 'node:module';const require=__cr(import.meta.url);"},
		plugins: [replaceControllers],
		logLevel: 'error',
	});
	return outfile;
}

/** Starts it as the app does; resolves with startPractice's error (or fails the test when it started). */
async function startError(daemon: string): Promise<string> {
	const home = tempDir('broken-daemon-home-');
	const previous = process.env.CILIUM_LAB_PRACTICE_DAEMON;
	process.env.CILIUM_LAB_PRACTICE_DAEMON = daemon;
	try {
		await startPractice({home, speed: 'instant'});
		await stopPractice(home);
	} catch (error) {
		// It exited, and took its lock with it (a daemon that never ran its main code took none).
		await expect.poll(() => fs.existsSync(practicePaths(home).lock), {timeout: 10_000}).toBe(false);
		return (error as Error).message;
	} finally {
		if (previous === undefined) delete process.env.CILIUM_LAB_PRACTICE_DAEMON;
		else process.env.CILIUM_LAB_PRACTICE_DAEMON = previous;
	}
	throw new Error('the practice daemon started with a broken part');
}

/** Runs it in the foreground: its exit status and what it wrote. */
function runDaemon(daemon: string): {status: number | null; stderr: string} {
	const result = spawnSync(process.execPath, [daemon, '--home', tempDir('broken-daemon-home-'), '--speed', 'instant'], {encoding: 'utf8', timeout: 60_000});
	return {status: result.status, stderr: result.stderr};
}

describe('a practice daemon with a broken part', () => {
	it('stops when the part throws while its code loads, and the starter says why', async () => {
		const daemon = await daemonWithControllers(`throw new Error('controllers exploded while loading');\nexport function start() {}\n`);
		expect(await startError(daemon)).toMatch(/^the practice daemon exited with code 1 before it was ready: Error: controllers exploded while loading; see .*daemon\.log$/);
		const foreground = runDaemon(daemon);
		expect(foreground.status).toBe(1);
		expect(foreground.stderr).toContain('Error: controllers exploded while loading');
	}, 60_000);

	it('stops when the part fails to start, and the starter says which part and why', async () => {
		const daemon = await daemonWithControllers(`export function start(): never {\n\tthrow new Error('no scheduler today');\n}\n`);
		expect(await startError(daemon)).toBe('the practice controllers did not start: no scheduler today');
		const foreground = runDaemon(daemon);
		expect(foreground.status).toBe(1);
		expect(foreground.stderr).toContain('practice daemon: Error: the practice controllers did not start: no scheduler today');
	}, 60_000);
});
