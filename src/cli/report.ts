// `cilium-lab report`: one learner's record from their progress file (JSON, JUnit XML, Markdown), a signed
// certificate of completion, and the check of one (src/workshop/records.ts, src/workshop/certificate.ts).
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {EXIT, UserError} from '../errors.js';
import {msg} from '../lab/i18n.js';
import type {Lab, Lang, TrackId} from '../lab/types.js';
import type {Progress} from '../progress/store.js';
import {visibleSteps} from '../session/gating.js';
import {certificatePayload, homeSigningKey, signCertificate, verifyCertificate} from '../workshop/certificate.js';
import {buildReport, lessonsHash, reportJunit, reportMarkdown} from '../workshop/records.js';
import {findLessonStep} from './check.js';
import {logTail, readFailures} from '../workshop/failures.js';

export interface ReportOptions {
	lab: Lab;
	track: TrackId;
	lang: Lang;
	home: string;
	progress?: Progress;
	labVersion: string;
	refs: string[];
	format?: string;
	certificate: boolean;
	verify?: string;
	name?: string;
	now?: Date;
	out?: NodeJS.WritableStream;
	err?: NodeJS.WritableStream;
}

/** The hash of the lab's lessons: lab.yaml and every lesson file, by name, in order. */
export function labLessonsHash(lab: Lab): string {
	const files = [path.join(lab.lessonsDir, 'lab.yaml'), ...lab.lessons.map((lesson) => lesson.file)];
	return lessonsHash(files.map((file) => ({name: path.basename(file), content: readFileSync(file)})));
}

function checkFormat(lang: Lang, format: string | undefined, allowed: string[]): string {
	const chosen = format ?? allowed[0]!;
	if (!allowed.includes(chosen)) throw new UserError(msg(lang, 'report.badFormat', {format: chosen, expected: allowed.join(', ')}));
	return chosen;
}

export function reportCommand(options: ReportOptions): number {
	const out = options.out ?? process.stdout;
	const err = options.err ?? process.stderr;
	const lang = options.lang;
	if (options.verify !== undefined) return verifyCommand(options, out);

	const format = checkFormat(lang, options.format, options.certificate ? ['md', 'html'] : ['json', 'junit', 'md']);
	const lessonIds = options.refs.map((ref) => {
		const {lesson, step} = findLessonStep(options.lab, options.track, lang, ref);
		if (step) throw new UserError(`report: ${ref}: expected a LESSON, not a step`, `cilium-lab report ${lesson.id}`);
		return lesson.id;
	});
	if (!options.progress) throw new UserError(msg(lang, 'report.noProgress', {home: options.home}), 'cilium-lab run LESSON');
	const now = options.now ?? new Date();
	const report = buildReport({
		lab: options.lab,
		track: options.track,
		lang,
		progress: options.progress.lessons,
		lessonIds,
		labVersion: options.labVersion,
		lessonsHash: labLessonsHash(options.lab),
		learner: options.name,
		target: options.progress.target,
		failures: Object.fromEntries(
			Object.entries(readFailures(options.home)).map(([step, record]) => {
				const tail = record.logFile ? logTail(record.logFile) : undefined;
				return [step, {...record, ...(tail ? {logTail: tail} : {})}];
			}),
		),
		now,
	});

	if (options.certificate) {
		if (!options.name) throw new UserError(msg(lang, 'report.needsName'), 'cilium-lab report --certificate --name NAME');
		const left = report.lessons.flatMap((lesson) => lesson.steps.filter((step) => !step.optional && step.status === 'not-done').map((step) => `${lesson.id}/${step.id}`));
		if (left.length > 0 || report.totals.required === 0) {
			const first = left[0] ?? options.lab.lessons.find((lesson) => visibleSteps(lesson, options.track).length > 0)?.id ?? '-';
			throw new UserError(msg(lang, 'report.notComplete', {track: options.track, left: left.length, first}), `cilium-lab run ${first.split('/')[0]}`);
		}
		const {text, fingerprint} = signCertificate(certificatePayload(report, options.name, now), format as 'md' | 'html', lang, homeSigningKey(options.home));
		out.write(text);
		err.write(`cilium-lab: ${msg(lang, 'report.certificateMade', {fingerprint})}\n`);
		return EXIT.ok;
	}
	if (format === 'json') out.write(`${JSON.stringify(report, null, 2)}\n`);
	else if (format === 'junit') out.write(reportJunit(report, lang));
	else out.write(reportMarkdown(report, lang));
	return EXIT.ok;
}

function verifyCommand(options: ReportOptions, out: NodeJS.WritableStream): number {
	const lang = options.lang;
	const file = options.verify!;
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		throw new UserError(`--verify ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
	}
	const result = verifyCertificate(text);
	if (!result.ok) {
		if (result.reason === 'not-a-certificate') throw new UserError(msg(lang, 'report.verify.notCertificate', {file}));
		out.write(`${msg(lang, 'report.verify.edited', {fingerprint: result.fingerprint ?? '?'})}\n`);
		return EXIT.failed;
	}
	const {payload, fingerprint} = result;
	out.write(`${msg(lang, 'report.verify.ok', {learner: payload.learner, version: payload.labVersion, track: payload.track, at: payload.issuedAt, fingerprint})}\n`);
	let current: string | undefined;
	try {
		current = labLessonsHash(options.lab);
	} catch {
		current = undefined;
	}
	out.write(`${current === payload.lessonsHash ? msg(lang, 'report.verify.sameLessons', {hash: payload.lessonsHash}) : msg(lang, 'report.verify.otherLessons', {hash: payload.lessonsHash, current: current ?? '?'})}\n`);
	out.write(`${msg(lang, 'report.verify.trust')}\n`);
	return EXIT.ok;
}
