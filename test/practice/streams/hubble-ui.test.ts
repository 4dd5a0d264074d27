// The practice Hubble UI's data: the service map and the flow table built from the simulated datapath's flows,
// reached through hubble-relay (without it, the real UI's error); and the map within 1 s for 200 pods, 10,000 flows.
import {describe, expect, test} from 'vitest';
import {Datapath} from '../../../src/practice/datapath/runtime.js';
import {lookupPodProgram} from '../../../src/practice/datapath/programs/index.js';
import type {Flow} from '../../../src/practice/datapath/flows.js';
import {buildServiceMap, flowRows} from '../../../src/practice/api/streams/hubble-ui-map.js';
import {flowsResponse, RELAY_LOST, setHubbleFlowSource} from '../../../src/practice/api/streams/hubble-ui.js';
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
		const map = buildServiceMap(flows, {namespace: 'demo'});
		const client = map.nodes.find((node) => node.id === 'demo/client')!;
		expect(client).toMatchObject({kind: 'workload', namespace: 'demo', pods: ['curl'], column: 0});
		expect(map.nodes.map((node) => node.id)).toEqual(expect.arrayContaining(['kube-system/kube-dns', 'fqdn:naver.com', 'fqdn:google.com']));
		const edge = (target: string, port: number) => map.edges.find((candidate) => candidate.source === 'demo/client' && candidate.target === target && candidate.port === port);
		expect(edge('fqdn:naver.com', 443)).toMatchObject({verdict: 'dropped', forwarded: 0});
		expect(edge('fqdn:naver.com', 443)!.dropped).toBeGreaterThan(0);
		expect(edge('fqdn:google.com', 443)).toMatchObject({verdict: 'forwarded', dropped: 0});
		expect(edge('kube-system/kube-dns', 53)?.verdict).toBe('forwarded');
		expect(map.nodes.find((node) => node.id === 'fqdn:naver.com')!.column).toBeGreaterThan(0);
		// The same flows always draw the same map.
		expect(buildServiceMap(flows, {namespace: 'demo'})).toEqual(map);
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

describe('/api/flows through hubble-relay', () => {
	test('without hubble-relay: the real UI\'s relay error, 503', async () => {
		const cluster = await clusterAfterLesson05();
		setHubbleFlowSource(() => Datapath.for(cluster.ctx).allFlows());
		try {
			const response = flowsResponse(cluster.ctx, 'kube-system', new URLSearchParams({namespace: 'demo'}));
			expect(response.status).toBe(503);
			expect(response.body).toMatchObject({notification: RELAY_LOST});
			expect(JSON.stringify(response.body)).toContain('connecting to hubble-relay');
		} finally {
			setHubbleFlowSource(undefined);
		}
	});
	test('with hubble-relay running: the map and the rows as JSON', async () => {
		const cluster = await clusterAfterLesson05();
		cluster.store.apply(pod('kube-system', 'hubble-relay-9dd4d5496-j5thq', '10.0.1.50', {labels: {'k8s-app': 'hubble-relay'}, image: 'quay.io/cilium/hubble-relay:v1.16.4'}));
		cluster.store.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'hubble-relay', namespace: 'kube-system'}, spec: {selector: {'k8s-app': 'hubble-relay'}, ports: [{port: 80, targetPort: 4245}]}});
		setHubbleFlowSource(() => Datapath.for(cluster.ctx).allFlows());
		try {
			const response = flowsResponse(cluster.ctx, 'kube-system', new URLSearchParams({namespace: 'demo', verdict: 'DROPPED'}));
			expect(response.status).toBe(200);
			const text = JSON.stringify(response.body);
			expect(text).toContain('naver.com');
			expect(text).not.toContain('"verdict":"FORWARDED"');
		} finally {
			setHubbleFlowSource(undefined);
		}
	});
});

test('a namespace with 200 pods and 10,000 recent flows: map and rows well within 1 s', async () => {
	const cluster = await clusterAfterLesson05();
	const sample = Datapath.for(cluster.ctx).allFlows().filter((flow) => flow.source.pod_name === 'curl' && !flow.is_reply);
	const flows: Flow[] = [];
	for (let index = 0; index < 10_000; index++) {
		const base = sample[index % sample.length]!;
		const podIndex = index % 200;
		flows.push({...base, time: new Date(Date.parse(base.time) + index).toISOString(), source: {...base.source, pod_name: `web-${podIndex}`, labels: [`k8s:app=web-${podIndex % 40}`, 'k8s:io.kubernetes.pod.namespace=demo']}});
	}
	const started = performance.now();
	const map = buildServiceMap(flows, {namespace: 'demo'});
	const rows = flowRows(flows, {namespace: 'demo'}, 300);
	const took = performance.now() - started;
	expect(map.nodes.filter((node) => node.kind === 'workload')).toHaveLength(40);
	expect(map.nodes.reduce((sum, node) => sum + node.pods.length, 0)).toBeGreaterThanOrEqual(200);
	expect(rows).toHaveLength(300);
	expect(took).toBeLessThan(500);
});
