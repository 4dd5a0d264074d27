// The pure state machine. Every event names the step it is about, so a background command or a
// re-check that finishes while the learner looks at another step lands where it belongs.
import type {CheckResult} from '../checks/types.js';
import type {Lab, Lang, Step, TrackId} from '../lab/types.js';
import {findLesson, hasPassed, isComplete, lessonLockReason, regate, stepLockReason, visibleSteps} from './gating.js';
import type {CheckRow, Cursor, ProgressLessons, SessionEvent, SessionState, StepRecord, StepState, Target} from './types.js';

export interface CreateSessionOptions {
	lab: Lab;
	track: TrackId;
	lang: Lang;
	variables: Record<string, string>;
	target?: Target;
	/** Completed steps from the progress file; steps the lab no longer has are ignored. */
	progress?: ProgressLessons;
}

/** The record fields of a saved step that it has. */
function record(saved: StepRecord): StepRecord {
	const out: StepRecord = {};
	if (saved.attempts !== undefined) out.attempts = saved.attempts;
	if (saved.hints !== undefined) out.hints = saved.hints;
	if (saved.timeMs !== undefined) out.timeMs = saved.timeMs;
	return out;
}

function freshChecks(step: Step): CheckRow[] {
	return step.expect.map((spec) => ({spec, state: 'pending'}));
}

export function createSession(options: CreateSessionOptions): SessionState {
	const lessons: SessionState['lessons'] = {};
	for (const lesson of options.lab.lessons) {
		const steps: Record<string, StepState> = {};
		for (const step of lesson.steps) {
			const saved = options.progress?.[lesson.id]?.steps[step.id];
			steps[step.id] = {
				status: saved ? saved.status : 'locked',
				checks: freshChecks(step),
				hintsRevealed: saved?.hints ?? 0,
				...(saved?.attempts !== undefined ? {attempts: saved.attempts} : {}),
				...(saved ? {completed: {how: saved.status, at: saved.at, context: saved.context, ...record(saved)}} : {}),
			};
		}
		lessons[lesson.id] = {steps};
	}
	const state = regate({
		lab: options.lab,
		track: options.track,
		lang: options.lang,
		variables: {...options.variables},
		target: options.target ?? {kind: 'practice'},
		lessons,
		current: undefined,
	});
	return {...state, current: firstCursor(state)};
}

/** Where a learner picks up: the first unlocked step not yet complete, else the first step on the track. */
function firstCursor(state: SessionState): Cursor | undefined {
	let first: Cursor | undefined;
	for (const lesson of state.lab.lessons) {
		for (const step of visibleSteps(lesson, state.track)) {
			first ??= {lessonId: lesson.id, stepId: step.id};
			const status = state.lessons[lesson.id]!.steps[step.id]!.status;
			if (!hasPassed(status) && status !== 'locked') return {lessonId: lesson.id, stepId: step.id};
		}
	}
	return first;
}

function completionContext(target: Target): string {
	return target.kind === 'practice' ? 'practice' : (target.context ?? 'current-context');
}

function updateStep(state: SessionState, lessonId: string, stepId: string, update: (step: StepState, def: Step) => StepState): SessionState {
	const lesson = findLesson(state, lessonId);
	const def = lesson?.steps.find((step) => step.id === stepId);
	const current = state.lessons[lessonId]?.steps[stepId];
	if (!lesson || !def || !current) return state;
	const next = update(current, def);
	if (next === current) return state;
	return regate({
		...state,
		lessons: {...state.lessons, [lessonId]: {steps: {...state.lessons[lessonId]!.steps, [stepId]: next}}},
	});
}

function isBusy(step: StepState): boolean {
	return step.status === 'running' || step.status === 'checking';
}

function startActivity(state: SessionState, event: {lessonId: string; stepId: string; at: string; logFile?: string}, activity: 'run' | 'solve'): SessionState {
	const lesson = findLesson(state, event.lessonId);
	if (lesson && stepLockReason(state, lesson, event.stepId)) {
		const reason = stepLockReason(state, lesson, event.stepId)!;
		return {...state, notice: {kind: 'stepLocked', lessonId: event.lessonId, stepId: event.stepId, reason}};
	}
	const existing = state.lessons[event.lessonId]?.steps[event.stepId];
	if (existing && isBusy(existing)) return {...state, notice: {kind: 'busy', lessonId: event.lessonId, stepId: event.stepId}};
	return updateStep(state, event.lessonId, event.stepId, (step, def) => {
		const {failure: _dropped, ...rest} = step;
		return {
			...rest,
			status: 'running',
			before: step.status,
			attempts: (step.attempts ?? 0) + 1,
			startedAt: step.startedAt ?? event.at,
			checks: freshChecks(def),
			run: {activity, startedAt: event.at, logFile: event.logFile, background: activity === 'run' && def.mode === 'background'},
		};
	});
}

function complete(step: StepState, at: string, context: string): StepState {
	// A solve makes the step solved; a learner's own passing run makes it done, even if it was solved before.
	const how = step.run?.activity === 'solve' ? 'solved' : step.run ? 'done' : (step.completed?.how ?? 'done');
	const {failure: _dropped, before: _before, startedAt, ...rest} = step;
	const timeMs = startedAt ? Date.parse(at) - Date.parse(startedAt) : undefined;
	const earned: StepRecord = {hints: step.hintsRevealed};
	if (step.attempts !== undefined) earned.attempts = step.attempts;
	if (timeMs !== undefined && Number.isFinite(timeMs) && timeMs >= 0) earned.timeMs = timeMs;
	return {...rest, status: how, completed: {how, at, context, ...earned}};
}

function finishChecks(step: StepState, results: CheckResult[] | undefined, at: string, context: string, cause?: string): StepState {
	const checks = step.checks.map((row, index): CheckRow => {
		const result = results?.[index] ?? row.result;
		return {...row, result, state: result?.ok ? 'passed' : 'failed'};
	});
	const failed = checks.flatMap((row, index) => (row.state === 'failed' ? [index] : []));
	if (failed.length === 0) return complete({...step, checks}, at, context);
	const unreachable = failed.some((index) => checks[index]!.result?.unreachable === true);
	return {...step, checks, status: 'failed', failure: {kind: 'checks', failed, unreachable, ...(cause ? {cause} : {})}};
}

export function reduce(state: SessionState, event: SessionEvent): SessionState {
	const next = reduceEvent(state, event);
	return busyNoticeOutlived(next) ? withoutNotice(next) : next;
}

/** "A command is running" goes once the step it names is no longer busy. */
function busyNoticeOutlived(state: SessionState): boolean {
	const notice = state.notice;
	if (notice?.kind !== 'busy') return false;
	const step = state.lessons[notice.lessonId]?.steps[notice.stepId];
	return !step || (!isBusy(step) && !(step.run?.background && !step.run.outcome));
}

function reduceEvent(state: SessionState, event: SessionEvent): SessionState {
	switch (event.type) {
		case 'STEP_STARTED':
			return startActivity(state, event, 'run');
		case 'SOLVE_STARTED':
			return startActivity(state, event, 'solve');
		case 'OUTPUT_EXITED':
			return updateStep(state, event.lessonId, event.stepId, (step, def) => {
				const run = step.run ? {...step.run, outcome: event.outcome, background: false} : undefined;
				// A background command that ends after its checks decided changes nothing but its record.
				if (step.status !== 'running') return step.run ? {...step, run} : step;
				const outcome = event.outcome;
				if (outcome.kind === 'cancelled') {
					const back = step.before && step.before !== 'running' && step.before !== 'checking' ? step.before : 'ready';
					return {...step, run, status: back === 'locked' ? 'ready' : back};
				}
				if (outcome.kind === 'failedToStart') {
					return {...step, run, status: 'failed', failure: {kind: 'failedToStart', message: outcome.message}};
				}
				// With checks, the checks decide (a curl that is meant to be blocked exits 28).
				if (def.expect.length > 0) return {...step, run, status: 'checking'};
				if (outcome.kind === 'timedOut') {
					return {...step, run, status: 'failed', failure: {kind: 'timedOut', timeoutMs: outcome.timeoutMs}};
				}
				if (outcome.exitCode !== 0) return {...step, run, status: 'failed', failure: {kind: 'exit', exitCode: outcome.exitCode}};
				return complete({...step, run}, event.at, completionContext(state.target));
			});
		case 'CHECKS_STARTED':
			return updateStep(state, event.lessonId, event.stepId, (step, def) => {
				if (def.expect.length === 0) return step;
				const lesson = findLesson(state, event.lessonId)!;
				if (step.status !== 'running' && stepLockReason(state, lesson, event.stepId)) return step;
				// A check of its own (not after a run) forgets the last run, so passing makes it done.
				const run = step.status === 'running' ? step.run : step.status === 'checking' ? step.run : undefined;
				const before = step.status === 'running' || step.status === 'checking' ? step.before : step.status;
				// A check of its own is an attempt (the learner did it in a shell); a check after a run is part of that run.
				const own = step.status !== 'running' && step.status !== 'checking';
				return {
					...step,
					run,
					before,
					...(own ? {attempts: (step.attempts ?? 0) + 1} : {}),
					status: 'checking',
					checks: def.expect.map((spec) => ({spec, state: 'running'})),
				};
			});
		case 'CHECK_UPDATED':
			return updateStep(state, event.lessonId, event.stepId, (step) => {
				if (step.status !== 'checking' || !step.checks[event.index]) return step;
				const checks = step.checks.slice();
				const rowState = event.result.ok ? 'passed' : event.final ? 'failed' : 'running';
				checks[event.index] = {...checks[event.index]!, result: event.result, state: rowState};
				return {...step, checks};
			});
		case 'CHECKS_FINISHED':
			return updateStep(state, event.lessonId, event.stepId, (step) => {
				if (step.status !== 'checking') return step;
				const finished = finishChecks(step, event.results, event.at, completionContext(state.target), event.cause);
				// A re-check of a solved step that passes leaves it solved: checking is not doing.
				if (!step.run && step.before === 'solved' && finished.status === 'done') {
					return {...finished, status: 'solved', completed: {...finished.completed!, how: 'solved'}};
				}
				return finished;
			});
		case 'STEP_ACKNOWLEDGED':
			return updateStep(state, event.lessonId, event.stepId, (step, def) => {
				if (def.expect.length > 0) return step;
				// Read and interactive steps (nothing to check) are done once seen; a background command once it runs.
				const seen = step.status === 'ready' && (!def.run || def.mode === 'read' || def.mode === 'interactive');
				const started = step.status === 'running' && step.run?.background === true;
				if (!seen && !started) return step;
				return complete(step, event.at, completionContext(state.target));
			});
		case 'HINT_REVEALED':
			return updateStep(state, event.lessonId, event.stepId, (step, def) =>
				step.hintsRevealed >= def.hints.length ? step : {...step, hintsRevealed: step.hintsRevealed + 1},
			);
		case 'TRACK_CHANGED': {
			const changed = regate({...state, track: event.track});
			const cursorVisible = changed.current && isVisible(changed, changed.current);
			return {...changed, current: cursorVisible ? changed.current : firstCursor(changed)};
		}
		case 'LANG_CHANGED':
			return {...state, lang: event.lang};
		case 'VARIABLES_SET':
			return {...state, variables: {...state.variables, ...event.values}};
		case 'TARGET_CHANGED':
			return {...state, target: event.target};
		case 'NAVIGATE':
			return navigate(state, event.lessonId, event.stepId);
		case 'NAVIGATE_NEXT':
			return move(state, +1);
		case 'NAVIGATE_BACK':
			return move(state, -1);
		case 'RESUME_VERIFIED':
			return updateStep(state, event.lessonId, event.stepId, (step) => {
				if (!isComplete(step.status) && step.status !== 'stale') return step;
				const checks = event.results
					? step.checks.map((row, index): CheckRow => {
							const result = event.results![index];
							return result ? {...row, result, state: result.ok ? 'passed' : 'failed'} : row;
						})
					: step.checks;
				if (event.ok) {
					const how = step.completed?.how ?? 'done';
					const {failure: _dropped, ...rest} = step;
					return {...rest, checks, status: how};
				}
				return {...step, checks, status: 'stale', failure: {kind: 'stale', reason: event.reason ?? ''}};
			});
		case 'BUSY_REFUSED':
			return {...state, notice: {kind: 'busy', lessonId: event.lessonId, stepId: event.stepId}};
		case 'PROGRESS_RESET':
			return resetSteps(state, event.steps);
		case 'HOLD_CHANGED': {
			if (state.hold?.lessonId === event.lessonId) return state;
			const {hold: _released, ...rest} = state;
			return regate(event.lessonId ? {...rest, hold: {lessonId: event.lessonId}} : rest);
		}
		case 'NOTICE_CLEARED': {
			if (!state.notice) return state;
			const {notice: _dropped, ...rest} = state;
			return rest;
		}
	}
}

/** The steps start again: no completion, no checks seen, no run; busy ones are left to finish (the driver stops them first). */
function resetSteps(state: SessionState, refs: Cursor[]): SessionState {
	let lessons = state.lessons;
	for (const ref of refs) {
		const step = lessons[ref.lessonId]?.steps[ref.stepId];
		const def = findLesson(state, ref.lessonId)?.steps.find((candidate) => candidate.id === ref.stepId);
		if (!step || !def || isBusy(step)) continue;
		// Hints and attempts stay: a record tells hints apart from unaided completion even after a reset.
		const fresh: StepState = {status: 'locked', checks: freshChecks(def), hintsRevealed: step.hintsRevealed, ...(step.attempts !== undefined ? {attempts: step.attempts} : {})};
		lessons = {...lessons, [ref.lessonId]: {steps: {...lessons[ref.lessonId]!.steps, [ref.stepId]: fresh}}};
	}
	if (lessons === state.lessons) return state;
	const reset = regate({...state, lessons});
	// Lessons after a reset step lock again: their steps regate too (regate only moves locked/ready steps).
	return {...reset, current: reset.current && isVisible(reset, reset.current) ? reset.current : firstCursor(reset)};
}

function isVisible(state: SessionState, cursor: Cursor): boolean {
	const lesson = findLesson(state, cursor.lessonId);
	return !!lesson && visibleSteps(lesson, state.track).some((step) => step.id === cursor.stepId);
}

function withoutNotice(state: SessionState): SessionState {
	if (!state.notice) return state;
	const {notice: _dropped, ...rest} = state;
	return rest;
}

function navigate(state: SessionState, lessonId: string, stepId?: string): SessionState {
	const lesson = findLesson(state, lessonId);
	if (!lesson) return state;
	const lessonReason = lessonLockReason(state, lesson);
	if (lessonReason) return {...state, notice: {kind: 'lessonLocked', lessonId, reason: lessonReason}};
	const steps = visibleSteps(lesson, state.track);
	// Without a step: where the learner left off in that lesson (the first step not yet passed).
	const target =
		stepId !== undefined
			? steps.find((step) => step.id === stepId)
			: (steps.find((step) => !hasPassed(state.lessons[lessonId]!.steps[step.id]!.status)) ?? steps[0]);
	if (!target) return state;
	return {...withoutNotice(state), current: {lessonId, stepId: target.id}};
}

/** Moves through the visible steps in lab order; never into a locked step (viewing earlier steps is always fine). */
function move(state: SessionState, direction: 1 | -1): SessionState {
	const order: Cursor[] = state.lab.lessons.flatMap((lesson) =>
		visibleSteps(lesson, state.track).map((step) => ({lessonId: lesson.id, stepId: step.id})),
	);
	if (order.length === 0) return state;
	const index = state.current ? order.findIndex((c) => c.lessonId === state.current!.lessonId && c.stepId === state.current!.stepId) : -1;
	const nextIndex = index + direction;
	if (nextIndex < 0) return {...state, notice: {kind: 'startOfLab'}};
	if (nextIndex >= order.length) return {...state, notice: {kind: 'endOfLab'}};
	const next = order[nextIndex]!;
	if (direction > 0) {
		const lesson = findLesson(state, next.lessonId)!;
		const reason = stepLockReason(state, lesson, next.stepId);
		if (reason) {
			return {
				...state,
				notice: reason.kind === 'requiresLesson' ? {kind: 'lessonLocked', lessonId: next.lessonId, reason} : {kind: 'stepLocked', ...next, reason},
			};
		}
	}
	return {...withoutNotice(state), current: next};
}
