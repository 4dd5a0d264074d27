// The state file on real files: a tmpfs filled until ENOSPC, a failing fsync, and journals damaged in each of the
// ways a crash or a disk can damage them. Nothing acknowledged is lost, nothing refused is visible, and nothing
// damaged stops a start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {createStore, type ChangeRecord, type PracticeStore} from '../../../src/practice/api/store.js';
import {encodeRecord, StateFile} from '../../../src/practice/api/persistence.js';
import {StatusError, type KubeObject} from '../../../src/practice/types.js';
import {fillDisk, mountTmpfs, unmountTmpfs} from '../../helpers/tmpfs.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
	vi.restoreAllMocks();
	for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDir(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-persist-'));
	cleanups.push(() => fs.rmSync(dir, {recursive: true, force: true}));
	return dir;
}

/** A store on `statePath` with namespace demo; left open (as a crash leaves it) unless the test closes it. */
function open(statePath: string): PracticeStore {
	const store = createStore({statePath});
	if (!store.get('v1', 'Namespace', undefined, 'demo')) store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'demo'}});
	return store;
}

const configMap = (name: string, data: Record<string, string> = {k: name}): KubeObject => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: 'demo'}, data});
const names = (store: PracticeStore) => store.list('v1', 'ConfigMap', {namespace: 'demo'}).map((object) => object.metadata.name).filter((name) => name !== 'kube-root-ca.crt');

function thrown(fn: () => unknown): StatusError {
	try {
		fn();
	} catch (error) {
		if (error instanceof StatusError) return error;
		throw error;
	}
	throw new Error('expected a StatusError');
}

describe('a full disk', () => {
	it('refuses the write with a 500 naming the cause, changes nothing, and keeps every acknowledged write once space is back', async () => {
		const dir = path.join(tempDir(), 'disk');
		mountTmpfs(dir, '512k');
		cleanups.push(() => unmountTmpfs(dir));
		const statePath = path.join(dir, 'state.json');
		const store = open(statePath);
		for (const name of ['a', 'b', 'c']) store.create(configMap(name));
		await store.flush();
		const journalBefore = fs.readFileSync(`${statePath}.journal`);
		const filler = fillDisk(dir);

		// Larger than a page, so it cannot hide in the slack of the journal's last page: the write is cut short.
		const refused = thrown(() => store.create(configMap('refused', {blob: 'x'.repeat(64 * 1024)})));
		expect(refused).toMatchObject({code: 500, reason: 'InternalError'});
		expect(refused.message).toMatch(/^Internal error occurred: the practice cluster could not save the change: no space left on the device \(ENOSPC\)/);
		expect(store.get('v1', 'ConfigMap', 'demo', 'refused')).toBeUndefined();
		expect(fs.readFileSync(`${statePath}.journal`).equals(journalBefore)).toBe(true);
		// Many refusals in a row stay refusals (no half-written record is left behind to glue the next one to).
		for (let index = 0; index < 20; index++) expect(thrown(() => store.create(configMap(`refused-${index}`, {blob: 'y'.repeat(8192)}))).code).toBe(500);
		expect(names(store)).toEqual(['a', 'b', 'c']);

		fs.rmSync(filler);
		for (const name of ['d', 'e', 'f', 'g', 'h']) store.create(configMap(name));
		await store.flush();
		// A crash (no close): what is on disk is all there is.
		const again = createStore({statePath});
		cleanups.push(() => again.close());
		expect(names(again)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
		expect(again.recovery).toBeUndefined();
		store.close();
	});
});

describe('a failed fsync', () => {
	it('rolls back what it should have covered, in memory and in the journal, and tells the watchers', async () => {
		const statePath = path.join(tempDir(), 'state.json');
		const store = open(statePath);
		cleanups.push(() => store.close());
		store.create(configMap('kept'));
		await store.flush();
		const seen: ChangeRecord[] = [];
		store.onChange((record) => seen.push(record));
		vi.spyOn(fs, 'fdatasync').mockImplementationOnce(((_fd: number, callback: (error: NodeJS.ErrnoException | null) => void) =>
			setImmediate(() => callback(Object.assign(new Error('EIO: i/o error, fdatasync'), {code: 'EIO'})))) as unknown as typeof fs.fdatasync);
		const kept = store.get('v1', 'ConfigMap', 'demo', 'kept')!;
		store.create(configMap('lost'));
		store.update({...kept, data: {k: 'changed'}});
		const flushed = await store.flush().then(
			() => undefined,
			(error: unknown) => error,
		);
		expect(flushed).toMatchObject({code: 500, reason: 'InternalError', message: expect.stringContaining('input/output error on the device (EIO)')});
		expect(store.get('v1', 'ConfigMap', 'demo', 'lost')).toBeUndefined();
		expect(store.get('v1', 'ConfigMap', 'demo', 'kept')?.data).toEqual({k: 'kept'});
		expect(seen.map((record) => `${record.type} ${record.object.metadata.name}`)).toEqual(['ADDED lost', 'MODIFIED kept', 'MODIFIED kept', 'DELETED lost']);
		// A watch resuming from before the rollback must list again.
		expect(store.changesSince(Number(kept.metadata.resourceVersion))).toBeUndefined();
		store.create(configMap('after'));
		await store.flush();
		const again = createStore({statePath});
		cleanups.push(() => again.close());
		expect(names(again)).toEqual(['after', 'kept']);
		expect(again.get('v1', 'ConfigMap', 'demo', 'kept')?.data).toEqual({k: 'kept'});
	});
});

describe('a damaged state file', () => {
	/** A journal of records a–e (no snapshot), as a crash leaves it; returns its path and its lines. */
	async function journalOfFive(): Promise<{statePath: string; journal: string; lines: Buffer[]}> {
		const statePath = path.join(tempDir(), 'state.json');
		const store = open(statePath);
		for (const name of ['a', 'b', 'c', 'd', 'e']) store.create(configMap(name));
		await store.flush();
		const journal = `${statePath}.journal`;
		const bytes = fs.readFileSync(journal);
		const lines: Buffer[] = [];
		for (let offset = 0; offset < bytes.length; ) {
			const end = bytes.indexOf(0x0a, offset);
			lines.push(bytes.subarray(offset, end + 1));
			offset = end + 1;
		}
		return {statePath, journal, lines};
	}
	const lineOf = (lines: Buffer[], name: string) => lines.findIndex((line) => line.includes(`"key":"|ConfigMap|demo|${name}"`));

	it('skips garbage in the middle, keeps every record after it, copies the journal aside and reports it once', async () => {
		const {statePath, journal, lines} = await journalOfFive();
		const at = lineOf(lines, 'c');
		const damaged = Buffer.concat([...lines.slice(0, at), Buffer.from('\u0000\u0000garbage from a bad sector\n'), ...lines.slice(at)]);
		fs.writeFileSync(journal, damaged);
		const store = createStore({statePath});
		expect(names(store)).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(store.recovery).toMatchObject({lostRecords: 1, journalCopy: expect.stringContaining('state.json.journal.damaged-')});
		expect(store.recovery!.lines[0]).toMatch(/^1 journal record\(s\) could not be read and were skipped; every other record was kept/);
		expect(fs.readFileSync(store.recovery!.journalCopy!).equals(damaged)).toBe(true);
		store.close();
		const next = createStore({statePath});
		expect(next.recovery).toBeUndefined();
		expect(names(next)).toEqual(['a', 'b', 'c', 'd', 'e']);
		next.close();
	});

	it('names the object of a record whose checksum fails, and keeps the ones after it', async () => {
		const {statePath, journal, lines} = await journalOfFive();
		const at = lineOf(lines, 'c');
		const flipped = Buffer.from(lines[at]!);
		flipped[flipped.indexOf('"k":"c"') + 5] = 0x7a; // the value "c" becomes "z": still JSON, wrong bytes
		fs.writeFileSync(journal, Buffer.concat([...lines.slice(0, at), flipped, ...lines.slice(at + 1)]));
		const store = createStore({statePath});
		cleanups.push(() => store.close());
		expect(names(store)).toEqual(['a', 'b', 'd', 'e']);
		expect(store.recovery).toMatchObject({lostRecords: 1, objects: ['ConfigMap demo/c']});
		expect(store.recovery!.lines.join('\n')).toContain('checksum mismatch');
	});

	it('drops a truncated last record (and says so) and appends after the last whole one', async () => {
		const {statePath, journal, lines} = await journalOfFive();
		const whole = Buffer.concat(lines);
		fs.writeFileSync(journal, whole.subarray(0, whole.length - 20));
		const store = createStore({statePath});
		expect(names(store)).toEqual(['a', 'b', 'c', 'd']);
		expect(store.recovery).toMatchObject({lostRecords: 1, objects: ['ConfigMap demo/e']});
		expect(store.recovery!.lines[0]).toContain('an unfinished record');
		store.create(configMap('f'));
		await store.flush();
		const next = createStore({statePath});
		cleanups.push(() => next.close());
		expect(names(next)).toEqual(['a', 'b', 'c', 'd', 'f']);
		expect(next.recovery).toBeUndefined();
	});

	it('skips valid JSON of the wrong shape, old-style or with a right checksum, instead of refusing to start', async () => {
		const {statePath, journal, lines} = await journalOfFive();
		const wrong = [
			Buffer.from('{"op":"put","rv":3,"key":"|ConfigMap|demo|shapeless","object":{}}\n'),
			encodeRecord({op: 'put', rv: 4, key: '|ConfigMap|demo|nometa', object: {metadata: null} as unknown as KubeObject}),
			Buffer.from('[1,2,3]\n'),
			encodeRecord({op: 'del'} as never),
		];
		fs.writeFileSync(journal, Buffer.concat([lines[0]!, ...wrong, ...lines.slice(1)]));
		const store = createStore({statePath});
		cleanups.push(() => store.close());
		expect(names(store)).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(store.recovery).toMatchObject({lostRecords: 4});
		expect(store.recovery!.objects).toEqual(expect.arrayContaining(['ConfigMap demo/shapeless', 'ConfigMap demo/nometa']));
	});

	it('keeps a corrupt snapshot aside, starts from the journal, and reports it', async () => {
		const statePath = path.join(tempDir(), 'state.json');
		const first = open(statePath);
		first.create(configMap('in-snapshot'));
		first.close();
		const second = open(statePath);
		second.create(configMap('in-journal'));
		await second.flush();
		fs.writeFileSync(statePath, '{"format":1,"resourceVersion":');
		const store = createStore({statePath});
		cleanups.push(() => store.close());
		expect(store.recovery?.snapshot).toMatchObject({keptAs: expect.stringContaining('state.json.corrupt-')});
		expect(store.recovery!.lines[0]).toMatch(/^the snapshot .* could not be read .*: it is kept as .*; the cluster was started from the journal alone/);
		expect(store.get('v1', 'ConfigMap', 'demo', 'in-journal')).toBeDefined();
		expect(store.get('v1', 'ConfigMap', 'demo', 'in-snapshot')).toBeUndefined();
	});

	it('reads journals written before records had a length and checksum', () => {
		const statePath = path.join(tempDir(), 'state.json');
		const object = {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'old', uid: 'u', resourceVersion: '1'}};
		fs.writeFileSync(`${statePath}.journal`, `${JSON.stringify({op: 'put', rv: 1, key: '|Namespace||old', object})}\n`);
		const file = new StateFile(statePath);
		const loaded = file.load();
		file.close();
		expect(loaded.recovery).toBeUndefined();
		expect([...loaded.objects.keys()]).toEqual(['|Namespace||old']);
	});
});
