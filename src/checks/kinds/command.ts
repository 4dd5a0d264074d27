// A script (e.g. an `az` query) exits as expected and, optionally, prints something matching a pattern.
import {runCommand} from '../../run/runner.js';
import {OutputTail} from '../../run/lines.js';
import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {msg} from '../../lab/i18n.js';
import {lineToShow, shortenAtWord} from '../summary.js';

const COMMAND_TIMEOUT_MS = 120_000;

export async function run(params: CheckParams<'command'>, ctx: CheckContext): Promise<CheckResult> {
	const tail = new OutputTail(200);
	const outcome = await runCommand({
		script: params.script,
		env: ctx.env,
		signal: ctx.signal,
		timeoutMs: COMMAND_TIMEOUT_MS,
		tailLines: tail.capacity,
		onLines: (lines, skipped) => tail.pushAll(lines, skipped),
	});
	const output = tail.lines().map(line => line.text).join('\n');
	const firstLine = shortenAtWord(params.script, 60);
	if (outcome.kind === 'cancelled') return {ok: false, summary: msg(ctx.lang, 'check.command.cancelled', {command: firstLine})};
	if (outcome.kind === 'timedOut') return {ok: false, summary: msg(ctx.lang, 'check.command.timed-out', {command: firstLine, seconds: COMMAND_TIMEOUT_MS / 1000})};
	if (outcome.kind === 'failedToStart') return {ok: false, summary: `${firstLine}: ${outcome.message}`};
	const wantedExit = params.exitCode ?? 0;
	const exitOk = outcome.exitCode === wantedExit;
	const outputOk = params.output === undefined || new RegExp(params.output, 'm').test(output);
	const last = lineToShow(output, exitOk && outputOk ? params.output : undefined);
	const summary = `${msg(ctx.lang, 'check.exited', {command: firstLine, code: outcome.exitCode})}${last ? `: ${last}` : ''}`;
	const expected = [msg(ctx.lang, 'check.expect.exit', {code: wantedExit}), params.output ? msg(ctx.lang, 'check.expect.output', {pattern: params.output}) : undefined].filter(Boolean).join(', ');
	const detail = [
		msg(ctx.lang, 'checks.expected', {text: expected}),
		msg(ctx.lang, 'checks.seen', {text: msg(ctx.lang, 'check.expect.exit', {code: outcome.exitCode})}),
		...tail.last(10).map(line => line.text),
	].join('\n');
	if (exitOk && outputOk) return {ok: true, summary, detail};
	return {ok: false, summary, detail, hint: msg(ctx.lang, 'check.command.hint')};
}
