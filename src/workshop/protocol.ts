// The workshop's wire protocol: what a learner's lab may send the facilitator's server (progress only: a step
// started, done, solved or failed with its check's one-line summary, a hint revealed, the doctor's result code), and
// its limits. Validated with zod on the server; never commands' output, variable values or credentials.
import {z} from 'zod';

/** The most one request body may hold; larger ones are refused before they are parsed. */
export const MAX_BODY_BYTES = 16 * 1024;
/** The most events one request may carry (a learner catching up after the server came back sends a batch). */
export const MAX_BATCH = 50;
/** A failing check's summary is cut to this many characters. */
export const MAX_SUMMARY = 200;

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
const at = z.iso.datetime();
const step = {lesson: id, step: id, at};

export const learnerEventSchema = z.discriminatedUnion('type', [
	z.strictObject({type: z.literal('step.started'), ...step, activity: z.enum(['run', 'solve', 'check'])}),
	z.strictObject({type: z.literal('step.done'), ...step}),
	z.strictObject({type: z.literal('step.solved'), ...step}),
	z.strictObject({type: z.literal('step.failed'), ...step, summary: z.string().max(MAX_SUMMARY)}),
	z.strictObject({type: z.literal('hint.revealed'), ...step, hints: z.number().int().min(1).max(20)}),
	z.strictObject({type: z.literal('doctor'), at, code: z.string().regex(/^CLD1-[0-2]-[0-9A-Z]{1,4}-[0-9A-Z]{1,4}-[0-9A-Z]$/)}),
]);
export type LearnerEvent = z.infer<typeof learnerEventSchema>;

export const eventBatchSchema = z.strictObject({
	/** Numbered by the learner from 1, so a batch sent again after a lost answer is not counted twice. */
	seq: z.number().int().min(1),
	events: z.array(learnerEventSchema).min(1).max(MAX_BATCH),
});
export type EventBatch = z.infer<typeof eventBatchSchema>;

export const joinRequestSchema = z.strictObject({
	code: z.string().min(4).max(32),
	name: z
		.string()
		.trim()
		.min(1)
		.max(40)
		.regex(/^[^\p{Cc}<>]+$/u),
	track: id,
	target: z.enum(['practice', 'real']),
});
export type JoinRequest = z.infer<typeof joinRequestSchema>;

/** The join's answer. A learner who joins again with their token (Authorization: Bearer) keeps their row. */
export interface JoinAnswer {
	learnerId: string;
	token: string;
}

/** The most characters a facilitator's message or hint may have (it shows in one status bar line). */
export const MAX_PACING_TEXT = 280;
/** The most bytes one server-sent frame on the learner's pacing channel may have; a longer one ends the connection. */
export const MAX_PACING_FRAME = 4096;

/** One line of text: no control characters (no newlines, no terminal escapes reach the learner's status bar). */
const pacingText = z
	.string()
	.trim()
	.min(1)
	.max(MAX_PACING_TEXT)
	.regex(/^[^\p{Cc}]+$/u);

/**
 * What the facilitator's server may send a learner's lab, and nothing else: a message for everyone's status bar, a
 * hint for one learner, the room held at a lesson (null: released). The lab drops anything that does not parse.
 */
export const pacingMessageSchema = z.discriminatedUnion('type', [
	z.strictObject({type: z.literal('message'), text: pacingText, at}),
	z.strictObject({type: z.literal('hint'), text: pacingText, at}),
	z.strictObject({type: z.literal('hold'), lesson: id.nullable(), at}),
]);
export type PacingMessage = z.infer<typeof pacingMessageSchema>;

/** What the dashboard asks of the server (with the facilitator's key). */
export const pacingCommandSchema = z.discriminatedUnion('type', [
	z.strictObject({type: z.literal('message'), text: pacingText}),
	z.strictObject({type: z.literal('hold'), lesson: id.nullable()}),
	z.strictObject({type: z.literal('hint'), learnerId: z.uuid(), text: pacingText}),
]);
export type PacingCommand = z.infer<typeof pacingCommandSchema>;

/** Cuts a summary to one line of at most MAX_SUMMARY characters. */
export function oneLine(text: string): string {
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > MAX_SUMMARY ? `${line.slice(0, MAX_SUMMARY - 1)}…` : line;
}

/** A token bucket: `rate` events a second, bursts up to `burst`. */
export class RateLimiter {
	private tokens: number;
	private last: number;
	constructor(
		private readonly rate: number,
		private readonly burst: number,
		now: number,
	) {
		this.tokens = burst;
		this.last = now;
	}
	take(count: number, now: number): boolean {
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
		this.last = now;
		if (count > this.tokens) return false;
		this.tokens -= count;
		return true;
	}
}
