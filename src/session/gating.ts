// Which lessons and steps are on the track, which have been passed, and what is locked and why.
import type {Lesson, Step, TrackId} from '../lab/types.js';
import type {LockedReason, SessionState, StepStatus} from './types.js';

export function lessonOnTrack(lesson: Lesson, track: TrackId): boolean {
	return lesson.tracks.includes(track);
}

export function stepOnTrack(step: Step, track: TrackId): boolean {
	return !step.tracks || step.tracks.includes(track);
}

export function visibleSteps(lesson: Lesson, track: TrackId): Step[] {
	return lessonOnTrack(lesson, track) ? lesson.steps.filter((step) => stepOnTrack(step, track)) : [];
}

/** Done and solved steps count as complete. */
export function isComplete(status: StepStatus | undefined): boolean {
	return status === 'done' || status === 'solved';
}

/** Passed once: complete, or complete-but-stale. A stale step is flagged, it does not lock again what follows it. */
export function hasPassed(status: StepStatus | undefined): boolean {
	return isComplete(status) || status === 'stale';
}

export function stepStatusOf(state: SessionState, lessonId: string, stepId: string): StepStatus | undefined {
	return state.lessons[lessonId]?.steps[stepId]?.status;
}

/** A lesson satisfies `requires` once every non-optional step on the track has passed. */
export function lessonPassed(state: SessionState, lesson: Lesson): boolean {
	return visibleSteps(lesson, state.track).every((step) => step.optional || hasPassed(stepStatusOf(state, lesson.id, step.id)));
}

export function findLesson(state: SessionState, lessonId: string): Lesson | undefined {
	return state.lab.lessons.find((lesson) => lesson.id === lessonId);
}

/**
 * The room is held at a lesson this lab has, and `lesson` comes after it and builds on it (the held lesson is among
 * its requires, directly or through another lesson's). A later lesson that does not, such as the cleanup (it requires
 * only the preflight), stays open: a learner can always delete a cluster that costs money.
 */
function heldBefore(state: SessionState, lesson: Lesson): LockedReason | undefined {
	if (!state.hold) return undefined;
	const lessons = state.lab.lessons;
	const heldAt = lessons.findIndex((candidate) => candidate.id === state.hold!.lessonId);
	if (heldAt < 0 || lessons.indexOf(lesson) <= heldAt) return undefined;
	const held = lessons[heldAt]!;
	if (!buildsOn(state, lesson, held.id)) return undefined;
	return {kind: 'held', lessonId: held.id, order: held.order};
}

/** Whether `lessonId` is among the lesson's requires, directly or transitively. */
function buildsOn(state: SessionState, lesson: Lesson, lessonId: string, seen = new Set<string>()): boolean {
	for (const required of lesson.requires) {
		if (required === lessonId) return true;
		if (seen.has(required)) continue;
		seen.add(required);
		const requiredLesson = findLesson(state, required);
		if (requiredLesson && buildsOn(state, requiredLesson, lessonId, seen)) return true;
	}
	return false;
}

export function lessonLockReason(state: SessionState, lesson: Lesson): LockedReason | undefined {
	if (!lessonOnTrack(lesson, state.track)) return {kind: 'notOnTrack', track: state.track};
	const held = heldBefore(state, lesson);
	if (held) return held;
	for (const required of lesson.requires) {
		const requiredLesson = findLesson(state, required);
		// A required lesson that is not on this track (e.g. creating a BYOCNI cluster, on the k8s track) does not gate.
		if (!requiredLesson || !lessonOnTrack(requiredLesson, state.track)) continue;
		if (!lessonPassed(state, requiredLesson)) return {kind: 'requiresLesson', lessonId: required};
	}
	return undefined;
}

export function stepLockReason(state: SessionState, lesson: Lesson, stepId: string): LockedReason | undefined {
	const lessonReason = lessonLockReason(state, lesson);
	if (lessonReason) return lessonReason;
	const step = lesson.steps.find((candidate) => candidate.id === stepId);
	if (!step || !stepOnTrack(step, state.track)) return {kind: 'notOnTrack', track: state.track};
	for (const earlier of visibleSteps(lesson, state.track)) {
		if (earlier.id === stepId) return undefined;
		if (!earlier.optional && !hasPassed(stepStatusOf(state, lesson.id, earlier.id))) {
			return {kind: 'previousStep', stepId: earlier.id};
		}
	}
	return undefined;
}

/** Re-derives locked/ready for steps that are in neither an activity nor an outcome. Returns the same object when nothing changed. */
export function regate(state: SessionState): SessionState {
	let lessons = state.lessons;
	for (const lesson of state.lab.lessons) {
		for (const step of lesson.steps) {
			const current = lessons[lesson.id]?.steps[step.id];
			if (!current || (current.status !== 'locked' && current.status !== 'ready')) continue;
			const gated: StepStatus = stepLockReason({...state, lessons}, lesson, step.id) ? 'locked' : 'ready';
			if (gated === current.status) continue;
			lessons = {
				...lessons,
				[lesson.id]: {steps: {...lessons[lesson.id]!.steps, [step.id]: {...current, status: gated}}},
			};
		}
	}
	return lessons === state.lessons ? state : {...state, lessons};
}
