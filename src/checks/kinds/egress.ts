import {execInPod} from '../../kube/exec.js';
import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {choosePod} from '../pods.js';
import {curlExitMeaning, egressVerdict, say} from '../logic.js';

export async function run(params: CheckParams<'egress'>, ctx: CheckContext): Promise<CheckResult> {
	const maxTime = params.maxTime ?? 5;
	return withCluster(ctx, async clients => {
		const choice = await choosePod(clients, params, ctx.lang);
		if ('problem' in choice) return {ok: false, summary: choice.problem, hint: choice.hint};
		const podName = choice.pod.metadata.name as string;
		const command = ['curl', '-sS', '-o', '/dev/null', '-m', String(maxTime), params.url];
		let result;
		try {
			result = await execInPod(clients.kc, {namespace: params.namespace, pod: podName, command, timeoutMs: (maxTime + 15) * 1000, signal: ctx.signal});
		} catch (error) {
			return {ok: false, summary: say(ctx.lang, `could not run curl in ${params.namespace}/${podName}: ${(error as Error).message}`, `${params.namespace}/${podName}에서 curl을 실행하지 못했습니다: ${(error as Error).message}`), hint: say(ctx.lang, 'the pod needs curl (for example the image alpine/curl)', '파드에 curl이 필요합니다 (예: alpine/curl 이미지)')};
		}
		const seen = egressVerdict(result.exitCode);
		const meaning = curlExitMeaning(result.exitCode, ctx.lang);
		const words = {
			allowed: say(ctx.lang, 'allowed', '허용됨'),
			blocked: say(ctx.lang, 'blocked', '차단됨'),
			dnsRefused: say(ctx.lang, 'DNS refused', 'DNS 거부됨'),
			other: say(ctx.lang, 'failed otherwise', '다른 이유로 실패'),
		};
		const summary = `${podName} → ${params.url}: ${words[seen]} (${meaning})`;
		const detail = say(ctx.lang, `expected: ${words[params.expect]}\nseen: ${meaning}${result.stderr.trim() ? `\n${result.stderr.trim()}` : ''}`, `기대: ${words[params.expect]}\n실제: ${meaning}${result.stderr.trim() ? `\n${result.stderr.trim()}` : ''}`);
		if (seen === params.expect) return {ok: true, summary, detail};
		return {ok: false, summary, detail, hint: egressHint(params.expect, seen, ctx.lang)};
	});
}

function egressHint(expected: string, seen: string, lang: 'ko' | 'en'): string {
	if (expected === 'blocked' && seen === 'allowed') return say(lang, 'traffic still goes through: is the policy applied to this pod\'s labels? (`kubectl get cnp -A`, `hubble observe --verdict FORWARDED`)', '트래픽이 아직 통과합니다: 정책이 이 파드의 레이블에 적용되었나요? (`kubectl get cnp -A`, `hubble observe --verdict FORWARDED`)');
	if (expected === 'allowed' && seen === 'blocked') return say(lang, 'a policy drops it: `hubble observe --verdict DROPPED` shows which', '정책이 트래픽을 버립니다: `hubble observe --verdict DROPPED`로 어느 것인지 확인하세요');
	if (expected === 'allowed' && seen === 'dnsRefused') return say(lang, 'the name does not resolve: an FQDN policy needs a DNS rule that lets the lookup through (toPorts 53 with rules.dns)', '이름을 확인하지 못합니다: FQDN 정책에는 DNS 조회를 허용하는 규칙(53번 포트의 rules.dns)이 필요합니다');
	if (expected === 'dnsRefused') return say(lang, 'a DNS-refused name needs a dns rule whose matchPattern leaves this name out', 'DNS 거부가 되려면 dns 규칙의 matchPattern이 이 이름을 포함하지 않아야 합니다');
	return say(lang, 'compare with `hubble observe` for this pod', '이 파드의 `hubble observe` 결과와 비교해 보세요');
}
