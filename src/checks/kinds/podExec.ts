import {execInPod} from '../../kube/exec.js';
import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {choosePod} from '../pods.js';
import {lineToShow} from '../summary.js';
import {say} from '../logic.js';

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
			return {ok: false, summary: say(ctx.lang, `could not run ${shown}: ${(error as Error).message}`, `${shown} 실행 실패: ${(error as Error).message}`), hint: say(ctx.lang, 'is the command installed in the container?', '컨테이너에 그 명령이 있나요?')};
		}
		const wantedExit = params.exitCode ?? (params.output === undefined ? 0 : undefined);
		const exitOk = wantedExit === undefined || result.exitCode === wantedExit;
		const outputOk = params.output === undefined || new RegExp(params.output, 'm').test(result.stdout + result.stderr);
		const lastLine = lineToShow(result.stdout + result.stderr, exitOk && outputOk ? params.output : undefined);
		const summary = say(ctx.lang, `${shown} exited ${result.exitCode}${lastLine ? `: ${lastLine}` : ''}`, `${shown} 종료 코드 ${result.exitCode}${lastLine ? `: ${lastLine}` : ''}`);
		const expected = [wantedExit !== undefined ? `exit ${wantedExit}` : undefined, params.output ? `output /${params.output}/` : undefined].filter(Boolean).join(', ');
		const detail = say(ctx.lang, `expected: ${expected}\nseen: exit ${result.exitCode}\n${truncate(result.stdout + result.stderr)}`, `기대: ${expected}\n실제: exit ${result.exitCode}\n${truncate(result.stdout + result.stderr)}`);
		if (exitOk && outputOk) return {ok: true, summary, detail};
		return {
			ok: false,
			summary,
			detail,
			hint: say(ctx.lang, `try it yourself: \`kubectl -n ${params.namespace} exec ${podName} -- ${params.command.join(' ')}\``, `직접 해 보세요: \`kubectl -n ${params.namespace} exec ${podName} -- ${params.command.join(' ')}\``),
		};
	});
}

function truncate(text: string): string {
	const lines = text.trimEnd().split('\n');
	return lines.length > 10 ? [...lines.slice(0, 10), `… (${lines.length - 10} more lines)`].join('\n') : lines.join('\n');
}
