// hubble observe's filter flags as hubble v1.16.4 builds them (cilium/cilium hubble/cmd/observe/flows_filter.go,
// vendored by cilium/hubble v1.16.4): each flag adds to a `left` (source side) and/or `right` (destination side)
// FlowFilter of a whitelist, or of a blacklist when `--not` precedes it; -n/--namespace and friends are applied to
// the pod filters when the filters are materialized; flags of one conflict group cannot be combined. The server
// (pkg/hubble/filters) passes a flow that matches any whitelist filter and no blacklist filter; within a filter
// every field set must match (each field ORs its values).
import {parseLabelSelector} from '../../label-selector.js';
import {flowPorts, flowProtocols, flowTypeName, fqdnMatches, type Flow, type FlowEndpoint} from './flows.js';

export interface ServerFlowFilter {
	sourcePod?: string[];
	destinationPod?: string[];
	sourceIp?: string[];
	destinationIp?: string[];
	sourceFqdn?: string[];
	destinationFqdn?: string[];
	sourceLabel?: string[];
	destinationLabel?: string[];
	sourcePort?: string[];
	destinationPort?: string[];
	sourceIdentity?: number[];
	destinationIdentity?: number[];
	verdict?: string[];
	eventType?: string[];
	protocol?: string[];
	nodeName?: string[];
}

type ListKey = Exclude<keyof ServerFlowFilter, 'sourceIdentity' | 'destinationIdentity'>;

export class HubbleFilterError extends Error {}

class Tracker {
	left?: ServerFlowFilter;
	right?: ServerFlowFilter;
	ns: string[] = [];
	srcNs: string[] = [];
	dstNs: string[] = [];
	changed: string[] = [];

	applyLeft(update: (filter: ServerFlowFilter) => void): void {
		update((this.left ??= {}));
	}
	applyRight(update: (filter: ServerFlowFilter) => void): void {
		update((this.right ??= {}));
	}
	apply(update: (filter: ServerFlowFilter) => void): void {
		this.applyLeft(update);
		this.applyRight(update);
	}

	filters(): ServerFlowFilter[] {
		if (!this.left && !this.right && this.ns.length === 0 && this.srcNs.length === 0 && this.dstNs.length === 0) return [];
		const left = (this.left ??= {});
		const right = (this.right ??= {});
		if (this.dstNs.length > 0) for (const filter of [left, right]) applyNamespaces(filter, 'destinationPod', this.dstNs);
		if (this.srcNs.length > 0) for (const filter of [left, right]) applyNamespaces(filter, 'sourcePod', this.srcNs);
		if (this.ns.length > 0) {
			applyNamespaces(left, 'sourcePod', this.ns);
			applyNamespaces(right, 'destinationPod', this.ns);
		}
		return JSON.stringify(left) === JSON.stringify(right) ? [left] : [left, right];
	}
}

/** namespaceModifier.applySrc/applyDest + addNamespacesToFilter. */
function applyNamespaces(filter: ServerFlowFilter, key: 'sourcePod' | 'destinationPod', namespaces: string[]): void {
	const pods = filter[key]?.length ? filter[key]! : [''];
	filter[key] = pods.flatMap((pod) => (pod.includes('/') ? [pod] : namespaces.map((namespace) => `${namespace}/${pod}`)));
}

/** newFlowFilter's conflict groups, as far as the simulated flags go. */
const CONFLICTS = [
	['from-fqdn', 'from-ip', 'ip', 'fqdn', 'from-namespace', 'namespace', 'from-all-namespaces', 'all-namespaces'],
	['from-fqdn', 'from-ip', 'ip', 'fqdn', 'from-pod', 'pod'],
	['to-fqdn', 'to-ip', 'ip', 'fqdn', 'to-namespace', 'namespace', 'to-all-namespaces', 'all-namespaces'],
	['to-fqdn', 'to-ip', 'ip', 'fqdn', 'to-pod', 'pod'],
	['to-pod', 'namespace', 'all-namespaces'],
	['from-pod', 'namespace', 'all-namespaces'],
	['label', 'from-label'],
	['label', 'to-label'],
	['port', 'to-port'],
	['port', 'from-port'],
	['identity', 'to-identity'],
	['identity', 'from-identity'],
];

const VERDICTS = ['VERDICT_UNKNOWN', 'FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];
/** monitorAPI.MessageTypeNames. */
const TYPES: Record<string, number> = {drop: 1, debug: 2, capture: 3, trace: 4, 'policy-verdict': 5, 'recorder': 6, l7: 129, agent: 130};
/** identity.ReservedIdentities (pkg/identity/numericidentity.go). */
const RESERVED_IDENTITIES: Record<string, number> = {host: 1, world: 2, unmanaged: 3, health: 4, init: 5, 'remote-node': 6, 'kube-apiserver': 7, ingress: 8, 'world-ipv4': 9, 'world-ipv6': 10};

/** The filter flags the practice cluster simulates (flag name → whether it takes a value). */
export const FILTER_FLAGS = new Set([
	'fqdn', 'from-fqdn', 'to-fqdn', 'pod', 'from-pod', 'to-pod', 'ip', 'from-ip', 'to-ip', 'label', 'from-label', 'to-label', 'l',
	'namespace', 'n', 'from-namespace', 'to-namespace', 'port', 'from-port', 'to-port', 'verdict', 'type', 't', 'protocol',
	'identity', 'from-identity', 'to-identity', 'node-name',
]);
export const BOOLEAN_FILTER_FLAGS = new Set(['not', 'all-namespaces', 'A', 'from-all-namespaces', 'to-all-namespaces']);
/** Real filter flags of hubble v1.16.4 the practice cluster does not simulate. */
export const UNSIMULATED_FILTER_FLAGS = new Set(['uuid', 'snat-ip', 'ipv4', '4', 'ipv6', '6', 'ip-version', 'service', 'from-service', 'to-service', 'trace-id', 'drop-reason-desc', 'http-status', 'http-method', 'http-path', 'http-url', 'http-header', 'workload', 'from-workload', 'to-workload', 'node-label', 'cluster', 'tcp-flags', 'traffic-direction', 'cel-expression', 'interface']);

const ALIASES: Record<string, string> = {l: 'label', n: 'namespace', t: 'type', A: 'all-namespaces'};

/** The whitelist and blacklist the flags build, in the order given. */
export class HubbleFilters {
	private whitelist?: Tracker;
	private blacklist?: Tracker;
	private blacklisting = false;

	set(flag: string, value: string): void {
		const name = ALIASES[flag] ?? flag;
		if (name === 'not') {
			if (this.blacklisting) throw new HubbleFilterError('consecutive --not statements');
			this.blacklisting = true;
			return;
		}
		const tracker = this.blacklisting ? (this.blacklist ??= new Tracker()) : (this.whitelist ??= new Tracker());
		this.blacklisting = false;
		const wipe = !tracker.changed.includes(name);
		if (wipe) tracker.changed.push(name);
		for (const group of CONFLICTS) {
			if (!group.includes(name)) continue;
			const other = group.find((candidate) => candidate !== name && tracker.changed.includes(candidate));
			if (other) throw new HubbleFilterError(`filters --${other} and --${name} cannot be combined`);
		}
		const push = (key: ListKey, item: string) => (filter: ServerFlowFilter) => void (filter[key] = [...(filter[key] ?? []), item]);
		const both = (left: ListKey, right: ListKey) => {
			tracker.applyLeft(push(left, value));
			tracker.applyRight(push(right, value));
		};
		switch (name) {
			case 'fqdn':
				return both('sourceFqdn', 'destinationFqdn');
			case 'from-fqdn':
				return tracker.apply(push('sourceFqdn', value));
			case 'to-fqdn':
				return tracker.apply(push('destinationFqdn', value));
			case 'pod':
				return both('sourcePod', 'destinationPod');
			case 'from-pod':
				return tracker.apply(push('sourcePod', value));
			case 'to-pod':
				return tracker.apply(push('destinationPod', value));
			case 'ip':
				return both('sourceIp', 'destinationIp');
			case 'from-ip':
				return tracker.apply(push('sourceIp', value));
			case 'to-ip':
				return tracker.apply(push('destinationIp', value));
			case 'label':
				return both('sourceLabel', 'destinationLabel');
			case 'from-label':
				return tracker.apply(push('sourceLabel', value));
			case 'to-label':
				return tracker.apply(push('destinationLabel', value));
			case 'namespace':
				tracker.ns.push(value);
				return;
			case 'from-namespace':
				tracker.srcNs.push(value);
				return;
			case 'to-namespace':
				tracker.dstNs.push(value);
				return;
			case 'all-namespaces':
				tracker.ns.push('');
				return;
			case 'from-all-namespaces':
				tracker.srcNs.push('');
				return;
			case 'to-all-namespaces':
				tracker.dstNs.push('');
				return;
			case 'port':
				return both('sourcePort', 'destinationPort');
			case 'from-port':
				return tracker.apply(push('sourcePort', value));
			case 'to-port':
				return tracker.apply(push('destinationPort', value));
			case 'verdict':
				if (!VERDICTS.includes(value)) throw new HubbleFilterError(`invalid --verdict value: ${value}`);
				return tracker.apply(push('verdict', value));
			case 'type': {
				const [type] = value.split(':', 1);
				if (!(type! in TYPES) && !/^\d+$/.test(type!)) {
					throw new HubbleFilterError(`unable to parse type '${type}', not a known type name and unable to parse as numeric value: strconv.ParseUint: parsing "${type}": invalid syntax`);
				}
				return tracker.apply(push('eventType', value));
			}
			case 'protocol':
				return tracker.apply(push('protocol', value));
			case 'node-name':
				return tracker.apply(push('nodeName', value));
			case 'identity':
			case 'from-identity':
			case 'to-identity': {
				const id = RESERVED_IDENTITIES[value] ?? (/^\d+$/.test(value) ? Number(value) : undefined);
				if (id === undefined) throw new HubbleFilterError(`invalid security identity, expected one of [${Object.keys(RESERVED_IDENTITIES).join(' ')}] or a numeric value`);
				const add = (key: 'sourceIdentity' | 'destinationIdentity') => (filter: ServerFlowFilter) => void (filter[key] = [...(filter[key] ?? []), id]);
				if (name === 'identity') {
					tracker.applyLeft(add('sourceIdentity'));
					tracker.applyRight(add('destinationIdentity'));
				} else tracker.apply(add(name === 'from-identity' ? 'sourceIdentity' : 'destinationIdentity'));
				return;
			}
			default:
				throw new HubbleFilterError(`unknown filter --${name}`);
		}
	}

	/** Whether the flow passes: any whitelist filter (or none given), and no blacklist filter. */
	compile(): (flow: Flow) => boolean {
		const allow = this.whitelist?.filters() ?? [];
		const deny = this.blacklist?.filters() ?? [];
		return (flow) => (allow.length === 0 || allow.some((filter) => matches(flow, filter))) && !deny.some((filter) => matches(flow, filter));
	}
}

/** pkg/hubble/filters/k8s.go: "NAMESPACE/POD-PREFIX" (an empty pod part: any pod of the namespace; "" any pod at all). */
function podMatches(filter: string, endpoint: FlowEndpoint): boolean {
	if (!endpoint.pod_name && !endpoint.namespace) return false;
	const [namespace, pod] = filter.includes('/') ? (filter.split('/', 2) as [string, string]) : ['default', filter];
	if (namespace !== '' && endpoint.namespace !== namespace) return false;
	return (endpoint.pod_name ?? '').startsWith(pod);
}

/** pkg/hubble/filters/ip.go: an address or a CIDR. */
function ipMatches(filter: string, ip: string | undefined): boolean {
	if (!ip) return false;
	if (!filter.includes('/')) return filter === ip;
	const [base, bits] = filter.split('/') as [string, string];
	const size = Number(bits);
	if (!/^\d+\.\d+\.\d+\.\d+$/.test(base) || !/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !Number.isInteger(size) || size < 0 || size > 32) return false;
	const block = 2 ** (32 - size);
	const toNumber = (text: string) => text.split('.').reduce((total, octet) => total * 256 + Number(octet), 0);
	return Math.floor(toNumber(base) / block) === Math.floor(toNumber(ip) / block);
}

/**
 * pkg/hubble/filters/labels.go: a Kubernetes label selector over the endpoint's Cilium labels, where a key without a
 * source ("app") matches any source and "k8s:app" only that one (the selector sees "source.key" and "any.key").
 */
function labelMatches(selector: string, endpoint: FlowEndpoint): boolean {
	const labels: Record<string, string> = {};
	for (const label of endpoint.labels ?? []) {
		const colon = label.indexOf(':');
		const equals = label.indexOf('=', colon + 1);
		const source = colon > 0 ? label.slice(0, colon) : 'unspec';
		const key = label.slice(colon + 1, equals < 0 ? undefined : equals);
		const value = equals < 0 ? '' : label.slice(equals + 1);
		labels[`${source}.${key}`] = value;
		labels[`any.${key}`] = value;
	}
	let depth = 0;
	let start = 0;
	const terms: string[] = [];
	for (let index = 0; index <= selector.length; index++) {
		const char = selector[index];
		if (char === '(') depth++;
		if (char === ')') depth--;
		if (index === selector.length || (char === ',' && depth === 0)) {
			terms.push(selector.slice(start, index));
			start = index + 1;
		}
	}
	const translated = terms
		.map((term) => {
			const match = /^(\s*!?\s*)([^\s=!<>]+)(.*)$/s.exec(term);
			if (!match) return term;
			const [, lead, key, rest] = match as unknown as [string, string, string, string];
			const colon = key.indexOf(':');
			return `${lead}${colon > 0 ? `${key.slice(0, colon)}.${key.slice(colon + 1)}` : `any.${key}`}${rest}`;
		})
		.join(',');
	try {
		return parseLabelSelector(translated)(labels);
	} catch {
		return false;
	}
}

/** pkg/hubble/filters/node.go: a node name, "*" wildcards allowed (cluster/ prefix ignored). */
function nodeMatches(pattern: string, node: string): boolean {
	const name = pattern.includes('/') ? pattern.slice(pattern.indexOf('/') + 1) : pattern;
	return new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`).test(node);
}

function matches(flow: Flow, filter: ServerFlowFilter): boolean {
	const some = <T>(values: T[] | undefined, test: (value: T) => boolean) => !values?.length || values.some(test);
	const {source, destination} = flowPorts(flow);
	return (
		some(filter.sourcePod, (pod) => podMatches(pod, flow.source)) &&
		some(filter.destinationPod, (pod) => podMatches(pod, flow.destination)) &&
		some(filter.sourceIp, (ip) => ipMatches(ip, flow.IP?.source)) &&
		some(filter.destinationIp, (ip) => ipMatches(ip, flow.IP?.destination)) &&
		some(filter.sourceFqdn, (pattern) => fqdnMatches(pattern, flow.source_names)) &&
		some(filter.destinationFqdn, (pattern) => fqdnMatches(pattern, flow.destination_names)) &&
		some(filter.sourceLabel, (selector) => labelMatches(selector, flow.source)) &&
		some(filter.destinationLabel, (selector) => labelMatches(selector, flow.destination)) &&
		some(filter.sourcePort, (port) => Number(port) === source) &&
		some(filter.destinationPort, (port) => Number(port) === destination) &&
		some(filter.sourceIdentity, (id) => flow.source.identity === id) &&
		some(filter.destinationIdentity, (id) => flow.destination.identity === id) &&
		some(filter.verdict, (verdict) => verdict === flow.verdict) &&
		some(filter.eventType, (type) => type === flowTypeName(flow) || type === String(flow.event_type.type)) &&
		some(filter.protocol, (protocol) => flowProtocols(flow).includes(protocol.toLowerCase())) &&
		some(filter.nodeName, (pattern) => nodeMatches(pattern, flow.node_name))
	);
}
