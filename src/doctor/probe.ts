// `cilium-lab doctor`, the probing part: the learner's machine (Node, terminal, locale, tools and their versions,
// the ports the lessons forward, disk, the lab home) and the target (kube context, whether the cluster answers,
// its Kubernetes and Cilium versions, and on AKS its network profile). Every probe has a deadline.
import {execa} from 'execa';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type {Lab, TrackId} from '../lab/types.js';
import {guideDifferenceFindings, versionFindings, type Finding} from './assess.js';

export interface DoctorOptions {
	lab: Lab;
	track: TrackId;
	target: 'practice' | 'real';
	context?: string;
	variables: Record<string, string>;
	home: string;
	env: Record<string, string | undefined>;
	terminal: {isTTY: boolean; columns?: number; rows?: number};
	nodeVersion?: string;
}

const TOOL_VERSION_ARGS: Record<string, string[]> = {
	kubectl: ['version', '--client'],
	az: ['version', '-o', 'tsv'],
	helm: ['version', '--short'],
	cilium: ['version', '--client'],
	hubble: ['version'],
};

const INSTALL: Record<string, string> = {
	kubectl: 'https://kubernetes.io/docs/tasks/tools/',
	az: 'https://learn.microsoft.com/cli/azure/install-azure-cli',
	helm: 'https://helm.sh/docs/intro/install/',
	cilium: 'https://github.com/cilium/cilium-cli#installation',
	hubble: 'https://docs.cilium.io/en/stable/observability/hubble/setup/#install-the-hubble-client',
};

const MIN_FREE_BYTES = 1024 ** 3;
const PROBE_TIMEOUT_MS = 8000;

/** The executable's path on PATH, or undefined. */
export function findOnPath(tool: string, env: Record<string, string | undefined>): string | undefined {
	for (const dir of (env.PATH ?? '').split(path.delimiter)) {
		if (!dir) continue;
		const candidate = path.join(dir, tool);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			if (fs.statSync(candidate).isFile()) return candidate;
		} catch {
			// not here
		}
	}
	return undefined;
}

async function capture(file: string, args: string[], env: Record<string, string | undefined>): Promise<{ok: boolean; stdout: string}> {
	try {
		const result = await execa(file, args, {env: env as NodeJS.ProcessEnv, extendEnv: false, timeout: PROBE_TIMEOUT_MS, reject: false, all: true, stdin: 'ignore'});
		return {ok: result.exitCode === 0, stdout: String(result.all ?? '')};
	} catch {
		return {ok: false, stdout: ''};
	}
}

const versionIn = (text: string) => /v?\d+\.\d+\.\d+[-+.\w]*/.exec(text)?.[0];

/** True when nothing listens on 127.0.0.1:port (the lesson can forward it). */
export function portFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen({port, host: '127.0.0.1', exclusive: true}, () => server.close(() => resolve(true)));
	});
}

function nearestExisting(dir: string): string {
	let current = path.resolve(dir);
	while (!fs.existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
	return current;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

export async function probe(options: DoctorOptions): Promise<Finding[]> {
	const findings: Finding[] = [];
	const {env} = options;

	// Node
	const nodeVersion = options.nodeVersion ?? process.version;
	const major = Number(/^v?(\d+)/.exec(nodeVersion)?.[1] ?? 0);
	findings.push(
		major >= 20
			? {id: 'node', status: 'ok', summary: {key: 'doctor.node.ok', params: {version: nodeVersion}}}
			: {id: 'node', status: 'learner', summary: {key: 'doctor.node.old', params: {version: nodeVersion}}, fix: {key: 'doctor.node.fix'}},
	);

	// Terminal and locale
	const {terminal} = options;
	if (!terminal.isTTY) findings.push({id: 'terminal', status: 'warn', summary: {key: 'doctor.terminal.none'}});
	else if ((terminal.columns ?? 0) < 80 || (terminal.rows ?? 0) < 24) {
		findings.push({id: 'terminal', status: 'learner', summary: {key: 'doctor.terminal.small', params: {columns: terminal.columns ?? 0, rows: terminal.rows ?? 0}}, fix: {key: 'doctor.terminal.fix'}});
	} else findings.push({id: 'terminal', status: 'ok', summary: {key: 'doctor.terminal.ok', params: {columns: terminal.columns ?? 0, rows: terminal.rows ?? 0}}});
	const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
	findings.push(
		/utf-?8/i.test(locale)
			? {id: 'utf8', status: 'ok', summary: {key: 'doctor.utf8.ok', params: {locale}}}
			: {id: 'utf8', status: 'learner', summary: {key: 'doctor.utf8.missing', params: {locale: locale || '-'}}, fix: {key: 'doctor.utf8.fix'}},
	);

	findings.push(await probeFonts(env));

	// Tools: on the practice target only kubectl is the learner's; the others are the practice cluster's own.
	const aks = options.track.startsWith('aks');
	const tools = await Promise.all(
		(['kubectl', 'az', 'helm', 'cilium', 'hubble'] as const).map(async (tool) => {
			const where = findOnPath(tool, env);
			const version = where ? versionIn((await capture(where, TOOL_VERSION_ARGS[tool]!, env)).stdout) : undefined;
			return {tool, where, version};
		}),
	);
	for (const {tool, where, version} of tools) {
		const needed = tool === 'kubectl' || (options.target === 'real' && (tool !== 'az' || aks));
		if (where) findings.push({id: tool, status: 'ok', summary: {key: 'doctor.tool.ok', params: {tool, version: version ?? '?'}}});
		else if (!needed) findings.push({id: tool, status: 'ok', summary: {key: 'doctor.tool.practice', params: {tool}}});
		else findings.push({id: tool, status: 'learner', summary: {key: 'doctor.tool.missing', params: {tool}}, fix: {key: 'doctor.tool.fix', params: {tool, url: INSTALL[tool]!}}});
	}

	// Ports the lessons forward (variables named *_PORT)
	for (const variable of options.lab.variables.filter((candidate) => /_PORT$/.test(candidate.name) && (!candidate.tracks || candidate.tracks.includes(options.track)))) {
		const port = Number(options.variables[variable.name]);
		if (!Number.isInteger(port) || port <= 0) continue;
		findings.push(
			(await portFree(port))
				? {id: 'ports', status: 'ok', summary: {key: 'doctor.port.free', params: {port, name: variable.name}}}
				: {id: 'ports', status: 'learner', summary: {key: 'doctor.port.taken', params: {port, name: variable.name}}, fix: {key: 'doctor.port.fix', params: {port, name: variable.name}}},
		);
	}

	// Disk and the lab home
	try {
		const stats = fs.statfsSync(nearestExisting(options.home));
		const free = stats.bavail * stats.bsize;
		findings.push(
			free >= MIN_FREE_BYTES
				? {id: 'disk', status: 'ok', summary: {key: 'doctor.disk.ok', params: {free: gib(free)}}}
				: {id: 'disk', status: 'learner', summary: {key: 'doctor.disk.low', params: {free: gib(free)}}, fix: {key: 'doctor.disk.fix', params: {dir: options.home}}},
		);
	} catch {
		// statfs is not everywhere; the home check below still tells whether the lab can write
	}
	try {
		fs.mkdirSync(options.home, {recursive: true});
		const probeFile = path.join(options.home, `.doctor-${process.pid}`);
		fs.writeFileSync(probeFile, 'ok');
		fs.rmSync(probeFile);
		findings.push({id: 'home', status: 'ok', summary: {key: 'doctor.home.ok', params: {dir: options.home}}});
	} catch (error) {
		findings.push({id: 'home', status: 'learner', summary: {key: 'doctor.home.unwritable', params: {dir: options.home, error: (error as Error).message}}, fix: {key: 'doctor.home.fix'}});
	}

	// The target
	if (options.target === 'practice') {
		findings.push({id: 'cluster', status: 'ok', summary: {key: 'doctor.cluster.practice'}});
		return findings;
	}
	const kubectl = tools.find((tool) => tool.tool === 'kubectl')?.where;
	if (!kubectl) {
		findings.push({id: 'context', status: 'warn', summary: {key: 'doctor.context.unchecked'}});
		return findings;
	}
	findings.push(...(await probeTarget(options, {kubectl, az: tools.find((tool) => tool.tool === 'az')?.where})));
	return findings;
}

/**
 * Fonts that draw Hangul. What the terminal draws with cannot be known from here (it picks its own font, and a
 * terminal on another machine over ssh has fonts this one does not): so this says what it checked, fontconfig's list
 * of fonts covering Korean (`fc-list :lang=ko family`), and is a hint, never a problem that changes the exit code.
 */
async function probeFonts(env: Record<string, string | undefined>): Promise<Finding> {
	const fcList = findOnPath('fc-list', env);
	if (!fcList) return {id: 'fonts', status: 'ok', summary: {key: 'doctor.fonts.unchecked'}};
	const listed = await capture(fcList, [':lang=ko', 'family'], env);
	if (!listed.ok) return {id: 'fonts', status: 'ok', summary: {key: 'doctor.fonts.unchecked'}};
	const families = [...new Set(listed.stdout.split('\n').map((line) => line.split(',')[0]!.trim()).filter(Boolean))].sort();
	if (families.length === 0) return {id: 'fonts', status: 'warn', summary: {key: 'doctor.fonts.none'}, fix: {key: 'doctor.fonts.fix'}};
	return {id: 'fonts', status: 'ok', summary: {key: 'doctor.fonts.found', params: {count: families.length, example: families[0]!}}};
}

/**
 * `cilium-lab doctor versions` (lesson 0's version step): only the target's part, on the practice cluster too (its
 * kubectl and simulated tools are in `options.env`), and the guide's version against what the cluster runs.
 */
export async function probeVersions(options: DoctorOptions): Promise<Finding[]> {
	const kubectl = findOnPath('kubectl', options.env);
	if (!kubectl) return [{id: 'kubectl', status: 'learner', summary: {key: 'doctor.tool.missing', params: {tool: 'kubectl'}}, fix: {key: 'doctor.tool.fix', params: {tool: 'kubectl', url: INSTALL.kubectl!}}}];
	return probeTarget(options, {kubectl, az: options.track.startsWith('aks') ? findOnPath('az', options.env) : undefined});
}

/** The kube context, whether the cluster answers, its Kubernetes and Cilium versions, and on AKS the network profile. */
async function probeTarget(options: DoctorOptions, tools: {kubectl: string; az?: string}): Promise<Finding[]> {
	const findings: Finding[] = [];
	const {env} = options;
	const {kubectl} = tools;
	const aks = options.track.startsWith('aks');
	const chosen = options.lab.variables.some((variable) => variable.name === 'CILIUM_VERSION' && (!variable.tracks || variable.tracks.includes(options.track))) ? options.variables.CILIUM_VERSION : undefined;
	const contextArgs = options.context ? ['--context', options.context] : [];
	const kubeconfig = env.KUBECONFIG || '~/.kube/config';
	// Only a context kubectl names is one: "error: current-context is not set" (stderr, exit 1) is not a name.
	const named = options.context ? undefined : await capture(kubectl, ['config', 'current-context'], env);
	const current = options.context ?? (named?.ok ? named.stdout.trim().split('\n').at(-1)!.trim() : '');
	if (!current) {
		// On the AKS tracks lesson 1 makes the cluster and `az aks get-credentials` sets the context: none yet is expected.
		findings.push(
			aks
				? {id: 'context', status: 'warn', summary: {key: 'doctor.context.notYet', params: {kubeconfig}}}
				: {id: 'context', status: 'facilitator', summary: {key: 'doctor.context.none', params: {kubeconfig}}, fix: {key: 'doctor.context.fix'}},
		);
		if (aks) findings.push(...guideDifferenceFindings({chosen}));
		return findings;
	}
	if (options.context) {
		const known = await capture(kubectl, ['config', 'get-contexts', '-o', 'name'], env);
		if (known.ok && !known.stdout.split('\n').some((line) => line.trim() === options.context)) {
			findings.push({id: 'context', status: 'learner', summary: {key: 'doctor.context.unknown', params: {context: options.context, kubeconfig}}, fix: {key: 'doctor.context.unknownFix'}});
			return findings;
		}
	}
	findings.push({id: 'context', status: 'ok', summary: {key: 'doctor.context.ok', params: {context: current}}});
	// Both at once: a learner waits for this in lesson 0 (the DaemonSet's answer is used only when the cluster answers).
	const [version, image] = await Promise.all([
		capture(kubectl, [...contextArgs, 'version', '-o', 'json', '--request-timeout=5s'], env),
		capture(kubectl, [...contextArgs, '-n', 'kube-system', 'get', 'ds', 'cilium', '-o', 'jsonpath={.spec.template.spec.containers[0].image}', '--request-timeout=5s'], env),
	]);
	let server: string | undefined;
	try {
		server = (JSON.parse(version.stdout) as {serverVersion?: {gitVersion?: string}}).serverVersion?.gitVersion;
	} catch {
		server = undefined;
	}
	if (!server) {
		// On the AKS tracks the lessons create the cluster: not answering yet is expected before lesson 1.
		findings.push(
			aks
				? {id: 'cluster', status: 'warn', summary: {key: 'doctor.cluster.notYet', params: {context: current}}}
				: {id: 'cluster', status: 'facilitator', summary: {key: 'doctor.cluster.down', params: {context: current}}, fix: {key: 'doctor.cluster.fix'}},
		);
		findings.push(...guideDifferenceFindings({chosen}));
		return findings;
	}
	findings.push({id: 'cluster', status: 'ok', summary: {key: 'doctor.cluster.ok', params: {context: current}}});
	const cilium = image.ok ? (versionIn(image.stdout) ?? '?') : '-';
	findings.push({id: 'versions', status: 'ok', summary: {key: 'doctor.versions', params: {kubernetes: server, cilium}}});
	findings.push(...versionFindings({track: options.track, kubernetes: server, cilium, chosen}));
	findings.push(...guideDifferenceFindings({cilium, chosen}));
	const {az} = tools;
	const group = options.variables.RESOURCE_GROUP_NAME;
	const cluster = options.variables.CLUSTER_NAME;
	if (aks && az && group && cluster) {
		const shown = await capture(az, ['aks', 'show', '-g', group, '-n', cluster, '--query', 'networkProfile', '-o', 'json'], env);
		try {
			const profile = JSON.parse(shown.stdout) as {networkPlugin?: string; networkDataplane?: string; advancedNetworking?: {enabled?: boolean} | null};
			const want = options.track === 'aks-byocni' ? profile.networkPlugin === 'none' : profile.networkDataplane === 'cilium';
			findings.push(
				want
					? {id: 'network', status: 'ok', summary: {key: 'doctor.network.ok', params: {plugin: profile.networkPlugin ?? '-', dataplane: profile.networkDataplane ?? '-'}}}
					: {id: 'network', status: 'facilitator', summary: {key: 'doctor.network.wrong', params: {plugin: profile.networkPlugin ?? '-', dataplane: profile.networkDataplane ?? '-', track: options.track}}, fix: {key: 'doctor.network.fix'}},
			);
			// The FQDN lessons need ACNS on the managed Cilium (learn.microsoft.com/azure/aks/how-to-apply-fqdn-filtering-policies).
			if (want) findings.push(...versionFindings({track: options.track, kubernetes: server, cilium, acns: profile.advancedNetworking?.enabled === true}).filter((finding) => finding.id === 'network'));
		} catch {
			findings.push({id: 'network', status: 'warn', summary: {key: 'doctor.network.unknown', params: {cluster}}});
		}
	}
	return findings;
}
