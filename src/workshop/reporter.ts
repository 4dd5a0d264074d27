// The learner's side of a workshop: turns the step driver's events into progress events (step started, done, solved,
// failed with its check's one-line summary, hint revealed) and posts them to the facilitator's server. Nothing else
// leaves the machine: no command output, no variable values, no credentials. It never blocks or fails the lab: events
// wait in a bounded queue while the server is away and go out when it is back. The join (learner id and token) is
// kept in the lab home, so the next `run` or the TUI continues the same row.
import fs from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from '../atomic-write.js';
import {msg} from '../lab/i18n.js';
import type {Lab, Lang} from '../lab/types.js';
import type {DriverEvent} from '../session/driver.js';
import type {SessionState, StepStatus} from '../session/types.js';
import {learnerEventSchema, MAX_BATCH, MAX_PACING_FRAME, oneLine, pacingMessageSchema, type JoinAnswer, type LearnerEvent, type PacingMessage} from './protocol.js';

export interface ReporterOptions {
	/** The join URL the facilitator printed: http://HOST:PORT/join/CODE */
	url: string;
	name: string;
	track: string;
	target: 'practice' | 'real';
	lang: Lang;
	/**
	 * --share-output: a failing step's summary carries the check's own words (command output, names filled in from
	 * variables); without it, only which check failed and how the command ended (failureSummary).
	 */
	shareOutput?: boolean;
	/** Where the join is remembered (the lab home). */
	home?: string;
	fetch?: typeof fetch;
	now?: () => Date;
	/** Called when the connection changes: joined, or lost (with the reason); not again while it stays so. */
	onStatus?: (status: {joined: true} | {joined: false; reason: string}) => void;
	/** A message, hint or hold from the facilitator (already validated; anything else the server sends is dropped). */
	onPacing?: (message: PacingMessage) => void;
}

/** The server pings every 15 s; this long without a byte, the pacing channel is taken for dead and opened again. */
const PACING_IDLE_MS = 45_000;

/**
 * Server-sent events from a byte stream: returns each complete frame's event name and data. Frames longer than
 * MAX_PACING_FRAME end the stream (the caller opens it again); comments and fields other than event/data are skipped.
 */
export class SseFrames {
	private buffer = '';
	push(text: string): Array<{event: string; data: string}> {
		this.buffer += text.replace(/\r\n?/g, '\n');
		const frames: Array<{event: string; data: string}> = [];
		let end: number;
		while ((end = this.buffer.indexOf('\n\n')) >= 0) {
			const raw = this.buffer.slice(0, end);
			this.buffer = this.buffer.slice(end + 2);
			let event = 'message';
			const data: string[] = [];
			for (const line of raw.split('\n')) {
				if (line.startsWith(':')) continue;
				const colon = line.indexOf(':');
				const field = colon < 0 ? line : line.slice(0, colon);
				const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
				if (field === 'event') event = value;
				else if (field === 'data') data.push(value);
			}
			if (data.length > 0) frames.push({event, data: data.join('\n')});
		}
		if (Buffer.byteLength(this.buffer) > MAX_PACING_FRAME) throw new Error('pacing frame too large');
		return frames;
	}
}

/** A pacing frame as the lab takes it: a `pacing` event whose data parses as one of the three messages; else undefined. */
export function parsePacing(frame: {event: string; data: string}): PacingMessage | undefined {
	if (frame.event !== 'pacing' || Buffer.byteLength(frame.data) > MAX_PACING_FRAME) return undefined;
	try {
		const parsed = pacingMessageSchema.safeParse(JSON.parse(frame.data));
		return parsed.success ? parsed.data : undefined;
	} catch {
		return undefined;
	}
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

/**
 * The one-line reason a step failed, from the session state. By default only what the lab itself knows without
 * looking at anything of the learner's: which check (its kind and number) failed, the command's exit code or
 * timeout. A check's own summary quotes command output and names filled in from variables ("curl 10.0.3.7 …",
 * a cluster's name), and a command that did not start or a stale step's reason name paths and values: those go
 * only with `share` (the learner's --share-output).
 */
export function failureSummary(state: SessionState, lessonId: string, stepId: string, share = false): string {
	const step = state.lessons[lessonId]?.steps[stepId];
	const failure = step?.failure;
	if (!step || !failure) return '';
	switch (failure.kind) {
		case 'checks': {
			const index = failure.failed[0];
			const row = index === undefined ? undefined : step.checks[index];
			if (!row) return oneLine(msg(state.lang, 'check.failed', {count: failure.failed.length}));
			if (share) return oneLine(`${row.spec.kind}: ${row.result?.summary ?? '?'}`);
			const which = msg(state.lang, 'workshop.summary.check', {index: index! + 1, total: step.checks.length, failed: failure.failed.length});
			return oneLine(`${row.spec.kind}: ${which}${failure.unreachable ? ` · ${msg(state.lang, 'workshop.summary.unreachable')}` : ''}`);
		}
		case 'exit':
			return oneLine(msg(state.lang, 'run.exitReason', {code: failure.exitCode}));
		case 'timedOut':
			return oneLine(msg(state.lang, 'run.timeoutReason', {seconds: Math.round(failure.timeoutMs / 1000)}));
		case 'failedToStart':
			return oneLine(share ? failure.message : msg(state.lang, 'workshop.summary.notStarted'));
		case 'stale':
			return oneLine(share ? failure.reason : msg(state.lang, 'workshop.summary.stale'));
	}
}

/** What one driver event means for the room, given each step's status before it. */
export function progressEvents(event: DriverEvent, before: (lessonId: string, stepId: string) => StepStatus | undefined, at: string, share = false): LearnerEvent[] {
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
			return [{type: 'step.failed', lesson, step, at, summary: failureSummary(event.state, lesson, step, share)}];
		default:
			return [];
	}
}

/** A facilitator's pacing message as the status bar says it. */
export function describePacing(message: PacingMessage, lab: Lab, lang: Lang): {kind: 'message' | 'hint' | 'held' | 'released'; text: string} {
	if (message.type !== 'hold') return {kind: message.type, text: message.text};
	if (message.lesson === null) return {kind: 'released', text: msg(lang, 'workshop.pacing.released')};
	const lesson = lab.lessons.find((candidate) => candidate.id === message.lesson);
	return {kind: 'held', text: msg(lang, 'lessons.held', {number: lesson?.order ?? message.lesson})};
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
	/** The pacing channel (server → lab), while open. */
	private listening?: AbortController;
	private listenBackoffMs = 0;
	private listenTimer?: NodeJS.Timeout;
	/** The room's hold as last told (undefined until the channel first said). */
	private hold?: string | null;
	private readonly drivers = new Set<{dispatch(event: import('../session/types.js').SessionEvent): unknown}>();
	private readonly holdWaiters: Array<() => void> = [];
	private lastMessage?: string;

	constructor(private readonly options: ReporterOptions) {
		const target = parseJoinUrl(options.url);
		if (!target) throw new Error(`--join ${options.url}: expected the join URL the facilitator printed (http://HOST:PORT/join/CODE)`);
		this.target = target;
		this.saved = this.load();
	}

	private get file(): string | undefined {
		return this.options.home ? path.join(this.options.home, 'workshop.json') : undefined;
	}

	/** Events not sent when the lab closed, for the next run or TUI joining the same workshop. */
	private get pendingFile(): string | undefined {
		return this.options.home ? path.join(this.options.home, 'workshop-pending.json') : undefined;
	}

	private loadPending(): LearnerEvent[] {
		if (!this.pendingFile) return [];
		try {
			const data = JSON.parse(fs.readFileSync(this.pendingFile, 'utf8')) as {base?: unknown; code?: unknown; events?: unknown};
			// In memory now: written again by close() if they still do not go.
			fs.rmSync(this.pendingFile, {force: true});
			if (data.base !== this.target.base || data.code !== this.target.code || !Array.isArray(data.events)) return [];
			return data.events.flatMap((event) => {
				const parsed = learnerEventSchema.safeParse(event);
				return parsed.success ? [parsed.data] : [];
			}).slice(-MAX_QUEUE);
		} catch {
			return [];
		}
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
	attach(driver: {subscribe(listener: (event: DriverEvent) => void): () => void; getState(): SessionState; dispatch?(event: import('../session/types.js').SessionEvent): unknown}): () => void {
		for (const [lessonId, lesson] of Object.entries(driver.getState().lessons)) for (const [stepId, step] of Object.entries(lesson.steps)) this.statuses.set(`${lessonId}/${stepId}`, step.status);
		// The room's hold gates this lab's lessons (src/session/gating.ts): told now, and whenever it changes.
		const gated = driver.dispatch ? (driver as {dispatch(event: import('../session/types.js').SessionEvent): unknown}) : undefined;
		if (gated) {
			this.drivers.add(gated);
			if (this.hold !== undefined) gated.dispatch({type: 'HOLD_CHANGED', ...(this.hold ? {lessonId: this.hold} : {})});
		}
		const unsubscribe = driver.subscribe((event) => {
			const at = (this.options.now?.() ?? new Date()).toISOString();
			const events = progressEvents(event, (lessonId, stepId) => this.statuses.get(`${lessonId}/${stepId}`), at, this.options.shareOutput === true);
			if (event.type === 'session') {
				for (const [lessonId, lesson] of Object.entries(event.state.lessons)) for (const [stepId, step] of Object.entries(lesson.steps)) this.statuses.set(`${lessonId}/${stepId}`, step.status);
			}
			for (const item of events) this.push(item);
		});
		return () => {
			unsubscribe();
			if (gated) this.drivers.delete(gated);
		};
	}

	/** Resolves once the pacing channel has said where the room is held (or after `timeoutMs`): a run starts gated. */
	whenHoldKnown(timeoutMs: number): Promise<void> {
		if (this.hold !== undefined) return Promise.resolve();
		return new Promise((resolve) => {
			// Not unref'd: the caller waits on it, and the reporter's own timers are (the process would end under it).
			const timer = setTimeout(resolve, timeoutMs);
			this.holdWaiters.push(() => {
				clearTimeout(timer);
				resolve();
			});
		});
	}

	private pacing(message: PacingMessage) {
		if (message.type === 'hold') {
			const first = this.hold === undefined;
			const changed = this.hold !== message.lesson;
			this.hold = message.lesson;
			for (const waiter of this.holdWaiters.splice(0)) waiter();
			if (changed) for (const driver of this.drivers) driver.dispatch({type: 'HOLD_CHANGED', ...(message.lesson ? {lessonId: message.lesson} : {})});
			// Told: a hold, and a release of one; not "not held" when the channel first opens.
			if (!changed || (first && message.lesson === null)) return;
		} else if (message.type === 'message') {
			// The server sends its last message again to a channel that reopens: shown once.
			const key = `${message.at} ${message.text}`;
			if (key === this.lastMessage) return;
			this.lastMessage = key;
		}
		this.options.onPacing?.(message);
	}

	/** Opens the pacing channel (after a join) and keeps it open: reopened after a backoff when it drops. */
	private listen() {
		if (this.closed || this.listening || this.listenTimer || !this.saved) return;
		const controller = new AbortController();
		this.listening = controller;
		const token = this.saved.token;
		let idle: NodeJS.Timeout | undefined;
		const touch = () => {
			if (idle) clearTimeout(idle);
			idle = setTimeout(() => controller.abort(), PACING_IDLE_MS);
			idle.unref();
		};
		const run = async () => {
			touch();
			const fetcher = this.options.fetch ?? fetch;
			const response = await fetcher(new URL('/pacing', this.target.base), {headers: {authorization: `Bearer ${token}`, accept: 'text/event-stream'}, signal: controller.signal});
			if (response.status === 401) {
				// The server forgot this learner (it restarted): join again, which opens the channel again.
				if (this.saved?.token === token) this.saved = undefined;
				this.schedule(0);
				return;
			}
			if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
			this.listenBackoffMs = 0;
			// The channel is the lab's one steady line to the server: open is connected (a server that came back
			// says so here even when the learner has sent nothing since), and its end below is offline.
			this.connected();
			// Events that waited for a server that was away go now, not after the sender's own (longer) backoff.
			if (this.queue.length > 0 && this.timer && !this.sending) {
				clearTimeout(this.timer);
				this.timer = undefined;
				this.backoffMs = 0;
				this.schedule(0);
			}
			const frames = new SseFrames();
			const decoder = new TextDecoder();
			for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
				touch();
				for (const frame of frames.push(decoder.decode(chunk, {stream: true}))) {
					const message = parsePacing(frame);
					if (message) this.pacing(message);
				}
			}
			throw new Error('the server closed the connection');
		};
		run()
			.catch((error: unknown) => {
				// gone, refused or too large: offline until it opens again below (not when the lab itself closed it)
				if (this.closed || this.saved?.token !== token) return;
				const cause = (error as {cause?: {code?: string}}).cause?.code;
				this.offline(controller.signal.aborted ? 'no answer for 45 s' : (cause ?? (error as Error).message));
			})
			.finally(() => {
				if (idle) clearTimeout(idle);
				controller.abort();
				if (this.listening === controller) this.listening = undefined;
				if (this.closed || !this.saved) return;
				// At most 10 s apart: a restarted server is seen (and the queue sent) soon after it is back.
				this.listenBackoffMs = Math.min(10_000, Math.max(1000, this.listenBackoffMs * 2));
				this.listenTimer = setTimeout(() => {
					this.listenTimer = undefined;
					this.listen();
				}, this.listenBackoffMs);
				this.listenTimer.unref();
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
		// What an earlier run could not send (the server was away when it ended) goes first, then the doctor's result.
		const pending = this.loadPending();
		if (pending.length > 0) this.queue.unshift(...pending);
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
		this.offline(reason);
	}

	private offline(reason: string) {
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
		this.listen();
		return true;
	}

	private async pump(): Promise<void> {
		try {
			if (!this.saved && !(await this.join())) return;
			this.listen();
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
				if (response.status === 429) {
					// The server is there and says "slower" (a lab catching up sends its queue in bursts): waited out,
					// and not shown as offline.
					this.backoffMs = Math.min(30_000, Math.max(1000, this.backoffMs * 2));
					return;
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
		if (this.listenTimer) clearTimeout(this.listenTimer);
		// The server is away (or slow): what is left waits in the lab home for the next run, which catches up.
		if (this.pendingFile && this.queue.length > 0) {
			try {
				writeFileAtomic(this.pendingFile, JSON.stringify({...this.target, events: this.queue.slice(-MAX_QUEUE)}), {mode: 0o600, durable: false});
			} catch {
				// the lab home is not writable: these events are lost, the lab's own progress is not
			}
		}
		this.listening?.abort();
		for (const waiter of this.holdWaiters.splice(0)) waiter();
	}
}
