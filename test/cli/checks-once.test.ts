// `cilium-lab check` and the re-verify of completed steps ask each check once (timeoutSec 0), even a check
// with its own `timeout`, which would otherwise keep polling a failing check for that long.
import {expect, it} from 'vitest';
import {runChecks} from '../../src/cli/checks.js';
import type {CheckSpec} from '../../src/lab/types.js';

it('timeoutSec 0 runs a failing check once, even when the check has its own timeout', async () => {
	const updates: boolean[] = [];
	const started = Date.now();
	const [result] = await runChecks({
		specs: [{kind: 'command', script: 'exit 1', timeout: 30} as CheckSpec],
		timeoutSec: 0,
		env: {PATH: process.env.PATH!},
		variables: {},
		lang: 'en',
		signal: new AbortController().signal,
		onUpdate: (_index, _result, final) => updates.push(final),
	});
	expect(result!.ok).toBe(false);
	expect(updates).toEqual([true]);
	expect(Date.now() - started).toBeLessThan(10_000);
});
