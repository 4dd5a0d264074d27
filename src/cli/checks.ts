// The bridge from the CLI (and the TUI it starts) to src/checks: poll a step's checks until they all pass
// or the deadline passes, reporting every intermediate result.
import type {CheckResult} from '../checks/types.js';
import type {CheckSpec} from '../lab/types.js';
import type {CheckRequest, CheckRunner} from '../session/ports.js';

/** The request is the step driver's port (src/session/ports.ts): the TUI, `check` and `run` send the same one. */
export type {CheckRequest, CheckRunner};

/** Evaluates each check once (no polling, no intermediate results): `check` and the re-check on resume. */
export function checkOnce(runChecks: CheckRunner, specs: CheckSpec[], request: Omit<CheckRequest, 'specs' | 'timeoutSec' | 'onUpdate'>): Promise<CheckResult[]> {
	return runChecks({...request, specs, timeoutSec: 0, onUpdate: () => {}});
}

export const runChecks: CheckRunner = async (request) => {
	// The checks (and client-node under them) load only when a check runs.
	const [{pollChecks}, {runCheck}, {expandCheckSpec}] = await Promise.all([import('../checks/poll.js'), import('../checks/registry.js'), import('../lab/expand.js')]);
	// 0 means once: a check's own `timeout` (which otherwise wins over the request's) must not make it poll.
	const specs = request.timeoutSec === 0 ? request.specs.map(({timeout: _timeout, ...spec}) => spec as CheckSpec) : request.specs;
	return pollChecks(
		specs,
		{lang: request.lang, env: request.env, context: request.context, signal: request.signal},
		{
			deadline: Date.now() + request.timeoutSec * 1000,
			onUpdate: request.onUpdate,
			// The one place the TUI, `check` and `run` expand `${NAME}` (the loader refused unknown names already).
			run: async (spec, ctx) => {
				const {spec: expanded, unknown} = expandCheckSpec(spec, request.variables);
				if (unknown.length > 0) return {ok: false, summary: `${spec.kind}: ${unknown.join(', ')} names no variable of the lab`};
				return runCheck(expanded, ctx);
			},
		},
	);
};
