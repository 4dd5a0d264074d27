import {execInPod} from '../../kube/exec.js';
import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {choosePod} from '../pods.js';
import {describeFlow, flowMatches, parseHubbleJson, say} from '../logic.js';

/** The flags of `hubble observe` this check runs in a cilium agent pod (the agent's local Hubble server). */
export function hubbleCommand(params: CheckParams<'hubbleFlows'>): string[] {
	const command = ['hubble', 'observe', '-o', 'json', '--verdict', params.verdict];
	if (params.since) command.push('--since', params.since);
	else command.push('--last', '2000');
	if (params.namespace) command.push('--namespace', params.namespace);
	if (params.port !== undefined) command.push('--port', String(params.port));
	return command;
}

export async function run(params: CheckParams<'hubbleFlows'>, ctx: CheckContext): Promise<CheckResult> {
	const wanted = `${params.verdict}${params.to ? ` → ${params.to}` : ''}${params.port ? `:${params.port}` : ''}${params.namespace ? ` (${params.namespace})` : ''}`;
	return withCluster(ctx, async clients => {
		const choice = await choosePod(clients, {namespace: 'kube-system', selector: 'k8s-app=cilium'}, ctx.lang);
		if ('problem' in choice) return {ok: false, summary: choice.problem, hint: say(ctx.lang, 'Hubble runs in the cilium agent: is Cilium installed?', 'Hubble은 cilium 에이전트 안에서 동작합니다: Cilium이 설치되었나요?')};
		const podName = choice.pod.metadata.name as string;
		let result;
		try {
			result = await execInPod(clients.kc, {namespace: 'kube-system', pod: podName, container: 'cilium-agent', command: hubbleCommand(params), timeoutMs: 30_000, signal: ctx.signal});
		} catch (error) {
			return {ok: false, summary: say(ctx.lang, `could not run hubble in ${podName}: ${(error as Error).message}`, `${podName}에서 hubble을 실행하지 못했습니다: ${(error as Error).message}`)};
		}
		if (result.exitCode !== 0) {
			return {
				ok: false,
				summary: say(ctx.lang, `hubble observe exited ${result.exitCode}: ${result.stderr.trim().split('\n').at(-1) ?? ''}`, `hubble observe 종료 코드 ${result.exitCode}: ${result.stderr.trim().split('\n').at(-1) ?? ''}`),
				hint: say(ctx.lang, 'is Hubble enabled? (`cilium hubble enable`)', 'Hubble이 켜져 있나요? (`cilium hubble enable`)'),
			};
		}
		const flows = parseHubbleJson(result.stdout);
		const match = flows.find(flow => flowMatches(flow, params));
		if (match) return {ok: true, summary: say(ctx.lang, `flow seen: ${describeFlow(match)}`, `플로 확인: ${describeFlow(match)}`)};
		const recent = flows.slice(-5).map(describeFlow).join('\n');
		return {
			ok: false,
			summary: say(ctx.lang, `no ${wanted} flow among ${flows.length} ${params.verdict} flows`, `${params.verdict} 플로 ${flows.length}개 중 ${wanted} 플로가 없습니다`),
			detail: recent ? say(ctx.lang, `latest seen:\n${recent}`, `최근 플로:\n${recent}`) : undefined,
			hint: say(ctx.lang, 'make the traffic happen first (run the step\'s curl), then check again', '먼저 트래픽을 만드세요 (이 단계의 curl 실행), 그리고 다시 확인하세요'),
		};
	});
}
