import {Box, Text} from 'ink';
import {color} from '../theme.js';
import {useT} from '../i18n.js';
import type {KeyHint} from './KeyHints.js';

export function HelpPanel({keys}: {keys: readonly KeyHint[]}) {
	const t = useT();
	const width = Math.max(...keys.map((key) => key.keys.length));
	return (
		<Box flexDirection="column">
			<Text bold color={color('accent')}>
				{t('help.title')}
			</Text>
			{keys.map((key) => (
				<Text key={key.keys}>
					<Text bold color={color('accent')}>
						{key.keys.padEnd(width)}
					</Text>
					{'  '}
					{key.label}
				</Text>
			))}
			<Text color={color('muted')}>{t('help.close')}</Text>
		</Box>
	);
}
