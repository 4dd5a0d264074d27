// Errors the learner can act on carry an exit code and, where useful, what to try.
export const EXIT = {ok: 0, user: 1, failed: 2, unreachable: 3, cancelled: 130} as const;

export class LabError extends Error {
	constructor(
		message: string,
		readonly exitCode: number,
		readonly tryHint?: string,
	) {
		super(message);
		this.name = new.target.name;
	}
}

/** Bad input: a flag, a lesson file, a variable value. Exit 1. */
export class UserError extends LabError {
	constructor(message: string, tryHint?: string) {
		super(message, EXIT.user, tryHint);
	}
}

/** The cluster cannot be reached or is not configured. Exit 3. */
export class ClusterError extends LabError {
	constructor(message: string, tryHint?: string) {
		super(message, EXIT.unreachable, tryHint);
	}
}
