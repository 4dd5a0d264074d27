import {useEffect, useMemo} from 'react';
import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import {color, glyph, type ColorToken} from '../theme.js';
import {useT, type Translate} from '../i18n.js';
import {formatDuration, lines} from '../format.js';
import {useMarkdown} from '../hooks/use-markdown.js';
import {allocateRows, clip, inlineMarkdown, truncateRow, wrapCommand, wrapText} from '../layout.js';
import {PollingClock, checkRows, type ChecksPolling} from './CheckList.js';
import {Rows, type Row} from './Rows.js';
import {OutputPane, outputChrome} from './OutputPane.js';
import type {Lang, Step, StepEffect} from '../../lab/types.js';
import type {StepState, StepStatus} from '../../session/types.js';
import type {OutputLine} from '../../run/types.js';
import type {CompletionSummary} from '../summary.js';

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
	/** Shown under the checks once the lesson (or the whole course) is complete. */
	summary?: {lesson?: CompletionSummary & {title: string}; course?: CompletionSummary & {lessons: number; track: string}; nextLesson?: boolean};
	/** First body line shown. */
	scroll: number;
	/** Reports how far the body can scroll, so the caller can clamp. */
	onScrollRange?: (maxScroll: number) => void;
	/** Reports whether any region is cut to fit (the full view `f` then has more to show). */
	onClipped?: (clipped: boolean) => void;
	width: number;
	/** Rows the view may use; it never draws more. */
	height: number;
}

/** Caps on what a region takes from the body on a tall terminal; the full view (f) shows everything. */
const COMMAND_MAX_ROWS = 6;
const OUTPUT_MAX_ROWS = 12;
const EXPLAIN_MAX_ROWS = 8;
const BODY_MIN_ROWS = 4;

const statusColor: Record<StepStatus, ColorToken> = {
	locked: 'muted',
	ready: 'accent',
	running: 'running',
	checking: 'running',
	done: 'ok',
	solved: 'ok',
	failed: 'fail',
	stale: 'warn',
};

/**
 * The step: title, body (scrolls with ↑/↓), the stale note, the command, its output, the checks, `policy explain`,
 * hints and, at the end of a lesson, its summary. Every region gets a row budget from `allocateRows`, so the view is
 * never taller than `height`; a region cut to its budget says how much more the full view (f) has.
 */
export function StepView(props: StepViewProps) {
	const {lessonTitle, step, index, count, state, lang, files, output, explain, checking, summary, scroll, onScrollRange, onClipped, width, height} = props;
	const t = useT();
	const document = useMemo(() => {
		const parts = [step.body[lang]];
		for (const file of files) parts.push(fencedFile(file.name, file.content));
		return parts.join('\n\n');
	}, [step, lang, files]);
	const bodyWidth = Math.max(20, width - 2);
	const rendered = useMarkdown(document, bodyWidth);
	const bodyLines = useMemo(() => lines(rendered).flatMap((line) => (stringWidth(line) <= bodyWidth ? [line] : wrapText(line, bodyWidth))), [rendered, bodyWidth]);

	const regions = stepRegions({step, state, lang, t, width, output, explain, checking, summary});
	const outputWidth = Math.max(10, width - 4);
	const outputNatural = state.run ? outputChrome(state.run, output.lines, output.total, OUTPUT_MAX_ROWS, outputWidth) : undefined;

	const sizes = allocateRows(height - 1, [
		{id: 'stale', min: 1, want: regions.stale.length},
		// Asked for with e: before the checks' detail, the command and the output, which the learner has already seen.
		{id: 'explain', min: Math.min(2, regions.explain.length), want: Math.min(regions.explain.length, 1 + EXPLAIN_MAX_ROWS)},
		{id: 'checks', min: Math.min(regions.checks.length, 1 + Math.min(4, state.checks.length)), want: regions.checks.length},
		{id: 'summary', min: Math.min(2, regions.summary.length), want: regions.summary.length},
		{id: 'command', min: step.effects ? 3 : 2, want: Math.min(regions.command.length, (step.effects ? 2 : 1) + COMMAND_MAX_ROWS)},
		{id: 'output', min: state.run ? 4 : 0, want: outputNatural?.rows ?? 0},
		{id: 'hints', min: Math.min(1, regions.hints.length), want: regions.hints.length},
		{id: 'body', min: BODY_MIN_ROWS, want: bodyLines.length},
	]);
	const more = (hidden: number): Row => ({text: t('layout.more-rows', {count: hidden}), tone: 'muted'});
	const shown = {
		stale: clip(regions.stale, sizes.stale!, more),
		checks: clipChecks(regions.checks, sizes.checks!, more),
		command: clip(regions.command, sizes.command!, more),
		summary: clip(regions.summary, sizes.summary!, more),
		explain: clip(regions.explain, sizes.explain!, more),
		hints: clip(regions.hints, sizes.hints!, more),
	};
	const outputRows = sizes.output!;

	// The body: what is left, its last row saying how much is below when it does not fit.
	const bodyRoom = sizes.body!;
	const bodyFits = bodyLines.length <= bodyRoom;
	const bodyShown = bodyFits ? bodyRoom : Math.max(1, bodyRoom - 1);
	const maxScroll = bodyFits ? 0 : Math.max(0, bodyLines.length - bodyShown);
	useEffect(() => onScrollRange?.(maxScroll), [maxScroll, onScrollRange]);
	const first = Math.min(scroll, maxScroll);
	const below = bodyLines.length - (first + bodyShown);

	const clipped =
		shown.checks.length < regions.checks.length ||
		shown.command.length < regions.command.length ||
		shown.explain.length < regions.explain.length ||
		shown.hints.length < regions.hints.length ||
		(state.run !== undefined && (outputRows < (outputNatural?.rows ?? 0) || (outputNatural?.cut ?? false)));
	useEffect(() => onClipped?.(clipped), [clipped, onClipped]);

	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Box columnGap={1} height={1}>
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
			{bodyRoom > 0 && (
				<Box flexDirection="column" height={bodyRoom} overflow="hidden">
					{bodyLines.slice(first, first + bodyShown).map((line, offset) => (
						<Text key={first + offset} wrap="truncate-end">
							{line || ' '}
						</Text>
					))}
					{below > 0 && <Text color={color('muted')}>{t('step.more-below', {percent: Math.round(((first + bodyShown) / bodyLines.length) * 100)})}</Text>}
				</Box>
			)}
			<Rows rows={shown.stale} />
			<Rows rows={shown.command} />
			{state.run && outputRows > 0 && (
				<OutputPane run={state.run} lines={output.lines} totalLines={output.total} rows={outputRows} width={outputWidth} />
			)}
			<Rows rows={shown.checks} trailer={regions.polling && <PollingClock polling={regions.polling} />} />
			<Rows rows={shown.explain} />
			<Rows rows={shown.hints} />
			<Rows rows={shown.summary} />
		</Box>
	);
}

interface RegionInput {
	step: Step;
	state: StepState;
	lang: Lang;
	t: Translate;
	width: number;
	output?: StepViewProps['output'];
	explain?: StepViewProps['explain'];
	checking?: StepViewProps['checking'];
	summary?: StepViewProps['summary'];
}

/** `⚠ costly · irreversible`: what a step does beyond the lab, as its badge says it. */
export function effectBadge(effects: readonly StepEffect[], t: Translate): string {
	return `⚠ ${effects.map((effect) => t(`effect.${effect}`)).join(' · ')}`;
}

/** Every region's rows at their full length: the step view clips them to budgets, the full view shows them all. */
export function stepRegions({step, state, lang, t, width, explain, checking, summary}: RegionInput) {
	const stale: Row[] =
		state.status === 'stale' && state.failure?.kind === 'stale' ? wrapText(t('step.stale', {reason: state.failure.reason}), width).map((text) => ({text, tone: 'warn'})) : [];

	const note = step.mode === 'background' ? t('step.mode-background') : step.mode === 'interactive' ? t('step.mode-interactive') : undefined;
	const badge: Row[] = step.effects ? [{text: truncateRow(effectBadge(step.effects, t), width), tone: 'warn', bold: true}] : [];
	const command: Row[] = step.run
		? [
				...badge,
				{text: truncateRow(note ? `${t('step.command')} (${note})` : t('step.command'), width), bold: true},
				...wrapCommand(step.run, width).map((text): Row => ({text, tone: 'code'})),
			]
		: [{text: truncateRow(t(state.status === 'done' ? 'step.no-command-read' : 'step.no-command'), width), tone: 'muted'}];

	const polling = pollingOf(state, checking);
	const checks: Row[] = state.checks.length > 0 ? [{text: t('checks.title'), bold: true}, ...checkRows(state.checks, polling, width, t)] : [];

	const explainLines = explain === undefined ? [] : explain === 'loading' ? [t('explain.loading')] : explain;
	const explainRows: Row[] =
		explain === undefined
			? []
			: [
					{text: truncateRow(t('explain.title'), width), bold: true},
					...explainLines.flatMap((line) =>
						(line.startsWith('$ ') ? wrapCommand(line.slice(2), width) : wrapText(line, width, {hang: 2})).map((text): Row => ({text, tone: 'muted'})),
					),
				];

	const revealed = step.hints.slice(0, state.hintsRevealed);
	const hints: Row[] = revealed.flatMap((hint, index) => {
		const title = t('hints.title', {index: index + 1, total: step.hints.length});
		return wrapText(`${title} ${inlineMarkdown(hint[lang].trim())}`, width, {hang: 2}).map((text, row): Row => ({text, tone: row === 0 ? 'warn' : undefined}));
	});

	const summaryRows: Row[] = [];
	const stats = (s: CompletionSummary) =>
		t('summary.stats', {steps: s.steps, done: s.done, solved: s.solved, hints: s.hints, time: formatDuration(s.durationMs)});
	if (summary?.lesson) {
		summaryRows.push(...wrapText(t('summary.lesson', {title: summary.lesson.title}), width).map((text): Row => ({text, tone: 'ok', bold: true})));
		summaryRows.push(...wrapText(stats(summary.lesson), width, {hang: 2}).map((text): Row => ({text})));
		if (summary.nextLesson && !summary.course) summaryRows.push(...wrapText(t('summary.next-lesson'), width).map((text): Row => ({text, tone: 'muted'})));
	}
	if (summary?.course) {
		summaryRows.push(
			...wrapText(t('summary.course', {lessons: summary.course.lessons, track: summary.course.track}), width).map((text): Row => ({text, tone: 'ok', bold: true})),
		);
		summaryRows.push(...wrapText(stats(summary.course), width, {hang: 2}).map((text): Row => ({text})));
	}
	return {stale, command, checks, polling, explain: explainRows, hints, summary: summaryRows};
}

/**
 * The checks cut to `budget` rows: the heading and every check's first row come first, then as much of the failed
 * checks' detail as fits, then the row saying how much more the full view has.
 */
function clipChecks(rows: readonly Row[], budget: number, more: (hidden: number) => Row): Row[] {
	if (rows.length <= budget) return [...rows];
	if (budget <= 0) return [];
	const heading = rows[0]!;
	const leads = rows.slice(1).filter((row) => row.mark !== undefined);
	if (1 + leads.length + 1 > budget) return clip([heading, ...leads], budget, (hidden) => more(hidden + rows.length - 1 - leads.length));
	let room = budget - 2 - leads.length;
	const kept: Row[] = [heading];
	for (const row of rows.slice(1)) {
		if (row.mark !== undefined) kept.push(row);
		else if (room > 0) {
			kept.push(row);
			room -= 1;
		}
	}
	return [...kept, more(rows.length - kept.length)];
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

/** A fenced block for a file shown under a step body (yaml for manifests). */
export function fencedFile(name: string, content: string): string {
	const language = /\.ya?ml$/i.test(name) ? 'yaml' : /\.(sh|bash)$/i.test(name) ? 'bash' : /\.json$/i.test(name) ? 'json' : '';
	const fence = content.includes('```') ? '~~~~' : '```';
	return `**${name}**\n\n${fence}${language}\n${content.trimEnd()}\n${fence}\n`;
}
