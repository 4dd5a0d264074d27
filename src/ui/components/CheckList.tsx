import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import {color, glyph} from '../theme.js';
import {useT} from '../i18n.js';
import {formatDuration, lines} from '../format.js';
import {useElapsed} from '../hooks/use-elapsed.js';
import type {CheckSpec} from '../../lab/types.js';
import type {CheckRow} from '../../session/types.js';

/** A short name for a check before it has reported: "podReady demo app=client". */
export function describeCheck(spec: CheckSpec): string {
	const params = Object.entries(spec)
		.filter(([name, value]) => name !== 'kind' && name !== 'timeout' && (typeof value === 'string' || typeof value === 'number'))
		.map(([, value]) => String(value).split('\n')[0]);
	return [spec.kind, ...params].join(' ');
}

export interface ChecksPolling {
	startedAt: string;
	timeoutSec: number;
	/** Why the step's command did not succeed, when it did not: the checks are still given their chance. */
	afterFailedRun?: {kind: 'exit'; code: number} | {kind: 'timeout'};
}

export function CheckList({rows, polling}: {rows: readonly CheckRow[]; polling?: ChecksPolling}) {
	const t = useT();
	if (rows.length === 0) return null;
	return (
		<Box flexDirection="column">
			<Box columnGap={2}>
				<Text bold>{t('checks.title')}</Text>
				{polling && <PollingClock polling={polling} />}
			</Box>
			{polling?.afterFailedRun && (
				<Text color={color('warn')}>
					{polling.afterFailedRun.kind === 'exit' ? t('checks.after-exit', {code: polling.afterFailedRun.code}) : t('checks.after-timeout')}
				</Text>
			)}
			{rows.map((row, index) => (
				<CheckLine key={index} row={row} />
			))}
		</Box>
	);
}

function PollingClock({polling}: {polling: ChecksPolling}) {
	const t = useT();
	const elapsed = useElapsed(polling.startedAt, true, 1000);
	const seconds = Math.min(elapsed, polling.timeoutSec * 1000);
	return (
		<Text color={color('running')}>
			{t('checks.polling', {elapsed: `${Math.floor(seconds / 1000)}s`, deadline: polling.timeoutSec <= 300 ? `${polling.timeoutSec}s` : formatDuration(polling.timeoutSec * 1000)})}
		</Text>
	);
}

function CheckLine({row}: {row: CheckRow}) {
	const t = useT();
	const summary = row.result?.summary ?? describeCheck(row.spec);
	return (
		<Box flexDirection="column">
			<Box columnGap={1}>
				<StateGlyph row={row} />
				<Box flexShrink={1}>
					<Text wrap="truncate-end" color={row.state === 'pending' ? color('muted') : undefined}>
						{summary}
						{row.state === 'pending' && ` (${t('checks.pending')})`}
					</Text>
				</Box>
			</Box>
			{row.state === 'failed' && row.result?.detail && (
				<Box flexDirection="column" paddingLeft={2}>
					{lines(row.result.detail)
						.slice(0, 4)
						.map((line, index) => (
							<Text key={index} color={color('muted')} wrap="truncate-end">
								{line}
							</Text>
						))}
				</Box>
			)}
			{row.state === 'failed' && row.result?.hint && (
				<Box paddingLeft={2}>
					<Text color={color('warn')}>{t('checks.hint', {text: row.result.hint})}</Text>
				</Box>
			)}
		</Box>
	);
}

function StateGlyph({row}: {row: CheckRow}) {
	switch (row.state) {
		case 'pending':
			return <Text color={color('muted')}>{glyph.ready}</Text>;
		case 'running':
			return (
				<Text color={color('running')}>
					<Spinner type="dots" />
				</Text>
			);
		case 'passed':
			return (
				<Text color={color('ok')} aria-label="passed">
					{glyph.done}
				</Text>
			);
		case 'failed':
			return (
				<Text color={color('fail')} aria-label="failed">
					{glyph.failed}
				</Text>
			);
	}
}
