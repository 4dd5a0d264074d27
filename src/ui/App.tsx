import {useSyncExternalStore} from 'react';
import stringWidth from 'string-width';
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
	const notice =
		controller.dialogText() ??
		(snapshot.message ?? (session.notice ? describeNotice(session.notice, session, t, snapshot.screen === 'step') : targetError));
	const width = Math.max(40, columns);
	// Status bar (a second line while jobs run), footer and the notice line; the footer wraps on narrow terminals.
	const footerRows = footerHeight(keys, width);
	const statusRows = jobs.length > 0 ? 2 : 1;
	const noticeRows = notice ? Math.min(2, Math.ceil(notice.length / width)) : 0;
	const bodyHeight = Math.max(6, rows - statusRows - footerRows - noticeRows);

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
			body = (
				<StepView
					lessonTitle={current.lesson.title[session.lang]}
					step={current.step}
					index={Math.max(0, steps.findIndex((step) => step.id === current.step.id))}
					count={steps.length}
					state={current.state}
					lang={session.lang}
					files={(current.step.files ?? []).map((name) => ({name, content: readAssetSafely(controller, name)}))}
					output={controller.output(current.lesson.id, current.step.id)}
					explain={snapshot.explain?.key === `${current.lesson.id}/${current.step.id}` ? snapshot.explain.lines : undefined}
					checking={snapshot.checking?.[`${current.lesson.id}/${current.step.id}`]}
					scroll={snapshot.scroll}
					onScrollRange={controller.setMaxScroll}
					width={width}
					height={bodyHeight}
				/>
			);
			break;
		}
	}

	return (
		<Box flexDirection="column" width={width}>
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
			/>
			<Box flexDirection="column" height={bodyHeight} overflow="hidden">
				{body}
			</Box>
			{notice ? (
				<Box height={noticeRows} overflow="hidden">
					<Text color={color('warn')}>{notice}</Text>
				</Box>
			) : null}
			<KeyHints hints={keys} />
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

/** Footer rows: the key hints wrap at the terminal's width. */
function footerHeight(keys: ReadonlyArray<{keys: string; label: string}>, width: number): number {
	let rows = 1;
	let used = 0;
	for (const key of keys) {
		const size = stringWidth(key.keys) + 1 + stringWidth(key.label);
		if (used > 0 && used + 2 + size > width) {
			rows += 1;
			used = size;
		} else used += (used > 0 ? 2 : 0) + size;
	}
	return rows;
}

export function describeLock(reason: LockedReason, t: Translate, lessonLabel: (id: string) => string = (id) => id): string {
	switch (reason.kind) {
		case 'requiresLesson':
			return t('lessons.requires', {lesson: lessonLabel(reason.lessonId)});
		case 'previousStep':
			return t('lessons.previous-step', {step: reason.stepId});
		case 'notOnTrack':
			return t('lessons.not-on-track', {track: reason.track});
	}
}

function describeNotice(notice: Notice, session: SessionState, t: Translate, onStep: boolean): string {
	switch (notice.kind) {
		case 'lessonLocked':
			return (onStep ? blockedByThisLesson(notice.reason, session, t) : undefined) ?? t('notice.lesson-locked', {reason: describeLock(notice.reason, t)});
		case 'stepLocked':
			return (onStep ? blockedByThisLesson(notice.reason, session, t) : undefined) ?? t('notice.step-locked', {reason: describeLock(notice.reason, t)});
		case 'busy':
			return t('notice.busy');
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
