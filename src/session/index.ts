/**
 * The session: a pure reducer over the lab, driven by the TUI and by the headless runner.
 *
 *   createSession({lab, track, lang, variables, target?, progress?}) → SessionState
 *       progress: the `lessons` of the progress file; completed steps start as done/solved.
 *   reduce(state, event) → SessionState            (never throws; refused events set state.notice)
 *
 * Events (every step event names {lessonId, stepId}; `at` is an ISO time the caller supplies):
 *   STEP_STARTED {at, logFile?}      the learner's `run` started            → running
 *   SOLVE_STARTED {at, logFile?}     the step's `solve` script started      → running
 *   OUTPUT_EXITED {outcome, at}      the command ended (RunOutcome)         → checking (when the step has checks:
 *                                    they decide, whatever the exit code), done/solved or failed (no checks),
 *                                    back to the previous status (cancelled)
 *   CHECKS_STARTED                   polling started (after a run, or `c`)   → checking, every row running
 *   CHECK_UPDATED {index, result, final?}  latest result of one check (ok → passed; final && !ok → failed)
 *   CHECKS_FINISHED {at, results?}   all passed → done (solved after a solve; a passing re-check of a solved
 *                                    step stays solved), else failed with failure {kind:'checks', failed, unreachable}
 *   STEP_ACKNOWLEDGED {at}           a step without checks seen: read or interactive (ready), or a background
 *                                    step whose command is running → done
 *   HINT_REVEALED                    one more hint tier
 *   TRACK_CHANGED / LANG_CHANGED / VARIABLES_SET / TARGET_CHANGED
 *   NAVIGATE {lessonId, stepId?} / NAVIGATE_NEXT / NAVIGATE_BACK  (refused into locked places, with a notice)
 *   RESUME_VERIFIED {ok, reason?, results?}  re-check of a completed step on resume: not ok → stale
 *   NOTICE_CLEARED
 *
 * Gating: a step is locked until every earlier non-optional step on the track has passed (done, solved, or stale:
 * stale is a flag, it does not lock again); a lesson is locked until every lesson it requires (that is on the
 * track) has passed. Steps and lessons not on the current track are hidden from visibleLessons/visibleSteps.
 *
 * Selectors: visibleLessons, visibleSteps, stepState, lessonStatus, lockedReason, nextUnlocked, currentLesson,
 * currentStep, busySteps, backgroundJobs, stepsToReverify, progressSummary, toProgressLessons.
 */
export type {
	Activity,
	CheckRow,
	CheckRowState,
	CompletedStep,
	Cursor,
	LessonState,
	LockedReason,
	Notice,
	ProgressLessons,
	SessionEvent,
	SessionState,
	StepFailure,
	StepRun,
	StepState,
	StepStatus,
	Target,
} from './types.js';
export {createSession, reduce, type CreateSessionOptions} from './reducer.js';
export {hasPassed, isComplete} from './gating.js';
export {
	backgroundJobs,
	busySteps,
	currentLesson,
	currentStep,
	isRecheckable,
	lessonStatus,
	lockedReason,
	nextUnlocked,
	progressSummary,
	stepState,
	stepsToReverify,
	toProgressLessons,
	visibleLessons,
	visibleSteps,
	type LessonStatus,
} from './selectors.js';
