// `cilium-dbg` (and its in-pod alias `cilium`) in a cilium agent pod: the agent's view of its own node, read from the
// simulated datapath (endpoints, identities, policies, services, flows, FQDN cache). The printers are in
// cilium-dbg-format.ts; what is not simulated says so and exits 1.
import type {KubeObject, PodProgram, PracticeContext, ProgramIO} from '../types.js';
import {KUBERNETES_VERSION, versionInfo} from '../api/discovery.js';
import {CLUSTER_SECTION} from '../daemon/cluster.js';
import {minorOf} from '../versions.js';
import {cobraKnows, cobraUnknownCommand} from '../cloud/cobra.js';
import {peerOfEndpoint, reservedPeer, selectingPolicies, type EndpointInfo, type PeerIdentity} from './engine.js';
import {policyCidrs, policyMapEntries} from './cilium-dbg-bpf.js';
import {patternRegExp} from './fqdn.js';
import type {Flow} from './flows.js';
import {FIRST_LOCAL_IDENTITY, labelStrings, RESERVED, type Labels} from './identity.js';
import type {Direction} from './policy.js';
import {Datapath} from './runtime.js';
import {classifyIp, podFields, type ClusterView} from './view.js';
import {
	CILIUM_DBG_ROOT,
	connectionSummary,
	formatBpfPolicyGet,
	formatDropNotify,
	formatEndpointList,
	formatIdentityList,
	formatPolicyGet,
	formatRootHelp,
	formatRootUsage,
	formatServiceList,
	formatStatus,
	type DbgDrop,
	type DbgEndpoint,
	type DbgIdentity,
	type DbgService,
	type DbgStatus,
	type Enforcement,
} from './cilium-dbg-format.js';
import {listIfServed, networkPolicyCount, policyRepositoryRules} from './cilium-dbg-policy.js';

type Io = ProgramIO;

function nodeOf(pod: KubeObject): string {
	return String(podFields(pod).spec?.nodeName ?? '');
}

function config(ctx: PracticeContext): Record<string, string> {
	try {
		return ((ctx.store.get('v1', 'ConfigMap', 'kube-system', 'cilium-config')?.data ?? {}) as Record<string, string>) ?? {};
	} catch {
		return {};
	}
}

function nodeObject(ctx: PracticeContext, name: string): KubeObject | undefined {
	return ctx.store.list('v1', 'Node').find((node) => node.metadata.name === name);
}

/** A small number that stays the same for a name (endpoint ids of the host and health endpoints, lxc ifindexes). */
function stableNumber(text: string, modulo: number, offset: number): number {
	let hash = 2166136261;
	for (let index = 0; index < text.length; index++) {
		hash ^= text.charCodeAt(index);
		hash = Math.imul(hash, 16777619) >>> 0;
	}
	return offset + (hash % modulo);
}

function ipToNumber(ip: string): number {
	return ip.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function numberToIp(value: number): string {
	return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** The node's pod CIDR as its CiliumNode records it (cluster-pool), else the Node's podCIDR. */
function nodePodCidr(ctx: PracticeContext, node: string): string | undefined {
	try {
		const ciliumNode = ctx.store.get('cilium.io/v2', 'CiliumNode', undefined, node);
		const cidr = (ciliumNode?.spec as {ipam?: {podCIDRs?: string[]}} | undefined)?.ipam?.podCIDRs?.[0];
		if (cidr) return cidr;
	} catch {
		// No CiliumNode CRD: fall through.
	}
	return (nodeObject(ctx, node)?.spec as {podCIDR?: string} | undefined)?.podCIDR;
}

/**
 * The agent's own addresses in the pod CIDR: cilium_host (the router, the first address: ipam.ts reconcileCiliumNodes)
 * and the health endpoint's. The pod IPAM hands out addresses from .2 upwards, so the health endpoint is given the
 * CIDR's last usable address, where no pod lands before the range is full.
 */
function agentAddresses(ctx: PracticeContext, node: string): {cidr?: string; router?: string; health?: string} {
	const cidr = nodePodCidr(ctx, node);
	if (!cidr) return {};
	const [base, bits] = cidr.split('/');
	const start = ipToNumber(base!);
	const size = 2 ** (32 - Number(bits));
	return {cidr, router: numberToIp(start + 1), health: numberToIp(start + size - 2)};
}

function enforcement(view: ClusterView, endpoint: EndpointInfo, direction: Direction): Enforcement {
	if (view.mode === 'never') return 'Disabled';
	if (view.mode === 'always') return 'Enabled';
	// pkg/policy/repository.go computePolicyEnforcementAndRules: a direction is enforced when a rule the agent
	// accepted selects the endpoint and has rules for that direction (as the engine decides verdicts).
	return selectingPolicies(view.index, endpoint).active.some((policy) => policy.enforces[direction]) ? 'Enabled' : 'Disabled';
}

/**
 * Node labels as the host endpoint carries them: `k8s:` labels through the default label filter (pkg/labelsfilter:
 * keys starting with kubernetes.io, k8s.io, io.kubernetes or beta.kubernetes.io are left out; others such as
 * node-role.kubernetes.io/… stay, as published endpoint lists show), plus reserved:host.
 */
function hostLabels(node: KubeObject | undefined): string[] {
	const labels: Labels = {'reserved:host': ''};
	for (const [key, value] of Object.entries(node?.metadata.labels ?? {})) {
		if (/^(kubernetes\.io|k8s\.io|io\.kubernetes|beta\.kubernetes\.io)/.test(key)) continue;
		labels[`k8s:${key}`] = value;
	}
	return labelStrings(labels);
}

function agentEndpoints(ctx: PracticeContext, view: ClusterView, node: string): DbgEndpoint[] {
	const rows: DbgEndpoint[] = [];
	for (const endpoint of view.endpoints) {
		if (endpoint.node !== node) continue;
		rows.push({
			id: endpoint.endpointId,
			ingress: enforcement(view, endpoint, 'ingress'),
			egress: enforcement(view, endpoint, 'egress'),
			identity: endpoint.identity,
			labels: labelStrings(endpoint.labels),
			ipv6: '',
			ipv4: endpoint.ip,
			state: 'ready',
		});
	}
	const taken = new Set(rows.map((row) => row.id));
	const freeId = (seed: string) => {
		let id = stableNumber(seed, 4000, 1);
		while (taken.has(id)) id = (id % 4000) + 1;
		taken.add(id);
		return id;
	};
	// Host firewall is not enabled: the host endpoint enforces nothing.
	rows.push({id: freeId(`host/${node}`), ingress: 'Disabled', egress: 'Disabled', identity: RESERVED.host, labels: hostLabels(nodeObject(ctx, node)), ipv6: '', ipv4: '', state: 'ready'});
	const health = agentAddresses(ctx, node).health;
	if (health) {
		const healthEndpoint: EndpointInfo = {namespace: '', name: 'cilium-health', labels: {'reserved:health': ''}, identity: RESERVED.health, endpointId: 0, ip: health, node};
		rows.push({
			id: freeId(`health/${node}`),
			ingress: enforcement(view, healthEndpoint, 'ingress'),
			egress: enforcement(view, healthEndpoint, 'egress'),
			identity: RESERVED.health,
			labels: ['reserved:health'],
			ipv6: '',
			ipv4: health,
			state: 'ready',
		});
	}
	return rows;
}

/**
 * The reserved identities (pkg/identity/numericidentity.go: kube-apiserver's identity carries reserved:remote-node
 * too), the cluster's identities (CiliumIdentity objects, and those of the endpoints the view knows), and this node's
 * local FQDN identities.
 */
function agentIdentities(ctx: PracticeContext, datapath: Datapath, view: ClusterView, node: string): DbgIdentity[] {
	const identities = new Map<number, string[]>([
		[1, ['reserved:host']],
		[2, ['reserved:world']],
		[3, ['reserved:unmanaged']],
		[4, ['reserved:health']],
		[5, ['reserved:init']],
		[6, ['reserved:remote-node']],
		[7, ['reserved:kube-apiserver', 'reserved:remote-node']],
		[8, ['reserved:ingress']],
		[9, ['reserved:world-ipv4']],
		[10, ['reserved:world-ipv6']],
	]);
	for (const {id, labels} of storedIdentities(ctx)) identities.set(id, labelStrings(labels));
	for (const endpoint of view.endpoints) if (!identities.has(endpoint.identity)) identities.set(endpoint.identity, labelStrings(endpoint.labels));
	const cache = datapath.cache(node);
	const now = datapath.now();
	for (const [ip, id] of cache.identities()) {
		const peer = classifyIp(view, ip, node, cache, now);
		if (peer.identity === id) identities.set(id, labelStrings(peer.labels));
	}
	return [...identities].map(([id, labels]) => ({id, labels}));
}

interface ServicePort {
	port: number;
	targetPort?: number | string;
	protocol?: string;
}

/** The services the agent's load balancer holds (ClusterIP frontends; 1.16 keys them by IP:port, so UDP and TCP 53 are one). */
function agentServices(ctx: PracticeContext, view: ClusterView): DbgService[] {
	const services = [...ctx.store.list('v1', 'Service')].sort(
		(a, b) => String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
	);
	const rows: DbgService[] = [];
	const seen = new Set<string>();
	for (const service of services) {
		const spec = (service.spec ?? {}) as {clusterIP?: string; selector?: Record<string, string>; ports?: ServicePort[]};
		if (!spec.clusterIP || spec.clusterIP === 'None') continue;
		for (const port of spec.ports ?? []) {
			const frontend = `${spec.clusterIP}:${port.port}`;
			if (seen.has(frontend)) continue;
			seen.add(frontend);
			const backends: DbgService['backends'] = [];
			if (service.metadata.namespace === 'default' && service.metadata.name === 'kubernetes') {
				for (const ip of view.apiserverIps) backends.push({address: `${ip}:${Number(port.targetPort) || 443}`, state: 'active'});
			} else if (spec.selector && Object.keys(spec.selector).length > 0) {
				for (const pod of view.pods.values()) {
					const status = podFields(pod).status ?? {};
					if (pod.metadata.namespace !== service.metadata.namespace || status.phase !== 'Running' || !status.podIP || pod.metadata.deletionTimestamp) continue;
					if (!Object.entries(spec.selector).every(([key, value]) => pod.metadata.labels?.[key] === value)) continue;
					let target = Number(port.targetPort ?? port.port);
					if (!Number.isFinite(target)) {
						for (const container of podFields(pod).spec?.containers ?? []) for (const entry of container.ports ?? []) if (entry.name === port.targetPort) target = Number(entry.containerPort);
					}
					backends.push({address: `${status.podIP}:${Number.isFinite(target) ? target : port.port}`, state: 'active'});
				}
			}
			rows.push({id: rows.length + 1, frontend, type: 'ClusterIP', backends});
		}
	}
	return rows;
}

/** Kubernetes resources the 1.16 agent watches (its k8s status' K8sAPIVersions, as a 1.16.4 agent lists them). */
const K8S_APIS = [
	'EndpointSliceOrEndpoint',
	'cilium/v2::CiliumClusterwideNetworkPolicy',
	'cilium/v2::CiliumEndpoint',
	'cilium/v2::CiliumNetworkPolicy',
	'cilium/v2::CiliumNode',
	'cilium/v2alpha1::CiliumCIDRGroup',
	'core/v1::Namespace',
	'core/v1::Pods',
	'core/v1::Service',
	'networking.k8s.io/v1::NetworkPolicy',
];

/** v1.16.4's version line (pkg/version: `1.16.4 (v1.16.4-03807242)`, as a 1.16.4 agent prints it). */
const CILIUM_VERSION_LINE: Record<string, string> = {'1.16.4': '1.16.4 (v1.16.4-03807242)'};

/** The health-reporting modules of a 1.16.4 agent with the chart's defaults (its status' `OK(58)`). */
const MODULES_OK = 58;
/** Controllers of an agent: those of the daemon, plus those each endpoint runs (regeneration, identity, CEP sync, policy map sync). */
const BASE_CONTROLLERS = 19;
const CONTROLLERS_PER_ENDPOINT = 4;

function kernelAtLeast(node: KubeObject | undefined, major: number, minor: number): boolean {
	const kernel = String((node?.status as {nodeInfo?: {kernelVersion?: string}} | undefined)?.nodeInfo?.kernelVersion ?? '');
	const match = /^(\d+)\.(\d+)/.exec(kernel);
	return Boolean(match && (Number(match[1]) > major || (Number(match[1]) === major && Number(match[2]) >= minor)));
}

/** Proxy redirects on this node: one per endpoint, direction, port and protocol whose allow carries L7 (DNS or HTTP) rules. */
function redirectCount(view: ClusterView, node: string): number {
	let count = 0;
	for (const endpoint of view.endpoints) {
		if (endpoint.node !== node) continue;
		const ports = new Set<string>();
		for (const policy of selectingPolicies(view.index, endpoint).active) {
			for (const direction of ['ingress', 'egress'] as const) {
				for (const rule of policy.rules[direction]) {
					for (const portRule of rule.portRules ?? []) {
						if (!portRule.dns && !portRule.http) continue;
						// ANY is TCP and UDP: SCTP is off by default (enable-sctp), so it gets no redirect.
						for (const port of portRule.ports) for (const protocol of port.protocols) if (protocol !== 'SCTP') ports.add(`${direction}/${port.port}/${protocol}`);
					}
				}
			}
		}
		count += ports.size;
	}
	return count;
}

function agentStatus(ctx: PracticeContext, datapath: Datapath, view: ClusterView, agent: KubeObject, version: string): DbgStatus {
	const node = nodeOf(agent);
	const settings = config(ctx);
	const nodeObj = nodeObject(ctx, node);
	const nodeIp = view.nodes.find((candidate) => candidate.name === node)?.ip ?? '';
	const k8s = versionInfo(clusterVersion(ctx));
	const addresses = agentAddresses(ctx, node);
	const endpoints = agentEndpoints(ctx, view, node);
	const podsOnNode = view.endpoints.filter((endpoint) => endpoint.node === node).length;
	const kpr = settings['kube-proxy-replacement'] === 'true';
	const cpus = Number((nodeObj?.status as {capacity?: {cpu?: string}} | undefined)?.capacity?.cpu) || 2;
	const ring = datapath.ring(node);
	const startedAt = Date.parse(String((agent.status as {startTime?: string} | undefined)?.startTime ?? '')) || datapath.now();
	const uptimeSeconds = Math.max(1, (datapath.now() - startedAt) / 1000);
	// cilium-health probes every node the agent knows (a CiliumNode each); those whose agent runs answer.
	const known = listIfServed(ctx, 'cilium.io/v2', 'CiliumNode').length;
	const agentsRunning = view.ciliumNodes.size;
	const hubble = settings['enable-hubble'] === 'true';
	return {
		kubernetes: {state: 'Ok', msg: `${k8s.major}.${k8s.minor} (${k8s.gitVersion}) [${k8s.platform}]`, apis: K8S_APIS},
		kubeProxyReplacement: {mode: kpr ? 'True' : 'False', devices: nodeIp ? [{name: 'eth0', ips: [nodeIp]}] : [], directRoutingDevice: 'eth0'},
		ciliumVersion: CILIUM_VERSION_LINE[version] ?? `${version} (v${version})`,
		nodeMonitor: {cpus, npages: 64, pagesize: 4096},
		ipam: addresses.cidr ? `IPv4: ${podsOnNode + 2}/${2 ** (32 - Number(addresses.cidr.split('/')[1])) - 2} allocated from ${addresses.cidr}, ` : 'IPv4: 0/0 allocated, ',
		routing: {network: settings['routing-mode'] === 'native' ? 'Native' : 'Tunnel', tunnelProtocol: settings['tunnel-protocol'], host: kpr && settings['enable-bpf-masquerade'] === 'true' ? 'BPF' : 'Legacy'},
		// TCX needs a 6.6 kernel; AKS's Ubuntu 22.04 nodes run 5.15, so the agent attaches with legacy tc.
		attachMode: kernelAtLeast(nodeObj, 6, 6) ? 'tcx' : 'tc',
		masquerading: {mode: settings['enable-bpf-masquerade'] === 'true' ? 'BPF' : 'IPTables', devices: ['eth0'], snatExclusionCidrV4: settings['cluster-pool-ipv4-cidr'] ?? settings['native-routing-cidr'] ?? ''},
		controllers: BASE_CONTROLLERS + CONTROLLERS_PER_ENDPOINT * endpoints.length,
		proxy: settings['enable-l7-proxy'] === 'false' ? undefined : {ip: addresses.router ?? '', redirects: redirectCount(view, node), portRange: '10000-20000', envoy: settings['external-envoy-proxy'] === 'true' ? 'external' : 'embedded'},
		// Flows/s is the observer's seen flows over its uptime; the ring's flows stand in for the seen ones.
		hubble: {enabled: hubble, currentFlows: ring.all().length, maxFlows: ring.capacity, flowsPerSecond: ring.all().length / uptimeSeconds, metrics: settings['hubble-metrics'] ? 'Ok' : 'Disabled'},
		clusterHealth: {reachable: agentsRunning, total: Math.max(known, agentsRunning), timestamp: new Date(datapath.now()).toISOString().replace(/\.\d+Z$/, 'Z')},
		modulesOk: MODULES_OK,
	};
}

/** The cluster's Kubernetes version, as /version answers it (api/server.ts). */
function clusterVersion(ctx: PracticeContext): string {
	return ctx.sections.read<{kubernetesVersion?: string} | null>(CLUSTER_SECTION, null)?.kubernetesVersion ?? KUBERNETES_VERSION.gitVersion;
}

// ---------------------------------------------------------------------------------------------------------- monitor

/** Line numbers of the drop sites (__MAGIC_LINE__ of the build: the egress and ingress policy drops of bpf_lxc.c). */
const DROP_SITE = {egress: 1274, ingress: 1998, noService: 1540} as const;

function flowHash(flow: Flow): number {
	return stableNumber(`${flow.IP.source}>${flow.IP.destination}>${JSON.stringify(flow.l4)}`, 0xffffffff, 0);
}

/** A Hubble drop flow as the monitor's DropNotify prints it. */
export function dropOfFlow(flow: Flow): DbgDrop {
	const ingress = flow.traffic_direction === 'INGRESS';
	const at = ingress ? flow.destination.ID : flow.source.ID;
	const l4 = flow.l4;
	const summary = connectionSummary(
		flow.IP.source,
		flow.IP.destination,
		'TCP' in l4
			? {tcp: {sourcePort: l4.TCP.source_port, destinationPort: l4.TCP.destination_port, flags: l4.TCP.flags ?? {}}}
			: 'UDP' in l4
				? {udp: {sourcePort: l4.UDP.source_port, destinationPort: l4.UDP.destination_port}}
				: {icmpType: l4.ICMPv4.type},
	);
	return {
		reason: flow.drop_reason ?? 133,
		hash: flowHash(flow),
		dstId: ingress ? (flow.destination.ID ?? 0) : 0,
		ifindex: at ? stableNumber(`lxc/${at}`, 60, 8) : 0,
		file: 'bpf_lxc.c',
		line: flow.drop_reason === 158 ? DROP_SITE.noService : ingress ? DROP_SITE.ingress : DROP_SITE.egress,
		srcIdentity: flow.source.identity,
		dstIdentity: flow.destination.identity,
		summary,
	};
}

const MONITOR_TYPES = ['agent', 'capture', 'debug', 'drop', 'l7', 'policy-verdict', 'recorder', 'trace', 'trace-sock'];

async function monitor(flags: string[], io: Io, agent: KubeObject, ctx: PracticeContext): Promise<number> {
	const types: string[] = [];
	let numeric = false;
	for (let index = 0; index < flags.length; index++) {
		const flag = flags[index]!;
		let value: string | undefined;
		if (flag === '--type' || flag === '-t') value = flags[++index];
		else if (flag.startsWith('--type=')) value = flag.slice('--type='.length);
		else if (flag.startsWith('-t') && flag.length > 2) value = flag.slice(2);
		else if (flag === '-n' || flag === '--numeric') {
			numeric = true;
			continue;
		} else {
			io.stderr.write(`cilium-dbg monitor ${flag}: not simulated by the practice cluster (only --type drop and -n are)\n`);
			return 1;
		}
		if (value === undefined) {
			io.stderr.write(`Error: flag needs an argument: --type\n`);
			return 1;
		}
		// pkg/monitor/format/flags.go MonitorType.Set: an unknown type fails pflag's parsing.
		if (!MONITOR_TYPES.includes(value)) {
			io.stderr.write(`Error: invalid argument "${value}" for "-t, --type" flag: Unknown type (${value}). Please use one of the following ones [${MONITOR_TYPES.join(' ')}]\n`);
			return 1;
		}
		types.push(value);
	}
	if (types.length === 0 || types.some((type) => type !== 'drop')) {
		io.stderr.write('cilium-dbg monitor: only "--type drop" is simulated by the practice cluster (trace, policy-verdict and other events are not)\n');
		return 1;
	}
	const datapath = Datapath.for(ctx);
	const node = nodeOf(agent);
	const cpus = Number((nodeObject(ctx, node)?.status as {capacity?: {cpu?: string}} | undefined)?.capacity?.cpu) || 2;
	io.stderr.write(`Listening for events on ${cpus} CPUs with 64x4096 of shared memory\nPress Ctrl-C to quit\n`);
	let dissectorReady = false;
	await new Promise<void>((resolve) => {
		const unsubscribe = datapath.ring(node).subscribe((flow) => {
			if (flow.event_type.type !== 1) return;
			io.stdout.write(formatDropNotify(dropOfFlow(flow), numeric));
			if (!dissectorReady) {
				dissectorReady = true;
				io.stderr.write('level=info msg="Initializing dissection cache..." subsys=monitor\n');
			}
		});
		const stop = () => {
			unsubscribe();
			resolve();
		};
		// The exec ends it: the client leaving, or ^C on a terminal (the pod's tty turns it into the interrupt).
		if (io.signal.aborted) stop();
		else io.signal.addEventListener('abort', stop, {once: true});
	});
	// signal.NotifyContext caught the interrupt: consumeMonitorEvents says so and returns nil (exit 0).
	if (io.tty) io.stderr.write('\nReceived an interrupt, disconnecting from monitor...\n\n');
	return 0;
}

// ---------------------------------------------------------------------------------------------------------- fqdn

/** `cilium-dbg fqdn cache clean -f [-p PATTERN]`: the agent forgets what its DNS proxy learned; those IPs lose their FQDN identity. */
async function cleanFqdnCache(flags: string[], io: Io, pod: KubeObject, ctx: PracticeContext): Promise<number> {
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
	datapath.cache(nodeOf(pod)).forget(matcher ? (name) => matcher.test(name) : undefined);
	datapath.persist();
	io.stdout.write('FQDN proxy cache cleared\n');
	return 0;
}

function listFqdnCache(io: Io, pod: KubeObject, ctx: PracticeContext): number {
	const datapath = Datapath.for(ctx);
	const now = datapath.now();
	const rows = datapath
		.cache(nodeOf(pod))
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

// ---------------------------------------------------------------------------------------------------------- bpf policy get

/**
 * The identities this agent knows, as peers a rule may select: the reserved ones (single-stack: no world-ipv4/ipv6
 * split), the cluster's (its endpoints' and the CiliumIdentity objects), this node's FQDN identities, and a local CIDR
 * identity for each prefix the endpoint's policies name (pkg/ipcache allocates them when the policy is imported).
 */
/** The cluster's CiliumIdentity objects: numeric id and security labels. */
function storedIdentities(ctx: PracticeContext): Array<{id: number; labels: Labels}> {
	return listIfServed(ctx, 'cilium.io/v2', 'CiliumIdentity')
		.map((identity) => ({id: Number(identity.metadata.name), labels: (identity['security-labels'] ?? {}) as Labels}))
		.filter(({id}) => Number.isFinite(id));
}

function agentPeers(ctx: PracticeContext, datapath: Datapath, view: ClusterView, node: string, endpoint: EndpointInfo): PeerIdentity[] {
	const peers = new Map<number, PeerIdentity>();
	for (const name of ['host', 'world', 'unmanaged', 'health', 'init', 'remote-node', 'kube-apiserver', 'ingress'] as const) {
		const peer = reservedPeer(name, '');
		if (name === 'kube-apiserver') peer.labels = {'reserved:kube-apiserver': '', 'reserved:remote-node': ''};
		peers.set(peer.identity, peer);
	}
	for (const other of view.endpoints) if (!peers.has(other.identity)) peers.set(other.identity, peerOfEndpoint(other));
	for (const {id, labels} of storedIdentities(ctx)) if (!peers.has(id)) peers.set(id, {ip: '', identity: id, labels, inCluster: true, fqdnNames: []});
	const cache = datapath.cache(node);
	const now = datapath.now();
	let nextLocal = FIRST_LOCAL_IDENTITY + 1;
	for (const [ip, id] of cache.identities()) {
		const peer = classifyIp(view, ip, node, cache, now);
		if (peer.identity === id) peers.set(id, peer);
		nextLocal = Math.max(nextLocal, id + 1);
	}
	for (const cidr of policyCidrs(view.index, endpoint)) {
		peers.set(nextLocal, {ip: cidr.split('/')[0]!, identity: nextLocal, labels: {[`cidr:${cidr}`]: '', 'reserved:world': ''}, inCluster: false, fqdnNames: []});
		nextLocal++;
	}
	return [...peers.values()];
}

/** The pod endpoints, the host endpoint and the health endpoint of this agent, by endpoint id. */
function agentEndpointInfos(ctx: PracticeContext, view: ClusterView, node: string): Map<number, EndpointInfo> {
	const infos = new Map<number, EndpointInfo>();
	for (const endpoint of view.endpoints) if (endpoint.node === node) infos.set(endpoint.endpointId, endpoint);
	for (const row of agentEndpoints(ctx, view, node)) {
		if (infos.has(row.id)) continue;
		if (row.identity === RESERVED.host) {
			// The host firewall is off: no policy selects the host endpoint (host policies are not simulated).
			infos.set(row.id, {namespace: '', name: 'host', labels: {}, identity: RESERVED.host, endpointId: row.id, ip: '', node});
		} else {
			infos.set(row.id, {namespace: '', name: 'cilium-health', labels: {'reserved:health': ''}, identity: RESERVED.health, endpointId: row.id, ip: row.ipv4, node});
		}
	}
	return infos;
}

const BPF_POLICY_GET_HELP = `Get contents of a policy BPF map

Usage:
  cilium-dbg bpf policy get [flags]

Flags:
      --all             Dump all policy maps
  -h, --help            help for get
  -n, --numeric         Do not resolve IDs
  -o, --output string   json| yaml| jsonpath='{}'

Global Flags:
      --config string   Config file (default is $HOME/.cilium.yaml)
  -D, --debug           Enable debug messages
  -H, --host string     URI to server-side API
`;

/**
 * The port of a proxy redirect. Envoy's listeners get one from the proxy port range 10000-20000 (pkg/proxy/proxyports,
 * a random free one: fixed here per node); the DNS proxy binds port 0 (tofqdns-proxy-port unset), so the kernel picks
 * it from ip_local_port_range 32768-60999 — published 1.15/1.16 maps show 37357 and 41873 for DNS, 14536 for HTTP.
 */
function proxyPortOf(node: string, parser: 'dns' | 'http', direction: Direction): number {
	return parser === 'dns' ? stableNumber(`${node}/cilium-dns-egress`, 60999 - 32768 + 1, 32768) : stableNumber(`${node}/cilium-http-${direction}`, 10001, 10000);
}

/** The practice cluster keeps no per-entry counters: say so (on stderr, so the table stays the real one). */
const COUNTERS_NOTE = 'cilium-dbg bpf policy get: the practice cluster does not count the traffic each entry matched; BYTES and PACKETS are shown as 0\n';

/** cilium-dbg/cmd/bpf_policy_get.go @v1.16.4 (with requireEndpointID and endpointToPolicyMapPath of its package). */
function bpfPolicyGet(args: string[], io: Io, ctx: PracticeContext, datapath: Datapath, view: ClusterView, node: string): number {
	let numeric = false;
	let all = false;
	const positional: string[] = [];
	for (const arg of args) {
		if (arg === '-n' || arg === '--numeric') numeric = true;
		else if (arg === '--all') all = true;
		else if (arg === '-h' || arg === '--help') {
			io.stdout.write(BPF_POLICY_GET_HELP);
			return 0;
		} else if (/^(-o|--output)(=|$)/.test(arg)) return notSimulated(io, `bpf policy get ${arg}`);
		else if (arg.startsWith('-')) {
			io.stderr.write(`Error: unknown ${arg.startsWith('--') ? `flag: ${arg.split('=')[0]}` : `shorthand flag: '${arg[1]}' in ${arg}`}\n${BPF_POLICY_GET_HELP.slice(BPF_POLICY_GET_HELP.indexOf('Usage:'))}\n`);
			return 1;
		} else positional.push(arg);
	}
	const infos = agentEndpointInfos(ctx, view, node);
	const table = (endpoint: EndpointInfo) => {
		const peers = agentPeers(ctx, datapath, view, node, endpoint);
		const labels = new Map(peers.map((peer) => [peer.identity, labelStrings(peer.labels)]));
		labels.set(0, ['reserved:unknown']);
		return formatBpfPolicyGet(policyMapEntries({index: view.index, mode: view.mode, endpoint, peers, proxyPort: (parser, direction) => proxyPortOf(node, parser, direction)}), (identity) => labels.get(identity), {numeric});
	};
	const mapPath = (id: number) => `/sys/fs/bpf/tc/globals/cilium_policy_${String(id).padStart(5, '0')}`;
	if (all) {
		for (const [id, endpoint] of [...infos].sort(([a], [b]) => a - b)) io.stdout.write(`Endpoint ID: ${id}\nPath: ${mapPath(id)}\n\n${table(endpoint)}\n\n`);
		io.stderr.write(COUNTERS_NOTE);
		return 0;
	}
	const [text] = positional;
	if (text === undefined) {
		io.stderr.write('Error: Missing endpoint id argument\n\n');
		io.stdout.write(BPF_POLICY_GET_HELP);
		return 1;
	}
	// A reserved identity name maps to cilium_policy_reserved_N, which 1.16 agents do not create.
	const reserved = (RESERVED as Record<string, number>)[text];
	if (reserved === undefined && !/^\d+$/.test(text)) {
		io.stderr.write(`Error: Cannot parse endpoint id "${text}": strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax\n`);
		return 1;
	}
	if (reserved === undefined && Number(text) > 65535) {
		io.stderr.write(`Error: Cannot parse endpoint id "${text}": strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range\n`);
		return 1;
	}
	const endpoint = reserved === undefined ? infos.get(Number(text)) : undefined;
	if (!endpoint) {
		// policymap.Open on a map that is not pinned: ebpf.LoadPinnedMap returns the errno (ENOENT).
		io.stderr.write('Error: Failed to open map: no such file or directory\n\n');
		return 1;
	}
	io.stdout.write(table(endpoint));
	io.stderr.write(COUNTERS_NOTE);
	return 0;
}

// ---------------------------------------------------------------------------------------------------------- dispatch

const SIMULATED = '"status", "endpoint list", "identity list", "policy get", "service list", "bpf policy get", "monitor --type drop", "fqdn cache list" and "fqdn cache clean -f"';

function notSimulated(io: Io, args: string): number {
	io.stderr.write(`cilium-dbg ${args}: not simulated by the practice cluster (${SIMULATED} are)\n`);
	return 1;
}

/**
 * The status lines and the service table changed after 1.16 (1.17 keys services by protocol, `10.0.0.10:53/UDP`; later
 * agents print KVStore and the load balancer differently): only 1.16's are simulated.
 */
function onlyV116(io: Io, view: ClusterView, command: string): boolean {
	if (minorOf(view.behaviour.version) === '1.16') return true;
	io.stderr.write(`cilium-dbg ${command}: only Cilium 1.16's output is simulated by the practice cluster (the agents run ${view.behaviour.version})\n`);
	return false;
}

/** Flags a listing takes; anything else is refused rather than ignored. */
function onlyFlags(io: Io, command: string, flags: string[], allowed: string[]): boolean {
	const other = flags.find((flag) => !allowed.includes(flag));
	if (other === undefined) return true;
	notSimulated(io, `${command} ${other}`);
	return false;
}

export const ciliumDbg: PodProgram = async (argv, io, pod, ctx) => {
	// The root's persistent flags before the command: -D/--debug only adds debug logs; the others point the client at
	// another agent or config, which the practice cluster does not simulate. Any other flag is pflag's unknown flag.
	let args = argv.slice(1);
	while (args[0]?.startsWith('-') && !['-h', '--help'].includes(args[0])) {
		const flag = args[0];
		if (flag === '-D' || flag === '--debug') {
			args = args.slice(1);
			continue;
		}
		if (/^(-H|--host|--config)(=|$)/.test(flag)) return notSimulated(io, args.join(' '));
		io.stderr.write(`Error: unknown ${flag.startsWith('--') ? 'flag' : 'shorthand flag'}: ${flag.startsWith('--') ? flag.split('=')[0] : `'${flag[1]}' in ${flag}`}\n${formatRootUsage()}\n`);
		return 1;
	}
	const [command, sub, ...rest] = args;
	if (command === undefined || command === '-h' || command === '--help' || (command === 'help' && sub === undefined)) {
		io.stdout.write(formatRootHelp());
		return 0;
	}
	if (!cobraKnows(CILIUM_DBG_ROOT, command)) return cobraUnknownCommand(io, CILIUM_DBG_ROOT, command);
	const datapath = Datapath.for(ctx);
	const view = datapath.view();
	const node = nodeOf(pod);
	const list = () => sub === 'list' || sub === 'ls';
	switch (command) {
		case 'status': {
			if (!onlyV116(io, view, 'status')) return 1;
			const flags = args.slice(1);
			if (flags.includes('--brief')) {
				if (!onlyFlags(io, 'status', flags, ['--brief'])) return 1;
				io.stdout.write('OK\n');
				return 0;
			}
			if (!onlyFlags(io, 'status', flags, [])) return 1;
			io.stdout.write(formatStatus(agentStatus(ctx, datapath, view, pod, view.behaviour.version)));
			return 0;
		}
		case 'endpoint':
			if (!list()) break;
			if (!onlyFlags(io, 'endpoint list', rest, ['--no-headers'])) return 1;
			io.stdout.write(formatEndpointList(agentEndpoints(ctx, view, node), {noHeaders: rest.includes('--no-headers')}));
			return 0;
		case 'identity':
			if (!list()) break;
			if (!onlyFlags(io, 'identity list', rest, [])) return 1;
			io.stdout.write(formatIdentityList(agentIdentities(ctx, datapath, view, node)));
			return 0;
		case 'service':
			if (!list()) break;
			if (!onlyFlags(io, 'service list', rest, [])) return 1;
			if (!onlyV116(io, view, 'service list')) return 1;
			io.stdout.write(formatServiceList(agentServices(ctx, view)));
			return 0;
		case 'policy': {
			if (sub !== 'get') break;
			if (!onlyFlags(io, 'policy get', rest, [])) return 1;
			if (networkPolicyCount(ctx) > 0) {
				io.stderr.write('cilium-dbg policy get: the rules Kubernetes NetworkPolicies become are not simulated by the practice cluster (remove them, or read them with kubectl get networkpolicy -o yaml)\n');
				return 1;
			}
			const repository = policyRepositoryRules(ctx);
			io.stdout.write(formatPolicyGet(repository.rules, repository.revision));
			return 0;
		}
		case 'bpf':
			if (sub === 'policy' && rest[0] === 'get') return bpfPolicyGet(rest.slice(1), io, ctx, datapath, view, node);
			break;
		case 'monitor':
			return monitor(args.slice(1), io, pod, ctx);
		case 'fqdn':
			if (sub === 'cache' && rest[0] === 'list' && rest.length === 1) return listFqdnCache(io, pod, ctx);
			if (sub === 'cache' && rest[0] === 'clean') return cleanFqdnCache(rest.slice(1), io, pod, ctx);
			break;
	}
	return notSimulated(io, args.join(' '));
};
