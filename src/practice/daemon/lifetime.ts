// When the practice daemon stops by itself: its practice directory is gone (the lab home was deleted,
// e.g. a test's temp home), or nobody has used it for a long time (no request, no open stream).
import fs from 'node:fs';

export const IDLE_EXIT_ENV = 'CILIUM_LAB_PRACTICE_IDLE_EXIT_SECONDS';
/** Generous: a learner may leave a lesson open over lunch or overnight and come back to the same daemon. */
export const DEFAULT_IDLE_EXIT_SECONDS = 12 * 60 * 60;
const HOME_CHECK_INTERVAL_MS = 3_000;

/** The idle period in ms, or undefined for "never" (0). A bad value is the user's mistake: say which and why. */
export function parseIdleExit(value: string | undefined): number | undefined {
	if (value === undefined || value.trim() === '') return DEFAULT_IDLE_EXIT_SECONDS * 1000;
	const text = value.trim();
	if (!/^\d+(\.\d+)?$/.test(text)) throw new Error(`${IDLE_EXIT_ENV}="${value}" is not a number of seconds (use 0 to never stop when idle; default ${DEFAULT_IDLE_EXIT_SECONDS})`);
	const seconds = Number(text);
	return seconds === 0 ? undefined : seconds * 1000;
}

/** Counts requests and streams in flight; idle time runs only while none is open. */
export function createActivity(now: () => number = Date.now) {
	let open = 0;
	let lastActive = now();
	return {
		/** Call when a request or stream starts; call the returned function (once) when it ends. */
		begin(): () => void {
			open++;
			lastActive = now();
			let ended = false;
			return () => {
				if (ended) return;
				ended = true;
				open--;
				lastActive = now();
			};
		},
		idleMs: () => (open > 0 ? 0 : now() - lastActive),
		open: () => open,
	};
}
export type Activity = ReturnType<typeof createActivity>;

/** The directory's identity: a directory deleted and made again at the same path is another home. */
function identity(dir: string): string | undefined {
	const stat = fs.statSync(dir, {throwIfNoEntry: false});
	return stat?.isDirectory() ? `${stat.dev}:${stat.ino}` : undefined;
}

export function watchLifetime(options: {
	practiceDir: string;
	activity: Activity;
	idleExitMs: number | undefined;
	onExit: (reason: 'gone' | 'idle', detail: string) => void;
}): () => void {
	const {practiceDir, activity, idleExitMs, onExit} = options;
	const original = identity(practiceDir);
	// Checks often enough for a short idle period (tests), never more often than 4 times a second.
	const interval = Math.max(250, Math.min(HOME_CHECK_INTERVAL_MS, idleExitMs === undefined ? HOME_CHECK_INTERVAL_MS : idleExitMs / 4));
	const timer = setInterval(() => {
		const now = identity(practiceDir);
		if (now !== original) {
			clearInterval(timer);
			onExit('gone', now === undefined ? `${practiceDir} no longer exists` : `${practiceDir} was replaced by another directory`);
			return;
		}
		if (idleExitMs !== undefined && activity.idleMs() >= idleExitMs) {
			clearInterval(timer);
			onExit('idle', `no request or open stream for ${Math.round(activity.idleMs() / 1000)} s (${IDLE_EXIT_ENV}=${idleExitMs / 1000})`);
		}
	}, interval);
	timer.unref();
	return () => clearInterval(timer);
}
