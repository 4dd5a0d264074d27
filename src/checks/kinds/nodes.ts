import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {withCluster} from '../cluster.js';
import {msg} from '../../lab/i18n.js';
import {nodeReady, nodesVerdict, type Loose} from '../logic.js';

export async function run(params: CheckParams<'nodes'>, ctx: CheckContext): Promise<CheckResult> {
	return withCluster(ctx, async clients => {
		const nodes = (await clients.core.listNode()).items as Loose[];
		const verdict = nodesVerdict(nodes, params, ctx.lang);
		const summary = msg(ctx.lang, 'check.nodes.summary', {total: verdict.total, ready: verdict.ready});
		const seen = nodes.map(node => `${node.metadata?.name}: ${nodeReady(node) ? 'Ready' : 'NotReady'}`).join('\n');
		if (verdict.ok) return {ok: true, summary, detail: seen || undefined};
		return {
			ok: false,
			summary: `${summary} · ${verdict.problems[0]}`,
			detail: [...verdict.problems, seen].filter(Boolean).join('\n'),
			hint: msg(ctx.lang, params.ready === true ? 'check.nodes.hint-no-cni' : 'check.nodes.hint'),
		};
	});
}
