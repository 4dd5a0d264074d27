import {Box, Text} from 'ink';
import {color, glyph} from '../theme.js';
import {useT} from '../i18n.js';
import {inlineMarkdown, joinParagraphs, wrapText} from '../layout.js';
import type {Lang, Track, TrackId} from '../../lab/types.js';

export interface TrackChooserProps {
	tracks: readonly Track[];
	selected: number;
	/** The track in use (marked ✔); none on first start. */
	current?: TrackId;
	lang: Lang;
	/** On the practice target: say that nothing is billed. */
	practice?: boolean;
	width: number;
}

/** The tracks by title; the selected one with its description, reflowed to the terminal's width. */
export function TrackChooser({tracks, selected, current, lang, practice, width}: TrackChooserProps) {
	const t = useT();
	return (
		<Box flexDirection="column" width={width}>
			<Text bold color={color('accent')}>
				{t('tracks.title')}
			</Text>
			{tracks.map((track, index) => (
				<Box key={track.id} flexDirection="column" marginTop={index === selected || index === selected + 1 ? 1 : 0}>
					<Box columnGap={1}>
						<Text color={color('selected')}>{index === selected ? glyph.pointer : ' '}</Text>
						<Text bold={index === selected}>{track.title[lang]}</Text>
						{track.id === current && <Text color={color('ok')}>{glyph.done}</Text>}
					</Box>
					{index === selected && (
						<Box paddingLeft={2}>
							<Text color={color('muted')}>{wrapText(inlineMarkdown(joinParagraphs(track.description[lang])), width - 2).join('\n')}</Text>
						</Box>
					)}
				</Box>
			))}
			{practice && (
				<Box marginTop={1}>
					<Text color={color('ok')}>{t('tracks.practice-note')}</Text>
				</Box>
			)}
			<Text color={color('muted')}>{t('tracks.changeable')}</Text>
		</Box>
	);
}
