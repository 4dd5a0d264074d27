// The TUI's state outside React: the session (src/session's reducer), which screen is shown, the output of
// commands, and the commands and checks under way. It lives outside the Ink tree so that handing the terminal
// to an interactive command (which unmounts Ink) and coming back loses nothing.
import type {CheckResult} from '../checks/types.js';
import type {CheckRequest} from '../cli/checks.js';
import type {CheckSpec, Lab, Lang, Step, TrackId} from '../lab/types.js';
import type {OutputLine, RunOutcome} from '../run/types.js';
import type {JobInfo, StartJobOptions} from '../run/jobs.js';
import {expandCheckSpec} from '../lab/expand.js';
import {checkVariableValue, commandEnvironment, variablesOnTrack} from '../lab/variables.js';
import {
	busySteps,
	createSession,
	currentStep,
	lessonStatus,
	lockedReason,
	progressSummary,
	reduce,
	stepsToReverify,
	toProgressLessons,
	visibleLessons,
	visibleSteps,
	type LockedReason,
	type ProgressLessons,
	type SessionEvent,
	type SessionState,
	type Target,
} from '../session/index.js';
import {OUTPUT_TAIL_MAX} from './theme.js';
import {msg} from '../lab/i18n.js';
import type {UiWord} from './i18n.js';

export type Screen = 'tracks' | 'variables' | 'lessons' | 'step' | 'help';

export interface RunRequest {
	script: string;
	env: Record<string, string>;
	timeoutMs?: number;
	signal: AbortSignal;
	onLines: (lines: OutputLine[]) => void;
	logFile?: string;
}

/** What the TUI asks of the checks: the same request the headless commands send (src/cli/checks.ts). */
export type {CheckRequest};

/** Background jobs (src/run/jobs.ts JobManager): started, listed, stopped; all of them stopped on exit. */
export interface JobsPort {
	start(options: StartJobOptions): JobInfo;
	list(): JobInfo[];
	running(): JobInfo[];
	stop(id: number): Promise<RunOutcome | undefined>;
	stopAll(): Promise<void>;
	subscribe(listener: () => void): () => void;
	/** Resolves once jobs can start (the manager loads after the first frame). */
	ready?(): Promise<void>;
}

/** What `policy explain` says about one pod reaching one URL (the practice cluster only). */
export interface ExplainRequest {
	namespace: string;
	pod?: string;
	selector?: string;
	url: string;
	env: Record<string, string>;
}

/** The environment of the target, once it is ready (the practice cluster starts behind the first frame). */
export interface PreparedTarget {
	env: Record<string, string>;
	context?: string;
}

/** What the TUI does to the world. main.tsx wires the real ones; tests pass their own. */
export interface TuiDeps {
	runCommand(request: RunRequest): Promise<RunOutcome>;
	runChecks(request: CheckRequest): Promise<CheckResult[]>;
	/** Gives the terminal to `script` (src/run/interactive.ts) and resolves once it exits and the terminal is back. */
	runInteractive(script: string, env: Record<string, string>): Promise<RunOutcome>;
	jobs: JobsPort;
	/** Readies the target for a track (the practice cluster: starts the daemon; the k8s track gets a cluster). */
	prepareTarget?(track: TrackId): Promise<PreparedTarget>;
	/** `cilium-lab policy explain` for a failed or surprising egress check; undefined where it cannot explain. */
	explainEgress?(request: ExplainRequest): Promise<string[]>;
	saveProgress(snapshot: {track: TrackId; variables: Record<string, string>; lessons: ProgressLessons}): Promise<void>;
	readAsset(name: string): string;
	logFileFor(label: string): Promise<string | undefined>;
}

export interface ControllerOptions {
	lab: Lab;
	lang: Lang;
	target: Target;
	/** The environment commands run with before the lab's variables (the target's PATH, KUBECONFIG…). */
	baseEnv: Record<string, string | undefined>;
	home: string;
	/** The saved track; undefined on first start (the track chooser opens). */
	track?: TrackId;
	variables: Record<string, string>;
	/** True on first start: the variables screen opens after the track chooser. */
	askVariables?: boolean;
	progress?: ProgressLessons;
	/** kube context given with --context. */
	context?: string;
	deps: TuiDeps;
}

export interface VariablesEdit {
	selected: number;
	draft?: string;
	/** Why the value typed was refused (names the pattern). */
	error?: string;
	/** Screen to go to when done. */
	then: Screen;
}

export interface TuiSnapshot {
	session: SessionState;
	screen: Screen;
	/** The screen help or a dialog returns to. */
	previousScreen: Screen;
	lessonIndex: number;
	trackIndex: number;
	variables: VariablesEdit;
	scroll: number;
	confirmQuit?: 'running' | 'jobs';
	/** A one-line message (notices from the session, saved, errors). */
	message?: string;
	outputVersion: number;
	/** The target being readied behind the first frame ("starting the practice cluster…"), or why it failed. */
	targetState: 'ready' | 'starting' | {error: string};
	/** The track chooser on first start (no track chosen yet, so none is marked as current). */
	firstTrackChoice: boolean;
	/** `policy explain` lines for the current step's egress check ('loading' while it runs). */
	explain?: {key: string; lines: string[] | 'loading'};
	/** Checks polling now, by lesson/step: when they started and how long they may poll (the step's timeout). */
	checking?: Record<string, {startedAt: string; timeoutSec: number}>;
	/** The full view (f) of the step: the whole command, output (from its log file), checks and explain; its first row. */
	fullView?: {scroll: number};
	/** The step view cut a region to fit the terminal: the footer offers the full view. */
	clipped?: boolean;
}

interface Tail {
	lines: OutputLine[];
	total: number;
}

export interface KeyBinding {
	keys: string;
	word: UiWord;
}

export type LessonRowView = {
	id: string;
	/** The NN of lessons/NN-name.yaml, as `cilium-lab list` shows it. */
	order: number;
	/** Completed steps whose state has gone (flagged by the re-check on resume). */
	stale: number;
	title: string;
	state: 'done' | 'current' | 'open' | 'locked';
	reason?: LockedReason;
	done: number;
	total: number;
};

const stepKey = (lessonId: string, stepId: string) => `${lessonId}/${stepId}`;

export class TuiController {
	private state: TuiSnapshot;
	private readonly listeners = new Set<() => void>();
	private readonly tails = new Map<string, Tail>();
	private readonly aborts = new Map<string, AbortController>();
	private readonly pending = new Set<Promise<unknown>>();
	private saving: Promise<void> = Promise.resolve();
	private maxScroll = 0;
	private fullMaxScroll = 0;
	/** Background job id of a step (lesson/step → JobManager id). */
	private readonly stepJobs = new Map<string, number>();
	private targetReady: Promise<void> = Promise.resolve();
	private baseEnv: Record<string, string | undefined>;
	private checkContext?: string;
	/** True while a command owns the terminal: SIGINT and SIGQUIT are the command's then. */
	handedOver = false;
	private exitResolve?: (code: number) => void;
	readonly exited: Promise<number>;
	/** Set while the terminal is handed over: main.tsx unmounts Ink, runs it, and mounts again. */
	onHandOver?: (run: () => Promise<void>, banner: string) => Promise<void>;

	constructor(private readonly options: ControllerOptions) {
		this.baseEnv = options.baseEnv;
		this.checkContext = options.context;
		const track = options.track ?? options.lab.tracks[0]?.id ?? 'k8s';
		const session = createSession({
			lab: options.lab,
			track,
			lang: options.lang,
			variables: options.variables,
			target: options.target,
			progress: options.progress,
		});
		const first: Screen = options.track === undefined ? 'tracks' : options.askVariables ? 'variables' : 'lessons';
		this.state = {
			session,
			screen: first,
			previousScreen: 'lessons',
			lessonIndex: 0,
			trackIndex: Math.max(0, options.lab.tracks.findIndex((candidate) => candidate.id === track)),
			variables: {selected: 0, then: 'lessons'},
			scroll: 0,
			outputVersion: 0,
			targetState: 'ready',
			firstTrackChoice: options.track === undefined,
		};
		this.state.lessonIndex = this.currentLessonIndex();
		this.exited = new Promise((resolve) => {
			this.exitResolve = resolve;
		});
		options.deps.jobs.subscribe(() => this.set({outputVersion: this.state.outputVersion + 1}));
	}

	/** Readies the target for `track` behind the screen; commands and checks wait for it. Calls run one after another. */
	prepareTarget(track: TrackId): Promise<void> {
		const prepare = this.options.deps.prepareTarget;
		if (!prepare) return this.targetReady;
		this.set({targetState: 'starting'});
		this.targetReady = this.targetReady.then(async () => {
			try {
				const prepared = await prepare(track);
				this.baseEnv = prepared.env;
				this.checkContext = prepared.context ?? this.options.context;
				this.set({targetState: 'ready'});
			} catch (error) {
				this.set({targetState: {error: error instanceof Error ? error.message : String(error)}});
			}
		});
		return this.targetReady;
	}

	/** Waits for the target; false (with the reason on screen) when it could not be readied. */
	private async targetUsable(): Promise<boolean> {
		await this.targetReady;
		return typeof this.state.targetState !== 'object';
	}

	// ── store ────────────────────────────────────────────────────────────────────
	subscribe = (listener: () => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	getSnapshot = (): TuiSnapshot => this.state;

	private set(patch: Partial<TuiSnapshot>) {
		this.state = {...this.state, ...patch};
		for (const listener of this.listeners) listener();
	}

	private dispatch(event: SessionEvent) {
		const session = reduce(this.state.session, event);
		if (session !== this.state.session) this.set({session});
	}

	/** Shows a one-line message (cleared by the next key). */
	say(message: string) {
		this.set({message});
	}

	readAsset(name: string): string {
		return this.options.deps.readAsset(name);
	}

	output(lessonId: string, stepId: string): Tail {
		return this.tails.get(stepKey(lessonId, stepId)) ?? {lines: [], total: 0};
	}

	setMaxScroll = (maxScroll: number) => {
		this.maxScroll = maxScroll;
		if (this.state.scroll > maxScroll) this.set({scroll: maxScroll});
	};

	/** How far the full view can scroll (reported by it, as the step view reports its body's range). */
	setFullMaxScroll = (maxScroll: number) => {
		this.fullMaxScroll = maxScroll;
		const view = this.state.fullView;
		if (view && view.scroll > maxScroll) this.set({fullView: {scroll: maxScroll}});
	};

	setClipped = (clipped: boolean) => {
		if (clipped !== Boolean(this.state.clipped)) this.set({clipped});
	};

	// ── views ────────────────────────────────────────────────────────────────────
	lessonRows(): LessonRowView[] {
		const session = this.state.session;
		return visibleLessons(session).map((lesson) => {
			const steps = visibleSteps(session, lesson.id);
			const status = lessonStatus(session, lesson.id);
			const done = steps.filter((step) => {
				const state = session.lessons[lesson.id]!.steps[step.id]!.status;
				return state === 'done' || state === 'solved' || state === 'stale';
			}).length;
			const isCurrent = session.current?.lessonId === lesson.id;
			const state = status === 'locked' ? 'locked' : status === 'done' ? 'done' : isCurrent ? 'current' : 'open';
			const stale = steps.filter((step) => session.lessons[lesson.id]!.steps[step.id]!.status === 'stale').length;
			return {
				id: lesson.id,
				order: lesson.order,
				stale,
				title: lesson.title[session.lang],
				state,
				reason: status === 'locked' ? lockedReason(session, lesson.id) : undefined,
				done,
				total: steps.length,
			};
		});
	}

	/** "00 preflight": a lesson as the list numbers it. */
	lessonLabel(id: string): string {
		const lesson = this.options.lab.lessons.find((candidate) => candidate.id === id);
		return lesson ? `${String(lesson.order).padStart(2, '0')} ${lesson.id}` : id;
	}

	progress() {
		const summary = progressSummary(this.state.session);
		return {done: summary.done + summary.solved, total: summary.total};
	}

	/** Background jobs still running (the status bar lists them with their start time). */
	jobs(): JobInfo[] {
		return this.options.deps.jobs.running();
	}

	/** The keys that do something right now, for the footer, the help panel and the input handler alike. */
	keys(): KeyBinding[] {
		const {screen, confirmQuit, session, variables} = this.state;
		if (confirmQuit) return [{keys: 'y', word: 'key.yes'}, {keys: 'n', word: 'key.no'}];
		switch (screen) {
			case 'tracks':
				return [
					{keys: '↑/↓', word: 'key.up-down'},
					{keys: 'Enter', word: 'key.enter-choose'},
					{keys: 'q', word: 'key.quit'},
				];
			case 'variables':
				if (variables.draft !== undefined) return [{keys: 'Enter', word: 'key.enter-save'}, {keys: 'Esc', word: 'key.esc-cancel'}];
				return [
					{keys: '↑/↓', word: 'key.up-down'},
					{keys: 'Enter', word: 'key.enter-edit'},
					{keys: 'Esc', word: 'variables.continue'},
					{keys: 'q', word: 'key.quit'},
				];
			case 'help':
				return [{keys: 'Esc', word: 'key.esc-back'}];
			case 'lessons':
				return [
					{keys: '↑/↓', word: 'key.up-down'},
					{keys: 'Enter', word: 'key.enter-open'},
					{keys: 't', word: 'key.track'},
					{keys: 'v', word: 'key.variables'},
					...(this.jobs().length > 0 ? [{keys: 'x', word: 'key.stop-job' as const}] : []),
					{keys: '?', word: 'key.help'},
					{keys: 'q', word: 'key.quit'},
				];
			case 'step': {
				const current = currentStep(session);
				if (!current) return [{keys: 'l', word: 'key.lessons'}, {keys: 'q', word: 'key.quit'}];
				const {lesson, step, state} = current;
				if (this.state.fullView) return [{keys: '↑/↓', word: 'key.full-scroll'}, {keys: 'f/Esc', word: 'key.full-close'}, {keys: 'q', word: 'key.quit'}];
				const busy = state.status === 'running' || state.status === 'checking';
				const keys: KeyBinding[] = [{keys: '↑/↓', word: 'key.scroll'}];
				if (this.state.clipped) keys.push({keys: 'f', word: 'key.full-view'});
				if (busy) keys.push({keys: 'x', word: 'key.cancel-run'});
				else if (this.jobs().length > 0) keys.push({keys: 'x', word: 'key.stop-job'});
				else if (state.status !== 'locked') {
					if (step.run) keys.push({keys: 'r', word: 'key.run'});
					if (step.expect.length > 0) keys.push({keys: 'c', word: 'key.check'});
					if (step.solve) keys.push({keys: 's', word: 'key.solve'});
					if (canAcknowledge(step) && state.status === 'ready') keys.push({keys: 'Enter', word: 'key.done-reading'});
				}
				if (state.hintsRevealed < step.hints.length) keys.push({keys: 'h', word: 'key.hint'});
				if (this.explainable(lesson.id, step)) keys.push({keys: 'e', word: 'key.explain'});
				// b (back) and v (variables) work here too; the footer leaves them to ? help so it fits one line at 100 columns.
				keys.push(
					{keys: 'o', word: 'key.shell'},
					{keys: 'n', word: 'key.next'},
					{keys: 'l', word: 'key.lessons'},
					{keys: '?', word: 'key.help'},
					{keys: 'q', word: 'key.quit'},
				);
				return keys;
			}
		}
	}

	// ── input ────────────────────────────────────────────────────────────────────
	/** One key press, as Ink's useInput reports it. */
	handleKey(input: string, key: {upArrow?: boolean; downArrow?: boolean; return?: boolean; escape?: boolean; ctrl?: boolean; backspace?: boolean; delete?: boolean; pageUp?: boolean; pageDown?: boolean}) {
		const {screen, confirmQuit} = this.state;
		if (key.ctrl && input === 'c') {
			if (this.cancelCurrent()) return;
			this.requestQuit();
			return;
		}
		if (confirmQuit) {
			if (input === 'y' || input === 'Y') void this.quit();
			else if (input === 'n' || input === 'N' || key.escape) this.set({confirmQuit: undefined});
			return;
		}
		if (this.state.message && screen !== 'variables') this.clearMessage();
		switch (screen) {
			case 'tracks':
				return this.keyTracks(input, key);
			case 'variables':
				return this.keyVariables(input, key);
			case 'help':
				return this.set({screen: this.state.previousScreen});
			case 'lessons':
				return this.keyLessons(input, key);
			case 'step':
				if (this.state.fullView) return this.keyFullView(input, key);
				return this.keyStep(input, key);
		}
	}

	private keyFullView(input: string, key: {upArrow?: boolean; downArrow?: boolean; escape?: boolean; pageUp?: boolean; pageDown?: boolean}) {
		const scroll = this.state.fullView?.scroll ?? 0;
		const to = (next: number) => this.set({fullView: {scroll: Math.max(0, Math.min(this.fullMaxScroll, next))}});
		if (key.upArrow) return to(scroll - 1);
		if (key.downArrow) return to(scroll + 1);
		if (key.pageUp) return to(scroll - 10);
		if (key.pageDown || input === ' ') return to(scroll + 10);
		if (input === 'f' || key.escape) return this.set({fullView: undefined});
		if (input === 'q') return this.requestQuit();
	}

	private clearMessage() {
		this.set({message: undefined});
		if (this.state.session.notice) this.dispatch({type: 'NOTICE_CLEARED'});
	}

	private keyTracks(input: string, key: {upArrow?: boolean; downArrow?: boolean; return?: boolean}) {
		const tracks = this.options.lab.tracks;
		if (key.upArrow) this.set({trackIndex: Math.max(0, this.state.trackIndex - 1)});
		else if (key.downArrow) this.set({trackIndex: Math.min(tracks.length - 1, this.state.trackIndex + 1)});
		else if (key.return) {
			const track = tracks[this.state.trackIndex];
			if (!track) return;
			const changed = track.id !== this.state.session.track;
			this.dispatch({type: 'TRACK_CHANGED', track: track.id});
			if (changed || this.options.track === undefined) void this.prepareTarget(track.id);
			const next: Screen = this.options.askVariables ? 'variables' : 'lessons';
			this.set({screen: next, variables: {selected: 0, then: 'lessons'}, lessonIndex: this.currentLessonIndex(), firstTrackChoice: false});
			this.persist();
		} else if (input === 'q') this.requestQuit();
	}

	private visibleVariables() {
		return variablesOnTrack(this.options.lab, this.state.session.track);
	}

	private keyVariables(input: string, key: {upArrow?: boolean; downArrow?: boolean; return?: boolean; escape?: boolean; backspace?: boolean; delete?: boolean; ctrl?: boolean}) {
		const edit = this.state.variables;
		const variables = this.visibleVariables();
		const variable = variables[edit.selected];
		if (edit.draft !== undefined) {
			if (key.escape) return this.set({variables: {...edit, draft: undefined, error: undefined}});
			if (key.return && variable) {
				if (checkVariableValue(variable, edit.draft)) {
					const refused = this.t('variables.invalid', {name: variable.name, value: JSON.stringify(edit.draft), pattern: variable.pattern});
					return this.set({variables: {...edit, error: refused}});
				}
				this.dispatch({type: 'VARIABLES_SET', values: {[variable.name]: edit.draft}});
				this.set({variables: {...edit, draft: undefined, error: undefined}});
				this.persist();
				return;
			}
			if (key.backspace || key.delete) return this.set({variables: {...edit, draft: edit.draft.slice(0, -1), error: undefined}});
			if (key.ctrl && input === 'u') return this.set({variables: {...edit, draft: '', error: undefined}});
			if (input && !key.ctrl && !key.upArrow && !key.downArrow && !/[\u0000-\u001f]/.test(input)) {
				return this.set({variables: {...edit, draft: edit.draft + input, error: undefined}});
			}
			return;
		}
		if (key.upArrow) this.set({variables: {...edit, selected: Math.max(0, edit.selected - 1)}});
		else if (key.downArrow) this.set({variables: {...edit, selected: Math.min(variables.length - 1, edit.selected + 1)}});
		else if (key.return && variable) {
			const value = this.state.session.variables[variable.name] ?? variable.default;
			this.set({variables: {...edit, draft: value, error: undefined}});
		} else if (key.escape) {
			// Defaults the learner kept are saved too, so commands always get every variable.
			const missing = Object.fromEntries(
				variables.filter((v) => this.state.session.variables[v.name] === undefined).map((v) => [v.name, v.default]),
			);
			if (Object.keys(missing).length > 0) this.dispatch({type: 'VARIABLES_SET', values: missing});
			this.persist();
			this.set({screen: edit.then});
		} else if (input === 'q') this.requestQuit();
	}

	private keyLessons(input: string, key: {upArrow?: boolean; downArrow?: boolean; return?: boolean}) {
		const rows = this.lessonRows();
		if (key.upArrow) this.set({lessonIndex: Math.max(0, this.state.lessonIndex - 1)});
		else if (key.downArrow) this.set({lessonIndex: Math.min(rows.length - 1, this.state.lessonIndex + 1)});
		else if (key.return) {
			const row = rows[this.state.lessonIndex];
			if (!row) return;
			this.dispatch({type: 'NAVIGATE', lessonId: row.id});
			if (!this.state.session.notice) this.set({screen: 'step', scroll: 0});
		} else if (input === 'x') this.stopNewestJob();
		else this.commonKey(input);
	}

	private commonKey(input: string) {
		if (input === 'q') this.requestQuit();
		else if (input === '?') this.set({screen: 'help', previousScreen: this.state.screen});
		else if (input === 'v') this.set({screen: 'variables', variables: {selected: 0, then: this.state.screen}});
		else if (input === 't' && this.state.screen === 'lessons') this.set({screen: 'tracks'});
		else if (input === 'l') this.set({screen: 'lessons', lessonIndex: this.currentLessonIndex()});
	}

	private keyStep(input: string, key: {upArrow?: boolean; downArrow?: boolean; return?: boolean; escape?: boolean; pageUp?: boolean; pageDown?: boolean}) {
		const current = currentStep(this.state.session);
		if (key.upArrow) return this.set({scroll: Math.max(0, this.state.scroll - 1)});
		if (key.downArrow) return this.set({scroll: Math.min(this.maxScroll, this.state.scroll + 1)});
		if (key.pageUp) return this.set({scroll: Math.max(0, this.state.scroll - 10)});
		if (key.pageDown) return this.set({scroll: Math.min(this.maxScroll, this.state.scroll + 10)});
		if (!current) return this.commonKey(input);
		const {lesson, step, state} = current;
		const busy = state.status === 'running' || state.status === 'checking';
		switch (input) {
			case 'x':
				if (!this.cancelCurrent()) this.stopNewestJob();
				return;
			case 'e':
				if (this.explainable(lesson.id, step)) void this.explain(lesson.id, step);
				return;
			case 'f':
				this.set({fullView: {scroll: 0}});
				return;
			case 'r':
				if (!busy && step.run) void this.startRun(lesson.id, step, 'run');
				else if (busy) this.dispatchBusy(lesson.id, step.id);
				return;
			case 's':
				if (!busy && step.solve) void this.startRun(lesson.id, step, 'solve');
				else if (busy) this.dispatchBusy(lesson.id, step.id);
				return;
			case 'c':
				if (!busy && step.expect.length > 0) void this.startChecks(lesson.id, step);
				return;
			case 'h':
				this.dispatch({type: 'HINT_REVEALED', lessonId: lesson.id, stepId: step.id});
				return;
			case 'o':
				void this.openShell();
				return;
			case 'n':
				this.dispatch({type: 'NAVIGATE_NEXT'});
				this.set({scroll: 0});
				return;
			case 'b':
				this.dispatch({type: 'NAVIGATE_BACK'});
				this.set({scroll: 0});
				return;
		}
		if (key.return && canAcknowledge(step) && state.status === 'ready') {
			this.clearMessage();
			this.dispatch({type: 'STEP_ACKNOWLEDGED', lessonId: lesson.id, stepId: step.id, at: now()});
			this.persist();
			return;
		}
		if (key.escape) return this.set({screen: 'lessons', lessonIndex: this.currentLessonIndex()});
		this.commonKey(input);
	}

	private dispatchBusy(lessonId: string, stepId: string) {
		this.set({session: {...this.state.session, notice: {kind: 'busy', lessonId, stepId}}});
	}

	private currentLessonIndex(): number {
		const id = this.state.session.current?.lessonId;
		return Math.max(0, visibleLessons(this.state.session).findIndex((lesson) => lesson.id === id));
	}

	// ── commands and checks ──────────────────────────────────────────────────────
	/** The environment of the lab's commands: the target's, the variables, LAB_ASSETS and LAB_HOME. */
	commandEnv(): Record<string, string> {
		return commandEnvironment({
			base: this.baseEnv,
			variables: this.state.session.variables,
			assetsDir: this.options.lab.assetsDir,
			home: this.options.home,
		});
	}

	private track<T>(promise: Promise<T>): Promise<T> {
		this.pending.add(promise);
		void promise.finally(() => this.pending.delete(promise));
		return promise;
	}

	async startRun(lessonId: string, step: Step, activity: 'run' | 'solve'): Promise<void> {
		const script = activity === 'run' ? step.run : step.solve;
		if (!script) return;
		const key = stepKey(lessonId, step.id);
		if (this.stepJobs.has(key)) return this.set({message: undefined, session: {...this.state.session, notice: {kind: 'busy', lessonId, stepId: step.id}}});
		if (!(await this.targetUsable())) return;
		const logFile = await this.options.deps.logFileFor(`${lessonId}-${step.id}${activity === 'solve' ? '-solve' : ''}`);
		this.dispatch({type: activity === 'run' ? 'STEP_STARTED' : 'SOLVE_STARTED', lessonId, stepId: step.id, at: now(), logFile});
		if (this.state.session.lessons[lessonId]?.steps[step.id]?.status !== 'running') return; // refused (locked)

		if (activity === 'run' && step.mode === 'interactive') {
			let outcome: RunOutcome = {kind: 'failedToStart', message: 'the terminal could not be handed over', durationMs: 0};
			await this.handOverTerminal(async () => {
				outcome = await this.options.deps.runInteractive(script, this.commandEnv());
			}, [this.t('handover.step'), ...script.trim().split('\n').map((line, index) => `${index === 0 ? '$' : ' '} ${line}`)].join('\n'));
			this.dispatch({type: 'OUTPUT_EXITED', lessonId, stepId: step.id, at: now(), outcome});
			return this.afterRun(lessonId, step);
		}
		if (activity === 'run' && step.mode === 'background') return this.startBackground(lessonId, step, script, logFile);

		const tail: Tail = {lines: [], total: 0};
		this.tails.set(key, tail);
		const abort = new AbortController();
		this.aborts.set(key, abort);
		const run = this.options.deps.runCommand({
			script,
			env: this.commandEnv(),
			timeoutMs: step.timeout * 1000,
			signal: abort.signal,
			logFile,
			onLines: (lines) => {
				// Batched by the runner; the tail stays bounded whatever the command prints.
				tail.total += lines.length;
				const kept = lines.length >= OUTPUT_TAIL_MAX ? lines.slice(-OUTPUT_TAIL_MAX) : lines;
				tail.lines = tail.lines.length + kept.length > OUTPUT_TAIL_MAX ? [...tail.lines, ...kept].slice(-OUTPUT_TAIL_MAX) : [...tail.lines, ...kept];
				this.set({outputVersion: this.state.outputVersion + 1});
			},
		});
		if (activity === 'run' && step.mode === 'background' && step.expect.length > 0) {
			// The checks decide while the command keeps running (a port-forward never exits by itself).
			void this.track(this.startChecks(lessonId, step));
		}
		const outcome = await this.track(
			run.catch((error: unknown): RunOutcome => ({kind: 'failedToStart', message: error instanceof Error ? error.message : String(error), durationMs: 0})),
		);
		this.aborts.delete(key);
		this.dispatch({type: 'OUTPUT_EXITED', lessonId, stepId: step.id, at: now(), outcome});
		await this.afterRun(lessonId, step);
	}

	/** A background step: a JobManager job that outlives the step view; its checks decide while it runs. */
	private async startBackground(lessonId: string, step: Step, script: string, logFile: string | undefined) {
		const key = stepKey(lessonId, step.id);
		const tail: Tail = {lines: [], total: 0};
		this.tails.set(key, tail);
		const jobs = this.options.deps.jobs;
		await jobs.ready?.();
		const job = jobs.start({name: step.id, script, env: this.commandEnv(), logFile});
		this.stepJobs.set(key, job.id);
		let lastLine: string | undefined;
		const unsubscribe = jobs.subscribe(() => {
			const info = jobs.list().find((candidate) => candidate.id === job.id);
			if (!info) return;
			if (info.lastLine !== undefined && info.lastLine !== lastLine) {
				lastLine = info.lastLine;
				tail.total += 1;
				tail.lines = [...tail.lines, {stream: 'output' as const, text: info.lastLine}].slice(-OUTPUT_TAIL_MAX);
			}
			if (info.outcome) {
				unsubscribe();
				this.stepJobs.delete(key);
				this.dispatch({type: 'OUTPUT_EXITED', lessonId, stepId: step.id, at: now(), outcome: info.outcome});
				void this.afterRun(lessonId, step);
			}
		});
		if (step.expect.length > 0) await this.track(this.startChecks(lessonId, step));
		else {
			this.dispatch({type: 'STEP_ACKNOWLEDGED', lessonId, stepId: step.id, at: now()});
			this.persist();
		}
	}

	private async afterRun(lessonId: string, step: Step) {
		const status = this.state.session.lessons[lessonId]?.steps[step.id]?.status;
		if (status === 'checking' && !this.aborts.has(stepKey(lessonId, step.id) + '#checks')) await this.startChecks(lessonId, step);
		else this.persist();
	}

	async startChecks(lessonId: string, step: Step): Promise<void> {
		const key = stepKey(lessonId, step.id) + '#checks';
		if (this.aborts.has(key)) return;
		this.dispatch({type: 'CHECKS_STARTED', lessonId, stepId: step.id});
		if (this.state.session.lessons[lessonId]?.steps[step.id]?.status !== 'checking') return;
		const abort = new AbortController();
		this.aborts.set(key, abort);
		if (this.state.explain?.key === stepKey(lessonId, step.id)) this.set({explain: undefined});
		this.set({checking: {...this.state.checking, [stepKey(lessonId, step.id)]: {startedAt: now(), timeoutSec: step.timeout}}});
		try {
			await this.targetReady;
			const results = await this.track(
				this.options.deps.runChecks({
					specs: step.expect,
					timeoutSec: step.timeout,
					env: this.commandEnv(),
					variables: this.state.session.variables,
					lang: this.state.session.lang,
					context: this.checkContext,
					signal: abort.signal,
					onUpdate: (index, result, final) => this.dispatch({type: 'CHECK_UPDATED', lessonId, stepId: step.id, index, result, final}),
				}),
			);
			this.dispatch({type: 'CHECKS_FINISHED', lessonId, stepId: step.id, at: now(), results});
		} catch (error) {
			const summary = abort.signal.aborted ? 'cancelled' : error instanceof Error ? error.message : String(error);
			this.dispatch({
				type: 'CHECKS_FINISHED',
				lessonId,
				stepId: step.id,
				at: now(),
				results: step.expect.map(() => ({ok: false, summary})),
			});
		} finally {
			this.aborts.delete(key);
			const {[stepKey(lessonId, step.id)]: _finished, ...stillChecking} = this.state.checking ?? {};
			this.set({checking: stillChecking});
		}
		this.persist();
	}

	/** Re-checks completed steps on resume; those whose state has gone are flagged stale. */
	async reverify(): Promise<void> {
		if (!(await this.targetUsable())) return;
		for (const cursor of stepsToReverify(this.state.session)) {
			const step = this.options.lab.lessons.find((lesson) => lesson.id === cursor.lessonId)?.steps.find((s) => s.id === cursor.stepId);
			if (!step) continue;
			const abort = new AbortController();
			try {
				const results = await this.track(
					this.options.deps.runChecks({
						specs: step.expect.map((spec) => ({...spec, timeout: 0})),
						timeoutSec: 0,
						env: this.commandEnv(),
						variables: this.state.session.variables,
						lang: this.state.session.lang,
						context: this.checkContext,
						signal: abort.signal,
						onUpdate: () => {},
					}),
				);
				const failed = results.find((result) => !result.ok);
				this.dispatch({type: 'RESUME_VERIFIED', ...cursor, ok: !failed, reason: failed?.summary, results});
			} catch {
				// Unable to check is not the same as gone: leave the step as it was.
			}
		}
		this.persist();
	}

	/** Cancels what the current step is doing (its command, else its checks). True when something was cancelled. */
	cancelCurrent(): boolean {
		const cursor = this.state.session.current;
		if (!cursor) return false;
		const key = stepKey(cursor.lessonId, cursor.stepId);
		const abort = this.aborts.get(key) ?? this.aborts.get(key + '#checks');
		if (!abort) return false;
		abort.abort();
		return true;
	}

	/** Stops the current step's background job, else the newest one. */
	stopNewestJob(): boolean {
		const cursor = this.state.session.current;
		const own = cursor ? this.stepJobs.get(stepKey(cursor.lessonId, cursor.stepId)) : undefined;
		const job = own !== undefined ? this.jobs().find((candidate) => candidate.id === own) : this.jobs().at(-1);
		if (!job) return false;
		this.set({message: this.t('jobs.stopping', {name: job.name})});
		void this.options.deps.jobs.stop(job.id);
		return true;
	}

	private t(key: UiWord, params?: Record<string, string | number>): string {
		return msg(this.state.session.lang, key, params);
	}

	/** An egress check on the practice cluster failed, or passed while the learner asks why: `policy explain` can say why. */
	explainable(lessonId: string, step: Step): boolean {
		if (!this.options.deps.explainEgress || this.state.session.target.kind !== 'practice') return false;
		const rows = this.state.session.lessons[lessonId]?.steps[step.id]?.checks ?? [];
		return rows.some((row) => row.spec.kind === 'egress' && (row.state === 'failed' || row.state === 'passed'));
	}

	/** Runs `policy explain` for the step's egress checks (failed ones first) and shows it under the checks. */
	async explain(lessonId: string, step: Step): Promise<void> {
		const explainEgress = this.options.deps.explainEgress;
		if (!explainEgress) return;
		const key = stepKey(lessonId, step.id);
		if (this.state.explain?.key === key && this.state.explain.lines !== 'loading') return this.set({explain: undefined});
		const rows = this.state.session.lessons[lessonId]?.steps[step.id]?.checks ?? [];
		const egress = rows.filter((row) => row.spec.kind === 'egress' && row.state !== 'pending' && row.state !== 'running');
		const ordered = [...egress.filter((row) => row.state === 'failed'), ...egress.filter((row) => row.state !== 'failed')];
		this.set({explain: {key, lines: 'loading'}});
		const out: string[] = [];
		for (const row of ordered) {
			const spec = expandCheckSpec(row.spec, this.state.session.variables).spec as CheckSpec & {namespace: string; pod?: string; selector?: string; url: string};
			try {
				const explained = await this.track(explainEgress({namespace: spec.namespace, pod: spec.pod, selector: spec.selector, url: spec.url, env: this.commandEnv()}));
				out.push(`$ cilium-lab policy explain --from ${spec.namespace}/${spec.pod ?? spec.selector ?? '?'} --to ${spec.url}`, ...explained);
			} catch (error) {
				out.push(`${spec.url}: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
		if (this.state.explain?.key === key) this.set({explain: {key, lines: out}});
	}

	private async openShell() {
		if (!(await this.targetUsable())) return;
		const target =
			this.state.session.target.kind === 'practice'
				? this.t('status.target-practice')
				: this.t('status.target-real', {context: this.checkContext ?? this.t('status.current-context')});
		await this.handOverTerminal(async () => {
			await this.options.deps.runInteractive(SHELL_SCRIPT, {...this.commandEnv(), CILIUM_LAB_PS1: '(cilium-lab) \\w \\$ '});
		}, [this.t('handover.shell'), this.t('handover.shell-target', {target})].join('\n'));
	}

	/** `banner`: what the terminal shows above the command, on a cleared screen, so it is not read as part of the TUI. */
	private async handOverTerminal(run: () => Promise<void>, banner: string) {
		this.handedOver = true;
		try {
			if (this.onHandOver) await this.onHandOver(run, banner);
			else await run();
		} finally {
			this.handedOver = false;
		}
	}

	// ── leaving ──────────────────────────────────────────────────────────────────
	requestQuit() {
		if (busySteps(this.state.session).some((cursor) => !this.stepJobs.has(stepKey(cursor.lessonId, cursor.stepId)))) return this.set({confirmQuit: 'running'});
		if (this.jobs().length > 0) return this.set({confirmQuit: 'jobs'});
		void this.quit();
	}

	/** Stops every command and background job, saves, and ends the TUI. */
	async quit(code = 0): Promise<void> {
		for (const abort of this.aborts.values()) abort.abort();
		await Promise.allSettled([...this.pending, this.options.deps.jobs.stopAll()]);
		this.persist();
		await this.saving;
		this.exitResolve?.(code);
	}

	/** Stops everything without waiting for a save (a signal from outside). */
	abortAll() {
		for (const abort of this.aborts.values()) abort.abort();
		void this.options.deps.jobs.stopAll();
	}

	persist() {
		const session = this.state.session;
		const snapshot = {track: session.track, variables: session.variables, lessons: toProgressLessons(session)};
		this.saving = this.saving
			.then(() => this.options.deps.saveProgress(snapshot))
			.catch((error: unknown) => this.set({message: `progress not saved: ${error instanceof Error ? error.message : String(error)}`}));
	}

	/** Resolves once nothing is running (tests). */
	async settled(): Promise<void> {
		while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
		await this.saving;
	}
}

/**
 * The `o` shell: the learner's ~/.bashrc, then the lab's prompt (an interactive bash reads ~/.bashrc after the
 * environment, so a PS1 passed in the environment would be overwritten by it).
 */
export const SHELL_SCRIPT = `exec bash --rcfile <(printf '%s\\n' '[ -f ~/.bashrc ] && . ~/.bashrc' 'PS1=$CILIUM_LAB_PS1') -i`;

function canAcknowledge(step: Step): boolean {
	return step.expect.length === 0 && (!step.run || step.mode === 'read');
}

function now(): string {
	return new Date().toISOString();
}
