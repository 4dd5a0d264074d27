// `cilium-lab run LESSON…`: the lessons headless, through the step driver the TUI drives (src/session/driver.ts).
// Each step runs its command (or its solve script with --solve), then polls its checks until they pass or
// the step's deadline passes. The first failing step stops the run and names the condition that failed.
// This file decides only what to do with each step and prints what happens; the driver does it.
import type {CheckResult} from '../checks/types.js';
import {describeErrno, EXIT, UserError} from '../errors.js';
import {progressPath} from '../progress/store.js';
import {msg, t} from '../lab/i18n.js';
import type {Lab, Lang, Lesson, Step, TrackId} from '../lab/types.js';
import type {ProgressStore} from '../progress/store.js';
import type {OutputLine, RunOutcome} from '../run/types.js';
import {isRecheckable, lockedReason, toProgressLessons, visibleSteps, type ProgressLessons, type SessionState, type Target} from '../session/index.js';
import type {JobsPort} from '../session/ports.js';
import type {StepDriver} from '../session/driver.js';
import {headlessDriver, type CommandRunner} from './driver.js';
import {headlessConfirmer} from './confirm.js';
import {findLessonStep, printCheckResults} from './check.js';
import type {CheckRunner} from './checks.js';
import {recordFailure, stepFailureReason} from '../workshop/failures.js';

export type {CommandRunner};

export interface RunOptions {
	lab: Lab;
	track: TrackId;
	lang: Lang;
	refs: string[];
	solve: boolean;
	redo: boolean;
	json: boolean;
	variables: Record<string, string>;
	home: string;
	target: Target;
	targetEnv: Record<string, string>;
	context?: string;
	store: ProgressStore;
	progressLessons?: ProgressLessons;
	runner: CommandRunner;
	runChecks: CheckRunner;
	/** Background steps' jobs (default: a JobManager under the home, with pid files, stopped when the run ends). */
	jobs?: JobsPort;
	signal: AbortSignal;
	out?: NodeJS.WritableStream;
	/** Something else that follows the driver (the workshop reporter); returns its unsubscribe. */
	follow?: (driver: StepDriver) => () => void;
	/** Confirmation of steps with effects on the real target: `--yes`, `--confirm NAME`…, a terminal to ask in. */
	confirm?: {yes: boolean; confirmed: string[]; interactive: boolean; ask(question: string): Promise<string>};
	/** Where the real target is (tests pass a fake; default: az account show and kubectl). */
	identify?: import('../session/ports.js').DriverPorts['identify'];
}

interface StepReport {
	lesson: string;
	step: string;
	status: string;
	action: 'run' | 'solve' | 'checks' | 'read' | 'skipped';
	note?: string;
	outcome?: RunOutcome;
	logFile?: string;
	checks?: Array<{kind: string} & CheckResult>;
}

function outcomeLine(lang: Lang, outcome: RunOutcome): string {
	switch (outcome.kind) {
		case 'exited':
			return msg(lang, 'run.exited', {code: outcome.exitCode, seconds: (outcome.durationMs / 1000).toFixed(1)});
		case 'timedOut':
			return msg(lang, 'run.timedOut', {seconds: Math.round(outcome.timeoutMs / 1000)});
		case 'cancelled':
			return msg(lang, 'run.cancelled');
		case 'failedToStart':
			return msg(lang, 'run.failedToStart', {message: outcome.message});
	}
}

export async function runLessons(options: RunOptions): Promise<number> {
	const out = options.out ?? process.stdout;
	const say = (line: string) => {
		if (!options.json) out.write(`${line}\n`);
	};
	const lessons: Lesson[] = [];
	/** `LESSON/STEP` refs: only these steps of their lesson run (a facilitator resuming or re-checking one step). */
	const onlySteps = new Map<string, Set<string>>();
	for (const ref of options.refs) {
		const {lesson, step} = findLessonStep(options.lab, options.track, options.lang, ref);
		if (step && lessons.includes(lesson) && !onlySteps.has(lesson.id)) continue;
		if (step) {
			if (step.tracks && !step.tracks.includes(options.track)) throw new UserError(msg(options.lang, 'error.notOnTrack', {lesson: `${lesson.id}/${step.id}`, track: options.track}));
			onlySteps.set(lesson.id, (onlySteps.get(lesson.id) ?? new Set()).add(step.id));
		} else onlySteps.delete(lesson.id);
		if (!lessons.includes(lesson)) lessons.push(lesson);
	}

	let refused: string | undefined;
	const confirmEffects = options.confirm
		? headlessConfirmer({
				lang: options.lang,
				...options.confirm,
				out: options.json ? process.stderr : out,
				onRefused: (_need, text) => {
					refused = text;
				},
			})
		: undefined;
	const {driver, close} = await headlessDriver({
		...options,
		confirmEffects,
		onReaped: (orphan) => process.stderr.write(`cilium-lab: ${msg(options.lang, 'run.reaped', {pid: orphan.pid, command: orphan.command.split('\n')[0]!})}\n`),
	});
	const declined = new Set<string>();
	const state = (): SessionState => driver.getState();
	const save = () => options.store.save({lessons: toProgressLessons(state()), track: options.track, lang: options.lang, variables: options.variables, target: options.target});
	const printLines = (lines: OutputLine[], skipped: number) => {
		if (options.json) return;
		if (skipped > 0) out.write(`  │ … ${skipped} lines (in the log)\n`);
		for (const line of lines) out.write(`  │ ${line.text}\n`);
	};
	driver.subscribe((event) => {
		if (event.type === 'output') printLines(event.lines, event.skipped);
		if (event.type === 'declined') declined.add(`${event.lessonId}/${event.stepId}`);
	});
	const unfollow = options.follow?.(driver);
	const cancelAll = () => driver.cancelAll();
	options.signal.addEventListener('abort', cancelAll, {once: true});

	const reports: StepReport[] = [];
	let code: number = EXIT.ok;
	let failedStep: {lesson: string; step: string; reason: string; passed?: boolean} | undefined;
	const logIncomplete = (lessonId: string, stepId: string): string | undefined => {
		const run = state().lessons[lessonId]!.steps[stepId]!.run;
		const code = run?.outcome?.logIncomplete;
		return code ? msg(options.lang, 'run.logIncompleteReason', {file: run.logFile ?? '?', reason: describeErrno(code, options.lang)}) : undefined;
	};
	const checksOf = (lessonId: string, step: Step): Array<{kind: string} & CheckResult> =>
		state().lessons[lessonId]!.steps[step.id]!.checks.map((row) => ({kind: row.spec.kind, ...(row.result ?? {ok: false, summary: '?'})}));

	try {
		outer: for (const lesson of lessons) {
			const reason = lockedReason(state(), lesson.id);
			if (reason?.kind === 'held') throw new UserError(msg(options.lang, 'run.held', {lesson: lesson.id, number: reason.order}));
			if (reason?.kind === 'requiresLesson') {
				throw new UserError(msg(options.lang, 'run.lessonLocked', {lesson: lesson.id, required: reason.lessonId}), `cilium-lab run ${reason.lessonId} ${lesson.id}`);
			}
			say(`== ${lesson.id}: ${t(options.lang, lesson.title)}`);
			for (const step of visibleSteps(state(), lesson.id)) {
				if (options.signal.aborted) break outer;
				const ref = {lessonId: lesson.id, stepId: step.id};
				const only = onlySteps.get(lesson.id);
				if (only && !only.has(step.id)) continue;
				if (only) {
					const stepLocked = lockedReason(state(), lesson.id, step.id);
					if (stepLocked?.kind === 'previousStep') {
						throw new UserError(msg(options.lang, 'run.stepLocked', {step: `${lesson.id}/${step.id}`, required: `${lesson.id}/${stepLocked.stepId}`}), `cilium-lab run ${lesson.id}/${stepLocked.stepId}`);
					}
				}
				const before = state().lessons[lesson.id]!.steps[step.id]!;
				say(msg(options.lang, 'run.step', {lesson: lesson.id, step: step.id, title: t(options.lang, step.title)}));
				if ((before.status === 'done' || before.status === 'solved') && !options.redo) {
					// Complete before: skipped while its checks still pass; run again when its state has gone.
					if (isRecheckable(step)) await driver.reverify([ref]);
					const after = state().lessons[lesson.id]!.steps[step.id]!;
					if (after.status !== 'stale') {
						say(msg(options.lang, 'run.alreadyDone', {at: before.completed?.at ?? ''}));
						reports.push({lesson: lesson.id, step: step.id, status: before.status, action: 'skipped', note: 'already complete'});
						continue;
					}
					say(msg(options.lang, 'run.stale', {reason: after.failure?.kind === 'stale' ? after.failure.reason : ''}));
				}
				const report: StepReport = {lesson: lesson.id, step: step.id, status: '', action: 'run'};
				reports.push(report);

				const useSolve = step.solve !== undefined && (options.solve || step.mode === 'interactive');
				if (step.mode === 'read' || (step.mode === 'interactive' && !useSolve)) {
					if (step.mode === 'interactive') {
						say(msg(options.lang, 'run.interactiveSkipped'));
						report.action = 'skipped';
						report.note = 'interactive, no solve script';
					} else {
						say(msg(options.lang, 'run.read'));
						report.action = 'read';
					}
					if (step.expect.length === 0) driver.acknowledge(ref);
					else {
						await driver.check(ref);
						report.checks = checksOf(lesson.id, step);
					}
				} else {
					const script = useSolve ? step.solve! : step.run;
					if (step.mode === 'interactive') say(msg(options.lang, 'run.interactiveSolve'));
					else if (useSolve) say(msg(options.lang, 'run.solving'));
					else if (options.solve) say(msg(options.lang, 'run.noSolve'));
					report.action = useSolve ? 'solve' : 'run';
					if (script) {
						const background = step.mode === 'background';
						if (background) say(msg(options.lang, 'run.background'));
						await (useSolve ? driver.solve(ref) : driver.run(ref));
						if (declined.has(`${lesson.id}/${step.id}`)) {
							const reason = refused ?? msg(options.lang, 'confirm.declined', {step: `${lesson.id}/${step.id}`});
							report.status = 'declined';
							report.note = reason;
							failedStep = {lesson: lesson.id, step: step.id, reason};
							code = EXIT.user;
							break outer;
						}
						const run = state().lessons[lesson.id]!.steps[step.id]!.run;
						report.logFile = run?.logFile;
						if (!background && run?.outcome) {
							report.outcome = run.outcome;
							say(outcomeLine(options.lang, run.outcome));
							if (run.logFile) say(msg(options.lang, run.outcome.logIncomplete ? 'run.logIncomplete' : 'run.log', {file: run.logFile, reason: describeErrno(run.outcome.logIncomplete, options.lang)}));
							if (run.outcome.kind === 'cancelled') break outer;
						}
						if (step.expect.length > 0 && state().lessons[lesson.id]!.steps[step.id]!.checks.some((row) => row.result)) report.checks = checksOf(lesson.id, step);
					}
				}
				if (report.checks) {
					if (!options.json) printCheckResults(out, options.lang, report.checks);
				}
				const after = state().lessons[lesson.id]!.steps[step.id]!;
				report.status = after.status;
				if (after.status === 'done' || after.status === 'solved') {
					say(msg(options.lang, 'run.passed', {status: msg(options.lang, after.status === 'done' ? 'status.done' : 'status.solved')}));
					try {
						await save();
					} catch (error) {
						// Never lost silently: the run stops here and says which completion is not on disk.
						const errno = error as NodeJS.ErrnoException;
						const reason = msg(options.lang, 'run.notSaved', {step: `${lesson.id}/${step.id}`, reason: describeErrno(errno.code, options.lang), file: errno.path ?? progressPath(options.home)});
						failedStep = {lesson: lesson.id, step: step.id, reason};
						code = EXIT.environment;
						break outer;
					}
					const incomplete = logIncomplete(lesson.id, step.id);
					if (incomplete) {
						// The step counts (it is saved), but the machine is failing: the run stops and says so.
						failedStep = {lesson: lesson.id, step: step.id, reason: incomplete, passed: true};
						code = EXIT.environment;
						break outer;
					}
					continue;
				}
				if (options.signal.aborted) break outer;
				if (step.optional) {
					say(msg(options.lang, 'run.optionalFailed'));
					continue;
				}
				const reasonText = report.action === 'skipped' ? (report.note ?? 'skipped') : stepFailureReason(options.lang, step, state(), lesson.id);
				failedStep = {lesson: lesson.id, step: step.id, reason: reasonText};
				// For `report --format junit`: the reason and the command's log (src/workshop/failures.ts).
				recordFailure(options.home, `${lesson.id}/${step.id}`, {at: new Date().toISOString(), reason: reasonText, ...(report.logFile ? {logFile: report.logFile} : {})});
				const unreachable = after.failure?.kind === 'checks' && after.failure.unreachable;
				code = unreachable ? EXIT.unreachable : EXIT.failed;
				// A full disk may be why it failed: the machine's error wins the exit code.
				const incomplete = logIncomplete(lesson.id, step.id);
				if (incomplete) {
					failedStep.reason += `; ${incomplete}`;
					code = EXIT.environment;
				}
				break outer;
			}
		}
	} finally {
		options.signal.removeEventListener('abort', cancelAll);
		await close();
		unfollow?.();
	}

	if (options.signal.aborted) code = EXIT.cancelled;
	const completed = reports.filter((report) => report.status === 'done' || report.status === 'solved').length;
	if (options.json) {
		out.write(`${JSON.stringify({ok: code === EXIT.ok, exitCode: code, failed: failedStep, steps: reports}, null, 2)}\n`);
	} else if (failedStep) {
		out.write(`✘ ${msg(options.lang, failedStep.passed ? 'run.stoppedAfter' : 'run.stepFailed', {lesson: failedStep.lesson, step: failedStep.step, reason: failedStep.reason})}\n`);
	} else if (code === EXIT.ok) {
		out.write(`${msg(options.lang, 'run.allDone', {count: completed})}\n`);
	}
	return code;
}
