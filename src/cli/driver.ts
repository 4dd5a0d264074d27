// The step driver as the headless commands (run, reset) use it: the real runner, a JobManager under the lab home
// (pid files, so a killed run's jobs are stopped by the next start), and the target's environment.
import path from 'node:path';
import type {Lab, Lang, TrackId} from '../lab/types.js';
import {commandEnvironment} from '../lab/variables.js';
import {labHomeId} from '../home.js';
import {followClusterCosts} from '../cost/track.js';
import {createSession, type ProgressLessons, type Target} from '../session/index.js';
import {StepDriver} from '../session/driver.js';
import type {CheckRunner, CommandRequest, DriverPorts, JobsPort} from '../session/ports.js';
import type {RunOutcome} from '../run/types.js';

export interface CommandRunner {
	runCommand(options: CommandRequest & {pidDir?: string; pidName?: string}): Promise<RunOutcome>;
	logFileFor(home: string, label: string): string;
}

export interface HeadlessDriverOptions {
	lab: Lab;
	track: TrackId;
	lang: Lang;
	variables: Record<string, string>;
	home: string;
	target: Target;
	targetEnv: Record<string, string>;
	context?: string;
	progressLessons?: ProgressLessons;
	runner: CommandRunner;
	runChecks: CheckRunner;
	/** Background steps' jobs (default: a JobManager under the home, disposed by `close`). */
	jobs?: JobsPort;
	/** Answers a step's confirmation on the real target (src/cli/confirm.ts); absent, such steps are refused. */
	confirmEffects?: DriverPorts['confirmEffects'];
	/** Told about each process a killed earlier run left behind, stopped before this one starts. */
	onReaped?(orphan: {name: string; pid: number; command: string}): void;
	/** Where the real target is (default: src/target-identity.ts, `az account show` and kubectl). */
	identify?: DriverPorts['identify'];
	/** Reads an Azure resource's tags (default: src/target-identity.ts, `az … show --query tags`). */
	inspectAzure?: DriverPorts['inspectAzure'];
}

/** A driver and `close()`, which stops what it started (commands, checks, background jobs). */
export async function headlessDriver(options: HeadlessDriverOptions): Promise<{driver: StepDriver; close(): Promise<void>}> {
	const env = commandEnvironment({base: options.targetEnv, variables: options.variables, assetsDir: options.lab.assetsDir, home: options.home, homeId: labHomeId(options.home)});
	const ownJobs = options.jobs ? undefined : new (await import('../run/jobs.js')).JobManager(options.home);
	// What a run killed with SIGKILL left running (its steps' and jobs' process groups) is stopped first.
	const reaped = (await ownJobs?.reapOrphans()) ?? [];
	for (const orphan of reaped) options.onReaped?.(orphan);
	const jobs = options.jobs ?? ownJobs!;
	const driver = new StepDriver({
		session: createSession({lab: options.lab, track: options.track, lang: options.lang, variables: options.variables, target: options.target, progress: options.progressLessons}),
		ports: {
			// Foreground commands get pid files like background jobs: a later start stops what a killed run left.
			runCommand: (request) => options.runner.runCommand({...request, pidDir: path.join(options.home, 'jobs'), pidName: 'step'}),
			runChecks: options.runChecks,
			jobs,
			logFileFor: (label) => options.runner.logFileFor(options.home, label),
			confirmEffects: options.confirmEffects,
			portHolder: async (port) => (await import('../run/port-holder.js')).portHolder(port),
			identify: options.identify ?? (async (request) => (await import('../target-identity.js')).identifyTarget(request)),
			inspectAzure: options.inspectAzure ?? (async (request) => (await import('../target-identity.js')).inspectAzureResource(request)),
		},
		environment: async () => ({env, context: options.context}),
	});
	followClusterCosts(driver, options.home);
	return {
		driver,
		close: async () => {
			driver.cancelAll();
			await driver.settled();
			// A headless command leaves nothing running behind it.
			await jobs.stopAll();
			await ownJobs?.dispose();
		},
	};
}
