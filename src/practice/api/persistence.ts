// The state file: a snapshot written atomically (src/atomic-write.ts) and a journal of changes since,
// appended and fsynced before a write returns. A torn last line (a crash mid-append) was never
// acknowledged and is dropped on load; replaying the journal over the snapshot is idempotent.
import fs from 'node:fs';
import path from 'node:path';
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

export interface LoadedState {
	resourceVersion: number;
	objects: Map<string, KubeObject>;
	sections: Map<string, unknown>;
	/** What could not be read, for the daemon's log (a corrupt snapshot is kept aside, never overwritten silently). */
	warnings: string[];
}

export class StateFile {
	private journalFd: number | undefined;
	private journalEntries = 0;

	constructor(
		readonly file: string,
		private readonly compactAfter = 5000,
	) {}

	get journalFile(): string {
		return `${this.file}.journal`;
	}

	load(): LoadedState {
		const state: LoadedState = {resourceVersion: 0, objects: new Map(), sections: new Map(), warnings: []};
		fs.mkdirSync(path.dirname(this.file), {recursive: true});
		if (fs.existsSync(this.file)) {
			try {
				const snapshot = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Snapshot;
				if (snapshot.format !== 1 || typeof snapshot.objects !== 'object') throw new Error('not a practice state file');
				state.resourceVersion = snapshot.resourceVersion;
				for (const [key, object] of Object.entries(snapshot.objects)) state.objects.set(key, object);
				for (const [name, value] of Object.entries(snapshot.sections ?? {})) state.sections.set(name, value);
			} catch (error) {
				const aside = `${this.file}.corrupt-${Date.now()}`;
				fs.renameSync(this.file, aside);
				state.warnings.push(`state file ${this.file} could not be read (${(error as Error).message}); kept it as ${aside} and started empty`);
			}
		}
		if (fs.existsSync(this.journalFile)) {
			const text = fs.readFileSync(this.journalFile, 'utf8');
			let goodLength = 0;
			let offset = 0;
			while (offset < text.length) {
				const end = text.indexOf('\n', offset);
				if (end < 0) break;
				const line = text.slice(offset, end);
				let entry: JournalEntry;
				try {
					entry = JSON.parse(line) as JournalEntry;
				} catch {
					break;
				}
				applyEntry(state, entry);
				this.journalEntries++;
				offset = end + 1;
				goodLength = Buffer.byteLength(text.slice(0, offset));
			}
			const size = fs.statSync(this.journalFile).size;
			if (goodLength < size) {
				fs.truncateSync(this.journalFile, goodLength);
				state.warnings.push(`dropped ${size - goodLength} bytes of an unfinished write at the end of ${this.journalFile}`);
			}
		}
		this.journalFd = fs.openSync(this.journalFile, 'a', 0o600);
		return state;
	}

	private dirty = false;
	private flushing: Promise<void> | undefined;

	/**
	 * Appends; with `sync` also fsyncs before returning. Without it the entry is in the OS and is
	 * fsynced by the next flush() (group commit: one fsync covers every write since the last one).
	 * Returns true when the journal is long enough to compact.
	 */
	append(entry: JournalEntry, sync = false): boolean {
		if (this.journalFd === undefined) throw new Error('state file is not open');
		fs.writeSync(this.journalFd, `${JSON.stringify(entry)}\n`);
		if (sync) {
			fs.fdatasyncSync(this.journalFd);
			this.dirty = false;
		} else this.dirty = true;
		this.journalEntries++;
		return this.journalEntries >= this.compactAfter;
	}

	/** Resolves once everything appended so far is on disk. */
	flush(): Promise<void> {
		if (!this.dirty || this.journalFd === undefined) return this.flushing ?? Promise.resolve();
		if (this.flushing) return this.flushing.then(() => this.flush());
		this.dirty = false;
		const fd = this.journalFd;
		this.flushing = new Promise<void>((resolve, reject) => {
			fs.fdatasync(fd, (error) => {
				this.flushing = undefined;
				if (error) reject(error);
				else resolve();
			});
		});
		return this.flushing;
	}

	flushSync(): void {
		if (this.dirty && this.journalFd !== undefined) fs.fdatasyncSync(this.journalFd);
		this.dirty = false;
	}

	compact(snapshot: Snapshot): void {
		this.flushSync();
		writeFileAtomic(this.file, JSON.stringify(snapshot));
		if (this.journalFd !== undefined) {
			fs.ftruncateSync(this.journalFd, 0);
			fs.fsyncSync(this.journalFd);
		}
		this.journalEntries = 0;
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
