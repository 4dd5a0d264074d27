// The hubble-ui pod's frontend (port 8081): the practice cluster's Hubble UI. A namespace selector, the service map
// and the flow table with Hubble UI's filters, a flow's details, live while open (the page polls /api/flows).
// Flows come "through Hubble Relay" as in the real UI (its backend streams from FLOWS_API_ADDR hubble-relay:80):
// without a running hubble-relay the page shows the error the real UI shows.
import type {IncomingMessage, ServerResponse} from 'node:http';
import {gzip} from 'node:zlib';
import type {Flow} from '../../datapath/flows.js';
import {flowJson} from '../../datapath/flows.js';
import {Datapath, STREAM_REPORT_INTERVAL_MS, type ConnectResult} from '../../datapath/runtime.js';
import type {KubeObject, PracticeContext} from '../../types.js';
import {HUBBLE_UI_CSS, HUBBLE_UI_JS, RELAY_LOST} from './hubble-ui-assets.js';
import {buildServiceMap, flowRows, type MapFilter} from './hubble-ui-map.js';
import {registerPodServer} from './pod-servers.js';

/** Where the page reads flows: every node's ring, as hubble-relay merges them. */
export type HubbleFlowSource = () => readonly Flow[];

let flowSource: HubbleFlowSource | undefined;

/** The datapath registers where recent flows come from; until then the page says there are none to show. */
export function setHubbleFlowSource(source: HubbleFlowSource | undefined): void {
	flowSource = source;
}

/** The table shows the newest rows only, as the real UI keeps a bounded list. */
export const TABLE_ROWS = 300;

export {RELAY_CONNECTED, RELAY_LOST} from './hubble-ui-assets.js';

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function podPhase(pod: KubeObject): string | undefined {
	return (pod as unknown as {status?: {phase?: string}}).status?.phase;
}

function runningRelay(ctx: PracticeContext, namespace: string): KubeObject | undefined {
	return ctx.store.list('v1', 'Pod', {namespace}).find((pod) => pod.metadata.labels?.['k8s-app'] === 'hubble-relay' && podPhase(pod) === 'Running' && !pod.metadata.deletionTimestamp);
}

/** The UI backend dials hubble-relay:80 in its namespace: a Service and a Running relay pod behind it. */
function findRelay(ctx: PracticeContext, namespace: string): {relay: KubeObject} | {problem: string} {
	const service = ctx.store.list('v1', 'Service', {namespace}).find((object) => object.metadata.name === 'hubble-relay');
	if (!service) return {problem: `dial tcp: lookup hubble-relay on 10.0.0.10:53: no such host`};
	const relay = runningRelay(ctx, namespace);
	return relay ? {relay} : {problem: `dial tcp hubble-relay:80: connect: connection refused`};
}

/** The UI backend's gRPC connection to hubble-relay (its FLOWS_API_ADDR), per hubble-ui pod. */
interface RelayConnection {
	relayPod: string;
	connection: ConnectResult;
	reportedAt: number;
}
const relayConnections = new WeakMap<object, Map<string, RelayConnection>>();

/**
 * The backend's connection to the relay goes through the datapath as on a real cluster, so the map of kube-system
 * shows it: a DNS lookup of hubble-relay (an arrow to kube-dns, 53/UDP), a TCP connection to the Service's backend
 * (hubble-ui → hubble-relay, 4245/TCP), kept open (a gRPC stream) and reported again at most every
 * STREAM_REPORT_INTERVAL_MS while the page asks for flows; a new relay pod, a new connection. Says why when it cannot
 * connect (a policy dropping it: the page shows the relay lost, as the real UI would).
 */
async function connectToRelay(ctx: PracticeContext, uiPod: KubeObject, namespace: string): Promise<string | undefined> {
	const found = findRelay(ctx, namespace);
	if ('problem' in found) return found.problem;
	const {relay} = found;
	const datapath = Datapath.for(ctx);
	let connections = relayConnections.get(ctx.store);
	if (!connections) relayConnections.set(ctx.store, (connections = new Map()));
	const key = `${uiPod.metadata.namespace ?? namespace}/${uiPod.metadata.name}`;
	const known = connections.get(key);
	if (known && known.relayPod === relay.metadata.name) {
		if (datapath.now() - known.reportedAt >= STREAM_REPORT_INTERVAL_MS) {
			known.reportedAt = datapath.now();
			datapath.recordStreamPackets(uiPod, known.connection);
		}
		return undefined;
	}
	connections.delete(key);
	const signal = new AbortController().signal;
	const {host, port} = flowsApiAddr(uiPod);
	const resolved = await datapath.resolveHost(uiPod, host, {signal, budgetMs: RELAY_DIAL_TIMEOUT_MS});
	const dns = datapath.view().kubeDnsIp ?? '10.0.0.10';
	if (!resolved.ok) return `dial tcp: lookup ${host} on ${dns}:53: ${resolved.error === 'NXDOMAIN' ? 'no such host' : 'i/o timeout'}`;
	const ip = resolved.ips[0]!;
	const connection = await datapath.tcpConnect(uiPod, ip, port, {signal, budgetMs: RELAY_DIAL_TIMEOUT_MS});
	if (connection.result === 'refused') return `dial tcp ${ip}:${port}: connect: connection refused`;
	if (connection.result !== 'connected') return `dial tcp ${ip}:${port}: i/o timeout`;
	connections.set(key, {relayPod: relay.metadata.name, connection, reportedAt: datapath.now()});
	return undefined;
}

/** Where the UI backend reads flows: its FLOWS_API_ADDR (the chart's hubble-relay:80, :443 with relay TLS). */
export function flowsApiAddr(uiPod: KubeObject): {host: string; port: number} {
	const containers = (uiPod as unknown as {spec?: {containers?: Array<{env?: Array<{name: string; value?: string}>}>}}).spec?.containers ?? [];
	const value = containers.flatMap((container) => container.env ?? []).find((entry) => entry.name === 'FLOWS_API_ADDR')?.value ?? 'hubble-relay:80';
	const colon = value.lastIndexOf(':');
	const port = Number(value.slice(colon + 1));
	return colon > 0 && Number.isInteger(port) && port > 0 ? {host: value.slice(0, colon), port} : {host: value, port: 80};
}

/** The backend's failed attempts in a row to reach the relay, per hubble-ui pod (a success starts again at #1). */
const relayAttempts = new WeakMap<object, Map<string, number>>();

/** How long the backend waits for the relay each attempt (the datapath's clock: scaled by the practice speed). */
const RELAY_DIAL_TIMEOUT_MS = 1000;

/** The tab's icon, inline (the browser then asks for no /favicon.ico): a hexagon as Cilium's, in the header's colours. */
const FAVICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M16 2 28 9v14L16 30 4 23V9z" fill="#1b2a3a"/><path d="M16 9l6 3.5v7L16 23l-6-3.5v-7z" fill="#f0b429"/></svg>')}`;

// The table's headers follow hubble-ui's (cilium/hubble-ui src/components/FlowsTable/general.ts: Destination Port,
// Verdict, Timestamp); Source and Destination show pods (namespace/name) or the names/IPs of what is outside the
// cluster, and the L7 column (a DNS query, an HTTP request) is the addition to the default columns.
export function hubbleUiPage(pod: KubeObject): string {
	return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Hubble UI (practice cluster, simulated)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="${FAVICON}">
<link rel="stylesheet" href="app.css"></head>
<body>
<header><h1>Hubble UI</h1><span class="sim">practice cluster · simulated</span>
<span class="pod">Served by the cilium-lab practice cluster's simulated Hubble UI pod
<code>${escapeHtml(pod.metadata.namespace ?? 'kube-system')}/${escapeHtml(pod.metadata.name)}</code>: the flows are the simulated datapath's, not a real cluster's.</span></header>
<div id="bar">
<label>Namespace <select id="namespace"><option value="">Choose a namespace</option></select></label>
<label>Verdict <select id="verdict"><option value="">Any verdict</option><option value="FORWARDED">Forwarded</option><option value="DROPPED">Dropped</option><option value="AUDIT">Audit</option><option value="ERROR">Error</option></select></label>
<label>Pod <input id="pod" placeholder="pod name (prefix)" size="16"></label>
<label>Label <input id="label" placeholder="app=client" size="16"></label>
<span id="focus"><span id="focus-text"></span><button id="focus-clear" type="button" title="Show every flow">✕</button></span>
<span id="legend" title="As Hubble UI draws its arrows"><svg width="26" height="8"><line x1="1" y1="4" x2="25" y2="4" stroke="#ACB1B8" stroke-width="2"/></svg>forwarded
<svg width="26" height="8"><line x1="3" y1="4" x2="23" y2="4" stroke="#C50000" stroke-width="6" stroke-linecap="round"/></svg>dropped
<svg width="34" height="8"><line x1="3" y1="4" x2="31" y2="4" stroke="#C50000" stroke-width="6" stroke-dasharray="7 15" stroke-linecap="round"/></svg>some dropped</span>
<span id="live">connecting…</span>
</div>
<div id="error" role="alert"></div><div id="notice" role="status"></div>
<div id="mapwrap"><div id="zoom"><button id="zoom-out" type="button" title="Zoom out">−</button><span id="zoom-level"></span><button id="zoom-in" type="button" title="Zoom in">+</button><button id="zoom-fit" type="button" title="Show the whole map">Fit</button><button id="zoom-reset" type="button" title="Actual size">1:1</button></div>
<div id="mapbox"></div></div>
<div id="tablebox"><table>
<thead><tr><th>Source</th><th>Destination</th><th>Destination Port</th><th>L7 info</th><th>Verdict</th><th>Timestamp</th></tr></thead>
<tbody id="flows"></tbody></table>
<div style="padding:4px 8px;color:#627d98" id="count"></div></div>
<aside id="details"><button id="close" type="button">Close</button><h2>Flow details</h2><dl id="detail-fields"></dl><pre id="detail-json"></pre></aside>
<script src="app.js"></script>
</body>
</html>
`;
}

/** Answers larger than this are gzip-compressed when the browser accepts it (the map of 10,000 flows is ~500 KB). */
export const GZIP_MIN_BYTES = 8 * 1024;

function acceptsGzip(request: IncomingMessage): boolean {
	const header = request.headers['accept-encoding'];
	return (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').some((coding) => {
		const [name, ...params] = coding.trim().toLowerCase().split(';');
		return (name === 'gzip' || name === '*') && !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param));
	});
}

/** The script and stylesheet never change while the daemon runs: compressed once, at the smallest size. */
const gzipped = new Map<string, Buffer>();

/**
 * Sends a body, gzip-compressed when it is over GZIP_MIN_BYTES and the request accepts gzip (curl without
 * --compressed, as the lessons' checks run it, gets it plain). `cacheKey` names a body that never changes.
 */
function send(request: IncomingMessage, response: ServerResponse, status: number, headers: Record<string, string>, body: string, cacheKey?: string): void {
	const data = Buffer.from(body);
	if (data.length <= GZIP_MIN_BYTES) {
		response.writeHead(status, {...headers, 'Content-Length': String(data.length)});
		response.end(data);
		return;
	}
	const vary = {...headers, Vary: 'Accept-Encoding'};
	if (!acceptsGzip(request)) {
		response.writeHead(status, {...vary, 'Content-Length': String(data.length)});
		response.end(data);
		return;
	}
	const known = cacheKey ? gzipped.get(cacheKey) : undefined;
	const finish = (compressed: Buffer) => {
		response.writeHead(status, {...vary, 'Content-Encoding': 'gzip', 'Content-Length': String(compressed.length)});
		response.end(compressed);
	};
	if (known) return finish(known);
	// A poll's answer is compressed fast (level 1: ~3 ms for 450 KB); the static files once, as small as they go.
	gzip(data, {level: cacheKey ? 9 : 1}, (error, compressed) => {
		if (error) {
			response.writeHead(status, {...vary, 'Content-Length': String(data.length)});
			response.end(data);
			return;
		}
		if (cacheKey) gzipped.set(cacheKey, compressed);
		finish(compressed);
	});
}

function json(request: IncomingMessage, response: ServerResponse, status: number, body: unknown): void {
	send(request, response, status, {'Content-Type': 'application/json', 'Cache-Control': 'no-store'}, JSON.stringify(body));
}

/**
 * GET /api/flows?namespace=…&verdict=…&pod=…&label=…[&since=fingerprint]: the map and the newest table rows, through
 * the relay; `since` the fingerprint the page shows, answered {unchanged: true} while no flow has come since.
 */
export async function flowsResponse(ctx: PracticeContext, uiPod: KubeObject, params: URLSearchParams): Promise<{status: number; body: unknown}> {
	const namespace = params.get('namespace') ?? '';
	if (!namespace) return {status: 400, body: {error: 'namespace is required'}};
	const problem = await connectToRelay(ctx, uiPod, uiPod.metadata.namespace ?? 'kube-system');
	let attempts = relayAttempts.get(ctx.store);
	if (!attempts) relayAttempts.set(ctx.store, (attempts = new Map()));
	const podKey = `${uiPod.metadata.namespace ?? 'kube-system'}/${uiPod.metadata.name}`;
	if (problem) {
		// The backend's log line (backend/internal/msg/logs.go GetFlowsConnectionAttemptError), counting its retries.
		const attempt = (attempts.get(podKey) ?? 0) + 1;
		attempts.set(podKey, attempt);
		return {status: 503, body: {error: `fetching hubble flows: connecting to hubble-relay (attempt #${attempt}) failed: ${problem}`, notification: RELAY_LOST}};
	}
	attempts.delete(podKey);
	const filter: MapFilter = {namespace, verdict: params.get('verdict') || undefined, pod: params.get('pod') || undefined, label: params.get('label') || undefined};
	const flows = flowSource?.() ?? [];
	const last = flows.at(-1);
	const fingerprint = `${flows.length}:${last?.time ?? ''}:${last?.uuid ?? ''}:${JSON.stringify(filter)}`;
	if (params.get('since') === fingerprint) return {status: 200, body: {namespace, filter, fingerprint, unchanged: true}};
	const map = await buildServiceMap(flows, filter);
	const rows = flowRows(flows, filter, TABLE_ROWS).map((row) => ({...row, flow: flowJson(row.flow)}));
	return {status: 200, body: {namespace, filter, fingerprint, map, flows: rows}};
}

function serve(request: IncomingMessage, response: ServerResponse, pod: KubeObject, ctx: PracticeContext): void {
	const url = new URL(request.url ?? '/', 'http://hubble-ui');
	const path = url.pathname;
	if (path === '/' || path === '/index.html') {
		send(request, response, 200, {'Content-Type': 'text/html; charset=utf-8'}, hubbleUiPage(pod));
		return;
	}
	if (path === '/app.js') {
		send(request, response, 200, {'Content-Type': 'text/javascript; charset=utf-8'}, HUBBLE_UI_JS, path);
		return;
	}
	if (path === '/app.css') {
		send(request, response, 200, {'Content-Type': 'text/css; charset=utf-8'}, HUBBLE_UI_CSS, path);
		return;
	}
	if (path === '/api/namespaces') {
		json(request, response, 200, {namespaces: ctx.store.list('v1', 'Namespace').map((namespace) => namespace.metadata.name).sort()});
		return;
	}
	if (path === '/api/flows') {
		flowsResponse(ctx, pod, url.searchParams).then(
			({status, body}) => json(request, response, status, body),
			(error: unknown) => json(request, response, 500, {error: `drawing the service map: ${error instanceof Error ? error.message : String(error)}`}),
		);
		return;
	}
	if (path === '/healthz') {
		response.writeHead(200, {'Content-Type': 'text/plain'});
		response.end('ok\n');
		return;
	}
	response.writeHead(404, {'Content-Type': 'text/plain'});
	response.end(`${path}: not simulated by the practice cluster's Hubble UI (/, /api/namespaces and /api/flows are)\n`);
}

/** The hubble-ui pod's frontend listens on 8081, the port its Service's targetPort names. */
export function registerHubbleUi(): () => void {
	return registerPodServer({'k8s-app': 'hubble-ui'}, 8081, serve);
}
