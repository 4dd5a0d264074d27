import {createContext, useContext, type FC} from 'react';
import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import {truncateRow} from '../layout.js';
import SelectInput from 'ink-select-input';
import {color, glyph} from '../theme.js';
import {useT} from '../i18n.js';

export type LessonRowState = 'done' | 'current' | 'open' | 'locked';

export interface LessonRow {
	id: string;
	/** NN of the lesson's file name (lessons/NN-name.yaml). */
	order: number;
	/** Completed steps whose state has gone. */
	stale?: number;
	title: string;
	state: LessonRowState;
	/** Why it is locked, already in words ("requires: dns-policy"). */
	lockedReason?: string;
	done: number;
	total: number;
}

export interface LessonListProps {
	rows: readonly LessonRow[];
	selected: number;
	labTitle: string;
	trackTitle: string;
	/** Rows that fit; the list scrolls to keep the selection visible. */
	height: number;
	/** Columns the list may use (the terminal's). */
	width: number;
}

/** Columns a row may use after the pointer: the rows cut their title and lock reason to it themselves. */
const RowWidth = createContext(80);

const rowGlyph: Record<LessonRowState, string> = {
	done: glyph.done,
	current: glyph.current,
	open: glyph.ready,
	locked: glyph.locked,
};

const rowColor = {done: 'ok', current: 'accent', open: undefined, locked: 'muted'} as const;

export function LessonList({rows, selected, labTitle, trackTitle, height, width}: LessonListProps) {
	const t = useT();
	const visible = Math.max(1, height - 2);
	const first = Math.min(Math.max(0, selected - visible + 1), Math.max(0, rows.length - visible));
	const shown = rows.slice(first, first + visible);
	return (
		<Box flexDirection="column">
			<Box columnGap={2}>
				<Box flexShrink={0}>
					<Text bold>{labTitle}</Text>
				</Box>
				<Text color={color('muted')} wrap="truncate-end">
					{t('lessons.track', {track: trackTitle})}
				</Text>
			</Box>
			<Text bold color={color('accent')}>
				{t('lessons.title')}
			</Text>
			<RowWidth.Provider value={Math.max(10, width - 2)}>
			<SelectInput<LessonRow>
				// The controller owns the selection (one key table): the list is drawn again from it, not from its own keys.
				key={`${first}:${selected}`}
				isFocused={false}
				items={shown.map((row) => ({key: row.id, label: row.title, value: row}))}
				initialIndex={selected - first}
				indicatorComponent={Pointer}
				itemComponent={LessonItem as ItemComponent}
			/>
			</RowWidth.Provider>
		</Box>
	);
}

type ItemComponent = FC<{isSelected?: boolean; label: string}>;

/** The selection pointer, ink-select-input's indicator. */
export function Pointer({isSelected}: {isSelected?: boolean}) {
	return <Text color={color('selected')}>{isSelected ? glyph.pointer : ' '} </Text>;
}

/**
 * The title and the lock reason share what the glyph, the step count and the stale note leave: the title keeps at
 * least half of it (or its whole width when shorter), the reason the rest, each cut with truncateRow. Cut by Ink's
 * flex boxes instead, a Korean row came out a few columns wider than the terminal and lost its end unmarked.
 */
export function fitLessonRow(width: number, fixed: number, title: string, reason: string | undefined): {title: string; reason?: string} {
	const available = Math.max(2, width - fixed);
	if (reason === undefined) return {title: truncateRow(title, available)};
	const reasonText = `(${reason})`;
	const titleWidth = stringWidth(title);
	const reasonWidth = stringWidth(reasonText);
	if (titleWidth + 1 + reasonWidth <= available) return {title, reason: reasonText};
	const titleShare = Math.min(titleWidth, Math.max(Math.ceil(available / 2), available - 1 - reasonWidth));
	return {title: truncateRow(title, titleShare), reason: truncateRow(reasonText, Math.max(1, available - titleShare - 1))};
}

/** One lesson: its state, number and title, steps done, stale steps and why it is locked. ink-select-input passes the item's value along. */
function LessonItem({isSelected, value: row}: {isSelected?: boolean; label: string; value?: LessonRow}) {
	const t = useT();
	const width = useContext(RowWidth);
	if (!row) return null;
	const tone = rowColor[row.state];
	const steps = t('lessons.steps', {done: row.done, total: row.total});
	const stale = row.stale ? `${glyph.stale} ${t('lessons.stale', {count: row.stale})}` : undefined;
	const reason = row.state === 'locked' ? row.lockedReason : undefined;
	// glyph + gap, gap + steps, gap + stale note; the title and the reason are between them.
	const fixed = stringWidth(rowGlyph[row.state]) + 1 + 1 + stringWidth(steps) + (stale ? 1 + stringWidth(stale) : 0);
	const fitted = fitLessonRow(width, fixed, `${String(row.order).padStart(2, '0')} ${row.title}`, reason);
	return (
		<Box columnGap={1}>
			<Text color={tone ? color(tone) : undefined} aria-label={row.state}>
				{rowGlyph[row.state]}
			</Text>
			<Text bold={isSelected} dimColor={row.state === 'locked'} wrap="truncate-end">
				{fitted.title}
			</Text>
			<Text color={color('muted')}>{steps}</Text>
			{stale ? <Text color={color('warn')}>{stale}</Text> : null}
			{fitted.reason ? (
				<Text color={color('warn')} wrap="truncate-end">
					{fitted.reason}
				</Text>
			) : null}
		</Box>
	);
}
