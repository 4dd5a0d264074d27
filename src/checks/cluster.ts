// What the cluster-side kinds share: their clients, and one way to report that the cluster failed them.
import {LabError} from '../errors.js';
import {describeKubeError} from '../kube/errors.js';
import {kubeClients, type KubeClients} from '../kube/clients.js';
import type {CheckContext, CheckResult} from './types.js';

export function clientsFor(ctx: CheckContext): KubeClients {
	return kubeClients({env: ctx.env, context: ctx.context, lang: ctx.lang});
}

/** A check that could not ask the cluster: not configured, unreachable, refused, or another API error. */
export function clusterFailure(error: unknown, ctx: CheckContext, what?: string): CheckResult {
	if (error instanceof LabError) return {ok: false, summary: error.message, hint: error.tryHint, unreachable: error.exitCode === 3};
	let server: string | undefined;
	try {
		server = clientsFor(ctx).server;
	} catch {
		server = undefined;
	}
	const problem = describeKubeError(error, ctx.lang, server);
	return {ok: false, summary: what ? `${what}: ${problem.message}` : problem.message, hint: problem.hint, unreachable: problem.unreachable};
}

/** Runs `body`; any failure of the cluster becomes a failed result. */
export async function withCluster(ctx: CheckContext, body: (clients: KubeClients) => Promise<CheckResult>, what?: string): Promise<CheckResult> {
	let clients: KubeClients;
	try {
		clients = clientsFor(ctx);
	} catch (error) {
		return clusterFailure(error, ctx);
	}
	try {
		return await body(clients);
	} catch (error) {
		return clusterFailure(error, ctx, what);
	}
}

/** HTTP status of a client-node ApiException, if that is what `error` is. */
export function apiStatus(error: unknown): number | undefined {
	const code = (error as {code?: unknown})?.code;
	return typeof code === 'number' ? code : undefined;
}
