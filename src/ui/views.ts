// What the lesson list shows of the session: one row per lesson on the track, with its progress and lock reason.
import {lessonStatus, lockedReason, visibleLessons, visibleSteps, type LockedReason, type SessionState} from '../session/index.js';

export type LessonRowView = {
	id: string;
	/** The NN of lessons/NN-name.yaml, as `cilium-lab list` shows it. */
	order: number;
	/** Completed steps whose state has gone (flagged by the re-check on resume). */
	stale: number;
	title: string;
	state: 'done' | 'current' | 'open' | 'locked';
	reason?: LockedReason;
	done: number;
	total: number;
};

export function lessonRows(session: SessionState): LessonRowView[] {
	return visibleLessons(session).map((lesson) => {
		const steps = visibleSteps(session, lesson.id);
		const statuses = steps.map((step) => session.lessons[lesson.id]!.steps[step.id]!.status);
		const status = lessonStatus(session, lesson.id);
		const isCurrent = session.current?.lessonId === lesson.id;
		return {
			id: lesson.id,
			order: lesson.order,
			stale: statuses.filter((state) => state === 'stale').length,
			title: lesson.title[session.lang],
			state: status === 'locked' ? 'locked' : status === 'done' ? 'done' : isCurrent ? 'current' : 'open',
			reason: status === 'locked' ? lockedReason(session, lesson.id) : undefined,
			done: statuses.filter((state) => state === 'done' || state === 'solved' || state === 'stale').length,
			total: steps.length,
		};
	});
}
