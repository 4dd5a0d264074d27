import {Text, useStdout} from 'ink';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import {color} from '../theme.js';
import {inlineMarkdown, wrapText} from '../layout.js';
import {Rows, type Row} from './Rows.js';
import {useT, type Translate} from '../i18n.js';
import {formatDuration, lines} from '../format.js';
import {useElapsed} from '../hooks/use-elapsed.js';
import type {CheckSpec} from '../../lab/types.js';
import type {CheckRow} from '../../session/types.js';

/** What a check looks for, in the learner's words, before it has reported: "command exits 0 and prints 'v1.'". */
export function describeCheck(spec: CheckSpec, t: Translate): string {
	const p = spec as Record<string, unknown>;
	const text = (name: string) => (typeof p[name] === 'string' ? (p[name] as string) : typeof p[name] === 'number' ? String(p[name]) : '');
	const target = text('pod') || text('selector');
	const expectOutput = () =>
		p.output !== undefined
			? t('check.describe.prints', {code: text('exitCode') || '0', pattern: readablePattern(text('output'))})
			: t('check.describe.exits', {code: text('exitCode') || '0'});
	switch (spec.kind) {
		case 'clusterReachable':
			return t('check.describe.clusterReachable');
		case 'nodes':
			return t('check.describe.nodes', {
				count: text('count') || (p.minCount !== undefined ? `${text('minCount')}+` : t('check.describe.nodes-all')),
				ready: p.ready === false ? ' NotReady' : ' Ready',
			});
		case 'rollout':
			return t('check.describe.rollout', {kind: text('resourceKind'), namespace: text('namespace'), name: text('name')});
		case 'crds': {
			const names = Array.isArray(p.names) ? (p.names as string[]) : [];
			return t('check.describe.crds', {names: names.length > 2 ? `${names.slice(0, 2).join(', ')} +${names.length - 2}` : names.join(', ')});
		}
		case 'resource':
			return t(p.state === 'absent' ? 'check.describe.resource-absent' : 'check.describe.resource-present', {
				kind: text('resourceKind'),
				name: [text('namespace'), text('name') || text('selector')].filter(Boolean).join('/'),
			});
		case 'podReady':
			return t('check.describe.podReady', {namespace: text('namespace'), selector: text('selector')});
		case 'podExec':
			return t('check.describe.podExec', {
				pod: `${text('namespace')}/${target}`,
				command: Array.isArray(p.command) ? (p.command as string[]).join(' ') : '',
				expect: expectOutput(),
			});
		case 'egress':
			return t(`check.describe.egress-${text('expect') as 'allowed' | 'blocked' | 'dnsRefused'}`, {pod: `${text('namespace')}/${target}`, url: text('url')});
		case 'hubbleFlows':
			return t('check.describe.hubbleFlows', {
				verdict: text('verdict'),
				to: p.to !== undefined || p.port !== undefined ? t('check.describe.to', {to: [text('to'), text('port')].filter(Boolean).join(':')}) : '',
			});
		case 'httpGet':
			return t('check.describe.httpGet', {url: text('url'), status: text('status') || '200'});
		case 'command':
			return t('check.describe.command', {expect: expectOutput()});
		default:
			return spec.kind;
	}
}

/**
 * A regular expression as text a person reads. A plain text with escaped punctuation reads as that text, anchors
 * dropped ("^Client Version: v1\." → "Client Version: v1."); a real pattern shows as written ("^Succeeded\s*$"),
 * since undoing its escapes would change what it says ("Succeededs*").
 */
export function readablePattern(pattern: string): string {
	const body = pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
	const literal = !/\\[A-Za-z0-9]/.test(body) && !/(?<!\\)[*+?()[\]{}|^$]/.test(body);
	return literal ? body.replace(/\\(.)/g, '$1') : pattern;
}

const DETAIL_MAX_LINES = 4;
const DETAIL_ROWS_PER_LINE = 4;
const DETAIL_MAX_ROWS = 8;
/** A failed check's detail starts this far in from the check list's left edge. */
export const DETAIL_INDENT = 2;

/**
 * A failed check's detail ("expected: … /regex/", "seen: …") as screen rows of at most `width` columns: each line
 * wrapped at word boundaries (a long word broken), at most 4 rows a line and 8 in all, a cut row ending in "…".
 */
export function detailRows(detail: string, width: number): string[] {
	const columns = Math.max(10, width);
	const rows: string[] = [];
	for (const line of lines(detail).slice(0, DETAIL_MAX_LINES)) {
		const room = Math.min(DETAIL_ROWS_PER_LINE, DETAIL_MAX_ROWS - rows.length);
		if (room <= 0) break;
		const wrapped = stringWidth(line) <= columns ? [line] : wrapAnsi(line, columns, {hard: true, trim: false}).split('\n').map((row, index) => (index === 0 ? row.trimEnd() : row.trim()));
		if (wrapped.length <= room) {
			rows.push(...wrapped);
			continue;
		}
		const kept = wrapped.slice(0, room);
		const last = kept[room - 1]!;
		kept[room - 1] = `${stringWidth(last) < columns ? last : [...last].slice(0, -1).join('')}…`;
		rows.push(...kept);
	}
	return rows;
}

export interface ChecksPolling {
	startedAt: string;
	timeoutSec: number;
	/** Why the step's command did not succeed, when it did not: the checks are still given their chance. */
	afterFailedRun?: {kind: 'exit'; code: number} | {kind: 'timeout'};
}

/**
 * The checks as screen rows of at most `width` columns (without the heading): a note when the command failed before
 * them, each check's summary (wrapped, its first row marked ✔ ✘ ○ or a spinner), a failed check's detail and hint.
 */
export function checkRows(rows: readonly CheckRow[], polling: ChecksPolling | undefined, width: number, t: Translate): Row[] {
	const out: Row[] = [];
	if (polling?.afterFailedRun) {
		const note = polling.afterFailedRun.kind === 'exit' ? t('checks.after-exit', {code: polling.afterFailedRun.code}) : t('checks.after-timeout');
		out.push(...wrapText(note, width).map((text): Row => ({text, tone: 'warn'})));
	}
	const indent = ' '.repeat(DETAIL_INDENT);
	for (const row of rows) {
		const summary = `${row.result?.summary ?? describeCheck(row.spec, t)}${row.state === 'pending' ? ` (${t('checks.pending')})` : ''}`;
		wrapText(summary, width - DETAIL_INDENT).forEach((text, index) => {
			out.push(index === 0 ? {text, mark: row.state, tone: row.state === 'pending' ? 'muted' : undefined} : {text: indent + text, tone: row.state === 'pending' ? 'muted' : undefined});
		});
		if (row.state !== 'failed') continue;
		if (row.result?.detail) out.push(...detailRows(row.result.detail, width - DETAIL_INDENT).map((text): Row => ({text: indent + text, tone: 'muted'})));
		if (row.result?.hint) out.push(...wrapText(t('checks.hint', {text: inlineMarkdown(row.result.hint)}), width - DETAIL_INDENT).map((text): Row => ({text: indent + text, tone: 'warn'})));
	}
	return out;
}

/** `width`: the columns the list has (the terminal's when not given); every row fits it. */
export function CheckList({rows, polling, width}: {rows: readonly CheckRow[]; polling?: ChecksPolling; width?: number}) {
	const t = useT();
	const {stdout} = useStdout();
	if (rows.length === 0) return null;
	const columns = width ?? (stdout.columns || 80);
	return (
		<Rows
			rows={[{text: t('checks.title'), bold: true}, ...checkRows(rows, polling, columns, t)]}
			trailer={polling && <PollingClock polling={polling} />}
		/>
	);
}

export function PollingClock({polling}: {polling: ChecksPolling}) {
	const t = useT();
	const elapsed = useElapsed(polling.startedAt, true, 1000);
	const seconds = Math.min(elapsed, polling.timeoutSec * 1000);
	return (
		<Text color={color('running')}>
			{t('checks.polling', {elapsed: `${Math.floor(seconds / 1000)}s`, deadline: polling.timeoutSec <= 300 ? `${polling.timeoutSec}s` : formatDuration(polling.timeoutSec * 1000)})}
		</Text>
	);
}
