// `cilium-lab report`: one learner's record from their progress file: per step, done (their own run passed) or solved
// (the solve script brought the cluster there), when, how many attempts, hints and how long. Rendered as JSON, as
// JUnit XML for a CI that runs the lab headless as a track test, or as Markdown. Pure: the caller reads the files.
import {createHash} from 'node:crypto';
import {msg, t} from '../lab/i18n.js';
import type {Lab, Lang, TrackId} from '../lab/types.js';
import {visibleSteps} from '../session/gating.js';
import type {ProgressLessons} from '../session/types.js';

export type RecordStatus = 'done' | 'solved' | 'not-done';

export interface StepRecordView {
	id: string;
	title: string;
	optional: boolean;
	status: RecordStatus;
	/** ISO time it became complete. */
	at?: string;
	attempts?: number;
	hints?: number;
	timeMs?: number;
	/** A step not complete that a headless run or the TUI saw fail: the reason, when, and the end of its command's log. */
	failure?: {at: string; reason: string; logFile?: string; logTail?: string[]};
}

export interface LessonRecord {
	id: string;
	title: string;
	steps: StepRecordView[];
}

export interface LearnerReport {
	kind: 'cilium-lab-report';
	version: 1;
	labVersion: string;
	track: TrackId;
	target?: {kind: 'practice' | 'real'; context?: string};
	learner?: string;
	generatedAt: string;
	/** sha256 of the lesson files (lessonsHash), so a record says which lessons it was earned on. */
	lessonsHash: string;
	lessons: LessonRecord[];
	totals: {steps: number; done: number; solved: number; notDone: number; required: number; requiredComplete: number; attempts: number; hints: number; timeMs: number};
}

/** sha256 over each lesson file's name and bytes, in the lab's order: the same lessons give the same hash anywhere. */
export function lessonsHash(files: Array<{name: string; content: Buffer | string}>): string {
	const hash = createHash('sha256');
	for (const file of files) {
		hash.update(`${file.name}\0`);
		hash.update(file.content);
		hash.update('\0');
	}
	return `sha256:${hash.digest('hex')}`;
}

export function buildReport(options: {
	lab: Lab;
	track: TrackId;
	lang: Lang;
	progress: ProgressLessons;
	lessonIds?: string[];
	labVersion: string;
	lessonsHash: string;
	learner?: string;
	target?: LearnerReport['target'];
	/** Why steps last failed, by "lesson/step" (src/workshop/failures.ts, with the log's tail read). */
	failures?: Record<string, NonNullable<StepRecordView['failure']>>;
	now: Date;
}): LearnerReport {
	const lessons: LessonRecord[] = [];
	for (const lesson of options.lab.lessons) {
		if (options.lessonIds && options.lessonIds.length > 0 && !options.lessonIds.includes(lesson.id)) continue;
		const steps = visibleSteps(lesson, options.track);
		if (steps.length === 0) continue;
		lessons.push({
			id: lesson.id,
			title: t(options.lang, lesson.title),
			steps: steps.map((step) => {
				const saved = options.progress[lesson.id]?.steps[step.id];
				const view: StepRecordView = {id: step.id, title: t(options.lang, step.title), optional: step.optional === true, status: saved ? saved.status : 'not-done'};
				if (saved) {
					view.at = saved.at;
					if (saved.attempts !== undefined) view.attempts = saved.attempts;
					if (saved.hints !== undefined) view.hints = saved.hints;
					if (saved.timeMs !== undefined) view.timeMs = saved.timeMs;
				} else {
					const failure = options.failures?.[`${lesson.id}/${step.id}`];
					if (failure) view.failure = failure;
				}
				return view;
			}),
		});
	}
	const all = lessons.flatMap((lesson) => lesson.steps);
	const required = all.filter((step) => !step.optional);
	return {
		kind: 'cilium-lab-report',
		version: 1,
		labVersion: options.labVersion,
		track: options.track,
		...(options.target ? {target: options.target} : {}),
		...(options.learner ? {learner: options.learner} : {}),
		generatedAt: options.now.toISOString(),
		lessonsHash: options.lessonsHash,
		lessons,
		totals: {
			steps: all.length,
			done: all.filter((step) => step.status === 'done').length,
			solved: all.filter((step) => step.status === 'solved').length,
			notDone: all.filter((step) => step.status === 'not-done').length,
			required: required.length,
			requiredComplete: required.filter((step) => step.status !== 'not-done').length,
			attempts: all.reduce((sum, step) => sum + (step.attempts ?? 0), 0),
			hints: all.reduce((sum, step) => sum + (step.hints ?? 0), 0),
			timeMs: all.reduce((sum, step) => sum + (step.timeMs ?? 0), 0),
		},
	};
}

// XML 1.0 allows tab, newline, carriage return and characters from U+0020 on (minus surrogates and U+FFFE/U+FFFF).
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
export const xmlEscape = (text: string) =>
	text.replace(XML_INVALID, '').replace(/[&<>"']/g, (char) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;'})[char]!);
const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

/**
 * JUnit XML in the shape Jenkins, GitLab and GitHub test reporters read (the Ant/Jenkins "junit-4.xsd" layout:
 * testsuites > testsuite > testcase, with failure / skipped children): one testsuite per lesson, one testcase
 * per step. A done or solved step passes (solved says so in its properties and system-out, since a track test
 * runs `run --solve`); a required step not completed fails (failure type "NotCompleted"); an optional step not
 * completed is skipped.
 */
export function reportJunit(report: LearnerReport, lang: Lang): string {
	const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
	const failures = report.lessons.flatMap((lesson) => lesson.steps).filter((step) => step.status === 'not-done' && !step.optional).length;
	const skipped = report.lessons.flatMap((lesson) => lesson.steps).filter((step) => step.status === 'not-done' && step.optional).length;
	lines.push(
		`<testsuites name="cilium-lab" tests="${report.totals.steps}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(report.totals.timeMs)}" timestamp="${report.generatedAt.replace(/\.\d+Z$/, '')}">`,
	);
	report.lessons.forEach((lesson, index) => {
		const lessonFailures = lesson.steps.filter((step) => step.status === 'not-done' && !step.optional).length;
		const lessonSkipped = lesson.steps.filter((step) => step.status === 'not-done' && step.optional).length;
		const time = lesson.steps.reduce((sum, step) => sum + (step.timeMs ?? 0), 0);
		lines.push(
			`  <testsuite id="${index}" name="${xmlEscape(`${lesson.id}: ${lesson.title}`)}" package="cilium-lab.${xmlEscape(lesson.id)}" tests="${lesson.steps.length}" failures="${lessonFailures}" errors="0" skipped="${lessonSkipped}" time="${seconds(time)}" timestamp="${report.generatedAt.replace(/\.\d+Z$/, '')}" hostname="localhost">`,
		);
		lines.push('    <properties>');
		lines.push(`      <property name="track" value="${xmlEscape(report.track)}"/>`);
		lines.push(`      <property name="labVersion" value="${xmlEscape(report.labVersion)}"/>`);
		lines.push(`      <property name="lessonsHash" value="${xmlEscape(report.lessonsHash)}"/>`);
		if (report.learner) lines.push(`      <property name="learner" value="${xmlEscape(report.learner)}"/>`);
		lines.push('    </properties>');
		for (const step of lesson.steps) {
			const open = `    <testcase classname="cilium-lab.${xmlEscape(lesson.id)}" name="${xmlEscape(`${step.id}: ${step.title}`)}" time="${seconds(step.timeMs)}">`;
			lines.push(open);
			if (step.status === 'not-done') {
				if (step.optional) lines.push(`      <skipped message="${xmlEscape(msg(lang, 'report.junit.optional'))}"/>`);
				else {
					const message = msg(lang, 'report.junit.notCompleted', {step: `${lesson.id}/${step.id}`}) + (step.failure ? ` — ${step.failure.reason}` : '');
					if (!step.failure) lines.push(`      <failure type="NotCompleted" message="${xmlEscape(message)}"/>`);
					else {
						// The text: when it failed, the log and its last lines (what a CI shows under the failed test).
						const body = [
							msg(lang, 'report.junit.failedAt', {at: step.failure.at}),
							...(step.failure.logFile ? [msg(lang, 'report.junit.log', {file: step.failure.logFile})] : []),
							...(step.failure.logTail ?? []),
						].join('\n');
						lines.push(`      <failure type="NotCompleted" message="${xmlEscape(message)}">${xmlEscape(body)}</failure>`);
					}
				}
			} else {
				lines.push(`      <system-out>${xmlEscape(stepLine(lang, step))}</system-out>`);
			}
			lines.push('    </testcase>');
		}
		lines.push('  </testsuite>');
	});
	lines.push('</testsuites>');
	return `${lines.join('\n')}\n`;
}

export function formatDuration(ms: number | undefined): string {
	if (ms === undefined) return '-';
	const total = Math.round(ms / 1000);
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

function stepLine(lang: Lang, step: StepRecordView): string {
	return msg(lang, 'report.stepLine', {
		status: msg(lang, `report.status.${step.status}`),
		attempts: step.attempts ?? '-',
		hints: step.hints ?? '-',
		time: formatDuration(step.timeMs),
	});
}

const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

export function reportMarkdown(report: LearnerReport, lang: Lang): string {
	const lines = [`# ${msg(lang, 'report.md.title')}${report.learner ? `: ${mdCell(report.learner)}` : ''}`, ''];
	lines.push(
		msg(lang, 'report.md.meta', {track: report.track, version: report.labVersion, at: report.generatedAt}),
		'',
		msg(lang, 'report.md.totals', {
			done: report.totals.done,
			solved: report.totals.solved,
			notDone: report.totals.notDone,
			steps: report.totals.steps,
			hints: report.totals.hints,
			attempts: report.totals.attempts,
			time: formatDuration(report.totals.timeMs),
		}),
		'',
	);
	const head = ['report.md.step', 'report.md.status', 'report.md.attempts', 'report.md.hints', 'report.md.time', 'report.md.at'] as const;
	for (const lesson of report.lessons) {
		lines.push(`## ${mdCell(lesson.id)}: ${mdCell(lesson.title)}`, '');
		lines.push(`| ${head.map((key) => msg(lang, key)).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
		for (const step of lesson.steps) {
			const status = msg(lang, `report.status.${step.status}`) + (step.optional ? ` (${msg(lang, 'report.md.optional')})` : '');
			lines.push(`| ${mdCell(`${step.id}: ${step.title}`)} | ${status} | ${step.attempts ?? '-'} | ${step.hints ?? '-'} | ${formatDuration(step.timeMs)} | ${step.at ?? '-'} |`);
		}
		lines.push('');
	}
	lines.push(msg(lang, 'report.md.hash', {hash: report.lessonsHash}), '');
	return lines.join('\n');
}
