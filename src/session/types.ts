// The session's state and events. Pure data: the TUI and the headless runner both drive the
// reducer in reducer.ts with these events and read the state through selectors.ts.
import type {CheckResult} from '../checks/types.js';
import type {CheckSpec, Lab, Lang, TrackId} from '../lab/types.js';
import type {RunOutcome} from '../run/types.js';

/**
 * locked:   gated (an earlier required step or a required lesson is not complete)
 * ready:    may be run / checked
 * running:  its command (or solve script) is running
 * checking: its checks are polling
 * done:     the learner's own run passed its checks
 * solved:   the solve script brought the cluster there (counts as complete, but is not "done")
 * failed:   its command failed with no checks to decide, or its checks failed
 * stale:    it was complete, but a re-check on resume found the state gone
 */
export type StepStatus = 'locked' | 'ready' | 'running' | 'checking' | 'done' | 'solved' | 'failed' | 'stale';

/** What the step is doing or last did: the learner's `run`, or the step's `solve` script. */
export type Activity = 'run' | 'solve';

export type CheckRowState = 'pending' | 'running' | 'passed' | 'failed';

export interface CheckRow {
	spec: CheckSpec;
	state: CheckRowState;
	/** The latest result seen (also while still polling: "cilium DaemonSet 2/3 ready"). */
	result?: CheckResult;
}

export type StepFailure =
	| {kind: 'exit'; exitCode: number}
	| {kind: 'timedOut'; timeoutMs: number}
	| {kind: 'failedToStart'; message: string}
	/** cause: why the checks were not given their time (the command said something that means they cannot pass). */
	| {kind: 'checks'; failed: number[]; unreachable: boolean; cause?: string}
	| {kind: 'stale'; reason: string};

export interface StepRun {
	activity: Activity;
	/** ISO time the command started. */
	startedAt: string;
	logFile?: string;
	/** True while a `background` step's command keeps running. */
	background: boolean;
	outcome?: RunOutcome;
}

export interface StepState {
	status: StepStatus;
	checks: CheckRow[];
	hintsRevealed: number;
	run?: StepRun;
	/** Set when the step became done/solved (kept while stale, so resume knows what it was), with its record. */
	completed?: {how: 'done' | 'solved'; at: string; context: string} & StepRecord;
	/** Runs, solves and checks of its own the learner started on this step (the record's attempts). */
	attempts?: number;
	/** ISO time of the first run, solve or check of the current try (the record's time is measured from it). */
	startedAt?: string;
	failure?: StepFailure;
	/** Status to return to when a run is cancelled. */
	before?: StepStatus;
}

export interface LessonState {
	steps: Record<string, StepState>;
}

export interface Target {
	kind: 'practice' | 'real';
	/** kube context name (real), or undefined for the current context. */
	context?: string;
}

export interface Cursor {
	lessonId: string;
	stepId: string;
}

/** A one-line message for the learner about the last event the reducer refused (e.g. navigating into a locked lesson). */
export type Notice =
	| {kind: 'lessonLocked'; lessonId: string; reason: LockedReason}
	| {kind: 'stepLocked'; lessonId: string; stepId: string; reason: LockedReason}
	| {kind: 'busy'; lessonId: string; stepId: string}
	| {kind: 'endOfLab'}
	| {kind: 'startOfLab'};

export type LockedReason =
	| {kind: 'requiresLesson'; lessonId: string}
	| {kind: 'previousStep'; stepId: string}
	| {kind: 'notOnTrack'; track: TrackId}
	/** A workshop's facilitator holds the room at a lesson (order: its number, from its file name). */
	| {kind: 'held'; lessonId: string; order: number};

export interface SessionState {
	lab: Lab;
	track: TrackId;
	lang: Lang;
	variables: Record<string, string>;
	target: Target;
	lessons: Record<string, LessonState>;
	current: Cursor | undefined;
	notice?: Notice;
	/** A workshop's facilitator holds the room at this lesson: the lessons after it stay locked. */
	hold?: {lessonId: string};
}

type At = {at: string};
type StepRef = {lessonId: string; stepId: string};

export type SessionEvent =
	| ({type: 'STEP_STARTED'; logFile?: string} & StepRef & At)
	| ({type: 'SOLVE_STARTED'; logFile?: string} & StepRef & At)
	| ({type: 'OUTPUT_EXITED'; outcome: RunOutcome} & StepRef & At)
	| ({type: 'CHECKS_STARTED'} & StepRef)
	| ({type: 'CHECK_UPDATED'; index: number; result: CheckResult; final?: boolean} & StepRef)
	| ({type: 'CHECKS_FINISHED'; results?: CheckResult[]; cause?: string} & StepRef & At)
	/** Read steps (and steps without checks or commands): the learner says they read it. */
	| ({type: 'STEP_ACKNOWLEDGED'} & StepRef & At)
	| ({type: 'HINT_REVEALED'} & StepRef)
	| {type: 'TRACK_CHANGED'; track: TrackId}
	| {type: 'LANG_CHANGED'; lang: Lang}
	| {type: 'VARIABLES_SET'; values: Record<string, string>}
	| {type: 'TARGET_CHANGED'; target: Target}
	| {type: 'NAVIGATE'; lessonId: string; stepId?: string}
	| {type: 'NAVIGATE_NEXT'}
	| {type: 'NAVIGATE_BACK'}
	/** A re-check on resume of a step that was complete: ok keeps it, not ok flags it stale. */
	| ({type: 'RESUME_VERIFIED'; ok: boolean; reason?: string; results?: CheckResult[]} & StepRef)
	/** Something asked of a step that is busy (its command, checks or background job run): refused with a notice. */
	| ({type: 'BUSY_REFUSED'} & StepRef)
	/** Progress of these steps is forgotten (reset, or going back): they are to do again. */
	| {type: 'PROGRESS_RESET'; steps: StepRef[]}
	| {type: 'NOTICE_CLEARED'}
	/** The workshop's facilitator held the room at a lesson, or released it (no lessonId). */
	| {type: 'HOLD_CHANGED'; lessonId?: string};

/** How a step was earned, for `cilium-lab report`: absent in progress files written before it was kept. */
export interface StepRecord {
	/** Runs, solves and checks of its own until it was complete. */
	attempts?: number;
	/** Hints revealed. */
	hints?: number;
	/** From the first run, solve or check to completion. */
	timeMs?: number;
}

/** What the progress file keeps of one completed step. */
export interface CompletedStep extends StepRecord {
	status: 'done' | 'solved';
	at: string;
	context: string;
}

export type ProgressLessons = Record<string, {steps: Record<string, CompletedStep>}>;
