// Turning a child's output into lines, batched for the UI, and a bounded tail of them.
import {StringDecoder} from 'node:string_decoder';
import type {OutputLine} from './types.js';

/** A line longer than this is cut into pieces, so one endless line cannot grow memory without bound. */
export const MAX_LINE_CHARS = 16 * 1024;

export type LinesListener = (lines: OutputLine[], skipped: number) => void;

export interface LineBatcherOptions {
	/** At most one hand-over per this many milliseconds (the first comes at once). */
	intervalMs?: number;
	/**
	 * Hand over at most this many lines per batch: the newest ones; `skipped` counts those before them.
	 * A screen that shows a tail of N lines passes N and never pays for splitting lines it would not show
	 * (the log file has them all). Unset: every line.
	 */
	tailLines?: number;
	/** Hand over early once this much text waits, so a flood of output stays bounded in memory. */
	maxPendingChars?: number;
}

/**
 * Collects a byte stream's text (UTF-8 cut across chunks is decoded whole) and hands it over as lines
 * (\n or \r\n) in batches, so a UI renders per batch, not per line. Lines are split only when handed over.
 */
export class LineBatcher {
	private readonly decoder = new StringDecoder('utf8');
	private chunks: string[] = [];
	private pendingChars = 0;
	/** Single lines from elsewhere (the runner's own notices), handed over after the text before them. */
	private extra: OutputLine[] = [];
	private timer: NodeJS.Timeout | undefined;
	private lastFlush = 0;
	private readonly intervalMs: number;
	private readonly tailLines: number | undefined;
	private readonly maxPendingChars: number;

	constructor(
		private readonly onLines: LinesListener,
		private readonly stream: OutputLine['stream'] = 'output',
		options: LineBatcherOptions = {},
	) {
		this.intervalMs = options.intervalMs ?? 50;
		this.tailLines = options.tailLines;
		this.maxPendingChars = options.maxPendingChars ?? 1024 * 1024;
	}

	write(chunk: Buffer | string): void {
		const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
		if (text.length === 0) return;
		this.chunks.push(text);
		this.pendingChars += text.length;
		if (this.pendingChars >= this.maxPendingChars) this.flush();
		else this.schedule();
	}

	/** A whole line, e.g. a notice of the runner's own. */
	pushLine(line: OutputLine): void {
		this.extra.push(line);
		this.schedule();
	}

	/** Hands over every complete line now. */
	flush(): void {
		this.emit(false);
	}

	/** The stream ended: hands over everything, the last line too when it has no newline. */
	end(): void {
		const rest = this.decoder.end();
		if (rest) this.chunks.push(rest);
		this.emit(true);
	}

	private schedule(): void {
		if (this.timer) return;
		const wait = Math.max(0, this.lastFlush + this.intervalMs - Date.now());
		this.timer = setTimeout(() => this.flush(), wait);
	}

	private emit(final: boolean): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		this.lastFlush = Date.now();
		const text = this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join('');
		const complete = final ? text.length : text.lastIndexOf('\n') + 1;
		let rest = text.slice(complete);
		let body = text.slice(0, complete);
		if (!final && rest.length > MAX_LINE_CHARS) {
			// An endless line: hand over its beginning as lines of their own.
			const cut = rest.length - (rest.length % MAX_LINE_CHARS);
			body += rest.slice(0, cut).replace(new RegExp(`(.{${MAX_LINE_CHARS}})`, 'gs'), '$1\n');
			rest = rest.slice(cut);
		}
		this.chunks = rest ? [rest] : [];
		this.pendingChars = rest.length;

		const {lines, skipped} = splitLines(body, this.stream, this.tailLines);
		if (this.extra.length > 0) {
			lines.push(...this.extra);
			this.extra = [];
		}
		if (lines.length > 0 || skipped > 0) this.onLines(lines, skipped);
	}
}

/** Splits text into lines; with `tail`, only the last `tail` are made into strings and the rest are counted. */
export function splitLines(text: string, stream: OutputLine['stream'], tail?: number): {lines: OutputLine[]; skipped: number} {
	if (text.length === 0) return {lines: [], skipped: 0};
	const body = text.endsWith('\n') ? text.slice(0, -1) : text;
	let start = 0;
	let skipped = 0;
	if (tail !== undefined) {
		// Walk back over `tail` newlines; the lines before that point are only counted.
		let cut = body.length;
		for (let kept = 0; kept < Math.max(1, tail); kept++) {
			cut = cut > 0 ? body.lastIndexOf('\n', cut - 1) : -1;
			if (cut === -1) break;
		}
		if (cut !== -1) {
			start = cut + 1;
			for (let at = body.indexOf('\n'); at !== -1 && at < start; at = body.indexOf('\n', at + 1)) skipped++;
		}
	}
	const lines: OutputLine[] = [];
	for (const raw of body.slice(start).split('\n')) {
		const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
		if (line.length <= MAX_LINE_CHARS) lines.push({stream, text: line});
		else for (let at = 0; at < line.length; at += MAX_LINE_CHARS) lines.push({stream, text: line.slice(at, at + MAX_LINE_CHARS)});
	}
	return {lines, skipped};
}

/** The last `capacity` lines, in constant memory (a ring), and how many lines came in all. */
export class OutputTail {
	private readonly ring: Array<OutputLine | undefined>;
	private next = 0;
	private kept = 0;
	private total = 0;

	constructor(readonly capacity = 500) {
		if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`OutputTail capacity must be a positive integer, got ${capacity}`);
		this.ring = new Array<OutputLine | undefined>(capacity);
	}

	push(...lines: OutputLine[]): void {
		this.pushAll(lines);
	}

	/** A batch as the runner hands it over: `skipped` lines came before these and are only in the log. */
	pushAll(lines: readonly OutputLine[], skipped = 0): void {
		this.total += skipped;
		const from = Math.max(0, lines.length - this.capacity);
		this.total += from;
		for (let index = from; index < lines.length; index++) {
			this.ring[this.next] = lines[index];
			this.next = (this.next + 1) % this.capacity;
			this.total++;
			this.kept = Math.min(this.capacity, this.kept + 1);
		}
	}

	/** Oldest first. */
	lines(): OutputLine[] {
		if (this.kept < this.capacity) return this.ring.slice(0, this.kept) as OutputLine[];
		return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)] as OutputLine[];
	}

	/** The last `count` lines, oldest first. */
	last(count: number): OutputLine[] {
		const all = this.lines();
		return count >= all.length ? all : all.slice(all.length - count);
	}

	get totalLines(): number {
		return this.total;
	}

	/** Lines that came but are no longer kept (they are in the log file). */
	get droppedLines(): number {
		return this.total - this.kept;
	}

	clear(): void {
		this.ring.fill(undefined);
		this.next = 0;
		this.kept = 0;
		this.total = 0;
	}
}
