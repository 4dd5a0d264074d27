// Hands the terminal to a command (e.g. `kubectl exec -it … -- sh`) and resolves when it exits.
// The caller unmounts or pauses Ink first (raw mode off, no rendering) and restores it afterwards.
import {execa} from 'execa';
import type {RunOutcome} from './types.js';

export interface RunInteractiveOptions {
	script: string;
	env: Record<string, string>;
	cwd?: string;
}

// Ctrl-C, Ctrl-\ and a terminal resize reach the whole foreground process group, this app included; while the
// command owns the terminal they are its business, so the app ignores them until it gets the terminal back.
const PASSED_ON = ['SIGINT', 'SIGQUIT'] as const;

export async function runInteractive(options: RunInteractiveOptions): Promise<RunOutcome> {
	const started = Date.now();
	const ignore = () => {};
	for (const signal of PASSED_ON) process.on(signal, ignore);
	const stdin = process.stdin;
	const wasRaw = stdin.isTTY ? stdin.isRaw : false;
	if (stdin.isTTY && wasRaw) stdin.setRawMode(false);
	try {
		const result = await execa('bash', ['-c', options.script], {
			env: options.env,
			extendEnv: false,
			cwd: options.cwd,
			stdio: 'inherit',
			reject: false,
		});
		const durationMs = Date.now() - started;
		if (typeof result.exitCode === 'number') return {kind: 'exited', exitCode: result.exitCode, durationMs};
		if (result.signal) {
			const number = (await import('node:os')).constants.signals[result.signal as NodeJS.Signals] ?? 0;
			return {kind: 'exited', exitCode: 128 + number, signal: result.signal, durationMs};
		}
		return {kind: 'failedToStart', message: (result.cause as Error | undefined)?.message ?? result.message ?? 'the command could not be started', durationMs};
	} finally {
		for (const signal of PASSED_ON) process.off(signal, ignore);
		if (stdin.isTTY && wasRaw) stdin.setRawMode(true);
	}
}
