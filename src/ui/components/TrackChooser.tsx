import type {FC} from 'react';
import {Box, Text} from 'ink';
import SelectInput from 'ink-select-input';
import {Pointer} from './LessonList.js';
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
			<Box marginTop={1}>
				<SelectInput<Track>
					// The controller owns the selection (one key table): the list is drawn again from it.
					key={selected}
					isFocused={false}
					items={tracks.map((track) => ({key: track.id, label: track.title[lang], value: track}))}
					initialIndex={selected}
					indicatorComponent={Pointer}
					itemComponent={
						(({isSelected, value: track}: {isSelected?: boolean; label: string; value?: Track}) =>
							track ? <TrackItem track={track} selected={isSelected === true} current={track.id === current} lang={lang} width={width} /> : null) as FC<{isSelected?: boolean; label: string}>
					}
				/>
			</Box>
			{practice && (
				<Box marginTop={1}>
					<Text color={color('ok')}>{t('tracks.practice-note')}</Text>
				</Box>
			)}
			<Text color={color('muted')}>{t('tracks.changeable')}</Text>
		</Box>
	);
}

/** A track's title (✔ on the one in use), and under the selected one its description, reflowed to the width. */
function TrackItem({track, selected, current, lang, width}: {track: Track; selected: boolean; current: boolean; lang: Lang; width: number}) {
	return (
		<Box flexDirection="column" marginBottom={selected ? 1 : 0}>
			<Box columnGap={1}>
				<Text bold={selected}>{track.title[lang]}</Text>
				{current && <Text color={color('ok')}>{glyph.done}</Text>}
			</Box>
			{selected && <Text color={color('muted')}>{wrapText(inlineMarkdown(joinParagraphs(track.description[lang])), width - 4).join('\n')}</Text>}
		</Box>
	);
}
