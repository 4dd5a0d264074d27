import {readFileSync, statSync, openSync, readSync, closeSync} from 'node:fs';
import {useEffect, useMemo} from 'react';
import {Box, Text} from 'ink';
import {color} from '../theme.js';
import {useT, type Translate} from '../i18n.js';
import {truncateRow, wrapText} from '../layout.js';
import {stepRegions, type StepViewProps} from './StepView.js';
import {Rows, type Row} from './Rows.js';
import type {OutputLine} from '../../run/types.js';

export type FullViewProps = Pick<StepViewProps, 'step' | 'state' | 'lang' | 'output' | 'explain' | 'checking' | 'width' | 'height'> & {
	/** First row shown. */
	scroll: number;
	onScrollRange?: (maxScroll: number) => void;
	/** Changes while the command prints: the log file is read again. */
	outputVersion?: number;
};

/** The part of a log file read at most; a longer log shows its end, and says so. */
const LOG_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Everything about the step in one scrollable page (f): the whole command, the whole output read from the step's
 * log file, every check with its detail, `policy explain`, the hints revealed. Nothing is cut but a row wider than
 * the terminal, which wraps.
 */
export function FullView({step, state, lang, output, explain, checking, width, height, scroll, onScrollRange, outputVersion}: FullViewProps) {
	const t = useT();
	const logFile = state.run?.logFile;
	const log = useMemo(() => (logFile ? readLog(logFile) : undefined), [logFile, outputVersion]);
	const regions = stepRegions({step, state, lang, t, width, output, explain, checking});
	const document: Row[] = [
		...regions.command,
		blank,
		...outputRows(t, width, logFile, log, output.lines, state.run !== undefined),
		...(regions.checks.length > 0 ? [blank, ...regions.checks] : []),
		...(regions.explain.length > 0 ? [blank, ...regions.explain] : []),
		...(regions.hints.length > 0 ? [blank, {text: t('full.hints'), bold: true}, ...regions.hints] : []),
	];
	const room = Math.max(1, height - 1);
	const maxScroll = Math.max(0, document.length - room);
	useEffect(() => onScrollRange?.(maxScroll), [maxScroll, onScrollRange]);
	const first = Math.min(scroll, maxScroll);
	const shown = document.slice(first, first + room);
	const position = t('full.position', {first: first + 1, last: first + shown.length, total: document.length});
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Box columnGap={2} height={1}>
				<Box flexShrink={1} flexGrow={1}>
					<Text bold color={color('accent')} wrap="truncate-end">
						{t('full.title', {step: step.title[lang]})}
					</Text>
				</Box>
				<Box flexShrink={0}>
					<Text color={color('muted')}>{position}</Text>
				</Box>
			</Box>
			<Rows rows={shown} />
		</Box>
	);
}

const blank: Row = {text: ''};

function outputRows(t: Translate, width: number, logFile: string | undefined, log: ReturnType<typeof readLog> | undefined, tail: readonly OutputLine[], ran: boolean): Row[] {
	if (!ran) return [{text: t('output.title'), bold: true}, {text: t('full.no-output'), tone: 'muted'}];
	const heading: Row = {text: truncateRow(logFile ? t('full.output', {path: logFile}) : t('full.output-tail'), width), bold: true};
	const rows: Row[] = [heading];
	if (log && 'error' in log) rows.push(...wrapText(t('full.log-unreadable', {error: log.error}), width).map((text): Row => ({text, tone: 'warn'})));
	if (log && 'cut' in log && log.cut > 0) rows.push({text: t('full.log-cut', {size: formatBytes(log.cut)}), tone: 'muted'});
	const lines = log && 'text' in log ? log.text.replace(/\n$/, '').split('\n') : tail.map((line) => line.text);
	for (const line of lines) rows.push(...wrapText(line, width).map((text): Row => ({text})));
	if (lines.length === 0 || (lines.length === 1 && lines[0] === '')) rows.push({text: t('output.empty'), tone: 'muted'});
	return rows;
}

/** The log file's text (its end when it is larger than LOG_MAX_BYTES), or why it could not be read. */
export function readLog(file: string): {text: string; cut: number} | {error: string} {
	try {
		const size = statSync(file).size;
		if (size <= LOG_MAX_BYTES) return {text: readFileSync(file, 'utf8'), cut: 0};
		const buffer = Buffer.alloc(LOG_MAX_BYTES);
		const fd = openSync(file, 'r');
		try {
			readSync(fd, buffer, 0, LOG_MAX_BYTES, size - LOG_MAX_BYTES);
		} finally {
			closeSync(fd);
		}
		const text = buffer.toString('utf8');
		return {text: text.slice(text.indexOf('\n') + 1), cut: size - LOG_MAX_BYTES};
	} catch (error) {
		return {error: error instanceof Error ? error.message : String(error)};
	}
}

function formatBytes(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
