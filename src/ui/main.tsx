// startTui(options): the interactive lab. src/cli.tsx imports this module lazily, after parsing arguments and
// loading the lab, so `--version` and the headless commands never load Ink.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {render, type Instance} from 'ink';
import {App} from './App.js';
import {TuiController, type CheckRequest, type TuiDeps} from './controller.js';
import {preloadMarkdown} from './hooks/use-markdown.js';
import type {CheckResult} from '../checks/types.js';
import type {Lab, Lang, TrackId} from '../lab/types.js';
import type {ProgressLessons, Target} from '../session/index.js';

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
	/** Polls a step's checks (src/checks). */
	runChecks: (request: CheckRequest) => Promise<CheckResult[]>;
	/** Re-check completed steps on start (default true). */
	reverify?: boolean;
	/** Test seams: replace any of the real adapters. */
	deps?: Partial<TuiDeps>;
}

/** Runs the TUI until the learner quits; resolves with the exit code. */
export async function startTui(options: StartTuiOptions): Promise<number> {
	const deps: TuiDeps = {
		runCommand: async (request) => (await loadRunner()).runCommand(request),
		runChecks: options.runChecks,
		handOver: handOverTerminal,
		saveProgress: options.saveProgress,
		readAsset: (name) => readFileSync(path.join(options.lab.assetsDir, name), 'utf8'),
		logFileFor: async (label) => (await loadRunner()).logFileFor(options.home, label),
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

	const mount = (): Instance => render(<App controller={controller} />, {exitOnCtrlC: false, patchConsole: true, maxFps: 30});
	let instance = mount();
	controller.onHandOver = async (run) => {
		instance.unmount();
		await instance.waitUntilExit().catch(() => {});
		try {
			await run();
		} finally {
			instance = mount();
		}
	};

	// Signals from outside (a closed terminal, kill): stop every command and job, save, leave.
	const onSignal = (signal: NodeJS.Signals) => {
		controller.abortAll();
		void controller.quit(signal === 'SIGINT' ? 130 : 128 + (signal === 'SIGHUP' ? 1 : 15));
	};
	const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
	for (const signal of signals) process.on(signal, onSignal);

	// After the first frame: load the Markdown renderer and re-check what was done before.
	setImmediate(() => {
		void preloadMarkdown();
		void loadRunner();
		if (options.reverify !== false) void controller.reverify();
	});

	try {
		return await controller.exited;
	} finally {
		for (const signal of signals) process.off(signal, onSignal);
		instance.unmount();
	}
}

/** Gives the terminal to a command (stdio inherited) and resolves with its exit code. */
async function handOverTerminal(script: string, env: Record<string, string>): Promise<number> {
	const {execa} = await import('execa');
	const result = await execa('bash', ['-c', script], {stdio: 'inherit', env, extendEnv: false, reject: false});
	return result.exitCode ?? 1;
}

// The runner (and execa under it) loads after the first frame.
let runner: Promise<typeof import('../run/runner.js')> | undefined;
function loadRunner() {
	runner ??= import('../run/runner.js');
	return runner;
}
