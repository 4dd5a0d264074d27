// The TUI's state outside React: the session (src/session's reducer), which screen is shown, the output of
// commands, and the commands and checks under way. It lives outside the Ink tree so that handing the terminal
// to an interactive command (which unmounts Ink) and coming back loses nothing.
import type {CheckResult} from '../checks/types.js';
import type {CheckSpec, Lab, Lang, Step, TrackId} from '../lab/types.js';
import type {OutputLine, RunOutcome} from '../run/types.js';
import {checkVariableValue, commandEnvironment, variablesOnTrack} from '../lab/variables.js';
import {
	backgroundJobs,
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
import type {UiWord} from './words.js';

export type Screen = 'tracks' | 'variables' | 'lessons' | 'step' | 'help';

export interface RunRequest {
	script: string;
	env: Record<string, string>;
	timeoutMs?: number;
	signal: AbortSignal;
	onLines: (lines: OutputLine[]) => void;
	logFile?: string;
}

export interface CheckRequest {
	specs: CheckSpec[];
	/** Seconds the checks may keep polling (the step's timeout). */
	timeoutSec: number;
	env: Record<string, string>;
	lang: Lang;
	context?: string;
	signal: AbortSignal;
	onUpdate: (index: number, result: CheckResult, final: boolean) => void;
}

/** What the TUI does to the world. main.tsx wires the real ones; tests pass their own. */
export interface TuiDeps {
	runCommand(request: RunRequest): Promise<RunOutcome>;
	runChecks(request: CheckRequest): Promise<CheckResult[]>;
	/** Gives the terminal to `script` (stdio inherited) and resolves with its exit code once it is back. */
	handOver(script: string, env: Record<string, string>): Promise<number>;
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
	error?: boolean;
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
	private exitResolve?: (code: number) => void;
	readonly exited: Promise<number>;
	/** Set while the terminal is handed over: main.tsx unmounts Ink, runs it, and mounts again. */
	onHandOver?: (run: () => Promise<void>) => Promise<void>;

	constructor(private readonly options: ControllerOptions) {
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
		};
		this.state.lessonIndex = this.currentLessonIndex();
		this.exited = new Promise((resolve) => {
			this.exitResolve = resolve;
		});
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
			return {
				id: lesson.id,
				title: lesson.title[session.lang],
				state,
				reason: status === 'locked' ? lockedReason(session, lesson.id) : undefined,
				done,
				total: steps.length,
			};
		});
	}

	progress() {
		const summary = progressSummary(this.state.session);
		return {done: summary.done + summary.solved, total: summary.total};
	}

	jobs(): string[] {
		return backgroundJobs(this.state.session).map((job) => job.stepId);
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
					{keys: '?', word: 'key.help'},
					{keys: 'q', word: 'key.quit'},
				];
			case 'step': {
				const current = currentStep(session);
				if (!current) return [{keys: 'l', word: 'key.lessons'}, {keys: 'q', word: 'key.quit'}];
				const {step, state} = current;
				const busy = state.status === 'running' || state.status === 'checking';
				const keys: KeyBinding[] = [{keys: '↑/↓', word: 'key.scroll'}];
				if (busy) keys.push({keys: 'x', word: 'key.cancel-run'});
				else if (state.status !== 'locked') {
					if (step.run) keys.push({keys: 'r', word: 'key.run'});
					if (step.expect.length > 0) keys.push({keys: 'c', word: 'key.check'});
					if (step.solve) keys.push({keys: 's', word: 'key.solve'});
					if (canAcknowledge(step) && state.status === 'ready') keys.push({keys: 'Enter', word: 'key.done-reading'});
				}
				if (state.hintsRevealed < step.hints.length) keys.push({keys: 'h', word: 'key.hint'});
				keys.push(
					{keys: 'o', word: 'key.shell'},
					{keys: 'n', word: 'key.next'},
					{keys: 'b', word: 'key.back'},
					{keys: 'l', word: 'key.lessons'},
					{keys: 'v', word: 'key.variables'},
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
				return this.keyStep(input, key);
		}
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
			this.dispatch({type: 'TRACK_CHANGED', track: track.id});
			const next: Screen = this.options.askVariables ? 'variables' : 'lessons';
			this.set({screen: next, variables: {selected: 0, then: 'lessons'}, lessonIndex: this.currentLessonIndex()});
			this.persist();
		} else if (input === 'q') this.requestQuit();
	}

	private visibleVariables() {
		return variablesOnTrack(this.options.lab, this.state.session.track);
	}

	private keyVariables(input: string, key: {upArrow?: boolean; downArrow?: boolean; return?: boolean; escape?: boolean; backspace?: boolean; delete?: boolean}) {
		const edit = this.state.variables;
		const variables = this.visibleVariables();
		const variable = variables[edit.selected];
		if (edit.draft !== undefined) {
			if (key.escape) return this.set({variables: {...edit, draft: undefined, error: false}});
			if (key.return && variable) {
				if (checkVariableValue(variable, edit.draft)) return this.set({variables: {...edit, error: true}});
				this.dispatch({type: 'VARIABLES_SET', values: {[variable.name]: edit.draft}});
				this.set({variables: {...edit, draft: undefined, error: false}});
				this.persist();
				return;
			}
			if (key.backspace || key.delete) return this.set({variables: {...edit, draft: edit.draft.slice(0, -1), error: false}});
			if (input && !key.upArrow && !key.downArrow && !/[\u0000-\u001f]/.test(input)) {
				return this.set({variables: {...edit, draft: edit.draft + input, error: false}});
			}
			return;
		}
		if (key.upArrow) this.set({variables: {...edit, selected: Math.max(0, edit.selected - 1)}});
		else if (key.downArrow) this.set({variables: {...edit, selected: Math.min(variables.length - 1, edit.selected + 1)}});
		else if (key.return && variable) {
			const value = this.state.session.variables[variable.name] ?? variable.default;
			this.set({variables: {...edit, draft: value, error: false}});
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
		} else this.commonKey(input);
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
				this.cancelCurrent();
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
			base: this.options.baseEnv,
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
		const logFile = await this.options.deps.logFileFor(`${lessonId}-${step.id}${activity === 'solve' ? '-solve' : ''}`);
		this.dispatch({type: activity === 'run' ? 'STEP_STARTED' : 'SOLVE_STARTED', lessonId, stepId: step.id, at: now(), logFile});
		if (this.state.session.lessons[lessonId]?.steps[step.id]?.status !== 'running') return; // refused (locked)

		if (activity === 'run' && step.mode === 'interactive') {
			const started = Date.now();
			let exitCode = 1;
			await this.handOverTerminal(async () => {
				exitCode = await this.options.deps.handOver(script, this.commandEnv());
			});
			this.dispatch({type: 'OUTPUT_EXITED', lessonId, stepId: step.id, at: now(), outcome: {kind: 'exited', exitCode, durationMs: Date.now() - started}});
			return this.afterRun(lessonId, step);
		}

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
		try {
			const results = await this.track(
				this.options.deps.runChecks({
					specs: step.expect,
					timeoutSec: step.timeout,
					env: this.commandEnv(),
					lang: this.state.session.lang,
					context: this.options.context,
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
		}
		this.persist();
	}

	/** Re-checks completed steps on resume; those whose state has gone are flagged stale. */
	async reverify(): Promise<void> {
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
						lang: this.state.session.lang,
						context: this.options.context,
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

	private async openShell() {
		await this.handOverTerminal(async () => {
			await this.options.deps.handOver('exec bash -i', {...this.commandEnv(), PS1: '(cilium-lab) \\w \\$ '});
		});
	}

	private async handOverTerminal(run: () => Promise<void>) {
		if (this.onHandOver) await this.onHandOver(run);
		else await run();
	}

	// ── leaving ──────────────────────────────────────────────────────────────────
	requestQuit() {
		if (busySteps(this.state.session).some((cursor) => !this.isBackground(cursor))) return this.set({confirmQuit: 'running'});
		if (this.jobs().length > 0) return this.set({confirmQuit: 'jobs'});
		void this.quit();
	}

	private isBackground(cursor: {lessonId: string; stepId: string}) {
		return backgroundJobs(this.state.session).some((job) => job.lessonId === cursor.lessonId && job.stepId === cursor.stepId);
	}

	/** Stops every command and background job, saves, and ends the TUI. */
	async quit(code = 0): Promise<void> {
		for (const abort of this.aborts.values()) abort.abort();
		await Promise.allSettled([...this.pending]);
		this.persist();
		await this.saving;
		this.exitResolve?.(code);
	}

	/** Stops everything without waiting for a save (a signal from outside). */
	abortAll() {
		for (const abort of this.aborts.values()) abort.abort();
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

function canAcknowledge(step: Step): boolean {
	return step.expect.length === 0 && (!step.run || step.mode === 'read');
}

function now(): string {
	return new Date().toISOString();
}
