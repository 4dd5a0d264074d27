// The progress file: <lab home>/progress.json, versioned, written atomically (src/atomic-write.ts).
// A file that cannot be read (corrupt, or written by a newer cilium-lab) is moved aside, never silently reset.
import {closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync} from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from '../atomic-write.js';
import type {z as Zod} from 'zod';
import {LANGS, TRACK_IDS, type Lang, type TrackId} from '../lab/types.js';
import type {ProgressLessons} from '../session/types.js';

export const PROGRESS_VERSION = 1;

export function buildProgressSchema(z: typeof Zod) {
	// attempts, hints and timeMs came later (cilium-lab report): optional, so older files read as they are; an older
	// cilium-lab reading a newer file drops them (z.object strips keys it does not know), so the version stays 1.
	const count = z.number().int().min(0);
	const completedStepSchema = z.object({
		status: z.enum(['done', 'solved']),
		at: z.string(),
		context: z.string(),
		attempts: count.optional(),
		hints: count.optional(),
		timeMs: z.number().min(0).optional(),
	});
	return z.object({
		version: z.literal(PROGRESS_VERSION),
		track: z.enum(TRACK_IDS as [TrackId, ...TrackId[]]).optional(),
		lang: z.enum(LANGS as [Lang, ...Lang[]]).optional(),
		variables: z.record(z.string(), z.string()).default({}),
		target: z.object({kind: z.enum(['practice', 'real']), context: z.string().optional()}).optional(),
		lessons: z.record(z.string(), z.object({steps: z.record(z.string(), completedStepSchema)})).default({}),
		updatedAt: z.string().optional(),
	});
}

// zod loads only when a file is not plainly a progress file (plainProgress): it then decides, and its first issue
// says what is wrong. A start with a saved home draws its first frame without loading zod (~450 KB of code).
let progressSchema: Promise<ReturnType<typeof buildProgressSchema>> | undefined;
const loadProgressSchema = () => (progressSchema ??= import('zod').then(({z}) => buildProgressSchema(z)));

export interface Progress {
	version: typeof PROGRESS_VERSION;
	track?: TrackId;
	lang?: Lang;
	variables: Record<string, string>;
	target?: {kind: 'practice' | 'real'; context?: string};
	lessons: ProgressLessons;
	updatedAt?: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const onlyKeys = (value: Json, keys: readonly string[]) => Object.keys(value).every((key) => keys.includes(key));
const isString = (value: unknown): value is string => typeof value === 'string';

/** A record's entries when each value passes `check`; undefined for anything else, or a key zod treats specially. */
function plainRecord<T>(value: unknown, check: (entry: unknown) => T | undefined): Record<string, T> | undefined {
	if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
	const out: Record<string, T> = {};
	for (const [key, entry] of Object.entries(value)) {
		const checked = key === '__proto__' ? undefined : check(entry);
		if (checked === undefined) return undefined;
		out[key] = checked;
	}
	return out;
}

/**
 * The progress exactly as the zod schema above parses it, for data that holds only what the schema describes (what
 * writeProgressSync writes); undefined for anything else, which the schema then judges. test/progress/store.test.ts
 * compares the two.
 */
export function plainProgress(data: unknown): Progress | undefined {
	if (!isObject(data) || !onlyKeys(data, ['version', 'track', 'lang', 'variables', 'target', 'lessons', 'updatedAt'])) return undefined;
	if (data.version !== PROGRESS_VERSION) return undefined;
	const out: Json = {version: PROGRESS_VERSION};
	if ('track' in data) {
		if (!(TRACK_IDS as readonly unknown[]).includes(data.track)) return undefined;
		out.track = data.track;
	}
	if ('lang' in data) {
		if (!(LANGS as readonly unknown[]).includes(data.lang)) return undefined;
		out.lang = data.lang;
	}
	const variables = 'variables' in data ? plainRecord(data.variables, (value) => (isString(value) ? value : undefined)) : {};
	if (!variables) return undefined;
	out.variables = variables;
	if ('target' in data) {
		const target = data.target;
		if (!isObject(target) || !onlyKeys(target, ['kind', 'context']) || (target.kind !== 'practice' && target.kind !== 'real')) return undefined;
		if ('context' in target && !isString(target.context)) return undefined;
		out.target = 'context' in target ? {kind: target.kind, context: target.context} : {kind: target.kind};
	}
	const count = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0;
	const step = (value: unknown) => {
		if (!isObject(value) || !onlyKeys(value, ['status', 'at', 'context', 'attempts', 'hints', 'timeMs'])) return undefined;
		if ((value.status !== 'done' && value.status !== 'solved') || !isString(value.at) || !isString(value.context)) return undefined;
		const out: Json = {status: value.status, at: value.at, context: value.context};
		for (const key of ['attempts', 'hints'] as const) {
			if (!(key in value)) continue;
			if (!count(value[key])) return undefined;
			out[key] = value[key];
		}
		if ('timeMs' in value) {
			if (typeof value.timeMs !== 'number' || !(value.timeMs >= 0)) return undefined;
			out.timeMs = value.timeMs;
		}
		return out;
	};
	const lesson = (value: unknown) => {
		if (!isObject(value) || !onlyKeys(value, ['steps'])) return undefined;
		const steps = plainRecord(value.steps, step);
		return steps ? {steps} : undefined;
	};
	const lessons = 'lessons' in data ? plainRecord(data.lessons, lesson) : {};
	if (!lessons) return undefined;
	out.lessons = lessons;
	if ('updatedAt' in data) {
		if (!isString(data.updatedAt)) return undefined;
		out.updatedAt = data.updatedAt;
	}
	return out as unknown as Progress;
}

export interface LoadedProgress {
	/** Undefined on first start (no file) or when the file was moved aside. */
	progress: Progress | undefined;
	/** Set when the file was moved aside: what happened and where the old file is now. */
	notice?: string;
	movedTo?: string;
}

export function progressPath(home: string): string {
	return path.join(home, 'progress.json');
}

function timestampForFileName(date: Date): string {
	return date.toISOString().replace(/[:.]/g, '-');
}

function moveAside(file: string, reason: string, now: Date): LoadedProgress {
	const movedTo = `${file}.corrupt-${timestampForFileName(now)}`;
	renameSync(file, movedTo);
	return {
		progress: undefined,
		movedTo,
		notice: `${file} ${reason}; it was moved to ${movedTo} and the lab starts without saved progress (copy it back to restore it)`,
	};
}

export async function loadProgress(home: string, options: {now?: Date} = {}): Promise<LoadedProgress> {
	const file = progressPath(home);
	if (!existsSync(file)) return {progress: undefined};
	const now = options.now ?? new Date();
	const text = readFileSync(file, 'utf8');
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (error) {
		return moveAside(file, `is not valid JSON (${(error as Error).message})`, now);
	}
	const version = (data as {version?: unknown} | null)?.version;
	if (typeof version === 'number' && version > PROGRESS_VERSION) {
		return moveAside(file, `was written by a newer cilium-lab (progress version ${version}; this one reads version ${PROGRESS_VERSION})`, now);
	}
	const plain = plainProgress(data);
	if (plain) return {progress: plain};
	const parsed = (await loadProgressSchema()).safeParse(data);
	if (!parsed.success) {
		const first = parsed.error.issues[0]!;
		return moveAside(file, `does not look like a progress file (${first.path.join('.') || 'top level'}: ${first.message})`, now);
	}
	return {progress: parsed.data as Progress};
}

/** Writes the whole file atomically: a reader (or a crash) sees the old file or the new one, never half of one. */
export function writeProgressSync(home: string, progress: Progress): void {
	mkdirSync(home, {recursive: true, mode: 0o700});
	writeFileAtomic(progressPath(home), `${JSON.stringify(progress, null, 2)}\n`, {mode: 0o600});
}

/**
 * Forgets the steps completed on one target context ('practice' for the practice cluster): its cluster was reset,
 * so what they made is gone. Returns how many were forgotten; the file is rewritten only when some were.
 */
export async function forgetProgressOn(home: string, context: string): Promise<number> {
	const {progress} = await loadProgress(home);
	if (!progress) return 0;
	let forgotten = 0;
	const lessons: Progress['lessons'] = {};
	for (const [lessonId, lesson] of Object.entries(progress.lessons)) {
		const kept = Object.entries(lesson.steps).filter(([, step]) => step.context !== context);
		forgotten += Object.keys(lesson.steps).length - kept.length;
		if (kept.length > 0) lessons[lessonId] = {...lesson, steps: Object.fromEntries(kept)};
	}
	if (forgotten > 0) writeProgressSync(home, {...progress, lessons});
	return forgotten;
}

/** Completed steps, for the caller to check again on resume (the session flags the ones whose state is gone). */
export function completedSteps(progress: Progress | undefined): Array<{lessonId: string; stepId: string; status: 'done' | 'solved'; at: string; context: string}> {
	if (!progress) return [];
	return Object.entries(progress.lessons).flatMap(([lessonId, lesson]) =>
		Object.entries(lesson.steps).map(([stepId, step]) => ({lessonId, stepId, ...step})),
	);
}

type StepRecord = Progress['lessons'][string]['steps'][string];

/**
 * Three-way merge of completed steps: what this instance changed since it last saved (`before` → `mine`, a step
 * completed, redone or forgotten) applied onto what the file holds now (`theirs`, another instance's steps too).
 */
export function mergeLessons(before: Progress['lessons'], mine: Progress['lessons'], theirs: Progress['lessons']): Progress['lessons'] {
	const merged: Record<string, Record<string, StepRecord>> = {};
	for (const [lessonId, lesson] of Object.entries(theirs)) merged[lessonId] = {...lesson.steps};
	const keys = new Set<string>();
	for (const lessons of [before, mine]) for (const [lessonId, lesson] of Object.entries(lessons)) for (const stepId of Object.keys(lesson.steps)) keys.add(`${lessonId}\0${stepId}`);
	for (const key of keys) {
		const [lessonId, stepId] = key.split('\0') as [string, string];
		const was = before[lessonId]?.steps[stepId];
		const now = mine[lessonId]?.steps[stepId];
		if (JSON.stringify(was) === JSON.stringify(now)) continue;
		const steps = (merged[lessonId] ??= {});
		if (now) steps[stepId] = now;
		else delete steps[stepId];
	}
	return Object.fromEntries(Object.entries(merged).filter(([, steps]) => Object.keys(steps).length > 0).map(([lessonId, steps]) => [lessonId, {steps}]));
}

/** The lessons the file holds now (read without validation: a damaged file counts as none; loadProgress judges it). */
function lessonsOnDisk(home: string): Progress['lessons'] {
	try {
		const data = JSON.parse(readFileSync(progressPath(home), 'utf8')) as Partial<Progress>;
		return data.version === PROGRESS_VERSION && data.lessons && typeof data.lessons === 'object' ? data.lessons : {};
	} catch {
		return {};
	}
}

const LOCK_STALE_MS = 10_000;

/** Runs `write` holding `<home>/progress.json.lock` (a read-merge-write takes milliseconds; a dead holder's lock is taken over). */
function withProgressLock<T>(home: string, write: () => T): T {
	const lock = `${progressPath(home)}.lock`;
	const deadline = Date.now() + 5000;
	const pause = new Int32Array(new SharedArrayBuffer(4));
	for (;;) {
		try {
			const fd = openSync(lock, 'wx', 0o600);
			writeSync(fd, JSON.stringify({pid: process.pid, since: new Date().toISOString()}));
			closeSync(fd);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			if (lockIsStale(lock) || Date.now() > deadline) {
				rmSync(lock, {force: true});
				continue;
			}
			Atomics.wait(pause, 0, 0, 10);
		}
	}
	try {
		return write();
	} finally {
		rmSync(lock, {force: true});
	}
}

function lockIsStale(lock: string): boolean {
	try {
		const {pid} = JSON.parse(readFileSync(lock, 'utf8')) as {pid?: number};
		if (typeof pid === 'number' && pid !== process.pid) process.kill(pid, 0);
		return Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS;
	} catch (error) {
		// ESRCH: its holder is gone. A lock being written (empty) is young, not stale.
		if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
		try {
			return Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS;
		} catch {
			return true;
		}
	}
}

/**
 * The progress of one lab home. Saves are serialized, and each one merges: the steps this instance completed or
 * forgot since its last save go onto what the file holds now, under a short lock, so two instances (two
 * terminals, a TUI and a headless run) on one home never lose each other's progress.
 */
export class ProgressStore {
	private current: Progress;
	/** The lessons as this instance last gave them (or loaded them): its own changes are measured from here. */
	private mineBefore: Progress['lessons'];
	private queue: Promise<void> = Promise.resolve();

	constructor(
		readonly home: string,
		initial?: Progress,
	) {
		this.current = initial ?? {version: PROGRESS_VERSION, variables: {}, lessons: {}};
		this.mineBefore = this.current.lessons;
	}

	get progress(): Progress {
		return this.current;
	}

	/** Merges the update into the file's content and writes it; resolves once it is on disk. */
	save(update: Partial<Omit<Progress, 'version'>>): Promise<void> {
		const mine = {...this.current, ...update, version: PROGRESS_VERSION, updatedAt: new Date().toISOString()} as Progress;
		this.current = mine;
		const write = () =>
			withProgressLock(this.home, () => {
				mkdirSync(this.home, {recursive: true, mode: 0o700});
				const merged: Progress = {...mine, lessons: mergeLessons(this.mineBefore, mine.lessons, lessonsOnDisk(this.home))};
				writeProgressSync(this.home, merged);
				this.mineBefore = mine.lessons;
			});
		this.queue = this.queue.then(write, write);
		return this.queue;
	}
}
