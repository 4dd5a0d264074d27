// The TUI with --join: the status bar says it is connected, and a step run in the terminal reaches the room.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {startTerminal, type Terminal} from '../e2e/helpers/tmux.js';
import {dashboardLabels} from '../../src/workshop/dashboard.js';
import {startWorkshopServer, type WorkshopServer} from '../../src/workshop/server.js';

const root = path.resolve(import.meta.dirname, '../..');
const lessons = path.join(root, 'test/fixtures/lessons-basic/lessons');
let terminal: Terminal | undefined;
let server: WorkshopServer | undefined;

afterEach(async () => {
	terminal?.stop();
	terminal = undefined;
	await server?.close();
	server = undefined;
});

describe('cilium-lab --join in a terminal', () => {
	it('shows the workshop connection and reports a step done to the room', async () => {
		const outline = {title: 'Test lab', lessons: [{id: 'files', title: 'Files', steps: [{id: 'write', title: 'Write'}, {id: 'read-it', title: 'Read'}]}]};
		server = await startWorkshopServer({outline, labels: dashboardLabels('en'), lang: 'en'});
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-join-'));
		const app = path.join(root, 'dist/cilium-lab.js');
		terminal = startTerminal(
			`env CI=false CILIUM_LAB_HOME=${home} node ${app} --lessons ${lessons} --target real --track aks-byocni --lang en --join ${server.joinUrl} --name Terminal; echo "[exit $?]"`,
			{columns: 120, rows: 30},
		);
		await terminal.waitFor('GREETING');
		terminal.press('Escape');
		// The connection can show before Escape has left the variables screen: wait for both.
		let screen = await terminal.waitUntil((current) => current.includes('workshop: connected') && current.includes('Lessons'), 'the lesson list, connected');
		expect(screen).toContain('Lessons');
		terminal.press('Enter');
		await terminal.waitFor('$ echo "writing $GREETING"');
		terminal.press('r');
		screen = await terminal.waitFor('[done]', 20_000);
		await expect.poll(() => server!.room.snapshot(Date.now()).learners.find((learner) => learner.name === 'Terminal')?.cells['files/write']?.status, {timeout: 10_000}).toBe('done');
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
		fs.rmSync(home, {recursive: true, force: true});
	}, 60_000);
});
