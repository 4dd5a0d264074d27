// Pure check logic over objects the checks fetched: no client-node, no I/O, tested on fixtures.
import {msg, type MessageKey} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';

export type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// ── rollout ──────────────────────────────────────────────────────────────────────────────────────────────────

export interface RolloutState {
	desired: number;
	ready: number;
	updated: number;
	available: number;
	/** The controller has seen the latest spec. */
	observed: boolean;
	done: boolean;
}

/** What `kubectl rollout status` waits for, for a DaemonSet or a Deployment. */
export function rolloutState(object: Loose, kind: 'DaemonSet' | 'Deployment'): RolloutState {
	const status = object.status ?? {};
	const observed = (status.observedGeneration ?? 0) >= (object.metadata?.generation ?? 0);
	if (kind === 'DaemonSet') {
		const desired = status.desiredNumberScheduled ?? 0;
		const updated = status.updatedNumberScheduled ?? 0;
		const available = status.numberAvailable ?? 0;
		const ready = status.numberReady ?? 0;
		return {desired, ready, updated, available, observed, done: observed && desired > 0 && updated >= desired && available >= desired};
	}
	const desired = object.spec?.replicas ?? 1;
	const updated = status.updatedReplicas ?? 0;
	const available = status.availableReplicas ?? 0;
	const ready = status.readyReplicas ?? 0;
	const total = status.replicas ?? 0;
	return {desired, ready, updated, available, observed, done: observed && updated >= desired && total <= updated && available >= updated};
}

// ── nodes ────────────────────────────────────────────────────────────────────────────────────────────────────

export function nodeReady(node: Loose): boolean {
	return (node.status?.conditions ?? []).some((condition: Loose) => condition.type === 'Ready' && condition.status === 'True');
}

export interface NodesVerdict {
	ok: boolean;
	total: number;
	ready: number;
	problems: string[];
}

export function nodesVerdict(nodes: Loose[], params: {count?: number; minCount?: number; ready?: boolean}, lang: Lang): NodesVerdict {
	const ready = nodes.filter(nodeReady).length;
	const total = nodes.length;
	const problems: string[] = [];
	if (params.count !== undefined && total !== params.count) problems.push(msg(lang, 'check.nodes.count', {count: params.count, total}));
	if (params.minCount !== undefined && total < params.minCount) problems.push(msg(lang, 'check.nodes.min-count', {count: params.minCount, total}));
	if (params.count === undefined && params.minCount === undefined && total === 0) problems.push(msg(lang, 'check.nodes.none'));
	const notReady = nodes.filter(node => !nodeReady(node)).map(node => node.metadata?.name as string);
	const readyNames = nodes.filter(nodeReady).map(node => node.metadata?.name as string);
	if (params.ready === true && notReady.length > 0) problems.push(msg(lang, 'check.nodes.not-ready', {nodes: notReady.join(', ')}));
	if (params.ready === false && readyNames.length > 0) problems.push(msg(lang, 'check.nodes.ready', {nodes: readyNames.join(', ')}));
	return {ok: problems.length === 0, total, ready, problems};
}

// ── pods ─────────────────────────────────────────────────────────────────────────────────────────────────────

export function podReady(pod: Loose): boolean {
	if (pod.metadata?.deletionTimestamp) return false;
	return (pod.status?.conditions ?? []).some((condition: Loose) => condition.type === 'Ready' && condition.status === 'True');
}

/** Why a pod is not ready, in the words `kubectl get pods` uses (ImagePullBackOff, CrashLoopBackOff, Pending…). */
export function podNotReadyReason(pod: Loose): string {
	if (pod.metadata?.deletionTimestamp) return 'Terminating';
	for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
		const reason = status.state?.waiting?.reason ?? status.state?.terminated?.reason;
		if (reason) return reason;
	}
	return pod.status?.phase ?? 'Pending';
}

export interface PodsVerdict {
	ok: boolean;
	total: number;
	ready: number;
	notReady: Array<{name: string; reason: string}>;
}

/** Without `count`: at least one pod and every one Ready. With `count`: at least that many Ready. */
export function podsVerdict(pods: Loose[], count?: number): PodsVerdict {
	const live = pods.filter(pod => !pod.metadata?.deletionTimestamp);
	const ready = live.filter(podReady).length;
	const notReady = live.filter(pod => !podReady(pod)).map(pod => ({name: pod.metadata?.name as string, reason: podNotReadyReason(pod)}));
	const ok = count === undefined ? live.length > 0 && notReady.length === 0 : ready >= count;
	return {ok, total: live.length, ready, notReady};
}

/** The first Running, Ready pod (where a command can be executed), else the first Running one. */
export function pickPod(pods: Loose[]): Loose | undefined {
	const running = pods.filter(pod => pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp);
	return running.find(podReady) ?? running[0];
}

// ── resource match ───────────────────────────────────────────────────────────────────────────────────────────

/**
 * A dot path into an object: `spec.replicas`, `spec.egress.0.toFQDNs.0.matchName`, and `\.` for a dot inside a
 * key (`metadata.labels.app\.kubernetes\.io/name`).
 */
export function getPath(object: unknown, dotPath: string): unknown {
	const segments = dotPath.split(/(?<!\\)\./).map(segment => segment.replace(/\\\./g, '.'));
	let current: unknown = object;
	for (const segment of segments) {
		if (current === null || current === undefined) return undefined;
		if (Array.isArray(current)) {
			const index = /^\d+$/.test(segment) ? Number(segment) : Number.NaN;
			current = Number.isNaN(index) ? undefined : current[index];
		} else if (typeof current === 'object') current = (current as Record<string, unknown>)[segment];
		else return undefined;
	}
	return current;
}

export interface Mismatch {
	path: string;
	expected: unknown;
	seen: unknown;
}

/** A value of `null` means the field must be absent. Numbers and strings compare loosely ("3" matches 3). */
export function matchObject(object: unknown, match: Record<string, unknown>): Mismatch[] {
	const mismatches: Mismatch[] = [];
	for (const [path, expected] of Object.entries(match)) {
		const seen = getPath(object, path);
		const same = expected === null ? seen === undefined || seen === null : seen !== undefined && seen !== null && (typeof seen === 'object' ? false : String(seen) === String(expected));
		if (!same) mismatches.push({path, expected, seen});
	}
	return mismatches;
}

export function show(value: unknown): string {
	if (value === undefined) return '(absent)';
	return JSON.stringify(value);
}

// ── egress ───────────────────────────────────────────────────────────────────────────────────────────────────

export type EgressVerdict = 'allowed' | 'blocked' | 'dnsRefused' | 'other';

/** What a `curl -sS -o /dev/null -m T URL` exit code says about the connection. */
export function egressVerdict(curlExitCode: number): EgressVerdict {
	switch (curlExitCode) {
		case 0:
			return 'allowed'; // an HTTP answer came, whatever its status
		case 7: // could not connect (refused)
		case 28: // timed out: a policy drop looks like this
			return 'blocked';
		case 6: // could not resolve the host: the DNS proxy refused the name
			return 'dnsRefused';
		default:
			return 'other';
	}
}

const CURL_EXIT_MEANINGS: Record<number, MessageKey> = {
	0: 'check.curl.exit-0',
	6: 'check.curl.exit-6',
	7: 'check.curl.exit-7',
	28: 'check.curl.exit-28',
	35: 'check.curl.exit-35',
	52: 'check.curl.exit-52',
	56: 'check.curl.exit-56',
	127: 'check.curl.exit-127',
};

export function curlExitMeaning(code: number, lang: Lang): string {
	const meaning = CURL_EXIT_MEANINGS[code];
	return `${msg(lang, 'check.curl.exit', {code})}${meaning ? ` (${msg(lang, meaning)})` : ''}`;
}

// ── hubble flows ─────────────────────────────────────────────────────────────────────────────────────────────

/** The flows in `hubble observe -o json` output: one GetFlowsResponse {"flow": …} per line. */
export function parseHubbleJson(text: string): Loose[] {
	const flows: Loose[] = [];
	for (const line of text.split('\n')) {
		const trimmed = line.trim();
		if (!trimmed.startsWith('{')) continue;
		try {
			const parsed = JSON.parse(trimmed) as Loose;
			if (parsed.flow) flows.push(parsed.flow);
		} catch {
			// A line cut by the output limit; the others still count.
		}
	}
	return flows;
}

export interface FlowQuery {
	verdict: string;
	/** An FQDN (matched against destination_names) or an IP (matched against IP.destination). */
	to?: string;
	port?: number;
	namespace?: string;
}

const isIp = (text: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(text) || text.includes(':');
const normalName = (name: string) => name.toLowerCase().replace(/\.$/, '');

export function flowPort(flow: Loose): number | undefined {
	const l4 = flow.l4 ?? {};
	return l4.TCP?.destination_port ?? l4.UDP?.destination_port ?? l4.SCTP?.destination_port;
}

export function flowMatches(flow: Loose, query: FlowQuery): boolean {
	if (flow.verdict !== query.verdict) return false;
	if (query.port !== undefined && flowPort(flow) !== query.port) return false;
	if (query.namespace !== undefined && flow.source?.namespace !== query.namespace && flow.destination?.namespace !== query.namespace) return false;
	if (query.to !== undefined) {
		if (isIp(query.to)) return flow.IP?.destination === query.to;
		const wanted = normalName(query.to);
		const names: string[] = flow.destination_names ?? [];
		const dnsQuery: string | undefined = flow.l7?.dns?.query;
		return names.some(name => normalName(name) === wanted) || (dnsQuery !== undefined && normalName(dnsQuery) === wanted);
	}
	return true;
}

/** One line about a flow, close to hubble's compact output. */
export function describeFlow(flow: Loose): string {
	const from = flow.source?.pod_name ? `${flow.source.namespace}/${flow.source.pod_name}` : (flow.IP?.source ?? '?');
	const to = flow.destination_names?.[0] ?? (flow.destination?.pod_name ? `${flow.destination.namespace}/${flow.destination.pod_name}` : (flow.IP?.destination ?? '?'));
	const port = flowPort(flow);
	return `${from} -> ${to}${port ? `:${port}` : ''} ${flow.verdict}${flow.drop_reason_desc ? ` (${flow.drop_reason_desc})` : ''}`;
}
