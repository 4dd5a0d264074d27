// `cilium-dbg bpf policy get`: the printer (src/practice/datapath/cilium-dbg-format.ts formatBpfPolicyGet, after
// cilium-dbg/cmd/bpf_policy_get.go formatMap @v1.16.4 and pkg/maps/policymap/policymap.go PortProtoString/Less) and
// the entries an endpoint's policies give its map (src/practice/datapath/cilium-dbg-bpf.ts, after pkg/policy @v1.16.4).
import {describe, expect, it} from 'vitest';
import {formatBpfPolicyGet, portProtoString, type DbgPolicyMapEntry} from '../../../src/practice/datapath/cilium-dbg-format.js';
import {policyMapEntries} from '../../../src/practice/datapath/cilium-dbg-bpf.js';
import {peerOfEndpoint, reservedPeer, type EndpointInfo} from '../../../src/practice/datapath/engine.js';
import {endpointLabels} from '../../../src/practice/datapath/identity.js';
import {PolicyIndex} from '../../../src/practice/datapath/policy.js';

const entry = (partial: Partial<DbgPolicyMapEntry>): DbgPolicyMapEntry => ({deny: false, direction: 'Ingress', identity: 0, protocol: 0, port: 0, prefix: 0, proxyPort: 0, bytes: 0, packets: 0, ...partial});

/** Go's tabwriter(minwidth 5, padding 3) with every cell tab-terminated: each cell padded to its column's width + 3. */
function table(rows: string[][], widths: number[]): string {
	return `${rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('')).join('\n')}\n`;
}

describe('cilium-dbg bpf policy get: the printer', () => {
	it('PortProtoString: protocol alone for prefix 0 and 8, port/PROTO for 24, a masked range between — pkg/maps/policymap/policymap.go', () => {
		expect(portProtoString({protocol: 0, port: 0, prefix: 0})).toBe('ANY');
		expect(portProtoString({protocol: 6, port: 0, prefix: 8})).toBe('TCP');
		expect(portProtoString({protocol: 17, port: 53, prefix: 24})).toBe('53/UDP');
		expect(portProtoString({protocol: 6, port: 8080, prefix: 21})).toBe('8080-8087/TCP');
		expect(portProtoString({protocol: 1, port: 8, prefix: 24})).toBe('8/ICMP');
	});

	it('the table: denies first, then ingress before egress, identities ascending; a row per label; NONE without a proxy port — cilium-dbg/cmd/bpf_policy_get.go formatMap, PolicyEntriesDump.Less', () => {
		const labels: Record<number, string[]> = {
			0: ['reserved:unknown'],
			1: ['reserved:host'],
			2: ['reserved:world'],
			12345: ['k8s:io.kubernetes.pod.namespace=demo', 'k8s:app=client'],
			45678: ['k8s:io.kubernetes.pod.namespace=kube-system', 'k8s:k8s-app=kube-dns'],
		};
		const entries = [
			entry({direction: 'Egress', identity: 45678, protocol: 17, port: 53, prefix: 24, proxyPort: 13456}),
			entry({direction: 'Egress', identity: 0}),
			entry({identity: 12345, protocol: 6, port: 80, prefix: 24}),
			entry({identity: 1}),
			entry({deny: true, direction: 'Egress', identity: 2}),
		];
		const widths = [9, 12, 46, 13, 13, 12, 8, 10, 9];
		expect(formatBpfPolicyGet(entries, (identity) => labels[identity])).toBe(
			table(
				[
					['POLICY', 'DIRECTION', 'LABELS (source:key[=value])', 'PORT/PROTO', 'PROXY PORT', 'AUTH TYPE', 'BYTES', 'PACKETS', 'PREFIX'],
					['Deny', 'Egress', 'reserved:world', 'ANY', 'NONE', 'disabled', '0', '0', '0'],
					['Allow', 'Ingress', 'reserved:host', 'ANY', 'NONE', 'disabled', '0', '0', '0'],
					['Allow', 'Ingress', 'k8s:app=client', '80/TCP', 'NONE', 'disabled', '0', '0', '24'],
					['', '', 'k8s:io.kubernetes.pod.namespace=demo', '', '', '', '', '', ''],
					['Allow', 'Egress', 'reserved:unknown', 'ANY', 'NONE', 'disabled', '0', '0', '0'],
					['Allow', 'Egress', 'k8s:io.kubernetes.pod.namespace=kube-system', '53/UDP', '13456', 'disabled', '0', '0', '24'],
					['', '', 'k8s:k8s-app=kube-dns', '', '', '', '', '', ''],
				],
				widths,
			),
		);
	});

	it('-n prints the IDENTITY column; an empty map adds the enforcement hint — cilium-dbg/cmd/bpf_policy_get.go printTable', () => {
		const numeric = formatBpfPolicyGet([entry({identity: 1})], () => ['reserved:host'], {numeric: true});
		expect(numeric.split('\n')[0]).toBe('POLICY   DIRECTION   IDENTITY   PORT/PROTO   PROXY PORT   AUTH TYPE   BYTES   PACKETS   PREFIX   ');
		expect(numeric.split('\n')[1]).toBe('Allow    Ingress     1          ANY          NONE         disabled    0       0         0        ');
		expect(formatBpfPolicyGet([], () => undefined)).toMatch(/PREFIX   \nPolicy stats empty\. Perhaps the policy enforcement is disabled\?\n$/);
	});
});

const endpoint = (name: string, labels: Record<string, string>, identity: number, namespace = 'demo'): EndpointInfo => ({
	namespace,
	name,
	labels: endpointLabels({namespace, podLabels: labels}),
	identity,
	endpointId: identity % 4000,
	ip: `10.0.1.${identity % 200}`,
	node: 'node-1',
	namedPorts: {http: 8080},
});

describe('cilium-dbg bpf policy get: the entries of an endpoint\'s policy map (pkg/policy/mapstate.go, resolve.go @v1.16.4)', () => {
	const web = endpoint('web', {app: 'web'}, 1001);
	const client = endpoint('client', {app: 'client'}, 1002);
	const dns = endpoint('coredns', {'k8s-app': 'kube-dns'}, 1003, 'kube-system');
	const peers = [...(['host', 'world', 'remote-node', 'health'] as const).map((name) => reservedPeer(name, '')), peerOfEndpoint(web), peerOfEndpoint(client), peerOfEndpoint(dns)];
	const proxyPort = (parser: 'dns' | 'http', direction: string) => (parser === 'dns' ? 14000 : direction === 'ingress' ? 15000 : 15001);
	const cnp = (name: string, spec: object) => ({apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name, namespace: 'demo'}, spec});
	const rows = (entries: ReturnType<typeof policyMapEntries>) => entries.map((e) => `${e.deny ? 'Deny' : 'Allow'} ${e.direction} ${e.identity} ${portProtoString(e)} ${e.proxyPort}`).sort();

	it('no policy: one allow-all entry per direction (identity 0, ANY), and the localhost ingress allow every endpoint but the host\'s has — pkg/policy/resolve.go DistillPolicy; cilium/cilium#40519 shows both on a live map', () => {
		expect(rows(policyMapEntries({index: PolicyIndex.fromObjects([]), mode: 'default', endpoint: web, peers, proxyPort}))).toEqual(['Allow Egress 0 ANY 0', 'Allow Ingress 0 ANY 0', 'Allow Ingress 1 ANY 0']);
	});

	it('ingress from the client on 80 (HTTP rules) and the named port: the host allow, the redirect\'s proxy port; egress stays open', () => {
		const index = PolicyIndex.fromObjects([
			cnp('web-in', {
				endpointSelector: {matchLabels: {app: 'web'}},
				ingress: [
					{fromEndpoints: [{matchLabels: {app: 'client'}}], toPorts: [{ports: [{port: '80', protocol: 'TCP'}], rules: {http: [{method: 'GET'}]}}]},
					{fromEndpoints: [{matchLabels: {app: 'client'}}], toPorts: [{ports: [{port: 'http', protocol: 'TCP'}]}]},
				],
			}),
		]);
		expect(rows(policyMapEntries({index, mode: 'default', endpoint: web, peers, proxyPort}))).toEqual(['Allow Egress 0 ANY 0', 'Allow Ingress 1 ANY 0', 'Allow Ingress 1002 80/TCP 15000', 'Allow Ingress 1002 8080/TCP 0']);
	});

	it('egress DNS to kube-dns on 53 ANY: TCP and UDP entries with the DNS proxy port; a deny to world takes its allow away', () => {
		const index = PolicyIndex.fromObjects([
			cnp('client-out', {
				endpointSelector: {matchLabels: {app: 'client'}},
				egress: [
					{toEndpoints: [{matchLabels: {'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns'}}], toPorts: [{ports: [{port: '53', protocol: 'ANY'}], rules: {dns: [{matchPattern: '*'}]}}]},
					{toEntities: ['world'], toPorts: [{ports: [{port: '443', protocol: 'TCP'}]}]},
				],
				egressDeny: [{toEntities: ['world']}],
			}),
		]);
		expect(rows(policyMapEntries({index, mode: 'default', endpoint: client, peers, proxyPort}))).toEqual(['Allow Egress 1003 53/TCP 14000', 'Allow Egress 1003 53/UDP 14000', 'Allow Ingress 0 ANY 0', 'Allow Ingress 1 ANY 0', 'Deny Egress 2 ANY 0']);
	});

	it('egress to a named port: resolved against each selected peer\'s container ports — pkg/policy/types NamedPortMultiMap', () => {
		const index = PolicyIndex.fromObjects([
			cnp('client-out', {endpointSelector: {matchLabels: {app: 'client'}}, egress: [{toEndpoints: [{matchLabels: {app: 'web'}}], toPorts: [{ports: [{port: 'http', protocol: 'TCP'}]}]}]}),
		]);
		expect(rows(policyMapEntries({index, mode: 'default', endpoint: client, peers, proxyPort}))).toEqual(['Allow Egress 1001 8080/TCP 0', 'Allow Ingress 0 ANY 0', 'Allow Ingress 1 ANY 0']);
	});

	it('enforcement always without a policy: ingress keeps only the host allow, egress is empty', () => {
		expect(rows(policyMapEntries({index: PolicyIndex.fromObjects([]), mode: 'always', endpoint: web, peers, proxyPort}))).toEqual(['Allow Ingress 1 ANY 0']);
	});

	it('CIDRs select their CIDR identities and those inside them (0.0.0.0/0 is world); port ranges become masked keys; ICMP types are ports of protocol 1 — pkg/policy/types/policyentry.go', () => {
		const cidrPeer = (cidr: string, identity: number) => ({ip: cidr.split('/')[0]!, identity, labels: {[`cidr:${cidr}`]: '', 'reserved:world': ''}, inCluster: false, fqdnNames: []});
		const withCidrs = [...peers, cidrPeer('10.0.0.0/8', 16777217), cidrPeer('10.1.0.0/16', 16777218), cidrPeer('192.168.0.0/16', 16777219)];
		const index = PolicyIndex.fromObjects([
			cnp('client-out', {
				endpointSelector: {matchLabels: {app: 'client'}},
				egress: [
					{toCIDR: ['10.0.0.0/8'], toPorts: [{ports: [{port: '8080', endPort: 8087, protocol: 'TCP'}]}]},
					{toCIDR: ['0.0.0.0/0'], icmps: [{fields: [{type: 8}]}]},
				],
			}),
		]);
		expect(rows(policyMapEntries({index, mode: 'default', endpoint: client, peers: withCidrs, proxyPort}))).toEqual([
			// 0.0.0.0/0 contains every CIDR identity's prefix too.
			'Allow Egress 16777217 8/ICMP 0',
			'Allow Egress 16777217 8080-8087/TCP 0',
			'Allow Egress 16777218 8/ICMP 0',
			'Allow Egress 16777218 8080-8087/TCP 0',
			'Allow Egress 16777219 8/ICMP 0',
			'Allow Egress 2 8/ICMP 0',
			'Allow Ingress 0 ANY 0',
			'Allow Ingress 1 ANY 0',
		]);
	});

	it('policy enforcement never: allow-all both ways (and localhost) whatever selects the endpoint', () => {
		const index = PolicyIndex.fromObjects([cnp('web-in', {endpointSelector: {matchLabels: {app: 'web'}}, ingress: [{fromEndpoints: [{matchLabels: {app: 'client'}}]}]})]);
		expect(rows(policyMapEntries({index, mode: 'never', endpoint: web, peers, proxyPort}))).toEqual(['Allow Egress 0 ANY 0', 'Allow Ingress 0 ANY 0', 'Allow Ingress 1 ANY 0']);
	});
});
