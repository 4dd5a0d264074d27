import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import stringWidth from 'string-width';
import {color, glyph} from '../theme.js';
import {useT} from '../i18n.js';
import {formatDuration} from '../format.js';
import {useElapsed} from '../hooks/use-elapsed.js';
import type {Target} from '../../session/types.js';
import {truncateRow} from '../layout.js';

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

/** Minimum columns the track keeps before the others take their short forms: its id's width, or 8. */
const trackFloor = (trackTitle: string, trackId?: string) => Math.min(stringWidth(trackTitle), (trackId ?? '').length || 8);

/**
 * One line (two while background jobs run, one more for the facilitator's word): target, track, Cilium version,
 * language, progress, workshop connection. When they do not fit `width` with room for the track, they take short
 * forms one by one (the workshop's, the Cilium version's, the target's unless the practice cluster is starting,
 * the progress's, then the Cilium version bare), so the row does not wrap (at 80 columns in Korean with --join on a
 * real target it did); the track title gives way last.
 */
export function StatusBar({target, targetStarting, trackTitle, trackId, lang, done, total, jobs, width, workshop, cilium, facilitator}: StatusBarProps) {
	const t = useT();
	const context = target.kind === 'real' ? target.context : undefined;
	const targets = target.kind === 'practice'
		? [t('status.target-practice'), t('status.target-practice-short')]
		: [t('status.target-real', {context: context ?? t('status.current-context')}), `kube: ${context ?? t('status.current-context-short')}`];
	const progresses = [t('status.progress', {done, total}), t('status.progress-short', {done, total})];
	const workshops = workshop ? [t(`status.workshop-${workshop}`), t(`status.workshop-${workshop}-short`)] : [];
	// The guide's version says "the guide's, end of life" when there is room, "EOL" when not, and bare last.
	const cilia = cilium ? (cilium.guide ? [t('status.cilium-guide', {version: cilium.version}), t('status.cilium-guide-short', {version: cilium.version})] : [t('status.cilium', {version: cilium.version})]) : [];
	const bare = cilium ? `Cilium ${cilium.version}` : undefined;
	const startingText = t('status.target-starting');
	/** Short forms taken, in order: 0 none … 5 all. */
	const pick = (level: number) => {
		const chosen = {
			// While the practice cluster starts, the target and its status keep their words (they are what is news).
			targetText: targets[level >= 3 && !targetStarting ? 1 : 0]!,
			ciliumText: level >= 5 ? bare : cilia[Math.min(cilia.length - 1, level >= 2 ? 1 : 0)],
			progressText: progresses[level >= 4 ? 1 : 0]!,
			workshopText: workshops[level >= 1 ? 1 : 0],
		};
		const fixed =
			stringWidth(chosen.targetText) +
			(targetStarting ? SPINNER + 1 + stringWidth(startingText) : 0) +
			3 * SEPARATOR +
			stringWidth(lang) +
			stringWidth(chosen.progressText) +
			(chosen.workshopText ? SEPARATOR + stringWidth(chosen.workshopText) : 0) +
			(chosen.ciliumText ? SEPARATOR + stringWidth(chosen.ciliumText) : 0);
		return {...chosen, fixed};
	};
	// The workshop's and the Cilium version's short forms make room for the track's id; the others only for a track
	// of at least 6 columns ("aks-b…"), so a row that fitted before there was a workshop looks as it did (in Korean
	// on the practice cluster with the guide's Cilium, "52/52 단계" leaves the track 6).
	const floor = trackFloor(trackTitle, trackId);
	let level = 0;
	while (level < 5 && width !== undefined && width - pick(level).fixed < (level < 2 ? floor : Math.min(floor, 6))) level++;
	const {targetText, ciliumText, progressText, workshopText, fixed} = pick(level);
	const track = width === undefined ? trackTitle : shortenTitle(trackTitle, width - fixed, trackId);
	const facilitatorText = facilitator ? t(`status.facilitator-${facilitator.kind}`, {text: facilitator.text}) : undefined;
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
						<Text color={color('running')}>{startingText}</Text>
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
			{facilitatorText && (
				<Text color={color('warn')} wrap="truncate-end">
					{width === undefined ? facilitatorText : truncateRow(facilitatorText, width)}
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
