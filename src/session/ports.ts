// What the step driver (driver.ts) asks of the world. Plain interfaces: the TUI and `cilium-lab run` pass the real
// adapters (src/run's runner and JobManager, src/cli/checks.ts's poller); tests pass fakes.
import type {CheckResult} from '../checks/types.js';
import type {CheckSpec, Lang, StepResource} from '../lab/types.js';
import type {JobInfo, OutputLine, RunOutcome, StartJobOptions} from '../run/types.js';
import type {EffectConfirmation, TargetIdentity} from './confirm.js';
import type {ObservedResource} from './ownership.js';

export interface CommandRequest {
	script: string;
	env: Record<string, string>;
	timeoutMs?: number;
	signal: AbortSignal;
	/** Batches of lines as they come; `skipped` lines came before these and are only in the log file. */
	onLines: (lines: OutputLine[], skipped: number) => void;
	logFile?: string;
}

export interface CheckRequest {
	specs: CheckSpec[];
	/** Seconds the checks may keep polling (a check's own `timeout` wins); 0 evaluates each check once. */
	timeoutSec: number;
	env: Record<string, string>;
	/** The lab's validated variables: `${NAME}` in the checks' parameters is replaced from these before each run. */
	variables: Record<string, string>;
	lang: Lang;
	context?: string;
	signal: AbortSignal;
	onUpdate: (index: number, result: CheckResult, final: boolean) => void;
}

export type CheckRunner = (request: CheckRequest) => Promise<CheckResult[]>;

/** Background jobs (src/run/jobs.ts JobManager): they outlive the step; every one is stopped when the app exits. */
export interface JobsPort {
	start(options: StartJobOptions): JobInfo;
	list(): JobInfo[];
	running(): JobInfo[];
	stop(id: number): Promise<RunOutcome | undefined>;
	stopAll(): Promise<void>;
	subscribe(listener: () => void): () => void;
	/** Resolves once jobs can start (the TUI loads the manager after its first frame). */
	ready?(): Promise<void>;
}

export interface InteractiveRequest {
	script: string;
	env: Record<string, string>;
	lessonId: string;
	stepId: string;
}

export interface DriverPorts {
	runCommand(request: CommandRequest): Promise<RunOutcome>;
	runChecks: CheckRunner;
	/** Gives the terminal to the command and resolves once it is back. Absent headless: interactive steps need a solve there. */
	runInteractive?(request: InteractiveRequest): Promise<RunOutcome>;
	jobs: JobsPort;
	/** Where a command's full output goes (`<home>/logs/…`); undefined keeps no log. */
	logFileFor(label: string): Promise<string | undefined> | string | undefined;
	/**
	 * Where the real target is: the Azure subscription (`az account show`, when `azure`) and the kube context and its
	 * server. Asked before a confirmation; absent or failing, the confirmation says "unknown".
	 */
	identify?(request: {env: Record<string, string>; context?: string; azure: boolean}): Promise<TargetIdentity>;
	/**
	 * Asks for the confirmation a step with effects needs on the real target (src/session/confirm.ts); true runs it.
	 * Absent: such a step is refused there.
	 */
	confirmEffects?(need: EffectConfirmation): Promise<boolean>;
	/**
	 * A resource group's or AKS cluster's tags (`az … show --query tags`), for a step with `guard: labTags` on the real
	 * target (src/session/ownership.ts). Absent: such a step is refused there, as the lab cannot see what it made.
	 */
	inspectAzure?(request: {env: Record<string, string>; resource: StepResource; /** A resource group to be deleted: list what is in it too. */ contents?: boolean}): Promise<ObservedResource>;
	/** Who holds a local port a step listens on (src/run/port-holder.ts); undefined when it is free. Absent: not checked. */
	portHolder?(port: number): Promise<string | undefined>;
	/** ISO time; tests fake it. */
	now?(): string;
}

/** The environment commands and checks run with (the target's, plus the lab's variables). */
export interface DriverEnvironment {
	env: Record<string, string>;
	/** The kube context checks use (--context), where the learner chose one. */
	context?: string;
}
