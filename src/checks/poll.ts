// Polls a step's checks until each passes or its deadline passes, reporting every change.
import {msg} from '../lab/i18n.js';
import type {CheckSpec} from '../lab/types.js';
import {runCheck} from './registry.js';
import type {CheckContext, CheckResult, CheckState} from './types.js';

export interface PollOptions {
	/** Epoch milliseconds after which a failing check is final (a check's own `timeout` wins). */
	deadline?: number;
	/** The same, as a duration from now. Neither: each check runs once. */
	timeoutMs?: number;
	/** Pause between two tries of one check. */
	intervalMs?: number;
	/** Called after every try: `final` when the check passed or its deadline passed. */
	onUpdate?: (index: number, result: CheckResult, final: boolean, state: CheckState) => void;
	/** Every state change, pending and running included. */
	onState?: (index: number, state: CheckState) => void;
	/** Cancels the polling (the context's signal does too). */
	signal?: AbortSignal;
	/** Runs one check once (tests pass their own). */
	run?: (spec: CheckSpec, ctx: CheckContext) => Promise<CheckResult>;
}

export async function pollChecks(specs: CheckSpec[], ctx: CheckContext, options: PollOptions = {}): Promise<CheckResult[]> {
	const started = Date.now();
	const overall = options.deadline ?? (options.timeoutMs !== undefined ? started + options.timeoutMs : started);
	const intervalMs = options.intervalMs ?? 2000;
	const signal = options.signal ? AbortSignal.any([ctx.signal, options.signal]) : ctx.signal;
	const context: CheckContext = {...ctx, signal};
	const run = options.run ?? runCheck;

	const states: CheckState[] = specs.map(() => ({status: 'pending', attempts: 0}));
	const report = (index: number, state: CheckState) => {
		states[index] = state;
		options.onState?.(index, state);
	};
	states.forEach((state, index) => options.onState?.(index, state));

	const cancelled = (lang: CheckContext['lang']): CheckResult => ({ok: false, summary: msg(lang, 'check.cancelled')});

	return Promise.all(
		specs.map(async (spec, index) => {
			const deadline = spec.timeout !== undefined ? started + spec.timeout * 1000 : overall;
			let attempts = 0;
			for (;;) {
				if (signal.aborted) {
					const result = states[index]!.result ?? cancelled(ctx.lang);
					report(index, {status: 'failed', result, attempts});
					return result;
				}
				report(index, {status: 'running', result: states[index]!.result, attempts});
				const result = await run(spec, context);
				attempts++;
				const final = result.ok || Date.now() + intervalMs > deadline || signal.aborted;
				const state: CheckState = {status: result.ok ? 'passed' : final ? 'failed' : 'running', result, attempts};
				report(index, state);
				options.onUpdate?.(index, result, final, state);
				if (final) return result;
				await sleep(intervalMs, signal);
			}
		}),
	);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
		function done() {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		}
	});
}
