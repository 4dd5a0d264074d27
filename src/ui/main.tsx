// startTui(options): the interactive lab. src/cli.tsx imports this module lazily, after parsing arguments and
// loading the lab, so `--version` and the headless commands never load Ink.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {render, type Instance} from 'ink';
import wrapAnsi from 'wrap-ansi';
import {App} from './App.js';
import {TuiController, type CheckRequest, type ExplainRequest, type PreparedTarget, type TuiDeps} from './controller.js';
import {LazyJobs} from './lazy-jobs.js';
import {msg} from '../lab/i18n.js';
import {preloadMarkdown} from './hooks/use-markdown.js';
import type {Loose} from '../checks/logic.js';
import type {CheckResult} from '../checks/types.js';
import type {Lab, Lang, TrackId} from '../lab/types.js';
import type {ProgressLessons, Target} from '../session/index.js';
import {traceStartup} from '../startup-trace.js';
import {yogaReady} from './yoga-ready.js';
import {requestCodeCache} from '../code-cache.js';
import {isTerminalGoneError, markTerminalGone, onTerminalGone, terminalGone, terminalHungUp} from '../terminal-gone.js';

export interface StartTuiOptions {
	lab: Lab;
	lang: Lang;
	target: Target;
	/** The lab home: logs go under <home>/logs. */
	home: string;
	/** The target's environment (PATH, KUBECONFIG…); the lab's variables are added to it. */
	baseEnv: Record<string, string | undefined>;
	/** The saved (or --track) track; undefined on first start, which opens the track chooser. */
	track?: TrackId;
	/** Resolved values (defaults < saved < --set). */
	variables: Record<string, string>;
	/** First start: ask for the variables (after the track). */
	firstStart?: boolean;
	progress?: ProgressLessons;
	/** --context */
	context?: string;
	/** Writes the progress file (src/progress). */
	saveProgress: TuiDeps['saveProgress'];
	/** Polls a step's checks (default: src/checks' pollChecks through src/cli/checks.ts). */
	runChecks?: (request: CheckRequest) => Promise<CheckResult[]>;
	/**
	 * Readies the target for a track behind the first frame (the practice cluster: starts its daemon; the k8s track
	 * gets a ready-made cluster). Called at start and whenever the learner picks another track.
	 */
	prepareTarget?: (track: TrackId) => Promise<PreparedTarget>;
	/** Re-check completed steps on start (default true). */
	reverify?: boolean;
	/** --join URL --name NAME: report progress to a workshop server (src/workshop/reporter.ts). */
	workshop?: {url: string; name: string; shareOutput?: boolean};
	/** Test seams: replace any of the real adapters. */
	deps?: Partial<TuiDeps>;
}

/** Runs the TUI until the learner quits; resolves with the exit code. */
export async function startTui(options: StartTuiOptions): Promise<number> {
	const lazyJobs = new LazyJobs(options.home);
	const jobs = options.deps?.jobs ?? lazyJobs;
	const deps: TuiDeps = {
		runCommand: async (request) => (await loadRunner()).runCommand({...request, pidDir: path.join(options.home, 'jobs'), pidName: 'step'}),
		runChecks: options.runChecks ?? (async (request) => (await import('../cli/checks.js')).runChecks(request)),
		runInteractive: async (script, env) => (await import('../run/interactive.js')).runInteractive({script, env}),
		jobs,
		prepareTarget: options.prepareTarget,
		explainEgress: options.target.kind === 'practice' ? (request) => explainEgress(request, options.home, options.lang) : undefined,
		saveProgress: options.saveProgress,
		readAsset: (name) => readFileSync(path.join(options.lab.assetsDir, name), 'utf8'),
		logFileFor: async (label) => (await loadRunner()).logFileFor(options.home, label),
		identify: async (request) => (await import('../target-identity.js')).identifyTarget(request),
		inspectAzure: async (request) => (await import('../target-identity.js')).inspectAzureResource(request),
		portHolder: async (port) => (await import('../run/port-holder.js')).portHolder(port),
		...options.deps,
	};
	const controller = new TuiController({
		lab: options.lab,
		lang: options.lang,
		target: options.target,
		baseEnv: options.baseEnv,
		home: options.home,
		track: options.track,
		variables: options.variables,
		askVariables: options.firstStart,
		progress: options.progress,
		context: options.context,
		deps,
	});

	const reporter = options.workshop ? await joinWorkshop(options, controller) : undefined;

	const mount = (): Instance => {
		// Raw before the first frame, not once Ink's input effect runs after it: a key pressed as the frame appears
		// must reach the app as the key it is (in cooked mode the tty echoes it and turns Enter into a newline).
		if (process.stdin.isTTY && !terminalGone()) process.stdin.setRawMode(true);
		return render(<App controller={controller} />, {exitOnCtrlC: false, patchConsole: true, maxFps: 30});
	};
	await yogaReady;
	let instance = mount();
	traceStartup('first frame');
	controller.onHandOver = async (run, banner) => {
		instance.unmount();
		await instance.waitUntilExit().catch(() => {});
		// A clean screen: the command's output and prompt must not look like part of the lab's last frame.
		const width = process.stdout.columns || 80;
		process.stdout.write(`\u001b[2J\u001b[3J\u001b[H${wrapAnsi(banner, width, {hard: true})}\n\n`);
		const resumeReading = stopReadingTerminal(process.stdin);
		try {
			await run();
		} finally {
			resumeReading();
			instance = mount();
		}
	};

	// Signals from outside (a closed terminal, kill): stop every command and job, save, leave. While a command owns
	// the terminal, Ctrl-C and Ctrl-\ are its own (runInteractive ignores them for the app).
	const onSignal = (signal: NodeJS.Signals) => {
		if (controller.handedOver && signal === 'SIGINT') return;
		if (signal === 'SIGHUP' && terminalHungUp()) markTerminalGone();
		controller.abortAll();
		void controller.quit(signal === 'SIGINT' ? 130 : 128 + (signal === 'SIGHUP' ? 1 : 15));
	};
	const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
	for (const signal of signals) process.on(signal, onSignal);
	// The terminal gone without a SIGHUP reaching the app (a read or write failing with EIO/ENXIO, the input ending):
	// the same as a closed terminal's SIGHUP.
	const stopHearingGone = onTerminalGone(() => onSignal('SIGHUP'));
	const onInputError = (error: Error) => {
		if (isTerminalGoneError(error)) markTerminalGone();
	};
	const onInputEnd = () => {
		if (!controller.handedOver) markTerminalGone();
	};
	process.stdin.on('error', onInputError);
	process.stdin.on('end', onInputEnd);

	// After the first frame: ready the target (the practice daemon starts behind the lesson list), stop jobs a killed
	// app left behind, load the Markdown renderer, and re-check what was done before.
	setImmediate(() => {
		traceStartup('after first frame');
		requestCodeCache();
		if (options.prepareTarget) void controller.prepareTarget(controller.getSnapshot().session.track);
		// The rest a turn later: the practice daemon is spawned first (its way there is only promise steps), not after
		// the Markdown renderer's ~1.5 MB bundle compiled.
		setImmediate(() => {
			void preloadMarkdown();
			void loadRunner();
			if (jobs === lazyJobs) {
				void lazyJobs.reapOrphans().then((reaped) => {
					if (reaped.length > 0) controller.say(msg(options.lang, 'jobs.reaped', {names: reaped.map((job) => `${job.name} (pid ${job.pid})`).join(', ')}));
				});
			}
			if (options.reverify !== false) void controller.reverify();
		});
	});

	try {
		const code = await controller.exited;
		// Progress the last save could not write is lost with the app: said where it stays readable, and the exit
		// code is the machine's (EX_IOERR), not a clean 0.
		if (controller.unsaved) {
			instance.unmount();
			process.stderr.write(`cilium-lab: ${controller.unsaved}\n`);
			return code === 0 ? 74 : code;
		}
		return code;
	} finally {
		for (const signal of signals) process.off(signal, onSignal);
		stopHearingGone();
		process.stdin.off('error', onInputError);
		process.stdin.off('end', onInputEnd);
		instance.unmount();
		await lazyJobs.dispose();
		await reporter?.close(2000);
	}
}

/** The workshop reporter follows the driver; the status bar shows whether the server takes the events. */
async function joinWorkshop(options: StartTuiOptions, controller: TuiController) {
	const {WorkshopReporter, describePacing} = await import('../workshop/reporter.js');
	const reporter = new WorkshopReporter({
		url: options.workshop!.url,
		name: options.workshop!.name,
		shareOutput: options.workshop!.shareOutput,
		track: options.track ?? options.lab.tracks[0]?.id ?? 'k8s',
		target: options.target.kind,
		lang: options.lang,
		home: options.home,
		onStatus: (status) => controller.setWorkshop(status.joined ? 'connected' : 'offline'),
		onPacing: (message) => controller.setFacilitator(describePacing(message, options.lab, options.lang)),
	});
	controller.setWorkshop('connecting');
	reporter.attach(controller.driver);
	reporter.start();
	return reporter;
}

/** `cilium-lab policy explain --from NS/POD --to URL` for an egress check (src/practice/datapath/explain-cli.ts). */
async function explainEgress(request: ExplainRequest, home: string, lang: Lang): Promise<string[]> {
	const {explainInCluster, parseTarget} = await import('../practice/datapath/explain-cli.js');
	const pod = request.pod ?? (await podFor(request));
	const result = await explainInCluster({
		kubeconfig: request.env.KUBECONFIG?.split(path.delimiter)[0],
		home,
		namespace: request.namespace,
		pod,
		target: parseTarget(request.url, 'tcp'),
		lang,
	});
	return [...result.header, ...(result.explanation?.lines ?? [])];
}

/**
 * The pod the egress check would run curl in, so the explanation is about that pod: what the selector lists, picked
 * by the checks' own rule (pickPod: the first Running, Ready pod that is not being deleted; else the first Running one).
 */
export async function podFor(request: ExplainRequest): Promise<string> {
	const [{execa}, {pickPod}] = await Promise.all([import('execa'), import('../checks/logic.js')]);
	const selector = request.selector ?? '';
	const result = await execa('kubectl', ['get', 'pods', '-n', request.namespace, '-l', selector, '-o', 'json'], {
		env: request.env,
		extendEnv: false,
		reject: false,
	});
	if (result.exitCode !== 0) throw new Error(`kubectl get pods -n ${request.namespace} -l ${selector} failed: ${String(result.stderr).trim() || `exit code ${result.exitCode}`}`);
	const pods = (JSON.parse(String(result.stdout)) as {items?: Loose[]}).items ?? [];
	const name = pickPod(pods)?.metadata?.name as string | undefined;
	if (name) return name;
	throw new Error(pods.length === 0 ? `no pod in ${request.namespace} matches ${selector || '(no selector)'}` : `no Running pod in ${request.namespace} matches ${selector || '(no selector)'}`);
}

/**
 * Stops the app reading the terminal while a command owns it; the returned function starts it again. Ink's unmount
 * drops its listener but leaves libuv reading: a shell with job control (`bash -i`) then moves the app to a
 * background process group, and its next read fails with EIO (the app crashed on the first key typed in the `o`
 * shell) or stops it with SIGTTIN. Node has no public way to stop a TTY read (net.Socket#pause only stops sockets
 * with a fixed buffer), hence the handle. The stream still counts its read as pending, so a new 'readable' listener
 * alone would not start another: resuming starts the handle itself.
 */
export function stopReadingTerminal(stdin: NodeJS.ReadStream): () => void {
	const handle = (stdin as NodeJS.ReadStream & {_handle?: {reading?: boolean; readStop?: () => number; readStart?: () => number}})._handle;
	if (!handle?.reading || !handle.readStop || !handle.readStart) return () => {};
	handle.reading = false;
	handle.readStop();
	return () => {
		if (handle.reading || stdin.destroyed) return;
		handle.reading = true;
		handle.readStart?.();
	};
}

// The runner (and execa under it) loads after the first frame.
let runner: Promise<typeof import('../run/runner.js')> | undefined;
function loadRunner() {
	runner ??= import('../run/runner.js');
	return runner;
}
