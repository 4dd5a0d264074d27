// The learner's side of a workshop: turns the step driver's events into progress events (step started, done, solved,
// failed with its check's one-line summary, hint revealed) and posts them to the facilitator's server. Nothing else
// leaves the machine: no command output, no variable values, no credentials. It never blocks or fails the lab: events
// wait in a bounded queue while the server is away and go out when it is back. The join (learner id and token) is
// kept in the lab home, so the next `run` or the TUI continues the same row.
import fs from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from '../atomic-write.js';
import {msg} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';
import type {DriverEvent} from '../session/driver.js';
import type {SessionState, StepStatus} from '../session/types.js';
import {MAX_BATCH, oneLine, type JoinAnswer, type LearnerEvent} from './protocol.js';

export interface ReporterOptions {
	/** The join URL the facilitator printed: http://HOST:PORT/join/CODE */
	url: string;
	name: string;
	track: string;
	target: 'practice' | 'real';
	lang: Lang;
	/** Where the join is remembered (the lab home). */
	home?: string;
	fetch?: typeof fetch;
	now?: () => Date;
	/** Called when the connection changes: joined, or lost (with the reason); not again while it stays so. */
	onStatus?: (status: {joined: true} | {joined: false; reason: string}) => void;
}

const MAX_QUEUE = 2000;
const REQUEST_TIMEOUT_MS = 5000;

interface Saved {
	base: string;
	code: string;
	learnerId: string;
	token: string;
	seq: number;
}

export function parseJoinUrl(url: string): {base: string; code: string} | undefined {
	try {
		const parsed = new URL(url);
		const code = /^\/join\/([A-Za-z0-9-]{4,32})\/?$/.exec(parsed.pathname)?.[1];
		if (!code || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return undefined;
		return {base: parsed.origin, code};
	} catch {
		return undefined;
	}
}

/** The one-line reason a step failed, from the session state (the first failing check's summary, or how the command ended). */
export function failureSummary(state: SessionState, lessonId: string, stepId: string): string {
	const step = state.lessons[lessonId]?.steps[stepId];
	const failure = step?.failure;
	if (!step || !failure) return '';
	switch (failure.kind) {
		case 'checks': {
			const index = failure.failed[0];
			const row = index === undefined ? undefined : step.checks[index];
			return oneLine(row ? `${row.spec.kind}: ${row.result?.summary ?? '?'}` : msg(state.lang, 'check.failed', {count: failure.failed.length}));
		}
		case 'exit':
			return oneLine(msg(state.lang, 'run.exitReason', {code: failure.exitCode}));
		case 'timedOut':
			return oneLine(msg(state.lang, 'run.timeoutReason', {seconds: Math.round(failure.timeoutMs / 1000)}));
		case 'failedToStart':
			return oneLine(failure.message);
		case 'stale':
			return oneLine(failure.reason);
	}
}

/** What one driver event means for the room, given each step's status before it. */
export function progressEvents(event: DriverEvent, before: (lessonId: string, stepId: string) => StepStatus | undefined, at: string): LearnerEvent[] {
	if (event.type !== 'session') return [];
	const session = event.event;
	const {lessonId: lesson, stepId: step} = session as {lessonId?: string; stepId?: string};
	if (lesson === undefined || step === undefined || session.type === 'NAVIGATE') return [];
	const state = event.state.lessons[lesson]?.steps[step];
	if (!state) return [];
	if (session.type === 'HINT_REVEALED') return state.hintsRevealed > 0 ? [{type: 'hint.revealed', lesson, step, at, hints: Math.min(20, state.hintsRevealed)}] : [];
	const previous = before(lesson, step);
	if (previous === state.status) return [];
	switch (state.status) {
		case 'running':
			return [{type: 'step.started', lesson, step, at, activity: state.run?.activity ?? 'run'}];
		case 'checking':
			return previous === 'running' ? [] : [{type: 'step.started', lesson, step, at, activity: 'check'}];
		case 'done':
			return [{type: 'step.done', lesson, step, at}];
		case 'solved':
			return [{type: 'step.solved', lesson, step, at}];
		case 'failed':
			return [{type: 'step.failed', lesson, step, at, summary: failureSummary(event.state, lesson, step)}];
		default:
			return [];
	}
}

export class WorkshopReporter {
	private readonly queue: LearnerEvent[] = [];
	private readonly target: {base: string; code: string};
	private saved?: Saved;
	private timer?: NodeJS.Timeout;
	private sending?: Promise<void>;
	private backoffMs = 0;
	private closed = false;
	/** The connection as last told through onStatus. */
	private told?: boolean;
	private readonly statuses = new Map<string, StepStatus>();

	constructor(private readonly options: ReporterOptions) {
		const target = parseJoinUrl(options.url);
		if (!target) throw new Error(`--join ${options.url}: expected the join URL the facilitator printed (http://HOST:PORT/join/CODE)`);
		this.target = target;
		this.saved = this.load();
	}

	private get file(): string | undefined {
		return this.options.home ? path.join(this.options.home, 'workshop.json') : undefined;
	}

	private load(): Saved | undefined {
		try {
			const saved = JSON.parse(fs.readFileSync(this.file ?? '', 'utf8')) as Saved;
			return saved.base === this.target.base && saved.code === this.target.code ? saved : undefined;
		} catch {
			return undefined;
		}
	}

	private persist() {
		try {
			if (this.file && this.saved) writeFileAtomic(this.file, JSON.stringify(this.saved), {mode: 0o600});
		} catch {
			// the lab home is not writable: the next run joins as a new row
		}
	}

	/** Follows a step driver; returns the unsubscribe. */
	attach(driver: {subscribe(listener: (event: DriverEvent) => void): () => void; getState(): SessionState}): () => void {
		for (const [lessonId, lesson] of Object.entries(driver.getState().lessons)) for (const [stepId, step] of Object.entries(lesson.steps)) this.statuses.set(`${lessonId}/${stepId}`, step.status);
		return driver.subscribe((event) => {
			const at = (this.options.now?.() ?? new Date()).toISOString();
			const events = progressEvents(event, (lessonId, stepId) => this.statuses.get(`${lessonId}/${stepId}`), at);
			if (event.type === 'session') {
				for (const [lessonId, lesson] of Object.entries(event.state.lessons)) for (const [stepId, step] of Object.entries(lesson.steps)) this.statuses.set(`${lessonId}/${stepId}`, step.status);
			}
			for (const item of events) this.push(item);
		});
	}

	push(event: LearnerEvent) {
		if (this.closed) return;
		this.queue.push(event);
		if (this.queue.length > MAX_QUEUE) this.queue.splice(0, this.queue.length - MAX_QUEUE);
		this.schedule(0);
	}

	/** Joins now (in the background); events pushed meanwhile wait. The last doctor result (<home>/doctor.json) goes first. */
	start() {
		try {
			const doctor = JSON.parse(fs.readFileSync(path.join(this.options.home ?? '', 'doctor.json'), 'utf8')) as {code?: unknown; at?: unknown};
			if (typeof doctor.code === 'string' && typeof doctor.at === 'string') this.queue.unshift({type: 'doctor', code: doctor.code, at: doctor.at});
		} catch {
			// no doctor run yet
		}
		this.schedule(0);
	}

	private schedule(delayMs: number) {
		if (this.closed || this.timer || this.sending) return;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.sending = this.pump().finally(() => {
				this.sending = undefined;
				if (this.queue.length > 0 || !this.saved) this.schedule(this.backoffMs);
			});
		}, delayMs);
		this.timer.unref();
	}

	private async request(pathname: string, body: unknown, token?: string): Promise<Response> {
		const fetcher = this.options.fetch ?? fetch;
		return fetcher(new URL(pathname, this.target.base), {
			method: 'POST',
			headers: {'content-type': 'application/json', ...(token ? {authorization: `Bearer ${token}`} : {})},
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
		});
	}

	private fail(reason: string) {
		this.backoffMs = Math.min(30_000, Math.max(500, this.backoffMs * 2));
		if (this.told !== false) {
			this.told = false;
			this.options.onStatus?.({joined: false, reason});
		}
	}

	private async join(): Promise<boolean> {
		const response = await this.request('/join', {code: this.target.code, name: this.options.name, track: this.options.track, target: this.options.target}, this.saved?.token);
		if (!response.ok) {
			this.fail(`HTTP ${response.status}`);
			return false;
		}
		const answer = (await response.json()) as JoinAnswer;
		const seq = this.saved?.learnerId === answer.learnerId ? this.saved.seq : 0;
		this.saved = {...this.target, learnerId: answer.learnerId, token: answer.token, seq};
		this.persist();
		this.connected();
		return true;
	}

	private async pump(): Promise<void> {
		try {
			if (!this.saved && !(await this.join())) return;
			while (this.queue.length > 0 && this.saved) {
				const batch = this.queue.slice(0, MAX_BATCH);
				const seq = this.saved.seq + 1;
				const response = await this.request('/events', {seq, events: batch}, this.saved.token);
				if (response.status === 401) {
					// The server restarted (or forgot us): join again, then send.
					this.saved = undefined;
					if (!(await this.join())) return;
					continue;
				}
				if (response.status === 400 || response.status === 413) {
					// Never sent again: the server will not take it.
					this.queue.splice(0, batch.length);
					continue;
				}
				if (!response.ok) {
					this.fail(`HTTP ${response.status}`);
					return;
				}
				this.saved.seq = seq;
				this.connected();
				this.queue.splice(0, batch.length);
				this.persist();
			}
			this.backoffMs = 0;
		} catch (error) {
			this.fail((error as Error).message);
		}
	}

	private connected() {
		if (this.told !== true) {
			this.told = true;
			this.options.onStatus?.({joined: true});
		}
	}

	/** Sends what is queued, waiting at most `deadlineMs`, then stops. */
	async close(deadlineMs = 2000): Promise<void> {
		const until = Date.now() + deadlineMs;
		while ((this.queue.length > 0 || this.sending) && Date.now() < until && this.backoffMs < deadlineMs) {
			if (this.timer) {
				clearTimeout(this.timer);
				this.timer = undefined;
				this.sending = this.pump().finally(() => (this.sending = undefined));
			}
			if (this.sending) await Promise.race([this.sending, new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now())).unref())]);
			else if (this.queue.length > 0) this.schedule(0);
		}
		this.closed = true;
		if (this.timer) clearTimeout(this.timer);
	}
}
