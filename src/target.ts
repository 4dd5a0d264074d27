// The environment the lab's commands and checks run with.
//
// real:     the learner's own PATH and kubeconfig. With --context NAME, commands must use that context
//           although the lesson text says plain `kubectl …`. kubectl (and helm, cilium, hubble, which use
//           client-go's loading rules) take current-context from the FIRST file in KUBECONFIG that sets it,
//           so the lab writes a one-line kubeconfig under the lab home that sets only `current-context: NAME`
//           and puts it in front of the learner's KUBECONFIG (or ~/.kube/config). Their files are never
//           modified. Checks get the context explicitly (CheckContext.context, and LAB_KUBE_CONTEXT), because
//           client-node's loadFromDefault lets a later file's current-context win.
// practice: the practice cluster's environment (KUBECONFIG, PATH with the simulated az/helm/cilium/hubble),
//           from src/practice/daemon/client.ts, which starts the daemon when needed.
import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ClusterError, UserError} from './errors.js';
import {msg} from './lab/i18n.js';
import {didYouMean} from './lab/suggest.js';
import type {Lang, TrackId} from './lab/types.js';
import type {Target} from './session/types.js';

export type TargetKind = 'practice' | 'real';

export interface ResolveTargetOptions {
	target: TargetKind;
	context?: string;
	home: string;
	track: TrackId;
	/** The language of the errors. */
	lang: Lang;
	/** The process environment to start from (default: process.env). */
	env?: Record<string, string | undefined>;
	/** CILIUM_LAB_PRACTICE_SPEED, for the practice cluster. */
	speed?: 'realtime' | 'fast' | 'instant';
}

export interface ResolvedTarget {
	target: Target;
	/** The environment commands and checks run with (the lab's variables are added on top). */
	env: Record<string, string>;
	/** kube context the checks must use (--context), if one was chosen. */
	context?: string;
	/** One line for the status bar / headless output: "practice cluster" or "kube context aks-1". */
	describe: string;
	/** The practice cluster's saved state was damaged: what was lost, in the learner's words (issue: nothing is lost silently). */
	warning?: string;
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
	return out;
}

/** The kubeconfig files kubectl would read, in order. */
export function kubeconfigFiles(env: Record<string, string | undefined>): string[] {
	if (env.KUBECONFIG) return env.KUBECONFIG.split(path.delimiter).filter(Boolean);
	return [path.join(env.HOME || os.homedir(), '.kube', 'config')];
}

/**
 * Context names defined in the kubeconfig files (files that are missing or unreadable are skipped, as kubectl does).
 * The YAML parser loads only here (--context): the first frame on a real target does not wait for it.
 */
export async function kubeContexts(files: string[]): Promise<string[]> {
	const names: string[] = [];
	for (const file of files) {
		if (!existsSync(file)) continue;
		// yaml is CommonJS: in the bundle its namespace holds only the default export.
		const parseYaml = (await import('yaml')).default.parse;
		try {
			const doc = parseYaml(readFileSync(file, 'utf8')) as {contexts?: Array<{name?: unknown}>} | null;
			for (const context of doc?.contexts ?? []) if (typeof context?.name === 'string') names.push(context.name);
		} catch {
			// kubectl will report a broken file itself.
		}
	}
	return names;
}

async function realTarget(options: ResolveTargetOptions): Promise<ResolvedTarget> {
	const env = definedOnly(options.env ?? process.env);
	if (!options.context) {
		delete env.LAB_KUBE_CONTEXT;
		return {target: {kind: 'real'}, env, describe: 'kube context: current'};
	}
	const files = kubeconfigFiles(env);
	const contexts = await kubeContexts(files);
	if (!contexts.includes(options.context)) {
		const where = files.join(path.delimiter);
		if (contexts.length === 0) {
			throw new ClusterError(msg(options.lang, 'target.no-contexts', {files: where}), msg(options.lang, 'target.hint-no-contexts'));
		}
		throw new UserError(`no kube context "${options.context}" in ${where}${didYouMean(options.context, contexts)}; the contexts there are ${contexts.join(', ')}`);
	}
	const overlay = path.join(options.home, 'real', 'current-context.yaml');
	// 0700 and 0600 whatever the umask (a file written before keeps its mode through writeFileSync: chmod it too).
	mkdirSync(path.dirname(overlay), {recursive: true, mode: 0o700});
	chmodSync(path.dirname(overlay), 0o700);
	writeFileSync(
		overlay,
		`# Written by cilium-lab for --context ${JSON.stringify(options.context)}: kubectl takes current-context from the first\n# file in KUBECONFIG that sets it. Your own kubeconfig files are not changed.\napiVersion: v1\nkind: Config\ncurrent-context: ${JSON.stringify(options.context)}\nclusters: []\ncontexts: []\nusers: []\n`,
		{mode: 0o600},
	);
	chmodSync(overlay, 0o600);
	env.KUBECONFIG = [overlay, ...files].join(path.delimiter);
	env.LAB_KUBE_CONTEXT = options.context;
	return {target: {kind: 'real', context: options.context}, env, context: options.context, describe: `kube context: ${options.context}`};
}

// The practice cluster's client loads only when the practice target is used (it keeps start-up fast).
async function loadPracticeClient() {
	return import('./practice/daemon/client.js');
}

export async function resolveTarget(options: ResolveTargetOptions): Promise<ResolvedTarget> {
	if (options.target === 'real') return realTarget(options);
	if (options.context) {
		throw new UserError('--context names a context of your own kubeconfig; it goes with --target real', `cilium-lab --target real --context ${options.context}`);
	}
	const client = await loadPracticeClient();
	let info: Awaited<ReturnType<typeof client.startPractice>>;
	try {
		info = await client.startPractice({home: options.home, speed: options.speed, track: options.track, keepAlive: true});
	} catch (error) {
		throw new ClusterError(msg(options.lang, 'target.practice-failed', {error: error instanceof Error ? error.message : String(error)}), 'cilium-lab practice status');
	}
	const env = {...definedOnly(options.env ?? process.env), ...info.env};
	delete env.LAB_KUBE_CONTEXT;
	const recovery = info.status?.recovery;
	const warning = recovery ? msg(options.lang, 'target.practice-recovered', {lost: recovery.lines.join('; ')}) : undefined;
	return {target: {kind: 'practice'}, env, describe: 'practice cluster', ...(warning ? {warning} : {})};
}
