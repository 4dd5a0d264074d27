import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {apiStatus, clusterFailure, withCluster} from '../cluster.js';
import {msg} from '../../lab/i18n.js';
import {rolloutState, type Loose} from '../logic.js';

export async function run(params: CheckParams<'rollout'>, ctx: CheckContext): Promise<CheckResult> {
	const label = `${params.name} ${params.resourceKind}`;
	const resource = params.resourceKind.toLowerCase();
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
				summary: msg(ctx.lang, 'check.rollout.not-found', {label, namespace: params.namespace}),
				hint: msg(ctx.lang, 'check.rollout.hint-install', {namespace: params.namespace, resource: `${resource}s`}),
			};
		}
		const state = rolloutState(object, params.resourceKind);
		const summary = msg(ctx.lang, 'check.rollout.summary', {label, ready: state.ready, desired: state.desired});
		const seen = msg(ctx.lang, 'check.rollout.seen', {updated: state.updated, available: state.available, ready: state.ready});
		const detail = [
			msg(ctx.lang, 'checks.expected', {text: msg(ctx.lang, 'check.rollout.expected', {desired: state.desired})}),
			msg(ctx.lang, 'checks.seen', {text: state.observed ? seen : `${seen} (${msg(ctx.lang, 'check.rollout.not-observed')})`}),
		].join('\n');
		if (state.done) return {ok: true, summary, detail};
		return {
			ok: false,
			summary,
			detail,
			hint: msg(ctx.lang, 'check.rollout.hint-watch', {namespace: params.namespace, resource, name: params.name}),
		};
	});
}
