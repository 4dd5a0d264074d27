import type {FC} from 'react';
import {Box, Text} from 'ink';
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
}

const rowGlyph: Record<LessonRowState, string> = {
	done: glyph.done,
	current: glyph.current,
	open: glyph.ready,
	locked: glyph.locked,
};

const rowColor = {done: 'ok', current: 'accent', open: undefined, locked: 'muted'} as const;

export function LessonList({rows, selected, labTitle, trackTitle, height}: LessonListProps) {
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
			<SelectInput<LessonRow>
				// The controller owns the selection (one key table): the list is drawn again from it, not from its own keys.
				key={`${first}:${selected}`}
				isFocused={false}
				items={shown.map((row) => ({key: row.id, label: row.title, value: row}))}
				initialIndex={selected - first}
				indicatorComponent={Pointer}
				itemComponent={LessonItem as ItemComponent}
			/>
		</Box>
	);
}

type ItemComponent = FC<{isSelected?: boolean; label: string}>;

/** The selection pointer, ink-select-input's indicator. */
export function Pointer({isSelected}: {isSelected?: boolean}) {
	return <Text color={color('selected')}>{isSelected ? glyph.pointer : ' '} </Text>;
}

/** One lesson: its state, number and title, steps done, stale steps and why it is locked. ink-select-input passes the item's value along. */
function LessonItem({isSelected, value: row}: {isSelected?: boolean; label: string; value?: LessonRow}) {
	const t = useT();
	if (!row) return null;
	const tone = rowColor[row.state];
	return (
		<Box columnGap={1}>
			<Box flexShrink={0}>
				<Text color={tone ? color(tone) : undefined} aria-label={row.state}>
					{rowGlyph[row.state]}
				</Text>
			</Box>
			<Box flexShrink={1}>
				<Text bold={isSelected} dimColor={row.state === 'locked'} wrap="truncate-end">
					{String(row.order).padStart(2, '0')} {row.title}
				</Text>
			</Box>
			<Box flexShrink={0}>
				<Text color={color('muted')}>{t('lessons.steps', {done: row.done, total: row.total})}</Text>
			</Box>
			{row.stale ? (
				<Box flexShrink={0}>
					<Text color={color('warn')}>
						{glyph.stale} {t('lessons.stale', {count: row.stale})}
					</Text>
				</Box>
			) : null}
			{row.state === 'locked' && row.lockedReason && (
				<Box flexShrink={1000}>
					<Text color={color('warn')} wrap="truncate-end">
						({row.lockedReason})
					</Text>
				</Box>
			)}
		</Box>
	);
}
