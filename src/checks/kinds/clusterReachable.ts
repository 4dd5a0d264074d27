import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {say} from '../logic.js';

export async function run(_params: CheckParams<'clusterReachable'>, ctx: CheckContext): Promise<CheckResult> {
	return withCluster(ctx, async clients => {
		const version = await clients.version.getCode();
		return {
			ok: true,
			summary: say(ctx.lang, `cluster reachable (Kubernetes ${version.gitVersion})`, `클러스터에 연결됨 (Kubernetes ${version.gitVersion})`),
			detail: `${clients.server} · context ${clients.kc.getCurrentContext()}`,
		};
	});
}
