// Turning client-node's failures into messages a learner can act on.
import type {Lang} from '../lab/types.js';

export interface KubeProblem {
	message: string;
	hint?: string;
	/** The API server could not be reached or refused us: nothing else will work either. */
	unreachable: boolean;
	/** The HTTP status, when the server answered. */
	status?: number;
}

const CONNECTION_CODES: Record<string, {en: string; ko: string}> = {
	ECONNREFUSED: {en: 'connection refused', ko: '연결이 거부되었습니다'},
	ENOTFOUND: {en: 'host not found', ko: '호스트를 찾을 수 없습니다'},
	EAI_AGAIN: {en: 'host name lookup failed', ko: '호스트 이름을 확인하지 못했습니다'},
	ETIMEDOUT: {en: 'connection timed out', ko: '연결 시간이 초과되었습니다'},
	ECONNRESET: {en: 'connection reset', ko: '연결이 끊겼습니다'},
	EHOSTUNREACH: {en: 'host unreachable', ko: '호스트에 닿을 수 없습니다'},
	ENETUNREACH: {en: 'network unreachable', ko: '네트워크에 닿을 수 없습니다'},
	UND_ERR_CONNECT_TIMEOUT: {en: 'connection timed out', ko: '연결 시간이 초과되었습니다'},
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
	const at = server ? (lang === 'ko' ? ` (${server})` : ` at ${server}`) : '';
	const status = httpStatus(error);
	const said = statusMessage(error);
	if (status === 401) {
		return {
			status,
			unreachable: true,
			message: lang === 'ko' ? `클러스터${at}가 자격 증명을 거부했습니다 (401 Unauthorized)` : `the cluster${at} refused the credentials (401 Unauthorized)`,
			hint: lang === 'ko' ? '자격 증명을 다시 받으세요: `az aks get-credentials …` 또는 `cilium-lab practice start`' : 'fetch fresh credentials: `az aks get-credentials …`, or `cilium-lab practice start`',
		};
	}
	if (status === 403) {
		return {
			status,
			unreachable: false,
			message: (lang === 'ko' ? '권한이 없습니다 (403 Forbidden)' : 'not allowed (403 Forbidden)') + (said ? `: ${said}` : ''),
			hint: lang === 'ko' ? '이 kube 사용자에게 필요한 RBAC 권한이 있는지 확인하세요' : 'check that this kube user has the RBAC permissions the step needs',
		};
	}
	if (status === 404) {
		return {status, unreachable: false, message: (lang === 'ko' ? '찾을 수 없습니다 (404)' : 'not found (404)') + (said ? `: ${said}` : '')};
	}
	if (status !== undefined) {
		return {status, unreachable: status === 502 || status === 503 || status === 504, message: `${lang === 'ko' ? 'API 서버 오류' : 'API server error'} ${status}${said ? `: ${said}` : ''}`};
	}
	const code = errorCode(error);
	if (code && CONNECTION_CODES[code]) {
		return {
			unreachable: true,
			message: lang === 'ko' ? `클러스터에 연결할 수 없습니다${at}: ${CONNECTION_CODES[code].ko}` : `cannot reach the cluster${at}: ${CONNECTION_CODES[code].en}`,
			hint: lang === 'ko' ? '클러스터가 실행 중인지, kube 컨텍스트가 맞는지 확인하세요 (`kubectl cluster-info`)' : 'check that the cluster runs and the kube context is the right one (`kubectl cluster-info`)',
		};
	}
	if (code && TLS_CODES.has(code)) {
		return {
			unreachable: true,
			message: lang === 'ko' ? `클러스터${at}의 인증서를 신뢰할 수 없습니다 (${code})` : `the cluster's certificate${at} is not trusted (${code})`,
			hint: lang === 'ko' ? 'kubeconfig의 certificate-authority-data가 이 클러스터의 것인지 확인하세요' : "check that the kubeconfig's certificate-authority-data belongs to this cluster",
		};
	}
	const message = error instanceof Error ? error.message : String(error);
	return {unreachable: /ECONNREFUSED|socket hang up|connect /i.test(message), message};
}
