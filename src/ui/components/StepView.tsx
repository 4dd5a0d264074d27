import {useEffect, useMemo} from 'react';
import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import {color, glyph} from '../theme.js';
import {useT} from '../i18n.js';
import {lines} from '../format.js';
import {useMarkdown} from '../hooks/use-markdown.js';
import {CheckList, DETAIL_INDENT, describeCheck, detailRows, type ChecksPolling} from './CheckList.js';
import {Hints} from './Hints.js';
import {OutputPane, layoutOutput} from './OutputPane.js';
import type {Lang, Step} from '../../lab/types.js';
import type {StepState, StepStatus} from '../../session/types.js';
import type {OutputLine} from '../../run/types.js';

export interface StepViewProps {
	lessonTitle: string;
	step: Step;
	index: number;
	count: number;
	state: StepState;
	lang: Lang;
	/** Asset files named in the step's `files`, with their content. */
	files: ReadonlyArray<{name: string; content: string}>;
	output: {lines: readonly OutputLine[]; total: number};
	/** `policy explain` for the step's egress checks: its lines, or 'loading'. */
	explain?: readonly string[] | 'loading';
	/** The checks are polling: since when, and for how long they may. */
	checking?: {startedAt: string; timeoutSec: number};
	/** First body line shown. */
	scroll: number;
	/** Reports how far the body can scroll, so the caller can clamp. */
	onScrollRange?: (maxScroll: number) => void;
	width: number;
	height: number;
}

const COMMAND_MAX_LINES = 6;
const OUTPUT_MAX_LINES = 12;
const BODY_MIN_LINES = 4;
const EXPLAIN_MAX_LINES = 8;

const statusColor: Record<StepStatus, Parameters<typeof color>[0]> = {
	locked: 'muted',
	ready: 'accent',
	running: 'running',
	checking: 'running',
	done: 'ok',
	solved: 'ok',
	failed: 'fail',
	stale: 'warn',
};

/** Rows `text` takes when Ink wraps it at word boundaries. */
function wrappedHeight(text: string, width: number): number {
	return lines(text).reduce((sum, line) => sum + (stringWidth(line) <= width ? 1 : wrapAnsi(line, Math.max(1, width), {hard: true, trim: false}).split('\n').length), 0);
}

export function StepView(props: StepViewProps) {
	const {lessonTitle, step, index, count, state, lang, files, output, explain, checking, scroll, onScrollRange, width, height} = props;
	const t = useT();
	const document = useMemo(() => {
		const parts = [step.body[lang]];
		for (const file of files) parts.push(fencedFile(file.name, file.content));
		return parts.join('\n\n');
	}, [step, lang, files]);
	const bodyWidth = Math.max(20, width - 2);
	const rendered = useMarkdown(document, bodyWidth);
	const bodyLines = useMemo(() => lines(rendered).flatMap((line) => wrapLine(line, bodyWidth)), [rendered, bodyWidth]);

	const commandLines = step.run ? lines(step.run) : [];
	const commandShown = commandLines.slice(0, COMMAND_MAX_LINES);
	const commandHeight = step.run ? 1 + commandShown.length + (commandLines.length > COMMAND_MAX_LINES ? 1 : 0) : 1;
	const failedDetail = state.checks.reduce(
		(sum, row) => sum + (row.state === 'failed' ? (row.result?.detail ? detailRows(row.result.detail, width - DETAIL_INDENT).length : 0) + (row.result?.hint ? 1 : 0) : 0),
		0,
	);
	const polling = pollingOf(state, checking);
	const pollingNote = polling?.afterFailedRun
		? polling.afterFailedRun.kind === 'exit'
			? t('checks.after-exit', {code: polling.afterFailedRun.code})
			: t('checks.after-timeout')
		: undefined;
	const checkRows = state.checks.reduce(
		(sum, row) => sum + wrappedHeight(`${row.result?.summary ?? describeCheck(row.spec, t)}${row.state === 'pending' ? ` (${t('checks.pending')})` : ''}`, width - 2),
		0,
	);
	const checksHeight = state.checks.length > 0 ? 1 + checkRows + failedDetail + (pollingNote ? wrappedHeight(pollingNote, width) : 0) : 0;
	const hintsHeight = step.hints
		.slice(0, state.hintsRevealed)
		.reduce((sum, hint) => sum + wrappedHeight(`hint 1/1 ${hint[lang].trim()}`, width), 0);
	const staleHeight = state.status === 'stale' ? 1 : 0;
	const explainLines = explain === undefined ? [] : explain === 'loading' ? [t('explain.loading')] : explain;
	const explainHeight = explain === undefined ? 0 : 1 + Math.min(EXPLAIN_MAX_LINES, explainLines.length);
	const fixed = 1 + commandHeight + checksHeight + hintsHeight + staleHeight + explainHeight;
	const outputWidth = Math.max(10, width - 4); // border and padding
	let outputChrome = state.run ? 3 + (state.run.logFile ? 1 : 0) : 0;
	// The pane grows with the output up to its cap; the body keeps the rest.
	let outputRoom = Math.max(1, Math.min(OUTPUT_MAX_LINES, height - fixed - outputChrome - BODY_MIN_LINES));
	let outputLayout = layoutOutput(output.lines, outputRoom, outputWidth);
	if (state.run && outputLayout.shown < output.total) {
		// "… N lines above" takes a row too.
		outputChrome += 1;
		outputRoom = Math.max(1, outputRoom - 1);
		outputLayout = layoutOutput(output.lines, outputRoom, outputWidth);
	}
	const outputLines = state.run ? Math.max(1, outputLayout.rows.length) : 0;
	const bodyHeight = Math.max(BODY_MIN_LINES - 1, height - fixed - (state.run ? outputChrome + outputLines : 0) - 1);

	const maxScroll = Math.max(0, bodyLines.length - bodyHeight);
	useEffect(() => onScrollRange?.(maxScroll), [maxScroll, onScrollRange]);
	const first = Math.min(scroll, maxScroll);
	const more = bodyLines.length - (first + bodyHeight);

	return (
		<Box flexDirection="column" width={width}>
			<Box columnGap={1}>
				<Box flexShrink={1} flexGrow={1}>
					<Text bold wrap="truncate-end">
						{lessonTitle} {glyph.pointer} {step.title[lang]}
					</Text>
				</Box>
				<Box flexShrink={0}>
					<Text color={color('muted')}>{t('step.counter', {index: index + 1, total: count})}</Text>
				</Box>
				<Box flexShrink={0}>
					<Text color={color(statusColor[state.status])}>[{t(`step.status.${state.status}`)}]</Text>
				</Box>
			</Box>
			<Box flexDirection="column" height={bodyHeight + 1} overflow="hidden">
				{bodyLines.slice(first, first + bodyHeight).map((line, offset) => (
					<Text key={first + offset}>{line || ' '}</Text>
				))}
				{more > 0 && (
					<Text color={color('muted')}>
						{t('step.more-below', {percent: Math.round(((first + bodyHeight) / bodyLines.length) * 100)})}
					</Text>
				)}
			</Box>
			{state.status === 'stale' && state.failure?.kind === 'stale' && (
				<Text color={color('warn')}>{t('step.stale', {reason: state.failure.reason})}</Text>
			)}
			<CommandBlock step={step} shown={commandShown} hiddenCount={commandLines.length - commandShown.length} />
			{state.run && <OutputPane run={state.run} lines={output.lines} totalLines={output.total} height={outputLines} width={outputWidth} />}
			<CheckList rows={state.checks} polling={polling} width={width} />
			{explain !== undefined && (
				<Box flexDirection="column">
					<Text bold>{t('explain.title')}</Text>
					{explainLines.slice(0, EXPLAIN_MAX_LINES).map((line, offset) => (
						<Text key={offset} color={color('muted')} wrap="truncate-end">
							{line || ' '}
						</Text>
					))}
				</Box>
			)}
			<Hints hints={step.hints.map((hint) => hint[lang])} revealed={state.hintsRevealed} />
		</Box>
	);
}

/** The checks' clock while they poll, and whether the step's command failed before them. */
function pollingOf(state: StepState, checking: StepViewProps['checking']): ChecksPolling | undefined {
	if (state.status !== 'checking' || !checking) return undefined;
	const outcome = state.run?.outcome;
	const afterFailedRun =
		outcome?.kind === 'exited' && outcome.exitCode !== 0
			? ({kind: 'exit', code: outcome.exitCode} as const)
			: outcome?.kind === 'timedOut'
				? ({kind: 'timeout'} as const)
				: undefined;
	return {...checking, afterFailedRun};
}

function CommandBlock({step, shown, hiddenCount}: {step: Step; shown: string[]; hiddenCount: number}) {
	const t = useT();
	if (!step.run) return <Text color={color('muted')}>{t('step.no-command')}</Text>;
	const note =
		step.mode === 'background' ? t('step.mode-background') : step.mode === 'interactive' ? t('step.mode-interactive') : undefined;
	return (
		<Box flexDirection="column">
			<Text>
				<Text bold>{t('step.command')}</Text>
				{note && <Text color={color('muted')}> ({note})</Text>}
			</Text>
			{shown.map((line, index) => (
				<Text key={index} color={color('code')} wrap="truncate-end">
					{index === 0 ? '$ ' : '  '}
					{line}
				</Text>
			))}
			{hiddenCount > 0 && <Text color={color('muted')}>{t('step.command-more', {count: hiddenCount})}</Text>}
		</Box>
	);
}

/** A fenced block for a file shown under a step body (yaml for manifests). */
export function fencedFile(name: string, content: string): string {
	const language = /\.ya?ml$/i.test(name) ? 'yaml' : /\.(sh|bash)$/i.test(name) ? 'bash' : /\.json$/i.test(name) ? 'json' : '';
	const fence = content.includes('```') ? '~~~~' : '```';
	return `**${name}**\n\n${fence}${language}\n${content.trimEnd()}\n${fence}\n`;
}

/** Hard-wraps one rendered line (ANSI kept) so scrolling counts screen lines. */
function wrapLine(line: string, width: number): string[] {
	if (stringWidth(line) <= width) return [line];
	return wrapAnsiLine(line, width);
}

function wrapAnsiLine(line: string, width: number): string[] {
	return wrapAnsi(line, width, {hard: true, trim: false}).split('\n');
}
