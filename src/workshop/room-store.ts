// The room kept on the facilitator's disk, so `workshop serve` can stop and start again (a laptop that sleeps, a
// server restarted on purpose) without losing it: the join code, the dashboard's key, every learner's row and their
// tokens (as SHA-256 hashes: the file never holds a token a learner could be impersonated with), the hold, the last
// message and hints still waiting. <home>/workshop-room.json, mode 0600, replaced atomically; `--new-room` starts
// afresh. A file that is not a saved room is refused with a sentence, never silently replaced.
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import {z} from 'zod';
import {writeFileAtomic} from '../atomic-write.js';
import {pacingMessageSchema, type PacingMessage} from './protocol.js';
import type {Learner} from './room.js';

export const ROOM_FILE = 'workshop-room.json';

export interface SavedRoom {
	kind: 'cilium-lab-workshop-room';
	version: 1;
	title: string;
	code: string;
	key: string;
	savedAt: string;
	/** SHA-256 (hex) of each learner's token → the learner's id. */
	tokens: Record<string, string>;
	learners: readonly Learner[];
	hold: string | null;
	lastMessage?: PacingMessage;
	pendingHints: Record<string, PacingMessage[]>;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const time = z.number().finite();
const cellSchema = z.object({status: z.enum(['started', 'done', 'solved', 'failed']), reason: z.string().max(1000).optional(), failures: z.number().int().min(0), hints: z.number().int().min(0), at: time});
const learnerSchema = z.object({
	id: z.string().min(1).max(64),
	name: z.string().min(1).max(40),
	track: z.string().min(1).max(64),
	target: z.enum(['practice', 'real']),
	doctor: z.string().max(40).optional(),
	joinedAt: time,
	lastSeen: time,
	cells: z.record(z.string(), cellSchema),
	current: z.object({lesson: z.string(), step: z.string(), since: time}).optional(),
	lastSeq: z.number().int().min(0),
});
const savedRoomSchema = z.object({
	kind: z.literal('cilium-lab-workshop-room'),
	version: z.literal(1),
	title: z.string(),
	code: z.string().regex(/^[A-Z0-9-]{4,32}$/),
	key: z.string().min(16).max(64),
	savedAt: z.string(),
	tokens: z.record(z.string().regex(/^[0-9a-f]{64}$/), z.string()),
	learners: z.array(learnerSchema).max(10_000),
	hold: z.string().nullable(),
	lastMessage: pacingMessageSchema.optional(),
	pendingHints: z.record(z.string(), z.array(pacingMessageSchema)),
});

export class RoomFileError extends Error {}

/** The saved room at `file`; undefined when there is none; RoomFileError when the file is there but not a room. */
export function loadRoom(file: string): SavedRoom | undefined {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw new RoomFileError(`cannot read the saved room ${file}: ${(error as Error).message}`);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new RoomFileError(`the saved room ${file} is not JSON (cut short or edited)`);
	}
	const result = savedRoomSchema.safeParse(parsed);
	if (!result.success) throw new RoomFileError(`the saved room ${file} is not one this lab wrote (${result.error.issues[0]?.path.join('.') || 'its shape'}: ${result.error.issues[0]?.message ?? '?'})`);
	return result.data as SavedRoom;
}

export function saveRoom(file: string, room: SavedRoom): void {
	writeFileAtomic(file, `${JSON.stringify(room)}\n`, {mode: 0o600, durable: false});
}
