import {Box, Text} from 'ink';
import {color} from '../theme.js';

export interface KeyHint {
	/** What to press, as shown: "r", "↑/↓", "Enter". */
	keys: string;
	label: string;
}

/**
 * The footer: only the keys that do something right now, in the rows given (src/ui/layout.ts `packKeys` fits them to
 * the width), or one row per the terminal's wrapping when `hints` alone is given.
 */
export function KeyHints({hints, rows}: {hints?: readonly KeyHint[]; rows?: ReadonlyArray<readonly KeyHint[]>}) {
	if (!rows) {
		return (
			<Box flexWrap="wrap" columnGap={2}>
				{(hints ?? []).map((hint) => (
					<Key key={hint.keys} hint={hint} />
				))}
			</Box>
		);
	}
	return (
		<Box flexDirection="column" height={rows.length} overflow="hidden" flexShrink={0}>
			{rows.map((row, index) => (
				<Box key={index} columnGap={2} height={1}>
					{row.map((hint) => (
						<Key key={hint.keys} hint={hint} />
					))}
				</Box>
			))}
		</Box>
	);
}

function Key({hint}: {hint: KeyHint}) {
	return (
		<Text wrap="truncate-end">
			<Text bold color={color('accent')}>
				{hint.keys}
			</Text>{' '}
			{hint.label}
		</Text>
	);
}
