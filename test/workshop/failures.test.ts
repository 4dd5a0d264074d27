// What the TUI keeps of a failing step for `cilium-lab report` (src/workshop/failures.ts followFailures): the
// controller over the real session reducer and driver, a real lab home, a command that exits 0 and a check that
// fails, then the home's failures.json and the JSON report's failure read from it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {TuiController, type TuiDeps} from '../../src/ui/controller.js';
import {readFailures} from '../../src/workshop/failures.js';
import {testLab} from '../ui/helpers/lab.js';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tui-failures-'));
afterAll(() => fs.rmSync(home, {recursive: true, force: true}));

describe('a step that fails in the TUI', () => {
	it("is recorded in the home's failures.json with the failing check's reason and the command's log, once per failure", async () => {
		const logFile = path.join(home, 'logs', 'basics-hello.log');
		fs.mkdirSync(path.dirname(logFile), {recursive: true});
		fs.writeFileSync(logFile, 'hello from the lab\n');
		let checksOk = false;
		const deps: TuiDeps = {
			runCommand: async () => ({kind: 'exited', exitCode: 0, durationMs: 3}),
			runChecks: async (request) => request.specs.map(() => (checksOk ? {ok: true, summary: 'file is there'} : {ok: false, summary: 'no such file: /tmp/x'})),
			runInteractive: async () => ({kind: 'exited', exitCode: 0, durationMs: 1}),
			jobs: {start: () => undefined as never, list: () => [], running: () => [], stop: async () => undefined, stopAll: async () => {}, subscribe: () => () => {}},
			saveProgress: async () => {},
			readAsset: () => '',
			logFileFor: async () => logFile,
		};
		const controller = new TuiController({lab: testLab(), lang: 'en', target: {kind: 'practice'}, baseEnv: {}, home, track: 'k8s', variables: {}, deps});
		const ref = {lessonId: 'basics', stepId: 'hello'};
		await controller.driver.run(ref);
		await controller.settled();
		expect(controller.getSnapshot().session.lessons.basics!.steps.hello!.status).toBe('failed');
		const first = readFailures(home)['basics/hello'];
		expect(first).toMatchObject({reason: expect.stringContaining('no such file: /tmp/x'), logFile});
		expect(fs.statSync(path.join(home, 'failures.json')).mode & 0o777).toBe(0o600);
		// A later state change of the same failure (navigation, a redraw) does not write it again; a new failure does.
		controller.driver.dispatch({type: 'NAVIGATE', ...ref});
		expect(readFailures(home)['basics/hello']!.at).toBe(first!.at);
		await new Promise((resolve) => setTimeout(resolve, 5));
		await controller.driver.check(ref);
		await controller.settled();
		expect(readFailures(home)['basics/hello']!.at).not.toBe(first!.at);
		// Passing leaves the record (the report shows it only for a step not completed).
		checksOk = true;
		await controller.driver.check(ref);
		await controller.settled();
		expect(controller.getSnapshot().session.lessons.basics!.steps.hello!.status).toBe('done');
	});
});
