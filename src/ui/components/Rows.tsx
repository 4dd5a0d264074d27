import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import {color, glyph, type ColorToken} from '../theme.js';

/** One screen row of a region: text already fitted to the width (src/ui/layout.ts). */
export interface Row {
	text: string;
	tone?: ColorToken;
	bold?: boolean;
	/** A check's state before its text (a spinner while it runs). */
	mark?: 'pending' | 'running' | 'passed' | 'failed';
}

/** Rows drawn exactly as given, one screen row each (never wrapped again); `trailer` follows the first row. */
export function Rows({rows, trailer}: {rows: readonly Row[]; trailer?: ReactNode}) {
	if (rows.length === 0) return null;
	return (
		<Box flexDirection="column" height={rows.length} overflow="hidden">
			{rows.map((row, index) => (
				<Box key={index} height={1}>
					{row.mark && (
						<Box flexShrink={0} marginRight={1}>
							<Mark mark={row.mark} />
						</Box>
					)}
					<Box flexShrink={1}>
						<Text wrap="truncate-end" bold={row.bold} color={row.tone ? color(row.tone) : undefined}>
							{row.text || ' '}
						</Text>
					</Box>
					{index === 0 && trailer && (
						<Box marginLeft={2} flexShrink={0}>
							{trailer}
						</Box>
					)}
				</Box>
			))}
		</Box>
	);
}

function Mark({mark}: {mark: NonNullable<Row['mark']>}) {
	switch (mark) {
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
