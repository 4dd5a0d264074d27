import {execInPod} from '../../kube/exec.js';
import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {describeFlow, flowMatches, parseHubbleJson, say, type Loose} from '../logic.js';

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
		// Each agent's Hubble sees only its own node's flows, so every agent is asked (as Hubble Relay would).
		const pods = ((await clients.core.listNamespacedPod({namespace: 'kube-system', labelSelector: 'k8s-app=cilium'})).items as Loose[]).filter(pod => pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp);
		if (pods.length === 0) {
			return {
				ok: false,
				summary: say(ctx.lang, 'no running cilium agent pod in kube-system', 'kube-system에 실행 중인 cilium 에이전트 파드가 없습니다'),
				hint: say(ctx.lang, 'Hubble runs in the cilium agent: is Cilium installed? (`kubectl -n kube-system get pods -l k8s-app=cilium`)', 'Hubble은 cilium 에이전트 안에서 동작합니다: Cilium이 설치되었나요? (`kubectl -n kube-system get pods -l k8s-app=cilium`)'),
			};
		}
		const command = hubbleCommand(params);
		const answers = await Promise.allSettled(
			pods.map(pod => execInPod(clients.kc, {namespace: 'kube-system', pod: pod.metadata.name, container: 'cilium-agent', command, timeoutMs: 30_000, signal: ctx.signal})),
		);
		const flows: Loose[] = [];
		const failures: string[] = [];
		answers.forEach((answer, index) => {
			const pod = pods[index]!.metadata.name as string;
			if (answer.status === 'rejected') failures.push(`${pod}: ${(answer.reason as Error).message}`);
			else if (answer.value.exitCode !== 0) failures.push(`${pod}: hubble observe exited ${answer.value.exitCode}: ${answer.value.stderr.trim().split('\n').at(-1) ?? ''}`);
			else flows.push(...parseHubbleJson(answer.value.stdout));
		});
		if (failures.length === pods.length) {
			return {
				ok: false,
				summary: say(ctx.lang, `could not run hubble observe: ${failures[0]}`, `hubble observe를 실행하지 못했습니다: ${failures[0]}`),
				detail: failures.join('\n'),
				hint: say(ctx.lang, 'is Hubble enabled? (`cilium hubble enable`)', 'Hubble이 켜져 있나요? (`cilium hubble enable`)'),
			};
		}
		const match = flows.find(flow => flowMatches(flow, params));
		const withVerdict = flows.filter(flow => flow.verdict === params.verdict).length;
		if (match) return {ok: true, summary: say(ctx.lang, `flow seen: ${describeFlow(match)}`, `플로 확인: ${describeFlow(match)}`)};
		const recent = flows
			.sort((a, b) => String(a.time).localeCompare(String(b.time)))
			.slice(-5)
			.map(describeFlow)
			.join('\n');
		const byName = params.to !== undefined && !/^[\d.:]+$/.test(params.to);
		return {
			ok: false,
			summary: say(ctx.lang, `no ${wanted} flow among ${withVerdict} ${params.verdict} flows`, `${params.verdict} 플로 ${withVerdict}개 중 ${wanted} 플로가 없습니다`),
			detail: [recent ? say(ctx.lang, `latest seen:\n${recent}`, `최근 플로:\n${recent}`) : undefined, failures.length ? failures.join('\n') : undefined].filter(Boolean).join('\n') || undefined,
			hint: byName
				? say(ctx.lang, "make the traffic happen first (run the step's curl). Flows carry DNS names only while a DNS rule sends the pod's lookups through Cilium's DNS proxy", '먼저 트래픽을 만드세요 (이 단계의 curl 실행). 플로에 DNS 이름이 붙는 것은 DNS 규칙이 파드의 조회를 Cilium DNS 프록시로 보낼 때뿐입니다')
				: say(ctx.lang, "make the traffic happen first (run the step's curl), then check again", '먼저 트래픽을 만드세요 (이 단계의 curl 실행), 그리고 다시 확인하세요'),
		};
	});
}
