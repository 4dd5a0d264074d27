// What a finished lesson, and a finished course, add up to: steps done by the learner versus solved with `s`, hints
// revealed, and the time from the first step started to the last one completed. Pure: read from the session.
import {lessonStatus, visibleLessons, visibleSteps, type SessionState} from '../session/index.js';

export interface CompletionSummary {
	steps: number;
	done: number;
	solved: number;
	hints: number;
	/** From the first step started (or completed) to the last one completed. */
	durationMs: number;
}

/** The lesson's summary once every step on the track is complete (done, solved, or read); undefined before. */
export function lessonSummary(session: SessionState, lessonId: string): CompletionSummary | undefined {
	if (lessonStatus(session, lessonId) !== 'done') return undefined;
	return summarize(session, [lessonId]);
}

/** The whole track's summary once every lesson on it is complete; undefined before. */
export function courseSummary(session: SessionState): (CompletionSummary & {lessons: number}) | undefined {
	const lessons = visibleLessons(session);
	if (lessons.length === 0 || lessons.some((lesson) => lessonStatus(session, lesson.id) !== 'done')) return undefined;
	return {...summarize(session, lessons.map((lesson) => lesson.id)), lessons: lessons.length};
}

function summarize(session: SessionState, lessonIds: readonly string[]): CompletionSummary {
	const summary: CompletionSummary = {steps: 0, done: 0, solved: 0, hints: 0, durationMs: 0};
	let first = Infinity;
	let last = -Infinity;
	for (const lessonId of lessonIds) {
		for (const step of visibleSteps(session, lessonId)) {
			const state = session.lessons[lessonId]?.steps[step.id];
			if (!state) continue;
			summary.steps += 1;
			summary.hints += state.hintsRevealed;
			const how = state.completed?.how ?? (state.status === 'solved' ? 'solved' : state.status === 'done' ? 'done' : undefined);
			if (how === 'solved') summary.solved += 1;
			else if (how === 'done') summary.done += 1;
			for (const at of [state.run?.startedAt, state.completed?.at]) {
				const time = at ? Date.parse(at) : NaN;
				if (Number.isNaN(time)) continue;
				first = Math.min(first, time);
				last = Math.max(last, time);
			}
		}
	}
	summary.durationMs = Number.isFinite(first) && Number.isFinite(last) ? Math.max(0, last - first) : 0;
	return summary;
}
