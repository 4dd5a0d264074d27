// `cilium-lab check LESSON[/STEP]`: evaluate a step's checks now (or every step of a lesson) and say what was seen.
import type {CheckResult} from '../checks/types.js';
import {EXIT, UserError} from '../errors.js';
import {msg, t} from '../lab/i18n.js';
import {didYouMean} from '../lab/suggest.js';
import type {Lab, Lang, Lesson, Step, TrackId} from '../lab/types.js';
import {commandEnvironment} from '../lab/variables.js';
import {labHomeId} from '../home.js';
import {checkOnce, type CheckRunner} from './checks.js';

/** The lesson (and step) a `LESSON[/STEP]` argument names, with did-you-mean for typos. */
export function findLessonStep(lab: Lab, track: TrackId, lang: Lang, ref: string): {lesson: Lesson; step?: Step} {
	const [lessonId, stepId] = ref.split('/', 2) as [string, string | undefined];
	const lesson = lab.lessons.find((candidate) => candidate.id === lessonId);
	if (!lesson) {
		throw new UserError(msg(lang, 'error.unknownLesson', {lesson: lessonId, suggestion: didYouMean(lessonId, lab.lessons.map((l) => l.id))}), 'cilium-lab list');
	}
	if (!lesson.tracks.includes(track)) throw new UserError(msg(lang, 'error.notOnTrack', {lesson: lessonId, track}), `--track ${lesson.tracks[0]}`);
	if (stepId === undefined || stepId === '') return {lesson};
	const step = lesson.steps.find((candidate) => candidate.id === stepId);
	if (!step) {
		throw new UserError(msg(lang, 'error.unknownStep', {lesson: lessonId, step: stepId, suggestion: didYouMean(stepId, lesson.steps.map((s) => s.id))}));
	}
	return {lesson, step};
}

export interface StepChecksReport {
	lesson: string;
	step: string;
	ok: boolean;
	checks: Array<{kind: string} & CheckResult>;
}

export function printCheckResults(out: NodeJS.WritableStream, lang: Lang, results: Array<{kind: string} & CheckResult>, indent = '  '): void {
	for (const result of results) {
		out.write(`${indent}${result.ok ? '✔' : '✘'} ${result.summary}\n`);
		if (!result.ok) {
			for (const line of (result.detail ?? '').split('\n').filter(Boolean)) out.write(`${indent}    ${line}\n`);
			if (result.hint) out.write(`${indent}    ${msg(lang, 'check.hint', {hint: result.hint})}\n`);
		}
	}
}

export function exitCodeFor(reports: StepChecksReport[]): number {
	const failed = reports.flatMap((report) => report.checks.filter((check) => !check.ok));
	if (failed.some((check) => check.unreachable)) return EXIT.unreachable;
	return failed.length > 0 ? EXIT.failed : EXIT.ok;
}

export async function checkCommand(options: {
	lab: Lab;
	track: TrackId;
	lang: Lang;
	ref: string;
	json: boolean;
	variables: Record<string, string>;
	home: string;
	targetEnv: Record<string, string>;
	context?: string;
	runChecks: CheckRunner;
	signal: AbortSignal;
	out?: NodeJS.WritableStream;
}): Promise<number> {
	const out = options.out ?? process.stdout;
	const {lesson, step} = findLessonStep(options.lab, options.track, options.lang, options.ref);
	const steps = step ? [step] : lesson.steps.filter((candidate) => !candidate.tracks || candidate.tracks.includes(options.track));
	const env = commandEnvironment({base: options.targetEnv, variables: options.variables, assetsDir: options.lab.assetsDir, home: options.home, homeId: labHomeId(options.home)});
	const reports: StepChecksReport[] = [];
	for (const current of steps) {
		if (current.expect.length === 0) {
			if (step && !options.json) out.write(`${msg(options.lang, 'check.none', {step: `${lesson.id}/${current.id}`})}\n`);
			continue;
		}
		const results = await checkOnce(options.runChecks, current.expect, {env, variables: options.variables, lang: options.lang, context: options.context, signal: options.signal});
		const checks = results.map((result, index) => ({kind: current.expect[index]!.kind, ...result}));
		const report = {lesson: lesson.id, step: current.id, ok: checks.every((check) => check.ok), checks};
		reports.push(report);
		if (!options.json) {
			out.write(`${lesson.id}/${current.id}: ${t(options.lang, current.title)}\n`);
			printCheckResults(out, options.lang, checks);
		}
	}
	const code = exitCodeFor(reports);
	if (options.json) out.write(`${JSON.stringify({ok: code === EXIT.ok, steps: reports}, null, 2)}\n`);
	return code;
}
