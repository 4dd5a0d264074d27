// Hubble flows: the model (api/v1/flow/flow.proto field names), the compact and jsonpb printers
// (hubble/pkg/printer @v1.16.0), `hubble observe` filters, and a bounded ring per node.
import {RESERVED_NAMES} from './identity.js';

export interface FlowEndpoint {
	ID?: number;
	identity: number;
	cluster_name?: string;
	namespace?: string;
	labels?: string[];
	pod_name?: string;
	workloads?: Array<{name: string; kind: string}>;
}

export interface TcpFlags {
	SYN?: boolean;
	ACK?: boolean;
	PSH?: boolean;
	FIN?: boolean;
	RST?: boolean;
}

export type L4 =
	| {TCP: {source_port: number; destination_port: number; flags?: TcpFlags}}
	| {UDP: {source_port: number; destination_port: number}}
	| {ICMPv4: {type: number; code?: number}};

export interface DnsL7 {
	query: string;
	ips?: string[];
	ttl?: number;
	cnames?: string[];
	observation_source: 'proxy';
	rcode?: number;
	qtypes: string[];
	rrtypes?: string[];
}

/** flow.proto HTTP (pkg/hubble/parser/seven/http.go decodeHTTP: a request has no code; headers sorted by key). */
export interface HttpL7 {
	code?: number;
	method: string;
	url: string;
	protocol: 'HTTP/1.1';
	headers?: Array<{key: string; value: string}>;
}

/**
 * flow.proto `Policy`: the policy a verdict was correlated with (pkg/hubble/parser policy correlation). `kind` from 1.18
 * (see CiliumBehaviour.hubblePolicyNames). `revision` (the endpoint's policy revision) is left out: the practice cluster
 * keeps no policy repository revision.
 */
export interface FlowPolicy {
	name: string;
	namespace?: string;
	labels: string[];
	kind?: string;
}

export type Verdict = 'FORWARDED' | 'DROPPED' | 'REDIRECTED' | 'AUDIT' | 'ERROR';

export interface Flow {
	time: string;
	verdict: Verdict;
	drop_reason?: number;
	IP: {source: string; destination: string; ipVersion: 'IPv4'};
	l4: L4;
	source: FlowEndpoint;
	destination: FlowEndpoint;
	Type: 'L3_L4' | 'L7';
	node_name: string;
	source_names?: string[];
	destination_names?: string[];
	l7?: {type: 'REQUEST' | 'RESPONSE'; latency_ns?: string; dns?: DnsL7; http?: HttpL7};
	event_type: {type: number; sub_type?: number};
	traffic_direction?: 'INGRESS' | 'EGRESS';
	policy_match_type?: number;
	trace_observation_point?: 'TO_ENDPOINT' | 'TO_STACK' | 'TO_PROXY' | 'TO_OVERLAY';
	drop_reason_desc?: 'POLICY_DENIED' | 'POLICY_DENY' | 'NO_SERVICE';
	is_reply?: boolean;
	uuid?: string;
	Summary: string;
	egress_allowed_by?: FlowPolicy[];
	ingress_allowed_by?: FlowPolicy[];
	egress_denied_by?: FlowPolicy[];
	ingress_denied_by?: FlowPolicy[];
}

export const EVENT = {drop: 1, trace: 4, policyVerdict: 5, l7: 129} as const;
export const DROP_REASON = {POLICY_DENIED: 133, NO_SERVICE: 158, POLICY_DENY: 181} as const;
export const MATCH_TYPES = ['none', 'L3-Only', 'L3-L4', 'L4-Only', 'all', 'L3-Proto', 'Proto-Only'] as const;
const DNS_RCODES: Record<number, string> = {0: '', 2: 'Server Failure ', 3: 'Non-Existent Domain', 5: 'Query Refused'};
const TRACE_POINTS: Record<string, string> = {TO_ENDPOINT: 'to-endpoint', TO_STACK: 'to-stack', TO_PROXY: 'to-proxy', TO_OVERLAY: 'to-overlay'};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's StampMilli (`Jan _2 15:04:05.000`), in UTC as the agent's container prints it. */
export function stampMilli(iso: string): string {
	const date = new Date(iso);
	const pad = (value: number, width = 2) => String(value).padStart(width, '0');
	return `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
}

export function flowPorts(flow: Flow): {source: number; destination: number} {
	const l4 = flow.l4;
	if ('TCP' in l4) return {source: l4.TCP.source_port, destination: l4.TCP.destination_port};
	if ('UDP' in l4) return {source: l4.UDP.source_port, destination: l4.UDP.destination_port};
	return {source: 0, destination: 0};
}

function hostText(ip: string, port: number, endpoint: FlowEndpoint, names: string[] | undefined): string {
	let host = ip;
	if (endpoint.pod_name) host = `${endpoint.namespace}/${endpoint.pod_name}`;
	else if (names && names.length > 0) host = names.join(',');
	return port ? `${host}:${port}` : host;
}

function identityText(identity: number): string {
	const reserved = RESERVED_NAMES.get(identity);
	return reserved ? `(${reserved})` : `(ID:${identity})`;
}

function tcpFlagsText(flags: TcpFlags | undefined): string {
	const order: Array<keyof TcpFlags> = ['SYN', 'ACK', 'PSH', 'FIN', 'RST'];
	return order.filter((flag) => flags?.[flag]).join(', ');
}

export function l4Summary(l4: L4): string {
	if ('TCP' in l4) return `TCP Flags: ${tcpFlagsText(l4.TCP.flags)}`;
	if ('UDP' in l4) return 'UDP';
	return `ICMPv4 ${l4.ICMPv4.type === 8 ? 'EchoRequest' : l4.ICMPv4.type === 0 ? 'EchoReply' : `Type ${l4.ICMPv4.type}`}`;
}

export function dnsSummary(dns: DnsL7, type: 'REQUEST' | 'RESPONSE'): string {
	const qtypes = dns.qtypes.join(',');
	if (type === 'REQUEST') return `DNS Query ${dns.query} ${qtypes}`;
	const rcode = dns.rcode ?? 0;
	const answer =
		rcode !== 0
			? `RCode: ${DNS_RCODES[rcode] ?? rcode}`
			: `DNS Answer ${dns.ips && dns.ips.length > 0 ? `"${dns.ips.join(',')}"` : ''}${dns.cnames && dns.cnames.length > 0 ? ` CNAMEs: "${dns.cnames.join(',')}"` : ''} TTL: ${dns.ttl ?? 4294967295}`;
	return `${answer} (Proxy ${dns.query} ${qtypes})`;
}

/** pkg/hubble/parser/seven/http.go httpSummary: `HTTP/1.1 GET http://…`, the response `HTTP/1.1 200 3ms (GET http://…)`. */
export function httpSummary(http: HttpL7, type: 'REQUEST' | 'RESPONSE', latencyMs = 0): string {
	const request = `${http.method} ${http.url}`;
	return type === 'REQUEST' ? `${http.protocol} ${request}` : `${http.protocol} ${http.code ?? 0} ${Math.floor(latencyMs)}ms (${request})`;
}

/** hubble/pkg/printer/printer.go GetFlowType: `<l7 protocol>-<request|response>`, plus the DNS observation source. */
function l7TypeText(l7: NonNullable<Flow['l7']>): string {
	const type = l7.type.toLowerCase();
	if (l7.http) return `http-${type}`;
	if (l7.dns) return `dns-${type} ${l7.dns.observation_source}`;
	return `l7-${type}`;
}

function typeText(flow: Flow): string {
	switch (flow.event_type.type) {
		case EVENT.policyVerdict:
			return `policy-verdict:${MATCH_TYPES[flow.policy_match_type ?? 0]} ${flow.traffic_direction ?? 'EGRESS'}`;
		case EVENT.drop:
			return flow.drop_reason_desc === 'POLICY_DENY' ? 'Policy denied by denylist' : flow.drop_reason_desc === 'NO_SERVICE' ? 'Service backend not found' : 'Policy denied';
		case EVENT.l7:
			return flow.l7 ? l7TypeText(flow.l7) : 'l7-request';
		default:
			return TRACE_POINTS[flow.trace_observation_point ?? 'TO_STACK'] ?? 'to-stack';
	}
}

/** hubble/pkg/printer/printer.go formatPolicyNames @ cilium/hubble v1.18.6: ` BY a (Kind), b (Kind)`, entries with a kind and a name only. */
export function formatPolicyNames(policies: FlowPolicy[] | undefined): string {
	const named = (policies ?? []).filter((policy) => policy.kind && policy.name);
	return named.length === 0 ? '' : ` BY ${named.map((policy) => `${policy.name} (${policy.kind})`).join(', ')}`;
}

/** printer.go getVerdict; with `policyNames` (hubble ≥ 1.18's --print-policy-names) the correlated policies follow ALLOWED/DENIED. */
function verdictText(flow: Flow, policyNames = false): string {
	if (flow.event_type.type !== EVENT.policyVerdict) return flow.verdict;
	const egress = flow.traffic_direction === 'EGRESS';
	const ingress = flow.traffic_direction === 'INGRESS';
	if (flow.verdict === 'DROPPED' || flow.verdict === 'ERROR') {
		return `DENIED${policyNames ? formatPolicyNames(egress ? flow.egress_denied_by : ingress ? flow.ingress_denied_by : undefined) : ''}`;
	}
	if (flow.verdict === 'AUDIT') return 'AUDITED';
	return `ALLOWED${policyNames ? formatPolicyNames(egress ? flow.egress_allowed_by : ingress ? flow.ingress_allowed_by : undefined) : ''}`;
}

/** One line of `hubble observe -o compact`. */
export function formatCompact(flow: Flow, options: {nodeName?: boolean; policyNames?: boolean} = {}): string {
	const {source: sourcePort, destination: destinationPort} = flowPorts(flow);
	let source = `${hostText(flow.IP.source, sourcePort, flow.source, flow.source_names)} ${identityText(flow.source.identity)}`;
	let destination = `${hostText(flow.IP.destination, destinationPort, flow.destination, flow.destination_names)} ${identityText(flow.destination.identity)}`;
	let arrow = '->';
	if (flow.is_reply === undefined) arrow = '<>';
	else if (flow.is_reply) {
		arrow = '<-';
		[source, destination] = [destination, source];
	}
	const node = options.nodeName ? ` [${flow.node_name}]` : '';
	return `${stampMilli(flow.time)}${node}: ${source} ${arrow} ${destination} ${typeText(flow)} ${verdictText(flow, options.policyNames)} (${flow.Summary})`;
}

/** Field order of flow.proto (protojson writes fields in declaration order). */
const FLOW_FIELDS = ['time', 'uuid', 'verdict', 'drop_reason', 'ethernet', 'IP', 'l4', 'source', 'destination', 'Type', 'node_name', 'source_names', 'destination_names', 'l7', 'event_type', 'source_service', 'destination_service', 'traffic_direction', 'policy_match_type', 'trace_observation_point', 'drop_reason_desc', 'is_reply', 'Summary', 'egress_allowed_by', 'ingress_allowed_by', 'egress_denied_by', 'ingress_denied_by'];
const ENDPOINT_FIELDS = ['ID', 'identity', 'cluster_name', 'namespace', 'labels', 'pod_name', 'workloads'];

function ordered(object: Record<string, unknown>, order: string[]): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	for (const key of order) if (object[key] !== undefined) result[key] = object[key];
	for (const key of Object.keys(object)) if (!(key in result) && object[key] !== undefined) result[key] = object[key];
	return result;
}

/** The flow as protojson prints it: proto field names and order, zero values left out. */
export function flowJson(flow: Flow): Record<string, unknown> {
	return ordered(
		{
			...flow,
			source: ordered(flow.source as unknown as Record<string, unknown>, ENDPOINT_FIELDS),
			destination: ordered(flow.destination as unknown as Record<string, unknown>, ENDPOINT_FIELDS),
		},
		FLOW_FIELDS,
	);
}

/** One line of `hubble observe -o json` (= jsonpb): a GetFlowsResponse. */
export function formatJson(flow: Flow): string {
	return JSON.stringify({flow: flowJson(flow), ...(flow.node_name ? {node_name: flow.node_name} : {}), time: flow.time});
}

export interface FlowFilter {
	namespaces?: string[];
	fromNamespaces?: string[];
	toNamespaces?: string[];
	pods?: string[];
	fromPods?: string[];
	toPods?: string[];
	verdicts?: string[];
	toFqdns?: string[];
	fqdns?: string[];
	protocols?: string[];
	ports?: number[];
	types?: string[];
	ips?: string[];
	since?: number;
	until?: number;
}

function podMatches(filter: string, endpoint: FlowEndpoint): boolean {
	if (!endpoint.pod_name) return false;
	const [namespace, pod] = filter.includes('/') ? filter.split('/', 2) : ['default', filter];
	return endpoint.namespace === namespace && endpoint.pod_name.startsWith(pod ?? '');
}

export function fqdnMatches(pattern: string, names: string[] | undefined): boolean {
	const regex = new RegExp(`^${pattern.replace(/\.$/, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[-a-zA-Z0-9_.]*')}$`, 'i');
	return (names ?? []).some((name) => regex.test(name));
}

export function flowProtocols(flow: Flow): string[] {
	const protocols: string[] = [];
	if ('TCP' in flow.l4) protocols.push('tcp');
	if ('UDP' in flow.l4) protocols.push('udp');
	if ('ICMPv4' in flow.l4) protocols.push('icmp', 'icmpv4');
	if (flow.l7?.dns) protocols.push('dns');
	if (flow.l7?.http) protocols.push('http');
	return protocols;
}

const TYPE_NAMES: Record<number, string> = {1: 'drop', 4: 'trace', 5: 'policy-verdict', 129: 'l7'};

/** The monitor message type's name (monitorAPI.MessageTypeNames) of a flow. */
export function flowTypeName(flow: Flow): string | undefined {
	return TYPE_NAMES[flow.event_type.type];
}

/** Whether a flow passes `hubble observe`'s filters (each flag ORs its values; flags AND together). */
export function flowMatches(flow: Flow, filter: FlowFilter): boolean {
	const time = Date.parse(flow.time);
	if (filter.since !== undefined && time < filter.since) return false;
	if (filter.until !== undefined && time > filter.until) return false;
	const sides = [flow.source, flow.destination];
	if (filter.namespaces?.length && !filter.namespaces.some((namespace) => sides.some((side) => side.namespace === namespace))) return false;
	if (filter.fromNamespaces?.length && !filter.fromNamespaces.includes(flow.source.namespace ?? '')) return false;
	if (filter.toNamespaces?.length && !filter.toNamespaces.includes(flow.destination.namespace ?? '')) return false;
	if (filter.pods?.length && !filter.pods.some((pod) => sides.some((side) => podMatches(pod, side)))) return false;
	if (filter.fromPods?.length && !filter.fromPods.some((pod) => podMatches(pod, flow.source))) return false;
	if (filter.toPods?.length && !filter.toPods.some((pod) => podMatches(pod, flow.destination))) return false;
	if (filter.verdicts?.length && !filter.verdicts.some((verdict) => verdict.toUpperCase() === flow.verdict)) return false;
	if (filter.toFqdns?.length && !filter.toFqdns.some((pattern) => fqdnMatches(pattern, flow.destination_names))) return false;
	if (filter.fqdns?.length && !filter.fqdns.some((pattern) => fqdnMatches(pattern, flow.destination_names) || fqdnMatches(pattern, flow.source_names))) return false;
	if (filter.protocols?.length && !filter.protocols.some((protocol) => flowProtocols(flow).includes(protocol.toLowerCase()))) return false;
	if (filter.ports?.length) {
		const {source, destination} = flowPorts(flow);
		if (!filter.ports.some((port) => port === source || port === destination)) return false;
	}
	if (filter.types?.length && !filter.types.some((type) => type === TYPE_NAMES[flow.event_type.type])) return false;
	if (filter.ips?.length && !filter.ips.some((ip) => ip === flow.IP.source || ip === flow.IP.destination)) return false;
	return true;
}

/** A bounded ring of flows (Hubble's per-node ring holds 4095). */
export class FlowRing {
	private flows: Flow[];
	private listeners = new Set<(flow: Flow) => void>();

	constructor(
		readonly capacity = 4095,
		initial: Flow[] = [],
	) {
		this.flows = initial.slice(-capacity);
	}

	push(flow: Flow): void {
		this.flows.push(flow);
		if (this.flows.length > this.capacity) this.flows.splice(0, this.flows.length - this.capacity);
		for (const listener of this.listeners) listener(flow);
	}

	all(): readonly Flow[] {
		return this.flows;
	}

	subscribe(listener: (flow: Flow) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}
