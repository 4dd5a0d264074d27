import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {say} from '../logic.js';

export async function run(params: CheckParams<'crds'>, ctx: CheckContext): Promise<CheckResult> {
	return withCluster(ctx, async clients => {
		const present = new Set((await clients.apiextensions.listCustomResourceDefinition()).items.map(crd => crd.metadata?.name));
		const missing = params.names.filter(name => !present.has(name));
		const found = params.names.length - missing.length;
		const summary = say(ctx.lang, `${found}/${params.names.length} CRDs present`, `CRD ${found}/${params.names.length}개 있음`);
		if (missing.length === 0) return {ok: true, summary};
		return {
			ok: false,
			summary,
			detail: say(ctx.lang, `missing: ${missing.join(', ')}`, `없음: ${missing.join(', ')}`),
			hint: say(ctx.lang, 'Cilium registers its CRDs when the operator starts: is cilium-operator running? (`kubectl -n kube-system get deploy cilium-operator`)', 'Cilium은 operator가 시작할 때 CRD를 등록합니다: cilium-operator가 실행 중인가요? (`kubectl -n kube-system get deploy cilium-operator`)'),
		};
	});
}
