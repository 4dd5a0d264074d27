import {describe, expect, it} from 'vitest';
import {pollChecks} from '../../src/checks/poll.js';
import type {CheckContext, CheckResult, CheckState} from '../../src/checks/types.js';
import type {CheckSpec} from '../../src/lab/types.js';

const ctx: CheckContext = {lang: 'en', env: {}, signal: new AbortController().signal};

describe('pollChecks', () => {
	it('polls each check until it passes, reporting pending, running, passed', async () => {
		let tries = 0;
		const run = async (spec: CheckSpec): Promise<CheckResult> => {
			if (spec.kind === 'slow') return {ok: ++tries >= 3, summary: `try ${tries}`};
			return {ok: true, summary: 'at once'};
		};
		const states: Array<[number, CheckState['status']]> = [];
		const finals: Array<[number, string]> = [];
		const results = await pollChecks([{kind: 'slow'}, {kind: 'fast'}], ctx, {
			timeoutMs: 5000,
			intervalMs: 10,
			run,
			onState: (index, state) => states.push([index, state.status]),
			onUpdate: (index, result, final) => final && finals.push([index, result.summary]),
		});
		expect(results.map(result => result.summary)).toEqual(['try 3', 'at once']);
		expect(finals).toEqual(expect.arrayContaining([[0, 'try 3'], [1, 'at once']]));
		expect(states.filter(([index]) => index === 0).map(([, status]) => status)).toEqual(['pending', 'running', 'running', 'running', 'running', 'running', 'passed']);
	});

	it('a failing check fails once its deadline passes, with its last result', async () => {
		let tries = 0;
		const started = Date.now();
		const [result] = await pollChecks([{kind: 'never', timeout: 0.2}], ctx, {
			timeoutMs: 60_000,
			intervalMs: 20,
			run: async () => ({ok: false, summary: `seen ${++tries}`}),
		});
		expect(result!.ok).toBe(false);
		expect(result!.summary).toBe(`seen ${tries}`);
		expect(tries).toBeGreaterThan(2);
		expect(Date.now() - started).toBeLessThan(1000); // the check's own timeout won over the step's
	});

	it('without a deadline, runs each check once', async () => {
		let tries = 0;
		await pollChecks([{kind: 'x'}], ctx, {run: async () => ({ok: false, summary: String(++tries)})});
		expect(tries).toBe(1);
	});

	it('stops when cancelled', async () => {
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 50);
		const started = Date.now();
		const [result] = await pollChecks([{kind: 'x'}], ctx, {timeoutMs: 60_000, intervalMs: 1000, signal: controller.signal, run: async () => ({ok: false, summary: 'not yet'})});
		expect(result).toEqual({ok: false, summary: 'not yet'});
		expect(Date.now() - started).toBeLessThan(500);
	});

	it('an unknown kind or bad parameters fail with a message, not a crash', async () => {
		const results = await pollChecks([{kind: 'podReddy'}, {kind: 'podReady', namespace: 'demo'}], ctx);
		expect(results[0]).toMatchObject({ok: false, summary: 'unknown check "podReddy"'});
		expect(results[1]!.summary).toMatch(/^podReady: selector: /);
	});
});
