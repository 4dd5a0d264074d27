// The bridge from the CLI (and the TUI it starts) to src/checks: poll a step's checks until they all pass
// or the deadline passes, reporting every intermediate result.
import type {CheckResult} from '../checks/types.js';
import {UserError} from '../errors.js';
import type {CheckSpec, Lang} from '../lab/types.js';

export interface CheckRequest {
	specs: CheckSpec[];
	/** Seconds the checks may keep polling (a check's own `timeout` wins); 0 evaluates each check once. */
	timeoutSec: number;
	env: Record<string, string>;
	lang: Lang;
	context?: string;
	signal: AbortSignal;
	onUpdate: (index: number, result: CheckResult, final: boolean) => void;
}

export type CheckRunner = (request: CheckRequest) => Promise<CheckResult[]>;

interface ChecksModule {
	pollChecks(
		specs: CheckSpec[],
		ctx: {lang: Lang; env: Record<string, string>; context?: string; signal: AbortSignal},
		options: {deadline: number; onUpdate?: (index: number, result: CheckResult, final: boolean) => void},
	): Promise<CheckResult[]>;
}

const CHECKS_POLLER = '../checks/poller.js';

let loaded: Promise<ChecksModule> | undefined;
async function loadChecks(): Promise<ChecksModule> {
	loaded ??= (async () => {
		try {
			const specifier = CHECKS_POLLER;
			return (await import(specifier)) as ChecksModule;
		} catch (error) {
			loaded = undefined;
			if (/Cannot find module|Could not resolve|ERR_MODULE_NOT_FOUND/.test(String(error))) {
				throw new UserError('the checks are not part of this build of cilium-lab');
			}
			throw error;
		}
	})();
	return loaded;
}

export const runChecks: CheckRunner = async (request) => {
	const checks = await loadChecks();
	return checks.pollChecks(
		request.specs,
		{lang: request.lang, env: request.env, context: request.context, signal: request.signal},
		{deadline: Date.now() + request.timeoutSec * 1000, onUpdate: request.onUpdate},
	);
};
