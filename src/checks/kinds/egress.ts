import {execInPod} from '../../kube/exec.js';
import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {choosePod} from '../pods.js';
import {msg} from '../../lab/i18n.js';
import type {Lang} from '../../lab/types.js';
import {curlExitMeaning, egressVerdict, type EgressVerdict} from '../logic.js';

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
			return {
				ok: false,
				summary: msg(ctx.lang, 'check.egress.exec-failed', {pod: `${params.namespace}/${podName}`, error: (error as Error).message}),
				hint: msg(ctx.lang, 'check.egress.hint-needs-curl'),
			};
		}
		const seen = egressVerdict(result.exitCode);
		const meaning = curlExitMeaning(result.exitCode, ctx.lang);
		const word = (verdict: EgressVerdict) => msg(ctx.lang, `check.egress.${verdict}`);
		const summary = `${podName} → ${params.url}: ${word(seen)} (${meaning})`;
		const detail = [msg(ctx.lang, 'checks.expected', {text: word(params.expect)}), msg(ctx.lang, 'checks.seen', {text: meaning}), result.stderr.trim()].filter(Boolean).join('\n');
		if (seen === params.expect) return {ok: true, summary, detail};
		return {ok: false, summary, detail, hint: egressHint(params.expect, seen, ctx.lang)};
	});
}

function egressHint(expected: EgressVerdict, seen: EgressVerdict, lang: Lang): string {
	if (expected === 'blocked' && seen === 'allowed') return msg(lang, 'check.egress.hint-still-allowed');
	if (expected === 'allowed' && seen === 'blocked') return msg(lang, 'check.egress.hint-dropped');
	if (expected === 'allowed' && seen === 'dnsRefused') return msg(lang, 'check.egress.hint-dns-refused');
	if (expected === 'dnsRefused') return msg(lang, 'check.egress.hint-expect-dns-refused');
	return msg(lang, 'check.egress.hint-compare');
}
