// The programs in a pod, for the exec stream: findPodProgram(argv[0], pod) — the image's own (curl, nslookup, sh,
// hubble…, lookupPodProgram) first, then the few every image has (builtins.ts).
import type {KubeObject, PodProgram} from '../../types.js';
import {builtinPrograms} from './builtins.js';
import {runHubble, type FlowSource} from '../hubble-cli.js';
import {patternRegExp} from '../fqdn.js';
import {Datapath} from '../runtime.js';
import {podFields} from '../view.js';
import {versionFromImage} from '../../versions.js';
import {cat, env, grep, head, hostname, ls, wc} from './busybox.js';
import {curl} from './curl.js';
import {dig, nslookup, ping, podNode, sleep, wget} from './net-tools.js';
import {makeShell} from './shell.js';

const hubbleInAgent: PodProgram = async (argv, io, pod, ctx) => {
	const datapath = Datapath.for(ctx);
	const node = podNode(pod);
	const ring = datapath.ring(node);
	const source: FlowSource = {
		flows: () => ring.all(),
		subscribe: (listener) => ring.subscribe(listener),
		now: () => datapath.now(),
		maxFlows: ring.capacity,
		address: 'unix:///var/run/cilium/hubble.sock',
		// The hubble in the agent's image is that image's version.
		ciliumVersion: versionFromImage(podFields(pod).spec?.containers?.[0]?.image) ?? datapath.view().behaviour.version,
	};
	return runHubble(argv.slice(1), io, source);
};

/** `cilium-dbg fqdn cache clean -f [-p PATTERN]`: the agent forgets what its DNS proxy learned; those IPs lose their FQDN identity. */
const cleanFqdnCache = async (flags: string[], io: Parameters<PodProgram>[1], pod: KubeObject, ctx: Parameters<PodProgram>[3]): Promise<number> => {
	let force = false;
	let pattern: string | undefined;
	for (let index = 0; index < flags.length; index++) {
		const flag = flags[index]!;
		if (flag === '-f' || flag === '--force') force = true;
		else if (flag === '-p' || flag === '--matchpattern') pattern = flags[++index];
		else if (flag.startsWith('--matchpattern=')) pattern = flag.slice('--matchpattern='.length);
		else {
			io.stderr.write(`Error: unknown flag: ${flag}\n`);
			return 1;
		}
	}
	if (!force) {
		io.stderr.write('cilium-dbg fqdn cache clean: the confirmation prompt is not simulated by the practice cluster; pass -f (--force)\n');
		return 1;
	}
	const datapath = Datapath.for(ctx);
	// The agent in the pod compiles the pattern as its version does (`**.` differs from 1.19 on).
	const matcher = pattern === undefined ? undefined : patternRegExp(pattern, 'toFQDNs', datapath.view().behaviour);
	datapath.cache(podNode(pod)).forget(matcher ? (name) => matcher.test(name) : undefined);
	datapath.persist();
	io.stdout.write('FQDN proxy cache cleared\n');
	return 0;
};

const ciliumDbg: PodProgram = async (argv, io, pod, ctx) => {
	const args = argv.slice(1).join(' ');
	if (args === 'fqdn cache list') {
		const datapath = Datapath.for(ctx);
		const now = datapath.now();
		const rows = datapath
			.cache(podNode(pod))
			.entries()
			.filter((entry) => entry.expiresAt > now);
		const view = datapath.view();
		const lines = [['Endpoint', 'Source', 'FQDN', 'TTL', 'ExpirationTime', 'IPs']];
		for (const entry of rows) {
			const endpoint = view.byPod.get(entry.endpoint);
			lines.push([String(endpoint?.endpointId ?? 0), 'lookup', entry.name, String(entry.ttl), new Date(entry.expiresAt).toISOString().replace(/\.\d+Z$/, 'Z'), entry.ip]);
		}
		const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
		for (const line of lines) io.stdout.write(`${line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column]! + 3))).join('')}\n`);
		return 0;
	}
	if (args.startsWith('fqdn cache clean')) return cleanFqdnCache(argv.slice(4), io, pod, ctx);
	io.stderr.write(`cilium-dbg ${args}: not simulated by the practice cluster (only "cilium-dbg fqdn cache list" and "cilium-dbg fqdn cache clean -f" are)\n`);
	return 1;
};

/** BusyBox 1.36's applets in alpine-based images (the simulated ones; busybox.ts lists the others it refuses by name). */
const BUSYBOX: Record<string, PodProgram> = {sleep, nslookup, ping, wget, cat, ls, grep, wc, head, env, hostname};

/** Which programs an image carries, roughly as the real images do. */
function programsOf(image: string): Record<string, PodProgram> {
	if (/cilium\/cilium(:|@|$)/.test(image)) {
		return {hubble: hubbleInAgent, 'cilium-dbg': ciliumDbg, cilium: ciliumDbg, sleep};
	}
	if (/netshoot|dnsutils|dnstools/.test(image)) return {...BUSYBOX, curl, dig};
	if (/curl/.test(image)) return {...BUSYBOX, curl};
	if (/busybox|alpine/.test(image)) return {...BUSYBOX};
	if (/nginx|httpd|ubuntu|debian/.test(image)) return {sleep, curl};
	return {sleep};
}

export function lookupPodProgram(name: string, pod: KubeObject): PodProgram | undefined {
	const images = (podFields(pod).spec?.containers ?? []).map((container) => String(container.image ?? ''));
	const image = images[0] ?? '';
	if (name === 'sh' || (name === 'bash' && /cilium|netshoot|nginx|ubuntu|debian/.test(image)) || (name === 'ash' && /alpine|curl|busybox/.test(image))) return shell;
	return programsOf(image)[name];
}

/** What `command` (a name or a path: `/bin/sh`) runs in the pod: the image's program, else one every image has. */
export function findPodProgram(command: string, pod: KubeObject): PodProgram | undefined {
	const name = command.split('/').pop() ?? command;
	return lookupPodProgram(name, pod) ?? builtinPrograms[name];
}

/** Inside sh, the image's programs first, then the few every image has (echo, date, env…). */
const shell: PodProgram = makeShell((name, pod) => lookupPodProgram(name, pod) ?? builtinPrograms[name]);

export {curl, dig, nslookup, ping, sleep, wget};
