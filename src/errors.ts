// Errors the learner can act on carry an exit code and, where useful, what to try.
import {msg} from './lab/i18n.js';
import type {Lang} from './lab/types.js';

export const EXIT = {ok: 0, user: 1, failed: 2, unreachable: 3, environment: 74, cancelled: 130} as const;

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

/** The machine refuses: a lab home that cannot be written (permissions, read-only, full). Exit 74. */
export class EnvironmentError extends LabError {
	constructor(message: string, tryHint?: string) {
		super(message, EXIT.environment, tryHint);
	}
}

/** Error codes of the machine, not of the lab: they are reported in a sentence, never with a stack trace. */
export const ENVIRONMENT_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EIO']);

/** "permission denied", "read-only file system", "no space left on the device"… for an errno code, in English or Korean. */
export function describeErrno(code: string | undefined, lang: Lang = 'en'): string {
	switch (code) {
		case 'EACCES':
		case 'EPERM':
			return msg(lang, 'errno.permission');
		case 'EROFS':
			return msg(lang, 'errno.read-only');
		case 'ENOSPC':
			return msg(lang, 'errno.no-space');
		case 'EDQUOT':
			return msg(lang, 'errno.quota');
		case 'EMFILE':
		case 'ENFILE':
			return msg(lang, 'errno.too-many-files');
		case 'EIO':
			return msg(lang, 'errno.io');
		default:
			return code ?? msg(lang, 'errno.unknown');
	}
}
