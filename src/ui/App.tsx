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
	const notice = snapshot.confirmQuit
		? t(snapshot.confirmQuit === 'running' ? 'quit.confirm' : 'quit.confirm-jobs', {count: controller.jobs().length})
		: (snapshot.message ?? (session.notice ? describeNotice(session.notice, session, t) : undefined));
	const width = Math.max(40, columns);
	// Status bar, footer and the notice line; a long footer may wrap once on narrow terminals.
	const footerRows = columns < 100 ? 2 : 1;
	const bodyHeight = Math.max(8, rows - 1 - footerRows - (notice ? 1 : 0) - 1);

	let body;
	switch (snapshot.screen) {
		case 'tracks':
			body = <TrackChooser tracks={lab.tracks} selected={snapshot.trackIndex} current={session.track} lang={session.lang} />;
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
					height={bodyHeight}
				/>
			);
			break;
		}
		case 'help':
			body = <HelpPanel keys={helpKeys(t)} />;
			break;
		case 'lessons':
			body = (
				<LessonList
					rows={controller.lessonRows().map((row) => ({...row, lockedReason: row.reason ? describeLock(row.reason, t) : undefined}))}
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
				lang={session.lang}
				done={progress.done}
				total={progress.total}
				jobs={controller.jobs()}
			/>
			<Box flexDirection="column" height={bodyHeight} overflow="hidden">
				{body}
			</Box>
			{notice ? <Text color={color('warn')}>{notice}</Text> : null}
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

export function describeLock(reason: LockedReason, t: Translate): string {
	switch (reason.kind) {
		case 'requiresLesson':
			return t('lessons.requires', {lesson: reason.lessonId});
		case 'previousStep':
			return t('lessons.previous-step', {step: reason.stepId});
		case 'notOnTrack':
			return t('lessons.not-on-track', {track: reason.track});
	}
}

function describeNotice(notice: Notice, _session: SessionState, t: Translate): string {
	switch (notice.kind) {
		case 'lessonLocked':
			return t('notice.lesson-locked', {reason: describeLock(notice.reason, t)});
		case 'stepLocked':
			return t('notice.step-locked', {reason: describeLock(notice.reason, t)});
		case 'busy':
			return t('notice.busy');
		case 'endOfLab':
			return t('notice.end-of-lab');
		case 'startOfLab':
			return t('notice.start-of-lab');
	}
}

function helpKeys(t: Translate) {
	const all: Array<[string, Parameters<Translate>[0]]> = [
		['↑/↓', 'key.up-down'],
		['Enter', 'key.enter-open'],
		['r', 'key.run'],
		['c', 'key.check'],
		['s', 'key.solve'],
		['h', 'key.hint'],
		['o', 'key.shell'],
		['x / Ctrl-C', 'key.cancel-run'],
		['n', 'key.next'],
		['b', 'key.back'],
		['l', 'key.lessons'],
		['t', 'key.track'],
		['v', 'key.variables'],
		['?', 'key.help'],
		['q', 'key.quit'],
	];
	return all.map(([keys, word]) => ({keys, label: t(word)}));
}
