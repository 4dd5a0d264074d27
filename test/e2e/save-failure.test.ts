// The TUI when the lab home stops taking writes after the start (remounted read-only underneath it): the step still
// runs (its log is said to be incomplete), the progress save that fails is a sentence on the screen, not a stack or
// "internal error", and quitting with it unsaved says so again on stderr and exits 74. A real terminal (tmux, 80x24,
// Korean), a real read-only file system (a tmpfs, test/helpers/tmpfs.ts).
import {execFileSync} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {repoRoot} from '../helpers/build.js';
import {mountTmpfs, unmountTmpfs} from '../helpers/tmpfs.js';
import {killTmuxServer} from './helpers/tmux.js';

const say = `id: say
title: {ko: "말하기", en: "Say"}
body: {ko: "본문", en: "Body"}
tracks: [k8s]
steps:
  - id: hello
    title: {ko: "인사", en: "Hello"}
    body: {ko: "본문", en: "Body"}
    run: echo 안녕
`;

let work: string;
let mount: string;
const socket = `lab-save-failure-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});

beforeAll(() => {
	work = mkdtempSync(path.join(os.tmpdir(), 'tui-save-failure-'));
	cpSync(path.join(repoRoot, 'test/fixtures/lessons-basic'), work, {recursive: true});
	writeFileSync(path.join(work, 'lessons/03-say.yaml'), say);
	mount = mkdtempSync(path.join(os.tmpdir(), 'tui-save-failure-mnt-'));
	mountTmpfs(mount, '2m');
	mkdirSync(path.join(mount, 'home'));
});

afterAll(() => {
	killTmuxServer(socket);
	unmountTmpfs(mount);
	rmSync(work, {recursive: true, force: true});
});

async function until(predicate: () => boolean, what: string, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

describe('TUI: a progress save that fails', () => {
	it('is a sentence on the screen, and again on stderr with exit 74 when the app quits with it unsaved', async () => {
		const home = path.join(mount, 'home');
		const app = `node ${path.join(repoRoot, 'dist/cilium-lab.js')} --lessons lessons --track k8s --target real --lang ko`;
		tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'lab', '-x', '80', '-y', '24', 'sh', '-c', `cd ${work}; CI=false CILIUM_LAB_HOME=${home} ${app} 2>${work}/stderr; echo $? > ${work}/rc; sleep 60`);
		const screen = () => tmux('capture-pane', '-p', '-t', 'lab');
		await until(() => screen().includes('GREETING'), 'the variables screen');
		tmux('send-keys', '-t', 'lab', 'Escape');
		await until(() => screen().includes('말하기'), 'the lesson list');
		await until(() => existsSync(path.join(home, 'progress.json')), 'the first save');
		execFileSync('mount', ['-o', 'remount,ro', mount]);
		tmux('send-keys', '-t', 'lab', 'Down', 'Down', 'Enter');
		await until(() => screen().includes('인사'), 'the step');
		tmux('send-keys', '-t', 'lab', 'r');
		await until(() => screen().includes('진행을 저장하지 못했습니다'), 'the save failure', 20_000);
		const shown = screen().replace(/\s*\n\s*/g, ' ');
		expect(shown).toContain('진행을 저장하지 못했습니다 (읽기 전용 파일 시스템)');
		expect(shown).toContain('안녕');
		expect(shown).toContain('cannot be written (read-only file system); it is');
		expect(shown).not.toMatch(/EROFS|internal error|\bat \S+:\d+/);
		tmux('send-keys', '-t', 'lab', 'q');
		await until(() => existsSync(path.join(work, 'rc')), 'the app to exit');
		expect(readFileSync(path.join(work, 'rc'), 'utf8').trim()).toBe('74');
		const stderr = readFileSync(path.join(work, 'stderr'), 'utf8');
		expect(stderr).toContain(`cilium-lab: 진행을 저장하지 못했습니다 (읽기 전용 파일 시스템): ${path.join(home, 'progress.json')}.`);
		expect(stderr).not.toMatch(/EROFS|internal error|\n\s+at /);
	}, 60_000);
});
