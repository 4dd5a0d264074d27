// A local URL (a port-forward, the Hubble UI) answers with a status and, optionally, some text.
import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {msg} from '../../lab/i18n.js';

const REQUEST_TIMEOUT_MS = 5000;

export async function run(params: CheckParams<'httpGet'>, ctx: CheckContext): Promise<CheckResult> {
	const wantedStatus = params.status ?? 200;
	const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
	let response: Response;
	try {
		response = await fetch(params.url, {signal, redirect: 'manual'});
	} catch (error) {
		const cause = errorCode(error) ?? ((error as {cause?: Error}).cause?.message || (error as Error).message);
		const reason =
			cause === 'ECONNREFUSED' ? msg(ctx.lang, 'check.httpGet.refused') : cause === 'TimeoutError' ? msg(ctx.lang, 'check.httpGet.no-answer', {seconds: REQUEST_TIMEOUT_MS / 1000}) : cause;
		return {ok: false, summary: `${params.url}: ${reason}`, hint: msg(ctx.lang, 'check.httpGet.hint-unreachable')};
	}
	const body = await response.text().catch(() => '');
	const statusOk = response.status === wantedStatus;
	const containsOk = params.contains === undefined || body.includes(params.contains);
	const contents = params.contains === undefined ? '' : `, ${msg(ctx.lang, containsOk ? 'check.httpGet.contains' : 'check.httpGet.lacks', {text: params.contains})}`;
	const summary = `${params.url}: ${response.status}${contents}`;
	const expected = params.contains === undefined ? String(wantedStatus) : msg(ctx.lang, 'check.httpGet.expected-with', {status: wantedStatus, text: params.contains});
	const detail = [msg(ctx.lang, 'checks.expected', {text: expected}), msg(ctx.lang, 'checks.seen', {text: msg(ctx.lang, 'check.httpGet.seen', {status: response.status, bytes: body.length})})].join('\n');
	if (statusOk && containsOk) return {ok: true, summary, detail};
	return {ok: false, summary, detail, hint: msg(ctx.lang, 'check.httpGet.hint', {url: params.url})};
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
