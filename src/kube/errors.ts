// Turning client-node's failures into messages a learner can act on.
import {msg, type MessageKey} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';

export interface KubeProblem {
	message: string;
	hint?: string;
	/** The API server could not be reached or refused us: nothing else will work either. */
	unreachable: boolean;
	/** The HTTP status, when the server answered. */
	status?: number;
}

const CONNECTION_CODES: Record<string, MessageKey> = {
	ECONNREFUSED: 'kube.connection.ECONNREFUSED',
	ENOTFOUND: 'kube.connection.ENOTFOUND',
	EAI_AGAIN: 'kube.connection.EAI_AGAIN',
	ETIMEDOUT: 'kube.connection.ETIMEDOUT',
	ECONNRESET: 'kube.connection.ECONNRESET',
	EHOSTUNREACH: 'kube.connection.EHOSTUNREACH',
	ENETUNREACH: 'kube.connection.ENETUNREACH',
	UND_ERR_CONNECT_TIMEOUT: 'kube.connection.ETIMEDOUT',
};

const TLS_CODES = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']);

function errorCode(error: unknown): string | undefined {
	for (let current = error as {code?: unknown; cause?: unknown} | undefined, depth = 0; current && depth < 5; current = current.cause as typeof current, depth++) {
		if (typeof current.code === 'string') return current.code;
	}
	return undefined;
}

/** The status of an ApiException (client-node 1.4), or of a Status body an exec returned. */
function httpStatus(error: unknown): number | undefined {
	const code = (error as {code?: unknown})?.code;
	return typeof code === 'number' ? code : undefined;
}

function statusMessage(error: unknown): string | undefined {
	let body = (error as {body?: unknown})?.body;
	if (typeof body === 'string') {
		const text = body;
		try {
			body = JSON.parse(text);
		} catch {
			return text.trim() || undefined;
		}
	}
	const message = (body as {message?: unknown})?.message;
	return typeof message === 'string' ? message : undefined;
}

export function describeKubeError(error: unknown, lang: Lang, server?: string): KubeProblem {
	const status = httpStatus(error);
	const said = statusMessage(error);
	if (status === 401) {
		return {
			status,
			unreachable: true,
			message: server ? msg(lang, 'kube.unauthorized-at', {server}) : msg(lang, 'kube.unauthorized'),
			hint: msg(lang, 'kube.hint-credentials'),
		};
	}
	if (status === 403) {
		return {
			status,
			unreachable: false,
			message: msg(lang, 'kube.forbidden') + (said ? `: ${said}` : ''),
			hint: msg(lang, 'kube.hint-rbac'),
		};
	}
	if (status === 404) {
		return {status, unreachable: false, message: msg(lang, 'kube.not-found') + (said ? `: ${said}` : '')};
	}
	if (status !== undefined) {
		return {status, unreachable: status === 502 || status === 503 || status === 504, message: msg(lang, 'kube.server-error', {status}) + (said ? `: ${said}` : '')};
	}
	const code = errorCode(error);
	const connectionProblem = code === undefined ? undefined : CONNECTION_CODES[code];
	if (connectionProblem) {
		const reason = msg(lang, connectionProblem);
		return {
			unreachable: true,
			message: server ? msg(lang, 'kube.unreachable-at', {server, reason}) : msg(lang, 'kube.unreachable', {reason}),
			hint: msg(lang, 'kube.hint-unreachable'),
		};
	}
	if (code && TLS_CODES.has(code)) {
		return {
			unreachable: true,
			message: server ? msg(lang, 'kube.untrusted-at', {server, code}) : msg(lang, 'kube.untrusted', {code}),
			hint: msg(lang, 'kube.hint-untrusted'),
		};
	}
	const message = error instanceof Error ? error.message : String(error);
	return {unreachable: /ECONNREFUSED|socket hang up|connect /i.test(message), message};
}
