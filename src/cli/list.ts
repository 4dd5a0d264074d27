// `cilium-lab list`: the lessons on the track, what is done, and why a locked lesson is locked.
import {EXIT} from '../errors.js';
import {msg, t} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';
import {createSession, lessonStatus, lockedReason, visibleLessons, visibleSteps, isComplete, type SessionState} from '../session/index.js';
import {trackOrFirst, type Setup} from './setup.js';

export function describeTarget(lang: Lang, target: {kind: 'practice' | 'real'; context?: string} | undefined): string {
	if (!target || target.kind === 'practice') return msg(lang, 'target.practice');
	return msg(lang, 'target.real', {context: target.context ?? msg(lang, 'target.currentContext')});
}

export function listCommand(ctx: Setup, options: {json: boolean}, out: NodeJS.WritableStream = process.stdout): number {
	const track = trackOrFirst(ctx);
	const state: SessionState = createSession({lab: ctx.lab, track, lang: ctx.lang, variables: ctx.variables, progress: ctx.progress?.lessons});
	const rows = visibleLessons(state).map((lesson) => {
		const steps = visibleSteps(state, lesson.id);
		const complete = steps.filter((step) => isComplete(state.lessons[lesson.id]!.steps[step.id]!.status)).length;
		const reason = lockedReason(state, lesson.id);
		return {
			id: lesson.id,
			order: lesson.order,
			title: t(ctx.lang, lesson.title),
			status: lessonStatus(state, lesson.id),
			steps: {complete, total: steps.length},
			...(reason?.kind === 'requiresLesson' ? {requires: reason.lessonId} : {}),
		};
	});
	if (options.json) {
		out.write(`${JSON.stringify({track, lang: ctx.lang, lessons: rows}, null, 2)}\n`);
		return EXIT.ok;
	}
	out.write(`${msg(ctx.lang, 'list.header', {title: t(ctx.lang, ctx.lab.title), track, target: describeTarget(ctx.lang, ctx.progress?.target)})}\n`);
	const idWidth = Math.max(...rows.map((row) => row.id.length), 2);
	for (const row of rows) {
		const mark = row.status === 'done' ? '✔' : row.status === 'locked' ? '✗' : row.status === 'stale' ? '!' : row.status === 'inProgress' ? '▶' : ' ';
		const status =
			row.status === 'locked'
				? msg(ctx.lang, 'list.locked', {lesson: row.requires ?? '?'})
				: `${msg(ctx.lang, `list.${row.status}`)} · ${msg(ctx.lang, 'list.steps', {done: row.steps.complete, total: row.steps.total})}`;
		out.write(`${mark} ${String(row.order).padStart(2, '0')} ${row.id.padEnd(idWidth)}  ${row.title}  (${status})\n`);
	}
	return EXIT.ok;
}
