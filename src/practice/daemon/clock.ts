// Time in the practice cluster: long operations are compressed by the speed setting.
import type {SimClock} from '../types.js';

export type PracticeSpeed = SimClock['speed'];

/** fast: a 10-minute `az aks create` takes 6 seconds. */
const FACTOR: Record<PracticeSpeed, number> = {realtime: 1, fast: 0.01, instant: 0};

export function parseSpeed(value: string | undefined, fallback: PracticeSpeed = 'fast'): PracticeSpeed {
	if (value === undefined || value === '') return fallback;
	if (value === 'realtime' || value === 'fast' || value === 'instant') return value;
	throw new Error(`unknown practice speed "${value}": use realtime, fast or instant`);
}

export function createClock(speed: PracticeSpeed): SimClock {
	return {
		speed,
		now: () => Date.now(),
		sleep(ms, signal) {
			return new Promise<void>((resolve, reject) => {
				if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
				const scaled = ms * FACTOR[speed];
				if (scaled <= 0) return resolve();
				const timer = setTimeout(() => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				}, scaled);
				const onAbort = () => {
					clearTimeout(timer);
					reject(signal?.reason ?? new Error('aborted'));
				};
				signal?.addEventListener('abort', onAbort, {once: true});
			});
		},
	};
}
