// The running datapath of one practice cluster: the view rebuilt from the store, per-node FQDN caches and flow
// rings (persisted), and the operations programs in pods perform (DNS queries, TCP connects, pings), each recording
// the flows Cilium would record and taking the time the real network would (cilium-semantics.md §2, §4.2).
import {listView} from '../controllers/objects.js';
import {StatusError, type KubeObject, type PracticeContext} from '../types.js';
import {resolve, FqdnCache, type DnsAnswer, type FqdnCacheEntry, type QueryType} from './dns.js';
import {decideConnection, dnsQueryAllowed, httpRequestDecision, type ConnectionVerdict, type EndpointInfo, type HttpRedirect, type HttpRequest, type PeerIdentity, type Traffic} from './engine.js';
import {canonicalName} from './fqdn.js';
import {DROP_REASON, EVENT, FlowRing, MATCH_TYPES, l4Summary, dnsSummary, httpSummary, type Flow, type FlowEndpoint, type FlowPolicy, type HttpL7, type L4, type TcpFlags} from './flows.js';
import {labelStrings} from './identity.js';
import type {RuleRef} from './policy.js';
import type {HttpResponse} from './programs/sites.js';
import {CURATED_WORLD, type World} from './world.js';
import {buildView, classifyIp, podFields, podKey, translateService, type ClusterView, type PodFields} from './view.js';

export const FLOWS_SECTION = 'datapath.flows';
export const FQDN_SECTION = 'datapath.fqdn';
const PERSISTED_FLOWS_PER_NODE = 200;
const FLOW_PERSIST_DELAY_MS = 5000;
/** Linux SYN retransmissions (tcp_syn_retries=6): 1 s, 2 s, 4 s … after the first SYN; connect() fails at ~127 s. */
export const SYN_OFFSETS_MS = [0, 1000, 3000, 7000, 15000, 31000, 63000];
export const KERNEL_CONNECT_TIMEOUT_MS = 127_000;
/** musl: resolv.conf timeout 5 s, 2 attempts → a retry after 2.5 s, failure after 5 s. */
export const MUSL_QUERY_TIMEOUT_MS = 5000;
/** cilium-config's monitor-aggregation-interval (the chart's 5s): an active connection is reported about this often. */
export const STREAM_REPORT_INTERVAL_MS = 5000;
const MUSL_RETRY_MS = 2500;

export type PersistedFqdn = Record<string, {entries: FqdnCacheEntry[]; identities: Array<[string, number]>}>;

export interface ConnectResult {
	result: 'connected' | 'refused' | 'timeout' | 'kernel-timeout' | 'no-route';
	elapsedMs: number;
	peer?: PeerIdentity;
	verdict?: ConnectionVerdict;
	/** The pod's ephemeral port: the exchange that follows a connect keeps it, as one TCP connection does. */
	sourcePort?: number;
	/** The port it reached (a Service's port translated to its backend's). */
	port?: number;
}

export interface DnsQueryResult {
	answer?: DnsAnswer;
	/** The query was dropped (or no DNS server answered) until the deadline. */
	timedOut: boolean;
	elapsedMs: number;
}

/** An HTTP answer as the client reads it. */
export type HttpAnswer = HttpResponse;

/** Envoy's local reply when cilium's L7 filter denies a request: 403 with the body "Access denied\r\n". */
export function envoyAccessDenied(now: number): HttpAnswer {
	const body = 'Access denied\r\n';
	return {status: 403, reason: 'Forbidden', headers: [['content-length', String(body.length)], ['content-type', 'text/plain'], ['date', new Date(now).toUTCString()], ['server', 'envoy']], body};
}

export type ResolveResult = {ok: true; ips: string[]; elapsedMs: number} | {ok: false; error: 'NXDOMAIN' | 'REFUSED' | 'TIMEOUT' | 'SERVFAIL' | 'NO_SERVER' | 'BUDGET'; elapsedMs: number};

const IMAGE_PORTS: Array<[RegExp, number[]]> = [
	[/(^|\/)(nginx|httpd|caddy)(:|@|$)/, [80]],
	[/echoserver|http-echo|whoami|podinfo|hashicorp\/http-echo/, [80, 8080]],
	[/hubble-relay/, [4245]],
	[/hubble-ui/, [8081]],
	[/coredns/, [53]],
];

function podListensOn(pod: KubeObject | undefined, port: number): boolean {
	const spec = (pod as PodFields | undefined)?.spec ?? {};
	const containers = spec.containers ?? [];
	const declared = containers.flatMap((container) => (container.ports ?? []).map((entry) => Number(entry.containerPort)));
	if (declared.includes(port)) return true;
	return containers.some((container) => IMAGE_PORTS.some(([pattern, ports]) => pattern.test(String(container.image ?? '')) && ports.includes(port)));
}

const datapaths = new WeakMap<object, Datapath>();

export class Datapath {
	private cachedView: ClusterView | undefined;
	private readonly rings = new Map<string, FlowRing>();
	private readonly caches = new Map<string, FqdnCache>();
	private virtualNow = 0;
	private lastFlowMs = 0;
	private flowsInMs = 0;
	private sequence = 0;
	private persistTimer: NodeJS.Timeout | undefined;
	private readonly allListeners = new Set<(flow: Flow) => void>();

	static for(ctx: PracticeContext): Datapath {
		let datapath = datapaths.get(ctx.store);
		if (!datapath) {
			datapath = new Datapath(ctx);
			datapaths.set(ctx.store, datapath);
		}
		return datapath;
	}

	constructor(readonly ctx: PracticeContext) {
		for (const [node, flows] of Object.entries(ctx.sections.read<Record<string, Flow[]>>(FLOWS_SECTION, {}))) this.rings.set(node, new FlowRing(4095, flows));
		for (const [node, cache] of Object.entries(ctx.sections.read<PersistedFqdn>(FQDN_SECTION, {}))) this.caches.set(node, new FqdnCache(cache.entries, cache.identities));
		ctx.store.subscribe((event) => {
			if (event.object.kind !== 'CiliumEndpoint' && event.object.kind !== 'Event') this.cachedView = undefined;
			// A node that goes away takes its agent's flow ring and FQDN cache with it (and a deleted cluster, all of them).
			if (event.type === 'DELETED' && event.object.kind === 'Node') this.forgetNode(event.object.metadata.name);
		});
	}

	view(): ClusterView {
		if (!this.cachedView) {
			const store = this.ctx.store;
			// Before Cilium's CRDs exist (no cluster yet, Cilium not installed) there are no policies or identities.
			const listIfServed = (apiVersion: string, kind: string): KubeObject[] => {
				try {
					return store.list(apiVersion, kind);
				} catch (error) {
					if (error instanceof StatusError && error.code === 404) return [];
					throw error;
				}
			};
			this.cachedView = buildView({
				// Every change rebuilds the view: the pods are read as stored (frozen, in list order), not copied one by one.
				pods: [...listView(store, 'v1', 'Pod', {sorted: true})],
				namespaces: store.list('v1', 'Namespace'),
				nodes: store.list('v1', 'Node'),
				services: store.list('v1', 'Service'),
				endpointsObjects: store.list('v1', 'Endpoints', {namespace: 'default'}),
				policies: [
					...listIfServed('cilium.io/v2', 'CiliumNetworkPolicy'),
					...listIfServed('cilium.io/v2', 'CiliumClusterwideNetworkPolicy'),
					...store.list('networking.k8s.io/v1', 'NetworkPolicy'),
				],
				identities: listIfServed('cilium.io/v2', 'CiliumIdentity'),
				ciliumConfig: store.get('v1', 'ConfigMap', 'kube-system', 'cilium-config'),
			});
			this.cachedView.dns.world = this.world;
		}
		return this.cachedView;
	}

	/**
	 * The datapath's time: the clock's, never running backwards. An operation plans its packets at simulated offsets
	 * (a SYN retransmitted at 1 s, 3 s…) but sleeps them scaled by the speed (fast: 1 %, instant: not at all), so a
	 * planned time can lie ahead of the clock: everything the datapath stamps is capped at the clock's now, so Hubble
	 * and the FQDN cache never see the future (a flow is stamped when it happened, at every speed).
	 */
	now(): number {
		this.virtualNow = Math.max(this.virtualNow, this.ctx.clock.now());
		return this.virtualNow;
	}

	/** A planned time, capped at now (see now()). */
	private happened(planned: number): number {
		return Math.min(planned, this.now());
	}

	private advance(to: number): void {
		this.virtualNow = Math.max(this.virtualNow, this.happened(to));
	}

	/**
	 * A flow's time as Hubble prints it (RFC 3339 with nanoseconds): when it happened, and after the last flow's, so
	 * flows keep their order when the instant clock gives many the same millisecond (the sub-millisecond digits count
	 * them).
	 */
	private flowTime(planned: number): string {
		const ms = Math.max(this.happened(planned), this.lastFlowMs);
		this.flowsInMs = ms === this.lastFlowMs ? Math.min(this.flowsInMs + 1, 999_999) : 0;
		this.lastFlowMs = ms;
		return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, `.$1${String(this.flowsInMs).padStart(6, '0')}Z`);
	}

	private forgetNode(node: string): void {
		if (!this.rings.delete(node) && !this.caches.delete(node)) return;
		this.caches.delete(node);
		this.persist();
	}

	ring(node: string): FlowRing {
		let ring = this.rings.get(node);
		if (!ring) this.rings.set(node, (ring = new FlowRing()));
		return ring;
	}

	nodesWithFlows(): string[] {
		return [...this.rings.keys()];
	}

	cache(node: string): FqdnCache {
		let cache = this.caches.get(node);
		if (!cache) this.caches.set(node, (cache = new FqdnCache()));
		return cache;
	}

	/** Every flow of every node, oldest first (what hubble-relay serves). */
	allFlows(): Flow[] {
		return [...this.rings.values()].flatMap((ring) => ring.all()).sort((a, b) => a.time.localeCompare(b.time));
	}

	onFlow(listener: (flow: Flow) => void): () => void {
		this.allListeners.add(listener);
		return () => this.allListeners.delete(listener);
	}

	endpointOfPod(pod: KubeObject): EndpointInfo | undefined {
		return this.view().byPod.get(podKey(pod.metadata.namespace ?? 'default', pod.metadata.name));
	}

	private record(flow: Flow): void {
		this.ring(flow.node_name).push(flow);
		for (const listener of this.allListeners) listener(flow);
		this.schedulePersist();
	}

	private schedulePersist(): void {
		if (this.persistTimer) return;
		this.persistTimer = setTimeout(() => this.persist(), FLOW_PERSIST_DELAY_MS);
		this.persistTimer.unref?.();
	}

	/** Keeps recent flows across a daemon restart (best effort: they are a convenience, not cluster state). */
	persist(): void {
		if (this.persistTimer) clearTimeout(this.persistTimer);
		this.persistTimer = undefined;
		const flows: Record<string, Flow[]> = {};
		for (const [node, ring] of this.rings) flows[node] = ring.all().slice(-PERSISTED_FLOWS_PER_NODE);
		try {
			this.ctx.sections.write(FLOWS_SECTION, flows);
		} catch {
			// The store may be closing; the flows are lost, nothing else is.
		}
		this.persistFqdn();
	}

	/** The FQDN caches are policy state: written as soon as the proxy learns something. */
	private persistFqdn(): void {
		const now = this.now();
		const state: PersistedFqdn = {};
		for (const [node, cache] of this.caches) {
			cache.collect(now);
			state[node] = {entries: cache.entries(), identities: cache.identities()};
		}
		try {
			this.ctx.sections.write(FQDN_SECTION, state);
		} catch {
			// As above.
		}
	}

	private nextPort(): number {
		this.sequence++;
		return 32768 + ((this.sequence * 7919 + 12345) % 28000);
	}

	private flowEndpoint(peer: PeerIdentity): FlowEndpoint {
		if (peer.endpoint) {
			const pod = this.view().pods.get(podKey(peer.endpoint.namespace, peer.endpoint.name));
			const owner = pod?.metadata.ownerReferences?.find((reference) => reference.controller) ?? pod?.metadata.ownerReferences?.[0];
			const workload = owner ? {kind: owner.kind === 'ReplicaSet' ? 'Deployment' : owner.kind, name: owner.kind === 'ReplicaSet' ? owner.name.replace(/-[a-z0-9]{5,10}$/, '') : owner.name} : undefined;
			return {
				ID: peer.endpoint.endpointId,
				identity: peer.identity,
				cluster_name: 'default',
				namespace: peer.endpoint.namespace,
				labels: labelStrings(peer.labels).filter((label) => !label.startsWith('k8s:io.cilium.k8s.namespace.labels.')),
				pod_name: peer.endpoint.name,
				...(workload ? {workloads: [workload]} : {}),
			};
		}
		return {identity: peer.identity, labels: labelStrings(peer.labels)};
	}

	private makeFlow(input: {
		at: number;
		node: string;
		src: PeerIdentity;
		dst: PeerIdentity;
		l4: L4;
		kind: 'verdict' | 'drop' | 'trace' | 'l7';
		verdict: Flow['verdict'];
		direction?: 'INGRESS' | 'EGRESS';
		matchType?: string;
		isReply?: boolean;
		point?: Flow['trace_observation_point'];
		dropReason?: 'POLICY_DENIED' | 'POLICY_DENY' | 'NO_SERVICE';
		l7?: Flow['l7'];
		summary?: string;
		/** The rules a policy verdict was correlated with (allowing, or the deny rule that dropped it). */
		correlated?: RuleRef[];
		/** A policy verdict dropped by a deny rule (policy correlation annotates those drops, from 1.18). */
		deniedByRule?: boolean;
	}): Flow {
		const names = (peer: PeerIdentity) => (peer.fqdnNames.length > 0 ? peer.fqdnNames.map((name) => name.replace(/\.$/, '')) : undefined);
		const flow: Flow = {
			time: this.flowTime(input.at),
			verdict: input.verdict,
			...(input.dropReason ? {drop_reason: DROP_REASON[input.dropReason]} : {}),
			IP: {source: input.src.ip, destination: input.dst.ip, ipVersion: 'IPv4'},
			l4: input.l4,
			source: this.flowEndpoint(input.src),
			destination: this.flowEndpoint(input.dst),
			Type: input.kind === 'l7' ? 'L7' : 'L3_L4',
			node_name: input.node,
			...(names(input.src) ? {source_names: names(input.src)} : {}),
			...(names(input.dst) ? {destination_names: names(input.dst)} : {}),
			...(input.l7 ? {l7: input.l7} : {}),
			event_type:
				input.kind === 'verdict'
					? {type: EVENT.policyVerdict}
					: input.kind === 'drop'
						? {type: EVENT.drop, sub_type: DROP_REASON[input.dropReason ?? 'POLICY_DENIED']}
						: input.kind === 'l7'
							? {type: EVENT.l7}
							: {type: EVENT.trace},
			...(input.direction ? {traffic_direction: input.direction} : {}),
			...(input.kind === 'verdict' ? {policy_match_type: Math.max(0, MATCH_TYPES.indexOf((input.matchType ?? 'none') as (typeof MATCH_TYPES)[number]))} : {}),
			...(input.point ? {trace_observation_point: input.point} : {}),
			...(input.dropReason ? {drop_reason_desc: input.dropReason} : {}),
			...(input.isReply !== undefined ? {is_reply: input.isReply} : {}),
			uuid: `${(input.at >>> 0).toString(16).padStart(8, '0')}-${(this.sequence++ & 0xffff).toString(16).padStart(4, '0')}-4000-8000-${input.node.length.toString(16).padStart(12, '0')}`,
			Summary: input.summary ?? l4Summary(input.l4),
		};
		if (flow.policy_match_type === 0) delete flow.policy_match_type;
		if (input.kind === 'verdict' && input.direction && input.correlated?.length) {
			const allowed = input.verdict === 'FORWARDED' || input.verdict === 'REDIRECTED';
			const deniedByRule = input.verdict === 'DROPPED' && input.deniedByRule === true;
			const behaviour = this.view().behaviour;
			// 1.16's correlation annotates forwarded verdicts only; from 1.18 also drops by a deny rule (versions.ts hubblePolicyNames).
			if (allowed || (deniedByRule && behaviour.hubblePolicyNames)) {
				const policies = this.correlatedPolicies(input.correlated);
				const field = `${input.direction === 'EGRESS' ? 'egress' : 'ingress'}_${allowed ? 'allowed' : 'denied'}_by` as const;
				if (policies.length > 0) flow[field] = policies;
			}
		}
		return flow;
	}

	/**
	 * pkg/hubble/parser policy correlation toProto: one entry per distinct policy, its labels the rule's derived-from labels
	 * (sorted: derived-from, name, namespace, uid). 1.16 (flow.proto Policy without `kind`) sets name and namespace only
	 * when both labels are there; from 1.18 name, namespace and kind each from its label.
	 */
	private correlatedPolicies(refs: RuleRef[]): FlowPolicy[] {
		const behaviour = this.view().behaviour;
		const seen = new Set<string>();
		const policies: FlowPolicy[] = [];
		for (const {policy} of refs) {
			const key = `${policy.kind}/${policy.namespace ?? ''}/${policy.name}`;
			if (seen.has(key)) continue;
			seen.add(key);
			const apiVersion = policy.kind === 'NetworkPolicy' ? 'networking.k8s.io/v1' : 'cilium.io/v2';
			let uid: string | undefined;
			try {
				uid = this.ctx.store.get(apiVersion, policy.kind, policy.namespace, policy.name)?.metadata.uid;
			} catch {
				uid = undefined;
			}
			const labels = [
				`k8s:io.cilium.k8s.policy.derived-from=${policy.kind}`,
				`k8s:io.cilium.k8s.policy.name=${policy.name}`,
				...(policy.namespace ? [`k8s:io.cilium.k8s.policy.namespace=${policy.namespace}`] : []),
				...(uid ? [`k8s:io.cilium.k8s.policy.uid=${uid}`] : []),
			];
			if (behaviour.hubblePolicyNames) policies.push({name: policy.name, ...(policy.namespace ? {namespace: policy.namespace} : {}), labels, kind: policy.kind});
			else policies.push(policy.namespace ? {name: policy.name, namespace: policy.namespace, labels} : {name: '', labels});
		}
		return policies;
	}

	private sourcePeer(endpoint: EndpointInfo): PeerIdentity {
		return {ip: endpoint.ip, identity: endpoint.identity, labels: endpoint.labels, endpoint, inCluster: true, fqdnNames: []};
	}

	/** Emits the egress (and ingress) flows of one forward packet that policy allowed. */
	/** Emits the egress (and ingress) flows of one forward packet that policy allowed; HTTP L7 rules send it to Envoy (to-proxy). */
	private recordAllowedPacket(at: number, from: EndpointInfo, peer: PeerIdentity, verdict: ConnectionVerdict, l4: L4, first: boolean, redirected = false): void {
		const src = this.sourcePeer(from);
		const egressProxy = Boolean(verdict.egress.http) && 'TCP' in l4;
		if (first && verdict.egress.enforced) {
			this.record(this.makeFlow({at, node: from.node, src, dst: peer, l4, kind: 'verdict', verdict: redirected || egressProxy ? 'REDIRECTED' : 'FORWARDED', direction: 'EGRESS', matchType: verdict.egress.matchType, isReply: false, correlated: verdict.egress.allowedBy}));
		}
		if (redirected) return;
		if (egressProxy) {
			this.record(this.makeFlow({at, node: from.node, src, dst: peer, l4, kind: 'trace', verdict: 'FORWARDED', isReply: false, point: 'TO_PROXY'}));
			return;
		}
		const sameNode = peer.endpoint?.node === from.node;
		const ingressProxy = Boolean(peer.endpoint && verdict.ingress?.http) && 'TCP' in l4;
		if (!(sameNode && ingressProxy)) {
			this.record(this.makeFlow({at, node: from.node, src, dst: peer, l4, kind: 'trace', verdict: 'FORWARDED', isReply: false, point: peer.endpoint ? (sameNode ? 'TO_ENDPOINT' : 'TO_OVERLAY') : 'TO_STACK'}));
		}
		if (peer.endpoint && verdict.ingress) {
			if (first && verdict.ingress.enforced) {
				this.record(
					this.makeFlow({at: at + 1, node: peer.endpoint.node, src, dst: peer, l4, kind: 'verdict', verdict: ingressProxy ? 'REDIRECTED' : 'FORWARDED', direction: 'INGRESS', matchType: verdict.ingress.matchType, isReply: false, correlated: verdict.ingress.allowedBy}),
				);
			}
			if (ingressProxy) this.record(this.makeFlow({at: at + 1, node: peer.endpoint.node, src, dst: peer, l4, kind: 'trace', verdict: 'FORWARDED', isReply: false, point: 'TO_PROXY'}));
			else if (!sameNode) this.record(this.makeFlow({at: at + 1, node: peer.endpoint.node, src, dst: peer, l4, kind: 'trace', verdict: 'FORWARDED', isReply: false, point: 'TO_ENDPOINT'}));
		}
	}

	private recordDeniedPacket(at: number, from: EndpointInfo, peer: PeerIdentity, verdict: ConnectionVerdict, l4: L4, first = true): void {
		const src = this.sourcePeer(from);
		const denied = verdict.egress.allowed ? verdict.ingress! : verdict.egress;
		const node = verdict.egress.allowed ? peer.endpoint!.node : from.node;
		const direction = denied.direction === 'egress' ? 'EGRESS' : 'INGRESS';
		// The sender's side allowed it: its verdict is logged once (the retransmissions hit the conntrack entry).
		if (verdict.egress.allowed) this.recordAllowedPacket(at, from, peer, {allowed: true, egress: verdict.egress}, l4, first);
		const dropReason = denied.reason === 'denied-by-deny-rule' ? 'POLICY_DENY' : 'POLICY_DENIED';
		this.record(this.makeFlow({at, node, src, dst: peer, l4, kind: 'verdict', verdict: 'DROPPED', direction, matchType: 'none', dropReason: undefined, correlated: denied.deniedBy ? [denied.deniedBy] : undefined, deniedByRule: dropReason === 'POLICY_DENY'}));
		this.record(this.makeFlow({at, node, src, dst: peer, l4, kind: 'drop', verdict: 'DROPPED', direction, dropReason}));
	}

	private recordReply(at: number, from: EndpointInfo, peer: PeerIdentity, l4: L4): void {
		this.record(this.makeFlow({at, node: from.node, src: peer, dst: this.sourcePeer(from), l4, kind: 'trace', verdict: 'FORWARDED', isReply: true, point: 'TO_ENDPOINT'}));
	}

	private async waitUntil(start: number, offsetMs: number, elapsed: {ms: number}, signal: AbortSignal): Promise<void> {
		if (offsetMs > elapsed.ms) {
			await this.ctx.clock.sleep(offsetMs - elapsed.ms, signal);
			elapsed.ms = offsetMs;
		}
		this.advance(start + offsetMs);
	}

	private translate(ip: string, port: number, protocol: string): {ip: string; port: number; noBackend?: boolean} {
		return translateService(this.view(), ip, port, protocol, this.sequence);
	}

	private listening(peer: PeerIdentity, port: number): boolean {
		if (peer.endpoint) return podListensOn(this.view().pods.get(podKey(peer.endpoint.namespace, peer.endpoint.name)), port);
		if (peer.reserved === 'kube-apiserver') return port === 443;
		if (peer.reserved === 'host' || peer.reserved === 'remote-node') return port === 10250 || port === 22;
		const pod = [...this.view().pods.values()].find((candidate) => podFields(candidate).status?.podIP === peer.ip);
		if (pod) return podListensOn(pod, port);
		// The internet: only a host the world has answers, on its ports (a deleted Service's ClusterIP, an unused IP: nothing).
		return this.world.host(peer.ip)?.tcp.includes(port) ?? false;
	}

	get world(): World {
		return this.ctx.world ?? CURATED_WORLD;
	}

	/** Round-trip time to a peer: pods in the cluster answer in about a millisecond, the internet in tens. */
	private rttMs(peer: PeerIdentity): number {
		return peer.inCluster ? 1 : 32;
	}

	/** A TCP connect from a pod, up to `budgetMs` (curl's -m / --connect-timeout) or the kernel's own limit. */
	async tcpConnect(pod: KubeObject, ip: string, port: number, options: {signal: AbortSignal; budgetMs?: number}): Promise<ConnectResult> {
		const start = this.now();
		const elapsed = {ms: 0};
		const budget = Math.min(options.budgetMs ?? Number.POSITIVE_INFINITY, KERNEL_CONNECT_TIMEOUT_MS);
		const view = this.view();
		const from = this.endpointOfPod(pod);
		const target = this.translate(ip, port, 'TCP');
		const node = String(podFields(pod).spec?.nodeName ?? '');
		const peer = from ? classifyIp(view, target.ip, from.node, this.cache(from.node), start) : classifyIp(view, target.ip, node, undefined, start);
		const finishTimeout = async (): Promise<ConnectResult> => {
			await this.waitUntil(start, budget, elapsed, options.signal);
			return {result: budget >= KERNEL_CONNECT_TIMEOUT_MS ? 'kernel-timeout' : 'timeout', elapsedMs: budget, peer};
		};
		if (target.noBackend) {
			if (from && view.ciliumRunning) {
				const syn: L4 = {TCP: {source_port: this.nextPort(), destination_port: port, flags: {SYN: true}}};
				for (const offset of SYN_OFFSETS_MS) {
					if (offset >= budget) break;
					await this.waitUntil(start, offset, elapsed, options.signal);
					this.record(this.makeFlow({at: start + offset, node: from.node, src: this.sourcePeer(from), dst: peer, l4: syn, kind: 'drop', verdict: 'DROPPED', dropReason: 'NO_SERVICE'}));
				}
			}
			return finishTimeout();
		}
		const traffic: Traffic = {protocol: 'TCP', port: target.port};
		const verdict = from && view.ciliumRunning ? decideConnection(view.index, from, peer, traffic, {mode: view.mode}) : undefined;
		const syn: L4 = {TCP: {source_port: this.nextPort(), destination_port: target.port, flags: {SYN: true}}};
		const reverse = (flags: TcpFlags): L4 => ({TCP: {source_port: target.port, destination_port: (syn as {TCP: {source_port: number}}).TCP.source_port, flags}});
		const forward = (flags: TcpFlags): L4 => ({TCP: {source_port: (syn as {TCP: {source_port: number}}).TCP.source_port, destination_port: target.port, flags}});
		if (verdict && !verdict.allowed && from) {
			for (const offset of SYN_OFFSETS_MS) {
				if (offset >= budget) break;
				await this.waitUntil(start, offset, elapsed, options.signal);
				this.recordDeniedPacket(start + offset, from, peer, verdict, syn, offset === 0);
			}
			return {...(await finishTimeout()), verdict};
		}
		const listening = this.listening(peer, target.port);
		if (!listening && !peer.inCluster) {
			for (const offset of SYN_OFFSETS_MS) {
				if (offset >= budget) break;
				await this.waitUntil(start, offset, elapsed, options.signal);
				if (from && verdict) this.recordAllowedPacket(start + offset, from, peer, verdict, syn, offset === 0);
			}
			return {...(await finishTimeout()), verdict};
		}
		const rtt = this.rttMs(peer);
		if (from && verdict) this.recordAllowedPacket(start, from, peer, verdict, syn, true);
		await this.waitUntil(start, rtt, elapsed, options.signal);
		if (!listening) {
			if (from) this.recordReply(start + rtt, from, peer, reverse({ACK: true, RST: true}));
			return {result: 'refused', elapsedMs: rtt, peer, verdict};
		}
		if (from && verdict) {
			this.recordReply(start + rtt, from, peer, reverse({SYN: true, ACK: true}));
			this.recordAllowedPacket(start + rtt, from, peer, verdict, forward({ACK: true}), false);
		}
		return {result: 'connected', elapsedMs: rtt, peer, verdict, sourcePort: (syn as {TCP: {source_port: number}}).TCP.source_port, port: target.port};
	}

	/** The request/response and close of an HTTP exchange on a connection tcpConnect opened. */
	async recordExchange(pod: KubeObject, connection: ConnectResult, port: number, signal: AbortSignal): Promise<number> {
		const from = this.endpointOfPod(pod);
		const peer = connection.peer;
		const rtt = peer ? this.rttMs(peer) : 1;
		const start = this.now();
		await this.ctx.clock.sleep(rtt * 2, signal);
		if (from && peer && connection.verdict) {
			const sourcePort = connection.sourcePort ?? this.nextPort();
			const forward = (flags: TcpFlags): L4 => ({TCP: {source_port: sourcePort, destination_port: port, flags}});
			const reverse = (flags: TcpFlags): L4 => ({TCP: {source_port: port, destination_port: sourcePort, flags}});
			this.recordAllowedPacket(start, from, peer, connection.verdict, forward({ACK: true, PSH: true}), false);
			this.recordReply(start + rtt, from, peer, reverse({ACK: true, PSH: true}));
			this.recordAllowedPacket(start + rtt * 2, from, peer, connection.verdict, forward({ACK: true, FIN: true}), false);
			this.recordReply(start + rtt * 2, from, peer, reverse({ACK: true, FIN: true}));
		}
		this.advance(start + rtt * 2);
		return rtt * 2;
	}

	/**
	 * A long-lived connection tcpConnect opened (a gRPC stream) carrying data both ways: what Hubble reports of it, one
	 * ACK|PSH each way. The chart's cilium-config has monitor-aggregation: medium and monitor-aggregation-interval: 5s
	 * ("the typical time between monitor notification events for each allowed connection"): the caller reports it at
	 * most that often (STREAM_REPORT_INTERVAL_MS).
	 */
	recordStreamPackets(pod: KubeObject, connection: ConnectResult): void {
		const from = this.endpointOfPod(pod);
		const port = connection.port;
		if (!from || !connection.peer || !connection.verdict || connection.sourcePort === undefined || port === undefined) return;
		const at = this.now();
		this.recordAllowedPacket(at, from, connection.peer, connection.verdict, {TCP: {source_port: connection.sourcePort, destination_port: port, flags: {ACK: true, PSH: true}}}, false);
		this.recordReply(at, from, connection.peer, {TCP: {source_port: port, destination_port: connection.sourcePort, flags: {ACK: true, PSH: true}}});
	}

	/** Whether a connection tcpConnect opened goes through Envoy (HTTP L7 rules on either side). */
	static httpProxied(connection: ConnectResult): boolean {
		return Boolean(connection.verdict?.egress.http || connection.verdict?.ingress?.http);
	}

	/**
	 * One HTTP request on a connection tcpConnect opened. Without HTTP L7 rules it is the plain exchange; with them
	 * Envoy decides each request (the client's egress proxy first, then the server's ingress proxy), a denied one gets
	 * Envoy's 403 and an `http-request DROPPED` flow, an allowed one reaches the server (`serve`) and its answer comes
	 * back through Envoy with `http-request` / `http-response` FORWARDED flows (pkg/hubble/parser/seven/http.go).
	 */
	async httpExchange(pod: KubeObject, connection: ConnectResult, port: number, request: HttpRequest, serve: () => HttpAnswer, signal: AbortSignal): Promise<{answer: HttpAnswer; elapsedMs: number}> {
		const verdict = connection.verdict;
		const from = this.endpointOfPod(pod);
		const peer = connection.peer;
		if (!from || !peer || !verdict || !Datapath.httpProxied(connection)) {
			const elapsedMs = await this.recordExchange(pod, connection, port, signal);
			return {answer: serve(), elapsedMs};
		}
		const start = this.now();
		const rtt = this.rttMs(peer);
		const src = this.sourcePeer(from);
		const sourcePort = connection.sourcePort ?? this.nextPort();
		const forward: L4 = {TCP: {source_port: sourcePort, destination_port: port}};
		const reverse: L4 = {TCP: {source_port: port, destination_port: sourcePort}};
		const http: HttpL7 = {
			method: request.method,
			url: `http://${request.authority}${request.path}`,
			protocol: 'HTTP/1.1',
			headers: [...request.headers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => ({key, value})),
		};
		const proxies: Array<{redirect: HttpRedirect; node: string; direction: 'EGRESS' | 'INGRESS'}> = [];
		if (verdict.egress.http) proxies.push({redirect: verdict.egress.http, node: from.node, direction: 'EGRESS'});
		if (verdict.ingress?.http && peer.endpoint) proxies.push({redirect: verdict.ingress.http, node: peer.endpoint.node, direction: 'INGRESS'});
		for (const proxy of proxies) {
			const allowed = httpRequestDecision(proxy.redirect, request).allowed;
			this.record(this.makeFlow({at: start, node: proxy.node, src, dst: peer, l4: forward, kind: 'l7', verdict: allowed ? 'FORWARDED' : 'DROPPED', direction: proxy.direction, isReply: false, l7: {type: 'REQUEST', http}, summary: httpSummary(http, 'REQUEST')}));
			if (!allowed) {
				await this.ctx.clock.sleep(1, signal);
				this.advance(start + 1);
				return {answer: envoyAccessDenied(start), elapsedMs: 1};
			}
		}
		const served = serve();
		await this.ctx.clock.sleep(rtt * 2, signal);
		this.recordAllowedPacket(start, from, peer, verdict, {TCP: {source_port: sourcePort, destination_port: port, flags: {ACK: true, PSH: true}}}, false);
		this.recordReply(start + rtt, from, peer, {TCP: {source_port: port, destination_port: sourcePort, flags: {ACK: true, PSH: true}}});
		const latencyMs = rtt * 2;
		const response: HttpL7 = {...http, code: served.status};
		for (const proxy of [...proxies].reverse()) {
			this.record(
				this.makeFlow({
					at: start + latencyMs,
					node: proxy.node,
					src: peer,
					dst: src,
					l4: reverse,
					kind: 'l7',
					verdict: 'FORWARDED',
					direction: proxy.direction,
					isReply: true,
					l7: {type: 'RESPONSE', latency_ns: String(latencyMs * 1_000_000), http: response},
					summary: httpSummary(response, 'RESPONSE', latencyMs),
				}),
			);
		}
		this.advance(start + latencyMs);
		// Envoy answers for the server: it overwrites the server header and adds its upstream time.
		const headers = served.headers.filter(([name]) => name !== 'server');
		headers.push(['server', 'envoy'], ['x-envoy-upstream-service-time', String(rtt)]);
		return {answer: {...served, headers}, elapsedMs: latencyMs};
	}

	/** One DNS query (one qtype) from a pod to its nameserver, through policy and the DNS proxy. */
	async dnsQuery(pod: KubeObject, name: string, type: QueryType, options: {signal: AbortSignal; server?: string; timeoutMs?: number; retryMs?: number}): Promise<DnsQueryResult> {
		const view = this.view();
		const start = this.now();
		const elapsed = {ms: 0};
		const timeoutMs = options.timeoutMs ?? MUSL_QUERY_TIMEOUT_MS;
		const retryMs = options.retryMs ?? MUSL_RETRY_MS;
		const server = options.server ?? view.kubeDnsIp;
		const canonical = canonicalName(name);
		const timedOut = async (): Promise<DnsQueryResult> => {
			await this.waitUntil(start, timeoutMs, elapsed, options.signal);
			return {timedOut: true, elapsedMs: timeoutMs};
		};
		if (!server) return timedOut();
		const target = this.translate(server, 53, 'UDP');
		if (target.noBackend) return timedOut();
		const from = this.endpointOfPod(pod);
		const node = String(podFields(pod).spec?.nodeName ?? '');
		const peer = classifyIp(view, target.ip, from?.node ?? node, undefined, start);
		const serverPod = [...view.pods.values()].find((candidate) => podFields(candidate).status?.podIP === target.ip);
		const worldResolver = !serverPod && peer.reserved === 'world' && Boolean(this.world.host(target.ip)?.udp.includes(53));
		const serverIsDns = Boolean(serverPod && podListensOn(serverPod, 53)) || worldResolver;
		const udp: L4 = {UDP: {source_port: this.nextPort(), destination_port: 53}};
		const reply: L4 = {UDP: {source_port: 53, destination_port: (udp as {UDP: {source_port: number}}).UDP.source_port}};
		const verdict = from && view.ciliumRunning ? decideConnection(view.index, from, peer, {protocol: 'UDP', port: 53}, {mode: view.mode}) : undefined;
		if (verdict && !verdict.allowed && from) {
			for (let offset = 0; offset < timeoutMs; offset += retryMs) {
				await this.waitUntil(start, offset, elapsed, options.signal);
				this.recordDeniedPacket(start + offset, from, peer, verdict, udp, offset === 0);
			}
			return timedOut();
		}
		if (!serverIsDns) return timedOut();
		// A public resolver knows nothing of the cluster's zone.
		const answer = resolve(name, type, worldResolver ? {services: [], world: this.world} : view.dns);
		const rtt = answer.rcode === 'NOERROR' && !canonical.endsWith('.cluster.local.') ? 12 : 1;
		const redirect = verdict?.egress.dns;
		if (from && verdict && redirect) {
			const src = this.sourcePeer(from);
			const dnsPeer = peer;
			this.recordAllowedPacket(start, from, dnsPeer, verdict, udp, true, true);
			const request = {query: name.endsWith('.') ? name : `${name}.`, observation_source: 'proxy' as const, qtypes: [type]};
			if (!dnsQueryAllowed(redirect, canonical)) {
				this.record(this.makeFlow({at: start, node: from.node, src, dst: dnsPeer, l4: udp, kind: 'l7', verdict: 'DROPPED', direction: 'EGRESS', isReply: false, l7: {type: 'REQUEST', dns: request}, summary: dnsSummary(request, 'REQUEST')}));
				await this.waitUntil(start, 1, elapsed, options.signal);
				return {answer: {rcode: view.rejectWith, ips: [], ttl: 0}, timedOut: false, elapsedMs: 1};
			}
			this.record(this.makeFlow({at: start, node: from.node, src, dst: dnsPeer, l4: udp, kind: 'l7', verdict: 'FORWARDED', direction: 'EGRESS', isReply: false, l7: {type: 'REQUEST', dns: request}, summary: dnsSummary(request, 'REQUEST')}));
			await this.waitUntil(start, rtt, elapsed, options.signal);
			const rcode = {NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5}[answer.rcode];
			const response = {
				...request,
				...(answer.ips.length > 0 ? {ips: answer.ips} : {}),
				...(answer.rcode === 'NOERROR' && answer.ips.length > 0 ? {ttl: answer.ttl} : {}),
				...(rcode ? {rcode} : {}),
				...(answer.ips.length > 0 ? {rrtypes: [type]} : {}),
			};
			this.record(
				this.makeFlow({at: start + rtt, node: from.node, src: dnsPeer, dst: src, l4: reply, kind: 'l7', verdict: 'FORWARDED', direction: 'EGRESS', isReply: true, l7: {type: 'RESPONSE', latency_ns: String(rtt * 1_000_000), dns: response}, summary: dnsSummary(response, 'RESPONSE')}),
			);
			if (answer.rcode === 'NOERROR' && answer.ips.length > 0) {
				this.cache(from.node).learn(name, answer.ips, answer.ttl, this.happened(start + rtt), podKey(from.namespace, from.name), view.minTtl);
				this.persistFqdn();
			}
			return {answer, timedOut: false, elapsedMs: rtt};
		}
		if (from && verdict) this.recordAllowedPacket(start, from, peer, verdict, udp, true);
		await this.waitUntil(start, rtt, elapsed, options.signal);
		if (from && verdict) this.recordReply(start + rtt, from, peer, reply);
		return {answer, timedOut: false, elapsedMs: rtt};
	}

	/** getaddrinfo as musl does it in a pod: ndots:5 and the search list, A and AAAA in parallel, stop at the first non-NXDOMAIN failure. */
	async resolveHost(pod: KubeObject, host: string, options: {signal: AbortSignal; budgetMs?: number}): Promise<ResolveResult> {
		if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return {ok: true, ips: [host], elapsedMs: 0};
		if (host === 'localhost') return {ok: true, ips: ['127.0.0.1'], elapsedMs: 0};
		const namespace = pod.metadata.namespace ?? 'default';
		const dnsPolicy = podFields(pod).spec?.dnsPolicy ?? 'ClusterFirst';
		const search = dnsPolicy === 'Default' ? [] : [`${namespace}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local'];
		const dots = host.replace(/\.$/, '').split('.').length - 1;
		const candidates = host.endsWith('.') || dots >= 5 ? [host] : [...search.map((domain) => `${host}.${domain}`), host];
		let elapsedMs = 0;
		for (const candidate of candidates) {
			const left = options.budgetMs === undefined ? MUSL_QUERY_TIMEOUT_MS : Math.min(MUSL_QUERY_TIMEOUT_MS, options.budgetMs - elapsedMs);
			if (left <= 0) return {ok: false, error: 'BUDGET', elapsedMs};
			const query = {signal: options.signal, timeoutMs: left};
			const [a, aaaa] = await Promise.all([this.dnsQuery(pod, candidate, 'A', query), this.dnsQuery(pod, candidate, 'AAAA', query)]);
			elapsedMs += Math.max(a.elapsedMs, aaaa.elapsedMs);
			if (a.timedOut) return {ok: false, error: left < MUSL_QUERY_TIMEOUT_MS ? 'BUDGET' : this.view().kubeDnsIp ? 'TIMEOUT' : 'NO_SERVER', elapsedMs};
			const rcode = a.answer!.rcode;
			if (rcode === 'NXDOMAIN') continue;
			if (rcode !== 'NOERROR') return {ok: false, error: rcode, elapsedMs};
			if (a.answer!.ips.length > 0) return {ok: true, ips: a.answer!.ips, elapsedMs};
		}
		return {ok: false, error: 'NXDOMAIN', elapsedMs};
	}

	/** One ICMP echo request from a pod; resolves whether a reply came back within `timeoutMs`. */
	async icmpEcho(pod: KubeObject, ip: string, options: {signal: AbortSignal; timeoutMs: number}): Promise<{reply: boolean; rttMs: number}> {
		const view = this.view();
		const start = this.now();
		const elapsed = {ms: 0};
		const from = this.endpointOfPod(pod);
		const node = String(podFields(pod).spec?.nodeName ?? '');
		const peer = classifyIp(view, ip, from?.node ?? node, from ? this.cache(from.node) : undefined, start);
		const echo: L4 = {ICMPv4: {type: 8}};
		const verdict = from && view.ciliumRunning ? decideConnection(view.index, from, peer, {protocol: 'ICMP', port: 0, icmpType: 8}, {mode: view.mode}) : undefined;
		if (verdict && !verdict.allowed && from) {
			this.recordDeniedPacket(start, from, peer, verdict, echo);
			await this.waitUntil(start, options.timeoutMs, elapsed, options.signal);
			return {reply: false, rttMs: options.timeoutMs};
		}
		const rtt = peer.inCluster ? 0.08 : 31.4;
		// An address with nothing behind it (no pod, node or world host) sends no echo reply: the ping is lost.
		if (!peer.inCluster && peer.reserved === 'world' && !this.world.host(ip)) {
			if (from && verdict) this.recordAllowedPacket(start, from, peer, verdict, echo, true);
			await this.waitUntil(start, options.timeoutMs, elapsed, options.signal);
			return {reply: false, rttMs: options.timeoutMs};
		}
		if (from && verdict) {
			this.recordAllowedPacket(start, from, peer, verdict, echo, true);
			this.recordReply(start + Math.ceil(rtt), from, peer, {ICMPv4: {type: 0}});
		}
		await this.waitUntil(start, Math.ceil(rtt), elapsed, options.signal);
		return {reply: true, rttMs: rtt};
	}
}
