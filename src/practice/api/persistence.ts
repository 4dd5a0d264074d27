// The state file: a snapshot written atomically (src/atomic-write.ts) and a journal of changes since.
// Each journal record is one line, `<length> <crc32> <json>\n`: the length and checksum of the JSON let the
// loader tell a record that is whole from one that was torn by a crash or damaged on disk. A write is appended
// completely (every byte checked) before the store changes memory, and fsynced before the API acknowledges it;
// a write that fails leaves the journal as it was. On load every valid record is kept and every damaged one is
// skipped and reported (with a copy of the original journal); nothing in the state ever stops a start.
import fs from 'node:fs';
import path from 'node:path';
import * as zlib from 'node:zlib';
import {writeFileAtomic} from '../../atomic-write.js';
import type {KubeObject} from '../types.js';

export type JournalEntry =
	| {op: 'put'; rv: number; key: string; object: KubeObject}
	| {op: 'del'; rv: number; key: string}
	| {op: 'section'; name: string; value: unknown};

export interface Snapshot {
	format: 1;
	resourceVersion: number;
	objects: Record<string, KubeObject>;
	sections: Record<string, unknown>;
}

/** What a start could not read back: for `practice start` and `practice status` (the learner's terminal), not only the log. */
export interface StateRecovery {
	/** Journal records skipped (damaged, torn, or of the wrong shape). */
	lostRecords: number;
	/** Objects of the snapshot skipped because they were not objects the store can hold. */
	lostSnapshotObjects: number;
	/** The objects those records and entries were about, as `Kind namespace/name`, as far as they could be read. */
	objects: string[];
	/** Where the journal was copied before anything was dropped from it. */
	journalCopy?: string;
	/** The snapshot could not be read at all: why, and where it was moved. */
	snapshot?: {error: string; keptAs: string};
	/** One line each, for the log and the learner. */
	lines: string[];
}

export interface LoadedState {
	resourceVersion: number;
	objects: Map<string, KubeObject>;
	sections: Map<string, unknown>;
	/** What could not be read, for the daemon's log (a corrupt snapshot is kept aside, never overwritten silently). */
	warnings: string[];
	/** Set when something was lost; the store then compacts at once so the damage is not met again. */
	recovery?: StateRecovery;
}

/** A write the journal could not take (ENOSPC, EIO…): nothing of it is in the journal or in memory. */
export class JournalWriteError extends Error {
	constructor(
		readonly code: string,
		override readonly cause: Error,
	) {
		super(describeIoError(cause));
	}
}

const IO_ERRORS: Record<string, string> = {
	ENOSPC: 'no space left on the device',
	EDQUOT: 'disk quota exceeded',
	EIO: 'input/output error on the device',
	EROFS: 'the file system is read-only',
	EFBIG: 'the file is too large',
	EBADF: 'the state file is not open',
};

/** "no space left on the device (ENOSPC)", from a Node file system error. */
export function describeIoError(error: Error): string {
	const code = (error as NodeJS.ErrnoException).code;
	return code && IO_ERRORS[code] ? `${IO_ERRORS[code]} (${code})` : error.message;
}

const CRC_TABLE = (() => {
	const table = new Int32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c;
	}
	return table;
})();

/** zlib's CRC-32 where Node has it (20.15+, 22.2+): a quarter of the table loop's cost on a 1 KiB record. */
const nativeCrc32 = (zlib as {crc32?: (data: string | Uint8Array) => number}).crc32;

/** CRC-32 (IEEE, as zlib and PNG) of the bytes, or of a string's UTF-8. */
export function crc32(data: Uint8Array | string): number {
	if (nativeCrc32) return nativeCrc32(data);
	const bytes = typeof data === 'string' ? Buffer.from(data) : data;
	let crc = -1;
	for (let index = 0; index < bytes.length; index++) crc = CRC_TABLE[(crc ^ bytes[index]!) & 0xff]! ^ (crc >>> 8);
	return (crc ^ -1) >>> 0;
}

/** One journal record: `<length> <crc32 as 8 hex digits> <json>\n`, the length and checksum of the JSON's UTF-8 bytes. */
export function encodeRecord(entry: JournalEntry): Buffer {
	const json = JSON.stringify(entry);
	return Buffer.from(`${Buffer.byteLength(json)} ${crc32(json).toString(16).padStart(8, '0')} ${json}\n`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isRv = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Whether the store can hold it: an object with apiVersion, kind and a named metadata. */
export function isStorableObject(value: unknown): value is KubeObject {
	if (!isObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || !isObject(value.metadata)) return false;
	const {name, namespace} = value.metadata;
	return typeof name === 'string' && name !== '' && (namespace === undefined || typeof namespace === 'string');
}

const isStoreKey = (key: unknown): key is string => typeof key === 'string' && key.split('|').length === 4 && key.split('|')[3] !== '';

/** The entry if it is one this loader can apply; undefined for valid JSON of another shape. */
export function asJournalEntry(value: unknown): JournalEntry | undefined {
	if (!isObject(value)) return undefined;
	if (value.op === 'put') return isRv(value.rv) && isStoreKey(value.key) && isStorableObject(value.object) ? (value as JournalEntry) : undefined;
	if (value.op === 'del') return isRv(value.rv) && isStoreKey(value.key) ? (value as JournalEntry) : undefined;
	if (value.op === 'section') return typeof value.name === 'string' && value.name !== '' && value.value !== undefined ? (value as JournalEntry) : undefined;
	return undefined;
}

/** `group|Kind|namespace|name` → `Kind namespace/name` (the group after the kind: `Widget.example.com`). */
export function describeKey(key: string): string {
	const [group = '', kind = '?', namespace = '', name = '?'] = key.split('|');
	return `${kind}${group ? `.${group}` : ''} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** What a damaged line was about, as far as its text tells (`"key":"…"` or `"name":"…"`). */
function aboutLine(line: string): string | undefined {
	const key = /"key":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
	if (key && isStoreKey(key)) return describeKey(key);
	const section = /"op":"section","name":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
	return section ? `state section ${section}` : undefined;
}

/** The JSON of one record line, or why it is not a valid record. `legacy`: a line as older versions wrote it (JSON alone). */
function decodeLine(line: Buffer): {entry: JournalEntry} | {error: string; about?: string} {
	if (line[0] === 0x7b) {
		// `{…}`: a journal written before records carried a length and checksum.
		const text = line.toString('utf8');
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch {
			return {error: 'not valid JSON', about: aboutLine(text)};
		}
		const entry = asJournalEntry(value);
		return entry ? {entry} : {error: 'not a journal record (wrong shape)', about: aboutLine(text)};
	}
	const first = line.indexOf(0x20);
	const second = first < 0 ? -1 : line.indexOf(0x20, first + 1);
	const length = first > 0 ? Number(line.toString('latin1', 0, first)) : NaN;
	const crc = second > 0 ? line.toString('latin1', first + 1, second) : '';
	if (!Number.isSafeInteger(length) || !/^[0-9a-f]{8}$/.test(crc)) return {error: 'no record header', about: aboutLine(line.toString('utf8'))};
	const text = line.toString('utf8', second + 1);
	if (line.length - second - 1 !== length) return {error: `length ${line.length - second - 1} where the record says ${length}`, about: aboutLine(text)};
	if (crc32(line.subarray(second + 1)).toString(16).padStart(8, '0') !== crc) return {error: 'checksum mismatch', about: aboutLine(text)};
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return {error: 'not valid JSON', about: aboutLine(text)};
	}
	const entry = asJournalEntry(value);
	return entry ? {entry} : {error: 'not a journal record (wrong shape)', about: aboutLine(text)};
}

/** Writes every byte (a short write is continued; a write that makes no progress is an error). */
function writeAll(fd: number, bytes: Buffer, position?: number): void {
	let done = 0;
	while (done < bytes.length) {
		const written = fs.writeSync(fd, bytes, done, bytes.length - done, position === undefined ? null : position + done);
		if (written <= 0) throw Object.assign(new Error('no space left on device, write'), {code: 'ENOSPC'});
		done += written;
	}
}

export class StateFile {
	private journalFd: number | undefined;
	private journalEntries = 0;
	/** Bytes of whole records in the journal, and how many of them an fsync has covered. */
	private size = 0;
	private syncedSize = 0;
	/** The same as a count that never goes back to 0 (compaction empties the journal): what a waiting writer compares. */
	private appended = 0;
	private durable = 0;
	/** Bumped by each compaction, which empties the journal: an fsync begun before it must not move `syncedSize`. */
	private epoch = 0;
	private compactRetryAt = 0;

	constructor(
		readonly file: string,
		private readonly compactAfter = 5000,
	) {}

	get journalFile(): string {
		return `${this.file}.journal`;
	}

	load(): LoadedState {
		const state: LoadedState = {resourceVersion: 0, objects: new Map(), sections: new Map(), warnings: []};
		const recovery: StateRecovery = {lostRecords: 0, lostSnapshotObjects: 0, objects: [], lines: []};
		const lost = (about: string | undefined) => {
			if (about && !recovery.objects.includes(about)) recovery.objects.push(about);
		};
		fs.mkdirSync(path.dirname(this.file), {recursive: true});
		if (fs.existsSync(this.file)) {
			try {
				const snapshot = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Snapshot;
				if (!isObject(snapshot) || snapshot.format !== 1 || !isObject(snapshot.objects) || !isRv(snapshot.resourceVersion)) throw new Error('not a practice state file');
				state.resourceVersion = snapshot.resourceVersion;
				for (const [key, object] of Object.entries(snapshot.objects)) {
					if (isStoreKey(key) && isStorableObject(object)) state.objects.set(key, object);
					else {
						recovery.lostSnapshotObjects++;
						lost(isStoreKey(key) ? describeKey(key) : undefined);
					}
				}
				for (const [name, value] of Object.entries(isObject(snapshot.sections) ? snapshot.sections : {})) state.sections.set(name, value);
				if (recovery.lostSnapshotObjects > 0) recovery.lines.push(`${recovery.lostSnapshotObjects} object(s) in the snapshot ${this.file} were not objects the cluster can hold and were skipped`);
			} catch (error) {
				const aside = `${this.file}.corrupt-${Date.now()}`;
				fs.renameSync(this.file, aside);
				recovery.snapshot = {error: (error as Error).message, keptAs: aside};
				recovery.lines.push(`the snapshot ${this.file} could not be read (${(error as Error).message}): it is kept as ${aside}; the cluster was started from the journal alone, so objects saved before the last compaction are missing`);
			}
		}
		if (fs.existsSync(this.journalFile)) {
			const bytes = fs.readFileSync(this.journalFile);
			let offset = 0;
			const skipped: string[] = [];
			while (offset < bytes.length) {
				const end = bytes.indexOf(0x0a, offset);
				if (end < 0) {
					// The last record never got its newline: torn by a crash, or damaged.
					recovery.lostRecords++;
					lost(aboutLine(bytes.toString('utf8', offset)));
					skipped.push(`an unfinished record of ${bytes.length - offset} bytes at the end (a write that was never acknowledged, or a damaged end)`);
					break;
				}
				const line = bytes.subarray(offset, end);
				offset = end + 1;
				if (line.length === 0) continue;
				const decoded = decodeLine(line);
				if ('entry' in decoded) {
					applyEntry(state, decoded.entry);
					this.journalEntries++;
				} else {
					recovery.lostRecords++;
					lost(decoded.about);
					skipped.push(`record at byte ${offset - line.length - 1}: ${decoded.error}`);
				}
			}
			if (recovery.lostRecords > 0) {
				const copy = `${this.journalFile}.damaged-${Date.now()}`;
				try {
					fs.copyFileSync(this.journalFile, copy);
					recovery.journalCopy = copy;
				} catch (error) {
					recovery.lines.push(`the damaged journal could not be copied aside: ${describeIoError(error as Error)}`);
				}
				recovery.lines.push(
					`${recovery.lostRecords} journal record(s) could not be read and were skipped; every other record was kept${recovery.journalCopy ? ` (the original journal is kept as ${recovery.journalCopy})` : ''}: ${skipped.slice(0, 5).join('; ')}${skipped.length > 5 ? `; and ${skipped.length - 5} more` : ''}`,
				);
				// New records go after the last whole line, never glued to a torn one.
				const lastNewline = bytes.lastIndexOf(0x0a);
				if (lastNewline + 1 < bytes.length) {
					try {
						fs.truncateSync(this.journalFile, lastNewline + 1);
					} catch (error) {
						recovery.lines.push(`the torn end of the journal could not be cut: ${describeIoError(error as Error)}`);
					}
				}
			}
		}
		if (recovery.objects.length > 0) recovery.lines.push(`objects that may be missing or out of date: ${recovery.objects.slice(0, 20).join(', ')}${recovery.objects.length > 20 ? ` and ${recovery.objects.length - 20} more` : ''}`);
		if (recovery.lines.length > 0) {
			state.recovery = recovery;
			state.warnings.push(...recovery.lines);
		}
		this.journalFd = fs.openSync(this.journalFile, 'a', 0o600);
		this.size = this.syncedSize = fs.fstatSync(this.journalFd).size;
		return state;
	}

	/**
	 * Appends one record, every byte of it, without fsync (see sync()). On failure (ENOSPC, EIO…) the journal is cut
	 * back to what it was and a JournalWriteError is thrown: the caller must not change memory.
	 */
	append(entry: JournalEntry): void {
		if (this.journalFd === undefined) throw new JournalWriteError('EBADF', Object.assign(new Error('the state file is not open'), {code: 'EBADF'}));
		const record = encodeRecord(entry);
		try {
			writeAll(this.journalFd, record);
		} catch (error) {
			this.cutBackTo(this.size);
			throw new JournalWriteError((error as NodeJS.ErrnoException).code ?? 'EIO', error as Error);
		}
		this.size += record.length;
		this.appended += record.length;
		this.journalEntries++;
	}

	/** How far the journal has been appended to, and how far of that is on disk (fsynced, or in a compacted snapshot). */
	get appendedBytes(): number {
		return this.appended;
	}

	get durableBytes(): number {
		return this.durable;
	}

	/** Whether anything appended is not yet covered by an fsync. */
	get dirty(): boolean {
		return this.size !== this.syncedSize;
	}

	/** Whether the journal is long enough to compact (and a failed compaction is not being retried too soon). */
	get wantsCompaction(): boolean {
		return this.journalEntries >= this.compactAfter && this.journalEntries >= this.compactRetryAt;
	}

	/**
	 * fsyncs what was appended so far. Resolves with true when it covered it, false when a compaction (which made it
	 * durable in the snapshot) came first; rejects when the device failed.
	 */
	sync(): Promise<boolean> {
		const fd = this.journalFd;
		if (fd === undefined || !this.dirty) return Promise.resolve(true);
		const size = this.size;
		const appended = this.appended;
		const epoch = this.epoch;
		return new Promise<boolean>((resolve, reject) => {
			fs.fdatasync(fd, (error) => {
				if (epoch !== this.epoch) return resolve(false);
				if (error) return reject(error);
				this.syncedSize = Math.max(this.syncedSize, size);
				this.durable = Math.max(this.durable, appended);
				resolve(true);
			});
		});
	}

	syncNow(): void {
		if (this.journalFd === undefined || !this.dirty) return;
		fs.fdatasyncSync(this.journalFd);
		this.syncedSize = this.size;
		this.durable = this.appended;
	}

	/** After a failed fsync: the journal goes back to what an fsync covered (the store rolls memory back to match). */
	rollBackUnsynced(): void {
		this.epoch++;
		this.appended -= this.size - this.syncedSize;
		this.cutBackTo(this.syncedSize);
	}

	private cutBackTo(size: number): void {
		if (this.journalFd === undefined) return;
		try {
			fs.ftruncateSync(this.journalFd, size);
		} catch {
			// The next load skips a torn end anyway; it was never acknowledged.
		}
		this.size = size;
		this.syncedSize = Math.min(this.syncedSize, size);
	}

	/**
	 * Writes the snapshot (durably) and empties the journal. Throws when the snapshot could not be written; the
	 * journal is then untouched and the next attempt waits for more records.
	 */
	compact(snapshot: Snapshot): void {
		try {
			writeFileAtomic(this.file, JSON.stringify(snapshot));
		} catch (error) {
			this.compactRetryAt = this.journalEntries + Math.max(100, Math.floor(this.compactAfter / 10));
			throw error;
		}
		this.epoch++;
		if (this.journalFd !== undefined) {
			fs.ftruncateSync(this.journalFd, 0);
			try {
				fs.fsyncSync(this.journalFd);
			} catch {
				// The snapshot holds everything; a journal that still has old records replays idempotently.
			}
		}
		this.size = this.syncedSize = 0;
		this.durable = this.appended;
		this.journalEntries = 0;
		this.compactRetryAt = 0;
	}

	close(): void {
		if (this.journalFd !== undefined) fs.closeSync(this.journalFd);
		this.journalFd = undefined;
	}
}

function applyEntry(state: LoadedState, entry: JournalEntry): void {
	if (entry.op === 'put') {
		state.objects.set(entry.key, entry.object);
		state.resourceVersion = Math.max(state.resourceVersion, entry.rv);
	} else if (entry.op === 'del') {
		state.objects.delete(entry.key);
		state.resourceVersion = Math.max(state.resourceVersion, entry.rv);
	} else if (entry.op === 'section') {
		state.sections.set(entry.name, entry.value);
	}
}
