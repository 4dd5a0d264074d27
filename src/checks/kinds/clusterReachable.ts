import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {msg} from '../../lab/i18n.js';

export async function run(_params: CheckParams<'clusterReachable'>, ctx: CheckContext): Promise<CheckResult> {
	return withCluster(ctx, async clients => {
		const version = await clients.version.getCode();
		return {
			ok: true,
			summary: msg(ctx.lang, 'check.clusterReachable.summary', {version: version.gitVersion}),
			detail: msg(ctx.lang, 'check.clusterReachable.detail', {server: clients.server, context: clients.kc.getCurrentContext()}),
		};
	});
}
