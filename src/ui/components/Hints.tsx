import {Box, Text} from 'ink';
import {color} from '../theme.js';
import {useT} from '../i18n.js';

/** The hints revealed so far, one tier at a time. */
export function Hints({hints, revealed}: {hints: readonly string[]; revealed: number}) {
	const t = useT();
	const shown = hints.slice(0, revealed);
	if (shown.length === 0) return null;
	return (
		<Box flexDirection="column">
			{shown.map((hint, index) => (
				<Text key={index}>
					<Text color={color('warn')} bold>
						{t('hints.title', {index: index + 1, total: hints.length})}
					</Text>{' '}
					{hint.trim()}
				</Text>
			))}
		</Box>
	);
}
