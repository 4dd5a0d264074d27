// The room, as the facilitator's server keeps it: the lab's lessons and steps, and each learner's progress from the
// events their lab sent. Pure: time comes in as an argument, so stuck learners and time on a step are plain calls.
import {doctorCodeText} from '../doctor/assess.js';
import type {JoinRequest, LearnerEvent} from './protocol.js';

export interface RoomOutline {
	title: string;
	lessons: Array<{id: string; title: string; steps: Array<{id: string; title: string; tracks?: string[]}>}>;
}

export type CellStatus = 'started' | 'done' | 'solved' | 'failed';

export interface Cell {
	status: CellStatus;
	/** The failing check's one-line summary (failed). */
	reason?: string;
	/** Failed attempts on this step. */
	failures: number;
	hints: number;
	at: number;
}

export interface Learner {
	id: string;
	name: string;
	track: string;
	target: 'practice' | 'real';
	doctor?: string;
	joinedAt: number;
	lastSeen: number;
	/** Cells by "lesson/step". */
	cells: Record<string, Cell>;
	/** The step the learner works on: the last one started or failed, until it passes. */
	current?: {lesson: string; step: string; since: number};
	lastSeq: number;
}

export type StuckReason = {kind: 'time'; minutes: number} | {kind: 'failures'; count: number};

/** A doctor result code decoded for the facilitator (src/workshop/server.ts describeDoctor). */
export interface DoctorDescription {
	code: string;
	valid: boolean;
	exitCode?: 0 | 1 | 2;
	/** Check ids with a problem, by who fixes it. */
	learner: string[];
	facilitator: string[];
	/** The result in the dashboard's language: "ready", or who has what to fix, one line each. */
	lines: string[];
}

export interface LearnerView extends Learner {
	doctorResult?: DoctorDescription;
	timeOnStepMs?: number;
	stuck?: StuckReason;
	done: number;
	solved: number;
	hints: number;
}

export interface RoomSnapshot {
	outline: RoomOutline;
	learners: LearnerView[];
	at: number;
	/** When a learner counts as stuck (--stuck-minutes, --stuck-failures). */
	stuckRule: {minutes: number; failures: number};
}

export interface RoomOptions {
	/** Same step for longer than this: stuck (default 10 minutes). */
	stuckAfterMs?: number;
	/** This many failed attempts on one step: stuck (default 3). */
	stuckFailures?: number;
	/** The most learners a room takes (default 500). */
	maxLearners?: number;
}

export class RoomFullError extends Error {}

export class Room {
	private readonly learners = new Map<string, Learner>();
	private readonly steps = new Set<string>();
	private readonly stuckAfterMs: number;
	private readonly stuckFailures: number;
	private readonly maxLearners: number;

	constructor(
		readonly outline: RoomOutline,
		options: RoomOptions = {},
	) {
		for (const lesson of outline.lessons) for (const step of lesson.steps) this.steps.add(`${lesson.id}/${step.id}`);
		this.stuckAfterMs = options.stuckAfterMs ?? 10 * 60_000;
		this.stuckFailures = options.stuckFailures ?? 3;
		this.maxLearners = options.maxLearners ?? 500;
	}

	/** A learner joins, or comes back (the same id keeps their row and progress). */
	join(id: string, request: Pick<JoinRequest, 'name' | 'track' | 'target'>, now: number): Learner {
		const known = this.learners.get(id);
		if (known) {
			Object.assign(known, {name: request.name, track: request.track, target: request.target, lastSeen: now});
			return known;
		}
		if (this.learners.size >= this.maxLearners) throw new RoomFullError(`the room is full (${this.maxLearners} learners)`);
		const learner: Learner = {id, name: request.name, track: request.track, target: request.target, joinedAt: now, lastSeen: now, cells: {}, lastSeq: 0};
		this.learners.set(id, learner);
		return learner;
	}

	has(id: string): boolean {
		return this.learners.has(id);
	}

	/** Every learner as kept, for the saved room (src/workshop/room-store.ts): read at once, never changed. */
	saved(): readonly Learner[] {
		return [...this.learners.values()];
	}

	/** The learners of a saved room, back in their rows (a server that restarted). */
	restore(learners: readonly Learner[]) {
		for (const learner of learners.slice(0, this.maxLearners)) this.learners.set(learner.id, structuredClone(learner));
	}

	/**
	 * A batch of events from a learner. A batch whose seq was seen already is ignored (sent again after a lost
	 * answer). Events about steps the lab does not have are skipped. Returns how many events changed the room.
	 */
	apply(id: string, seq: number, events: LearnerEvent[], now: number): number {
		const learner = this.learners.get(id);
		if (!learner) return 0;
		learner.lastSeen = now;
		if (seq <= learner.lastSeq) return 0;
		learner.lastSeq = seq;
		let applied = 0;
		for (const event of events) {
			if (event.type === 'doctor') {
				learner.doctor = event.code;
				applied++;
				continue;
			}
			const key = `${event.lesson}/${event.step}`;
			if (!this.steps.has(key)) continue;
			const at = Date.parse(event.at);
			const cell = (learner.cells[key] ??= {status: 'started', failures: 0, hints: 0, at});
			switch (event.type) {
				case 'step.started':
					if (cell.status !== 'failed') cell.status = 'started';
					cell.at = at;
					if (learner.current?.lesson !== event.lesson || learner.current.step !== event.step) learner.current = {lesson: event.lesson, step: event.step, since: at};
					break;
				case 'step.done':
				case 'step.solved':
					cell.status = event.type === 'step.done' ? 'done' : 'solved';
					delete cell.reason;
					cell.at = at;
					if (learner.current?.lesson === event.lesson && learner.current.step === event.step) delete learner.current;
					break;
				case 'step.failed':
					cell.status = 'failed';
					cell.reason = event.summary;
					cell.failures++;
					cell.at = at;
					if (learner.current?.lesson !== event.lesson || learner.current.step !== event.step) learner.current = {lesson: event.lesson, step: event.step, since: at};
					break;
				case 'hint.revealed':
					cell.hints = Math.max(cell.hints, event.hints);
					break;
			}
			applied++;
		}
		return applied;
	}

	view(learner: Learner, now: number): LearnerView {
		const cells = Object.values(learner.cells);
		const current = learner.current;
		const timeOnStepMs = current ? Math.max(0, now - current.since) : undefined;
		const failures = current ? (learner.cells[`${current.lesson}/${current.step}`]?.failures ?? 0) : 0;
		let stuck: StuckReason | undefined;
		if (current && failures >= this.stuckFailures) stuck = {kind: 'failures', count: failures};
		else if (timeOnStepMs !== undefined && timeOnStepMs >= this.stuckAfterMs) stuck = {kind: 'time', minutes: Math.floor(timeOnStepMs / 60_000)};
		return {
			...learner,
			cells: {...learner.cells},
			timeOnStepMs,
			stuck,
			done: cells.filter((cell) => cell.status === 'done').length,
			solved: cells.filter((cell) => cell.status === 'solved').length,
			hints: cells.reduce((sum, cell) => sum + cell.hints, 0),
		};
	}

	snapshot(now: number): RoomSnapshot {
		const learners = [...this.learners.values()].map((learner) => this.view(learner, now));
		// Stuck learners first, then by name.
		learners.sort((a, b) => Number(Boolean(b.stuck)) - Number(Boolean(a.stuck)) || a.name.localeCompare(b.name));
		return {outline: this.outline, learners, at: now, stuckRule: {minutes: this.stuckAfterMs / 60_000, failures: this.stuckFailures}};
	}
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A field a spreadsheet would run as a
 * formula (=, +, -, @, tab, CR first: a learner picks their own name) gets a leading apostrophe (OWASP "CSV injection").
 */
export function csvField(value: string | number | undefined): string {
	let text = value === undefined ? '' : String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const ROOM_CSV_COLUMNS = ['learner', 'learner_id', 'track', 'target', 'doctor', 'doctor_result', 'lesson', 'step', 'status', 'failures', 'hints', 'reason', 'at', 'stuck'] as const;

/** The room as CSV: a row per learner and step of the lab (status empty for a step not started). */
export function roomCsv(snapshot: RoomSnapshot): string {
	const lines = [ROOM_CSV_COLUMNS.join(',')];
	for (const learner of snapshot.learners) {
		const stuck = learner.stuck ? (learner.stuck.kind === 'time' ? `time:${learner.stuck.minutes}m` : `failures:${learner.stuck.count}`) : '';
		for (const lesson of snapshot.outline.lessons) {
			for (const step of lesson.steps) {
				if (step.tracks && !step.tracks.includes(learner.track)) continue;
				const cell = learner.cells[`${lesson.id}/${step.id}`];
				const current = learner.current?.lesson === lesson.id && learner.current.step === step.id;
				const row = [
					learner.name,
					learner.id,
					learner.track,
					learner.target,
					learner.doctor,
					doctorCodeText(learner.doctor),
					lesson.id,
					step.id,
					cell?.status,
					cell?.failures,
					cell?.hints,
					cell?.reason,
					cell ? new Date(cell.at).toISOString() : undefined,
					current ? stuck : '',
				];
				lines.push(row.map(csvField).join(','));
			}
		}
	}
	return `${lines.join('\r\n')}\r\n`;
}
