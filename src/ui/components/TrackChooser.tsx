import {Box, Text} from 'ink';
import {color, glyph} from '../theme.js';
import {useT} from '../i18n.js';
import type {Lang, Track, TrackId} from '../../lab/types.js';

export function TrackChooser({tracks, selected, current, lang}: {tracks: readonly Track[]; selected: number; current?: TrackId; lang: Lang}) {
	const t = useT();
	return (
		<Box flexDirection="column">
			<Text bold color={color('accent')}>
				{t('tracks.title')}
			</Text>
			{tracks.map((track, index) => (
				<Box key={track.id} flexDirection="column" marginTop={1}>
					<Box columnGap={1}>
						<Text color={color('selected')}>{index === selected ? glyph.pointer : ' '}</Text>
						<Text bold={index === selected}>{track.title[lang]}</Text>
						{track.id === current && <Text color={color('ok')}>{glyph.done}</Text>}
					</Box>
					<Box paddingLeft={2}>
						<Text color={color('muted')}>{track.description[lang]}</Text>
					</Box>
				</Box>
			))}
			<Box marginTop={1}>
				<Text color={color('muted')}>{t('tracks.changeable')}</Text>
			</Box>
		</Box>
	);
}
