// The validated lab, kept as JSON so a start skips parsing and validating the YAML (with the real lessons that is
// most of the time before the first frame). An entry is keyed by the code that validated it and by the name and
// content of every lesson file, and it lists the asset files the lessons name, which must still be files. Anything
// else — an edited, added or removed lesson file, a new build, a missing asset, an unreadable or corrupt cache
// file — falls back to the full loader, which reports every problem with its file and line. Only labs without
// problems are cached. Entries live under <lab home>/cache; `npm run build` also ships one for lessons/
// (dist/lab-snapshot.json), so a fresh lab home starts as fast as a used one.
import {createHash} from 'node:crypto';
import {chmodSync, mkdirSync, readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {writeFileAtomic} from '../atomic-write.js';
import type {Lab} from './types.js';

declare const __VERSION__: string | undefined;

const FORMAT = 1;

export interface LabCacheOptions {
	/** Where entries are read and written (<lab home>/cache); none: no entry is written. */
	cacheDir?: string;
	/** Read-only entries to try after the cache dir (the one `npm run build` writes next to the bundle). */
	snapshots?: string[];
	/** Identifies the loader's code; entries written by other code are ignored. Default: the bundle's own code; none
	 * when running from the TypeScript sources (their schema may have changed without this file changing). */
	codeId?: string;
	cwd?: string;
}

/** What an entry holds: paths relative to the lessons directory, so an entry fits a copy of it anywhere. */
interface CacheEntry {
	format: number;
	key: string;
	/** Asset files the lessons name (relative to assets/); the loader checked each was a file. */
	assets: string[];
	lab: Omit<Lab, 'lessonsDir' | 'assetsDir'>;
}

/** The same as loadLab (src/lab/loader.ts), from a cache entry when one matches the files. */
export async function loadLabCached(lessonsDir: string, options: LabCacheOptions = {}): Promise<Lab> {
	const cwd = options.cwd ?? process.cwd();
	const dir = path.resolve(cwd, lessonsDir);
	const codeId = options.codeId ?? bundleCodeId();
	const key = codeId === undefined ? undefined : contentKey(dir, codeId);
	if (key !== undefined) {
		const entryFile = options.cacheDir ? path.join(options.cacheDir, entryName(dir)) : undefined;
		for (const candidate of [entryFile, ...(options.snapshots ?? [])]) {
			const lab = candidate ? readEntry(candidate, key, dir) : undefined;
			if (lab) return lab;
		}
	}
	const {loadLab} = await import('./loader.js');
	const lab = loadLab(dir, {cwd});
	if (key !== undefined && options.cacheDir) writeEntry(path.join(options.cacheDir, entryName(dir)), key, lab);
	return lab;
}

/** The lessons dir's cache file name: one entry per directory, replaced when its files change. */
function entryName(dir: string): string {
	return `lab-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}.json`;
}

/** A hash of the code id and of the name and bytes of every file the loader reads; undefined when one is unreadable. */
export function contentKey(dir: string, codeId: string): string | undefined {
	try {
		const hash = createHash('sha256').update(`${FORMAT}\0${codeId}\0`);
		// The loader reads lab.yaml and every other *.yaml / *.yml (and reports the ones named wrongly).
		const names = readdirSync(dir)
			.filter((name) => /\.ya?ml$/.test(name))
			.sort();
		for (const name of names) {
			const bytes = readFileSync(path.join(dir, name));
			hash.update(`${name}\0${bytes.length}\0`).update(bytes);
		}
		return hash.digest('hex');
	} catch {
		return undefined;
	}
}

function readEntry(file: string, key: string, dir: string): Lab | undefined {
	let entry: CacheEntry;
	try {
		entry = JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
	} catch {
		return undefined;
	}
	if (entry?.format !== FORMAT || entry.key !== key || !Array.isArray(entry.assets) || !Array.isArray(entry.lab?.lessons)) return undefined;
	const assetsDir = path.resolve(dir, '..', 'assets');
	for (const asset of entry.assets) {
		try {
			if (!statSync(path.join(assetsDir, asset)).isFile()) return undefined;
		} catch {
			return undefined;
		}
	}
	return {
		...entry.lab,
		lessons: entry.lab.lessons.map((lesson) => ({...lesson, file: path.join(dir, lesson.file)})),
		lessonsDir: dir,
		assetsDir,
	};
}

/** Best effort: a lab home that cannot be written to only makes the next start slower. */
function writeEntry(file: string, key: string, lab: Lab): void {
	const assets = new Set<string>();
	for (const lesson of lab.lessons) for (const step of lesson.steps) for (const asset of step.files ?? []) assets.add(path.normalize(asset));
	const {lessonsDir: _lessonsDir, assetsDir: _assetsDir, ...portable} = lab;
	const entry: CacheEntry = {
		format: FORMAT,
		key,
		assets: [...assets].sort(),
		lab: {...portable, lessons: lab.lessons.map((lesson) => ({...lesson, file: path.relative(lab.lessonsDir, lesson.file)}))},
	};
	// A value JSON cannot carry as it is (Infinity, a Date…) would come back different: keep no entry then.
	if (!survivesJson(entry)) return;
	const text = JSON.stringify(entry);
	try {
		// Private like the rest of the lab home (0700 directories, 0600 files), whatever the umask.
		mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
		chmodSync(path.dirname(file), 0o700);
		writeFileAtomic(file, text, {mode: 0o600, durable: false});
	} catch {
		// ignored: see above
	}
}

/** Whether JSON gives the value back as it is (a field set to undefined comes back absent, which reads the same). */
function survivesJson(value: unknown): boolean {
	if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
	if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
	if (Array.isArray(value)) return value.every((item) => item !== undefined && survivesJson(item));
	if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
		return Object.values(value).every((item) => item === undefined || survivesJson(item));
	}
	return false;
}

let bundleId: string | undefined;
/** In the bundle: a hash of the file this code was bundled into. Chunk file names carry a hash of their content and
 * of the chunks they import, so the hash changes with any change to the loader, the schema or the check specs. */
function bundleCodeId(): string | undefined {
	if (typeof __VERSION__ !== 'string') return undefined;
	try {
		bundleId ??= `${__VERSION__}:${createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex')}`;
		return bundleId;
	} catch {
		return undefined;
	}
}
