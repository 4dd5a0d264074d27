import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import {color, glyph} from '../theme.js';
import {useT} from '../i18n.js';
import {formatDuration} from '../format.js';
import {useElapsed} from '../hooks/use-elapsed.js';
import type {Target} from '../../session/types.js';

export interface StatusJob {
	id: number;
	name: string;
	since: Date;
}

export interface StatusBarProps {
	target: Target;
	/** The practice cluster is being started behind the screen. */
	targetStarting?: boolean;
	trackTitle: string;
	lang: string;
	done: number;
	total: number;
	/** Background jobs still running: a second line lists them with how long they have run. */
	jobs: readonly StatusJob[];
}

/** One line (two while background jobs run): target, track, language, progress; the track title gives way first. */
export function StatusBar({target, targetStarting, trackTitle, lang, done, total, jobs}: StatusBarProps) {
	const t = useT();
	const targetText =
		target.kind === 'practice'
			? t('status.target-practice')
			: t('status.target-real', {context: target.context ?? t('status.current-context')});
	return (
		<Box flexDirection="column">
			<Box columnGap={1}>
				<Box flexShrink={0}>
					<Text color={color(target.kind === 'practice' ? 'ok' : 'warn')}>{targetText}</Text>
				</Box>
				{targetStarting && (
					<Box flexShrink={0} columnGap={1}>
						<Text color={color('running')}>
							<Spinner type="dots" />
						</Text>
						<Text color={color('running')}>{t('status.target-starting')}</Text>
					</Box>
				)}
				<Text color={color('muted')}>│</Text>
				<Box flexShrink={1}>
					<Text wrap="truncate-end">{trackTitle}</Text>
				</Box>
				<Text color={color('muted')}>│</Text>
				<Box flexShrink={0}>
					<Text>{lang}</Text>
				</Box>
				<Text color={color('muted')}>│</Text>
				<Box flexShrink={0}>
					<Text>{t('status.progress', {done, total})}</Text>
				</Box>
			</Box>
			{jobs.length > 0 && <JobsLine jobs={jobs} />}
		</Box>
	);
}

function JobsLine({jobs}: {jobs: readonly StatusJob[]}) {
	const t = useT();
	const oldest = jobs.reduce((min, job) => Math.min(min, job.since.getTime()), Date.now());
	// Ticks once a second so "since" stays true; a job's age is shown to the second, then minutes.
	const elapsedOldest = useElapsed(new Date(oldest).toISOString(), true, 1000);
	const now = oldest + elapsedOldest;
	return (
		<Box columnGap={1}>
			<Text color={color('running')}>
				{glyph.background} {t('status.jobs')}
			</Text>
			<Box flexShrink={1}>
				<Text color={color('running')} wrap="truncate-end">
					{jobs.map((job) => t('status.job', {name: job.name, since: formatSince(now - job.since.getTime())})).join(', ')}
				</Text>
			</Box>
		</Box>
	);
}

function formatSince(ms: number): string {
	return ms < 60_000 ? `${Math.floor(Math.max(0, ms) / 1000)}s` : formatDuration(ms);
}
