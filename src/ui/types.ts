// The TUI's types: what the controller needs from the world (TuiDeps), how it is made (ControllerOptions), and
// the snapshot the screens render (TuiSnapshot).
import type {CheckResult} from '../checks/types.js';
import type {Lab, Lang, TrackId} from '../lab/types.js';
import type {RunOutcome} from '../run/types.js';
import type {Cursor, ProgressLessons, SessionState, Target} from '../session/index.js';
import type {CheckRequest, CommandRequest, DriverPorts, JobsPort} from '../session/ports.js';
import type {EffectConfirmation} from '../session/confirm.js';
import type {ExplainRequest} from './explain.js';
import type {VariablesEdit} from './variables-editor.js';

export type Screen = 'tracks' | 'variables' | 'lessons' | 'step' | 'help';
export type {CheckRequest, ExplainRequest, JobsPort, VariablesEdit};
export type RunRequest = CommandRequest;

/** The environment of the target, once it is ready (the practice cluster starts behind the first frame). */
export interface PreparedTarget {
	env: Record<string, string>;
	context?: string;
	/** Something the learner must know about it (the practice cluster's saved state was damaged). */
	warning?: string;
}

/** What the TUI does to the world. main.tsx wires the real ones; tests pass their own. */
export interface TuiDeps {
	runCommand(request: RunRequest): Promise<RunOutcome>;
	runChecks(request: CheckRequest): Promise<CheckResult[]>;
	/** Gives the terminal to `script` (src/run/interactive.ts) and resolves once it exits and the terminal is back. */
	runInteractive(script: string, env: Record<string, string>): Promise<RunOutcome>;
	jobs: JobsPort;
	/** Readies the target for a track (the practice cluster: starts the daemon; the k8s track gets a cluster). */
	prepareTarget?(track: TrackId): Promise<PreparedTarget>;
	/** `cilium-lab policy explain` for a failed or surprising egress check; undefined where it cannot explain. */
	explainEgress?(request: ExplainRequest): Promise<string[]>;
	saveProgress(snapshot: {track: TrackId; variables: Record<string, string>; lessons: ProgressLessons}): Promise<void>;
	readAsset(name: string): string;
	logFileFor(label: string): Promise<string | undefined>;
	/** Where the real target is (az account show, kube context and server), shown in a step's confirmation. */
	identify?: DriverPorts['identify'];
	inspectAzure?: DriverPorts['inspectAzure'];
	/** Who holds a port a step listens on (src/run/port-holder.ts). */
	portHolder?: DriverPorts['portHolder'];
}

export interface ControllerOptions {
	lab: Lab;
	lang: Lang;
	target: Target;
	/** The environment commands run with before the lab's variables (the target's PATH, KUBECONFIG…). */
	baseEnv: Record<string, string | undefined>;
	home: string;
	/** The saved track; undefined on first start (the track chooser opens). */
	track?: TrackId;
	variables: Record<string, string>;
	/** True on first start: the variables screen opens after the track chooser. */
	askVariables?: boolean;
	progress?: ProgressLessons;
	/** kube context given with --context. */
	context?: string;
	deps: TuiDeps;
}

/** A question the learner answers before anything else happens (y / n / Esc). */
export type Confirm =
	| {kind: 'quit-running'}
	| {kind: 'quit-jobs'}
	| {kind: 'go-back'; ref: Cursor; activity: 'run' | 'solve'; later: Cursor[]}
	| {kind: 'reset'; from?: Cursor | {lessonId: string}}
	| {kind: 'track-switch'; track: TrackId; passed: number}
	/** A step with effects on the real target (src/session/confirm.ts): y/n, or its resources' names typed. */
	| {kind: 'effects'; need: EffectConfirmation; typed: string; mismatch?: boolean};

export interface TuiSnapshot {
	session: SessionState;
	screen: Screen;
	/** The screen help or a dialog returns to. */
	previousScreen: Screen;
	lessonIndex: number;
	trackIndex: number;
	variables: VariablesEdit;
	scroll: number;
	confirm?: Confirm;
	/** A one-line message (cleared by the next key). */
	message?: string;
	outputVersion: number;
	/** The target being readied behind the first frame ("starting the practice cluster…"), or why it failed. */
	targetState: 'ready' | 'starting' | {error: string};
	/** With --join: whether the workshop server takes this lab's progress events. */
	workshop?: 'connecting' | 'connected' | 'offline';
	/** With --join: the facilitator's last message, hint, hold or release, for the status bar. */
	facilitator?: {kind: 'message' | 'hint' | 'held' | 'released'; text: string};
	/** The track chooser on first start (no track chosen yet, so none is marked as current). */
	firstTrackChoice: boolean;
	/** `policy explain` lines for the current step's egress check ('loading' while it runs). */
	explain?: {key: string; lines: string[] | 'loading'};
	/** Checks polling now, by lesson/step: when they started and how long they may poll (the step's timeout). */
	checking?: Record<string, {startedAt: string; timeoutSec: number}>;
	/** The full view (f) of the step: the whole command, output (from its log file), checks and explain; its first row. */
	fullView?: {scroll: number};
	/** The step view cut a region to fit the terminal: the footer offers the full view. */
	clipped?: boolean;
}
