// The pure printers of `cilium-dbg` (src/practice/datapath/cilium-dbg-format.ts): each compared with what the real
// v1.16 tool prints for the same model, byte for byte (tabwriter padding, trailing spaces included).
import {describe, expect, it} from 'vitest';
import {
	connectionSummary,
	formatDropNotify,
	formatEndpointList,
	formatIdentityList,
	formatPolicyGet,
	formatRootHelp,
	formatServiceList,
	formatStatus,
	type DbgStatus,
} from '../../../src/practice/datapath/cilium-dbg-format.js';

describe('cilium-dbg printers', () => {
	it('status: a v1.16.4 agent\'s published `cilium status`, line for line, from its model — pkg/client/client.go FormatStatusResponse', () => {
		// egrosdou01/blog.grosdouli.dev, talos-proxmox-opentofu part 2 (Cilium 1.16.4 on Talos, kube-proxy replacement on).
		const published = `KVStore:                 Ok   Disabled
Kubernetes:              Ok   1.31 (v1.31.1) [linux/amd64]
Kubernetes APIs:         ["EndpointSliceOrEndpoint", "cilium/v2::CiliumClusterwideNetworkPolicy", "cilium/v2::CiliumEndpoint", "cilium/v2::CiliumNetworkPolicy", "cilium/v2::CiliumNode", "cilium/v2alpha1::CiliumCIDRGroup", "core/v1::Namespace", "core/v1::Pods", "core/v1::Service", "networking.k8s.io/v1::NetworkPolicy"]
KubeProxyReplacement:    True   [enx22989c9b16a0   x.x.x.x fe80::2098:9cff:fe9b:16a0 (Direct Routing)]
Host firewall:           Disabled
SRv6:                    Disabled
CNI Chaining:            none
CNI Config file:         successfully wrote CNI configuration file to /host/etc/cni/net.d/05-cilium.conflist
Cilium:                  Ok   1.16.4 (v1.16.4-03807242)
NodeMonitor:             Listening for events on 4 CPUs with 64x4096 of shared memory
Cilium health daemon:    Ok   
IPAM:                    IPv4: 8/254 allocated from 10.244.1.0/24, 
IPv4 BIG TCP:            Disabled
IPv6 BIG TCP:            Disabled
BandwidthManager:        Disabled
Routing:                 Network: Tunnel [vxlan]   Host: Legacy
Attach Mode:             TCX
Device Mode:             veth
Masquerading:            IPTables [IPv4: Enabled, IPv6: Disabled]
Controller Status:       51/51 healthy
Proxy Status:            OK, ip 10.244.1.153, 0 redirects active on ports 10000-20000, Envoy: external
Global Identity Range:   min 256, max 65535
Hubble:                  Ok              Current/Max Flows: 4095/4095 (100.00%), Flows/s: 22.48   Metrics: Disabled
Encryption:              Disabled        
Cluster health:          4/4 reachable   (2024-11-30T17:08:00Z)
Modules Health:          Stopped(0) Degraded(0) OK(58)
`;
		const model: DbgStatus = {
			kubernetes: {state: 'Ok', msg: '1.31 (v1.31.1) [linux/amd64]', apis: ['core/v1::Service', 'EndpointSliceOrEndpoint', 'cilium/v2::CiliumClusterwideNetworkPolicy', 'cilium/v2::CiliumEndpoint', 'cilium/v2::CiliumNetworkPolicy', 'cilium/v2::CiliumNode', 'cilium/v2alpha1::CiliumCIDRGroup', 'core/v1::Namespace', 'core/v1::Pods', 'networking.k8s.io/v1::NetworkPolicy']},
			kubeProxyReplacement: {mode: 'True', devices: [{name: 'enx22989c9b16a0', ips: ['x.x.x.x', 'fe80::2098:9cff:fe9b:16a0']}], directRoutingDevice: 'enx22989c9b16a0'},
			ciliumVersion: '1.16.4 (v1.16.4-03807242)',
			nodeMonitor: {cpus: 4, npages: 64, pagesize: 4096},
			ipam: 'IPv4: 8/254 allocated from 10.244.1.0/24, ',
			routing: {network: 'Tunnel', tunnelProtocol: 'vxlan', host: 'Legacy'},
			attachMode: 'tcx',
			masquerading: {mode: 'IPTables', devices: [], snatExclusionCidrV4: ''},
			controllers: 51,
			proxy: {ip: '10.244.1.153', redirects: 0, portRange: '10000-20000', envoy: 'external'},
			hubble: {enabled: true, currentFlows: 4095, maxFlows: 4095, flowsPerSecond: 22.48, metrics: 'Disabled'},
			clusterHealth: {reachable: 4, total: 4, timestamp: '2024-11-30T17:08:00Z'},
			modulesOk: 58,
		};
		expect(formatStatus(model)).toBe(published);
		// kube-proxy replacement off prints no devices; BPF masquerading its devices and exclusion CIDR in their own cells.
		const off = formatStatus({...model, kubeProxyReplacement: {mode: 'False', devices: model.kubeProxyReplacement.devices}, masquerading: {mode: 'BPF', devices: ['eth0'], snatExclusionCidrV4: '10.0.0.0/8'}, attachMode: 'tc'});
		expect(off).toContain('\nKubeProxyReplacement:    False   \n');
		expect(off).toContain('\nMasquerading:            BPF   [eth0]   10.0.0.0/8 [IPv4: Enabled, IPv6: Disabled]\n');
		expect(off).toContain('\nAttach Mode:             Legacy TC\n');
	});

	it('endpoint list: sorted by id, tabwriter(5, 0, 3) with every cell padded, labels sorted one a line — cilium-dbg/cmd/endpoint_list.go', () => {
		const output = formatEndpointList([
			{id: 812, ingress: 'Disabled', egress: 'Enabled', identity: 51234, labels: ['k8s:io.kubernetes.pod.namespace=demo', 'k8s:app=client'], ipv6: '', ipv4: '10.0.1.5', state: 'ready'},
			{id: 77, ingress: 'Disabled', egress: 'Disabled', identity: 4, labels: ['reserved:health'], ipv6: '', ipv4: '10.0.1.254', state: 'ready'},
		]);
		expect(output).toBe(
			[
				'ENDPOINT   POLICY (ingress)   POLICY (egress)   IDENTITY   LABELS (source:key[=value])            IPv6   IPv4         STATUS   ',
				'           ENFORCEMENT        ENFORCEMENT                                                                             ',
				'77         Disabled           Disabled          4          reserved:health                               10.0.1.254   ready   ',
				'812        Disabled           Enabled           51234      k8s:app=client                                10.0.1.5     ready   ',
				'                                                           k8s:io.kubernetes.pod.namespace=demo                               ',
				'',
			].join('\n'),
		);
		expect(formatEndpointList([], {noHeaders: true})).toBe('\n');
	});

	it('identity list: ID and LABELS, a label a line, the last cell unpadded — cilium-dbg/cmd/identity_get.go printIdentities', () => {
		expect(formatIdentityList([{id: 16777217, labels: ['reserved:world', 'fqdn:google.com']}, {id: 7, labels: ['reserved:remote-node', 'reserved:kube-apiserver']}])).toBe(
			['ID         LABELS', '7          reserved:kube-apiserver', '           reserved:remote-node', '16777217   fqdn:google.com', '           reserved:world', ''].join('\n'),
		);
		// A published cilium bugtool's `identity get 24121`: "ID      LABELS", then the labels unpadded.
		expect(formatIdentityList([{id: 24121, labels: ['k8s:k8s-app=kube-dns', 'k8s:io.kubernetes.pod.namespace=kube-system']}])).toBe('ID      LABELS\n24121   k8s:io.kubernetes.pod.namespace=kube-system\n        k8s:k8s-app=kube-dns\n');
	});

	it('service list: ID, Frontend, Service Type, Backend with numbered backends — cilium-dbg/cmd/service_list.go', () => {
		expect(
			formatServiceList([
				{id: 2, frontend: '10.0.0.10:53', type: 'ClusterIP', backends: [{address: '10.0.0.2:53', state: 'active'}, {address: '10.0.1.2:53', state: 'active'}]},
				{id: 1, frontend: '10.0.0.1:443', type: 'ClusterIP', backends: []},
			]),
		).toBe(
			[
				'ID   Frontend       Service Type   Backend                     ',
				'1    10.0.0.1:443   ClusterIP                                  ',
				'2    10.0.0.10:53   ClusterIP      1 => 10.0.0.2:53 (active)   ',
				'                                   2 => 10.0.1.2:53 (active)   ',
				'',
			].join('\n'),
		);
	});

	it('monitor drop: DropNotify.DumpInfo with its doubled comma, reserved identities by name unless -n — pkg/monitor/datapath_drop.go', () => {
		const drop = {reason: 133, hash: 0xfddd76f6, dstId: 0, ifindex: 29, file: 'bpf_lxc.c', line: 1274, srcIdentity: 48447, dstIdentity: 2, summary: connectionSummary('192.168.0.149', '93.184.215.14', {tcp: {sourcePort: 45830, destinationPort: 80, flags: {SYN: true}}})};
		// A published drop line (agnhost blocked by an FQDN policy).
		expect(formatDropNotify(drop)).toBe('xx drop (Policy denied) flow 0xfddd76f6 to endpoint 0, ifindex 29, file bpf_lxc.c:1274, , identity 48447->world: 192.168.0.149:45830 -> 93.184.215.14:80 tcp SYN\n');
		expect(formatDropNotify(drop, true)).toContain(', , identity 48447->2: ');
		expect(formatDropNotify({...drop, reason: 181, hash: 0})).toMatch(/^xx drop \(Policy denied by denylist\) flow 0x0 /);
		expect(connectionSummary('10.0.1.5', '1.1.1.1', {icmpType: 8})).toBe('10.0.1.5 -> 1.1.1.1 EchoRequest');
		expect(connectionSummary('10.0.1.5', '10.0.0.10', {udp: {sourcePort: 40000, destinationPort: 53}})).toBe('10.0.1.5:40000 -> 10.0.0.10:53 udp');
		expect(connectionSummary('10.0.1.5', '10.0.1.6', {tcp: {sourcePort: 1, destinationPort: 2, flags: {FIN: true, ACK: true}}})).toBe('10.0.1.5:1 -> 10.0.1.6:2 tcp ACK, FIN');
	});

	it('policy get: MarshalIndent with two spaces, then the revision — cilium-dbg/cmd/policy_get.go', () => {
		expect(formatPolicyGet([], 1)).toBe('[]\nRevision: 1\n');
		expect(formatPolicyGet([{endpointSelector: {}}], 3)).toBe('[\n  {\n    "endpointSelector": {}\n  }\n]\nRevision: 3\n');
	});

	it('--help: cobra\'s template, commands padded to the longest name (build-config, troubleshoot) — cilium-dbg/cmd/root.go', () => {
		const help = formatRootHelp();
		expect(help.startsWith('CLI for interacting with the local Cilium Agent\n\nUsage:\n  cilium-dbg [command]\n\nAvailable Commands:\n  bgp          Access to BGP control plane\n')).toBe(true);
		expect(help).toContain('\n  help         Help about any command\n');
		expect(help.endsWith('\nUse "cilium-dbg [command] --help" for more information about a command.\n')).toBe(true);
	});
});
