// The step driver with fake ports: the sequence of session events each kind of step produces, cancel per step and
// kind, timeouts, a command that says its checks cannot pass, background jobs, going back and reset with cleanups.
import {describe, expect, it, vi} from 'vitest';
import type {CheckResult} from '../../src/checks/types.js';
import type {Lab, Step} from '../../src/lab/types.js';
import type {JobInfo, RunOutcome} from '../../src/run/types.js';
import {cannotPassReason} from '../../src/session/cannot-pass.js';
import {StepDriver, type DriverEvent} from '../../src/session/driver.js';
import {createSession} from '../../src/session/index.js';
import type {CheckRequest, CommandRequest, DriverPorts, JobsPort} from '../../src/session/ports.js';
import {step} from '../ui/helpers/lab.js';

function lab(steps: Step[], more: Step[] = []): Lab {
	return {
		title: {ko: '실습', en: 'lab'},
		tracks: [{id: 'k8s', title: {ko: 'k8s', en: 'k8s'}, description: {ko: '', en: ''}}],
		variables: [],
		lessons: [
			{id: 'one', order: 1, title: {ko: '하나', en: 'one'}, body: {ko: '', en: ''}, tracks: ['k8s'], requires: [], file: 'one.yaml', steps},
			...(more.length > 0 ? [{id: 'two', order: 2, title: {ko: '둘', en: 'two'}, body: {ko: '', en: ''}, tracks: ['k8s' as const], requires: ['one'], file: 'two.yaml', steps: more}] : []),
		],
		lessonsDir: '/x',
		assetsDir: '/x/assets',
	};
}

const check = {kind: 'command' as const, script: 'true'};

/** Fake ports: commands answer what `commands` says (by script), checks what `checks` says; everything is recorded. */
function harness(theLab: Lab, options: {commands?: Record<string, {lines?: string[]; outcome?: RunOutcome; hang?: boolean}>; checks?: (request: CheckRequest, call: number) => CheckResult[]} = {}) {
	const ran: CommandRequest[] = [];
	const checkCalls: CheckRequest[] = [];
	const jobListeners = new Set<() => void>();
	const jobs: JobInfo[] = [];
	const jobsPort: JobsPort = {
		start: (o) => {
			const info: JobInfo = {id: jobs.length + 1, name: o.name, command: o.script, pid: 1, since: new Date(0), lastLine: undefined, logFile: o.logFile, outcome: undefined};
			jobs.push(info);
			queueMicrotask(() => {
				info.lastLine = 'Forwarding from 127.0.0.1:4245';
				for (const listener of jobListeners) listener();
			});
			return info;
		},
		list: () => jobs,
		running: () => jobs.filter((job) => !job.outcome),
		stop: async (id) => {
			const job = jobs.find((candidate) => candidate.id === id)!;
			job.outcome = {kind: 'cancelled', durationMs: 1};
			for (const listener of jobListeners) listener();
			return job.outcome;
		},
		stopAll: async () => {},
		subscribe: (listener) => {
			jobListeners.add(listener);
			return () => jobListeners.delete(listener);
		},
	};
	let checkCall = 0;
	const ports: DriverPorts = {
		runCommand: (request) => {
			ran.push(request);
			const answer = options.commands?.[request.script] ?? {};
			request.onLines((answer.lines ?? []).map((text) => ({stream: 'output', text})), 0);
			if (answer.hang) return new Promise((resolve) => request.signal.addEventListener('abort', () => resolve({kind: 'cancelled', durationMs: 3})));
			return Promise.resolve(answer.outcome ?? {kind: 'exited', exitCode: 0, durationMs: 1});
		},
		runChecks: async (request) => {
			checkCalls.push(request);
			const results = options.checks?.(request, checkCall++) ?? request.specs.map(() => ({ok: true, summary: 'fine'}));
			results.forEach((result, index) => request.onUpdate(index, result, true));
			return results;
		},
		jobs: jobsPort,
		logFileFor: (label) => `/logs/${label}.log`,
		now: () => '2026-12-03T00:00:00.000Z',
	};
	const driver = new StepDriver({session: createSession({lab: theLab, track: 'k8s', lang: 'en', variables: {}}), ports, environment: async () => ({env: {A: '1'}, context: 'ctx'})});
	const events: DriverEvent[] = [];
	driver.subscribe((event) => events.push(event));
	const sessionEvents = () => events.flatMap((event) => (event.type === 'session' ? [event.event.type] : []));
	const status = (lessonId: string, stepId: string) => driver.getState().lessons[lessonId]!.steps[stepId]!.status;
	return {driver, ran, checkCalls, events, sessionEvents, status, jobs};
}

describe('step driver', () => {
	it('a command step: started, output, exited, checks polled until the step deadline, done; progress announced', async () => {
		const h = harness(lab([step('a', {run: 'echo hi', timeout: 7, expect: [check]})]), {commands: {'echo hi': {lines: ['hi']}}});
		await h.driver.run({lessonId: 'one', stepId: 'a'});
		expect(h.sessionEvents()).toEqual(['STEP_STARTED', 'OUTPUT_EXITED', 'CHECKS_STARTED', 'CHECK_UPDATED', 'CHECKS_FINISHED']);
		expect(h.status('one', 'a')).toBe('done');
		expect(h.ran[0]).toMatchObject({script: 'echo hi', env: {A: '1'}, timeoutMs: 7000, logFile: '/logs/one-a.log'});
		expect(h.checkCalls[0]).toMatchObject({timeoutSec: 7, context: 'ctx'});
		expect(h.driver.output({lessonId: 'one', stepId: 'a'}).lines().map((line) => line.text)).toEqual(['hi']);
		expect(h.events.map((event) => event.type)).toContain('progress');
		expect(h.events.filter((event) => event.type === 'checking' || event.type === 'checked').map((event) => event.type)).toEqual(['checking', 'checked']);
	});

	it('a solve is recorded as solved; without checks, a failing command fails the step with its exit code', async () => {
		const h = harness(lab([step('a', {run: 'false', solve: 'fix', expect: [check]}), step('b', {run: 'exit 3'})]), {commands: {'exit 3': {outcome: {kind: 'exited', exitCode: 3, durationMs: 1}}}});
		await h.driver.solve({lessonId: 'one', stepId: 'a'});
		expect(h.status('one', 'a')).toBe('solved');
		expect(h.ran[0]!.script).toBe('fix');
		await h.driver.run({lessonId: 'one', stepId: 'b'});
		expect(h.driver.getState().lessons.one!.steps.b!.failure).toEqual({kind: 'exit', exitCode: 3});
	});

	it('cancel stops the command (kind command) and the step goes back to ready; cancelling the checks fails them as cancelled', async () => {
		const h = harness(lab([step('a', {run: 'sleep', expect: [check]})]), {commands: {sleep: {hang: true}}});
		const ref = {lessonId: 'one', stepId: 'a'};
		const running = h.driver.run(ref);
		await vi.waitFor(() => expect(h.ran).toHaveLength(1));
		expect(h.driver.isBusy(ref)).toBe(true);
		expect(h.driver.cancel(ref, 'checks')).toBe(false);
		expect(h.driver.cancel(ref)).toBe(true);
		await running;
		expect(h.status('one', 'a')).toBe('ready');
		expect(h.sessionEvents()).toEqual(['STEP_STARTED', 'OUTPUT_EXITED']);
		expect(h.driver.isBusy(ref)).toBe(false);
	});

	it('a timed-out command with checks lets the checks decide; without checks the step fails as timed out', async () => {
		const timedOut: RunOutcome = {kind: 'timedOut', timeoutMs: 5000, durationMs: 5000};
		const h = harness(lab([step('a', {run: 'slow', expect: [check]}), step('b', {run: 'slow'})]), {commands: {slow: {outcome: timedOut}}});
		await h.driver.run({lessonId: 'one', stepId: 'a'});
		expect(h.status('one', 'a')).toBe('done');
		await h.driver.run({lessonId: 'one', stepId: 'b'});
		expect(h.driver.getState().lessons.one!.steps.b!.failure).toEqual({kind: 'timedOut', timeoutMs: 5000});
	});

	it('a command that says AlreadyExists gets its checks once, not polled for the whole deadline, and the failure names the line', async () => {
		const line = 'Error from server (AlreadyExists): namespaces "demo" already exists';
		const h = harness(lab([step('a', {run: 'kubectl create ns demo', timeout: 1800, expect: [check]})]), {
			commands: {'kubectl create ns demo': {lines: ['creating', line], outcome: {kind: 'exited', exitCode: 1, durationMs: 1}}},
			checks: (request) => request.specs.map(() => ({ok: false, summary: 'no such pod'})),
		});
		await h.driver.run({lessonId: 'one', stepId: 'a'});
		expect(h.checkCalls[0]!.timeoutSec).toBe(0);
		expect(h.driver.getState().lessons.one!.steps.a!.failure).toEqual({kind: 'checks', failed: [0], unreachable: false, cause: line});
	});

	it('a background step starts a job, its checks decide while it runs, and the job ending is recorded without undoing done', async () => {
		const h = harness(lab([step('pf', {mode: 'background', run: 'kubectl port-forward', expect: [check]})]));
		const ref = {lessonId: 'one', stepId: 'pf'};
		await h.driver.run(ref);
		expect(h.status('one', 'pf')).toBe('done');
		expect(h.jobs).toHaveLength(1);
		expect(h.driver.jobOf(ref)).toBe(1);
		await vi.waitFor(() => expect(h.driver.output(ref).lines().map((l) => l.text)).toEqual(['Forwarding from 127.0.0.1:4245']));
		expect(h.driver.isBusy(ref)).toBe(true); // its job runs: r again is refused
		await h.driver.run(ref);
		expect(h.driver.getState().notice).toEqual({kind: 'busy', ...ref});
		expect(h.driver.stopJob(ref)).toBe(true);
		await h.driver.settled();
		expect(h.driver.jobOf(ref)).toBeUndefined();
		expect(h.status('one', 'pf')).toBe('done');
		expect(h.driver.getState().notice).toBeUndefined(); // the busy notice went with its cause
	});

	it('an interactive step without a terminal (headless) fails to start and says it needs one', async () => {
		const h = harness(lab([step('sh', {mode: 'interactive', run: 'kubectl exec -it x -- sh'})]));
		await h.driver.run({lessonId: 'one', stepId: 'sh'});
		expect(h.driver.getState().lessons.one!.steps.sh!.failure).toEqual({kind: 'failedToStart', message: 'an interactive step needs a terminal (run it in the TUI)'});
	});

	it('re-verify flags a completed step whose checks now fail as stale, naming the check kind and summary', async () => {
		const h = harness(lab([step('a', {run: 'x', expect: [check]})]), {checks: (request, call) => request.specs.map(() => (call === 0 ? {ok: true, summary: 'ok'} : {ok: false, summary: 'gone'}))});
		await h.driver.run({lessonId: 'one', stepId: 'a'});
		await h.driver.reverify([{lessonId: 'one', stepId: 'a'}]);
		expect(h.status('one', 'a')).toBe('stale');
		expect(h.driver.getState().lessons.one!.steps.a!.failure).toEqual({kind: 'stale', reason: 'command: gone'});
		expect(h.checkCalls[1]!.timeoutSec).toBe(0);
	});

	it('going back runs the later steps\' cleanups newest first, forgets their progress, re-solves the earlier steps of the lesson', async () => {
		const steps = [
			step('ns', {run: 'create ns', solve: 'solve ns', expect: [check]}),
			step('pod', {run: 'create pod', expect: [check], cleanup: 'delete pod'}),
			step('policy', {run: 'apply policy', expect: [check], cleanup: 'delete policy'}),
		];
		const h = harness(lab(steps, [step('later', {run: 'more', expect: [check], cleanup: 'undo more'})]));
		for (const [lessonId, stepId] of [['one', 'ns'], ['one', 'pod'], ['one', 'policy'], ['two', 'later']] as const) await h.driver.run({lessonId, stepId});
		expect(h.driver.passedAfter({lessonId: 'one', stepId: 'pod'})).toEqual([
			{lessonId: 'one', stepId: 'policy'},
			{lessonId: 'two', stepId: 'later'},
		]);
		h.ran.length = 0;
		const report = await h.driver.goBackTo({lessonId: 'one', stepId: 'pod'});
		expect(h.ran.map((request) => request.script)).toEqual(['undo more', 'delete policy', 'solve ns']);
		expect(report.failed).toBeUndefined();
		expect(h.status('one', 'ns')).toBe('done');
		expect(h.status('one', 'pod')).toBe('ready');
		expect(h.status('one', 'policy')).toBe('locked');
		expect(h.status('two', 'later')).toBe('locked');
		expect(h.driver.output({lessonId: 'one', stepId: 'pod'}).lines().map((line) => line.text)).toContain('$ cleanup: two/later');
	});

	it('reset from a lesson runs its cleanups in reverse, goes on past a failing one and reports it; reset of everything locks all but the first step', async () => {
		const h = harness(lab([step('a', {run: 'a', expect: [check], cleanup: 'undo a'}), step('b', {run: 'b', expect: [check], cleanup: 'undo b'})], [step('c', {run: 'c', expect: [check], cleanup: 'undo c'})]), {
			commands: {'undo c': {outcome: {kind: 'exited', exitCode: 1, durationMs: 1}}},
		});
		for (const [lessonId, stepId] of [['one', 'a'], ['one', 'b'], ['two', 'c']] as const) await h.driver.run({lessonId, stepId});
		h.ran.length = 0;
		const partial = await h.driver.reset({lessonId: 'one', stepId: 'b'});
		expect(h.ran.map((request) => request.script)).toEqual(['undo c', 'undo b']);
		expect(partial.failed).toMatchObject({lessonId: 'two', stepId: 'c'});
		expect(h.status('one', 'a')).toBe('done');
		expect(h.status('one', 'b')).toBe('ready');
		h.ran.length = 0;
		await h.driver.reset();
		expect(h.ran.map((request) => request.script)).toEqual(['undo a']);
		expect(h.status('one', 'a')).toBe('ready');
		expect(h.driver.getState().current).toEqual({lessonId: 'one', stepId: 'a'});
	});
});

describe('cannotPassReason', () => {
	const lines = (...texts: string[]) => texts.map((text) => ({stream: 'output' as const, text}));
	it('finds the errors waiting does not fix (kubectl Status reasons, ARM codes, helm, a missing command)', () => {
		expect(cannotPassReason(lines('Error from server (NotFound): namespaces "demo" not found'))).toContain('NotFound');
		expect(cannotPassReason(lines("(ResourceGroupNotFound) Resource group 'yj-rg' could not be found.", 'Code: ResourceGroupNotFound'))).toContain('(ResourceGroupNotFound)');
		expect(cannotPassReason(lines('Error: INSTALLATION FAILED: cannot re-use a name that is still in use'))).toBeDefined();
		expect(cannotPassReason(lines('bash: line 1: hubble: command not found'))).toBeDefined();
	});
	it('leaves errors that waiting can fix to the checks (a refused connection, a timeout, a curl exit)', () => {
		expect(cannotPassReason(lines('The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?'))).toBeUndefined();
		expect(cannotPassReason(lines('curl: (28) Connection timed out after 5001 milliseconds'))).toBeUndefined();
		expect(cannotPassReason(lines('error: timed out waiting for the condition'))).toBeUndefined();
	});
});
