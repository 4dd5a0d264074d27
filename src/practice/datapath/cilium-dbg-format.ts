// What `cilium-dbg` (cilium/cilium v1.16.4, the agent pod's debug CLI) prints, as pure functions of the agent's
// models. Each printer follows the Go source named above it; the tables go through Go's text/tabwriter
// (src/practice/cloud/text.ts tabwrite) with the parameters the command gives it.
import {tabwrite} from '../cloud/text.js';
import type {CobraRoot} from '../cloud/cobra.js';

// ---------------------------------------------------------------------------------------------------------- endpoint list

export type Enforcement = 'Enabled' | 'Disabled';

export interface DbgEndpoint {
	id: number;
	ingress: Enforcement;
	egress: Enforcement;
	identity: number;
	/** Security-relevant labels, `source:key[=value]`. */
	labels: string[];
	ipv6: string;
	ipv4: string;
	state: string;
}

/**
 * cilium-dbg/cmd/endpoint_list.go printEndpointList: sorted by endpoint id, tabwriter(minwidth 5, padding 3), every
 * row tab-terminated (so the last column is padded too), the labels sorted as strings, one per line.
 */
export function formatEndpointList(endpoints: DbgEndpoint[], options: {noHeaders?: boolean} = {}): string {
	const lines: string[] = [];
	if (!options.noHeaders) {
		lines.push('ENDPOINT\tPOLICY (ingress)\tPOLICY (egress)\tIDENTITY\tLABELS (source:key[=value])\tIPv6\tIPv4\tSTATUS\t');
		lines.push('\tENFORCEMENT\tENFORCEMENT\t\t\t\t\t');
	}
	for (const endpoint of [...endpoints].sort((a, b) => a.id - b.id)) {
		const labels = endpoint.labels.length > 0 ? [...endpoint.labels].sort(goStringOrder) : ['no labels'];
		labels.forEach((label, index) => {
			if (index === 0) lines.push(`${endpoint.id}\t${endpoint.ingress}\t${endpoint.egress}\t${endpoint.identity}\t${label}\t${endpoint.ipv6}\t${endpoint.ipv4}\t${endpoint.state}\t`);
			else lines.push(`\t\t\t\t${label}\t\t\t\t`);
		});
	}
	return `${tabwrite(lines.join('\n'), 3, 5)}\n`;
}

/** Go compares strings bytewise (sort.Strings, slices.Sort); JavaScript's default sort compares UTF-16 units: the same for ASCII. */
export function goStringOrder(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------- identity list

export interface DbgIdentity {
	id: number;
	labels: string[];
}

/**
 * cilium-dbg/cmd/identity_get.go printIdentities (identity list prints through it): tabwriter(minwidth 2, padding 3),
 * "ID\tLABELS", sorted by id, a label a line; the label cell is the line's last, unterminated, so it is not padded.
 */
export function formatIdentityList(identities: DbgIdentity[]): string {
	const lines = ['ID\tLABELS'];
	for (const identity of [...identities].sort((a, b) => a.id - b.id)) {
		[...identity.labels].sort(goStringOrder).forEach((label, index) => lines.push(index === 0 ? `${identity.id}\t${label}` : `\t${label}`));
	}
	return `${tabwrite(lines.join('\n'), 3, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------- bpf policy get

/** One entry of an endpoint's policy map (pkg/maps/policymap PolicyEntryDump, as the agent would have written it). */
export interface DbgPolicyMapEntry {
	deny: boolean;
	direction: 'Ingress' | 'Egress';
	/** 0 is the wildcard (reserved:unknown). */
	identity: number;
	/** u8proto number: 0 ANY, 1 ICMP, 6 TCP, 17 UDP, 132 SCTP. */
	protocol: number;
	/** Destination port (the ICMP type for ICMP); with `prefix` 24 it is exact. */
	port: number;
	/** Key prefix length after the static bits: 0 any protocol, 8 protocol only, 9..23 a port range mask, 24 exact port. */
	prefix: number;
	/** 0 = no redirect (NONE). */
	proxyPort: number;
	bytes: number;
	packets: number;
}

const U8PROTO: Record<number, string> = {0: 'ANY', 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6', 132: 'SCTP'};

/** pkg/maps/policymap/policymap.go PortProtoString: the protocol alone, `port/PROTO`, or a masked range `first-last/PROTO`. */
export function portProtoString(entry: Pick<DbgPolicyMapEntry, 'protocol' | 'port' | 'prefix'>): string {
	const protocol = U8PROTO[entry.protocol] ?? String(entry.protocol);
	if (entry.prefix === 0 || entry.prefix === 8) return protocol;
	if (entry.prefix > 8 && entry.prefix < 24) return `${entry.port}-${entry.port + (0xffff >> (entry.prefix - 8))}/${protocol}`;
	if (entry.prefix === 24) return `${entry.port}/${protocol}`;
	return `<INVALID PREFIX LENGTH: ${entry.prefix}>`;
}

/**
 * pkg/maps/policymap PolicyEntriesDump.Less: deny entries first, then by direction (ingress before egress), then by
 * identity. Go's sort.Slice is not stable; entries equal under Less are put in port order here so the output is fixed.
 */
export function sortPolicyMapEntries(entries: DbgPolicyMapEntry[]): DbgPolicyMapEntry[] {
	const directionRank = (entry: DbgPolicyMapEntry) => (entry.direction === 'Ingress' ? 0 : 1);
	return [...entries].sort((a, b) => Number(b.deny) - Number(a.deny) || directionRank(a) - directionRank(b) || a.identity - b.identity || a.protocol - b.protocol || a.port - b.port || a.prefix - b.prefix);
}

/**
 * cilium-dbg/cmd/bpf_policy_get.go printTable/formatMap @v1.16.4: tabwriter(minwidth 5, padding 3), every row
 * tab-terminated; with labels (the default) a row per label of the entry's identity, the first carrying the entry;
 * with -n (--numeric) the IDENTITY column; an empty map adds "Policy stats empty. Perhaps the policy enforcement is
 * disabled?".
 */
export function formatBpfPolicyGet(entries: DbgPolicyMapEntry[], labelsOf: (identity: number) => string[] | undefined, options: {numeric?: boolean} = {}): string {
	const lines = [`POLICY\tDIRECTION\t${options.numeric ? 'IDENTITY' : 'LABELS (source:key[=value])'}\tPORT/PROTO\tPROXY PORT\tAUTH TYPE\tBYTES\tPACKETS\tPREFIX\t`];
	for (const entry of sortPolicyMapEntries(entries)) {
		const cells = (identity: string) => `${entry.deny ? 'Deny' : 'Allow'}\t${entry.direction}\t${identity}\t${portProtoString(entry)}\t${entry.proxyPort === 0 ? 'NONE' : entry.proxyPort}\tdisabled\t${entry.bytes}\t${entry.packets}\t${entry.prefix}\t`;
		const labels = options.numeric ? undefined : labelsOf(entry.identity);
		if (!labels || labels.length === 0) {
			lines.push(cells(String(entry.identity)));
			continue;
		}
		[...labels].sort(goStringOrder).forEach((label, index) => lines.push(index === 0 ? cells(label) : `\t\t${label}\t\t\t\t\t\t\t`));
	}
	const table = `${tabwrite(lines.join('\n'), 3, 5)}\n`;
	return entries.length === 0 ? `${table}Policy stats empty. Perhaps the policy enforcement is disabled?\n` : table;
}

// ---------------------------------------------------------------------------------------------------------- service list

export interface DbgService {
	id: number;
	/** `IP:port` (frontendAddressAsID adds `/PROTO` only for non-TCP/ANY in later versions; 1.16 prints IP:port). */
	frontend: string;
	type: string;
	/** `IP:port` of each backend with its state. */
	backends: Array<{address: string; state: string}>;
}

/**
 * cilium-dbg/cmd/service_list.go printServiceList: "ID\tFrontend\tService Type\tBackend\t" (1.16 still prints the ID
 * column), rows sorted by ID, backends numbered `N => IP:port (state)`.
 */
export function formatServiceList(services: DbgService[]): string {
	const lines = ['ID\tFrontend\tService Type\tBackend\t'];
	for (const service of [...services].sort((a, b) => a.id - b.id)) {
		if (service.backends.length === 0) {
			lines.push(`${service.id}\t${service.frontend}\t${service.type}\t\t`);
			continue;
		}
		service.backends.forEach((backend, index) => {
			const text = `${index + 1} => ${backend.address} (${backend.state})`;
			lines.push(index === 0 ? `${service.id}\t${service.frontend}\t${service.type}\t${text}\t` : `\t\t\t${text}\t`);
		});
	}
	return `${tabwrite(lines.join('\n'), 3, 5)}\n`;
}

// ---------------------------------------------------------------------------------------------------------- status

/** The fields of models.StatusResponse the practice agent fills in. */
export interface DbgStatus {
	kubernetes: {state: 'Ok' | 'Warning' | 'Failure'; msg: string; apis: string[]};
	kubeProxyReplacement: {mode: 'True' | 'False'; devices: Array<{name: string; ips: string[]}>; directRoutingDevice?: string};
	ciliumVersion: string;
	nodeMonitor: {cpus: number; npages: number; pagesize: number};
	ipam: string;
	routing: {network: 'Tunnel' | 'Native'; tunnelProtocol?: string; host: 'Legacy' | 'BPF'};
	attachMode: 'tc' | 'tcx';
	masquerading: {mode: 'BPF' | 'IPTables'; devices: string[]; snatExclusionCidrV4: string};
	controllers: number;
	proxy?: {ip: string; redirects: number; portRange: string; envoy: 'embedded' | 'external'};
	hubble: {enabled: boolean; currentFlows: number; maxFlows: number; flowsPerSecond: number; metrics: 'Ok' | 'Disabled'};
	clusterHealth?: {reachable: number; total: number; timestamp: string};
	modulesOk: number;
}

/**
 * cilium-dbg/cmd/status.go statusDaemon + pkg/client/client.go FormatStatusResponse (read as cilium-cli v0.16.15
 * vendors cilium v1.16.0) + pkg/health/client FormatHealthStatusResponse and GetAndFormatModulesHealth, in the
 * outer tabwriter(minwidth 2, padding 3); the controller table of FormatStatusResponse is printed by its own inner
 * tabwriter only when one fails (never here). Checked line by line against a v1.16.4 agent's `cilium status` published
 * in egrosdou01/blog.grosdouli.dev (talos-proxmox-opentofu part 2): `KVStore: Ok   Disabled`, `Modules Health:`.
 */
export function formatStatus(status: DbgStatus): string {
	const lines: string[] = [];
	lines.push('KVStore:\tOk\tDisabled');
	lines.push(`Kubernetes:\t${status.kubernetes.state}\t${status.kubernetes.msg}`);
	lines.push(`Kubernetes APIs:\t["${[...status.kubernetes.apis].sort(goStringOrder).join('", "')}"]`);
	const kpr = status.kubeProxyReplacement;
	let devices = '';
	if (kpr.mode !== 'False' && kpr.devices.length > 0) {
		// 1.16.4 separates a device's name from its addresses with a tab (seen in a 1.16.4 agent's output).
		devices = `[${kpr.devices.map((device) => `${device.name}\t${device.ips.join(' ')}${device.name === kpr.directRoutingDevice ? ' (Direct Routing)' : ''}`).join(', ')}]`;
	}
	lines.push(`KubeProxyReplacement:\t${kpr.mode}\t${devices}`);
	lines.push('Host firewall:\tDisabled');
	lines.push('SRv6:\tDisabled');
	lines.push('CNI Chaining:\tnone');
	lines.push('CNI Config file:\tsuccessfully wrote CNI configuration file to /host/etc/cni/net.d/05-cilium.conflist');
	lines.push(`Cilium:\tOk   ${status.ciliumVersion}`);
	lines.push(`NodeMonitor:\tListening for events on ${status.nodeMonitor.cpus} CPUs with ${status.nodeMonitor.npages}x${status.nodeMonitor.pagesize} of shared memory`);
	lines.push('Cilium health daemon:\tOk\t');
	lines.push(`IPAM:\t${status.ipam}`);
	lines.push('IPv4 BIG TCP:\tDisabled');
	lines.push('IPv6 BIG TCP:\tDisabled');
	lines.push('BandwidthManager:\tDisabled');
	const network = `Network: ${status.routing.network}${status.routing.network === 'Tunnel' ? ` [${status.routing.tunnelProtocol ?? 'vxlan'}]` : ''}`;
	lines.push(`Routing:\t${network}\tHost: ${status.routing.host}`);
	lines.push(`Attach Mode:\t${status.attachMode === 'tcx' ? 'TCX' : 'Legacy TC'}`);
	lines.push('Device Mode:\tveth');
	const masquerading = status.masquerading.mode === 'BPF' ? `BPF\t[${status.masquerading.devices.join(', ')}]\t${status.masquerading.snatExclusionCidrV4}` : 'IPTables';
	lines.push(`Masquerading:\t${masquerading} [IPv4: Enabled, IPv6: Disabled]`);
	lines.push(`Controller Status:\t${status.controllers}/${status.controllers} healthy`);
	if (status.proxy) lines.push(`Proxy Status:\tOK, ip ${status.proxy.ip}, ${status.proxy.redirects} redirects active on ports ${status.proxy.portRange}, Envoy: ${status.proxy.envoy}`);
	else lines.push('Proxy Status:\tNo managed proxy redirect');
	lines.push('Global Identity Range:\tmin 256, max 65535');
	if (status.hubble.enabled) {
		const hubble = status.hubble;
		const observer = [`Current/Max Flows: ${hubble.currentFlows}/${hubble.maxFlows} (${((hubble.currentFlows / hubble.maxFlows) * 100).toFixed(2)}%)`, `Flows/s: ${hubble.flowsPerSecond.toFixed(2)}`];
		lines.push(`Hubble:\tOk\t${observer.join(', ')}\tMetrics: ${hubble.metrics}`);
	} else {
		lines.push('Hubble:\tDisabled');
	}
	lines.push('Encryption:\tDisabled\t');
	if (status.clusterHealth) lines.push(`Cluster health:\t${status.clusterHealth.reachable}/${status.clusterHealth.total} reachable\t(${status.clusterHealth.timestamp})`);
	else lines.push('Cluster health:\t\tProbe disabled');
	lines.push(`Modules Health:\tStopped(0) Degraded(0) OK(${status.modulesOk})`);
	return `${tabwrite(lines.join('\n'), 3, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------- monitor

export interface DbgDrop {
	/** pkg/monitor/api/drop.go reason code (133 Policy denied, 181 Policy denied by denylist, 158 Service backend not found). */
	reason: number;
	hash: number;
	dstId: number;
	ifindex: number;
	file: string;
	line: number;
	srcIdentity: number;
	dstIdentity: number;
	/** GetConnectionSummary: `IP:port -> IP:port tcp SYN`, `IP:port -> IP:port udp`, `IP -> IP EchoRequest`. */
	summary: string;
}

/** pkg/monitor/api/drop.go errors (the reasons the practice datapath drops for). */
export const DROP_REASON_TEXT: Record<number, string> = {133: 'Policy denied', 158: 'Service backend not found', 181: 'Policy denied by denylist'};

/** pkg/identity NumericIdentity.String: a reserved identity prints its name, any other its number. */
export const RESERVED_IDENTITY_NAMES: Record<number, string> = {
	0: 'unknown',
	1: 'host',
	2: 'world',
	3: 'unmanaged',
	4: 'health',
	5: 'init',
	6: 'remote-node',
	7: 'kube-apiserver',
	8: 'ingress',
	9: 'world-ipv4',
	10: 'world-ipv6',
};

/**
 * pkg/monitor/datapath_drop.go DropNotify.DumpInfo (monitor's default INFO verbosity):
 * `xx drop (REASON) flow 0xHASH to endpoint DST, ifindex N, file F:L, ` then dumpIdentity's `, identity A->B` (hence
 * the doubled comma), then `: SUMMARY`. Without -n, identities print as NumericIdentity.String() does.
 */
export function formatDropNotify(drop: DbgDrop, numeric = false): string {
	const identity = (id: number) => (numeric ? String(id) : (RESERVED_IDENTITY_NAMES[id] ?? String(id)));
	const reason = DROP_REASON_TEXT[drop.reason] ?? String(drop.reason);
	return `xx drop (${reason}) flow 0x${(drop.hash >>> 0).toString(16)} to endpoint ${drop.dstId}, ifindex ${drop.ifindex}, file ${drop.file}:${drop.line}, , identity ${identity(drop.srcIdentity)}->${identity(drop.dstIdentity)}: ${drop.summary}\n`;
}

/** pkg/monitor/dissect.go GetConnectionSummary + getTCPInfo (flags in the order SYN, ACK, RST, FIN). */
export function connectionSummary(source: string, destination: string, l4: {tcp?: {sourcePort: number; destinationPort: number; flags: {SYN?: boolean; ACK?: boolean; RST?: boolean; FIN?: boolean}}; udp?: {sourcePort: number; destinationPort: number}; icmpType?: number}): string {
	if (l4.icmpType !== undefined) return `${source} -> ${destination} ${l4.icmpType === 8 ? 'EchoRequest' : l4.icmpType === 0 ? 'EchoReply' : `${l4.icmpType}(Unknown)`}`;
	if (l4.tcp) {
		const flags = (['SYN', 'ACK', 'RST', 'FIN'] as const).filter((flag) => l4.tcp!.flags[flag]);
		return `${source}:${l4.tcp.sourcePort} -> ${destination}:${l4.tcp.destinationPort} tcp ${flags.join(', ')}`;
	}
	if (l4.udp) return `${source}:${l4.udp.sourcePort} -> ${destination}:${l4.udp.destinationPort} udp`;
	return `${source} -> ${destination}`;
}

// ---------------------------------------------------------------------------------------------------------- policy get

/** cilium-dbg/cmd/policy_get.go: the repository's rules as the agent's json.MarshalIndent("", "  ") gives them, then the revision. */
export function formatPolicyGet(rules: unknown[], revision: number): string {
	return `${JSON.stringify(rules, null, 2)}\nRevision: ${revision}\n`;
}

// ---------------------------------------------------------------------------------------------------------- root and help

/**
 * cilium-dbg/cmd/root.go (RootCmd "cilium-dbg", not SilenceErrors: cobra prints `Error: …` and the --help hint) and
 * the subcommands it registers in v1.16.
 */
export const CILIUM_DBG_ROOT: CobraRoot = {
	path: 'cilium-dbg',
	commands: [
		'bgp',
		'bpf',
		'build-config',
		'cgroups',
		'cleanup',
		'completion',
		'config',
		'debuginfo',
		'encrypt',
		'endpoint',
		'envoy',
		'fqdn',
		'identity',
		'ip',
		'kvstore',
		'lrp',
		'map',
		'metrics',
		'monitor',
		'node',
		'nodeid',
		'policy',
		'prefilter',
		'preflight',
		'recorder',
		'service',
		'shell',
		'statedb',
		'status',
		'troubleshoot',
		'version',
	],
	hidden: ['cmdref'],
	silenceErrors: false,
};

const SHORT: Record<string, string> = {
	bgp: 'Access to BGP control plane',
	bpf: 'Direct access to local BPF maps',
	'build-config': 'Resolve all of the configuration sources that apply to this node',
	cgroups: 'Cgroup metadata',
	cleanup: 'Remove system state installed by Cilium at runtime',
	completion: 'Output shell completion code',
	config: 'Cilium configuration options',
	debuginfo: 'Request available debugging information from agent',
	encrypt: 'Manage transparent encryption',
	endpoint: 'Manage endpoints',
	envoy: 'Manage Envoy Proxy',
	fqdn: 'Manage fqdn proxy',
	help: 'Help about any command',
	identity: 'Manage security identities',
	ip: 'Manage IP addresses and associated information',
	kvstore: 'Direct access to the kvstore',
	lrp: 'Manage local redirect policies',
	map: 'Access userspace cached content of BPF maps',
	metrics: 'Access metric status',
	monitor: 'Display BPF program events',
	node: 'Manage cluster nodes',
	nodeid: 'List node IDs and associated information',
	policy: 'Manage security policies',
	prefilter: 'Manage XDP CIDR filters',
	preflight: 'Cilium upgrade helper',
	recorder: 'Introspect or mangle pcap recorder',
	service: 'Manage services & loadbalancers',
	shell: 'Connect to the Cilium shell',
	statedb: 'Inspect StateDB',
	status: 'Display status of daemon',
	troubleshoot: 'Run troubleshooting utilities to check control-plane connectivity',
	version: 'Print version information',
};

/** cobra's default help template for the root: Long, then the usage (formatRootUsage). */
export function formatRootHelp(): string {
	return `CLI for interacting with the local Cilium Agent\n\n${formatRootUsage()}`;
}

/** cobra's usage template for the root: Usage, Available Commands (padded to the longest name), Flags, the help hint. */
export function formatRootUsage(): string {
	const names = [...CILIUM_DBG_ROOT.commands, 'help'].sort(goStringOrder);
	const pad = Math.max(...names.map((name) => name.length));
	return [
		'Usage:',
		'  cilium-dbg [command]',
		'',
		'Available Commands:',
		...names.map((name) => `  ${name.padEnd(pad)} ${SHORT[name] ?? ''}`),
		'',
		'Flags:',
		'      --config string   Config file (default is $HOME/.cilium.yaml)',
		'  -D, --debug           Enable debug messages',
		'  -h, --help            help for cilium-dbg',
		'  -H, --host string     URI to server-side API',
		'',
		'Use "cilium-dbg [command] --help" for more information about a command.',
		'',
	].join('\n');
}
