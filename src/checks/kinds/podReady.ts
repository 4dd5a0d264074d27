import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {podsVerdict, say, type Loose} from '../logic.js';

export async function run(params: CheckParams<'podReady'>, ctx: CheckContext): Promise<CheckResult> {
	return withCluster(ctx, async clients => {
		const pods = (await clients.core.listNamespacedPod({namespace: params.namespace, labelSelector: params.selector})).items as Loose[];
		const verdict = podsVerdict(pods, params.count);
		const of = params.count ?? verdict.total;
		const summary = say(ctx.lang, `pods ${params.selector} in ${params.namespace}: ${verdict.ready}/${of} Ready`, `${params.namespace}의 파드 ${params.selector}: ${verdict.ready}/${of} Ready`);
		const detail = verdict.notReady.map(pod => `${pod.name}: ${pod.reason}`).join('\n') || undefined;
		if (verdict.ok) return {ok: true, summary, detail};
		if (verdict.total === 0) {
			return {
				ok: false,
				summary: say(ctx.lang, `no pod matches ${params.selector} in ${params.namespace}`, `${params.namespace}에 ${params.selector}와 일치하는 파드가 없습니다`),
				hint: say(ctx.lang, `run the step's command, then \`kubectl -n ${params.namespace} get pods --show-labels\``, `이 단계의 명령을 실행한 뒤 \`kubectl -n ${params.namespace} get pods --show-labels\``),
			};
		}
		const waiting = verdict.notReady[0];
		return {
			ok: false,
			summary,
			detail,
			hint: say(ctx.lang, `\`kubectl -n ${params.namespace} describe pod ${waiting?.name ?? ''}\` says why it is ${waiting?.reason ?? 'not ready'}`, `\`kubectl -n ${params.namespace} describe pod ${waiting?.name ?? ''}\`에서 ${waiting?.reason ?? '준비되지 않은'} 이유를 확인하세요`),
		};
	});
}
