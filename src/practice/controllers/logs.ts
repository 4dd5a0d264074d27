// What the containers the lessons look at print when they start, so `kubectl -n kube-system logs ds/cilium`,
// `logs deploy/hubble-relay` and the like show something. The lines follow each program's log format
// (logrus key=value for Cilium and Hubble Relay, CoreDNS's banner) but are a short, simulated selection:
// the real programs print many more, with values from the real host.
import {createHash} from 'node:crypto';
import {appendPodLog} from '../api/streams/logs.js';
import type {KubeObject, PracticeContext} from '../types.js';
import {listView, podSpec, type Container} from './objects.js';
import {ciliumRelease, GUIDE_CILIUM_VERSION, versionFromImage} from '../versions.js';
const API_SERVER = 'https://10.0.0.1:443';

/**
 * `Cilium <version> go version <go> linux/amd64`: the version of the image the container runs (the chart's
 * `quay.io/cilium/cilium:v1.19.6@sha256:…`, AKS's `…/cilium:v1.18.11-260622`), the guide's when the tag has none. The Go
 * release is known only where versions.ts has it; otherwise the line says `unknown` rather than invent one.
 */
function versionBanner(program: string, container: Container): string {
	const version = versionFromImage(container.image) ?? GUIDE_CILIUM_VERSION;
	return `${program} ${version} go version ${ciliumRelease(version)?.goVersion ?? 'unknown'} linux/amd64`;
}

const info = (message: string, subsys: string, fields = '') => `level=info msg=${quoteIfNeeded(message)}${fields ? ` ${fields}` : ''} subsys=${subsys}`;

/** logrus quotes a value only when it has spaces or special characters. */
function quoteIfNeeded(value: string): string {
	return /^[\w./:-]+$/.test(value) ? value : JSON.stringify(value);
}

function nodes(ctx: PracticeContext): Array<{name: string; ip: string}> {
	return listView(ctx.store, 'v1', 'Node')
		.map((node) => ({
			name: node.metadata.name,
			ip: ((node.status as {addresses?: Array<{type: string; address: string}>} | undefined)?.addresses ?? []).find((address) => address.type === 'InternalIP')?.address ?? '',
		}))
		.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function hubbleEnabled(pod: KubeObject): boolean {
	const args = podSpec(pod).containers.flatMap((container) => [...(container.command ?? []), ...(container.args ?? [])]);
	return !args.includes('--enable-hubble=false');
}

function ciliumAgent(pod: KubeObject, container: Container, ctx: PracticeContext): string[] {
	const node = podSpec(pod).nodeName ?? '';
	const lines = [
		info('Started gops server', 'gops', 'address="127.0.0.1:9890"'),
		info('Establishing connection to apiserver', 'k8s-client', `host="${API_SERVER}"`),
		info('Connected to apiserver', 'k8s-client'),
		info('     _ _ _', 'daemon'),
		info(' ___|_| |_|_ _ _____', 'daemon'),
		info('|  _| | | | | |     |', 'daemon'),
		info('|___|_|_|_|___|_|_|_|', 'daemon'),
		info(versionBanner('Cilium', container), 'daemon'),
		info('Detected mounted BPF filesystem at /sys/fs/bpf', 'bpf'),
		info('Serving prometheus metrics on :9962', 'metrics'),
		info('Initializing daemon', 'daemon'),
		info('Retrieved node information from kubernetes node', 'daemon', `nodeName=${node}`),
		info('Initializing identity allocator', 'identity-cache'),
		info('Starting IP identity watcher', 'ipcache'),
	];
	if (hubbleEnabled(pod)) {
		lines.push(
			info('Starting local Hubble server', 'hubble', 'address="unix:///var/run/cilium/hubble.sock"'),
			info('Starting Hubble server', 'hubble', 'address=":4244" tls=true'),
		);
	}
	lines.push(info('Daemon initialization completed', 'daemon', `bootstrapTime=${(3 + (ctx.clock.now() % 2000) / 1000).toFixed(6)}s`));
	return lines;
}

function ciliumOperator(pod: KubeObject, container: Container): string[] {
	return [
		info(versionBanner('Cilium Operator', container), 'cilium-operator-generic'),
		info('Establishing connection to apiserver', 'k8s-client', `host="${API_SERVER}"`),
		info('Connected to apiserver', 'k8s-client'),
		info('Starting apiserver', 'cilium-operator-generic', 'address="127.0.0.1:9234"'),
		info(`attempting to acquire leader lease kube-system/cilium-operator-resource-lock...`, 'klog'),
		info('Leading the operator HA deployment', 'cilium-operator-generic', `operator-id=${pod.metadata.name}-${createHash('sha256').update(pod.metadata.uid ?? '').digest('hex').slice(0, 10)}`),
		info('Starting to garbage collect stale CiliumEndpoint custom resources', 'cilium-operator-generic'),
	];
}

function hubbleRelay(ctx: PracticeContext): string[] {
	const lines = [
		info('Starting gRPC health server...', 'hubble-relay', 'addr=":4222"'),
		info('Starting gRPC server...', 'hubble-relay'),
	];
	for (const node of nodes(ctx)) {
		lines.push(
			info('Received peer change notification', 'hubble-relay', `change notification="name:\\"${node.name}\\" address:\\"${node.ip}\\" type:PEER_ADDED tls:{server_name:\\"${node.name}.default.hubble-grpc.cilium.io\\"}"`),
			info('Connected', 'hubble-relay', `address="${node.ip}:4244" hubble-tls=true next-try-in=1s peer=${node.name}`),
		);
	}
	return lines;
}

function coredns(pod: KubeObject): string[] {
	const version = /coredns:v?(\d+\.\d+\.\d+)/.exec(podSpec(pod).containers[0]?.image ?? '')?.[1] ?? '1.9.4';
	return [
		'.:53',
		`[INFO] plugin/reload: Running configuration SHA512 = ${createHash('sha512').update(`Corefile ${pod.metadata.namespace}`).digest('hex')}`,
		`CoreDNS-${version}`,
		'linux/amd64, go1.21.11, ',
	];
}

/** The start-up lines of a container the lessons read logs from; empty for others. */
export function startupLines(pod: KubeObject, container: Container, ctx: PracticeContext): string[] {
	const labels = pod.metadata.labels ?? {};
	if (container.name === 'cilium-agent' && labels['k8s-app'] === 'cilium') return ciliumAgent(pod, container, ctx);
	if (container.name === 'cilium-operator' && labels['io.cilium/app'] === 'operator') return ciliumOperator(pod, container);
	if (container.name === 'hubble-relay' && labels['k8s-app'] === 'hubble-relay') return hubbleRelay(ctx);
	if (container.name === 'coredns' && labels['k8s-app'] === 'kube-dns') return coredns(pod);
	return [];
}

/** An `onContainerStarted` listener: appends the container's start-up lines to its log. */
export function writeStartupLogs(pod: KubeObject, container: Container, ctx: PracticeContext): void {
	const at = ctx.clock.now();
	for (const line of startupLines(pod, container, ctx)) appendPodLog(pod, container.name, line, at);
}
