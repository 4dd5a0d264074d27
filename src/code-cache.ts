// A V8 code cache for a CommonJS bundle, checked before V8 sees it (see load.ts).
import fs from 'node:fs';
import Module, {createRequire} from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import * as zlib from 'node:zlib';

const MAGIC = 0x43_4c_43_31; // "CLC1"
const HEADER_BYTES = 12;
/** After the daemon said ready, so the functions its start ran are compiled and go into the cache. */
const WRITE_AFTER_MS = 1000;

// zlib.crc32 came with Node 20.15: without it, no cache.
const crc32 = (zlib as {crc32?: (data: Buffer | string) => number}).crc32;

/** The V8 data in `file` when it was made from exactly `source` and is whole, else undefined. */
export function readCodeCache(file: string, source: Buffer): Buffer | undefined {
	if (!crc32) return undefined;
	let bytes: Buffer;
	try {
		bytes = fs.readFileSync(file);
	} catch {
		return undefined;
	}
	if (bytes.length <= HEADER_BYTES || bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt32LE(4) !== crc32(source)) return undefined;
	const data = bytes.subarray(HEADER_BYTES);
	return bytes.readUInt32LE(8) === crc32(data) ? data : undefined;
}

/** Writes `data` for `source` to `file` (atomically: a reader sees the old file or the new one); false when it cannot. */
export function writeCodeCache(file: string, source: Buffer, data: Buffer): boolean {
	if (!crc32) return false;
	const header = Buffer.alloc(HEADER_BYTES);
	header.writeUInt32LE(MAGIC, 0);
	header.writeUInt32LE(crc32(source), 4);
	header.writeUInt32LE(crc32(data), 8);
	const temporary = `${file}.${process.pid}.tmp`;
	try {
		fs.writeFileSync(temporary, Buffer.concat([header, data]));
		fs.renameSync(temporary, file);
		return true;
	} catch {
		// A read-only install: it starts without the cache.
		fs.rmSync(temporary, {force: true});
		return false;
	}
}

/** Where a bundle run with `writeWhenAsked` finds the function that asks for its cache (see requestCodeCache). */
const REQUEST = Symbol.for('cilium-lab.code-cache.request');

/**
 * Writes the code cache of the bundle this code runs in now, when it was started without a usable one and with
 * `writeWhenAsked` (the app's TUI asks right after its first frame, so the cache holds what that frame compiled: not
 * what a short command did, nor what the work behind the frame compiles). Does nothing otherwise.
 */
export function requestCodeCache(): void {
	(globalThis as {[REQUEST]?: () => void})[REQUEST]?.();
}

/**
 * Runs the CommonJS bundle `file` as Node would run it as a main module, through its code cache when one fits. Without
 * one, the cache is written a while after the start (the practice daemon), or after requestCodeCache (the app:
 * `writeWhenAsked`); with `writeOnExit` also when the process exits before that (the build stops the daemon it starts
 * for the cache as soon as it is ready).
 */
export function runWithCodeCache(file: string, cacheFile: string, useCache = true, {writeOnExit = false, writeWhenAsked = false} = {}): void {
	const source = fs.readFileSync(file);
	const cachedData = useCache ? readCodeCache(cacheFile, source) : undefined;
	const script = new vm.Script(Module.wrap(source.toString('utf8')), {filename: file, cachedData});
	const compiled = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
	const require = createRequire(file);
	const module = {exports: {}, filename: file, id: '.', loaded: false, children: [], paths: [], require};
	if (useCache && (!cachedData || script.cachedDataRejected)) {
		let written = false;
		const write = () => {
			if (!written) writeCodeCache(cacheFile, source, script.createCachedData());
			written = true;
		};
		if (writeWhenAsked) (globalThis as {[REQUEST]?: () => void})[REQUEST] = write;
		else setTimeout(write, WRITE_AFTER_MS).unref();
		if (writeOnExit) process.once('exit', write);
	}
	compiled.call(module.exports, module.exports, require, module, file, path.dirname(file));
}
