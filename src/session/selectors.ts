// Read-only views of the session state for the UI, the headless runner and the progress store.
import type {Lesson, Step} from '../lab/types.js';
import {findLesson, hasPassed, isComplete, lessonLockReason, stepLockReason, visibleSteps as stepsOnTrack} from './gating.js';
import type {Cursor, LockedReason, ProgressLessons, SessionState, StepState} from './types.js';

export type LessonStatus = 'locked' | 'ready' | 'inProgress' | 'done' | 'stale';

/** Lessons on the current track, in lab order. */
export function visibleLessons(state: SessionState): Lesson[] {
	return state.lab.lessons.filter((lesson) => lesson.tracks.includes(state.track));
}

/** Steps of a lesson on the current track. */
export function visibleSteps(state: SessionState, lessonId: string): Step[] {
	const lesson = findLesson(state, lessonId);
	return lesson ? stepsOnTrack(lesson, state.track) : [];
}

export function stepState(state: SessionState, lessonId: string, stepId: string): StepState | undefined {
	return state.lessons[lessonId]?.steps[stepId];
}

/**
 * done: every required step on the track is done or solved; stale: all passed once but one's state has gone;
 * inProgress: something passed or is under way; locked: a required lesson is not done (see lockedReason).
 */
export function lessonStatus(state: SessionState, lessonId: string): LessonStatus {
	const lesson = findLesson(state, lessonId);
	if (!lesson || lessonLockReason(state, lesson)) return 'locked';
	const steps = stepsOnTrack(lesson, state.track);
	const statuses = steps.map((step) => ({optional: step.optional, status: state.lessons[lessonId]!.steps[step.id]!.status}));
	const required = statuses.filter((entry) => !entry.optional);
	if (required.some((entry) => entry.status === 'stale')) return 'stale';
	if (required.every((entry) => isComplete(entry.status))) return 'done';
	if (statuses.some((entry) => entry.status !== 'ready' && entry.status !== 'locked')) return 'inProgress';
	return 'ready';
}

/** Why a lesson (or one of its steps) is locked, or undefined when it is open. */
export function lockedReason(state: SessionState, lessonId: string, stepId?: string): LockedReason | undefined {
	const lesson = findLesson(state, lessonId);
	if (!lesson) return undefined;
	return stepId === undefined ? lessonLockReason(state, lesson) : stepLockReason(state, lesson, stepId);
}

/** The first step on the track that is open and not yet passed, or undefined when the track is finished (or all is locked). */
export function nextUnlocked(state: SessionState): Cursor | undefined {
	for (const lesson of visibleLessons(state)) {
		for (const step of stepsOnTrack(lesson, state.track)) {
			const status = state.lessons[lesson.id]!.steps[step.id]!.status;
			if (!hasPassed(status) && status !== 'locked') return {lessonId: lesson.id, stepId: step.id};
		}
	}
	return undefined;
}

export function currentLesson(state: SessionState): Lesson | undefined {
	return state.current ? findLesson(state, state.current.lessonId) : undefined;
}

export function currentStep(state: SessionState): {lesson: Lesson; step: Step; state: StepState} | undefined {
	const lesson = currentLesson(state);
	const step = lesson?.steps.find((candidate) => candidate.id === state.current!.stepId);
	if (!lesson || !step) return undefined;
	return {lesson, step, state: state.lessons[lesson.id]!.steps[step.id]!};
}

/** Steps whose command or checks are under way (the app asks before quitting while any are). */
export function busySteps(state: SessionState): Cursor[] {
	return allSteps(state).filter(({status}) => status === 'running' || status === 'checking').map(({cursor}) => cursor);
}

/** background steps whose command is still running (the status bar lists them). */
export function backgroundJobs(state: SessionState): Array<Cursor & {startedAt: string; logFile?: string}> {
	return allSteps(state).flatMap(({cursor, step}) =>
		step.run?.background && !step.run.outcome ? [{...cursor, startedAt: step.run.startedAt, logFile: step.run.logFile}] : [],
	);
}

/** Whether a completed step's checks describe a lasting state, worth checking again on resume. */
export function isRecheckable(step: Step): boolean {
	return step.expect.length > 0 && step.recheck !== false;
}

/** The current lesson and every lesson it requires, directly or not: the state the learner builds on now. */
function lessonsUnderfoot(state: SessionState): Set<string> {
	const found = new Set<string>();
	const pending = state.current ? [state.current.lessonId] : [];
	while (pending.length > 0) {
		const lesson = findLesson(state, pending.pop()!);
		if (!lesson || found.has(lesson.id)) continue;
		found.add(lesson.id);
		pending.push(...lesson.requires);
	}
	return found;
}

/**
 * Completed (done or solved, and stale) steps to check again on resume: those of the current lesson and of
 * the lessons it builds on. Lessons off that path (cleanup deletes what earlier lessons made) are left alone.
 */
export function stepsToReverify(state: SessionState): Cursor[] {
	const underfoot = lessonsUnderfoot(state);
	return allSteps(state)
		.filter(({cursor}) => underfoot.has(cursor.lessonId))
		.filter(({status, def}) => (isComplete(status) || status === 'stale') && isRecheckable(def))
		.map(({cursor}) => cursor);
}

/** How far along the current track is: required steps passed out of all required steps. */
export function progressSummary(state: SessionState): {done: number; solved: number; total: number; stale: number} {
	let done = 0;
	let solved = 0;
	let stale = 0;
	let total = 0;
	for (const lesson of visibleLessons(state)) {
		for (const step of stepsOnTrack(lesson, state.track)) {
			if (step.optional) continue;
			total++;
			const status = state.lessons[lesson.id]!.steps[step.id]!.status;
			if (status === 'done') done++;
			else if (status === 'solved') solved++;
			else if (status === 'stale') stale++;
		}
	}
	return {done, solved, stale, total};
}

/** What the progress file keeps: every step that was completed (stale ones keep their record until redone or reset). */
export function toProgressLessons(state: SessionState): ProgressLessons {
	const out: ProgressLessons = {};
	for (const [lessonId, lesson] of Object.entries(state.lessons)) {
		for (const [stepId, step] of Object.entries(lesson.steps)) {
			if (!step.completed || !(isComplete(step.status) || step.status === 'stale')) continue;
			out[lessonId] ??= {steps: {}};
			const {how, at, context, ...earned} = step.completed;
			out[lessonId].steps[stepId] = {status: how, at, context, ...earned};
		}
	}
	return out;
}

function allSteps(state: SessionState): Array<{cursor: Cursor; step: StepState; status: StepState['status']; def: Step}> {
	return state.lab.lessons.flatMap((lesson) =>
		lesson.steps.map((def) => {
			const step = state.lessons[lesson.id]!.steps[def.id]!;
			return {cursor: {lessonId: lesson.id, stepId: def.id}, step, status: step.status, def};
		}),
	);
}
