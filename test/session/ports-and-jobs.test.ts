// Before a step that listens on a port runs, the driver asks who holds it (a busy port fails the step at once,
// naming the holder and the variable to change); a background step whose command ends with an error fails with
// its output, even when its checks would pass against someone else's listener. portHolder with a real socket.
import net from 'node:net';
import {describe, expect, it} from 'vitest';
import type {Lab, Step} from '../../src/lab/types.js';
import {portHolder} from '../../src/run/port-holder.js';
import type {JobInfo, RunOutcome} from '../../src/run/types.js';
import {StepDriver} from '../../src/session/driver.js';
import {createSession} from '../../src/session/index.js';
import type {CommandRequest, DriverPorts, JobsPort} from '../../src/session/ports.js';
import {step} from '../ui/helpers/lab.js';

const ref = {lessonId: 'one', stepId: 'forward'};

function lab(steps: Step[]): Lab {
	return {
		title: {ko: '실습', en: 'lab'},
		tracks: [{id: 'k8s', title: {ko: 'k8s', en: 'k8s'}, description: {ko: '', en: ''}}],
		variables: [],
		lessons: [{id: 'one', order: 1, title: {ko: '하나', en: 'one'}, body: {ko: '', en: ''}, tracks: ['k8s'], requires: [], file: 'one.yaml', steps}],
		lessonsDir: '/x',
		assetsDir: '/x/assets',
	};
}

function harness(theStep: Step, options: {holder?: string; jobEnds?: {outcome: RunOutcome; lastLine: string; afterMs: number}}) {
	const ran: CommandRequest[] = [];
	const started: string[] = [];
	const listeners = new Set<() => void>();
	const jobs: JobInfo[] = [];
	const jobsPort: JobsPort = {
		start: (o) => {
			started.push(o.script);
			const info: JobInfo = {id: 1, name: o.name, command: o.script, pid: 1, since: new Date(0), lastLine: undefined, logFile: undefined, outcome: undefined};
			jobs.push(info);
			if (options.jobEnds) {
				const {outcome, lastLine, afterMs} = options.jobEnds;
				setTimeout(() => {
					info.lastLine = lastLine;
					info.outcome = outcome;
					for (const listener of listeners) listener();
				}, afterMs);
			}
			return info;
		},
		list: () => jobs,
		running: () => jobs.filter((job) => !job.outcome),
		stop: async () => undefined,
		stopAll: async () => {},
		subscribe: (listener) => {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
	const ports: DriverPorts = {
		runCommand: async (request) => {
			ran.push(request);
			return {kind: 'exited', exitCode: 0, durationMs: 1};
		},
		// The checks pass: something answers (another learner's relay).
		runChecks: async (request) => {
			await new Promise((resolve) => setTimeout(resolve, 50));
			return request.specs.map(() => ({ok: true, summary: 'something answers'}));
		},
		jobs: jobsPort,
		logFileFor: () => undefined,
		portHolder: async (port) => (port === 4245 ? options.holder : undefined),
	};
	const driver = new StepDriver({
		session: createSession({lab: lab([theStep]), track: 'k8s', lang: 'en', variables: {HUBBLE_RELAY_PORT: '4245'}}),
		ports,
		environment: async () => ({env: {}}),
	});
	return {driver, ran, started};
}

const forward = step('forward', {mode: 'background', run: 'cilium hubble port-forward --port-forward $HUBBLE_RELAY_PORT', listens: ['${HUBBLE_RELAY_PORT}'], expect: [{kind: 'command', script: 'hubble status'}]});

describe('ports a step listens on', () => {
	it('a busy port fails the step before it runs, naming the holder and the variable', async () => {
		const {driver, started} = harness(forward, {holder: 'pid 77 (kubectl port-forward svc/hubble-relay 4245:80)'});
		await driver.run(ref);
		const state = driver.getState().lessons.one!.steps.forward!;
		expect(started).toEqual([]);
		expect(state.status).toBe('failed');
		expect(state.failure).toEqual({
			kind: 'failedToStart',
			message: 'port 4245 is already in use: pid 77 (kubectl port-forward svc/hubble-relay 4245:80). Stop it, or pick another port for HUBBLE_RELAY_PORT in the variables (v)',
		});
	});

	it('a free port runs it', async () => {
		const {driver, started} = harness(forward, {});
		await driver.run(ref);
		await driver.settled();
		expect(started).toHaveLength(1);
		expect(driver.getState().lessons.one!.steps.forward!.status).toBe('done');
	});

	it('portHolder names this process when it listens on the port', async () => {
		const server = net.createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
		const {port} = server.address() as net.AddressInfo;
		try {
			expect(await portHolder(port)).toMatch(new RegExp(`^pid ${process.pid} \\(.*node`));
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
		expect(await portHolder(port)).toBeUndefined();
	});
});

describe('a background step whose command fails', () => {
	it('fails at once with its output, though its checks would pass', async () => {
		const {driver} = harness(forward, {jobEnds: {outcome: {kind: 'exited', exitCode: 1, durationMs: 5}, lastLine: 'Error: unable to listen on any of the requested ports: [{4245 4245}]', afterMs: 20}});
		await driver.run(ref);
		await driver.settled();
		const state = driver.getState().lessons.one!.steps.forward!;
		expect(state.status).toBe('failed');
		expect(state.checks[0]!.result!.summary).toBe('the background command ended (exit 1): Error: unable to listen on any of the requested ports: [{4245 4245}]');
		expect(state.failure).toMatchObject({kind: 'checks', cause: 'Error: unable to listen on any of the requested ports: [{4245 4245}]'});
	});

	it('fails while its checks poll when it ends with an error later', async () => {
		const slow = step('forward', {...forward, expect: [{kind: 'command', script: 'hubble status'}]});
		const {driver} = harness(slow, {jobEnds: {outcome: {kind: 'exited', exitCode: 2, durationMs: 5}, lastLine: 'lost connection to pod', afterMs: 520}});
		// Checks that keep failing until the job ends.
		(driver as unknown as {options: {ports: DriverPorts}}).options.ports.runChecks = (request) =>
			new Promise((resolve) => request.signal.addEventListener('abort', () => resolve(request.specs.map(() => ({ok: false, summary: 'cancelled'})))));
		await driver.run(ref);
		await driver.settled();
		const state = driver.getState().lessons.one!.steps.forward!;
		expect(state.status).toBe('failed');
		expect(state.checks[0]!.result!.summary).toContain('the background command ended (exit 2): lost connection to pod');
	});
});
