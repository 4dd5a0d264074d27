import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {nodeReady, nodesVerdict, say, type Loose} from '../logic.js';

export async function run(params: CheckParams<'nodes'>, ctx: CheckContext): Promise<CheckResult> {
	return withCluster(ctx, async clients => {
		const nodes = (await clients.core.listNode()).items as Loose[];
		const verdict = nodesVerdict(nodes, params, ctx.lang);
		const summary = say(ctx.lang, `${verdict.total} nodes, ${verdict.ready} Ready`, `노드 ${verdict.total}개, Ready ${verdict.ready}개`);
		const seen = nodes.map(node => `${node.metadata?.name}: ${nodeReady(node) ? 'Ready' : 'NotReady'}`).join('\n');
		if (verdict.ok) return {ok: true, summary, detail: seen || undefined};
		return {
			ok: false,
			summary: `${summary} · ${verdict.problems[0]}`,
			detail: [...verdict.problems, seen].filter(Boolean).join('\n'),
			hint:
				params.ready === true
					? say(ctx.lang, 'nodes without a CNI stay NotReady: is Cilium installed and its pods running? (`kubectl -n kube-system get pods -l k8s-app=cilium`)', 'CNI가 없으면 노드는 NotReady입니다: Cilium이 설치되었고 파드가 실행 중인가요? (`kubectl -n kube-system get pods -l k8s-app=cilium`)')
					: say(ctx.lang, 'see the nodes with `kubectl get nodes -o wide`', '`kubectl get nodes -o wide`로 노드를 확인하세요'),
		};
	});
}
