import type {KubeObject} from '../../types.js';
import {registerPodServer} from './pod-servers.js';

/** One flow as the Hubble UI lists it, in `hubble observe`'s one-line form. */
export type FlowLines = (limit: number) => string[];

let flowSource: FlowLines | undefined;

/** The datapath registers where recent flows come from; until then the page says there are none to show. */
export function setHubbleFlowSource(source: FlowLines | undefined): void {
	flowSource = source;
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, character => `&#${character.charCodeAt(0)};`);
}

export function hubbleUiPage(pod: KubeObject): string {
	const flows = flowSource?.(100);
	const flowSection = flows === undefined
		? '<p>The practice datapath does not expose flows to this page yet. Use <code>hubble observe</code> in the terminal.</p>'
		: flows.length === 0
			? '<p>No flows yet. Run a command that sends traffic (for example <code>kubectl exec … -- curl …</code>) and reload.</p>'
			: `<pre>${flows.map(escapeHtml).join('\n')}</pre>`;
	return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Hubble UI (practice cluster, simulated)</title></head>
<body>
<h1>Hubble UI: practice cluster (simulated)</h1>
<p>This page is served by the cilium-lab practice cluster's simulated Hubble UI pod
<code>${escapeHtml(pod.metadata.namespace ?? 'kube-system')}/${escapeHtml(pod.metadata.name)}</code>.
It is not the real Hubble UI: there is no service map here, only the recent flows the simulated datapath recorded.</p>
<h2>Recent flows</h2>
${flowSection}
</body>
</html>
`;
}

/** The hubble-ui pod's frontend listens on 8081, the port its Service's targetPort names. */
export function registerHubbleUi(): () => void {
	return registerPodServer({'k8s-app': 'hubble-ui'}, 8081, (request, response, pod) => {
		const path = new URL(request.url ?? '/', 'http://hubble-ui').pathname;
		if (path === '/' || path === '/index.html') {
			response.writeHead(200, {'Content-Type': 'text/html; charset=utf-8'});
			response.end(hubbleUiPage(pod));
			return;
		}
		if (path === '/healthz') {
			response.writeHead(200, {'Content-Type': 'text/plain'});
			response.end('ok\n');
			return;
		}
		response.writeHead(404, {'Content-Type': 'text/plain'});
		response.end(`${path}: not simulated by the practice cluster's Hubble UI (only / is)\n`);
	});
}
