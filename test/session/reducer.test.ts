import {describe, expect, it} from 'vitest';
import type {Lab, Lesson, Step} from '../../src/lab/types.js';
import {
	backgroundJobs,
	createSession,
	lessonStatus,
	lockedReason,
	nextUnlocked,
	progressSummary,
	reduce,
	stepsToReverify,
	toProgressLessons,
	visibleLessons,
	visibleSteps,
	type SessionEvent,
	type SessionState,
} from '../../src/session/index.js';

const text = (s: string) => ({ko: s, en: s});
const at = '2026-01-01T00:00:00.000Z';

function step(id: string, extra: Partial<Step> = {}): Step {
	return {
		id,
		title: text(id),
		body: text(id),
		mode: 'command',
		timeout: 60,
		run: `echo ${id}`,
		expect: [{kind: 'podReady', namespace: 'demo', selector: 'app=client'}],
		hints: [text('first'), text('second')],
		...extra,
	};
}

function lesson(id: string, order: number, steps: Step[], extra: Partial<Lesson> = {}): Lesson {
	return {id, order, title: text(id), body: text(id), tracks: ['aks-byocni', 'k8s'], requires: [], steps, file: `${order}-${id}.yaml`, ...extra};
}

function lab(): Lab {
	return {
		title: text('lab'),
		tracks: [],
		variables: [],
		lessonsDir: '/l',
		assetsDir: '/a',
		lessons: [
			lesson('cluster', 1, [step('create', {tracks: ['aks-byocni']}), step('creds', {expect: []}), step('extra', {optional: true}), step('nodes')], {
				tracks: ['aks-byocni'],
			}),
			lesson('install', 2, [step('helm'), step('status')], {requires: ['cluster']}),
			lesson('policy', 3, [step('apply')], {requires: ['install']}),
		],
	};
}

function start(track: 'aks-byocni' | 'k8s' = 'aks-byocni'): SessionState {
	return createSession({lab: lab(), track, lang: 'en', variables: {}});
}

function apply(state: SessionState, ...events: SessionEvent[]): SessionState {
	return events.reduce(reduce, state);
}

const ok = {ok: true, summary: 'ready'};
const bad = {ok: false, summary: '0/1 pods ready'};

function passByRun(state: SessionState, lessonId: string, stepId: string): SessionState {
	return apply(
		state,
		{type: 'STEP_STARTED', lessonId, stepId, at},
		{type: 'OUTPUT_EXITED', lessonId, stepId, at, outcome: {kind: 'exited', exitCode: 0, durationMs: 5}},
		{type: 'CHECKS_STARTED', lessonId, stepId},
		{type: 'CHECKS_FINISHED', lessonId, stepId, at, results: [ok]},
	);
}

describe('session gating', () => {
	it('opens the first step and locks the rest, with the reason', () => {
		const state = start();
		expect(state.lessons.cluster!.steps.create!.status).toBe('ready');
		expect(state.lessons.cluster!.steps.creds!.status).toBe('locked');
		expect(lockedReason(state, 'cluster', 'creds')).toEqual({kind: 'previousStep', stepId: 'create'});
		expect(lessonStatus(state, 'install')).toBe('locked');
		expect(lockedReason(state, 'install')).toEqual({kind: 'requiresLesson', lessonId: 'cluster'});
		expect(state.current).toEqual({lessonId: 'cluster', stepId: 'create'});
	});

	it('unlocks the next step only when the checks pass', () => {
		let state = apply(
			start(),
			{type: 'STEP_STARTED', lessonId: 'cluster', stepId: 'create', at},
			{type: 'OUTPUT_EXITED', lessonId: 'cluster', stepId: 'create', at, outcome: {kind: 'exited', exitCode: 0, durationMs: 5}},
		);
		expect(state.lessons.cluster!.steps.create!.status).toBe('checking');
		state = apply(
			state,
			{type: 'CHECKS_STARTED', lessonId: 'cluster', stepId: 'create'},
			{type: 'CHECK_UPDATED', lessonId: 'cluster', stepId: 'create', index: 0, result: bad},
		);
		expect(state.lessons.cluster!.steps.create!.checks[0]).toMatchObject({state: 'running', result: bad});
		const failed = reduce(state, {type: 'CHECKS_FINISHED', lessonId: 'cluster', stepId: 'create', at, results: [bad]});
		expect(failed.lessons.cluster!.steps.create!.status).toBe('failed');
		expect(failed.lessons.cluster!.steps.create!.failure).toEqual({kind: 'checks', failed: [0], unreachable: false});
		expect(failed.lessons.cluster!.steps.creds!.status).toBe('locked');

		const passed = passByRun(failed, 'cluster', 'create');
		expect(passed.lessons.cluster!.steps.create!.status).toBe('done');
		expect(passed.lessons.cluster!.steps.creds!.status).toBe('ready');
	});

	it('refuses to run a locked step and says why', () => {
		const state = reduce(start(), {type: 'STEP_STARTED', lessonId: 'cluster', stepId: 'nodes', at});
		expect(state.lessons.cluster!.steps.nodes!.status).toBe('locked');
		expect(state.notice).toEqual({kind: 'stepLocked', lessonId: 'cluster', stepId: 'nodes', reason: {kind: 'previousStep', stepId: 'create'}});
	});

	it('lets an optional step be skipped and opens the next lesson when the required steps pass', () => {
		let state = passByRun(start(), 'cluster', 'create');
		state = apply(
			state,
			{type: 'STEP_STARTED', lessonId: 'cluster', stepId: 'creds', at},
			{type: 'OUTPUT_EXITED', lessonId: 'cluster', stepId: 'creds', at, outcome: {kind: 'exited', exitCode: 0, durationMs: 1}},
		);
		expect(state.lessons.cluster!.steps.creds!.status).toBe('done');
		expect(state.lessons.cluster!.steps.extra!.status).toBe('ready');
		expect(state.lessons.cluster!.steps.nodes!.status).toBe('ready');
		expect(lessonStatus(state, 'install')).toBe('locked');
		state = passByRun(state, 'cluster', 'nodes');
		expect(lessonStatus(state, 'cluster')).toBe('done');
		expect(lessonStatus(state, 'install')).toBe('ready');
		expect(nextUnlocked(state)).toEqual({lessonId: 'cluster', stepId: 'extra'});
	});

	it('fails a step without checks on a non-zero exit, and the checks decide when there are some', () => {
		let state = passByRun(start(), 'cluster', 'create');
		state = apply(
			state,
			{type: 'STEP_STARTED', lessonId: 'cluster', stepId: 'creds', at},
			{type: 'OUTPUT_EXITED', lessonId: 'cluster', stepId: 'creds', at, outcome: {kind: 'exited', exitCode: 3, durationMs: 1}},
		);
		expect(state.lessons.cluster!.steps.creds!.failure).toEqual({kind: 'exit', exitCode: 3});
		const blockedCurl = apply(
			start(),
			{type: 'STEP_STARTED', lessonId: 'cluster', stepId: 'create', at},
			{type: 'OUTPUT_EXITED', lessonId: 'cluster', stepId: 'create', at, outcome: {kind: 'exited', exitCode: 28, durationMs: 1}},
		);
		expect(blockedCurl.lessons.cluster!.steps.create!.status).toBe('checking');
	});

	it('returns a cancelled step to where it was', () => {
		const done = passByRun(start(), 'cluster', 'create');
		const state = apply(
			done,
			{type: 'STEP_STARTED', lessonId: 'cluster', stepId: 'create', at},
			{type: 'OUTPUT_EXITED', lessonId: 'cluster', stepId: 'create', at, outcome: {kind: 'cancelled', durationMs: 1}},
		);
		expect(state.lessons.cluster!.steps.create!.status).toBe('done');
	});

	it('records a solve as solved, not done; a passing re-check keeps it solved, a learner run makes it done', () => {
		let state = apply(
			start(),
			{type: 'SOLVE_STARTED', lessonId: 'cluster', stepId: 'create', at},
			{type: 'OUTPUT_EXITED', lessonId: 'cluster', stepId: 'create', at, outcome: {kind: 'exited', exitCode: 0, durationMs: 1}},
			{type: 'CHECKS_STARTED', lessonId: 'cluster', stepId: 'create'},
			{type: 'CHECKS_FINISHED', lessonId: 'cluster', stepId: 'create', at, results: [ok]},
		);
		expect(state.lessons.cluster!.steps.create!.status).toBe('solved');
		expect(state.lessons.cluster!.steps.creds!.status).toBe('ready');
		state = apply(
			state,
			{type: 'CHECKS_STARTED', lessonId: 'cluster', stepId: 'create'},
			{type: 'CHECKS_FINISHED', lessonId: 'cluster', stepId: 'create', at, results: [ok]},
		);
		expect(state.lessons.cluster!.steps.create!.status).toBe('solved');
		expect(progressSummary(state)).toMatchObject({done: 0, solved: 1});
		state = passByRun(state, 'cluster', 'create');
		expect(state.lessons.cluster!.steps.create!.status).toBe('done');
	});

	it('hides steps and lessons not on the track, and requirements off the track do not gate', () => {
		const state = start('k8s');
		expect(visibleLessons(state).map((l) => l.id)).toEqual(['install', 'policy']);
		expect(visibleSteps(state, 'cluster')).toEqual([]);
		expect(lessonStatus(state, 'install')).toBe('ready');
		expect(state.current).toEqual({lessonId: 'install', stepId: 'helm'});
		const switched = reduce(start(), {type: 'TRACK_CHANGED', track: 'k8s'});
		expect(switched.current).toEqual({lessonId: 'install', stepId: 'helm'});
	});

	it('reveals hints one tier at a time, no further than there are hints', () => {
		const hint: SessionEvent = {type: 'HINT_REVEALED', lessonId: 'cluster', stepId: 'create'};
		const state = apply(start(), hint, hint, hint);
		expect(state.lessons.cluster!.steps.create!.hintsRevealed).toBe(2);
	});

	it('navigates forward only into open steps, with a notice otherwise', () => {
		let state = reduce(start(), {type: 'NAVIGATE_NEXT'});
		expect(state.current).toEqual({lessonId: 'cluster', stepId: 'create'});
		expect(state.notice).toMatchObject({kind: 'stepLocked', stepId: 'creds'});
		state = reduce(state, {type: 'NAVIGATE', lessonId: 'install'});
		expect(state.notice).toEqual({kind: 'lessonLocked', lessonId: 'install', reason: {kind: 'requiresLesson', lessonId: 'cluster'}});
		state = passByRun(state, 'cluster', 'create');
		state = reduce(state, {type: 'NAVIGATE_NEXT'});
		expect(state.current).toEqual({lessonId: 'cluster', stepId: 'creds'});
		expect(state.notice).toBeUndefined();
		state = reduce(state, {type: 'NAVIGATE_BACK'});
		expect(state.current).toEqual({lessonId: 'cluster', stepId: 'create'});
	});

	it('tracks background jobs until their command exits, without undoing the step', () => {
		const bg = lab();
		bg.lessons[0]!.steps[0] = step('create', {mode: 'background'});
		let state = createSession({lab: bg, track: 'aks-byocni', lang: 'en', variables: {}});
		state = apply(
			state,
			{type: 'STEP_STARTED', lessonId: 'cluster', stepId: 'create', at},
			{type: 'CHECKS_STARTED', lessonId: 'cluster', stepId: 'create'},
			{type: 'CHECKS_FINISHED', lessonId: 'cluster', stepId: 'create', at, results: [ok]},
		);
		expect(backgroundJobs(state)).toEqual([{lessonId: 'cluster', stepId: 'create', startedAt: at, logFile: undefined}]);
		state = reduce(state, {type: 'OUTPUT_EXITED', lessonId: 'cluster', stepId: 'create', at, outcome: {kind: 'cancelled', durationMs: 9}});
		expect(backgroundJobs(state)).toEqual([]);
		expect(state.lessons.cluster!.steps.create!.status).toBe('done');
	});
});

describe('session resume', () => {
	it('starts completed steps from progress, re-checks them, and flags the gone ones stale', () => {
		const progress = {cluster: {steps: {create: {status: 'done' as const, at, context: 'aks-1'}, creds: {status: 'solved' as const, at, context: 'aks-1'}}}};
		let state = createSession({lab: lab(), track: 'aks-byocni', lang: 'ko', variables: {}, progress});
		expect(state.lessons.cluster!.steps.creds!.status).toBe('solved');
		expect(state.current).toEqual({lessonId: 'cluster', stepId: 'extra'});
		expect(stepsToReverify(state)).toEqual([{lessonId: 'cluster', stepId: 'create'}]);
		state = reduce(state, {type: 'RESUME_VERIFIED', lessonId: 'cluster', stepId: 'create', ok: false, reason: 'context changed', results: [bad]});
		expect(state.lessons.cluster!.steps.create!.status).toBe('stale');
		expect(state.lessons.cluster!.steps.create!.failure).toEqual({kind: 'stale', reason: 'context changed'});
		// stale is a flag: what follows stays open, and the record is kept until redone
		expect(state.lessons.cluster!.steps.nodes!.status).toBe('ready');
		expect(toProgressLessons(state).cluster!.steps.create).toEqual({status: 'done', at, context: 'aks-1'});
		expect(lessonStatus(state, 'cluster')).toBe('stale');
		state = passByRun(state, 'cluster', 'create');
		expect(state.lessons.cluster!.steps.create!.status).toBe('done');
		expect(toProgressLessons(state).cluster!.steps.create!.context).toBe('practice');
	});
});

describe('session resume scope', () => {
	const done = {status: 'done' as const, at, context: 'practice'};
	const withLessons = (lessons: Lesson[]): Lab => ({...lab(), lessons});

	it('re-checks the current lesson and the lessons it builds on, not the lessons off that path', () => {
		const lessons = [
			lesson('cluster', 1, [step('create')]),
			lesson('install', 2, [step('helm')], {requires: ['cluster']}),
			lesson('cleanup', 3, [step('delete'), step('gone')], {requires: ['cluster']}),
			lesson('policy', 4, [step('apply'), step('probe')], {requires: ['install']}),
		];
		const progress = {cluster: {steps: {create: done}}, install: {steps: {helm: done}}, cleanup: {steps: {delete: done}}, policy: {steps: {apply: done}}};
		const state = createSession({lab: withLessons(lessons), track: 'k8s', lang: 'en', variables: {}, progress});
		// current: cleanup/gone, the first step not passed; cleanup requires cluster, not install or policy
		expect(state.current).toEqual({lessonId: 'cleanup', stepId: 'gone'});
		expect(stepsToReverify(state)).toEqual([
			{lessonId: 'cluster', stepId: 'create'},
			{lessonId: 'cleanup', stepId: 'delete'},
		]);
	});

	it('does not re-check a step whose checks describe a moment (recheck: false)', () => {
		const lessons = [
			lesson('cluster', 1, [step('create', {recheck: false}), step('creds'), step('next')]),
		];
		const progress = {cluster: {steps: {create: done, creds: done}}};
		const state = createSession({lab: withLessons(lessons), track: 'k8s', lang: 'en', variables: {}, progress});
		expect(stepsToReverify(state)).toEqual([{lessonId: 'cluster', stepId: 'creds'}]);
	});
});

describe('session details', () => {
	it('acknowledges read and interactive steps without checks, not command steps', () => {
		const l = lab();
		l.lessons[0]!.steps[0] = step('create', {mode: 'read', run: undefined, expect: []});
		l.lessons[0]!.steps[1] = step('creds', {mode: 'interactive', expect: []});
		let state = createSession({lab: l, track: 'aks-byocni', lang: 'en', variables: {}});
		state = reduce(state, {type: 'STEP_ACKNOWLEDGED', lessonId: 'cluster', stepId: 'create', at});
		expect(state.lessons.cluster!.steps.create!.status).toBe('done');
		state = reduce(state, {type: 'STEP_ACKNOWLEDGED', lessonId: 'cluster', stepId: 'creds', at});
		expect(state.lessons.cluster!.steps.creds!.status).toBe('done');
		const command = reduce(state, {type: 'STEP_ACKNOWLEDGED', lessonId: 'cluster', stepId: 'nodes', at});
		expect(command.lessons.cluster!.steps.nodes!.status).toBe('ready');
	});

	it('marks a check failed only when its result is final, and flags unreachable clusters', () => {
		const unreachable = {ok: false, summary: 'no cluster configured', unreachable: true};
		let state = apply(start(), {type: 'CHECKS_STARTED', lessonId: 'cluster', stepId: 'create'});
		state = reduce(state, {type: 'CHECK_UPDATED', lessonId: 'cluster', stepId: 'create', index: 0, result: unreachable, final: true});
		expect(state.lessons.cluster!.steps.create!.checks[0]!.state).toBe('failed');
		state = reduce(state, {type: 'CHECKS_FINISHED', lessonId: 'cluster', stepId: 'create', at, results: [unreachable]});
		expect(state.lessons.cluster!.steps.create!.failure).toEqual({kind: 'checks', failed: [0], unreachable: true});
	});

	it('keeps events for unknown steps and refused checks from changing anything', () => {
		const state = start();
		expect(reduce(state, {type: 'HINT_REVEALED', lessonId: 'nope', stepId: 'x'})).toBe(state);
		expect(reduce(state, {type: 'CHECKS_STARTED', lessonId: 'cluster', stepId: 'nodes'}).lessons.cluster!.steps.nodes!.status).toBe('locked');
		expect(reduce(state, {type: 'OUTPUT_EXITED', lessonId: 'cluster', stepId: 'create', at, outcome: {kind: 'exited', exitCode: 0, durationMs: 1}})).toBe(state);
	});
});


describe('the record of how a step was earned (cilium-lab report)', () => {
	const later = (seconds: number) => new Date(Date.parse(at) + seconds * 1000).toISOString();
	const ok = {ok: true, summary: 'ok'};
	const bad = {ok: false, summary: 'no'};

	it('counts attempts (runs, solves, checks of its own) and hints, and times the step from its first start to completion', () => {
		let state = start();
		state = apply(
			state,
			{type: 'HINT_REVEALED', lessonId: 'cluster', stepId: 'create'},
			{type: 'STEP_STARTED', lessonId: 'cluster', stepId: 'create', at},
			{type: 'OUTPUT_EXITED', lessonId: 'cluster', stepId: 'create', at: later(1), outcome: {kind: 'exited', exitCode: 0, durationMs: 5}},
			{type: 'CHECKS_STARTED', lessonId: 'cluster', stepId: 'create'},
			{type: 'CHECKS_FINISHED', lessonId: 'cluster', stepId: 'create', at: later(2), results: [bad]},
			// the learner fixes it in a shell and checks: a second attempt
			{type: 'CHECKS_STARTED', lessonId: 'cluster', stepId: 'create'},
			{type: 'CHECKS_FINISHED', lessonId: 'cluster', stepId: 'create', at: later(3), results: [bad]},
			{type: 'SOLVE_STARTED', lessonId: 'cluster', stepId: 'create', at: later(4)},
			{type: 'OUTPUT_EXITED', lessonId: 'cluster', stepId: 'create', at: later(5), outcome: {kind: 'exited', exitCode: 0, durationMs: 5}},
			{type: 'CHECKS_STARTED', lessonId: 'cluster', stepId: 'create'},
			{type: 'CHECKS_FINISHED', lessonId: 'cluster', stepId: 'create', at: later(90), results: [ok]},
		);
		expect(toProgressLessons(state).cluster!.steps.create).toEqual({status: 'solved', at: later(90), context: 'practice', attempts: 3, hints: 1, timeMs: 90_000});
	});

	it('a saved record comes back with the progress, and a step redone keeps counting', () => {
		const progress = {cluster: {steps: {create: {status: 'done' as const, at, context: 'practice', attempts: 2, hints: 1, timeMs: 5000}}}};
		let state = createSession({lab: lab(), track: 'aks-byocni', lang: 'en', variables: {}, progress});
		expect(state.lessons.cluster!.steps.create!.hintsRevealed).toBe(1);
		expect(toProgressLessons(state).cluster!.steps.create).toEqual(progress.cluster.steps.create);
		state = passByRun(state, 'cluster', 'create');
		expect(toProgressLessons(state).cluster!.steps.create).toMatchObject({status: 'done', attempts: 3, hints: 1, timeMs: 0});
	});
});

describe('a workshop facilitator holding the room (HOLD_CHANGED)', () => {
	it('locks the lessons after the held one with the reason, and opens them again on release', () => {
		let state = start('k8s');
		state = passByRun(state, 'install', 'helm');
		state = passByRun(state, 'install', 'status');
		expect(lockedReason(state, 'policy')).toBeUndefined();
		expect(state.lessons.policy!.steps.apply!.status).toBe('ready');
		state = reduce(state, {type: 'HOLD_CHANGED', lessonId: 'install'});
		expect(lockedReason(state, 'policy')).toEqual({kind: 'held', lessonId: 'install', order: 2});
		expect(lockedReason(state, 'install')).toBeUndefined();
		expect(state.lessons.policy!.steps.apply!.status).toBe('locked');
		// Refused with the reason, as any locked step.
		const refused = reduce(state, {type: 'STEP_STARTED', lessonId: 'policy', stepId: 'apply', at});
		expect(refused.notice).toEqual({kind: 'stepLocked', lessonId: 'policy', stepId: 'apply', reason: {kind: 'held', lessonId: 'install', order: 2}});
		state = reduce(state, {type: 'HOLD_CHANGED'});
		expect(state.hold).toBeUndefined();
		expect(state.lessons.policy!.steps.apply!.status).toBe('ready');
		// A hold at a lesson this lab does not have changes nothing.
		expect(lockedReason(reduce(state, {type: 'HOLD_CHANGED', lessonId: 'elsewhere'}), 'policy')).toBeUndefined();
	});

	it('keeps a later lesson that does not build on the held one open (the cleanup: it requires only the first lesson)', () => {
		const withCleanup: Lab = {
			...lab(),
			lessons: [
				lesson('cluster', 1, [step('create')]),
				lesson('install', 2, [step('helm')], {requires: ['cluster']}),
				lesson('policy', 3, [step('apply')], {requires: ['install']}),
				lesson('observe', 4, [step('look')], {requires: ['policy']}),
				lesson('cleanup', 5, [step('delete')], {requires: ['cluster']}),
			],
		};
		let state = createSession({lab: withCleanup, track: 'k8s', lang: 'en', variables: {}});
		state = passByRun(state, 'cluster', 'create');
		state = reduce(state, {type: 'HOLD_CHANGED', lessonId: 'install'});
		expect(lockedReason(state, 'policy')).toEqual({kind: 'held', lessonId: 'install', order: 2});
		// observe builds on install through policy
		expect(lockedReason(state, 'observe')).toEqual({kind: 'held', lessonId: 'install', order: 2});
		expect(lockedReason(state, 'cleanup')).toBeUndefined();
		expect(state.lessons.cleanup!.steps.delete!.status).toBe('ready');
	});
});
