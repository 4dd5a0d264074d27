// An interactive step on the practice cluster, in a real terminal (tmux): r hands the terminal to
// `kubectl exec -it … -- sh`, the learner types in the pod's shell, exits, and the lab comes back whole.
import {describe, expect, it, afterEach} from 'vitest';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {firstStartOnPractice, startTerminal, type Terminal} from './helpers/tmux.js';

const root = path.resolve(import.meta.dirname, '../..');
const app = path.join(root, 'dist/cilium-lab.js');
const lessons = path.join(import.meta.dirname, 'fixtures/interactive/lessons');
let terminal: Terminal | undefined;
let home: string | undefined;


afterEach(() => {
	terminal?.stop();
	terminal = undefined;
	if (!home) return;
	try {
		execFileSync('node', [app, 'practice', 'stop'], {env: {...process.env, CILIUM_LAB_HOME: home}, stdio: 'ignore', timeout: 20_000});
	} catch {
		// not running
	}
	fs.rmSync(home, {recursive: true, force: true});
	home = undefined;
});

describe('an interactive step on the practice cluster, in a terminal', () => {
	it('r gives the terminal to a shell in the pod; after exit the step view is back and keys work', async () => {
		home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-interactive-'));
		terminal = startTerminal(
			`env CI=false CILIUM_LAB_HOME=${home} CILIUM_LAB_PRACTICE_SPEED=instant node ${app} --lang en --lessons ${lessons}; echo "[exit $?]"`,
			{columns: 80, rows: 24},
		);
		await firstStartOnPractice(terminal);
		terminal.press('Enter');
		await terminal.waitFor('The client pod');
		terminal.press('r');
		await terminal.waitFor('✔ pods app=client in demo: 1/1 Ready', 30_000);
		await terminal.waitFor('[done]', 30_000);
		terminal.press('n');
		let screen = await terminal.waitFor('$ kubectl exec -it curl -n "$NAMESPACE" -- sh');
		expect(screen).toContain('A shell in the pod');

		terminal.press('r');
		screen = await terminal.waitFor('back to the lab when this command exits', 10_000);
		// The pod's shell prompt, with the lab's frame gone.
		screen = await terminal.waitFor(/^\/ #\s*$/m, 20_000); // capture-pane drops the trailing space
		expect(screen).not.toContain('A shell in the pod');
		terminal.type('echo hello-from-pod');
		terminal.press('Enter');
		screen = await terminal.waitFor(/^hello-from-pod$/m, 10_000);
		expect(screen).toContain('echo hello-from-pod');
		terminal.type('exit');
		terminal.press('Enter');

		// The step view redrawn from the top: title, command, and the step's outcome.
		screen = await terminal.waitFor('A shell in the pod', 20_000);
		screen = await terminal.waitFor('exit code 0', 20_000);
		expect(screen).toContain('$ kubectl exec -it curl -n "$NAMESPACE" -- sh');
		expect(screen).not.toContain('hello-from-pod');
		expect(screen).toMatch(/^practice cluster \(simulated\) │ .* 2\/2 steps$/m);
		expect(screen).toMatch(/step 2\/2 \[done\]/);
		expect(screen).toMatch(/r run .* q quit/);
		expect(terminal.alive()).toBe(true);
		// Keys reach the lab again.
		terminal.press('?');
		await terminal.waitFor('press any key to close');
		terminal.press('Escape');
		await terminal.waitUntil((current) => !current.includes('press any key to close'), 'the help closed');
		terminal.press('q');
		screen = await terminal.waitFor('[exit ', 20_000);
		expect(screen).toContain('[exit 0]');
	}, 120_000);
});
