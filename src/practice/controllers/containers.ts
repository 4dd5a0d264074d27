// What a container's process does once started: serve until stopped, or run a program the lab simulates (the image's
// default command, `sleep 5`, `sh -c "…"`, `curl …`) and exit with its code. The kubelet's back-off for a container
// that keeps exiting and for an image that cannot be pulled (pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff,
// pkg/kubelet/images/image_manager.go; flowcontrol.Backoff: 10s doubling to MaxContainerBackOff 300s).
import type {KubeObject, PodProgram} from '../types.js';
import type {ImageModel} from './images.js';
import type {Container} from './objects.js';

export const backOffInitialMs = 10_000;
export const backOffMaxMs = 300_000;

/** The next back-off: 10s, then doubled, capped at 5m (flowcontrol.Backoff.Next). */
export function nextBackOff(current: number | undefined): number {
	return current === undefined ? backOffInitialMs : Math.min(current * 2, backOffMaxMs);
}

/** time.Duration's String() for whole seconds: 10s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
	const seconds = Math.round(ms / 1000);
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes}m${seconds % 60}s`;
	return `${Math.floor(minutes / 60)}h${minutes % 60}m${seconds % 60}s`;
}

/** format.Pod (pkg/kubelet/util/format): name_namespace(uid). */
export function formatPod(pod: KubeObject): string {
	return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

export type ContainerProcess = {kind: 'server'} | {kind: 'exits'; argv: string[]};

/** BusyBox sleep's durations: N, Ns, Nm, Nh, Nd (fractions allowed), or infinity. */
function sleepMs(args: string[]): number | undefined {
	let total = 0;
	for (const arg of args) {
		if (arg === 'infinity' || arg === 'inf') return Number.POSITIVE_INFINITY;
		const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg);
		if (!match) return undefined;
		total += Number(match[1]) * ({'': 1, s: 1, m: 60, h: 3600, d: 86400} as Record<string, number>)[match[2]!]! * 1000;
	}
	return total;
}

/** A sleep this long outlives any lesson: the container is taken as running until stopped. */
const LONG_SLEEP_MS = 3_600_000;

const SERVERS = new Set(['nginx', 'httpd-foreground', 'postgres', 'pause', 'http-echo', 'coredns', 'json-mock']);
const SHELLS = new Set(['sh', 'ash', 'bash', 'zsh']);

/** Scripts that loop or wait forever (the pod shell does not run loops; they are the keep-alive idiom). */
const KEEP_ALIVE_SCRIPT = /\b(while|until|for)\b|\bsleep\s+(infinity|inf\b|\d+[hd]\b|\d{4,}\b)|\btail\s+-f\b|\bexec\s+(nginx|httpd)|\bwait\b/;

/**
 * The process `container` runs in an image the model knows: the kubelet's command line (command replaces ENTRYPOINT
 * and drops CMD; args replace CMD), through the images' entrypoint scripts, then what that program does.
 * `findProgram` answers whether the lab simulates a program of that name in the pod.
 */
export function containerProcess(container: Container & {stdin?: boolean}, model: ImageModel, findProgram: (name: string) => PodProgram | undefined): ContainerProcess {
	let argv = [...(container.command ?? model.entrypoint), ...(container.args ?? (container.command ? [] : model.cmd))];
	if (argv.length === 0) return {kind: 'server'};
	const name = (text: string) => text.split('/').pop() ?? text;
	// docker-entrypoint.sh (nginx) execs its arguments; alpine/curl's and curlimages/curl's entrypoint.sh puts curl
	// in front of arguments that start with a dash, then execs them.
	if (argv[0] === '/docker-entrypoint.sh') argv = argv.slice(1);
	else if (argv[0] === '/entrypoint.sh') argv = argv[1]?.startsWith('-') ? ['curl', ...argv.slice(1)] : argv.slice(1);
	if (argv.length === 0) return {kind: 'server'};
	const program = name(argv[0]!);
	if (SERVERS.has(program)) return {kind: 'server'};
	if (program === 'sleep') {
		const ms = sleepMs(argv.slice(1));
		return ms === undefined || ms >= LONG_SLEEP_MS ? {kind: 'server'} : {kind: 'exits', argv};
	}
	if (program === 'tail' && argv.includes('-f')) return {kind: 'server'};
	if (SHELLS.has(program)) {
		const script = argv[argv.indexOf('-c') + 1];
		if (!argv.includes('-c') || script === undefined) return container.stdin ? {kind: 'server'} : {kind: 'exits', argv: ['true']};
		return KEEP_ALIVE_SCRIPT.test(script) ? {kind: 'server'} : {kind: 'exits', argv};
	}
	return findProgram(program) ? {kind: 'exits', argv} : {kind: 'server'};
}
