// Why a connection from a pod is allowed or dropped: the DNS step (policy to kube-dns, the DNS proxy's rules, what
// it learns) and the connection itself, decided by the same functions the datapath uses (engine.ts, view.ts).
import {resolve, type FqdnCache} from './dns.js';
import {decideConnection, dnsQueryAllowed, explainDirection, httpRequestDecision, peerOfEndpoint, type ConnectionVerdict, type EndpointInfo, type PeerIdentity} from './engine.js';
import {canonicalName} from './fqdn.js';
import {describeRuleRef, type Protocol} from './policy.js';
import {classifyIp, podKey, translateService, type ClusterView} from './view.js';

export interface ExplainTarget {
	host: string;
	port: number;
	protocol: Protocol;
	/** The HTTP request a client makes on the connection (Envoy decides it when HTTP L7 rules apply); default GET /. */
	method?: string;
	path?: string;
}

export type Outcome = 'allowed' | 'dropped' | 'http-denied' | 'dns-dropped' | 'dns-refused' | 'dns-nxdomain' | 'no-dns-server';

export interface Explanation {
	outcome: Outcome;
	lines: string[];
	dns?: {verdict?: ConnectionVerdict; refusedName?: string; learned: boolean; ips: string[]};
	connection?: ConnectionVerdict;
	peer?: PeerIdentity;
}

function dnsPeer(view: ClusterView, from: EndpointInfo, cache: FqdnCache | undefined, now: number): PeerIdentity | undefined {
	const service = view.services.find((candidate) => candidate.namespace === 'kube-system' && candidate.name === 'kube-dns');
	if (!service) return undefined;
	const backend = [...view.pods.values()].find(
		(pod) =>
			pod.metadata.namespace === 'kube-system' &&
			Object.entries(service.selector ?? {}).every(([key, value]) => pod.metadata.labels?.[key] === value) &&
			(pod as Record<string, any>).status?.phase === 'Running' &&
			(pod as Record<string, any>).status?.podIP,
	);
	if (!backend) return undefined;
	return classifyIp(view, String((backend as Record<string, any>).status.podIP), from.node, cache, now);
}

/** The names musl asks for, in order, for `host` in a pod of `namespace` (ndots:5 and the search list). */
export function searchCandidates(host: string, namespace: string): string[] {
	const dots = host.replace(/\.$/, '').split('.').length - 1;
	if (host.endsWith('.') || dots >= 5) return [host];
	return [`${host}.${namespace}.svc.cluster.local`, `${host}.svc.cluster.local`, `${host}.cluster.local`, host];
}

/**
 * Explains one attempt, as a client that resolves the name first (curl) makes it: the lookup through policy and the
 * DNS proxy, then the connection to the first address.
 */
export function explainTraffic(view: ClusterView, from: EndpointInfo, target: ExplainTarget, cache: FqdnCache | undefined, now: number): Explanation {
	const subject = `${from.namespace}/${from.name}`;
	const lines: string[] = [];
	let ips: string[];
	const learnedNames: string[] = [];
	let dns: Explanation['dns'];
	if (/^\d+\.\d+\.\d+\.\d+$/.test(target.host)) {
		ips = [target.host];
	} else {
		const peer = dnsPeer(view, from, cache, now);
		if (!peer) return {outcome: 'no-dns-server', lines: [`DNS: kube-dns has no running pod in kube-system, so ${target.host} cannot be resolved`]};
		const verdict = view.ciliumRunning ? decideConnection(view.index, from, peer, {protocol: 'UDP', port: 53}, {mode: view.mode}) : undefined;
		if (verdict && !verdict.allowed) {
			lines.push(`DNS: the lookup of ${target.host} to kube-dns (UDP 53) is dropped, so the client times out resolving it`);
			lines.push(...(verdict.egress.allowed ? explainDirection(verdict.ingress!, `${peer.endpoint?.namespace}/${peer.endpoint?.name}`) : explainDirection(verdict.egress, subject)).map((line) => `  ${line}`));
			return {outcome: 'dns-dropped', lines, dns: {verdict, learned: false, ips: []}};
		}
		const redirect = verdict?.egress.dns;
		for (const candidate of searchCandidates(target.host, from.namespace)) {
			if (redirect && !dnsQueryAllowed(redirect, canonicalName(candidate))) {
				lines.push(`DNS: the DNS proxy answers ${view.rejectWith} to ${canonicalName(candidate)}: no rules.dns entry of ${redirect.rules.length > 0 ? 'the allowing rule' : 'the policy'} matches it`);
				if (candidate !== target.host) lines.push(`  (alpine/musl asks for the search-list names first and gives up at the first ${view.rejectWith}: allow them, e.g. matchPattern "*.*.svc.cluster.local", or use a fully qualified name with a trailing dot)`);
				return {outcome: 'dns-refused', lines, dns: {verdict, refusedName: candidate, learned: false, ips: []}};
			}
			const answer = resolve(candidate, 'A', view.dns);
			if (answer.rcode === 'NXDOMAIN') continue;
			ips = answer.ips;
			if (redirect) learnedNames.push(canonicalName(candidate));
			lines.push(
				redirect
					? `DNS: ${candidate} → ${answer.ips.join(', ')} through the DNS proxy, which learns the answer into the node's FQDN cache (TTL ${Math.max(answer.ttl, view.minTtl)} s)`
					: `DNS: ${candidate} → ${answer.ips.join(', ')}${verdict?.egress.enforced ? ' (allowed at L4, not through the DNS proxy: nothing is learned for toFQDNs)' : ''}`,
			);
			dns = {verdict, learned: Boolean(redirect), ips: answer.ips};
			break;
		}
		if (!dns) {
			lines.push(`DNS: ${target.host} does not exist (NXDOMAIN)`);
			return {outcome: 'dns-nxdomain', lines, dns: {verdict, learned: false, ips: []}};
		}
		ips = dns.ips;
	}
	const translated = translateService(view, ips[0]!, target.port, target.protocol);
	if (translated.noBackend) {
		lines.push(`Connection: ${ips[0]}:${target.port} is a service without a ready backend for that port: the packet is dropped (Service backend not found)`);
		return {outcome: 'dropped', lines, dns};
	}
	const ip = translated.ip;
	target = {...target, port: translated.port};
	const peer = classifyIp(view, ip, from.node, cache, now);
	if (learnedNames.length > 0 && !peer.inCluster) {
		peer.fqdnNames = [...new Set([...peer.fqdnNames, ...learnedNames])];
		const selected = peer.fqdnNames.flatMap((name) => view.index.fqdnSelectorsMatching(name));
		if (selected.length > 0) peer.identity = cache?.identityFor(ip) ?? 16_777_217;
	}
	const connection = view.ciliumRunning
		? decideConnection(view.index, from, peer, {protocol: target.protocol, port: target.port}, {mode: view.mode, hostname: /^\d/.test(target.host) ? undefined : canonicalName(target.host)})
		: undefined;
	const destination = peer.endpoint ? `${peer.endpoint.namespace}/${peer.endpoint.name}` : ip;
	lines.push(`Connection: ${subject} → ${destination}:${target.port}/${target.protocol}`);
	if (!connection) {
		lines.push('  ALLOWED: Cilium is not running, nothing enforces policy');
		return {outcome: 'allowed', lines, dns, peer};
	}
	lines.push(...explainDirection(connection.egress, subject).map((line) => `  ${line}`));
	if (connection.ingress && peer.endpoint) lines.push(...explainDirection(connection.ingress, destination).map((line) => `  ${line}`));
	if (!connection.allowed) return {outcome: 'dropped', lines, dns, connection, peer};
	// The HTTP request on the connection, as curl sends it, through each Envoy on the way (the client's egress, then the server's ingress).
	const proxies = [
		{redirect: connection.egress.http, side: `egress of ${subject}`},
		{redirect: connection.ingress?.http, side: `ingress of ${destination}`},
	];
	const method = target.method ?? 'GET';
	const path = target.path ?? '/';
	const authority = target.port === 80 ? target.host : `${target.host}:${target.port}`;
	for (const {redirect, side} of proxies) {
		if (!redirect) continue;
		const decision = httpRequestDecision(redirect, {method, path, authority, headers: [['user-agent', 'curl/8.11.1'], ['accept', '*/*']]});
		if (decision.allowed) {
			lines.push(`HTTP: ${method} ${path} (Host: ${authority}) passes Envoy on the ${side}${decision.by ? `: ${describeRuleRef(decision.by)} allows ${decision.rule!.text}` : ': every request is allowed'}`);
			continue;
		}
		lines.push(`HTTP: ${method} ${path} (Host: ${authority}) is denied by Envoy on the ${side}: no rules.http entry matches (method, path and host are regexes matched against the whole value; the path includes the query string)`);
		return {outcome: 'http-denied', lines, dns, connection, peer};
	}
	return {outcome: 'allowed', lines, dns, connection, peer};
}

export function endpointByName(view: ClusterView, namespace: string, name: string): EndpointInfo | undefined {
	return view.byPod.get(podKey(namespace, name));
}

export {peerOfEndpoint};
