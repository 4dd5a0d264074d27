// Check kind → implementation. Kinds are imported only when a check runs, so the CLI starts without client-node.
import type {CheckSpec} from '../lab/types.js';
import {checkSchemas, type CheckKind} from './specs.js';
import type {CheckContext, CheckResult} from './types.js';

type CheckRun = (params: any, ctx: CheckContext) => Promise<CheckResult>; // eslint-disable-line @typescript-eslint/no-explicit-any

const kinds: Record<CheckKind, () => Promise<{run: CheckRun}>> = {
	clusterReachable: () => import('./kinds/clusterReachable.js'),
	nodes: () => import('./kinds/nodes.js'),
	rollout: () => import('./kinds/rollout.js'),
	crds: () => import('./kinds/crds.js'),
	resource: () => import('./kinds/resource.js'),
	podReady: () => import('./kinds/podReady.js'),
	podExec: () => import('./kinds/podExec.js'),
	egress: () => import('./kinds/egress.js'),
	hubbleFlows: () => import('./kinds/hubbleFlows.js'),
	httpGet: () => import('./kinds/httpGet.js'),
	command: () => import('./kinds/command.js'),
};

export function isCheckKind(kind: string): kind is CheckKind {
	return Object.hasOwn(kinds, kind);
}

/** Runs one check once. Parameters are validated again (a spec may come from elsewhere than the loader). */
export async function runCheck(spec: CheckSpec, ctx: CheckContext): Promise<CheckResult> {
	const {kind, ...params} = spec;
	if (!isCheckKind(kind)) return {ok: false, summary: `unknown check "${kind}"`, hint: `known checks: ${Object.keys(kinds).join(', ')}`};
	const parsed = checkSchemas[kind].safeParse(params);
	if (!parsed.success) {
		const problem = parsed.error.issues.map(issue => `${issue.path.join('.') || kind}: ${issue.message}`).join('; ');
		return {ok: false, summary: `${kind}: ${problem}`};
	}
	const {run} = await kinds[kind]();
	try {
		return await run(parsed.data, ctx);
	} catch (error) {
		// A bug or an unexpected failure: say what it was rather than crash the poller.
		return {ok: false, summary: `${kind}: ${(error as Error).message ?? String(error)}`};
	}
}
