// The programs in a pod, for the exec stream: findPodProgram(argv[0], pod) — the image's own (curl, nslookup, sh,
// hubble…, lookupPodProgram) first, then the few every image has (builtins.ts).
import type {KubeObject, PodProgram} from '../../types.js';
import {builtinPrograms} from './builtins.js';
import {ciliumDbg} from '../cilium-dbg.js';
import {runHubble, type FlowSource} from '../hubble-cli.js';
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
