import {useSyncExternalStore} from 'react';
import {Box, Text, useInput} from 'ink';
import {LangProvider, useT, type Translate} from './i18n.js';
import {color} from './theme.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {KeyHints} from './components/KeyHints.js';
import {StatusBar} from './components/StatusBar.js';
import {LessonList} from './components/LessonList.js';
import {StepView} from './components/StepView.js';
import {VariablesForm} from './components/VariablesForm.js';
import {TrackChooser} from './components/TrackChooser.js';
import {HelpPanel} from './components/HelpPanel.js';
import {FullView} from './components/FullView.js';
import {MIN_COLUMNS, MIN_ROWS, fitsTerminal, packKeys, truncateRow, wrapText} from './layout.js';
import {courseSummary, lessonSummary} from './summary.js';
import {currentStep, visibleSteps, type LockedReason, type Notice, type SessionState} from '../session/index.js';
import type {TuiController, TuiSnapshot} from './controller.js';

export function App({controller}: {controller: TuiController}) {
	const snapshot = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
	useInput((input, key) => controller.handleKey(input, key));
	return (
		<LangProvider lang={snapshot.session.lang}>
			<Screen controller={controller} snapshot={snapshot} />
		</LangProvider>
	);
}

function Screen({controller, snapshot}: {controller: TuiController; snapshot: TuiSnapshot}) {
	const t = useT();
	const {columns, rows} = useTerminalSize();
	const {session} = snapshot;
	const lab = session.lab;
	const track = lab.tracks.find((candidate) => candidate.id === session.track);
	const trackTitle = track?.title[session.lang] ?? session.track;
	const progress = controller.progress();
	const keys = controller.keys().map((binding) => ({keys: binding.keys, label: t(binding.word)}));
	const jobs = controller.jobs();
	const targetError = typeof snapshot.targetState === 'object' ? t('status.target-failed', {error: snapshot.targetState.error}) : undefined;
	const dialog = controller.dialogText();
	const notice =
		dialog ??
		(snapshot.message ?? (session.notice ? describeNotice(session.notice, session, t, snapshot.screen === 'step') : undefined) ?? targetError);
	if (!fitsTerminal(columns, rows)) return <TooSmall columns={columns} rows={rows} />;
	const width = columns;
	// The frame is exactly the terminal's height: the status bar first, the footer last, the body between (Ink
	// repaints badly once a frame is taller than the terminal).
	const footer = packKeys(keys, width);
	const statusRows = 1 + (jobs.length > 0 ? 1 : 0) + (snapshot.facilitator ? 1 : 0);
	// A question gets the rows it needs (up to 4): its answers must be read whole.
	const noticeRows = notice ? fitNotice(notice, width, dialog ? 4 : 2) : [];
	const bodyHeight = Math.max(1, rows - statusRows - footer.length - noticeRows.length);

	let body;
	switch (snapshot.screen) {
		case 'tracks':
			body = (
				<TrackChooser
					tracks={lab.tracks}
					selected={snapshot.trackIndex}
					current={snapshot.firstTrackChoice ? undefined : session.track}
					lang={session.lang}
					practice={session.target.kind === 'practice'}
					width={width}
				/>
			);
			break;
		case 'variables': {
			const variables = lab.variables.filter((variable) => !variable.tracks || variable.tracks.includes(session.track));
			body = (
				<VariablesForm
					variables={variables}
					values={session.variables}
					lang={session.lang}
					selected={snapshot.variables.selected}
					draft={snapshot.variables.draft}
					error={snapshot.variables.error}
					width={width}
					height={bodyHeight}
				/>
			);
			break;
		}
		case 'help':
			body = <HelpPanel keys={controller.helpKeys().map((binding) => ({keys: binding.keys, label: t(binding.word)}))} />;
			break;
		case 'lessons':
			body = (
				<LessonList
					rows={controller.lessonRows().map((row) => ({...row, lockedReason: row.reason ? describeLock(row.reason, t, (id) => controller.lessonLabel(id)) : undefined}))}
					selected={snapshot.lessonIndex}
					labTitle={lab.title[session.lang]}
					trackTitle={trackTitle}
					height={bodyHeight}
					width={width}
				/>
			);
			break;
		case 'step': {
			const current = currentStep(session);
			if (!current) {
				body = <Text>—</Text>;
				break;
			}
			const steps = visibleSteps(session, current.lesson.id);
			const stepKey = `${current.lesson.id}/${current.step.id}`;
			const explain = snapshot.explain?.key === stepKey ? snapshot.explain.lines : undefined;
			const checking = snapshot.checking?.[stepKey];
			const output = controller.output(current.lesson.id, current.step.id);
			if (snapshot.fullView) {
				body = (
					<FullView
						step={current.step}
						state={current.state}
						lang={session.lang}
						output={output}
						explain={explain}
						checking={checking}
						scroll={snapshot.fullView.scroll}
						onScrollRange={controller.setFullMaxScroll}
						outputVersion={snapshot.outputVersion}
						width={width}
						height={bodyHeight}
					/>
				);
				break;
			}
			const lastStep = steps.at(-1)?.id === current.step.id;
			const lessonDone = lastStep ? lessonSummary(session, current.lesson.id) : undefined;
			const courseDone = lessonDone ? courseSummary(session) : undefined;
			body = (
				<StepView
					lessonTitle={current.lesson.title[session.lang]}
					step={current.step}
					index={Math.max(0, steps.findIndex((step) => step.id === current.step.id))}
					count={steps.length}
					state={current.state}
					lang={session.lang}
					files={(current.step.files ?? []).map((name) => ({name, content: readAssetSafely(controller, name)}))}
					output={output}
					explain={explain}
					checking={checking}
					summary={
						lessonDone && {
							lesson: {...lessonDone, title: current.lesson.title[session.lang]},
							course: courseDone && {...courseDone, track: trackTitle},
							nextLesson: session.lab.lessons.some((lesson) => lesson.order > current.lesson.order),
						}
					}
					scroll={snapshot.scroll}
					onScrollRange={controller.setMaxScroll}
					onClipped={controller.setClipped}
					width={width}
					height={bodyHeight}
				/>
			);
			break;
		}
	}

	// The Cilium version the track installs: CILIUM_VERSION, when the track has it (aks-managed's comes with AKS);
	// its default is the guide's (end-of-life) version.
	const ciliumVariable = lab.variables.find((variable) => variable.name === 'CILIUM_VERSION' && (!variable.tracks || variable.tracks.includes(session.track)));
	const ciliumVersion = ciliumVariable ? (session.variables.CILIUM_VERSION ?? ciliumVariable.default) : undefined;
	const ciliumShown = ciliumVersion ? {version: ciliumVersion, guide: ciliumVersion === ciliumVariable?.default} : undefined;

	return (
		<Box flexDirection="column" width={width} height={rows} overflow="hidden">
			<Box height={statusRows} overflow="hidden" flexShrink={0}>
				<StatusBar
					target={session.target}
					trackTitle={trackTitle}
					trackId={session.track}
					width={width}
					lang={session.lang}
					done={progress.done}
					total={progress.total}
					jobs={jobs}
					targetStarting={snapshot.targetState === 'starting'}
					workshop={snapshot.workshop}
					cilium={ciliumShown}
					facilitator={snapshot.facilitator}
				/>
			</Box>
			<Box flexDirection="column" height={bodyHeight} overflow="hidden" flexShrink={0}>
				{body}
			</Box>
			{noticeRows.length > 0 && (
				<Box flexDirection="column" height={noticeRows.length} overflow="hidden" flexShrink={0}>
					{noticeRows.map((row, index) => (
						<Text key={index} color={color('warn')} wrap="truncate-end">
							{row}
						</Text>
					))}
				</Box>
			)}
			<KeyHints rows={footer} />
		</Box>
	);
}

/** A notice in at most two rows, the second cut with "…" when it does not fit. */
function fitNotice(notice: string, width: number, maxRows: number): string[] {
	// A confirmation of several lines (subscription, context, resources…) keeps each line, up to 10 rows.
	if (notice.includes('\n')) return notice.split('\n').flatMap((line) => wrapText(line, width)).slice(0, 10);
	const rows = wrapText(notice, width);
	if (rows.length <= maxRows) return rows;
	return [...rows.slice(0, maxRows - 1), truncateRow(rows.slice(maxRows - 1).join(' '), width)];
}

/** Below 80×24 the lab does not draw its screens (they would not fit): it says so, in as many rows as there are. */
function TooSmall({columns, rows}: {columns: number; rows: number}) {
	const t = useT();
	const width = Math.max(1, columns);
	const lines = [
		...wrapText(t('layout.too-small-title'), width),
		...wrapText(t('layout.too-small', {columns, rows, minColumns: MIN_COLUMNS, minRows: MIN_ROWS}), width),
	].slice(0, Math.max(1, rows));
	return (
		<Box flexDirection="column" width={width} height={Math.max(1, Math.min(rows, lines.length))} overflow="hidden">
			{lines.map((line, index) => (
				<Text key={index} bold={index === 0} color={index === 0 ? color('warn') : undefined} wrap="truncate-end">
					{line}
				</Text>
			))}
		</Box>
	);
}

const assetCache = new Map<string, string>();
function readAssetSafely(controller: TuiController, name: string): string {
	let content = assetCache.get(name);
	if (content === undefined) {
		try {
			content = controller.readAsset(name);
		} catch (error) {
			content = `# ${error instanceof Error ? error.message : String(error)}`;
		}
		assetCache.set(name, content);
	}
	return content;
}

export function describeLock(reason: LockedReason, t: Translate, lessonLabel: (id: string) => string = (id) => id): string {
	switch (reason.kind) {
		case 'requiresLesson':
			return t('lessons.requires', {lesson: lessonLabel(reason.lessonId)});
		case 'previousStep':
			return t('lessons.previous-step', {step: reason.stepId});
		case 'notOnTrack':
			return t('lessons.not-on-track', {track: reason.track});
		case 'held':
			return t('lessons.held', {number: reason.order});
	}
}

/** The notice in words; undefined once its cause has ended (a "command is running" after the command stopped). */
function describeNotice(notice: Notice, session: SessionState, t: Translate, onStep: boolean): string | undefined {
	switch (notice.kind) {
		case 'lessonLocked':
			return (onStep ? blockedByThisLesson(notice.reason, session, t) : undefined) ?? t('notice.lesson-locked', {reason: describeLock(notice.reason, t)});
		case 'stepLocked':
			return (onStep ? blockedByThisLesson(notice.reason, session, t) : undefined) ?? t('notice.step-locked', {reason: describeLock(notice.reason, t)});
		case 'busy': {
			const status = session.lessons[notice.lessonId]?.steps[notice.stepId]?.status;
			return status === 'running' || status === 'checking' ? t('notice.busy') : undefined;
		}
		case 'endOfLab':
			return t('notice.end-of-lab');
		case 'startOfLab':
			return t('notice.start-of-lab');
	}
}

/**
 * `n` refused because of the lesson the learner is in (its last step, or the next step, waits for this one): say
 * which step to finish and how, not that some lesson is locked.
 */
function blockedByThisLesson(reason: LockedReason, session: SessionState, t: Translate): string | undefined {
	const current = currentStep(session);
	if (!current) return undefined;
	const blockedBy = reason.kind === 'requiresLesson' || reason.kind === 'previousStep' ? reason : undefined;
	if (!blockedBy || (blockedBy.kind === 'requiresLesson' && blockedBy.lessonId !== current.lesson.id)) return undefined;
	const passed = (status: string | undefined) => status === 'done' || status === 'solved' || status === 'stale';
	const lessonState = session.lessons[current.lesson.id];
	const pending = visibleSteps(session, current.lesson.id).find((step) => !step.optional && !passed(lessonState?.steps[step.id]?.status));
	if (!pending) return undefined;
	if (pending.id !== current.step.id) return t('notice.finish-step', {step: pending.title[session.lang]});
	if (pending.expect.length === 0 && (!pending.run || pending.mode === 'read')) return t('notice.finish-this-step-read');
	return t('notice.finish-this-step', {solve: pending.solve ? t('notice.finish-this-step-solve') : ''});
}
