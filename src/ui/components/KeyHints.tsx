import {Box, Text} from 'ink';
import {color} from '../theme.js';

export interface KeyHint {
	/** What to press, as shown: "r", "↑/↓", "Enter". */
	keys: string;
	label: string;
}

/** The footer: only the keys that do something right now. */
export function KeyHints({hints}: {hints: readonly KeyHint[]}) {
	return (
		<Box flexWrap="wrap" columnGap={2}>
			{hints.map((hint) => (
				<Text key={hint.keys}>
					<Text bold color={color('accent')}>
						{hint.keys}
					</Text>{' '}
					{hint.label}
				</Text>
			))}
		</Box>
	);
}
