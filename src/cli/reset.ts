// `cilium-lab reset [LESSON[/STEP]]`: forgets progress from that step (or lesson, or the beginning) on, after running
// the `cleanup:` of each of those steps that had passed, newest first, so the cluster goes back with the progress.
import {describeErrno, EXIT} from '../errors.js';
import {msg} from '../lab/i18n.js';
import type {ProgressStore} from '../progress/store.js';
import {toProgressLessons} from '../session/index.js';
import {describeOutcome} from '../session/outcome.js';
import {findLessonStep} from './check.js';
import {headlessConfirmer, type HeadlessConfirmOptions} from './confirm.js';
import {headlessDriver, type HeadlessDriverOptions} from './driver.js';

export interface ResetOptions extends HeadlessDriverOptions {
	ref?: string;
	json: boolean;
	store: ProgressStore;
	out?: NodeJS.WritableStream;
	/** How a cleanup with effects is confirmed on the real target (`--yes`, `--confirm NAME`, a terminal), as for run. */
	confirm?: Omit<HeadlessConfirmOptions, 'lang' | 'out' | 'onRefused'>;
}

export async function resetCommand(options: ResetOptions): Promise<number> {
	const out = options.out ?? process.stdout;
	const from = options.ref ? findLessonStep(options.lab, options.track, options.lang, options.ref) : undefined;
	let refused: string | undefined;
	const confirmEffects = options.confirm
		? headlessConfirmer({lang: options.lang, ...options.confirm, out: options.json ? process.stderr : out, onRefused: (_need, text) => (refused = text)})
		: undefined;
	const {driver, close} = await headlessDriver({...options, confirmEffects});
	driver.subscribe((event) => {
		if (options.json) return;
		if (event.type === 'output') for (const line of event.lines) out.write(`  │ ${line.text}\n`);
	});
	let report;
	try {
		report = await driver.reset(from ? {lessonId: from.lesson.id, stepId: from.step?.id} : undefined);
	} finally {
		await close();
	}
	const state = driver.getState();
	await options.store.save({lessons: toProgressLessons(state), track: options.track, lang: options.lang, variables: options.variables, target: options.target});
	// A cleanup refused for want of --confirm is a usage matter (exit 1), as in run; one declined at the terminal too.
	// A cleanup whose log could not be written to the end (a full disk): the machine is failing, as in run (exit 74).
	const incomplete = [...report.cleanups, ...(report.failed ? [report.failed] : [])].find((cleanup) => cleanup.outcome.logIncomplete);
	const code = report.declined ? EXIT.user : report.failed ? EXIT.failed : incomplete ? EXIT.environment : EXIT.ok;
	if (options.json) {
		const cleanups = report.cleanups.map((cleanup) => ({step: `${cleanup.lessonId}/${cleanup.stepId}`, outcome: cleanup.outcome}));
		out.write(
			`${JSON.stringify({ok: code === EXIT.ok, exitCode: code, steps: report.steps.map((ref) => `${ref.lessonId}/${ref.stepId}`), cleanups, ...(report.declined ? {declined: `${report.declined.lessonId}/${report.declined.stepId}`, ...(refused ? {refused} : {})} : {})}, null, 2)}\n`,
		);
		return code;
	}
	if (report.declined) {
		if (refused) out.write(`✘ ${refused}\n`);
		out.write(`${msg(options.lang, 'reset.declined', {step: `${report.declined.lessonId}/${report.declined.stepId}`, count: report.steps.length})}\n`);
		return code;
	}
	if (report.failed) out.write(`✘ ${msg(options.lang, 'reset.cleanupFailed', {step: `${report.failed.lessonId}/${report.failed.stepId}`, outcome: describeOutcome(options.lang, report.failed.outcome)})}\n`);
	if (incomplete) {
		const reason = msg(options.lang, 'run.logIncompleteReason', {file: incomplete.outcome.logFile ?? '?', reason: describeErrno(incomplete.outcome.logIncomplete, options.lang)});
		out.write(`✘ ${incomplete.lessonId}/${incomplete.stepId}: ${reason}\n`);
	}
	out.write(`${msg(options.lang, 'reset.done', {count: report.steps.length, cleanups: report.cleanups.length})}\n`);
	return code;
}
