// Small helpers every simulated tool uses to talk to its ProgramIO.
import type {ProgramIO} from '../types.js';

export interface Out {
	out(text?: string): void;
	err(text?: string): void;
	io: ProgramIO;
}

export function lines(io: ProgramIO): Out {
	return {
		out: (text = '') => io.stdout.write(`${text}\n`),
		err: (text = '') => io.stderr.write(`${text}\n`),
		io,
	};
}

/** Reads one line the user typed (for confirmation prompts); undefined when stdin ends first. */
export async function readLine(io: ProgramIO): Promise<string | undefined> {
	if (!io.stdin) return undefined;
	let buffer = '';
	for await (const chunk of io.stdin) {
		buffer += chunk;
		const newline = buffer.search(/\r|\n/);
		if (newline >= 0) return buffer.slice(0, newline);
	}
	return buffer === '' ? undefined : buffer;
}

export function notSimulated(io: ProgramIO, tool: string, command: string): number {
	io.stderr.write(`${tool}: '${command}' is not simulated by the cilium-lab practice cluster\n`);
	return 2;
}

/**
 * Polls `check` every `intervalMs` of simulated time until it is true or `timeoutMs` of simulated
 * time has passed. Counts intervals rather than reading the clock, so `instant` speed (where sleeping
 * takes no time) still gives the controllers a few real milliseconds between checks.
 */
export async function pollUntil(
	clock: {sleep(ms: number, signal?: AbortSignal): Promise<void>; speed: string},
	signal: AbortSignal,
	timeoutMs: number,
	intervalMs: number,
	check: () => boolean,
): Promise<boolean> {
	const attempts = Math.max(1, Math.ceil(timeoutMs / intervalMs));
	for (let attempt = 0; attempt < attempts; attempt++) {
		if (check()) return true;
		await clock.sleep(intervalMs, signal);
		if (clock.speed === 'instant') await new Promise(resolve => setTimeout(resolve, 25));
	}
	return check();
}
