// What the runner reports about a command it ran.
export type RunOutcome =
	| {kind: 'exited'; exitCode: number; durationMs: number}
	| {kind: 'cancelled'; durationMs: number}
	| {kind: 'timedOut'; timeoutMs: number; durationMs: number}
	| {kind: 'failedToStart'; message: string; durationMs: number};

export interface OutputLine {
	stream: 'stdout' | 'stderr';
	text: string;
}
