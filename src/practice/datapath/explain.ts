// Why a connection from a pod is allowed or dropped: the DNS step (policy to kube-dns, the DNS proxy's rules, what
// it learns) and the connection itself, decided by the same functions the datapath uses (engine.ts, view.ts).
import {msg} from '../../lab/i18n.js';
import type {Lang} from '../../lab/types.js';
import {resolve, type FqdnCache} from './dns.js';
import {decideConnection, dnsQueryAllowed, httpRequestDecision, peerOfEndpoint, type ConnectionVerdict, type DirectionVerdict, type EndpointInfo, type PeerIdentity} from './engine.js';
import {canonicalName} from './fqdn.js';
import {describePolicy, describeRuleRef, type Protocol} from './policy.js';
import {classifyIp, podFields, podKey, translateService, type ClusterView} from './view.js';

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
			podFields(pod).status?.phase === 'Running' &&
			podFields(pod).status?.podIP,
	);
	if (!backend) return undefined;
	return classifyIp(view, String(podFields(backend).status?.podIP), from.node, cache, now);
}

/** The names musl asks for, in order, for `host` in a pod of `namespace` (ndots:5 and the search list). */
export function searchCandidates(host: string, namespace: string): string[] {
	const dots = host.replace(/\.$/, '').split('.').length - 1;
	if (host.endsWith('.') || dots >= 5) return [host];
	return [`${host}.${namespace}.svc.cluster.local`, `${host}.svc.cluster.local`, `${host}.cluster.local`, host];
}

/** The lines that explain one direction's verdict, each starting with EGRESS or INGRESS and its verdict, in `lang`. */
export function explainDirection(verdict: DirectionVerdict, subject: string, lang: Lang): string[] {
	const direction = verdict.direction;
	const heading = (text: string) => `${direction.toUpperCase()} ${text}`;
	const lines: string[] = [];
	for (const refused of verdict.refused) lines.push(`  ${msg(lang, 'explain.policy-refused', {policy: describePolicy(refused.policy), subject, error: refused.error})}`);
	switch (verdict.reason) {
		case 'policy-disabled':
			lines.unshift(heading(msg(lang, 'explain.enforcement-disabled')));
			break;
		case 'not-enforced':
			lines.unshift(
				heading(
					verdict.selecting.length === 0
						? msg(lang, 'explain.not-selected', {subject, direction})
						: msg(lang, 'explain.no-direction-rules', {subject, policies: verdict.selecting.map(describePolicy).join(', '), direction}),
				),
			);
			break;
		case 'host-always-allowed':
			lines.unshift(heading(msg(lang, 'explain.host-allowed')));
			break;
		case 'allowed-by-rule':
			lines.unshift(heading(msg(lang, 'explain.allowed-by', {match: verdict.matchType, rules: verdict.allowedBy.map(describeRuleRef).join('; ')})));
			if (verdict.dns) lines.push(`  ${msg(lang, verdict.dns.allowAll ? 'explain.dns-proxy-allows-all' : 'explain.dns-proxy-inspects', {rules: verdict.dns.rules.map(describeRuleRef).join('; ')})}`);
			if (verdict.http) {
				const rules = [...new Set(verdict.http.refs.map(describeRuleRef))].join('; ');
				lines.push(`  ${msg(lang, verdict.http.allowAll ? 'explain.envoy-allows-all' : 'explain.envoy-inspects', {rules})}`);
				if (!verdict.http.allowAll) for (const {rule} of verdict.http.rules) lines.push(`    ${msg(lang, 'explain.envoy-allows', {rule: rule.text})}`);
			}
			break;
		case 'allowed-no-default-deny':
			lines.unshift(heading(msg(lang, 'explain.no-default-deny', {direction})));
			break;
		case 'denied-by-deny-rule':
			lines.unshift(heading(msg(lang, 'explain.denied-by', {rule: describeRuleRef(verdict.deniedBy!)})));
			break;
		case 'fqdn-ip-not-learned':
			lines.unshift(heading(msg(lang, 'explain.fqdn-not-learned')));
			for (const candidate of verdict.fqdnCandidates) lines.push(`  ${msg(lang, 'explain.fqdn-learned-only', {rule: describeRuleRef(candidate.rule), selector: candidate.selector})}`);
			break;
		case 'no-matching-rule':
			lines.unshift(heading(msg(lang, 'explain.no-matching-rule', {policies: verdict.selecting.map(describePolicy).join(', ')})));
			if (verdict.fqdnNearMisses.length > 0) {
				lines.push(`  ${msg(lang, 'explain.fqdn-near-misses', {selectors: [...new Set(verdict.fqdnNearMisses)].join(', ')})}`);
				if (verdict.fqdnNearMisses.some((text) => text.startsWith('matchPattern: "*.'))) lines.push(`  ${msg(lang, 'explain.wildcard-needs-label')}`);
			}
			break;
	}
	return lines;
}

/**
 * Explains one attempt, as a client that resolves the name first (curl) makes it: the lookup through policy and the
 * DNS proxy, then the connection to the first address. The lines are in `lang`.
 */
export function explainTraffic(view: ClusterView, from: EndpointInfo, target: ExplainTarget, cache: FqdnCache | undefined, now: number, lang: Lang): Explanation {
	const subject = `${from.namespace}/${from.name}`;
	const lines: string[] = [];
	let ips: string[];
	const learnedNames: string[] = [];
	let dns: Explanation['dns'];
	if (/^\d+\.\d+\.\d+\.\d+$/.test(target.host)) {
		ips = [target.host];
	} else {
		const peer = dnsPeer(view, from, cache, now);
		if (!peer) return {outcome: 'no-dns-server', lines: [msg(lang, 'explain.dns.no-server', {host: target.host})]};
		const verdict = view.ciliumRunning ? decideConnection(view.index, from, peer, {protocol: 'UDP', port: 53}, {mode: view.mode}) : undefined;
		if (verdict && !verdict.allowed) {
			lines.push(msg(lang, 'explain.dns.dropped', {host: target.host}));
			lines.push(...(verdict.egress.allowed ? explainDirection(verdict.ingress!, `${peer.endpoint?.namespace}/${peer.endpoint?.name}`, lang) : explainDirection(verdict.egress, subject, lang)).map((line) => `  ${line}`));
			return {outcome: 'dns-dropped', lines, dns: {verdict, learned: false, ips: []}};
		}
		const redirect = verdict?.egress.dns;
		for (const candidate of searchCandidates(target.host, from.namespace)) {
			if (redirect && !dnsQueryAllowed(redirect, canonicalName(candidate))) {
				lines.push(msg(lang, redirect.rules.length > 0 ? 'explain.dns.refused-by-rule' : 'explain.dns.refused-by-policy', {rcode: view.rejectWith, name: canonicalName(candidate)}));
				if (candidate !== target.host) lines.push(`  ${msg(lang, 'explain.dns.search-list', {rcode: view.rejectWith})}`);
				return {outcome: 'dns-refused', lines, dns: {verdict, refusedName: candidate, learned: false, ips: []}};
			}
			const answer = resolve(candidate, 'A', view.dns);
			if (answer.rcode === 'NXDOMAIN') continue;
			ips = answer.ips;
			if (redirect) learnedNames.push(canonicalName(candidate));
			const answered = {name: candidate, ips: answer.ips.join(', ')};
			lines.push(
				redirect
					? msg(lang, 'explain.dns.through-proxy', {...answered, ttl: Math.max(answer.ttl, view.minTtl)})
					: msg(lang, verdict?.egress.enforced ? 'explain.dns.answer-not-proxied' : 'explain.dns.answer', answered),
			);
			dns = {verdict, learned: Boolean(redirect), ips: answer.ips};
			break;
		}
		if (!dns) {
			lines.push(msg(lang, 'explain.dns.nxdomain', {host: target.host}));
			return {outcome: 'dns-nxdomain', lines, dns: {verdict, learned: false, ips: []}};
		}
		ips = dns.ips;
	}
	const translated = translateService(view, ips[0]!, target.port, target.protocol);
	if (translated.noBackend) {
		lines.push(msg(lang, 'explain.connection.no-backend', {address: `${ips[0]}:${target.port}`}));
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
	lines.push(msg(lang, 'explain.connection', {from: subject, to: `${destination}:${target.port}/${target.protocol}`}));
	if (!connection) {
		lines.push(`  ${msg(lang, 'explain.connection.no-cilium')}`);
		return {outcome: 'allowed', lines, dns, peer};
	}
	lines.push(...explainDirection(connection.egress, subject, lang).map((line) => `  ${line}`));
	if (connection.ingress && peer.endpoint) lines.push(...explainDirection(connection.ingress, destination, lang).map((line) => `  ${line}`));
	if (!connection.allowed) return {outcome: 'dropped', lines, dns, connection, peer};
	// The HTTP request on the connection, as curl sends it, through each Envoy on the way (the client's egress, then the server's ingress).
	const proxies = [
		{redirect: connection.egress.http, side: msg(lang, 'explain.http.egress-of', {pod: subject})},
		{redirect: connection.ingress?.http, side: msg(lang, 'explain.http.ingress-of', {pod: destination})},
	];
	const method = target.method ?? 'GET';
	const path = target.path ?? '/';
	const authority = target.port === 80 ? target.host : `${target.host}:${target.port}`;
	for (const {redirect, side} of proxies) {
		if (!redirect) continue;
		const decision = httpRequestDecision(redirect, {method, path, authority, headers: [['user-agent', 'curl/8.11.1'], ['accept', '*/*']]});
		if (decision.allowed) {
			const request = `${method} ${path} (Host: ${authority})`;
			lines.push(decision.by ? msg(lang, 'explain.http.allowed-by', {request, side, rule: describeRuleRef(decision.by), allows: decision.rule!.text}) : msg(lang, 'explain.http.allowed-all', {request, side}));
			continue;
		}
		lines.push(msg(lang, 'explain.http.denied', {request: `${method} ${path} (Host: ${authority})`, side}));
		return {outcome: 'http-denied', lines, dns, connection, peer};
	}
	return {outcome: 'allowed', lines, dns, connection, peer};
}

export function endpointByName(view: ClusterView, namespace: string, name: string): EndpointInfo | undefined {
	return view.byPod.get(podKey(namespace, name));
}

export {peerOfEndpoint};
