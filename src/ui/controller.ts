// The TUI's state outside React: which screen is shown, the one key table, and the hand-over of the terminal.
// What a step does (run, solve, checks, re-checks, cancel, going back, reset) is the step driver's
// (src/session/driver.ts), shared with `cilium-lab run`; this file turns keys into driver calls and driver events
// into snapshots. It lives outside the Ink tree so that handing the terminal to an interactive command (which
// unmounts Ink) and coming back loses nothing.
import path from 'node:path';
import type {Lang, Step, TrackId} from '../lab/types.js';
import {describeErrno} from '../errors.js';
import type {JobInfo, OutputLine, RunOutcome} from '../run/types.js';
import {commandEnvironment} from '../lab/variables.js';
import {labHomeId} from '../home.js';
import {followClusterCosts} from '../cost/track.js';
import {followFailures} from '../workshop/failures.js';
import {runningCostLines} from '../cost/ledger.js';
import {createSession, currentStep, hasPassed, progressSummary, toProgressLessons, visibleLessons, type Cursor, type SessionEvent} from '../session/index.js';
import {StepDriver, type DriverEvent, type ResetReport} from '../session/driver.js';
import {msg, t as localized} from '../lab/i18n.js';
import type {UiWord} from './i18n.js';
import {bind, dispatchKey, upDown, type KeyBinding, type KeyPress} from './keys.js';
import {lessonRows, type LessonRowView} from './views.js';
import {VariablesEditor} from './variables-editor.js';
import {explainStep, isExplainable} from './explain.js';
import {describeConfirm} from './dialogs.js';
import {describeOutcome} from '../session/outcome.js';
import {typedConfirms, type EffectConfirmation} from '../session/confirm.js';
import type {ControllerOptions, Screen, TuiSnapshot} from './types.js';

export type {CheckRequest, Confirm, ControllerOptions, ExplainRequest, JobsPort, PreparedTarget, RunRequest, Screen, TuiDeps, TuiSnapshot, VariablesEdit} from './types.js';
export type {KeyBinding, LessonRowView};

const stepKey = (ref: Cursor) => `${ref.lessonId}/${ref.stepId}`;

export class TuiController {
	private state: TuiSnapshot;
	readonly driver: StepDriver;
	private readonly listeners = new Set<() => void>();
	private saving: Promise<void> = Promise.resolve();
	private maxScroll = 0;
	private fullMaxScroll = 0;
	private targetReady: Promise<void> = Promise.resolve();
	private baseEnv: Record<string, string | undefined>;
	private checkContext?: string;
	private readonly variablesEditor: VariablesEditor;
	/** True while a command owns the terminal: SIGINT and SIGQUIT are the command's then. */
	handedOver = false;
	/** Why the last progress save failed (cleared by one that worked): said again when the app exits with it unsaved. */
	unsaved: string | undefined;
	private exitResolve?: (code: number) => void;
	readonly exited: Promise<number>;
	/** Answers the confirmation of a step with effects that is on screen now. */
	private effectsAnswer?: (yes: boolean) => void;
	/** Set while the terminal is handed over: main.tsx unmounts Ink, runs it, and mounts again. */
	onHandOver?: (run: () => Promise<void>, banner: string) => Promise<void>;

	constructor(private readonly options: ControllerOptions) {
		this.baseEnv = options.baseEnv;
		this.checkContext = options.context;
		const track = options.track ?? options.lab.tracks[0]?.id ?? 'k8s';
		const {deps} = options;
		this.driver = new StepDriver({
			session: createSession({lab: options.lab, track, lang: options.lang, variables: options.variables, target: options.target, progress: options.progress}),
			ports: {
				runCommand: deps.runCommand,
				runChecks: deps.runChecks,
				runInteractive: (request) => this.runInteractiveStep(request.script, request.env),
				jobs: deps.jobs,
				logFileFor: deps.logFileFor,
				identify: deps.identify,
				inspectAzure: deps.inspectAzure,
				portHolder: deps.portHolder,
				confirmEffects: (need) => this.askEffects(need),
			},
			environment: async () => ((await this.targetUsable()) ? {env: this.commandEnv(), context: this.checkContext} : undefined),
		});
		this.driver.subscribe((event) => this.onDriverEvent(event));
		followClusterCosts(this.driver, options.home);
		followFailures(this.driver, options.home);
		const first: Screen = options.track === undefined ? 'tracks' : options.askVariables ? 'variables' : 'lessons';
		this.state = {
			session: this.driver.getState(),
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
		// A cluster the lab made on the real target and has not deleted: how long it has run, what it cost (any target).
		const running = runningCostLines(options.lang, options.home);
		if (running.length > 0) this.state.message = running.join('\n');
		this.variablesEditor = new VariablesEditor({
			lab: options.lab,
			get: () => ({edit: this.state.variables, session: this.state.session}),
			set: (variables) => this.set({variables}),
			save: (values) => {
				if (Object.keys(values).length > 0) this.dispatch({type: 'VARIABLES_SET', values});
				this.persist();
			},
			done: () => this.set({screen: this.state.variables.then}),
		});
		this.exited = new Promise((resolve) => {
			this.exitResolve = resolve;
		});
		deps.jobs.subscribe(() => this.bump());
	}

	private onDriverEvent(event: DriverEvent) {
		switch (event.type) {
			case 'session':
				return this.set({session: event.state});
			case 'output':
				return this.bump();
			case 'housekeeping':
				if (event.phase === 'started') return this.say(this.t('goback.running', {what: event.what, step: stepKey(event.of)}));
				return this.bump();
			case 'checking': {
				const key = stepKey(event);
				return this.set({
					checking: {...this.state.checking, [key]: {startedAt: event.startedAt, timeoutSec: event.timeoutSec}},
					explain: this.state.explain?.key === key ? undefined : this.state.explain,
				});
			}
			case 'checked': {
				const {[stepKey(event)]: _finished, ...still} = this.state.checking ?? {};
				return this.set({checking: still});
			}
			case 'progress':
				return this.persist();
			case 'declined':
				return this.say(this.t('confirm.declined', {step: stepKey(event)}));
		}
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
				this.set({targetState: 'ready', ...(prepared.warning ? {message: prepared.warning} : {})});
			} catch (error) {
				this.set({targetState: {error: error instanceof Error ? error.message : String(error)}});
			}
		});
		return this.targetReady;
	}

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

	/** The workshop reporter's connection (--join), shown in the status bar. */
	setWorkshop(status: NonNullable<TuiSnapshot['workshop']>) {
		if (this.state.workshop !== status) this.set({workshop: status});
	}

	/** The workshop facilitator's last word (a message, a hint, the room held or released), shown in the status bar. */
	setFacilitator(facilitator: NonNullable<TuiSnapshot['facilitator']>) {
		this.set({facilitator});
	}

	private set(patch: Partial<TuiSnapshot>) {
		this.state = {...this.state, ...patch};
		for (const listener of this.listeners) listener();
	}

	private bump() {
		this.set({outputVersion: this.state.outputVersion + 1});
	}

	private dispatch(event: SessionEvent) {
		this.driver.dispatch(event);
	}

	/** Shows a one-line message (cleared by the next key). */
	say(message: string) {
		this.set({message});
	}

	readAsset(name: string): string {
		return this.options.deps.readAsset(name);
	}

	output(lessonId: string, stepId: string): {lines: OutputLine[]; total: number} {
		const tail = this.driver.output({lessonId, stepId});
		return {lines: tail.lines(), total: tail.totalLines};
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
		return lessonRows(this.state.session);
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

	/** The question waiting for y/n, in the learner's words. */
	dialogText(): string | undefined {
		return this.state.confirm && describeConfirm(this.state.confirm, {lang: this.state.session.lang, track: this.state.session.track, jobs: this.jobs().length, lessonLabel: (id) => this.lessonLabel(id)});
	}

	// ── keys ─────────────────────────────────────────────────────────────────────
	/** The keys in the footer now. */
	keys(): KeyBinding[] {
		return this.bindings().filter((binding) => binding.footer !== false);
	}

	/** Every key of the screen `?` was opened from, for the help panel. */
	helpKeys(): KeyBinding[] {
		return this.bindings(this.state.previousScreen);
	}

	/** The one key table: what each key does on `screen` right now. */
	bindings(screen: Screen = this.state.screen): KeyBinding[] {
		const {confirm, variables} = this.state;
		if (confirm?.kind === 'effects') {
			if (confirm.need.typedNames.length > 0) {
				return [bind('enter', 'key.enter-confirm', () => this.submitTyped()), bind('esc', 'key.esc-cancel', () => this.answerEffects(false))];
			}
			return [bind('y', 'key.yes', () => this.answerEffects(true)), bind('n', 'key.no', () => this.answerEffects(false)), bind('esc', 'key.esc-cancel', () => this.answerEffects(false), {footer: false})];
		}
		if (confirm) {
			// go-back and track-switch have three answers (n goes on without going back); the others two.
			const third = confirm.kind === 'go-back' || confirm.kind === 'track-switch';
			return [
				bind('y', 'key.yes', () => this.answer('yes')),
				bind('n', 'key.no', () => this.answer(third ? 'no' : 'cancel')),
				bind('esc', 'key.esc-cancel', () => this.answer('cancel'), {footer: third}),
			];
		}
		const help = bind('?', 'key.help', () => this.set({screen: 'help', previousScreen: this.state.screen}));
		const quit = bind('q', 'key.quit', () => this.requestQuit());
		const toLessons = bind('l', 'key.lessons', () => this.set({screen: 'lessons', lessonIndex: this.currentLessonIndex()}));
		const toVariables = (footer?: boolean) => bind('v', 'key.variables', () => this.set({screen: 'variables', variables: {selected: 0, then: this.state.screen}}), {footer});
		const stopJob = this.jobs().length > 0 ? [bind('x', 'key.stop-job', () => this.stopNewestJob())] : [];
		switch (screen) {
			case 'tracks':
				return [
					upDown('key.up-down', (delta) => this.set({trackIndex: clamp(this.state.trackIndex + delta, this.options.lab.tracks.length)})),
					bind('enter', 'key.enter-choose', () => this.chooseTrack()),
					// Opened with t from the lesson list: Esc keeps the track (on first start there is none to keep).
					...(this.state.firstTrackChoice ? [] : [bind('esc', 'key.esc-back', () => this.leaveTrackChooser())]),
					quit,
				];
			case 'variables':
				if (variables.draft !== undefined) return [bind('enter', 'key.enter-save', () => this.variablesEditor.save()), bind('esc', 'key.esc-cancel', () => this.variablesEditor.cancel())];
				return [upDown('key.up-down', (delta) => this.variablesEditor.move(delta)), bind('enter', 'key.enter-edit', () => this.variablesEditor.edit()), bind('esc', 'variables.continue', () => this.variablesEditor.finish()), quit];
			case 'help':
				return [bind('esc', 'key.esc-back', () => this.set({screen: this.state.previousScreen}))];
			case 'lessons': {
				const rows = this.lessonRows();
				const selected = rows[this.state.lessonIndex];
				return [
					upDown('key.up-down', (delta) => this.set({lessonIndex: clamp(this.state.lessonIndex + delta, rows.length)})),
					bind('enter', 'key.enter-open', () => this.openLesson()),
					bind('t', 'key.track', () => this.set({screen: 'tracks'})),
					toVariables(),
					...(selected && selected.state !== 'locked' ? [bind('R', 'key.reset', () => this.set({confirm: {kind: 'reset', from: {lessonId: selected.id}}}), {footer: false})] : []),
					...stopJob,
					help,
					quit,
				];
			}
			case 'step':
				return this.stepBindings(help, quit, toLessons, toVariables(false), stopJob);
		}
	}

	private stepBindings(help: KeyBinding, quit: KeyBinding, toLessons: KeyBinding, toVariables: KeyBinding, stopJob: KeyBinding[]): KeyBinding[] {
		const scroll = upDown('key.scroll', (delta) => this.set({scroll: Math.max(0, Math.min(this.maxScroll, this.state.scroll + delta))}));
		const current = currentStep(this.state.session);
		if (!current) return [scroll, toLessons, quit];
		const {lesson, step, state} = current;
		if (this.state.fullView) {
			const to = (delta: number) => this.set({fullView: {scroll: Math.max(0, Math.min(this.fullMaxScroll, (this.state.fullView?.scroll ?? 0) + delta))}});
			const close = () => this.set({fullView: undefined});
			return [upDown('key.full-scroll', to), bind(' ', 'key.full-scroll', () => to(10), {footer: false, label: 'Space'}), bind('f', 'key.full-close', close, {label: 'f/Esc'}), bind('esc', 'key.full-close', close, {footer: false}), quit];
		}
		const ref = {lessonId: lesson.id, stepId: step.id};
		const busy = this.driver.isBusy(ref) && !this.driver.jobOf(ref);
		const keys: KeyBinding[] = [scroll];
		const fullView = bind('f', 'key.full-view', () => this.set({fullView: {scroll: 0}}), {footer: this.state.clipped === true});
		keys.push(fullView);
		if (busy) keys.push(bind('x', 'key.cancel-run', () => this.driver.cancel(ref)));
		else if (stopJob.length > 0) keys.push(...stopJob);
		const refuseBusy = () => this.dispatch({type: 'BUSY_REFUSED', ...ref});
		if (state.status !== 'locked') {
			if (step.run) keys.push(bind('r', 'key.run', () => (this.driver.isBusy(ref) ? refuseBusy() : this.startActivity(ref, 'run')), {footer: !busy}));
			if (step.expect.length > 0) keys.push(bind('c', 'key.check', () => void this.driver.check(ref), {footer: !busy}));
			if (step.solve) keys.push(bind('s', 'key.solve', () => (this.driver.isBusy(ref) ? refuseBusy() : this.startActivity(ref, 'solve')), {footer: !busy}));
			if (canAcknowledge(step) && state.status === 'ready') keys.push(bind('enter', 'key.done-reading', () => this.driver.acknowledge(ref)));
		}
		if (state.hintsRevealed < step.hints.length) keys.push(bind('h', 'key.hint', () => this.dispatch({type: 'HINT_REVEALED', ...ref})));
		if (this.explainable(lesson.id, step)) keys.push(bind('e', 'key.explain', () => void this.explain(lesson.id, step)));
		keys.push(
			bind('o', 'key.shell', () => void this.openShell()),
			bind('n', 'key.next', () => this.move({type: 'NAVIGATE_NEXT'})),
			// b, v and R work here too; the footer leaves them to ? help so it fits one line at 100 columns.
			bind('b', 'key.back', () => this.move({type: 'NAVIGATE_BACK'}), {footer: false}),
			toVariables,
			...(hasPassed(state.status) || state.status === 'failed' ? [bind('R', 'key.reset', () => this.set({confirm: {kind: 'reset', from: ref}}), {footer: false})] : []),
			toLessons,
			bind('esc', 'key.lessons', () => this.set({screen: 'lessons', lessonIndex: this.currentLessonIndex()}), {footer: false, label: 'Esc'}),
			help,
			quit,
		);
		return keys;
	}

	/** One key press, as Ink's useInput reports it. */
	handleKey(input: string, key: KeyPress) {
		if (key.ctrl && input === 'c') {
			const current = this.state.session.current;
			if (current && this.driver.cancel(current)) return;
			if (!this.state.confirm) this.requestQuit();
			return;
		}
		const {screen, confirm} = this.state;
		if (this.state.message && !confirm && screen !== 'variables') this.clearMessage();
		else if (this.state.session.notice && !confirm) this.dispatch({type: 'NOTICE_CLEARED'});
		if (dispatchKey(this.bindings(), input, key)) return;
		if (confirm?.kind === 'effects') return this.typeName(input, key);
		if (confirm) return;
		if (screen === 'help') return this.set({screen: this.state.previousScreen});
		if (screen === 'variables') this.variablesEditor.type(input, key);
	}

	private clearMessage() {
		this.set({message: undefined});
		if (this.state.session.notice) this.dispatch({type: 'NOTICE_CLEARED'});
	}

	private move(event: SessionEvent) {
		this.dispatch(event);
		this.set({scroll: 0});
	}

	private openLesson() {
		const row = this.lessonRows()[this.state.lessonIndex];
		if (!row) return;
		this.dispatch({type: 'NAVIGATE', lessonId: row.id});
		if (!this.state.session.notice) this.set({screen: 'step', scroll: 0});
	}

	private chooseTrack() {
		const track = this.options.lab.tracks[this.state.trackIndex];
		if (!track) return;
		const passed = progressSummary(this.state.session);
		const made = passed.done + passed.solved + passed.stale;
		if (track.id !== this.state.session.track && made > 0 && !this.state.firstTrackChoice) {
			return this.set({confirm: {kind: 'track-switch', track: track.id, passed: made}});
		}
		this.switchTrack(track.id);
	}

	/** Back to the lesson list with the track unchanged, its row marked again as the chooser opens next time. */
	private leaveTrackChooser() {
		const trackIndex = Math.max(0, this.options.lab.tracks.findIndex((candidate) => candidate.id === this.state.session.track));
		this.set({screen: 'lessons', trackIndex, lessonIndex: this.currentLessonIndex()});
	}

	private switchTrack(track: TrackId) {
		const changed = track !== this.state.session.track;
		this.dispatch({type: 'TRACK_CHANGED', track});
		if (changed || this.options.track === undefined) void this.prepareTarget(track);
		const next: Screen = this.options.askVariables ? 'variables' : 'lessons';
		this.set({screen: next, variables: {selected: 0, then: 'lessons'}, lessonIndex: this.currentLessonIndex(), firstTrackChoice: false});
		this.persist();
	}

	/** The driver's confirmEffects port: shows the confirmation and resolves with the learner's answer. */
	private askEffects(need: EffectConfirmation): Promise<boolean> {
		this.effectsAnswer?.(false);
		return new Promise((resolve) => {
			this.effectsAnswer = resolve;
			this.set({confirm: {kind: 'effects', need, typed: ''}});
		});
	}

	private answerEffects(yes: boolean) {
		const resolve = this.effectsAnswer;
		this.effectsAnswer = undefined;
		if (this.state.confirm?.kind === 'effects') this.set({confirm: undefined});
		resolve?.(yes);
	}

	private submitTyped() {
		const confirm = this.state.confirm;
		if (confirm?.kind !== 'effects') return;
		if (typedConfirms(confirm.need.typedNames, confirm.typed)) return this.answerEffects(true);
		this.set({confirm: {...confirm, typed: '', mismatch: true}});
	}

	/** A key while a name is to be typed: text, Backspace. */
	private typeName(input: string, key: KeyPress) {
		const confirm = this.state.confirm;
		if (confirm?.kind !== 'effects' || key.ctrl) return;
		if (key.backspace || key.delete) return this.set({confirm: {...confirm, typed: confirm.typed.slice(0, -1), mismatch: false}});
		if (input && !/[\x00-\x1f\x7f]/.test(input)) this.set({confirm: {...confirm, typed: confirm.typed + input, mismatch: false}});
	}

	private answer(answer: 'yes' | 'no' | 'cancel') {
		const confirm = this.state.confirm;
		this.set({confirm: undefined});
		if (!confirm || answer === 'cancel') return;
		switch (confirm.kind) {
			case 'effects':
				return this.answerEffects(answer === 'yes');
			case 'quit-running':
			case 'quit-jobs':
				return void this.quit();
			case 'go-back':
				if (answer === 'no') return void this.runActivity(confirm.ref, confirm.activity);
				return void this.goBackAndRun(confirm.ref, confirm.activity);
			case 'reset':
				return void this.reset(confirm.from);
			case 'track-switch':
				if (answer === 'no') return this.switchTrack(confirm.track);
				return void this.resetAndSwitch(confirm.track);
		}
	}

	/** r or s: on a step whose state later steps built on, first offer to put the cluster back to it. */
	private startActivity(ref: Cursor, activity: 'run' | 'solve') {
		const status = this.state.session.lessons[ref.lessonId]?.steps[ref.stepId]?.status;
		const later = hasPassed(status) || status === 'failed' ? this.driver.passedAfter(ref) : [];
		if (later.length > 0) return this.set({confirm: {kind: 'go-back', ref, activity, later}});
		void this.runActivity(ref, activity);
	}

	private runActivity(ref: Cursor, activity: 'run' | 'solve'): Promise<void> {
		return activity === 'run' ? this.driver.run(ref) : this.driver.solve(ref);
	}

	private async goBackAndRun(ref: Cursor, activity: 'run' | 'solve') {
		const report = await this.driver.goBackTo(ref);
		if (report.declined) return this.say(this.t('goback.declined', {step: stepKey(report.declined), count: report.steps.length}));
		if (report.failed) return this.say(this.t('goback.failed', {step: stepKey(report.failed), outcome: describeOutcome(this.state.session.lang, report.failed.outcome)}));
		const said = this.t('goback.done', {count: report.cleanups.length});
		this.say(said);
		await this.runActivity(ref, activity);
		// "running it now" ends with the run.
		if (this.state.message === said) this.set({message: undefined});
	}

	/**
	 * y to "reset before switching": the switch happens only once the old track's cleanups ran. A cleanup the learner
	 * declined (or one that failed) leaves its resources on the cluster: the learner stays on the current track,
	 * told why, rather than landing on a new track with the old one's cluster half cleaned.
	 */
	private async resetAndSwitch(track: TrackId) {
		const report = await this.reset(undefined);
		if (!report.declined && !report.failed) return this.switchTrack(track);
		const current = this.options.lab.tracks.find((candidate) => candidate.id === this.state.session.track);
		this.leaveTrackChooser();
		const why = this.state.message;
		this.say(this.t('track.kept', {track: current ? localized(this.state.session.lang, current.title) : this.state.session.track, why: why ?? ''}));
	}

	/** Clears progress from `from` on (everything without it), running cleanups in reverse. */
	async reset(from?: Cursor | {lessonId: string}): Promise<ResetReport> {
		const report = await this.driver.reset(from);
		if (report.declined) this.say(this.t('reset.declined', {step: stepKey(report.declined), count: report.steps.length}));
		else if (report.failed) this.say(this.t('reset.cleanupFailed', {step: stepKey(report.failed), outcome: describeOutcome(this.state.session.lang, report.failed.outcome)}));
		else this.say(this.t('reset.done', {count: report.steps.length, cleanups: report.cleanups.length}));
		this.set({lessonIndex: this.currentLessonIndex(), scroll: 0});
		return report;
	}

	private currentLessonIndex(): number {
		const id = this.state.session.current?.lessonId;
		return Math.max(0, visibleLessons(this.state.session).findIndex((lesson) => lesson.id === id));
	}

	// ── commands, checks, explain ────────────────────────────────────────────────
	/** The environment of the lab's commands: the target's, the variables, LAB_ASSETS and LAB_HOME. */
	commandEnv(): Record<string, string> {
		return commandEnvironment({base: this.baseEnv, variables: this.state.session.variables, assetsDir: this.options.lab.assetsDir, home: this.options.home, homeId: this.homeId()});
	}

	private cachedHomeId?: string;
	/** This home's id (LAB_HOME_ID); undefined when it cannot be made (the home was refused at start, or in tests). */
	private homeId(): string | undefined {
		if (this.cachedHomeId === undefined) {
			try {
				this.cachedHomeId = labHomeId(this.options.home);
			} catch {
				return undefined;
			}
		}
		return this.cachedHomeId;
	}

	/** Re-checks completed steps on resume; those whose state has gone are flagged stale. */
	reverify(): Promise<void> {
		return this.driver.reverify();
	}

	/** Stops the current step's background job, else the newest one. */
	stopNewestJob(): boolean {
		const cursor = this.state.session.current;
		const own = cursor ? this.driver.jobOf(cursor) : undefined;
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
		return !!this.options.deps.explainEgress && isExplainable(this.state.session, lessonId, step);
	}

	/** Runs `policy explain` for the step's egress checks (failed ones first) and shows it under the checks; again hides it. */
	async explain(lessonId: string, step: Step): Promise<void> {
		const explainEgress = this.options.deps.explainEgress;
		if (!explainEgress) return;
		const key = stepKey({lessonId, stepId: step.id});
		if (this.state.explain?.key === key && this.state.explain.lines !== 'loading') return this.set({explain: undefined});
		this.set({explain: {key, lines: 'loading'}});
		const lines = await explainStep(this.state.session, lessonId, step, (request) => explainEgress({...request, env: this.commandEnv()}));
		if (this.state.explain?.key === key) this.set({explain: {key, lines}});
	}

	private async runInteractiveStep(script: string, env: Record<string, string>): Promise<RunOutcome> {
		let outcome: RunOutcome = {kind: 'failedToStart', message: this.t('handover.failed'), durationMs: 0};
		const banner = [this.t('handover.step'), ...script.trim().split('\n').map((line, index) => `${index === 0 ? '$' : ' '} ${line}`)].join('\n');
		await this.handOverTerminal(async () => {
			outcome = await this.options.deps.runInteractive(script, env);
		}, banner);
		return outcome;
	}

	private async openShell() {
		if (!(await this.targetUsable())) return;
		const target = this.state.session.target.kind === 'practice' ? this.t('status.target-practice') : this.t('status.target-real', {context: this.checkContext ?? this.t('status.current-context')});
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
		if (this.driver.busy().length > 0) return this.set({confirm: {kind: 'quit-running'}});
		if (this.jobs().length > 0) return this.set({confirm: {kind: 'quit-jobs'}});
		void this.quit();
	}

	/** Stops every command and background job, saves, and ends the TUI. */
	async quit(code = 0): Promise<void> {
		this.answerEffects(false);
		this.driver.cancelAll();
		await Promise.allSettled([this.driver.settled(), this.options.deps.jobs.stopAll()]);
		this.persist();
		await this.saving;
		this.exitResolve?.(code);
	}

	/** Stops everything without waiting for a save (a signal from outside). */
	abortAll() {
		this.driver.cancelAll();
		void this.options.deps.jobs.stopAll();
	}

	persist() {
		const session = this.state.session;
		const snapshot = {track: session.track, variables: session.variables, lessons: toProgressLessons(session)};
		this.saving = this.saving
			.then(() => this.options.deps.saveProgress(snapshot))
			.then(
				() => {
					this.unsaved = undefined;
				},
				(error: unknown) => {
					this.unsaved = notSavedMessage(this.state.session.lang, error, this.options.home);
					this.set({message: this.unsaved});
				},
			);
	}

	/** Resolves once nothing is running (tests). */
	async settled(): Promise<void> {
		await this.driver.settled();
		await this.saving;
	}
}

/**
 * The `o` shell: the learner's ~/.bashrc, then the lab's prompt (an interactive bash reads ~/.bashrc after the
 * environment, so a PS1 passed in the environment would be overwritten by it).
 */
export const SHELL_SCRIPT = `exec bash --rcfile <(printf '%s\\n' '[ -f ~/.bashrc ] && . ~/.bashrc' 'PS1=$CILIUM_LAB_PS1') -i`;

/**
 * A progress save that failed, in a sentence: what the machine said (permission denied, read-only file system, no
 * space left on the device) and the file, never Node's "EACCES: permission denied, open '…tmp-123'" or a stack. The
 * progress stays in memory and the next save writes all of it.
 */
export function notSavedMessage(lang: Lang, error: unknown, home: string): string {
	const errno = error as NodeJS.ErrnoException | undefined;
	const code = typeof errno?.code === 'string' ? errno.code : undefined;
	const file = path.join(home, 'progress.json');
	if (code) return msg(lang, 'progress.notSavedErrno', {reason: describeErrno(code, lang), file});
	const text = error instanceof Error ? error.message : String(error);
	return msg(lang, 'progress.notSaved', {error: text.split('\n')[0]!});
}

function canAcknowledge(step: Step): boolean {
	return step.expect.length === 0 && (!step.run || step.mode === 'read');
}

function clamp(index: number, length: number): number {
	return Math.max(0, Math.min(length - 1, index));
}
