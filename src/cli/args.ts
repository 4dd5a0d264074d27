// Command-line arguments: global options, the subcommand, and what the delegated commands get untouched.
import {parseArgs} from 'node:util';
import {UserError} from '../errors.js';
import {parseLang} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';
import {didYouMean} from '../lab/suggest.js';

export const SUBCOMMANDS = ['list', 'check', 'run', 'reset', 'jobs', 'lint', 'doctor', 'workshop', 'report', 'practice', 'policy', 'help'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

/** Subcommands whose own arguments another part parses (everything after the subcommand goes to it as is). */
const DELEGATED = new Set(['practice', 'policy']);

const OPTIONS = {
	help: {type: 'boolean', short: 'h'},
	version: {type: 'boolean', short: 'V'},
	lang: {type: 'string'},
	context: {type: 'string'},
	lessons: {type: 'string'},
	target: {type: 'string'},
	track: {type: 'string'},
	set: {type: 'string', multiple: true},
	json: {type: 'boolean'},
	yes: {type: 'boolean', short: 'y'},
	solve: {type: 'boolean'},
	redo: {type: 'boolean'},
	listen: {type: 'string'},
	'new-room': {type: 'boolean'},
	'stuck-minutes': {type: 'string'},
	'stuck-failures': {type: 'string'},
	join: {type: 'string'},
	name: {type: 'string'},
	'share-output': {type: 'boolean'},
	confirm: {type: 'string', multiple: true},
	'dry-run': {type: 'boolean'},
	format: {type: 'string'},
	certificate: {type: 'boolean'},
	verify: {type: 'string'},
} as const;

export interface CliArgs {
	subcommand?: Subcommand;
	positionals: string[];
	/** For delegated subcommands: the arguments after the subcommand, untouched. */
	rest: string[];
	help: boolean;
	version: boolean;
	lang?: Lang;
	context?: string;
	lessons?: string;
	target?: 'practice' | 'real';
	track?: string;
	set: string[];
	json: boolean;
	yes: boolean;
	solve: boolean;
	redo: boolean;
	/** workshop serve: ADDRESS:PORT (default 127.0.0.1:0, any free port). */
	listen?: string;
	/** workshop serve: start a new room instead of the saved one (<home>/workshop-room.json). */
	newRoom: boolean;
	/** workshop serve: a learner on one step this many minutes is stuck (checked by the workshop command). */
	stuckMinutes?: string;
	/** workshop serve: this many failed attempts on one step is stuck. */
	stuckFailures?: string;
	/** run (and the TUI): the workshop server's join URL, also from CILIUM_LAB_JOIN. */
	join?: string;
	/** The learner's name in the workshop room, also from CILIUM_LAB_NAME. */
	name?: string;
	/** --share-output: a failing step's summary sent to the workshop carries the check's own words (output, values). */
	shareOutput: boolean;
	/** `--confirm NAME`: the resources a destructive or irreversible step may act on, headless. */
	confirm: string[];
	dryRun: boolean;
	/** report: json | junit | md (with --certificate: md | html). */
	format?: string;
	certificate: boolean;
	/** report --verify FILE: check a certificate. */
	verify?: string;
}

const VALUE_OPTIONS = new Set(Object.entries(OPTIONS).filter(([, spec]) => spec.type === 'string').map(([name]) => `--${name}`));

/** Index of the first argument that is not an option (or an option's value). */
function firstPositional(argv: string[]): number {
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index]!;
		if (arg === '--') return index + 1 < argv.length ? index + 1 : -1;
		if (!arg.startsWith('-')) return index;
		if (VALUE_OPTIONS.has(arg)) index++;
	}
	return -1;
}

export function parseCliArgs(argv: string[]): CliArgs {
	const at = firstPositional(argv);
	const head = at >= 0 && DELEGATED.has(argv[at]!) ? argv.slice(0, at + 1) : argv;
	const rest = at >= 0 && DELEGATED.has(argv[at]!) ? argv.slice(at + 1) : [];
	let parsed;
	try {
		parsed = parseArgs({args: head, options: OPTIONS, allowPositionals: true, strict: true});
	} catch (error) {
		const message = (error as Error).message;
		const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
		if (unknown) {
			throw new UserError(`unknown option ${unknown}${didYouMean(unknown, Object.keys(OPTIONS).map((name) => `--${name}`))}`, 'cilium-lab --help');
		}
		throw new UserError(message.replace(/\. To specify.*$/s, ''), 'cilium-lab --help');
	}
	const {values, positionals} = parsed;
	const [first, ...others] = positionals;
	if (first !== undefined && !(SUBCOMMANDS as readonly string[]).includes(first)) {
		throw new UserError(`unknown command "${first}"${didYouMean(first, SUBCOMMANDS)}`, 'cilium-lab --help');
	}
	const lang = values.lang === undefined ? undefined : parseLang(values.lang);
	if (values.lang !== undefined && !lang) throw new UserError(`--lang ${values.lang}: expected ko or en`);
	if (values.target !== undefined && values.target !== 'practice' && values.target !== 'real') {
		throw new UserError(`--target ${values.target}: expected practice or real${didYouMean(values.target, ['practice', 'real'])}`);
	}
	if (values['share-output'] && !values.join && !process.env.CILIUM_LAB_JOIN) {
		throw new UserError('--share-output says what a workshop is sent: it goes with --join URL (or CILIUM_LAB_JOIN)', 'cilium-lab --join URL --name NAME --share-output');
	}
	return {
		subcommand: first as Subcommand | undefined,
		positionals: others,
		rest,
		help: values.help ?? false,
		version: values.version ?? false,
		lang,
		context: values.context,
		lessons: values.lessons,
		target: values.target as CliArgs['target'],
		track: values.track,
		set: values.set ?? [],
		json: values.json ?? false,
		yes: values.yes ?? false,
		solve: values.solve ?? false,
		redo: values.redo ?? false,
		listen: values.listen,
		newRoom: values['new-room'] ?? false,
		stuckMinutes: values['stuck-minutes'],
		stuckFailures: values['stuck-failures'],
		join: values.join,
		name: values.name,
		shareOutput: values['share-output'] ?? false,
		confirm: values.confirm ?? [],
		dryRun: values['dry-run'] ?? false,
		format: values.format,
		certificate: values.certificate ?? false,
		verify: values.verify,
	};
}

export const HELP = `cilium-lab: learn Cilium on AKS hands-on, step by step, with checks.

Usage:
  cilium-lab [options]                      open the lab (a terminal UI)
  cilium-lab list [--json]                  lessons, their status and why a locked one is locked
  cilium-lab check LESSON[/STEP] [--json]   run the checks of a step (or of every step of a lesson) now
  cilium-lab run LESSON[/STEP]... [--yes] [--confirm NAME]... [--solve] [--redo] [--dry-run] [--json]
                                            run the steps headless: each command (or solve script with
                                            --solve), then its checks until they pass or time out; stops
                                            at the first failing step and names the failing condition;
                                            LESSON/STEP runs only that step (once the steps before it are done)
  cilium-lab reset [LESSON[/STEP]] [--yes] [--confirm NAME]... [--json]
                                            forget progress from that step (or lesson; without one, all of
                                            it), running those steps' cleanups newest first
  cilium-lab jobs [list | stop [NAME...]]   the background jobs the lab started (port-forwards), from its own
                                            records; stop them by step name (all without a name)
  cilium-lab lint [DIR]                     validate lesson files (default: the lab's lessons)
  cilium-lab doctor [--json]                check this machine and the target before a workshop: exit 0 ready,
                                            1 you can fix it (each problem with its fix), 2 it needs the
                                            facilitator; the last line is a result code to paste in the chat
  cilium-lab doctor versions [--json]       the target only: its Kubernetes and Cilium versions, the guide's
                                            Cilium against the one you meet, and where they behave differently
  cilium-lab workshop serve [--listen ADDRESS:PORT] [--new-room] [--stuck-minutes N] [--stuck-failures N]
                                            the facilitator's server: prints the dashboard URL and the join
                                            URL (with its code); listens on 127.0.0.1 unless --listen says so;
                                            the room is saved in the lab home and comes back on the next start
                                            (same code, learners keep their rows) unless --new-room; a learner
                                            is stuck after N minutes on a step (10) or N failures on it (3)
  cilium-lab report [LESSON...] [--format json|junit|md]
                                            your record from the progress file: per step done or solved,
                                            attempts, hints and time (junit: a testsuite per lesson, a
                                            testcase per step; a required step not completed fails)
  cilium-lab report --certificate --name NAME [--format md|html]
                                            a signed certificate of completion (every required step of the
                                            track complete)
  cilium-lab report --verify FILE           check a certificate was not changed after it was signed
  cilium-lab practice ...                   the practice cluster (start, stop, status, reset, env)
  cilium-lab policy explain ...             why the practice cluster allows or drops a connection
  cilium-lab --help | --version

Options:
  --lang ko|en          language (default: from LC_ALL / LC_MESSAGES / LANG, ko_* gives ko)
  --target practice|real
                        the built-in practice cluster (default) or your own cluster
  --context NAME        kube context to use (with --target real); your kubeconfig is not changed
  --lessons DIR         lessons directory (default: the lab's own)
  --track ID            aks-byocni | aks-managed | k8s
  --set NAME=VALUE      set a lab variable (repeatable); values must match the variable's pattern
  --yes                 run, reset: do not ask before running commands against a real cluster
                        (steps that cost money included; never steps that delete or cannot be undone)
  --confirm NAME        run, reset: a step (or a cleanup) that deletes or irreversibly changes NAME (a cluster,
                        resource group, namespace, Helm release) may run on a real cluster; once per resource
  --dry-run             run: show each step's command with the variables filled in, its effects and its
                        checks; nothing runs and nothing is recorded
  --solve               run: use each step's solve script instead of its command
  --redo                run: run steps that are already complete again
  --json                list/check/run/doctor: machine-readable output
  --join URL            run: report progress (steps started, done, solved, failed, hints) to a workshop
                        server; only these events leave the machine; the lab works on if it goes away
  --share-output        with --join: a failing step's summary includes its check's own words (command output,
                        names from your variables); without it, only which check failed and the exit code
  --name NAME           your name in the workshop room (with --join), and on a certificate
  --format FORMAT       report: json (default), junit or md; with --certificate: md (default) or html
  --certificate         report: a certificate of completion, signed with this lab home's key
  --verify FILE         report: check a certificate (exit 0 valid, 2 changed after it was signed)

Environment:
  CILIUM_LAB_HOME       where progress, logs and the practice cluster live (default: XDG data dir)
  CILIUM_LAB_JOIN, CILIUM_LAB_NAME
                        the same as --join and --name

Exit codes: 0 ok, 1 usage or lesson error (or a step not confirmed), 2 a step or check failed, 3 cluster
unreachable, 74 the lab home cannot be written (read-only, full, permissions), 130/143/129 cancelled by
SIGINT/SIGTERM/SIGHUP.
`;
