// Why a step last failed, kept for `cilium-lab report`: a headless `run` (a CI's track test) and the TUI record the
// failing step's one-line reason and its command's log file in <home>/failures.json (0600); the JUnit report puts the
// reason in the failure's message and the log's tail in its text. Local only: nothing here leaves the machine.
import fs from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from '../atomic-write.js';
import {msg} from '../lab/i18n.js';
import type {Lang, Step} from '../lab/types.js';
import type {StepDriver} from '../session/driver.js';
import {findLesson} from '../session/gating.js';
import type {SessionState, StepFailure} from '../session/types.js';

export const FAILURES_FILE = 'failures.json';
/** The most failures kept (the oldest go first). */
const MAX_RECORDS = 200;
/** How much of a log's end is read for its tail. */
const TAIL_BYTES = 16 * 1024;

export interface FailureRecord {
	at: string;
	reason: string;
	logFile?: string;
}

export function readFailures(home: string): Record<string, FailureRecord> {
	try {
		const data = JSON.parse(fs.readFileSync(path.join(home, FAILURES_FILE), 'utf8')) as unknown;
		if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
		const out: Record<string, FailureRecord> = {};
		for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
			const record = value as Partial<FailureRecord>;
			if (typeof record?.at === 'string' && typeof record.reason === 'string') out[key] = {at: record.at, reason: record.reason, ...(typeof record.logFile === 'string' ? {logFile: record.logFile} : {})};
		}
		return out;
	} catch {
		return {};
	}
}

/** Records a step's failure ("lesson/step"); a home that cannot be written loses it quietly (the run says why it failed). */
export function recordFailure(home: string, step: string, record: FailureRecord): void {
	try {
		const all = readFailures(home);
		delete all[step];
		all[step] = record;
		const kept = Object.entries(all).slice(-MAX_RECORDS);
		writeFileAtomic(path.join(home, FAILURES_FILE), `${JSON.stringify(Object.fromEntries(kept), null, 2)}\n`, {mode: 0o600, durable: false});
	} catch {
		// the report then says only that the step is not complete
	}
}

/** The last `lines` non-empty lines of a log file, or undefined when it cannot be read. */
export function logTail(file: string, lines = 20): string[] | undefined {
	let fd: number | undefined;
	try {
		fd = fs.openSync(file, 'r');
		const size = fs.fstatSync(fd).size;
		const length = Math.min(size, TAIL_BYTES);
		const buffer = Buffer.alloc(length);
		fs.readSync(fd, buffer, 0, length, size - length);
		const text = buffer.toString('utf8');
		// A cut at the start of the window may leave half a line: dropped when the window is not the whole file.
		const all = text.split(/\r?\n/);
		if (length < size) all.shift();
		return all.filter((line) => line.trim() !== '').slice(-lines);
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) fs.closeSync(fd);
	}
}

/** The condition that failed, in one line: the first failing check's summary, or how the command ended. */
export function stepFailureReason(lang: Lang, step: Step, state: SessionState, lessonId: string): string {
	const stepState = state.lessons[lessonId]!.steps[step.id]!;
	const failure = stepState.failure;
	if (failure?.kind === 'checks') {
		const failed = failure.failed.map((index) => `${step.expect[index]!.kind}: ${stepState.checks[index]?.result?.summary ?? '?'}`).join('; ');
		return failure.cause ? `${failed} (${msg(lang, 'driver.cannotPass', {line: failure.cause})})` : failed;
	}
	if (failure?.kind === 'exit') return msg(lang, 'run.exitReason', {code: failure.exitCode});
	if (failure?.kind === 'timedOut') return msg(lang, 'run.timeoutReason', {seconds: Math.round(failure.timeoutMs / 1000)});
	if (failure?.kind === 'failedToStart') return failure.message;
	return stepState.status;
}

/** Records each failure of a step as the TUI's driver reports it (headless `run` records its own, with skips). */
export function followFailures(driver: StepDriver, home: string): () => void {
	const recorded = new Map<string, StepFailure>();
	return driver.subscribe((event) => {
		if (event.type !== 'session') return;
		const {lessonId, stepId} = event.event as {lessonId?: string; stepId?: string};
		if (lessonId === undefined || stepId === undefined) return;
		const stepState = event.state.lessons[lessonId]?.steps[stepId];
		const ref = `${lessonId}/${stepId}`;
		if (stepState?.status !== 'failed' || !stepState.failure || recorded.get(ref) === stepState.failure) return;
		const step = findLesson(event.state, lessonId)?.steps.find((candidate) => candidate.id === stepId);
		if (!step) return;
		recorded.set(ref, stepState.failure);
		const logFile = stepState.run?.logFile;
		recordFailure(home, ref, {at: new Date().toISOString(), reason: stepFailureReason(event.state.lang, step, event.state, lessonId), ...(logFile ? {logFile} : {})});
	});
}
