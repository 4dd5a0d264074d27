// The built app in a real terminal: start, pick a lesson, run a step, see its output and its check pass, quit,
// and find the step done in the progress file.
import {describe, expect, it, afterEach} from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {startTerminal, type Terminal} from './helpers/tmux.js';

const root = path.resolve(import.meta.dirname, '../..');
const lessons = path.join(root, 'test/fixtures/lessons-basic/lessons');
let terminal: Terminal | undefined;


afterEach(() => {
	terminal?.stop();
	terminal = undefined;
});

function findProgress(home: string): string | undefined {
	const files = fs.readdirSync(home, {recursive: true, encoding: 'utf8'}).filter((file) => file.endsWith('.json'));
	return files.map((file) => fs.readFileSync(path.join(home, file), 'utf8')).find((text) => text.includes('"write"'));
}


describe('cilium-lab in a terminal', () => {
	it('runs a step, shows its output and passing check, and keeps it done after quitting', async () => {
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-'));
		const app = path.join(root, 'dist/cilium-lab.js');
		terminal = startTerminal(`env CI=false CILIUM_LAB_HOME=${home} node ${app} --lessons ${lessons} --target real --lang en; echo "[exit $?]"`, {
			columns: 100,
			rows: 30,
		});
		// First start: the track, then the variables.
		await terminal.waitFor('Choose a track');
		terminal.press('Enter');
		await terminal.waitFor('GREETING');
		terminal.press('Escape');
		let screen = await terminal.waitFor('Lessons');
		expect(screen).toMatch(/▶ 01 Making files/);
		expect(screen).toMatch(/02 More .*\(requires: 01 files\)/);
		terminal.press('Enter');
		screen = await terminal.waitFor('$ echo "writing $GREETING"');
		expect(screen).toContain('policies/allow.yaml');
		terminal.press('r');
		screen = await terminal.waitFor(/✔ .+/, 20_000);
		expect(screen).toContain('writing hello');
		expect(screen).toContain('exit code 0');
		screen = await terminal.waitFor('[done]');
		expect(screen).toMatch(/1\/\d+ steps/);
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
		const progress = findProgress(home);
		expect(progress, `no progress file with the step under ${home}`).toBeDefined();
		expect(JSON.parse(progress!)).toMatchObject({lessons: {files: {steps: {write: {status: 'done'}}}}});
	}, 60_000);

	it('gives the terminal to a shell (o) and comes back whole after exit', async () => {
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-'));
		const app = path.join(root, 'dist/cilium-lab.js');
		// A learner's ~/.bashrc that sets its own prompt: the lab's prompt must still show.
		const userHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-user-'));
		fs.writeFileSync(path.join(userHome, '.bashrc'), "PS1='bashrc-prompt> '\n");
		terminal = startTerminal(`env CI=false HOME=${userHome} CILIUM_LAB_HOME=${home} node ${app} --lessons ${lessons} --target real --lang en; echo "[exit $?]"`, {
			columns: 100,
			rows: 30,
		});
		await terminal.waitFor('Choose a track');
		terminal.press('Enter');
		await terminal.waitFor('GREETING');
		terminal.press('Escape');
		await terminal.waitFor('Lessons');
		terminal.press('Enter');
		await terminal.waitFor('$ echo "writing $GREETING"');
		terminal.press('o');
		// The shell gets a cleared screen that says how to come back, not the lab's last frame under its prompt.
		let screen = await terminal.waitFor('(cilium-lab)');
		expect(screen).toContain('Type exit to go back to the lab');
		expect(screen).toContain('This shell points at: kube context');
		expect(screen).not.toContain('bashrc-prompt>');
		expect(screen).not.toContain('$ echo "writing $GREETING"');
		// bash -i takes the terminal's foreground: an app still reading it crashed here with "read EIO".
		terminal.type('echo "shell-$GREETING"');
		terminal.press('Enter');
		screen = await terminal.waitFor('shell-hello');
		expect(screen).not.toContain('EIO');
		terminal.type('exit');
		terminal.press('Enter');
		await terminal.waitFor('$ echo "writing $GREETING"');
		// The lab reads keys again.
		terminal.press('?');
		await terminal.waitFor('press any key to close');
		expect(terminal.alive()).toBe(true);
		terminal.press('Escape');
		// An Escape and a key that arrive in one read are Alt+key to a terminal app: wait for the step view first.
		await terminal.waitUntil((screen) => !screen.includes('press any key to close') && screen.includes('r run'), 'the step view again');
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
	}, 60_000);
});
