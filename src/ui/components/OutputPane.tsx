import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
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
}

export function OutputPane({run, lines, totalLines, height}: OutputPaneProps) {
	const t = useT();
	const live = !run.outcome;
	const elapsed = useElapsed(run.startedAt, live);
	const shown = lines.slice(-Math.max(1, height));
	const hidden = totalLines - shown.length;
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
			{shown.length === 0 && !live && <Text color={color('muted')}>{t('output.empty')}</Text>}
			{shown.map((line, index) => (
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
