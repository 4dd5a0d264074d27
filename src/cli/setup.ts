// What every command starts from: the lab (validated), the progress file, the language, the track and
// the variables. Problems the learner can fix become UserErrors with every detail; nothing here touches a cluster.
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {UserError} from '../errors.js';
import {labHome} from '../home.js';
import {langFromEnv} from '../lab/i18n.js';
import {didYouMean} from '../lab/suggest.js';
import type {Lab, Lang, TrackId} from '../lab/types.js';
import {resolveVariables} from '../lab/variables.js';
import {loadProgress, ProgressStore, type Progress} from '../progress/store.js';
import type {CliArgs} from './args.js';

/** The lessons that ship with the app: <package>/lessons, found from this file (src/cli/, dist/ or dist/chunks/). */
export function defaultLessonsDir(): string {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (let depth = 0; depth < 4; depth++) {
		if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'lessons');
		dir = path.dirname(dir);
	}
	return path.resolve('lessons');
}

export interface Setup {
	lab: Lab;
	home: string;
	lang: Lang;
	/** --track, else the saved track; undefined when neither (the TUI asks; headless commands use the first track). */
	track?: TrackId;
	variables: Record<string, string>;
	progress?: Progress;
	store: ProgressStore;
	/** Things to tell the learner before anything else (a progress file moved aside, a stored value ignored). */
	warnings: string[];
}

/** The lab's home and lessons directory, to load the lab from (src/lab/cache.ts) before calling setup. */
export function labLocation(args: CliArgs, env: Record<string, string | undefined> = process.env): {home: string; lessonsDir: string} {
	return {home: labHome(env as NodeJS.ProcessEnv), lessonsDir: args.lessons ?? defaultLessonsDir()};
}

/** `lab` is the validated lab of labLocation(args).lessonsDir. */
export async function setup(args: CliArgs, lab: Lab, env: Record<string, string | undefined> = process.env): Promise<Setup> {
	const home = labHome(env as NodeJS.ProcessEnv);
	const warnings: string[] = [];
	const loaded = await loadProgress(home);
	if (loaded.notice) warnings.push(loaded.notice);
	const progress = loaded.progress;

	let track: TrackId | undefined;
	if (args.track !== undefined) {
		const known = lab.tracks.map((candidate) => candidate.id as string);
		if (!known.includes(args.track)) {
			throw new UserError(`--track ${args.track}: no such track${didYouMean(args.track, known)}; the lab's tracks are ${known.join(', ')}`);
		}
		track = args.track as TrackId;
	} else if (progress?.track && lab.tracks.some((candidate) => candidate.id === progress.track)) {
		track = progress.track;
	}

	const resolved = resolveVariables(lab, {stored: progress?.variables, set: args.set});
	const refused = resolved.errors.filter((error) => error.startsWith('--set'));
	if (refused.length > 0) throw new UserError(refused.join('\n'));
	warnings.push(...resolved.errors.filter((error) => !error.startsWith('--set')));

	return {
		lab,
		home,
		lang: args.lang ?? progress?.lang ?? langFromEnv(env),
		track,
		variables: resolved.values,
		progress,
		store: new ProgressStore(home, progress),
		warnings,
	};
}

export function trackOrFirst(setupResult: Setup): TrackId {
	return setupResult.track ?? setupResult.lab.tracks[0]!.id;
}
