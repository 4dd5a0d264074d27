import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import wrapAnsi from 'wrap-ansi';
import {color} from '../theme.js';
import {useT} from '../i18n.js';
import {formatDuration} from '../format.js';
import {useElapsed} from '../hooks/use-elapsed.js';
import type {OutputLine} from '../../run/types.js';
import type {StepRun} from '../../session/types.js';

export interface OutputPaneProps {
	run: StepRun;
	/** The last lines (already bounded by the runner's tail). */
	lines: readonly OutputLine[];
	/** How many lines the command printed in all. */
	totalLines: number;
	/** Lines of output the pane may show. */
	height: number;
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
		const wraps = index >= lines.length - WRAPPED_TAIL || line.stream === 'stderr' || ERROR_LINE.test(line.text);
		const pieces = wraps && line.text.length > width ? wrapAnsi(line.text, Math.max(10, width), {hard: true}).split('\n') : [line.text];
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

export function OutputPane({run, lines, totalLines, height, width = 76}: OutputPaneProps) {
	const t = useT();
	const live = !run.outcome;
	const elapsed = useElapsed(run.startedAt, live);
	const {rows, shown} = layoutOutput(lines, Math.max(1, height), width);
	const hidden = totalLines - shown;
	return (
		<Box flexDirection="column" borderStyle="single" borderColor={color('muted')} paddingX={1}>
			<Box columnGap={1}>
				{live && (
					<Text color={color('running')}>
						<Spinner type="dots" />
					</Text>
				)}
				<RunStatus run={run} elapsed={elapsed} />
			</Box>
			{hidden > 0 && <Text color={color('muted')}>{t('output.hidden-lines', {count: hidden})}</Text>}
			{rows.length === 0 && !live && <Text color={color('muted')}>{t('output.empty')}</Text>}
			{rows.map((line, index) => (
				<Text key={index} wrap="truncate-end" color={line.stream === 'stderr' ? color('warn') : undefined}>
					{line.text || ' '}
				</Text>
			))}
			{run.logFile && (
				<Text color={color('muted')} wrap="truncate-middle">
					{t('output.log', {path: run.logFile})}
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
