import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import stringWidth from 'string-width';
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
	/** Shown instead of the title when not even a few of the title's words fit. */
	trackId?: string;
	lang: string;
	done: number;
	total: number;
	/** Background jobs still running: a second line lists them with how long they have run. */
	jobs: readonly StatusJob[];
	/** Columns of the bar; the track title is shortened to what is left. */
	width?: number;
	/** With --join: the workshop server's connection. */
	workshop?: 'connecting' | 'connected' | 'offline';
	/** The Cilium version the track installs (CILIUM_VERSION), and whether it is the guide's end-of-life one. */
	cilium?: {version: string; guide: boolean};
	/** The workshop facilitator's last message or hint for this learner, one line. */
	facilitator?: {kind: 'message' | 'hint' | 'held' | 'released'; text: string};
}

const SEPARATOR = 3; // " │ "
const SPINNER = 2; // the spinner and its gap

/** The title cut at a word boundary with an ellipsis to fit `room`; the id when less than the id's worth of the title would remain. */
export function shortenTitle(title: string, room: number, id?: string): string {
	if (stringWidth(title) <= room) return title;
	const words = title.split(' ');
	for (let count = words.length - 1; count >= 2; count -= 1) {
		const kept = words.slice(0, count).join(' ').replace(/[\s(+,:;–-]+$/, '');
		// Never end inside a parenthesis: "CNI (you…" reads as a cut, "CNI…" as a short form.
		if ((kept.match(/\(/g) ?? []).length > (kept.match(/\)/g) ?? []).length) continue;
		// A stub shorter than the id ("AKS…") says less than the id does.
		if (stringWidth(kept) < Math.max(8, id?.length ?? 0)) break;
		if (stringWidth(kept) + 1 <= room) return kept + '…';
	}
	if (id && stringWidth(id) <= room) return id;
	return room >= 2 ? [...(id ?? title)].slice(0, room - 1).join('') + '…' : '';
}

/** One line (two while background jobs run): target, track, language, progress; the track title gives way first. */
export function StatusBar({target, targetStarting, trackTitle, trackId, lang, done, total, jobs, width, workshop, cilium, facilitator}: StatusBarProps) {
	const t = useT();
	const targetText =
		target.kind === 'practice'
			? t('status.target-practice')
			: t('status.target-real', {context: target.context ?? t('status.current-context')});
	const progressText = t('status.progress', {done, total});
	const workshopText = workshop ? t(`status.workshop-${workshop}`) : undefined;
	const others =
		stringWidth(targetText) +
		(targetStarting ? SPINNER + 1 + stringWidth(t('status.target-starting')) : 0) +
		3 * SEPARATOR +
		stringWidth(lang) +
		stringWidth(progressText) +
		(workshopText ? SEPARATOR + stringWidth(workshopText) : 0);
	// The guide's version says "the guide's, end of life" when that leaves room for the track id, "EOL" when not.
	const keys = cilium?.guide ? (['status.cilium-guide', 'status.cilium-guide-short'] as const) : (['status.cilium'] as const);
	const ciliumCandidates = cilium ? keys.map((key) => t(key, {version: cilium.version})) : [];
	const ciliumText =
		ciliumCandidates.find((text) => width === undefined || width - others - SEPARATOR - stringWidth(text) >= Math.min(stringWidth(trackTitle), (trackId ?? '').length || 8)) ?? ciliumCandidates.at(-1);
	const fixed = others + (ciliumText ? SEPARATOR + stringWidth(ciliumText) : 0);
	const track = width === undefined ? trackTitle : shortenTitle(trackTitle, width - fixed, trackId);
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
					<Text wrap="truncate-end">{track}</Text>
				</Box>
				{ciliumText && <Text color={color('muted')}>│</Text>}
				{ciliumText && (
					<Box flexShrink={0}>
						<Text color={color(cilium?.guide ? 'warn' : 'ok')}>{ciliumText}</Text>
					</Box>
				)}
				<Text color={color('muted')}>│</Text>
				<Box flexShrink={0}>
					<Text>{lang}</Text>
				</Box>
				<Text color={color('muted')}>│</Text>
				<Box flexShrink={0}>
					<Text>{progressText}</Text>
				</Box>
				{workshopText && <Text color={color('muted')}>│</Text>}
				{workshopText && (
					<Box flexShrink={0}>
						<Text color={color(workshop === 'connected' ? 'ok' : 'warn')}>{workshopText}</Text>
					</Box>
				)}
			</Box>
			{jobs.length > 0 && <JobsLine jobs={jobs} />}
			{facilitator && (
				<Text color={color('warn')} wrap="truncate-end">
					{t(`status.facilitator-${facilitator.kind}`, {text: facilitator.text})}
				</Text>
			)}
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
