import {execInPod} from '../../kube/exec.js';
import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {msg} from '../../lab/i18n.js';
import {describeFlow, flowMatches, parseHubbleJson, type Loose} from '../logic.js';

/** The flags of `hubble observe` this check runs in a cilium agent pod (the agent's local Hubble server). */
export function hubbleCommand(params: CheckParams<'hubbleFlows'>): string[] {
	const command = ['hubble', 'observe', '-o', 'json', '--verdict', params.verdict];
	if (params.since) command.push('--since', params.since);
	else command.push('--last', '2000');
	// Egress from the namespace to the port: hubble ANDs --namespace's source side with --port's source port and its
	// destination side with the destination port (hubble/cmd/observe/flows_filter.go @v1.16.4), which an egress flow
	// (ephemeral source port, destination outside the namespace) never matches.
	if (params.namespace) command.push('--from-namespace', params.namespace);
	if (params.port !== undefined) command.push('--to-port', String(params.port));
	return command;
}

export async function run(params: CheckParams<'hubbleFlows'>, ctx: CheckContext): Promise<CheckResult> {
	const wanted = `${params.verdict}${params.to ? ` → ${params.to}` : ''}${params.port ? `:${params.port}` : ''}${params.namespace ? ` (${params.namespace})` : ''}`;
	return withCluster(ctx, async clients => {
		// Each agent's Hubble sees only its own node's flows, so every agent is asked (as Hubble Relay would).
		const pods = ((await clients.core.listNamespacedPod({namespace: 'kube-system', labelSelector: 'k8s-app=cilium'})).items as Loose[]).filter(pod => pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp);
		if (pods.length === 0) {
			return {ok: false, summary: msg(ctx.lang, 'check.hubbleFlows.no-agent'), hint: msg(ctx.lang, 'check.hubbleFlows.hint-no-agent')};
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
			else if (answer.value.exitCode !== 0) failures.push(msg(ctx.lang, 'check.hubbleFlows.exited', {pod, code: answer.value.exitCode, error: answer.value.stderr.trim().split('\n').at(-1) ?? ''}));
			else flows.push(...parseHubbleJson(answer.value.stdout));
		});
		if (failures.length === pods.length) {
			return {
				ok: false,
				summary: msg(ctx.lang, 'check.hubbleFlows.failed', {error: failures[0] ?? ''}),
				detail: failures.join('\n'),
				hint: msg(ctx.lang, 'check.hubbleFlows.hint-enable'),
			};
		}
		const match = flows.find(flow => flowMatches(flow, params));
		const withVerdict = flows.filter(flow => flow.verdict === params.verdict).length;
		if (match) return {ok: true, summary: msg(ctx.lang, 'check.hubbleFlows.seen', {flow: describeFlow(match)})};
		const recent = flows
			.sort((a, b) => String(a.time).localeCompare(String(b.time)))
			.slice(-5)
			.map(describeFlow)
			.join('\n');
		const byName = params.to !== undefined && !/^[\d.:]+$/.test(params.to);
		return {
			ok: false,
			summary: msg(ctx.lang, 'check.hubbleFlows.none', {wanted, count: withVerdict, verdict: params.verdict}),
			detail: [recent ? `${msg(ctx.lang, 'check.hubbleFlows.latest')}\n${recent}` : undefined, failures.length ? failures.join('\n') : undefined].filter(Boolean).join('\n') || undefined,
			hint: msg(ctx.lang, byName ? 'check.hubbleFlows.hint-by-name' : 'check.hubbleFlows.hint'),
		};
	});
}
