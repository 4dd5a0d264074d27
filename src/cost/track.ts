// Keeps the ledger of clusters the lab made (src/cost/ledger.ts) in step with the driver: a step with effects that
// passes on the real target records or clears its AKS cluster. Used by the TUI and `cilium-lab run`/`reset`.
import {expandResources} from '../lab/effects.js';
import type {StepDriver} from '../session/driver.js';
import {findLesson, hasPassed} from '../session/gating.js';
import {updateLedger} from './ledger.js';

export function followClusterCosts(driver: StepDriver, home: string): () => void {
	return driver.subscribe((event) => {
		if (event.type !== 'session' || event.event.type !== 'CHECKS_FINISHED') return;
		const {state} = event;
		const {lessonId, stepId, at} = event.event;
		if (state.target.kind !== 'real' || !hasPassed(state.lessons[lessonId]?.steps[stepId]?.status)) return;
		const step = findLesson(state, lessonId)?.steps.find((candidate) => candidate.id === stepId);
		if (!step?.effects || !step.resources) return;
		try {
			updateLedger(home, {step, ref: `${lessonId}/${stepId}`, resources: expandResources(step.resources, state.variables), at});
		} catch {
			// The ledger only informs; an unwritable home was refused before anything ran.
		}
	});
}
