// The workshop's event protocol (what a learner may send, and its limits) and the room model (progress per learner
// and step, time on the current step, stuck learners).
import {describe, expect, it} from 'vitest';
import {eventBatchSchema, joinRequestSchema, MAX_BATCH, oneLine, RateLimiter, type LearnerEvent} from '../../src/workshop/protocol.js';
import {Room, RoomFullError, type RoomOutline} from '../../src/workshop/room.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, seconds)).toISOString();
const ms = (seconds: number) => Date.parse(at(seconds));

describe('the event protocol', () => {
	it('takes the progress events', () => {
		const events: LearnerEvent[] = [
			{type: 'step.started', lesson: 'files', step: 'write', at: at(0), activity: 'run'},
			{type: 'step.failed', lesson: 'files', step: 'write', at: at(1), summary: 'test -f x exited 1'},
			{type: 'hint.revealed', lesson: 'files', step: 'write', at: at(2), hints: 1},
			{type: 'step.solved', lesson: 'files', step: 'write', at: at(3)},
			{type: 'doctor', at: at(4), code: 'CLD1-0-0-0-X'},
		];
		expect(eventBatchSchema.safeParse({seq: 1, events}).success).toBe(true);
	});

	it('refuses unknown types, extra fields (no output or variables ride along), bad ids and times, long summaries, big batches', () => {
		const base = {type: 'step.done', lesson: 'files', step: 'write', at: at(0)};
		const refused = [
			{seq: 1, events: [{...base, type: 'step.exploded'}]},
			{seq: 1, events: [{...base, output: 'secret'}]},
			{seq: 1, events: [{...base, lesson: '../etc'}]},
			{seq: 1, events: [{...base, at: 'yesterday'}]},
			{seq: 1, events: [{...base, type: 'step.failed', summary: 'x'.repeat(201)}]},
			{seq: 1, events: Array.from({length: MAX_BATCH + 1}, () => base)},
			{seq: 0, events: [base]},
			{seq: 1, events: []},
			{seq: 1, events: [base], extra: true},
		];
		for (const body of refused) expect(eventBatchSchema.safeParse(body).success, JSON.stringify(body).slice(0, 80)).toBe(false);
	});

	it('validates a join: code, a one-line name without markup, a track and target', () => {
		expect(joinRequestSchema.safeParse({code: 'ABCD-1234', name: ' 김민지 ', track: 'k8s', target: 'practice'})).toMatchObject({success: true, data: {name: '김민지'}});
		expect(joinRequestSchema.safeParse({code: 'ABCD-1234', name: '<script>', track: 'k8s', target: 'practice'}).success).toBe(false);
		expect(joinRequestSchema.safeParse({code: 'ABCD-1234', name: 'a\nb', track: 'k8s', target: 'practice'}).success).toBe(false);
		expect(joinRequestSchema.safeParse({code: 'ABCD-1234', name: '', track: 'k8s', target: 'practice'}).success).toBe(false);
	});

	it('cuts a summary to one line', () => {
		expect(oneLine('a\n  b')).toBe('a b');
		expect(oneLine('x'.repeat(300))).toHaveLength(200);
	});

	it('rate-limits with a token bucket', () => {
		const limiter = new RateLimiter(10, 20, 0);
		expect(limiter.take(20, 0)).toBe(true);
		expect(limiter.take(1, 0)).toBe(false);
		expect(limiter.take(5, 500)).toBe(true);
		expect(limiter.take(1, 500)).toBe(false);
	});
});

describe('the room', () => {
	const outline: RoomOutline = {
		title: 'Lab',
		lessons: [
			{id: 'files', title: 'Files', steps: [{id: 'write', title: 'Write'}, {id: 'read-it', title: 'Read'}]},
			{id: 'more', title: 'More', steps: [{id: 'second', title: 'Second'}]},
		],
	};
	const learner = {name: 'Ana', track: 'k8s', target: 'practice' as const};

	it('keeps done, solved and failing (with the reason), the current step and its time, hints', () => {
		const room = new Room(outline);
		room.join('id-ana-0001', learner, ms(0));
		room.apply('id-ana-0001', 1, [{type: 'step.started', lesson: 'files', step: 'write', at: at(0), activity: 'run'}, {type: 'step.done', lesson: 'files', step: 'write', at: at(5)}], ms(5));
		room.apply(
			'id-ana-0001',
			2,
			[
				{type: 'step.started', lesson: 'files', step: 'read-it', at: at(6), activity: 'check'},
				{type: 'step.failed', lesson: 'files', step: 'read-it', at: at(7), summary: 'pod not ready'},
				{type: 'hint.revealed', lesson: 'files', step: 'read-it', at: at(8), hints: 2},
			],
			ms(8),
		);
		const view = room.snapshot(ms(66)).learners[0]!;
		expect(view.cells['files/write']).toMatchObject({status: 'done'});
		expect(view.cells['files/read-it']).toMatchObject({status: 'failed', reason: 'pod not ready', failures: 1, hints: 2});
		expect(view.current).toEqual({lesson: 'files', step: 'read-it', since: ms(6)});
		expect(view.timeOnStepMs).toBe(60_000);
		expect(view).toMatchObject({done: 1, solved: 0, hints: 2});
		expect(view.stuck).toBeUndefined();
		room.apply('id-ana-0001', 3, [{type: 'step.solved', lesson: 'files', step: 'read-it', at: at(70)}], ms(70));
		const after = room.snapshot(ms(71)).learners[0]!;
		expect(after.cells['files/read-it']).toMatchObject({status: 'solved', hints: 2});
		expect(after.cells['files/read-it']).not.toHaveProperty('reason');
		expect(after.current).toBeUndefined();
		expect(after).toMatchObject({done: 1, solved: 1});
	});

	it('flags a learner stuck on one step too long or after repeated failures, stuck ones first', () => {
		const room = new Room(outline, {stuckAfterMs: 5 * 60_000, stuckFailures: 3});
		room.join('id-bo-00001', {...learner, name: 'Bo'}, ms(0));
		room.join('id-cy-00001', {...learner, name: 'Cy'}, ms(0));
		room.join('id-zed-0001', {...learner, name: 'Zed'}, ms(0));
		room.apply('id-bo-00001', 1, [{type: 'step.started', lesson: 'files', step: 'write', at: at(0), activity: 'run'}], ms(0));
		const fail = (seq: number) => room.apply('id-cy-00001', seq, [{type: 'step.failed', lesson: 'more', step: 'second', at: at(seq), summary: 'nope'}], ms(seq));
		fail(1);
		fail(2);
		expect(room.snapshot(ms(10)).learners.every((view) => !view.stuck)).toBe(true);
		fail(3);
		const later = room.snapshot(ms(0) + 6 * 60_000).learners;
		expect(later.map((view) => [view.name, view.stuck])).toEqual([
			['Bo', {kind: 'time', minutes: 6}],
			['Cy', {kind: 'failures', count: 3}],
			['Zed', undefined],
		]);
	});

	it('ignores a batch sent again, steps the lab does not have, unknown learners; a rejoin keeps the row', () => {
		const room = new Room(outline, {maxLearners: 1});
		room.join('id-ana-0001', learner, ms(0));
		const batch: LearnerEvent[] = [{type: 'step.failed', lesson: 'files', step: 'write', at: at(1), summary: 'x'}];
		expect(room.apply('id-ana-0001', 1, batch, ms(1))).toBe(1);
		expect(room.apply('id-ana-0001', 1, batch, ms(2))).toBe(0);
		expect(room.apply('id-ana-0001', 2, [{type: 'step.done', lesson: 'nope', step: 'write', at: at(2)}], ms(2))).toBe(0);
		expect(room.apply('someone-else', 1, batch, ms(2))).toBe(0);
		room.join('id-ana-0001', {...learner, name: 'Ana B'}, ms(3));
		expect(room.snapshot(ms(3)).learners).toMatchObject([{name: 'Ana B', cells: {'files/write': {failures: 1}}}]);
		expect(() => room.join('id-new-0001', learner, ms(4))).toThrow(RoomFullError);
	});
});
