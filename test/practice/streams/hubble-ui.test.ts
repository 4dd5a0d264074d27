// The practice Hubble UI's data: the service map and the flow table built from the simulated datapath's flows,
// reached through hubble-relay (without it, the real UI's error); the layout dagre gives it, also for 200 workloads
// and 10,000 flows (how fast: bench/hubble-ui.mjs).
import {describe, expect, test} from 'vitest';
import {Datapath} from '../../../src/practice/datapath/runtime.js';
import {lookupPodProgram} from '../../../src/practice/datapath/programs/index.js';
import type {Flow} from '../../../src/practice/datapath/flows.js';
import {ARROW_GREY, ARROW_RED, arrowStyle, buildServiceMap, flowRows, NODE_HEIGHT, NODE_WIDTH, type Point, type ServiceMap} from '../../../src/practice/api/streams/hubble-ui-map.js';
import {flowsApiAddr, flowsResponse, RELAY_LOST, setHubbleFlowSource} from '../../../src/practice/api/streams/hubble-ui.js';
import {ALLOW_DNS_DOC, ALLOW_DOMAINS_DOC, aksCluster, captureIo, pod} from '../datapath/fixtures.js';

async function clusterAfterLesson05() {
	const cluster = aksCluster();
	cluster.store.apply(ALLOW_DNS_DOC);
	cluster.store.apply(ALLOW_DOMAINS_DOC);
	const curlPod = cluster.store.get('v1', 'Pod', 'demo', 'curl')!;
	for (const url of ['https://naver.com', 'https://google.com'])
		await lookupPodProgram('curl', curlPod)!(['curl', '-s', '-m', '2', url], captureIo(), curlPod, cluster.ctx);
	return cluster;
}

describe('the service map', () => {
	test('demo/curl (app=client) with a dropped arrow to naver.com, a forwarded one to google.com, DNS to kube-dns', async () => {
		const cluster = await clusterAfterLesson05();
		const flows = Datapath.for(cluster.ctx).allFlows();
		const map = await buildServiceMap(flows, {namespace: 'demo'});
		const client = map.nodes.find((node) => node.id === 'demo/client')!;
		expect(client).toMatchObject({kind: 'workload', namespace: 'demo', pods: ['curl'], column: 0});
		expect(map.nodes.map((node) => node.id)).toEqual(expect.arrayContaining(['kube-system/kube-dns', 'fqdn:naver.com', 'fqdn:google.com']));
		const edge = (target: string, port: number) => map.edges.find((candidate) => candidate.source === 'demo/client' && candidate.target === target && candidate.port === port);
		expect(edge('fqdn:naver.com', 443)).toMatchObject({verdicts: ['DROPPED'], style: {color: ARROW_RED, abnormal: true, dash: null, width: 6}, forwarded: 0});
		expect(edge('fqdn:naver.com', 443)!.dropped).toBeGreaterThan(0);
		expect(edge('fqdn:google.com', 443)).toMatchObject({verdicts: ['FORWARDED'], style: {color: ARROW_GREY, abnormal: false, dash: null, width: 2}, dropped: 0});
		expect(edge('kube-system/kube-dns', 53)?.style.abnormal).toBe(false);
		expect(map.nodes.find((node) => node.id === 'fqdn:naver.com')!.column).toBeGreaterThan(0);
		// The same flows always draw the same map.
		expect(await buildServiceMap(flows, {namespace: 'demo'})).toEqual(map);
	});
	// cilium/hubble-ui v0.13.1 src/components/ServiceMapArrowRenderer/helpers.ts (innerArrows: strokeColor from
	// AccessPointArrow.hasAbnormalVerdict, strokeStyle '7 15', strokeWidth feetInnerWidthThick) and src/ui/vars.ts.
	test('arrow colour, dash and width follow hubble-ui v0.13.1 helpers.ts', () => {
		expect(arrowStyle(['FORWARDED'])).toEqual({color: '#ACB1B8', abnormal: false, dash: null, width: 2});
		expect(arrowStyle(['DROPPED'])).toEqual({color: '#C50000', abnormal: true, dash: null, width: 6});
		expect(arrowStyle(['DROPPED', 'FORWARDED'])).toEqual({color: '#C50000', abnormal: true, dash: '7 15', width: 6});
		// An error is abnormal (red) but not a drop: thin, and not dashed even beside forwarded flows.
		expect(arrowStyle(['ERROR'])).toEqual({color: '#C50000', abnormal: true, dash: null, width: 2});
		expect(arrowStyle(['ERROR', 'FORWARDED'])).toEqual({color: '#C50000', abnormal: true, dash: null, width: 2});
		expect(arrowStyle(['AUDIT', 'FORWARDED'])).toEqual({color: '#ACB1B8', abnormal: false, dash: null, width: 2});
	});
	test('an arrow with dropped and forwarded flows is red and dashed', async () => {
		const cluster = await clusterAfterLesson05();
		const flows = Datapath.for(cluster.ctx).allFlows();
		// The same client's forwarded flows to google.com, re-addressed to naver.com: one arrow, both verdicts.
		const renamed = flows.map((flow) => (flow.destination_names?.includes('google.com') ? {...flow, destination_names: ['naver.com']} : flow));
		const map = await buildServiceMap(renamed, {namespace: 'demo'});
		const mixed = map.edges.find((candidate) => candidate.id === 'demo/client->fqdn:naver.com:443/TCP')!;
		expect(mixed.forwarded).toBeGreaterThan(0);
		expect(mixed.dropped).toBeGreaterThan(0);
		expect(mixed).toMatchObject({verdicts: ['DROPPED', 'FORWARDED'], style: {color: ARROW_RED, dash: '7 15', width: 6}});
	});
	test('the table: newest first, with the DNS query as L7 info; verdict, pod and label filters', async () => {
		const cluster = await clusterAfterLesson05();
		const flows = Datapath.for(cluster.ctx).allFlows();
		const rows = flowRows(flows, {namespace: 'demo'}, 1000);
		expect(rows.length).toBeGreaterThan(0);
		expect(rows[0]!.time >= rows.at(-1)!.time).toBe(true);
		expect(rows.some((row) => row.l7.includes('DNS Query naver.com.'))).toBe(true);
		const dropped = flowRows(flows, {namespace: 'demo', verdict: 'DROPPED'}, 1000);
		expect(dropped.length).toBeGreaterThan(0);
		expect(dropped.every((row) => row.verdict === 'DROPPED' && row.destination.includes('naver.com'))).toBe(true);
		expect(flowRows(flows, {namespace: 'demo', pod: 'curl'}, 1000)).toHaveLength(rows.length);
		expect(flowRows(flows, {namespace: 'demo', pod: 'nginx'}, 1000)).toHaveLength(0);
		expect(flowRows(flows, {namespace: 'demo', label: 'app=client'}, 1000)).toHaveLength(rows.length);
		expect(flowRows(flows, {namespace: 'demo', label: 'app=server'}, 1000)).toHaveLength(0);
		expect(flowRows(flows, {namespace: 'default'}, 1000)).toHaveLength(0);
	});
});

const UI_POD = pod('kube-system', 'hubble-ui-6f48889749-x2x7k', '10.0.1.60', {labels: {'k8s-app': 'hubble-ui'}, image: 'quay.io/cilium/hubble-ui-backend:v0.13.1'});

/** Lesson 05's cluster with the chart's hubble-relay (Service port 80 → grpc 4245) and the hubble-ui pod. */
async function clusterWithRelay() {
	const cluster = await clusterAfterLesson05();
	cluster.store.apply(pod('kube-system', 'hubble-relay-9dd4d5496-j5thq', '10.0.1.50', {labels: {'k8s-app': 'hubble-relay'}, image: 'quay.io/cilium/hubble-relay:v1.16.4', ports: [{containerPort: 4245, name: 'grpc'}]}));
	cluster.store.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'hubble-relay', namespace: 'kube-system'}, spec: {clusterIP: '10.0.77.20', selector: {'k8s-app': 'hubble-relay'}, ports: [{protocol: 'TCP', port: 80, targetPort: 'grpc'}]}});
	cluster.store.apply(UI_POD);
	return cluster;
}

describe('/api/flows through hubble-relay', () => {
	test('the UI\'s own traffic: hubble-ui looks up hubble-relay and holds a connection to it, drawn in kube-system', async () => {
		const cluster = await clusterWithRelay();
		const datapath = Datapath.for(cluster.ctx);
		setHubbleFlowSource(() => datapath.allFlows());
		try {
			const first = await flowsResponse(cluster.ctx, UI_POD, new URLSearchParams({namespace: 'kube-system'}));
			expect(first.status).toBe(200);
			const map = (first.body as {map: ServiceMap}).map;
			const edge = (id: string) => map.edges.find((candidate) => candidate.id === id);
			// The Service's port 80 reaches the relay's grpc port, 4245, as Hubble shows the translated flow.
			expect(edge('kube-system/hubble-ui->kube-system/hubble-relay:4245/TCP')).toMatchObject({verdicts: ['FORWARDED'], style: {abnormal: false}});
			// Its lookup of hubble-relay first (no DNS policy in kube-system: L3/L4 flows only, no DNS query shown).
			expect(edge('kube-system/hubble-ui->kube-system/kube-dns:53/UDP')?.forwarded).toBeGreaterThan(0);
			// One connection while the relay pod stays: polls within cilium-config's monitor-aggregation-interval (5 s)
			// add no flow, the next one reports the stream once more (ACK|PSH each way).
			const count = datapath.allFlows().length;
			const {fingerprint} = first.body as {fingerprint: string};
			expect((await flowsResponse(cluster.ctx, UI_POD, new URLSearchParams({namespace: 'kube-system', since: fingerprint}))).body).toMatchObject({unchanged: true});
			expect(datapath.allFlows().length).toBe(count);
			cluster.clock.current += 5000;
			await flowsResponse(cluster.ctx, UI_POD, new URLSearchParams({namespace: 'kube-system'}));
			const added = datapath.allFlows().slice(count);
			expect(added.map((flow) => [flow.source.pod_name, flow.destination.pod_name, (flow.l4 as {TCP: {flags: object}}).TCP.flags])).toEqual([
				['hubble-ui-6f48889749-x2x7k', 'hubble-relay-9dd4d5496-j5thq', {ACK: true, PSH: true}],
				['hubble-relay-9dd4d5496-j5thq', 'hubble-ui-6f48889749-x2x7k', {ACK: true, PSH: true}],
			]);
		} finally {
			setHubbleFlowSource(undefined);
		}
	});
	test('the backend dials its FLOWS_API_ADDR (the chart sets hubble-relay:80): a port the relay Service lacks is the relay lost', async () => {
		const cluster = await clusterWithRelay();
		setHubbleFlowSource(() => Datapath.for(cluster.ctx).allFlows());
		const withAddr = (value: string) => ({...UI_POD, metadata: {...UI_POD.metadata, name: `hubble-ui-${value.replace(/\W/g, '')}`}, spec: {containers: [{name: 'backend', image: 'quay.io/cilium/hubble-ui-backend:v0.13.1', env: [{name: 'FLOWS_API_ADDR', value}]}]}});
		try {
			for (const value of ['hubble-relay:80', 'hubble-relay:443']) cluster.store.apply(withAddr(value));
			expect(flowsApiAddr(withAddr('hubble-relay:443'))).toEqual({host: 'hubble-relay', port: 443});
			expect(flowsApiAddr(UI_POD)).toEqual({host: 'hubble-relay', port: 80});
			expect((await flowsResponse(cluster.ctx, withAddr('hubble-relay:80'), new URLSearchParams({namespace: 'demo'}))).status).toBe(200);
			const lost = await flowsResponse(cluster.ctx, withAddr('hubble-relay:443'), new URLSearchParams({namespace: 'demo'}));
			expect(lost.status).toBe(503);
			expect(lost.body).toMatchObject({notification: RELAY_LOST});
			expect((lost.body as {error: string}).error).toMatch(/dial tcp 10\.0\.77\.20:443: i\/o timeout$/);
		} finally {
			setHubbleFlowSource(undefined);
		}
	});
	test('without hubble-relay: the real UI\'s relay error, 503', async () => {
		const cluster = await clusterAfterLesson05();
		setHubbleFlowSource(() => Datapath.for(cluster.ctx).allFlows());
		try {
			const response = await flowsResponse(cluster.ctx, UI_POD, new URLSearchParams({namespace: 'demo'}));
			expect(response.status).toBe(503);
			expect(response.body).toMatchObject({notification: RELAY_LOST});
			// hubble-ui v0.13.1 backend/internal/msg/logs.go GetFlowsConnectionAttemptError, its attempts counted.
			expect((response.body as {error: string}).error).toBe('fetching hubble flows: connecting to hubble-relay (attempt #1) failed: dial tcp: lookup hubble-relay on 10.0.0.10:53: no such host');
			const again = await flowsResponse(cluster.ctx, UI_POD, new URLSearchParams({namespace: 'demo'}));
			expect((again.body as {error: string}).error).toMatch(/^fetching hubble flows: connecting to hubble-relay \(attempt #2\) failed: /);
		} finally {
			setHubbleFlowSource(undefined);
		}
	});
	test('with hubble-relay running: the map and the rows as JSON', async () => {
		const cluster = await clusterWithRelay();
		setHubbleFlowSource(() => Datapath.for(cluster.ctx).allFlows());
		try {
			const response = await flowsResponse(cluster.ctx, UI_POD, new URLSearchParams({namespace: 'demo', verdict: 'DROPPED'}));
			expect(response.status).toBe(200);
			const text = JSON.stringify(response.body);
			expect(text).toContain('naver.com');
			expect(text).not.toContain('"verdict":"FORWARDED"');
			// The page's poll with the fingerprint it shows: unchanged until a new flow comes.
			const {fingerprint} = response.body as {fingerprint: string};
			const poll = () => flowsResponse(cluster.ctx, UI_POD, new URLSearchParams({namespace: 'demo', verdict: 'DROPPED', since: fingerprint}));
			expect((await poll()).body).toMatchObject({unchanged: true, fingerprint});
			const curlPod = cluster.store.get('v1', 'Pod', 'demo', 'curl')!;
			await lookupPodProgram('curl', curlPod)!(['curl', '-s', '-m', '2', 'https://naver.com'], captureIo(), curlPod, cluster.ctx);
			const after = (await poll()).body as {unchanged?: boolean; fingerprint: string; map: {edges: Array<{id: string; dropped: number}>}};
			expect(after.unchanged).toBeUndefined();
			expect(after.fingerprint).not.toBe(fingerprint);
			const before = (response.body as typeof after).map.edges.find((edge) => edge.id === 'demo/client->fqdn:naver.com:443/TCP')!.dropped;
			expect(after.map.edges.find((edge) => edge.id === 'demo/client->fqdn:naver.com:443/TCP')!.dropped).toBeGreaterThan(before);
		} finally {
			setHubbleFlowSource(undefined);
		}
	});
});

/** Boxes of the map that overlap (dagre must keep them apart). */
function overlapping(map: ServiceMap): string[] {
	const found: string[] = [];
	for (const [index, a] of map.nodes.entries())
		for (const b of map.nodes.slice(index + 1))
			if (a.x < b.x + NODE_WIDTH && b.x < a.x + NODE_WIDTH && a.y < b.y + NODE_HEIGHT && b.y < a.y + NODE_HEIGHT) found.push(`${a.id} × ${b.id}`);
	return found;
}

/** Whether a point lies on the border of a box (dagre starts and ends its routes there), within a pixel of rounding. */
function onBorder(point: Point, box: {x: number; y: number}): boolean {
	const inside = point.x >= box.x - 1 && point.x <= box.x + NODE_WIDTH + 1 && point.y >= box.y - 1 && point.y <= box.y + NODE_HEIGHT + 1;
	const nearEdge = Math.min(Math.abs(point.x - box.x), Math.abs(point.x - box.x - NODE_WIDTH), Math.abs(point.y - box.y), Math.abs(point.y - box.y - NODE_HEIGHT)) <= 1.5;
	return inside && nearEdge;
}

describe('the layout (dagre)', () => {
	test('lesson 05\'s map: client left of what it sends to, no boxes overlapping, each arrow routed from its box to the other', async () => {
		const cluster = await clusterAfterLesson05();
		const map = await buildServiceMap(Datapath.for(cluster.ctx).allFlows(), {namespace: 'demo'});
		const byId = new Map(map.nodes.map((node) => [node.id, node]));
		expect(overlapping(map)).toEqual([]);
		for (const node of map.nodes) {
			expect(node.x + NODE_WIDTH).toBeLessThanOrEqual(map.width);
			expect(node.y + NODE_HEIGHT).toBeLessThanOrEqual(map.height);
		}
		for (const edge of map.edges) {
			const source = byId.get(edge.source)!;
			const target = byId.get(edge.target)!;
			expect(edge.points.length, edge.id).toBeGreaterThanOrEqual(2);
			expect(onBorder(edge.points[0]!, source), `${edge.id} starts on ${edge.source}`).toBe(true);
			expect(onBorder(edge.points.at(-1)!, target), `${edge.id} ends on ${edge.target}`).toBe(true);
		}
		const client = byId.get('demo/client')!;
		for (const target of ['fqdn:naver.com', 'fqdn:google.com', 'kube-system/kube-dns']) expect(byId.get(target)!.x).toBeGreaterThan(client.x + NODE_WIDTH);
		// Each arrow's label where dagre made room for it (an edge label, labelpos 'l'): above its arrow, off every box.
		for (const edge of map.edges) {
			expect(edge.label, edge.id).toBeDefined();
			const {x, y} = edge.label!;
			expect(map.nodes.filter((node) => x > node.x && x < node.x + NODE_WIDTH && y > node.y && y < node.y + NODE_HEIGHT).map((node) => node.id), edge.id).toEqual([]);
			expect(y, edge.id).toBeLessThan(Math.max(...edge.points.map((point) => point.y)));
		}
	});

	test('200 workloads and 10,000 flows: 200 boxes apart from one another, 300 rows, the same layout for the same shape', async () => {
		const cluster = await clusterAfterLesson05();
		const sample = Datapath.for(cluster.ctx).allFlows().filter((flow) => flow.source.pod_name === 'curl' && !flow.is_reply);
		const flows: Flow[] = [];
		for (let index = 0; index < 10_000; index++) {
			const base = sample[index % sample.length]!;
			const podIndex = index % 200;
			flows.push({...base, time: new Date(Date.parse(base.time) + index).toISOString(), source: {...base.source, pod_name: `web-${podIndex}`, labels: [`k8s:app=web-${podIndex}`, 'k8s:io.kubernetes.pod.namespace=demo']}});
		}
		const map = await buildServiceMap(flows, {namespace: 'demo'});
		expect(map.nodes.filter((node) => node.kind === 'workload')).toHaveLength(200);
		expect(map.nodes.filter((node) => node.column === 0)).toHaveLength(200);
		expect(overlapping(map)).toEqual([]);
		// The 200 senders are wrapped into a block wider than tall (one column would be 22,000 px), their targets right of it.
		expect(map.height).toBeLessThan(map.width);
		const senders = map.nodes.filter((node) => node.kind === 'workload');
		const rightmostSender = Math.max(...senders.map((node) => node.x + NODE_WIDTH));
		for (const target of map.nodes.filter((node) => node.kind !== 'workload')) expect(target.x, target.id).toBeGreaterThan(rightmostSender);
		expect(senders.slice(0, 3).map((node) => node.title)).toEqual(['web-0', 'web-1', 'web-2']);
		expect(map.edges.every((edge) => edge.points.length >= 2)).toBe(true);
		expect(flowRows(flows, {namespace: 'demo'}, 300)).toHaveLength(300);
		// One more flow on an arrow that exists: counts change, the boxes stay where they were.
		const again = await buildServiceMap([...flows, {...flows[0]!, time: new Date(Date.parse(flows.at(-1)!.time) + 1).toISOString()}], {namespace: 'demo'});
		expect(again.nodes.map((node) => [node.id, node.x, node.y])).toEqual(map.nodes.map((node) => [node.id, node.x, node.y]));
		expect(again.flowCount).toBe(map.flowCount + 1);
	});
});
