import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {msg} from '../../lab/i18n.js';
import {podsVerdict, type Loose} from '../logic.js';

export async function run(params: CheckParams<'podReady'>, ctx: CheckContext): Promise<CheckResult> {
	return withCluster(ctx, async clients => {
		const pods = (await clients.core.listNamespacedPod({namespace: params.namespace, labelSelector: params.selector})).items as Loose[];
		const verdict = podsVerdict(pods, params.count);
		const of = params.count ?? verdict.total;
		const summary = msg(ctx.lang, 'check.podReady.summary', {selector: params.selector, namespace: params.namespace, ready: verdict.ready, of});
		const detail = verdict.notReady.map(pod => `${pod.name}: ${pod.reason}`).join('\n') || undefined;
		if (verdict.ok) return {ok: true, summary, detail};
		if (verdict.total === 0) {
			return {
				ok: false,
				summary: msg(ctx.lang, 'check.pod.no-match', {selector: params.selector, namespace: params.namespace}),
				hint: msg(ctx.lang, 'check.podReady.hint-create', {namespace: params.namespace}),
			};
		}
		const waiting = verdict.notReady[0];
		return {
			ok: false,
			summary,
			detail,
			hint: waiting
				? msg(ctx.lang, 'check.podReady.hint-describe', {namespace: params.namespace, pod: waiting.name, reason: waiting.reason})
				: msg(ctx.lang, 'check.podReady.hint-too-few', {count: of, namespace: params.namespace, selector: params.selector}),
		};
	});
}
