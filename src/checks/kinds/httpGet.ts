// A local URL (a port-forward, the Hubble UI) answers with a status and, optionally, some text.
import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {say} from '../logic.js';

const REQUEST_TIMEOUT_MS = 5000;

export async function run(params: CheckParams<'httpGet'>, ctx: CheckContext): Promise<CheckResult> {
	const wantedStatus = params.status ?? 200;
	const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
	let response: Response;
	try {
		response = await fetch(params.url, {signal, redirect: 'manual'});
	} catch (error) {
		const cause = errorCode(error) ?? ((error as {cause?: Error}).cause?.message || (error as Error).message);
		const reason = cause === 'ECONNREFUSED' ? say(ctx.lang, 'connection refused', '연결 거부됨') : cause === 'TimeoutError' ? say(ctx.lang, `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`, `${REQUEST_TIMEOUT_MS / 1000}초 안에 응답 없음`) : cause;
		return {
			ok: false,
			summary: `${params.url}: ${reason}`,
			hint: say(ctx.lang, 'is the port-forward (or the local server) still running? background jobs are listed in the status bar', 'port-forward(또는 로컬 서버)가 아직 실행 중인가요? 백그라운드 작업은 상태 표시줄에 나옵니다'),
		};
	}
	const body = await response.text().catch(() => '');
	const statusOk = response.status === wantedStatus;
	const containsOk = params.contains === undefined || body.includes(params.contains);
	const summary = `${params.url}: ${response.status}${params.contains !== undefined ? (containsOk ? say(ctx.lang, `, contains "${params.contains}"`, `, "${params.contains}" 포함`) : say(ctx.lang, `, without "${params.contains}"`, `, "${params.contains}" 없음`)) : ''}`;
	const detail = say(ctx.lang, `expected: ${wantedStatus}${params.contains !== undefined ? ` with "${params.contains}"` : ''}\nseen: ${response.status}, ${body.length} bytes`, `기대: ${wantedStatus}${params.contains !== undefined ? `, "${params.contains}" 포함` : ''}\n실제: ${response.status}, ${body.length}바이트`);
	if (statusOk && containsOk) return {ok: true, summary, detail};
	return {ok: false, summary, detail, hint: say(ctx.lang, `open it yourself: \`curl -i ${params.url}\``, `직접 열어 보세요: \`curl -i ${params.url}\``)};
}

/** fetch wraps the socket's error: TypeError → cause (sometimes an AggregateError of both address families). */
function errorCode(error: unknown): string | undefined {
	let current = error as {code?: unknown; cause?: unknown; errors?: unknown[]} | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string') return current.code;
		current = (current.cause ?? current.errors?.[0]) as typeof current;
	}
	return undefined;
}
