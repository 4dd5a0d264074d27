// Errors the learner can act on carry an exit code and, where useful, what to try.
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
export function describeErrno(code: string | undefined, lang: 'en' | 'ko' = 'en'): string {
	const ko = lang === 'ko';
	switch (code) {
		case 'EACCES':
		case 'EPERM':
			return ko ? '권한이 없습니다' : 'permission denied';
		case 'EROFS':
			return ko ? '읽기 전용 파일 시스템' : 'read-only file system';
		case 'ENOSPC':
			return ko ? '디스크에 남은 공간이 없습니다' : 'no space left on the device';
		case 'EDQUOT':
			return ko ? '디스크 할당량을 넘었습니다' : 'disk quota exceeded';
		case 'EMFILE':
		case 'ENFILE':
			return ko ? '열린 파일이 너무 많습니다' : 'too many open files';
		case 'EIO':
			return ko ? '입출력 오류' : 'input/output error';
		default:
			return code ?? (ko ? '알 수 없는 오류' : 'unknown error');
	}
}
