import {execInPod} from '../../kube/exec.js';
import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {choosePod} from '../pods.js';
import {lineToShow} from '../summary.js';
import {msg} from '../../lab/i18n.js';
import type {Lang} from '../../lab/types.js';

const EXEC_TIMEOUT_MS = 30_000;

export async function run(params: CheckParams<'podExec'>, ctx: CheckContext): Promise<CheckResult> {
	return withCluster(ctx, async clients => {
		const choice = await choosePod(clients, params, ctx.lang);
		if ('problem' in choice) return {ok: false, summary: choice.problem, hint: choice.hint};
		const podName = choice.pod.metadata.name as string;
		const shown = `${params.command.join(' ')} (${params.namespace}/${podName})`;
		let result;
		try {
			result = await execInPod(clients.kc, {namespace: params.namespace, pod: podName, container: params.container, command: params.command, timeoutMs: EXEC_TIMEOUT_MS, signal: ctx.signal});
		} catch (error) {
			return {ok: false, summary: msg(ctx.lang, 'check.podExec.exec-failed', {command: shown, error: (error as Error).message}), hint: msg(ctx.lang, 'check.podExec.hint-missing')};
		}
		const wantedExit = params.exitCode ?? (params.output === undefined ? 0 : undefined);
		const exitOk = wantedExit === undefined || result.exitCode === wantedExit;
		const outputOk = params.output === undefined || new RegExp(params.output, 'm').test(result.stdout + result.stderr);
		const lastLine = lineToShow(result.stdout + result.stderr, exitOk && outputOk ? params.output : undefined);
		const summary = `${msg(ctx.lang, 'check.exited', {command: shown, code: result.exitCode})}${lastLine ? `: ${lastLine}` : ''}`;
		const expected = [
			wantedExit !== undefined ? msg(ctx.lang, 'check.expect.exit', {code: wantedExit}) : undefined,
			params.output ? msg(ctx.lang, 'check.expect.output', {pattern: params.output}) : undefined,
		].filter(Boolean).join(', ');
		const detail = [
			msg(ctx.lang, 'checks.expected', {text: expected}),
			msg(ctx.lang, 'checks.seen', {text: msg(ctx.lang, 'check.expect.exit', {code: result.exitCode})}),
			truncate(result.stdout + result.stderr, ctx.lang),
		].join('\n');
		if (exitOk && outputOk) return {ok: true, summary, detail};
		return {
			ok: false,
			summary,
			detail,
			hint: msg(ctx.lang, 'check.podExec.hint', {namespace: params.namespace, pod: podName, command: params.command.join(' ')}),
		};
	});
}

function truncate(text: string, lang: Lang): string {
	const lines = text.trimEnd().split('\n');
	return lines.length > 10 ? [...lines.slice(0, 10), msg(lang, 'check.output-more', {count: lines.length - 10})].join('\n') : lines.join('\n');
}
