// What the runner reports about a command it ran.
export type RunOutcome = (
	| {kind: 'exited'; exitCode: number; durationMs: number; /** Set when a signal from outside ended the command (exitCode is then 128 + its number, as a shell shows it). */ signal?: string}
	| {kind: 'cancelled'; durationMs: number}
	| {kind: 'timedOut'; timeoutMs: number; durationMs: number}
	| {kind: 'failedToStart'; message: string; durationMs: number}
) & {
	/** The full output of the command, when the caller asked for a log file. */
	logFile?: string;
	/** Why the log file lacks part of the output: the errno code (ENOSPC on a full disk; see describeErrno). The output itself went on. */
	logIncomplete?: string;
};

export interface OutputLine {
	/**
	 * `output` is stdout and stderr sharing one pipe, which keeps their lines in the order they were written
	 * (two separate pipes reorder lines that come fast; see src/run/runner.ts).
	 */
	stream: 'stdout' | 'stderr' | 'output';
	text: string;
}

/** A background job as the JobManager (src/run/jobs.ts) reports it. */
export interface JobInfo {
	id: number;
	name: string;
	/** The shell text it runs. */
	command: string;
	pid: number | undefined;
	since: Date;
	lastLine: string | undefined;
	logFile: string | undefined;
	/** Set once it ended (stopped, or exited by itself). */
	outcome: RunOutcome | undefined;
}

export interface StartJobOptions {
	name: string;
	script: string;
	env: Record<string, string>;
	cwd?: string;
	logFile?: string;
}
