import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {apiStatus, clusterFailure, withCluster} from '../cluster.js';
import {rolloutState, say, type Loose} from '../logic.js';

export async function run(params: CheckParams<'rollout'>, ctx: CheckContext): Promise<CheckResult> {
	const label = `${params.name} ${params.resourceKind}`;
	return withCluster(ctx, async clients => {
		let object: Loose;
		try {
			object =
				params.resourceKind === 'DaemonSet'
					? await clients.apps.readNamespacedDaemonSet({name: params.name, namespace: params.namespace})
					: await clients.apps.readNamespacedDeployment({name: params.name, namespace: params.namespace});
		} catch (error) {
			if (apiStatus(error) !== 404) return clusterFailure(error, ctx);
			return {
				ok: false,
				summary: say(ctx.lang, `${label} not found in ${params.namespace}`, `${params.namespace}에 ${label}이(가) 없습니다`),
				hint: say(ctx.lang, `has it been installed yet? \`kubectl -n ${params.namespace} get ${params.resourceKind.toLowerCase()}s\``, `아직 설치되지 않았나요? \`kubectl -n ${params.namespace} get ${params.resourceKind.toLowerCase()}s\``),
			};
		}
		const state = rolloutState(object, params.resourceKind);
		const summary = say(ctx.lang, `${label} ${state.ready}/${state.desired} ready`, `${label} ${state.ready}/${state.desired} 준비됨`);
		const detail = say(
			ctx.lang,
			`expected: all ${state.desired} updated and available\nseen: ${state.updated} updated, ${state.available} available, ${state.ready} ready${state.observed ? '' : ' (the controller has not seen the latest change yet)'}`,
			`기대: ${state.desired}개 모두 업데이트되고 사용 가능\n실제: 업데이트 ${state.updated}, 사용 가능 ${state.available}, 준비 ${state.ready}${state.observed ? '' : ' (컨트롤러가 아직 최신 변경을 반영하지 않음)'}`,
		);
		if (state.done) return {ok: true, summary, detail};
		return {
			ok: false,
			summary,
			detail,
			hint: say(ctx.lang, `watch it with \`kubectl -n ${params.namespace} rollout status ${params.resourceKind.toLowerCase()}/${params.name}\`; pods that do not start say why in \`kubectl -n ${params.namespace} describe pod\``, `\`kubectl -n ${params.namespace} rollout status ${params.resourceKind.toLowerCase()}/${params.name}\`로 지켜보세요; 시작하지 않는 파드는 \`kubectl -n ${params.namespace} describe pod\`에 이유가 나옵니다`),
		};
	});
}
