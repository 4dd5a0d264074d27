import {Box, Text} from 'ink';
import {color, glyph} from '../theme.js';
import {useT} from '../i18n.js';
import type {Target} from '../../session/types.js';

export interface StatusBarProps {
	target: Target;
	trackTitle: string;
	lang: string;
	done: number;
	total: number;
	/** Names of the background jobs still running. */
	jobs: readonly string[];
}

export function StatusBar({target, trackTitle, lang, done, total, jobs}: StatusBarProps) {
	const t = useT();
	const targetText =
		target.kind === 'practice'
			? t('status.target-practice')
			: t('status.target-real', {context: target.context ?? t('status.current-context')});
	return (
		<Box columnGap={1} flexWrap="wrap">
			<Text color={color(target.kind === 'practice' ? 'ok' : 'warn')}>{targetText}</Text>
			<Text color={color('muted')}>│</Text>
			<Text>{trackTitle}</Text>
			<Text color={color('muted')}>│</Text>
			<Text>{lang}</Text>
			<Text color={color('muted')}>│</Text>
			<Text>{t('status.progress', {done, total})}</Text>
			{jobs.length > 0 && (
				<>
					<Text color={color('muted')}>│</Text>
					<Text color={color('running')}>
						{glyph.background} {t('status.jobs', {names: jobs.join(', ')})}
					</Text>
				</>
			)}
		</Box>
	);
}
