// `cilium-lab run LESSON…`: the lessons headless, through the same session reducer the TUI drives.
// Each step runs its command (or its solve script with --solve), then polls its checks until they pass or
// the step's deadline passes. The first failing step stops the run and names the condition that failed.
import type {CheckResult} from '../checks/types.js';
import {EXIT, UserError} from '../errors.js';
import {msg, t} from '../lab/i18n.js';
import type {Lab, Lang, Lesson, Step, TrackId} from '../lab/types.js';
import {commandEnvironment} from '../lab/variables.js';
import type {ProgressStore} from '../progress/store.js';
import type {OutputLine, RunOutcome} from '../run/types.js';
import {createSession, isRecheckable, lockedReason, reduce, toProgressLessons, visibleSteps, type ProgressLessons, type SessionEvent, type SessionState, type Target} from '../session/index.js';
import {printCheckResults} from './check.js';
import {checkOnce, type CheckRunner} from './checks.js';
import {findLessonStep} from './check.js';

export interface CommandRunner {
	runCommand(options: {
		script: string;
		env: Record<string, string>;
		cwd?: string;
		timeoutMs?: number;
		signal?: AbortSignal;
		onLines?: (lines: OutputLine[], skipped: number) => void;
		logFile?: string;
	}): Promise<RunOutcome>;
	logFileFor(home: string, label: string): string;
}

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
	signal: AbortSignal;
	out?: NodeJS.WritableStream;
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

const now = () => new Date().toISOString();

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

/** The condition that failed, in one line: the first failing check's summary, or how the command ended. */
function failureReason(lang: Lang, step: Step, state: SessionState, lessonId: string): string {
	const stepState = state.lessons[lessonId]!.steps[step.id]!;
	const failure = stepState.failure;
	if (failure?.kind === 'checks') {
		return failure.failed
			.map((index) => `${step.expect[index]!.kind}: ${stepState.checks[index]?.result?.summary ?? '?'}`)
			.join('; ');
	}
	if (failure?.kind === 'exit') return msg(lang, 'run.exitReason', {code: failure.exitCode});
	if (failure?.kind === 'timedOut') return msg(lang, 'run.timeoutReason', {seconds: Math.round(failure.timeoutMs / 1000)});
	if (failure?.kind === 'failedToStart') return failure.message;
	return stepState.status;
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

	let state = createSession({
		lab: options.lab,
		track: options.track,
		lang: options.lang,
		variables: options.variables,
		target: options.target,
		progress: options.progressLessons,
	});
	const dispatch = (event: SessionEvent) => {
		state = reduce(state, event);
	};
	const save = () => options.store.save({lessons: toProgressLessons(state), track: options.track, lang: options.lang, variables: options.variables, target: options.target});
	const env = commandEnvironment({base: options.targetEnv, variables: options.variables, assetsDir: options.lab.assetsDir, home: options.home});
	const reports: StepReport[] = [];
	const background: Array<{controller: AbortController; done: Promise<RunOutcome>}> = [];
	let code: number = EXIT.ok;
	let failedStep: {lesson: string; step: string; reason: string} | undefined;

	const printLines = (lines: OutputLine[], skipped: number) => {
		if (options.json) return;
		if (skipped > 0) out.write(`  │ … ${skipped} lines (in the log)\n`);
		for (const line of lines) out.write(`  │ ${line.text}\n`);
	};

	const runScript = async (lesson: Lesson, step: Step, script: string, label: string): Promise<{outcome: RunOutcome; logFile: string}> => {
		const logFile = options.runner.logFileFor(options.home, `${lesson.id}-${step.id}-${label}`);
		const outcome = await options.runner.runCommand({
			script,
			env,
			timeoutMs: step.timeout * 1000,
			signal: options.signal,
			onLines: printLines,
			logFile,
		});
		return {outcome, logFile};
	};

	const pollChecks = async (lesson: Lesson, step: Step): Promise<Array<{kind: string} & CheckResult>> => {
		dispatch({type: 'CHECKS_STARTED', lessonId: lesson.id, stepId: step.id});
		const results = await options.runChecks({
			specs: step.expect,
			timeoutSec: step.timeout,
			env,
			variables: options.variables,
			lang: options.lang,
			context: options.context,
			signal: options.signal,
			onUpdate: (index, result, final) => dispatch({type: 'CHECK_UPDATED', lessonId: lesson.id, stepId: step.id, index, result, final}),
		});
		dispatch({type: 'CHECKS_FINISHED', lessonId: lesson.id, stepId: step.id, at: now(), results});
		return results.map((result, index) => ({kind: step.expect[index]!.kind, ...result}));
	};

	/** Checks a completed step once; returns what is gone (the failing checks' summaries), or undefined when all pass. */
	const reverify = async (lesson: Lesson, step: Step): Promise<string | undefined> => {
		const results = await checkOnce(options.runChecks, step.expect, {env, variables: options.variables, lang: options.lang, context: options.context, signal: options.signal});
		const failed = results.flatMap((result, index) => (result.ok ? [] : [`${step.expect[index]!.kind}: ${result.summary}`]));
		const reason = failed.length > 0 ? failed.join('; ') : undefined;
		dispatch({type: 'RESUME_VERIFIED', lessonId: lesson.id, stepId: step.id, ok: !reason, reason, results});
		return reason;
	};

	try {
		outer: for (const lesson of lessons) {
			const reason = lockedReason(state, lesson.id);
			if (reason?.kind === 'requiresLesson') {
				throw new UserError(msg(options.lang, 'run.lessonLocked', {lesson: lesson.id, required: reason.lessonId}), `cilium-lab run ${reason.lessonId} ${lesson.id}`);
			}
			say(`== ${lesson.id}: ${t(options.lang, lesson.title)}`);
			for (const step of visibleSteps(state, lesson.id)) {
				if (options.signal.aborted) break outer;
				const ref = {lessonId: lesson.id, stepId: step.id};
				const only = onlySteps.get(lesson.id);
				if (only && !only.has(step.id)) continue;
				if (only) {
					const stepLocked = lockedReason(state, lesson.id, step.id);
					if (stepLocked?.kind === 'previousStep') {
						throw new UserError(msg(options.lang, 'run.stepLocked', {step: `${lesson.id}/${step.id}`, required: `${lesson.id}/${stepLocked.stepId}`}), `cilium-lab run ${lesson.id}/${stepLocked.stepId}`);
					}
				}
				const before = state.lessons[lesson.id]!.steps[step.id]!;
				say(msg(options.lang, 'run.step', {lesson: lesson.id, step: step.id, title: t(options.lang, step.title)}));
				if ((before.status === 'done' || before.status === 'solved') && !options.redo) {
					// Complete before: skipped while its checks still pass; run again when its state has gone.
					const gone = isRecheckable(step) ? await reverify(lesson, step) : undefined;
					if (!gone) {
						say(msg(options.lang, 'run.alreadyDone', {at: before.completed?.at ?? ''}));
						reports.push({lesson: lesson.id, step: step.id, status: before.status, action: 'skipped', note: 'already complete'});
						continue;
					}
					say(msg(options.lang, 'run.stale', {reason: gone}));
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
					if (step.expect.length === 0) dispatch({type: 'STEP_ACKNOWLEDGED', ...ref, at: now()});
					else report.checks = await pollChecks(lesson, step);
				} else {
					const script = useSolve ? step.solve! : step.run;
					if (step.mode === 'interactive') say(msg(options.lang, 'run.interactiveSolve'));
					else if (useSolve) say(msg(options.lang, 'run.solving'));
					else if (options.solve) say(msg(options.lang, 'run.noSolve'));
					report.action = useSolve ? 'solve' : 'run';
					dispatch({type: useSolve ? 'SOLVE_STARTED' : 'STEP_STARTED', ...ref, at: now()});
					if (step.mode === 'background' && !useSolve && script) {
						const controller = new AbortController();
						const stop = () => controller.abort();
						options.signal.addEventListener('abort', stop, {once: true});
						const logFile = options.runner.logFileFor(options.home, `${lesson.id}-${step.id}-run`);
						const done = options.runner.runCommand({script, env, signal: controller.signal, onLines: printLines, logFile});
						background.push({controller, done});
						report.logFile = logFile;
						say(msg(options.lang, 'run.background'));
						report.checks = step.expect.length > 0 ? await pollChecks(lesson, step) : undefined;
						if (step.expect.length === 0) dispatch({type: 'STEP_ACKNOWLEDGED', ...ref, at: now()});
					} else if (script) {
						const {outcome, logFile} = await runScript(lesson, step, script, useSolve ? 'solve' : 'run');
						report.outcome = outcome;
						report.logFile = logFile;
						say(outcomeLine(options.lang, outcome));
						say(msg(options.lang, 'run.log', {file: logFile}));
						dispatch({type: 'OUTPUT_EXITED', ...ref, at: now(), outcome});
						if (outcome.kind === 'cancelled') break outer;
						if (state.lessons[lesson.id]!.steps[step.id]!.status === 'checking') report.checks = await pollChecks(lesson, step);
					}
				}
				if (report.checks) {
					if (!options.json) printCheckResults(out, options.lang, report.checks);
				}
				const after = state.lessons[lesson.id]!.steps[step.id]!;
				report.status = after.status;
				if (after.status === 'done' || after.status === 'solved') {
					say(msg(options.lang, 'run.passed', {status: msg(options.lang, after.status === 'done' ? 'status.done' : 'status.solved')}));
					await save();
					continue;
				}
				if (options.signal.aborted) break outer;
				if (step.optional) {
					say(msg(options.lang, 'run.optionalFailed'));
					continue;
				}
				const reasonText = report.action === 'skipped' ? (report.note ?? 'skipped') : failureReason(options.lang, step, state, lesson.id);
				failedStep = {lesson: lesson.id, step: step.id, reason: reasonText};
				const unreachable = after.failure?.kind === 'checks' && after.failure.unreachable;
				code = unreachable ? EXIT.unreachable : EXIT.failed;
				break outer;
			}
		}
	} finally {
		for (const job of background) job.controller.abort();
		await Promise.allSettled(background.map((job) => job.done));
	}

	if (options.signal.aborted) code = EXIT.cancelled;
	const completed = reports.filter((report) => report.status === 'done' || report.status === 'solved').length;
	if (options.json) {
		out.write(`${JSON.stringify({ok: code === EXIT.ok, exitCode: code, failed: failedStep, steps: reports}, null, 2)}\n`);
	} else if (failedStep) {
		out.write(`✘ ${msg(options.lang, 'run.stepFailed', {lesson: failedStep.lesson, step: failedStep.step, reason: failedStep.reason})}\n`);
	} else if (code === EXIT.ok) {
		out.write(`${msg(options.lang, 'run.allDone', {count: completed})}\n`);
	}
	return code;
}
