import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {msg} from '../../lab/i18n.js';

export async function run(params: CheckParams<'crds'>, ctx: CheckContext): Promise<CheckResult> {
	return withCluster(ctx, async clients => {
		const present = new Set((await clients.apiextensions.listCustomResourceDefinition()).items.map(crd => crd.metadata?.name));
		const missing = params.names.filter(name => !present.has(name));
		const found = params.names.length - missing.length;
		const summary = msg(ctx.lang, 'check.crds.summary', {found, total: params.names.length});
		if (missing.length === 0) return {ok: true, summary};
		return {
			ok: false,
			summary,
			detail: msg(ctx.lang, 'check.crds.missing', {names: missing.join(', ')}),
			hint: msg(ctx.lang, 'check.crds.hint'),
		};
	});
}
