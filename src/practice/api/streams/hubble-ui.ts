// The hubble-ui pod's frontend (port 8081): the practice cluster's Hubble UI. A namespace selector, the service map
// and the flow table with Hubble UI's filters, a flow's details, live while open (the page polls /api/flows).
// Flows come "through Hubble Relay" as in the real UI (its backend streams from FLOWS_API_ADDR hubble-relay:80):
// without a running hubble-relay the page shows the error the real UI shows.
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Flow} from '../../datapath/flows.js';
import {flowJson} from '../../datapath/flows.js';
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

/** The UI backend dials hubble-relay:80 in its namespace: a Service and a Running relay pod behind it. */
export function relayProblem(ctx: PracticeContext, namespace: string): string | undefined {
	const service = ctx.store.list('v1', 'Service', {namespace}).find((object) => object.metadata.name === 'hubble-relay');
	if (!service) return `dial tcp: lookup hubble-relay on 10.0.0.10:53: no such host`;
	const running = ctx.store
		.list('v1', 'Pod', {namespace})
		.some((pod) => pod.metadata.labels?.['k8s-app'] === 'hubble-relay' && podPhase(pod) === 'Running' && !pod.metadata.deletionTimestamp);
	return running ? undefined : `dial tcp hubble-relay:80: connect: connection refused`;
}

// The table's headers follow hubble-ui's (cilium/hubble-ui src/components/FlowsTable/general.ts: Destination Port,
// Verdict, Timestamp); Source and Destination show pods (namespace/name) or the names/IPs of what is outside the
// cluster, and the L7 column (a DNS query, an HTTP request) is the addition to the default columns.
export function hubbleUiPage(pod: KubeObject): string {
	return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Hubble UI (practice cluster, simulated)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
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

function json(response: ServerResponse, status: number, body: unknown): void {
	response.writeHead(status, {'Content-Type': 'application/json', 'Cache-Control': 'no-store'});
	response.end(JSON.stringify(body));
}

/**
 * GET /api/flows?namespace=…&verdict=…&pod=…&label=…[&since=fingerprint]: the map and the newest table rows, through
 * the relay; `since` the fingerprint the page shows, answered {unchanged: true} while no flow has come since.
 */
export async function flowsResponse(ctx: PracticeContext, uiNamespace: string, params: URLSearchParams): Promise<{status: number; body: unknown}> {
	const namespace = params.get('namespace') ?? '';
	if (!namespace) return {status: 400, body: {error: 'namespace is required'}};
	const problem = relayProblem(ctx, uiNamespace);
	if (problem) return {status: 503, body: {error: `fetching hubble flows: connecting to hubble-relay (attempt #1) failed: ${problem}`, notification: RELAY_LOST}};
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
		response.writeHead(200, {'Content-Type': 'text/html; charset=utf-8'});
		response.end(hubbleUiPage(pod));
		return;
	}
	if (path === '/app.js') {
		response.writeHead(200, {'Content-Type': 'text/javascript; charset=utf-8'});
		response.end(HUBBLE_UI_JS);
		return;
	}
	if (path === '/app.css') {
		response.writeHead(200, {'Content-Type': 'text/css; charset=utf-8'});
		response.end(HUBBLE_UI_CSS);
		return;
	}
	if (path === '/api/namespaces') {
		json(response, 200, {namespaces: ctx.store.list('v1', 'Namespace').map((namespace) => namespace.metadata.name).sort()});
		return;
	}
	if (path === '/api/flows') {
		flowsResponse(ctx, pod.metadata.namespace ?? 'kube-system', url.searchParams).then(
			({status, body}) => json(response, status, body),
			(error: unknown) => json(response, 500, {error: `drawing the service map: ${error instanceof Error ? error.message : String(error)}`}),
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
