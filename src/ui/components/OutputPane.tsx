import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import {expandTabs} from '../layout.js';
import {color} from '../theme.js';
import {useT} from '../i18n.js';
import {formatDuration} from '../format.js';
import {describeErrnoWith} from '../../errors.js';
import {useElapsed} from '../hooks/use-elapsed.js';
import type {OutputLine} from '../../run/types.js';
import type {StepRun} from '../../session/types.js';

export interface OutputPaneProps {
	run: StepRun;
	/** The last lines (already bounded by the runner's tail). */
	lines: readonly OutputLine[];
	/** How many lines the command printed in all. */
	totalLines: number;
	/** Lines of output the pane may show (when `rows` is not given). */
	height?: number;
	/** Rows of the whole pane, borders included: it never draws more (the log line goes first when short). */
	rows?: number;
	/** Columns inside the pane (its border and padding excluded); long lines are cut or wrapped to it. */
	width?: number;
}

/** The final lines always wrap: the one that says what went wrong or what to do is usually among them. */
const WRAPPED_TAIL = 3;
const ERROR_LINE = /\b(error|fatal|failed|failure|denied|refused|forbidden|cannot|unable|not found|invalid)\b|^E\d{4}/i;

export interface OutputRow {
	text: string;
	stream: OutputLine['stream'];
}

/**
 * The rows the pane shows, from the end of the output: the last lines and any error-looking line wrap at `width`,
 * earlier lines are cut to one row so the pane stays bounded. `shown` counts output lines, not rows.
 */
export function layoutOutput(lines: readonly OutputLine[], height: number, width: number): {rows: OutputRow[]; shown: number} {
	const rows: OutputRow[] = [];
	let shown = 0;
	for (let index = lines.length - 1; index >= 0 && rows.length < height; index -= 1) {
		const line = lines[index]!;
		const text = expandTabs(line.text);
		const wraps = index >= lines.length - WRAPPED_TAIL || line.stream === 'stderr' || ERROR_LINE.test(text);
		const pieces = wraps && stringWidth(text) > width ? wrapAnsi(text, Math.max(10, width), {hard: true}).split('\n') : [text];
		if (rows.length + pieces.length > height) {
			// The newest line alone is taller than the pane: show its end, where the advice usually is.
			if (rows.length === 0) {
				rows.push(...pieces.slice(-height).map((text) => ({text, stream: line.stream})));
				shown += 1;
			}
			break;
		}
		rows.unshift(...pieces.map((text) => ({text, stream: line.stream})));
		shown += 1;
	}
	return {rows, shown};
}

/**
 * The rows the pane would take with at most `maxLines` rows of output (borders, status, the "lines above" note and
 * the log line included), and whether output is left out or cut (the full view has all of it).
 */
export function outputChrome(run: StepRun, lines: readonly OutputLine[], totalLines: number, maxLines: number, width: number): {rows: number; cut: boolean} {
	const {rows, shown} = layoutOutput(lines, maxLines, width);
	const empty = rows.length === 0 && run.outcome !== undefined ? 1 : 0;
	const hidden = totalLines > shown ? 1 : 0;
	const cut = hidden > 0 || rows.some((row) => stringWidth(row.text) > width);
	return {rows: 2 + 1 + (run.logFile ? 1 : 0) + Math.max(rows.length, empty) + hidden, cut};
}

/** Output rows and whether the log line fits, for a pane of `rows` rows in all. */
function fitPane(lines: readonly OutputLine[], totalLines: number, rows: number, width: number, logFile: boolean) {
	let log = logFile;
	const inner = Math.max(1, rows - 3); // borders and the status line
	let room = inner - (log ? 1 : 0);
	if (room < 1 && log) {
		log = false;
		room = inner;
	}
	let layout = layoutOutput(lines, room, width);
	if (totalLines > layout.shown && room > 1) {
		room -= 1; // "… N lines above"
		layout = layoutOutput(lines, room, width);
	} else if (totalLines > layout.shown && log) {
		log = false;
		layout = layoutOutput(lines, room, width);
	}
	const showHidden = totalLines > layout.shown && layout.rows.length + 1 <= inner - (log ? 1 : 0);
	return {layout, log, showHidden};
}

export function OutputPane({run, lines, totalLines, height, rows: paneRows, width = 76}: OutputPaneProps) {
	const t = useT();
	const live = !run.outcome;
	const elapsed = useElapsed(run.startedAt, live);
	const fitted = paneRows !== undefined ? fitPane(lines, totalLines, paneRows, width, Boolean(run.logFile)) : undefined;
	const {rows, shown} = fitted?.layout ?? layoutOutput(lines, Math.max(1, height ?? 12), width);
	const hidden = totalLines - shown;
	const showLog = fitted ? fitted.log : Boolean(run.logFile);
	const showHidden = fitted ? fitted.showHidden : hidden > 0;
	// A full disk cut the log short: the hidden lines are not all in it, and the log line says so.
	const incomplete = run.outcome?.logIncomplete ? describeErrnoWith(run.outcome.logIncomplete, t) : undefined;
	const showEmpty = rows.length === 0 && !live && (!fitted || paneRows! - 3 - (showLog ? 1 : 0) >= 1);
	return (
		<Box flexDirection="column" borderStyle="single" borderColor={color('muted')} paddingX={1} height={paneRows} overflow="hidden" flexShrink={0}>
			<Box columnGap={1} height={1} overflow="hidden">
				{live && (
					<Text color={color('running')}>
						<Spinner type="dots" />
					</Text>
				)}
				<RunStatus run={run} elapsed={elapsed} />
			</Box>
			{showHidden && (
				<Text color={color(incomplete ? 'warn' : 'muted')}>{incomplete ? t('output.hidden-lines-incomplete', {count: hidden, reason: incomplete}) : t('output.hidden-lines', {count: hidden})}</Text>
			)}
			{showEmpty && <Text color={color('muted')}>{t('output.empty')}</Text>}
			{rows.map((line, index) => (
				<Text key={index} wrap="truncate-end" color={line.stream === 'stderr' ? color('warn') : undefined}>
					{line.text || ' '}
				</Text>
			))}
			{showLog && run.logFile && (
				<Text color={color(incomplete ? 'warn' : 'muted')} wrap="truncate-middle">
					{incomplete ? t('output.log-incomplete', {path: run.logFile, reason: incomplete}) : t('output.log', {path: run.logFile})}
				</Text>
			)}
		</Box>
	);
}

function RunStatus({run, elapsed}: {run: StepRun; elapsed: number}) {
	const t = useT();
	const outcome = run.outcome;
	if (!outcome) {
		const key = run.background ? 'output.background' : run.activity === 'solve' ? 'output.solving' : 'output.running';
		return <Text color={color('running')}>{t(key, {elapsed: formatDuration(elapsed)})}</Text>;
	}
	switch (outcome.kind) {
		case 'exited':
			return (
				<Text color={color(outcome.exitCode === 0 ? 'ok' : 'fail')}>
					{t('output.exited', {code: outcome.exitCode, duration: formatDuration(outcome.durationMs)})}
				</Text>
			);
		case 'cancelled':
			return <Text color={color('warn')}>{t('output.cancelled', {duration: formatDuration(outcome.durationMs)})}</Text>;
		case 'timedOut':
			return <Text color={color('fail')}>{t('output.timed-out', {timeout: formatDuration(outcome.timeoutMs)})}</Text>;
		case 'failedToStart':
			return <Text color={color('fail')}>{t('output.failed-to-start', {message: outcome.message})}</Text>;
	}
}
