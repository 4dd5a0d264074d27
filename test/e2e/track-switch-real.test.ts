// A real terminal (tmux, 80x24, Korean) on the real target: switching track with "reset first" (y) when the learner
// declines the old track's cleanup (Esc at the typed-name confirmation) keeps the learner on the current track, says
// why, and runs nothing; with the name typed the cleanup runs and the track switches. src/ui/controller.ts
// (resetAndSwitch).
import {execFileSync} from 'node:child_process';
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {repoRoot} from '../helpers/build.js';
import {killTmuxServer} from './helpers/tmux.js';

// The cleanup only writes down that it ran: what it deletes on a real cluster is not the point, the question is.
const made = `id: made
title: {ko: "만들기", en: "Make"}
body: {ko: "본문", en: "Body"}
tracks: [k8s]
steps:
  - id: ns
    title: {ko: "네임스페이스", en: "Namespace"}
    body: {ko: "본문", en: "Body"}
    run: echo 만들었다
    cleanup: echo cleaned >> "$LAB_HOME/cleaned"  # kubectl delete ns demo
    cleanupEffects: [destructive]
    resources:
      - {kind: namespace, name: demo}
`;

let work: string;
let home: string;
const socket = `lab-track-switch-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});

beforeAll(() => {
	work = mkdtempSync(path.join(os.tmpdir(), 'tui-track-switch-'));
	home = mkdtempSync(path.join(os.tmpdir(), 'tui-track-switch-home-'));
	cpSync(path.join(repoRoot, 'test/fixtures/lessons-basic'), work, {recursive: true});
	writeFileSync(path.join(work, 'lessons/03-made.yaml'), made);
});

afterAll(() => {
	killTmuxServer(socket);
	rmSync(work, {recursive: true, force: true});
	rmSync(home, {recursive: true, force: true});
});

async function until(predicate: () => boolean, what: string, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen was:\n${tmux('capture-pane', '-p', '-t', 'lab')}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

describe('TUI: switching track when the old track’s cleanup is declined', () => {
	it('keeps the learner on the current track; with the name typed it cleans up and switches', async () => {
		const app = `node ${path.join(repoRoot, 'dist/cilium-lab.js')} --lessons lessons --track k8s --target real --lang ko`;
		tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'lab', '-x', '80', '-y', '24', 'sh', '-c', `cd ${work}; CI=false CILIUM_LAB_HOME=${home} ${app}; sleep 60`);
		const screen = () => tmux('capture-pane', '-p', '-t', 'lab');
		const flat = () => screen().replace(/\s*\n\s*/g, ' ');
		await until(() => screen().includes('GREETING'), 'the variables screen');
		tmux('send-keys', '-t', 'lab', 'Escape');
		await until(() => screen().includes('만들기'), 'the lesson list');
		tmux('send-keys', '-t', 'lab', 'Down', 'Down', 'Enter');
		await until(() => screen().includes('네임스페이스'), 'the step');
		tmux('send-keys', '-t', 'lab', 'r');
		await until(() => screen().includes('만들었다') && screen().includes('[완료]'), 'the step done');
		tmux('send-keys', '-t', 'lab', 'l');
		await until(() => screen().includes('레슨'), 'the lesson list again');
		tmux('send-keys', '-t', 'lab', 't');
		await until(() => screen().includes('AKS BYOCNI'), 'the track chooser');
		tmux('send-keys', '-t', 'lab', 'Up', 'Enter');
		await until(() => flat().includes('k8s 트랙에서 완료한 단계 1개가 클러스터에 남아 있습니다'), 'the switch warning');
		tmux('send-keys', '-t', 'lab', 'y');
		await until(() => flat().includes('실행하려면 이름을 입력하고 Enter: demo'), 'the cleanup confirmation');
		tmux('send-keys', '-t', 'lab', 'Escape');
		await until(() => flat().includes('트랙을 바꾸지 않았습니다 (쿠버네티스 그대로)'), 'the track kept');
		expect(flat()).toContain('made/ns 의 정리를 확인하지 않아 거기서 멈췄습니다');
		expect(screen()).toContain('쿠버네티스');
		expect(existsSync(path.join(home, 'cleaned'))).toBe(false);
		const saved = JSON.parse(readFileSync(path.join(home, 'progress.json'), 'utf8')) as {track: string; lessons: Record<string, {steps: Record<string, {status: string}>}>};
		expect(saved.track).toBe('k8s');
		expect(saved.lessons.made?.steps.ns?.status).toBe('done');

		// Again, with the name typed: the cleanup runs and the track switches.
		tmux('send-keys', '-t', 'lab', 't');
		await until(() => screen().includes('AKS BYOCNI'), 'the track chooser');
		tmux('send-keys', '-t', 'lab', 'Up', 'Enter');
		await until(() => flat().includes('k8s 트랙에서 완료한 단계 1개가'), 'the switch warning');
		tmux('send-keys', '-t', 'lab', 'y');
		await until(() => flat().includes('실행하려면 이름을 입력하고 Enter: demo'), 'the cleanup confirmation');
		tmux('send-keys', '-t', 'lab', '-l', 'demo');
		tmux('send-keys', '-t', 'lab', 'Enter');
		await until(() => existsSync(path.join(home, 'cleaned')), 'the cleanup to run');
		await until(() => (JSON.parse(readFileSync(path.join(home, 'progress.json'), 'utf8')) as {track: string}).track === 'aks-byocni', 'the new track saved');
	}, 60_000);
});
