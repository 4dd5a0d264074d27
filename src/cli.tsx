// Composition root: parses arguments, builds the real adapters, maps outcomes to exit codes. Run by src/entry.ts.
// Only argument parsing is imported up front; everything else loads when a command needs it, so
// `--version` and `--help` stay as fast as node itself.
import path from 'node:path';
import {EXIT, LabError, UserError} from './errors.js';
import {HELP, parseCliArgs, type CliArgs} from './cli/args.js';
import {traceStartup} from './startup-trace.js';
import {isTerminalGoneError, markTerminalGone, terminalHungUp, watchTerminal} from './terminal-gone.js';
import type {TrackId} from './lab/types.js';
import type {ResolvedTarget} from './target.js';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

/**
 * Ctrl-C, SIGTERM or a closed terminal (SIGHUP) during a headless command cancels it: its process tree and
 * background jobs are stopped and what passed is saved (exit 130); a second signal leaves at once.
 */
/** The exit code of a run a signal cancelled: 128 + the signal's number, as a shell reports it. */
const SIGNAL_EXIT: Record<string, number> = {SIGINT: EXIT.cancelled, SIGTERM: 143, SIGHUP: 129};

function cancelOnSignals(): {signal: AbortSignal; exitCode(): number | undefined; dispose(): void} {
	const controller = new AbortController();
	const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
	let first: NodeJS.Signals | undefined;
	const onSignal = (signal: NodeJS.Signals) => {
		// A closed terminal: what is still printed goes nowhere instead of failing with EIO.
		if (signal === 'SIGHUP' && terminalHungUp()) markTerminalGone();
		if (controller.signal.aborted) process.exit(SIGNAL_EXIT[first ?? signal] ?? EXIT.cancelled);
		first = signal;
		controller.abort(signal);
	};
	for (const signal of signals) process.on(signal, onSignal);
	return {
		signal: controller.signal,
		exitCode: () => (first ? SIGNAL_EXIT[first] : undefined),
		// The command is over: what is left (flushing a workshop report, closing its channel) is not worth waiting
		// for, so a signal now leaves at once with its exit code, instead of Node's default death by the signal.
		dispose: () =>
			signals.forEach((signal) => {
				process.off(signal, onSignal);
				process.once(signal, () => process.exit(SIGNAL_EXIT[signal] ?? EXIT.cancelled));
			}),
	};
}

/** A lab home that cannot take a write (permissions, read-only, full) is refused before any step runs. */
async function refuseUnwritableHome(home: string, lang: import('./lab/types.js').Lang): Promise<void> {
	const [{probeHomeWritable}, {msg}, {EnvironmentError, describeErrno}] = await Promise.all([import('./home.js'), import('./lab/i18n.js'), import('./errors.js')]);
	try {
		probeHomeWritable(home);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new EnvironmentError(msg(lang, 'home.unwritable', {home, reason: describeErrno(code, lang)}), msg(lang, 'home.unwritableHint'));
	}
}

async function askYesNo(question: string): Promise<boolean> {
	const {askLine} = await import('./cli/confirm.js');
	return /^(y|yes|예|네|ㅇ)$/i.test((await askLine(question)).trim());
}

/** The lab (from its cache when the lesson files have not changed) and the progress, variables and track. */
async function loadSetup(args: CliArgs) {
	const [{setup, labLocation}, {loadLabCached}] = await Promise.all([import('./cli/setup.js'), import('./lab/cache.js')]);
	const {home, lessonsDir} = labLocation(args);
	try {
		(await import('./home.js')).ensureHome(home);
	} catch {
		// A home that cannot be made is refused where something would be written (run, reset, the TUI).
	}
	const lab = await loadLabCached(lessonsDir, {
		cacheDir: path.join(home, 'cache'),
		// Written by `npm run build` for the lessons that ship with the app (see scripts/build.mjs).
		snapshots: labSnapshot ? [labSnapshot] : [],
	});
	return setup(args, lab);
}

async function prepare(args: CliArgs) {
	const ctx = await loadSetup(args);
	for (const warning of ctx.warnings) process.stderr.write(`cilium-lab: ${warning}\n`);
	const stored = ctx.progress?.target;
	const kind = args.target ?? stored?.kind ?? 'practice';
	const context = args.context ?? (kind === 'real' && stored?.kind === 'real' ? stored.context : undefined);
	return {ctx, kind, context};
}

async function main(argv: string[]): Promise<number> {
	traceStartup('cli');
	const args = parseCliArgs(argv);
	if (args.version) {
		process.stdout.write(`${VERSION}\n`);
		return EXIT.ok;
	}
	if (args.help || args.subcommand === 'help') {
		process.stdout.write(HELP);
		return EXIT.ok;
	}

	switch (args.subcommand) {
		case 'practice': {
			const {practiceCommand} = await import('./practice/cli.js');
			return practiceCommand(args.rest);
		}
		case 'policy': {
			if (args.rest[0] !== 'explain') throw new UserError(`policy: expected "policy explain …"`, 'cilium-lab policy explain --help');
			const [{policyExplainCommand}, {langFromEnv}] = await Promise.all([import('./practice/datapath/explain-cli.js'), import('./lab/i18n.js')]);
			return policyExplainCommand(args.rest.slice(1), process.stdout, args.lang ?? langFromEnv());
		}
		case 'lint': {
			const [{lintCommand}, {defaultLessonsDir}, {langFromEnv}] = await Promise.all([import('./cli/lint.js'), import('./cli/setup.js'), import('./lab/i18n.js')]);
			return lintCommand(args.positionals[0] ?? args.lessons ?? defaultLessonsDir(), args.lang ?? langFromEnv());
		}
		case 'jobs': {
			const [{jobsCommand}, {labHome}, {langFromEnv}] = await Promise.all([import('./cli/jobs.js'), import('./home.js'), import('./lab/i18n.js')]);
			return jobsCommand({home: labHome(), lang: args.lang ?? langFromEnv(), args: args.positionals, json: args.json, out: process.stdout});
		}
		case 'list': {
			const [ctx, {listCommand}] = await Promise.all([loadSetup(args), import('./cli/list.js')]);
			for (const warning of ctx.warnings) process.stderr.write(`cilium-lab: ${warning}\n`);
			return listCommand(ctx, {json: args.json});
		}
		case 'doctor': {
			const {ctx, kind, context} = await prepare(args);
			const [{doctorCommand, doctorVersionsCommand}, {trackOrFirst}] = await Promise.all([import('./cli/doctor.js'), import('./cli/setup.js')]);
			const [part, ...extra] = args.positionals;
			if (part !== undefined && (part !== 'versions' || extra.length > 0)) throw new UserError(`doctor: unknown argument "${args.positionals.join(' ')}"`, 'cilium-lab doctor [versions] [--json]');
			if (part === 'versions') {
				const track = trackOrFirst(ctx);
				// The practice cluster's kubeconfig and simulated tools come with its target; a real target is the learner's own environment.
				const env = kind === 'practice' ? (await (await import('./target.js')).resolveTarget({target: kind, home: ctx.home, track, lang: ctx.lang})).env : process.env;
				return doctorVersionsCommand({lab: ctx.lab, track, target: kind, context, variables: ctx.variables, home: ctx.home, env, terminal: {isTTY: false}, lang: ctx.lang, json: args.json});
			}
			return doctorCommand({
				lab: ctx.lab,
				track: trackOrFirst(ctx),
				target: kind,
				context,
				variables: ctx.variables,
				home: ctx.home,
				env: process.env,
				terminal: {isTTY: process.stdout.isTTY === true, columns: process.stdout.columns, rows: process.stdout.rows},
				lang: ctx.lang,
				json: args.json,
			});
		}
		case 'workshop': {
			const [ctx, {workshopCommand}] = await Promise.all([loadSetup(args), import('./cli/workshop.js')]);
			const cancel = cancelOnSignals();
			try {
				return await workshopCommand({
					subcommand: args.positionals[0],
					lab: ctx.lab,
					lang: ctx.lang,
					listen: args.listen,
					home: ctx.home,
					newRoom: args.newRoom,
					stuckMinutes: args.stuckMinutes,
					stuckFailures: args.stuckFailures,
					signal: cancel.signal,
				});
			} finally {
				cancel.dispose();
			}
		}
		case 'report': {
			const [ctx, {reportCommand}, {trackOrFirst}] = await Promise.all([loadSetup(args), import('./cli/report.js'), import('./cli/setup.js')]);
			for (const warning of ctx.warnings) process.stderr.write(`cilium-lab: ${warning}\n`);
			return reportCommand({
				lab: ctx.lab,
				track: trackOrFirst(ctx),
				lang: ctx.lang,
				home: ctx.home,
				progress: ctx.progress,
				labVersion: VERSION,
				refs: args.positionals,
				format: args.format,
				certificate: args.certificate,
				verify: args.verify,
				name: args.name || process.env.CILIUM_LAB_NAME,
			});
		}
		case 'check':
		case 'run':
		case 'reset':
			return headless(args);
		default:
			return tui(args);
	}
}

async function headless(args: CliArgs): Promise<number> {
	if (args.subcommand === 'reset' && args.positionals.length > 1) throw new UserError('reset takes at most one LESSON[/STEP]', 'cilium-lab reset fqdn-policy');
	if (args.positionals.length === 0 && args.subcommand !== 'reset') {
		throw new UserError(`${args.subcommand} needs ${args.subcommand === 'check' ? 'LESSON[/STEP]' : 'LESSON…'}`, 'cilium-lab list');
	}
	if (args.subcommand === 'check' && args.positionals.length > 1) throw new UserError('check takes one LESSON[/STEP]');
	const {ctx, kind, context} = await prepare(args);
	const [{trackOrFirst}, {resolveTarget}, {msg}] = await Promise.all([import('./cli/setup.js'), import('./target.js'), import('./lab/i18n.js')]);
	const track = trackOrFirst(ctx);
	// Bad references are user errors before anything starts.
	const {findLessonStep} = await import('./cli/check.js');
	for (const ref of args.positionals) findLessonStep(ctx.lab, track, ctx.lang, ref);

	if (args.dryRun) {
		if (args.subcommand !== 'run') throw new UserError('--dry-run is for run', `cilium-lab run ${args.positionals.join(' ') || 'LESSON'} --dry-run`);
		const {dryRun} = await import('./cli/dry-run.js');
		return dryRun({lab: ctx.lab, track, lang: ctx.lang, refs: args.positionals, variables: ctx.variables, home: ctx.home, target: kind, solve: args.solve, json: args.json, out: process.stdout});
	}
	if (args.confirm.length > 0 && args.subcommand !== 'run' && args.subcommand !== 'reset') throw new UserError('--confirm is for run and reset');

	if (args.subcommand === 'run' || args.subcommand === 'reset') await refuseUnwritableHome(ctx.home, ctx.lang);
	if (args.subcommand === 'run' || args.subcommand === 'reset') {
		const {runningCostLines} = await import('./cost/ledger.js');
		for (const line of runningCostLines(ctx.lang, ctx.home)) process.stderr.write(`cilium-lab: ${line}\n`);
	}
	const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
	if ((args.subcommand === 'run' || args.subcommand === 'reset') && kind === 'real' && !args.yes && !interactive) {
		throw new UserError(msg(ctx.lang, 'run.confirmNeedsYes'), `cilium-lab run ${args.positionals.join(' ')} --target real --yes`);
	}
	const target = await resolveTarget({target: kind, context, home: ctx.home, track, lang: ctx.lang});
	if (target.warning) process.stderr.write(`cilium-lab: ${target.warning}\n`);
	(await import('./launcher.js')).writeLauncher(ctx.home);
	if ((args.subcommand === 'run' || args.subcommand === 'reset') && kind === 'real' && !args.yes) {
		// Named as it resolves: the kube context and its server (not "(current)").
		const {identifyTarget} = await import('./target-identity.js');
		const identity = await identifyTarget({env: target.env, context: target.context, azure: false});
		const where = identity.context ? msg(ctx.lang, 'confirm.kube', {context: identity.context, server: identity.server ?? '?'}) : msg(ctx.lang, 'confirm.kubeUnknown', {error: identity.kubeError ?? '?'});
		const question = args.subcommand === 'reset' ? msg(ctx.lang, 'reset.confirmReal', {target: where}) : msg(ctx.lang, 'run.confirm', {count: args.positionals.length, target: where});
		if (!(await askYesNo(question))) {
			process.stdout.write(`${msg(ctx.lang, 'run.declined')}\n`);
			return EXIT.user;
		}
	}

	const cancel = cancelOnSignals();
	try {
		const code = await headlessCommand(args, {ctx, track, kind, target, cancel, interactive});
		return cancel.exitCode() ?? code;
	} finally {
		cancel.dispose();
	}
}

async function headlessCommand(
	args: CliArgs,
	{ctx, track, kind, target, cancel, interactive}: {ctx: Awaited<ReturnType<typeof prepare>>['ctx']; track: TrackId; kind: 'practice' | 'real'; target: ResolvedTarget; cancel: {signal: AbortSignal}; interactive: boolean},
): Promise<number> {
	const {runChecks} = await import('./cli/checks.js');
	/** What run and reset share: the lab, the target, the progress and the runner (src/cli/driver.ts). */
	const headlessOptions = (runner: typeof import('./run/runner.js')) => ({
		lab: ctx.lab,
		track,
		lang: ctx.lang,
		variables: ctx.variables,
		home: ctx.home,
		target: target.target,
		targetEnv: target.env,
		context: target.context,
		progressLessons: ctx.progress?.lessons,
		runner,
		runChecks,
	});
	if (args.subcommand === 'check') {
		const {checkCommand} = await import('./cli/check.js');
		return await checkCommand({
			lab: ctx.lab,
			track,
			lang: ctx.lang,
			ref: args.positionals[0]!,
			json: args.json,
			variables: ctx.variables,
			home: ctx.home,
			targetEnv: target.env,
			context: target.context,
			runChecks,
			signal: cancel.signal,
		});
	}
	if (args.subcommand === 'reset') {
		const [{resetCommand}, runner, {askLine}] = await Promise.all([import('./cli/reset.js'), import('./run/runner.js'), import('./cli/confirm.js')]);
		return await resetCommand({...headlessOptions(runner), ref: args.positionals[0], json: args.json, store: ctx.store, confirm: {yes: args.yes, confirmed: args.confirm, interactive, ask: askLine}});
	}
	const [{runLessons}, runner, {askLine}] = await Promise.all([import('./cli/run.js'), import('./run/runner.js'), import('./cli/confirm.js')]);
	const reporter = await joinWorkshop(args, {track, target: kind, lang: ctx.lang, home: ctx.home, lab: ctx.lab});
	// A run starts gated by the room's hold: the pacing channel says where it is (the lab goes on without it after 3 s).
	await reporter?.whenHoldKnown(3000);
	try {
		return await runLessons({
			...headlessOptions(runner),
			refs: args.positionals,
			solve: args.solve,
			redo: args.redo,
			json: args.json,
			store: ctx.store,
			signal: cancel.signal,
			confirm: {yes: args.yes, confirmed: args.confirm, interactive, ask: askLine},
			follow: reporter ? (driver) => reporter.attach(driver) : undefined,
		});
	} finally {
		await reporter?.close(3000);
	}
}

async function workshopJoin(args: CliArgs, lang: import('./lab/types.js').Lang): Promise<{url: string; name: string; shareOutput: boolean} | undefined> {
	const url = args.join || process.env.CILIUM_LAB_JOIN;
	if (!url) return undefined;
	const [{parseJoinUrl}, {msg}] = await Promise.all([import('./workshop/reporter.js'), import('./lab/i18n.js')]);
	const name = args.name || process.env.CILIUM_LAB_NAME;
	if (!name) throw new UserError(msg(lang, 'workshop.join.needsName'), `cilium-lab --join ${url} --name NAME`);
	if (!parseJoinUrl(url)) throw new UserError(`--join ${url}: expected the join URL the facilitator printed (http://HOST:PORT/join/CODE)`);
	return {url, name, shareOutput: args.shareOutput};
}

/** --join URL (or CILIUM_LAB_JOIN): the workshop reporter, joining in the background; the lab never waits for it. */
async function joinWorkshop(args: CliArgs, options: {track: string; target: 'practice' | 'real'; lang: import('./lab/types.js').Lang; home: string; lab: import('./lab/types.js').Lab}) {
	const join = await workshopJoin(args, options.lang);
	if (!join) return undefined;
	const {url, name, shareOutput} = join;
	const [{WorkshopReporter, describePacing}, {msg}] = await Promise.all([import('./workshop/reporter.js'), import('./lab/i18n.js')]);
	const {lab, ...reporterOptions} = options;
	let reporter;
	try {
		reporter = new WorkshopReporter({
			url,
			name,
			shareOutput,
			...reporterOptions,
			onStatus: (status) =>
				process.stderr.write(`cilium-lab: ${status.joined ? msg(options.lang, shareOutput ? 'workshop.join.joinedSharing' : 'workshop.join.joined', {url, name}) : msg(options.lang, 'workshop.join.failed', {reason: status.reason})}\n`),
			// The facilitator's messages, hints, holds and releases, on stderr (stdout stays the run's own output).
			onPacing: (message) => {
				const said = describePacing(message, lab, options.lang);
				const line = said.kind === 'message' ? msg(options.lang, 'workshop.pacing.message', {text: said.text}) : said.kind === 'hint' ? msg(options.lang, 'workshop.pacing.hint', {text: said.text}) : said.text;
				process.stderr.write(`cilium-lab: ${line}\n`);
			},
		});
	} catch (error) {
		throw new UserError((error as Error).message);
	}
	reporter.start();
	return reporter;
}

async function tui(args: CliArgs): Promise<number> {
	if (!process.stdout.isTTY || !process.stdin.isTTY) {
		throw new UserError('the lab opens in a terminal; without one, use list, check or run', 'cilium-lab --help');
	}
	traceStartup('tui');
	// Ink and the screens load while the lab does.
	const modules = Promise.all([import('./target.js'), import('./cli/checks.js'), import('./ui/main.js')]);
	modules.catch(() => {});
	const {ctx, kind, context} = await prepare(args);
	await refuseUnwritableHome(ctx.home, ctx.lang);
	const workshop = await workshopJoin(args, ctx.lang);
	traceStartup('lab loaded');
	const [{resolveTarget}, {runChecks}, {startTui}] = await modules;
	(await import('./launcher.js')).writeLauncher(ctx.home);
	// The real target is ready at once (a kubeconfig overlay at most). The practice cluster starts behind the first
	// frame, and again for each track the learner picks (the k8s track gets a ready-made cluster).
	traceStartup('ui imported');
	const real = kind === 'real' ? await resolveTarget({target: kind, context, home: ctx.home, track: ctx.track ?? ctx.lab.tracks[0]!.id, lang: ctx.lang}) : undefined;
	const target = real ?? {target: {kind: 'practice' as const}, env: {} as Record<string, string>, context: undefined};
	return startTui({
		lab: ctx.lab,
		lang: ctx.lang,
		target: target.target,
		home: ctx.home,
		baseEnv: target.env,
		prepareTarget: real ? undefined : async (track) => {
			const resolved = await resolveTarget({target: 'practice', home: ctx.home, track, lang: ctx.lang});
			return {env: resolved.env, context: resolved.context, warning: resolved.warning};
		},
		track: ctx.track,
		variables: ctx.variables,
		firstStart: !ctx.progress,
		progress: ctx.progress?.lessons,
		context: target.context,
		saveProgress: (snapshot) => ctx.store.save({lang: ctx.lang, ...snapshot, target: target.target}),
		runChecks,
		workshop,
	});
}

/** The lab snapshot next to the entry (dist/lab-snapshot.json): this module is a chunk under dist/chunks/. */
let labSnapshot: string | undefined;

/** Runs the command line `argv`; `snapshot`: the validated lab of lessons/ written by the build, if any. */
export function runCli(argv: string[], snapshot?: string): void {
	labSnapshot = snapshot;
	watchTerminal();
	// A reader that stops early (`cilium-lab run --dry-run | head`) closes the pipe: further output goes nowhere, and the
	// command goes on to its end (a running step's process tree is still stopped as usual), instead of an EPIPE stack trace.
	for (const stream of [process.stdout, process.stderr]) {
		stream.on('error', (error: NodeJS.ErrnoException) => {
			// A terminal that went away (EIO, ENXIO): the TUI hears it (src/terminal-gone.ts), stops what runs and leaves.
			if (isTerminalGoneError(error)) return markTerminalGone();
			if (error.code !== 'EPIPE') throw error;
			stream.write = () => true;
		});
	}
	void main(argv).then(
		(code) => {
			process.exitCode = code;
		},
		async (error: unknown) => {
			if (error instanceof LabError) {
				const {LabLoadError, formatIssue} = await import('./lab/loader.js');
				if (error instanceof LabLoadError) {
					for (const issue of error.issues) process.stderr.write(`${formatIssue(issue)}\n`);
					process.stderr.write(`cilium-lab: ${error.issues.length} problem${error.issues.length === 1 ? '' : 's'} in the lessons; the lab cannot open until they are fixed\n`);
				} else {
					process.stderr.write(`cilium-lab: ${error.message}\n${error.tryHint ? `  try: ${error.tryHint}\n` : ''}`);
				}
				process.exitCode = error.exitCode;
				return;
			}
			const {ENVIRONMENT_CODES, EXIT: codes, describeErrno} = await import('./errors.js');
			const errno = error as NodeJS.ErrnoException | undefined;
			if (errno && typeof errno.code === 'string' && ENVIRONMENT_CODES.has(errno.code)) {
				// The machine refused (permissions, a read-only or full disk): a sentence, not a stack trace.
				process.stderr.write(`cilium-lab: ${errno.syscall ?? 'write'} ${errno.path ?? ''}: ${describeErrno(errno.code)}\n`);
				process.exitCode = codes.environment;
				return;
			}
			process.stderr.write(`cilium-lab: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
			process.exitCode = 70;
		},
	);
}
