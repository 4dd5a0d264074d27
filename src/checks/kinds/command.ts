// A script (e.g. an `az` query) exits as expected and, optionally, prints something matching a pattern.
import {runCommand} from '../../run/runner.js';
import {OutputTail} from '../../run/lines.js';
import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {say} from '../logic.js';
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
	if (outcome.kind === 'cancelled') return {ok: false, summary: say(ctx.lang, `${firstLine}: cancelled`, `${firstLine}: 취소됨`)};
	if (outcome.kind === 'timedOut') return {ok: false, summary: say(ctx.lang, `${firstLine}: no result within ${COMMAND_TIMEOUT_MS / 1000} s`, `${firstLine}: ${COMMAND_TIMEOUT_MS / 1000}초 안에 끝나지 않음`)};
	if (outcome.kind === 'failedToStart') return {ok: false, summary: `${firstLine}: ${outcome.message}`};
	const wantedExit = params.exitCode ?? 0;
	const exitOk = outcome.exitCode === wantedExit;
	const outputOk = params.output === undefined || new RegExp(params.output, 'm').test(output);
	const last = lineToShow(output, exitOk && outputOk ? params.output : undefined);
	const summary = say(ctx.lang, `${firstLine} exited ${outcome.exitCode}${last ? `: ${last}` : ''}`, `${firstLine} 종료 코드 ${outcome.exitCode}${last ? `: ${last}` : ''}`);
	const expected = `exit ${wantedExit}${params.output ? `, output /${params.output}/` : ''}`;
	const detail = say(ctx.lang, `expected: ${expected}\nseen: exit ${outcome.exitCode}\n${tail.last(10).map(line => line.text).join('\n')}`, `기대: ${expected}\n실제: exit ${outcome.exitCode}\n${tail.last(10).map(line => line.text).join('\n')}`);
	if (exitOk && outputOk) return {ok: true, summary, detail};
	return {ok: false, summary, detail, hint: say(ctx.lang, 'run it yourself in a shell (`o`) and compare', '셸(`o`)에서 직접 실행해 비교해 보세요')};
}
