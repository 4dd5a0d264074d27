// The step driver: the one lifecycle of a step, for the TUI and for `cilium-lab run`. It runs a step's command
// (foreground, background job, or interactive hand-over), its solve script, its checks (polled until the step's
// deadline), re-checks on resume, cleanups, reset and going back; it cancels per step and per kind. Everything it
// does reaches the session through the reducer's events, and every change reaches its subscribers as a
// DriverEvent, so a screen, a headless printer or a workshop reporter watch the same stream.
import type {CheckResult} from '../checks/types.js';
import {msg} from '../lab/i18n.js';
import type {Step} from '../lab/types.js';
import {OutputTail} from '../run/lines.js';
import type {OutputLine, RunOutcome} from '../run/types.js';
import {cannotPassReason} from './cannot-pass.js';
import {describeOutcome} from './outcome.js';
import {expandText} from '../lab/expand.js';
import {confirmationFor, involvesAzure, type EffectConfirmation} from './confirm.js';
import {expandResources} from '../lab/effects.js';
import {ownershipProblem} from './ownership.js';
import {findLesson, hasPassed, visibleSteps} from './gating.js';
import type {DriverEnvironment, DriverPorts} from './ports.js';
import {reduce} from './reducer.js';
import {stepsToReverify} from './selectors.js';
import type {Cursor, SessionEvent, SessionState, StepState} from './types.js';

export type AbortKind = 'command' | 'checks';

export type DriverEvent =
	/** The session changed through `event`. */
	| {type: 'session'; event: SessionEvent; state: SessionState}
	/** A step's command printed (`skipped` lines only went to the log file). */
	| ({type: 'output'; lines: OutputLine[]; skipped: number} & Cursor)
	/** A step's checks started polling, until startedAt + timeoutSec. */
	| ({type: 'checking'; startedAt: string; timeoutSec: number} & Cursor)
	| ({type: 'checked'} & Cursor)
	/** A command of the driver's own (cleanup, a solve on the way back) started or ended, shown on the step it serves. */
	| ({type: 'housekeeping'; phase: 'started'; what: 'cleanup' | 'solve'; of: Cursor} & Cursor)
	| ({type: 'housekeeping'; phase: 'ended'; what: 'cleanup' | 'solve'; of: Cursor; outcome: RunOutcome} & Cursor)
	/** A step with effects was not confirmed on the real target: nothing ran. */
	| ({type: 'declined'; need: EffectConfirmation} & Cursor)
	/** Completed steps changed: the progress file should be written. */
	| {type: 'progress'};

export interface StepDriverOptions {
	session: SessionState;
	ports: DriverPorts;
	/**
	 * The environment of commands and checks now; waits for the target (the practice cluster starts behind the
	 * TUI's first frame). Undefined when the target could not be readied: nothing runs (the caller shows why).
	 */
	environment(): Promise<DriverEnvironment | undefined>;
	/** Lines of output kept per step (the log file has all of them). */
	tailLines?: number;
}

/**
 * What a reset or going back did: the cleanups that ran, and the first that failed (the reset goes on past it). A
 * cleanup whose confirmation was declined on the real target stops it there: the steps from that one back keep their
 * progress (their changes are still on the cluster).
 */
export interface ResetReport {
	/** The steps whose progress was forgotten (those that had passed or failed). */
	steps: Cursor[];
	cleanups: Array<Cursor & {outcome: RunOutcome}>;
	failed?: Cursor & {outcome: RunOutcome};
	declined?: Cursor;
}

/** A cleanup or solve the driver ran for the learner; `declined`: its confirmation was not given, nothing ran. */
type HousekeepingOutcome = RunOutcome & {declined?: true};

const keyOf = (ref: Cursor) => `${ref.lessonId}/${ref.stepId}`;

export class StepDriver {
	private state: SessionState;
	private readonly listeners = new Set<(event: DriverEvent) => void>();
	private readonly tails = new Map<string, OutputTail>();
	private readonly aborts = new Map<string, Partial<Record<AbortKind, AbortController>>>();
	/** The background job of a step (its JobManager id) while it runs. */
	private readonly stepJobs = new Map<string, number>();
	private readonly pending = new Set<Promise<unknown>>();
	/** A background step whose job ended with an error before its checks decided: its checks fail with this. */
	private readonly jobFailures = new Map<string, {outcome: RunOutcome; lastLine?: string}>();
	/** Steps waiting for their confirmation (a second r meanwhile is refused). */
	private readonly confirming = new Set<string>();

	constructor(private readonly options: StepDriverOptions) {
		this.state = options.session;
	}

	// ── state and events ─────────────────────────────────────────────────────────
	getState = (): SessionState => this.state;

	subscribe(listener: (event: DriverEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Every session change goes through here (navigation and hints from the TUI too). */
	dispatch(event: SessionEvent): SessionState {
		const next = reduce(this.state, event);
		if (next !== this.state) {
			this.state = next;
			this.emit({type: 'session', event, state: next});
		}
		return next;
	}

	private emit(event: DriverEvent) {
		for (const listener of this.listeners) listener(event);
	}

	/** The last lines a step's command printed. */
	output(ref: Cursor): OutputTail {
		let tail = this.tails.get(keyOf(ref));
		if (!tail) {
			tail = new OutputTail(this.options.tailLines ?? 200);
			this.tails.set(keyOf(ref), tail);
		}
		return tail;
	}

	/** The running background job of a step, if any. */
	jobOf(ref: Cursor): number | undefined {
		return this.stepJobs.get(keyOf(ref));
	}

	isBusy(ref: Cursor): boolean {
		const status = this.stepState(ref)?.status;
		return status === 'running' || status === 'checking' || this.stepJobs.has(keyOf(ref));
	}

	/** Steps whose command or checks run now (a background job alone is not "running": it is listed as a job). */
	busy(): Cursor[] {
		return [...this.aborts.entries()].filter(([, kinds]) => kinds.command || kinds.checks).map(([key]) => cursorOf(key));
	}

	private stepState(ref: Cursor): StepState | undefined {
		return this.state.lessons[ref.lessonId]?.steps[ref.stepId];
	}

	private stepDef(ref: Cursor): Step | undefined {
		return findLesson(this.state, ref.lessonId)?.steps.find((step) => step.id === ref.stepId);
	}

	private now(): string {
		return this.options.ports.now?.() ?? new Date().toISOString();
	}

	private track<T>(promise: Promise<T>): Promise<T> {
		this.pending.add(promise);
		void promise.then(
			() => this.pending.delete(promise),
			() => this.pending.delete(promise),
		);
		return promise;
	}

	private abortFor(ref: Cursor, kind: AbortKind): AbortController | undefined {
		const kinds = this.aborts.get(keyOf(ref)) ?? {};
		if (kinds[kind]) return undefined;
		const controller = new AbortController();
		this.aborts.set(keyOf(ref), {...kinds, [kind]: controller});
		return controller;
	}

	private release(ref: Cursor, kind: AbortKind) {
		const rest: Partial<Record<AbortKind, AbortController>> = {...this.aborts.get(keyOf(ref))};
		delete rest[kind];
		if (rest.command || rest.checks) this.aborts.set(keyOf(ref), rest);
		else this.aborts.delete(keyOf(ref));
	}

	// ── activities ───────────────────────────────────────────────────────────────
	/** The learner's run of the step: its command (by its mode), then its checks. Resolves once the step has settled. */
	run(ref: Cursor): Promise<void> {
		return this.track(this.execute(ref, 'run'));
	}

	/** The step's solve script, then its checks; a pass is recorded as solved. */
	solve(ref: Cursor): Promise<void> {
		return this.track(this.execute(ref, 'solve'));
	}

	/** The step's checks, polled until they pass or the step's deadline (`once`: each evaluated once). */
	check(ref: Cursor, options: {once?: boolean; cause?: string} = {}): Promise<void> {
		return this.track(this.pollChecks(ref, options));
	}

	/** A step without checks, read (or run, for a background job) by the learner: done. */
	acknowledge(ref: Cursor) {
		const before = this.stepState(ref)?.status;
		this.dispatch({type: 'STEP_ACKNOWLEDGED', ...ref, at: this.now()});
		if (this.stepState(ref)?.status !== before) this.emit({type: 'progress'});
	}

	private async execute(ref: Cursor, activity: 'run' | 'solve'): Promise<void> {
		const step = this.stepDef(ref);
		const script = activity === 'run' ? step?.run : step?.solve;
		if (!step || !script) return;
		if (this.isBusy(ref)) {
			this.dispatch({type: 'BUSY_REFUSED', ...ref});
			return;
		}
		if (this.confirming.has(keyOf(ref))) {
			this.dispatch({type: 'BUSY_REFUSED', ...ref});
			return;
		}
		const environment = await this.options.environment();
		if (!environment) return;
		// Someone else's resource of the same name: refused before anything is asked (src/session/ownership.ts).
		const notOurs = await this.guardRefusal(step, activity, environment);
		if (!notOurs) {
			const need = confirmationFor({step, ref, activity, target: this.state.target, variables: this.state.variables});
			if (need && !(await this.confirmEffects(need, environment))) {
				this.emit({type: 'declined', ...ref, need});
				return;
			}
		}
		const blocked = notOurs ?? (await this.busyPort(step));
		const logFile = blocked ? undefined : await this.options.ports.logFileFor(`${ref.lessonId}-${ref.stepId}${activity === 'solve' ? '-solve' : ''}`);
		this.dispatch({type: activity === 'run' ? 'STEP_STARTED' : 'SOLVE_STARTED', ...ref, at: this.now(), logFile});
		if (this.stepState(ref)?.status !== 'running') return; // refused: locked, or busy meanwhile
		if (blocked) {
			// Not the lab's resource, or a port the step listens on is taken (it would fail, or seem to pass against
			// someone else's listener): the step fails with why, and nothing ran.
			this.dispatch({type: 'OUTPUT_EXITED', ...ref, at: this.now(), outcome: {kind: 'failedToStart', message: blocked, durationMs: 0}});
			this.emit({type: 'progress'});
			return;
		}
		this.jobFailures.delete(keyOf(ref));
		const tail = this.output(ref);
		tail.clear();

		if (activity === 'run' && step.mode === 'interactive') {
			const outcome = this.options.ports.runInteractive
				? await this.options.ports.runInteractive({script, env: environment.env, ...ref}).catch(failedToStart)
				: ({kind: 'failedToStart', message: msg(this.state.lang, 'driver.needsTerminal'), durationMs: 0} as RunOutcome);
			this.dispatch({type: 'OUTPUT_EXITED', ...ref, at: this.now(), outcome});
			return this.afterCommand(ref, outcome);
		}
		// A background step's solve starts its process as a job too (a port-forward outlives no command).
		if (step.mode === 'background') return this.startBackground(ref, step, script, environment, logFile);

		const abort = this.abortFor(ref, 'command')!;
		let outcome: RunOutcome;
		try {
			outcome = await this.foreground(ref, script, step, environment, abort.signal, logFile);
		} finally {
			this.release(ref, 'command');
		}
		this.dispatch({type: 'OUTPUT_EXITED', ...ref, at: this.now(), outcome});
		return this.afterCommand(ref, outcome);
	}

	/** A command in the foreground (the step's timeout), its output into `shownOn`'s tail and to the subscribers. */
	private foreground(shownOn: Cursor, script: string, step: Step, environment: DriverEnvironment, signal: AbortSignal, logFile: string | undefined): Promise<RunOutcome> {
		const tail = this.output(shownOn);
		return this.options.ports
			.runCommand({
				script,
				env: environment.env,
				timeoutMs: step.timeout * 1000,
				signal,
				logFile,
				onLines: (lines, skipped) => {
					tail.pushAll(lines, skipped);
					this.emit({type: 'output', ...shownOn, lines, skipped});
				},
			})
			.catch(failedToStart);
	}

	/** The first port of `listens:` something already listens on, as the learner reads it; undefined when all are free. */
	private async busyPort(step: Step): Promise<string | undefined> {
		const holderOf = this.options.ports.portHolder;
		if (!holderOf || !step.listens) return undefined;
		for (const entry of step.listens) {
			const port = Number(expandText(entry, this.state.variables));
			if (!Number.isInteger(port) || port < 1 || port > 65535) continue;
			const holder = await holderOf(port).catch(() => undefined);
			if (holder) {
				const variable = /^\$\{([A-Z][A-Z0-9_]*)\}$/.exec(entry)?.[1];
				return msg(this.state.lang, variable ? 'driver.portBusyVariable' : 'driver.portBusy', {port, holder, variable: variable ?? ''});
			}
		}
		return undefined;
	}

	/**
	 * `guard: labTags` on the real target: why the step must not act on one of its Azure resources (it exists without
	 * this lab home's tags, or az cannot tell); undefined when it may.
	 */
	private async guardRefusal(step: Step, activity: 'run' | 'solve' | 'cleanup', environment: DriverEnvironment): Promise<string | undefined> {
		if (step.guard !== 'labTags' || this.state.target.kind !== 'real') return undefined;
		const lang = this.state.lang;
		const inspect = this.options.ports.inspectAzure;
		const deleting = (activity === 'cleanup' ? step.cleanupEffects : step.effects)?.includes('destructive') ?? false;
		for (const raw of step.resources ?? []) {
			if (raw.kind !== 'aksCluster' && raw.kind !== 'resourceGroup') continue;
			const [resource] = expandResources([raw], this.state.variables);
			const observed = inspect
				? await inspect({env: environment.env, resource: resource!, contents: deleting && resource!.kind === 'resourceGroup'}).catch((error: unknown) => ({error: errorText(error)}))
				: {error: msg(lang, 'guard.cannotInspect')};
			const variable = /^\$\{([A-Z][A-Z0-9_]*)\}$/.exec(raw.name)?.[1];
			const problem = ownershipProblem(lang, {resource: resource!, variable, observed, homeId: environment.env.LAB_HOME_ID ?? '', deleting});
			if (problem) return problem;
		}
		return undefined;
	}

	/** The real target's identity, then the learner's (or the flags') answer; false when refused or unanswerable. */
	private async confirmEffects(need: EffectConfirmation, environment: DriverEnvironment): Promise<boolean> {
		const {identify, confirmEffects} = this.options.ports;
		if (!confirmEffects) return false;
		this.confirming.add(keyOf(need));
		try {
			const identity = identify
				? await identify({env: environment.env, context: environment.context, azure: involvesAzure(need)}).catch((error: unknown) => ({kubeError: errorText(error)}))
				: {};
			return await confirmEffects({...need, identity});
		} catch {
			return false;
		} finally {
			this.confirming.delete(keyOf(need));
		}
	}

	/** After a command: its checks decide (once only, when the command said something waiting cannot fix). */
	private async afterCommand(ref: Cursor, outcome: RunOutcome) {
		if (this.stepState(ref)?.status !== 'checking' || this.aborts.get(keyOf(ref))?.checks) {
			this.emit({type: 'progress'});
			return;
		}
		const failed = outcome.kind === 'exited' && outcome.exitCode !== 0;
		const cause = failed ? cannotPassReason(this.output(ref).lines()) : undefined;
		await this.pollChecks(ref, cause ? {once: true, cause} : {});
	}

	/** A background step: a job that outlives the step view; its checks decide while it runs. */
	private async startBackground(ref: Cursor, step: Step, script: string, environment: DriverEnvironment, logFile: string | undefined) {
		const jobs = this.options.ports.jobs;
		await jobs.ready?.();
		const tail = this.output(ref);
		const job = jobs.start({name: step.id, script, env: environment.env, logFile});
		this.stepJobs.set(keyOf(ref), job.id);
		let lastLine: string | undefined;
		let ended: () => void = () => {};
		const endedEarly = new Promise<void>((resolve) => (ended = resolve));
		const unsubscribe = jobs.subscribe(() => {
			const info = jobs.list().find((candidate) => candidate.id === job.id);
			if (!info) return;
			if (info.lastLine !== undefined && info.lastLine !== lastLine) {
				lastLine = info.lastLine;
				const line: OutputLine = {stream: 'output', text: info.lastLine};
				tail.push(line);
				this.emit({type: 'output', ...ref, lines: [line], skipped: 0});
			}
			if (info.outcome) {
				unsubscribe();
				ended();
				this.stepJobs.delete(keyOf(ref));
				const outcome = info.outcome;
				const failed = outcome.kind === 'failedToStart' || outcome.kind === 'timedOut' || (outcome.kind === 'exited' && outcome.exitCode !== 0);
				const status = this.stepState(ref)?.status;
				if (failed && (status === 'running' || status === 'checking')) {
					// It ended with an error before its checks decided: the step fails with its output, whatever answers meanwhile.
					this.jobFailures.set(keyOf(ref), {outcome, lastLine: info.lastLine ?? lastLine});
					this.aborts.get(keyOf(ref))?.checks?.abort();
				}
				this.dispatch({type: 'OUTPUT_EXITED', ...ref, at: this.now(), outcome: info.outcome});
				void this.track(this.afterCommand(ref, info.outcome));
			}
		});
		// A command that cannot start (a busy port, a typo) ends within moments: its error decides, not the checks.
		await Promise.race([endedEarly, new Promise((resolve) => setTimeout(resolve, BACKGROUND_SETTLE_MS))]);
		if (this.jobFailures.has(keyOf(ref)) || this.stepState(ref)?.status !== 'running') return;
		if (step.expect.length > 0) await this.pollChecks(ref, {});
		else this.acknowledge(ref);
	}

	private async pollChecks(ref: Cursor, options: {once?: boolean; cause?: string}): Promise<void> {
		const step = this.stepDef(ref);
		if (!step || step.expect.length === 0) return;
		const abort = this.abortFor(ref, 'checks');
		if (!abort) return; // already polling
		try {
			this.dispatch({type: 'CHECKS_STARTED', ...ref});
			if (this.stepState(ref)?.status !== 'checking') return;
			const timeoutSec = options.once ? 0 : step.timeout;
			this.emit({type: 'checking', ...ref, startedAt: this.now(), timeoutSec});
			let results: CheckResult[] = [];
			let cause = options.cause;
			try {
				if (this.jobFailures.has(keyOf(ref))) throw new Error('job failed');
				const environment = await this.options.environment();
				if (!environment) throw new Error(msg(this.state.lang, 'driver.targetNotReady'));
				results = await this.options.ports.runChecks({
					specs: step.expect,
					timeoutSec,
					env: environment.env,
					variables: this.state.variables,
					lang: this.state.lang,
					context: environment.context,
					signal: abort.signal,
					onUpdate: (index, result, final) => this.dispatch({type: 'CHECK_UPDATED', ...ref, index, result, final}),
				});
			} catch (error) {
				const summary = abort.signal.aborted ? msg(this.state.lang, 'driver.cancelled') : errorText(error);
				results = step.expect.map(() => ({ok: false, summary}));
				if (abort.signal.aborted) cause = undefined;
			}
			const jobFailure = this.jobFailures.get(keyOf(ref));
			if (jobFailure) {
				this.jobFailures.delete(keyOf(ref));
				const summary = msg(this.state.lang, 'driver.jobFailed', {outcome: describeOutcome(this.state.lang, jobFailure.outcome), line: jobFailure.lastLine ?? ''});
				results = step.expect.map(() => ({ok: false, summary}));
				cause = jobFailure.lastLine;
			}
			this.dispatch({type: 'CHECKS_FINISHED', ...ref, at: this.now(), results, ...(cause ? {cause} : {})});
			this.emit({type: 'progress'});
		} finally {
			this.release(ref, 'checks');
			this.emit({type: 'checked', ...ref});
		}
	}

	/** Checks completed steps once (on resume): those whose state has gone are flagged stale. */
	reverify(cursors: Cursor[] = stepsToReverify(this.state)): Promise<void> {
		return this.track(
			(async () => {
				for (const cursor of cursors) {
					const step = this.stepDef(cursor);
					const environment = await this.options.environment();
					if (!step || !environment) continue;
					try {
						const results = await this.options.ports.runChecks({
							specs: step.expect,
							timeoutSec: 0,
							env: environment.env,
							variables: this.state.variables,
							lang: this.state.lang,
							context: environment.context,
							signal: new AbortController().signal,
							onUpdate: () => {},
						});
						const failed = results.flatMap((result, index) => (result.ok ? [] : [`${step.expect[index]!.kind}: ${result.summary}`]));
						this.dispatch({type: 'RESUME_VERIFIED', ...cursor, ok: failed.length === 0, reason: failed.join('; ') || undefined, results});
					} catch {
						// Unable to check is not the same as gone: the step stays as it was.
					}
				}
				this.emit({type: 'progress'});
			})(),
		);
	}

	// ── stopping ─────────────────────────────────────────────────────────────────
	/** Cancels a step's command (else its checks, or only `kind`). True when something was cancelled. */
	cancel(ref: Cursor, kind?: AbortKind): boolean {
		const kinds = this.aborts.get(keyOf(ref));
		const controller = kind ? kinds?.[kind] : (kinds?.command ?? kinds?.checks);
		if (!controller) return false;
		controller.abort();
		return true;
	}

	/** Cancels every command and check (jobs keep running: stopJobs). */
	cancelAll() {
		for (const kinds of this.aborts.values()) {
			kinds.command?.abort();
			kinds.checks?.abort();
		}
	}

	/** Stops a step's background job. */
	stopJob(ref: Cursor): boolean {
		const id = this.stepJobs.get(keyOf(ref));
		if (id === undefined) return false;
		void this.options.ports.jobs.stop(id);
		return true;
	}

	/** Resolves once nothing the driver started is still under way (background jobs aside). */
	async settled(): Promise<void> {
		while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
	}

	// ── going back and reset ─────────────────────────────────────────────────────
	/** Steps on the track in lab order. */
	private order(): Cursor[] {
		return this.state.lab.lessons.flatMap((lesson) => visibleSteps(lesson, this.state.track).map((step) => ({lessonId: lesson.id, stepId: step.id})));
	}

	/** Steps after `ref` (in lab order) that were completed: their changes to the cluster sit on top of ref's. */
	passedAfter(ref: Cursor): Cursor[] {
		const order = this.order();
		const at = order.findIndex((cursor) => keyOf(cursor) === keyOf(ref));
		return order.slice(at + 1).filter((cursor) => hasPassed(this.stepState(cursor)?.status));
	}

	/**
	 * Forgets progress from `from` on (a lesson, a step, or everything), after running the `cleanup:` of each of
	 * those steps that had passed, newest first, so the cluster goes back with the progress.
	 */
	reset(from?: {lessonId: string; stepId?: string}): Promise<ResetReport> {
		return this.track(
			(async () => {
				const order = this.order();
				const at = from ? order.findIndex((cursor) => cursor.lessonId === from.lessonId && (from.stepId === undefined || cursor.stepId === from.stepId)) : 0;
				const steps = at < 0 ? [] : order.slice(at);
				for (const ref of steps) this.stopJob(ref);
				const touched = steps.filter((cursor) => hasPassed(this.stepState(cursor)?.status) || this.stepState(cursor)?.status === 'failed');
				const report = await this.cleanUp([...touched].reverse(), steps[0]);
				// A declined cleanup keeps that step and the ones before it as they are (their changes stay on the cluster).
				const forget = report.declined ? steps.slice(steps.findIndex((cursor) => keyOf(cursor) === keyOf(report.declined!)) + 1) : steps;
				this.dispatch({type: 'PROGRESS_RESET', steps: forget});
				for (const ref of forget) this.tails.get(keyOf(ref))?.clear();
				this.emit({type: 'progress'});
				return {...report, steps: touched.filter((cursor) => forget.some((other) => keyOf(other) === keyOf(cursor)))};
			})(),
		);
	}

	/**
	 * Puts the cluster back to where `ref` stood: the cleanups of the steps completed after it, newest first; their
	 * progress and ref's are forgotten; then the solves of the steps before ref in its lesson bring back what those
	 * cleanups may have taken. The learner then runs ref again.
	 */
	goBackTo(ref: Cursor): Promise<ResetReport> {
		return this.track(
			(async () => {
				const later = this.passedAfter(ref);
				for (const cursor of later) this.stopJob(cursor);
				const report = await this.cleanUp([...later].reverse(), ref);
				if (report.declined) {
					// Not put back: only the steps whose cleanups ran are forgotten; ref is not run again from here.
					const undone = later.slice(later.findIndex((cursor) => keyOf(cursor) === keyOf(report.declined!)) + 1);
					this.dispatch({type: 'PROGRESS_RESET', steps: undone});
					this.emit({type: 'progress'});
					return {...report, steps: undone};
				}
				this.dispatch({type: 'PROGRESS_RESET', steps: [...later, ref]});
				if (report.failed) return {...report, steps: [...later, ref]};
				const lesson = findLesson(this.state, ref.lessonId);
				const before = lesson ? visibleSteps(lesson, this.state.track).slice(0, visibleSteps(lesson, this.state.track).findIndex((step) => step.id === ref.stepId)) : [];
				for (const step of before) {
					if (!step.solve || step.mode === 'background') continue;
					const outcome = await this.housekeeping({lessonId: ref.lessonId, stepId: step.id}, 'solve', step.solve, ref);
					if (outcome.declined) return {...report, steps: [...later, ref], declined: {lessonId: ref.lessonId, stepId: step.id}};
					if (outcome.kind !== 'exited' || outcome.exitCode !== 0) return {...report, steps: [...later, ref], failed: {lessonId: ref.lessonId, stepId: step.id, outcome}};
				}
				this.emit({type: 'progress'});
				return {...report, steps: [...later, ref]};
			})(),
		);
	}

	private async cleanUp(steps: Cursor[], shownOn: Cursor | undefined): Promise<Omit<ResetReport, 'steps'>> {
		const cleanups: ResetReport['cleanups'] = [];
		let failed: ResetReport['failed'];
		for (const ref of steps) {
			const script = this.stepDef(ref)?.cleanup;
			if (!script) continue;
			const outcome = await this.housekeeping(ref, 'cleanup', script, shownOn ?? ref);
			if (outcome.declined) return {cleanups, ...(failed ? {failed} : {}), declined: ref};
			cleanups.push({...ref, outcome});
			if (!failed && (outcome.kind !== 'exited' || outcome.exitCode !== 0)) failed = {...ref, outcome};
		}
		return {cleanups, ...(failed ? {failed} : {})};
	}

	/** A cleanup or solve the driver runs on the learner's behalf; its output shows on the step it serves. */
	private async housekeeping(ref: Cursor, what: 'cleanup' | 'solve', script: string, shownOn: Cursor): Promise<HousekeepingOutcome> {
		const step = this.stepDef(ref);
		const environment = await this.options.environment();
		if (!step || !environment) return {kind: 'failedToStart', message: msg(this.state.lang, 'driver.targetNotReady'), durationMs: 0};
		// A cleanup (or a solve on the way back) that deletes, costs or cannot be undone is confirmed like a step's run.
		const notOurs = await this.guardRefusal(step, what, environment);
		if (notOurs) return {kind: 'failedToStart', message: notOurs, durationMs: 0};
		const need = confirmationFor({step, ref, activity: what, target: this.state.target, variables: this.state.variables});
		if (need && !(await this.confirmEffects(need, environment))) {
			this.emit({type: 'declined', ...ref, need});
			return {kind: 'failedToStart', message: msg(this.state.lang, 'confirm.declined', {step: keyOf(ref)}), durationMs: 0, declined: true};
		}
		const abort = this.abortFor(shownOn, 'command');
		if (!abort) return {kind: 'failedToStart', message: msg(this.state.lang, 'driver.busy'), durationMs: 0};
		const tail = this.output(shownOn);
		this.emit({type: 'housekeeping', phase: 'started', what, of: ref, ...shownOn});
		const header: OutputLine = {stream: 'stderr', text: `$ ${what}: ${ref.lessonId}/${ref.stepId}`};
		tail.push(header);
		this.emit({type: 'output', ...shownOn, lines: [header], skipped: 0});
		try {
			const logFile = await this.options.ports.logFileFor(`${ref.lessonId}-${ref.stepId}-${what}`);
			const outcome = await this.foreground(shownOn, script, step, environment, abort.signal, logFile);
			this.emit({type: 'housekeeping', phase: 'ended', what, of: ref, outcome, ...shownOn});
			return outcome;
		} finally {
			this.release(shownOn, 'command');
		}
	}
}

/** How long a background step's command may fail at once (a busy port) before its checks start. */
const BACKGROUND_SETTLE_MS = 500;

function cursorOf(key: string): Cursor {
	const slash = key.indexOf('/');
	return {lessonId: key.slice(0, slash), stepId: key.slice(slash + 1)};
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function failedToStart(error: unknown): RunOutcome {
	return {kind: 'failedToStart', message: errorText(error), durationMs: 0};
}
