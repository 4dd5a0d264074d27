// What every check kind implements. Kinds live one per file under src/checks/kinds/ and are
// listed in src/checks/registry.ts; their parameter schemas (zod) are what the lesson loader validates.
import type {Lang} from '../lab/types.js';

export interface CheckResult {
	ok: boolean;
	/** One line, in the learner's language: what was seen, e.g. "cilium DaemonSet 2/3 ready". */
	summary: string;
	/** More lines: what was expected and what was seen. */
	detail?: string;
	/** What to try when it failed. */
	hint?: string;
	/** True when the check could not reach the cluster at all (exit code 3 in headless mode). */
	unreachable?: boolean;
}

export interface CheckContext {
	lang: Lang;
	/** The environment the lab's commands run with (variables, KUBECONFIG, PATH of the target). */
	env: Record<string, string>;
	/** kube context chosen with --context, if any. */
	context?: string;
	signal: AbortSignal;
}

/** Where one check stands while a step's checks are polled. */
export interface CheckState {
	status: 'pending' | 'running' | 'passed' | 'failed';
	/** The latest result (while running again, the one before). */
	result?: CheckResult;
	attempts: number;
}
