// `e` on a step: `cilium-lab policy explain` for each egress check that has a result, failed ones first.
// The check specs' expansion loads on the first explanation: it brings zod (the check schemas), which the first
// frame does not need.
import type {CheckSpec, Step} from '../lab/types.js';
import type {SessionState} from '../session/index.js';

/** What `policy explain` says about one pod reaching one URL (the practice cluster only). */
export interface ExplainRequest {
	namespace: string;
	pod?: string;
	selector?: string;
	url: string;
	env: Record<string, string>;
}

type EgressSpec = CheckSpec & {namespace: string; pod?: string; selector?: string; url: string};

/** An egress check of the step has a verdict to explain (the practice cluster only: the caller knows). */
export function isExplainable(session: SessionState, lessonId: string, step: Step): boolean {
	if (session.target.kind !== 'practice') return false;
	const rows = session.lessons[lessonId]?.steps[step.id]?.checks ?? [];
	return rows.some((row) => row.spec.kind === 'egress' && (row.state === 'failed' || row.state === 'passed'));
}

export async function explainStep(session: SessionState, lessonId: string, step: Step, explain: (request: Omit<ExplainRequest, 'env'>) => Promise<string[]>): Promise<string[]> {
	const rows = session.lessons[lessonId]?.steps[step.id]?.checks ?? [];
	const egress = rows.filter((row) => row.spec.kind === 'egress' && row.state !== 'pending' && row.state !== 'running');
	const ordered = [...egress.filter((row) => row.state === 'failed'), ...egress.filter((row) => row.state !== 'failed')];
	if (ordered.length === 0) return [];
	const {expandCheckSpec} = await import('../lab/expand.js');
	const out: string[] = [];
	for (const row of ordered) {
		const spec = expandCheckSpec(row.spec, session.variables).spec as EgressSpec;
		try {
			const explained = await explain({namespace: spec.namespace, pod: spec.pod, selector: spec.selector, url: spec.url});
			out.push(`$ cilium-lab policy explain --from ${spec.namespace}/${spec.pod ?? spec.selector ?? '?'} --to ${spec.url}`, ...explained);
		} catch (error) {
			out.push(`${spec.url}: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
	return out;
}
