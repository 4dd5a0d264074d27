// Errors the learner can act on carry an exit code and, where useful, what to try.
import {msg, type MessageKey} from './lab/i18n.js';
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

const ERRNO_WORDS: Record<string, MessageKey> = {
	EACCES: 'errno.permission',
	EPERM: 'errno.permission',
	EROFS: 'errno.read-only',
	ENOSPC: 'errno.no-space',
	EDQUOT: 'errno.quota',
	EMFILE: 'errno.too-many-files',
	ENFILE: 'errno.too-many-files',
	EIO: 'errno.io',
};

/** "permission denied", "read-only file system", "no space left on the device"… for an errno code, in English or Korean. */
export function describeErrno(code: string | undefined, lang: Lang = 'en'): string {
	return describeErrnoWith(code, (key) => msg(lang, key));
}

/** describeErrno through a translator of the catalogue's words (the TUI's). */
export function describeErrnoWith(code: string | undefined, translate: (key: MessageKey) => string): string {
	const key = code === undefined ? undefined : ERRNO_WORDS[code];
	return key ? translate(key) : (code ?? translate('errno.unknown'));
}
