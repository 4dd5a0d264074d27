// Real processes on a real full disk (a small tmpfs, test/helpers/tmpfs.ts): the disk fills up DURING a step, so its
// log cannot be written (ENOSPC). The run does not crash: the output goes on, the step's outcome is kept, the log is
// said to be incomplete, and the run (or a reset whose cleanup fills it) stops with exit 74 (EX_IOERR) and a sentence; the completion is saved when
// there is room again, and said to be lost when there is not. src/run/runner.ts (openLog), src/cli/run.ts.
import {spawnSync} from 'node:child_process';
import {cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {mountTmpfs, unmountTmpfs} from '../helpers/tmpfs.js';

const root = path.resolve('.');
let work: string;
const cleanup: Array<() => void> = [];

// The step fills the disk the lab home is on, then prints 20 000 lines; with FREE=1 it gives the room back at its end.
const fill = `id: fill
title: {ko: "채움", en: "Fill"}
body: {ko: "본문", en: "Body"}
tracks: [k8s]
steps:
  - id: flood
    title: {ko: "넘침", en: "Flood"}
    body: {ko: "본문", en: "Body"}
    run: |
      head -c 8000000 /dev/zero > "$LAB_HOME/filler" 2>/dev/null || true
      seq 1 20000
      echo last line
      sleep 0.5
      if [ "$FREE" = 1 ]; then rm -f "$LAB_HOME/filler"; fi
`;

// A step whose cleanup fills the disk (reset runs it).
const wipe = `id: wipe
title: {ko: "지움", en: "Wipe"}
body: {ko: "본문", en: "Body"}
tracks: [k8s]
steps:
  - id: make
    title: {ko: "만듦", en: "Make"}
    body: {ko: "본문", en: "Body"}
    run: echo made
    cleanup: |
      head -c 8000000 /dev/zero > "$LAB_HOME/filler" 2>/dev/null || true
      seq 1 20000
      sleep 0.5
      rm -f "$LAB_HOME/filler"
`;

beforeAll(() => {
	work = mkdtempSync(path.join(os.tmpdir(), 'cli-disk-full-'));
	cpSync(path.join(root, 'test/fixtures/lessons-basic'), work, {recursive: true});
	writeFileSync(path.join(work, 'lessons/03-fill.yaml'), fill);
	writeFileSync(path.join(work, 'lessons/04-wipe.yaml'), wipe);
});

afterAll(() => {
	for (const undo of cleanup.reverse()) undo();
	rmSync(work, {recursive: true, force: true});
});

function fullHome(): string {
	const mount = mkdtempSync(path.join(os.tmpdir(), 'cli-disk-full-mnt-'));
	mountTmpfs(mount, '2m');
	cleanup.push(() => unmountTmpfs(mount));
	const home = path.join(mount, 'home');
	mkdirSync(home);
	return home;
}

function run(home: string, free: boolean, command = ['run', 'fill']) {
	const result = spawnSync(process.execPath, [path.join(root, 'dist/cilium-lab.js'), ...command, '--lessons', 'lessons', '--track', 'k8s', '--target', 'real', '--yes'], {
		cwd: work,
		encoding: 'utf8',
		env: {...process.env, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8', FREE: free ? '1' : '0'},
		timeout: 60_000,
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('a disk that fills up during a step', () => {
	it('the log is incomplete, the output goes on, the completion is saved once there is room, and the run exits 74', () => {
		const home = fullHome();
		const result = run(home, true);
		expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
		expect(result.stdout).toMatch(/\[cilium-lab\] the log \S+ cannot be written \(no space left on the device\); it is incomplete, the output goes on here/);
		// Every line still reached the screen.
		expect(result.stdout).toContain('│ 20000\n');
		expect(result.stdout).toContain('│ last line\n');
		expect(result.stdout).toMatch(/full output: \S+fill-flood\.log \(incomplete: no space left on the device\)/);
		expect(result.stdout).toContain('step "fill/flood" passed and is saved, but the run stops: its log could not be written to the end (no space left on the device)');
		expect(result.code).toBe(74);
		const progress = JSON.parse(readFileSync(path.join(home, 'progress.json'), 'utf8')) as {lessons: Record<string, {steps: Record<string, {status: string}>}>};
		expect(progress.lessons.fill?.steps.flood?.status).toBe('done');
		// The room came back before the log was closed: its last line says it is incomplete.
		const [log] = readdirSync(path.join(home, 'logs'));
		expect(readFileSync(path.join(home, 'logs', log!), 'utf8')).toMatch(/\[cilium-lab\] this log is incomplete: no space left on the device\n$/);
	});

	it('when the disk stays full, the completion that could not be saved is said, with exit 74', () => {
		const home = fullHome();
		const result = run(home, false);
		expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
		expect(result.stdout).toContain('│ last line\n');
		expect(result.stdout).toMatch(/fill\/flood passed, but its completion could not be saved \(no space left on the device\)/);
		expect(result.code).toBe(74);
	});

	it('reset: a cleanup whose log fills the disk says so and exits 74; the progress is still forgotten', () => {
		const home = fullHome();
		expect(run(home, true, ['run', 'wipe']).code).toBe(0);
		const result = run(home, true, ['reset', 'wipe']);
		expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
		expect(result.stdout).toContain('│ 20000\n');
		expect(result.stdout).toMatch(/✘ wipe\/make: its log could not be written to the end \(no space left on the device\): \S+\.log\. Free some space and run again/);
		expect(result.code).toBe(74);
		const progress = JSON.parse(readFileSync(path.join(home, 'progress.json'), 'utf8')) as {lessons: Record<string, {steps: Record<string, {status: string}>}>};
		expect(progress.lessons.wipe?.steps.make?.status).toBeUndefined();
	});
});
