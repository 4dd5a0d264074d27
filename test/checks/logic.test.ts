import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {curlExitMeaning, describeFlow, egressVerdict, flowMatches, getPath, matchObject, nodesVerdict, parseHubbleJson, podsVerdict, rolloutState} from '../../src/checks/logic.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const node = (name: string, ready: boolean) => ({metadata: {name}, status: {conditions: [{type: 'Ready', status: ready ? 'True' : 'False'}]}});
const pod = (name: string, ready: boolean, extra: Record<string, unknown> = {}) => ({
	metadata: {name, ...extra},
	status: {phase: ready ? 'Running' : 'Pending', conditions: [{type: 'Ready', status: ready ? 'True' : 'False'}], containerStatuses: ready ? [] : [{state: {waiting: {reason: 'ImagePullBackOff'}}}]},
});

describe('rolloutState', () => {
	it('a DaemonSet with one pod not yet available is not rolled out: 2/3 ready', () => {
		const state = rolloutState(JSON.parse(fixture('cilium-daemonset-rolling.json')), 'DaemonSet');
		expect(state).toEqual({desired: 3, ready: 2, updated: 3, available: 2, observed: true, done: false});
	});

	it('is rolled out once every pod is updated and available', () => {
		const ds = JSON.parse(fixture('cilium-daemonset-rolling.json'));
		ds.status.numberAvailable = 3;
		ds.status.numberReady = 3;
		expect(rolloutState(ds, 'DaemonSet').done).toBe(true);
		ds.metadata.generation = 3; // a change the controller has not seen yet
		expect(rolloutState(ds, 'DaemonSet').done).toBe(false);
	});

	it('a Deployment waits for the old replicas to go', () => {
		const deployment = {metadata: {generation: 1}, spec: {replicas: 2}, status: {observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2}};
		expect(rolloutState(deployment, 'Deployment').done).toBe(false);
		deployment.status.replicas = 2;
		expect(rolloutState(deployment, 'Deployment')).toMatchObject({done: true, ready: 2, desired: 2});
	});
});

describe('nodesVerdict', () => {
	const nodes = [node('aks-0', true), node('aks-1', false)];
	it('names the nodes that are not as expected', () => {
		expect(nodesVerdict(nodes, {ready: true}, 'en')).toMatchObject({ok: false, total: 2, ready: 1, problems: ['not Ready: aks-1']});
		expect(nodesVerdict(nodes, {ready: false}, 'ko').problems).toEqual(['NotReady여야 하지만 Ready인 노드: aks-0']);
		expect(nodesVerdict(nodes, {count: 3}, 'en').problems).toEqual(['expected 3 nodes, found 2']);
		expect(nodesVerdict(nodes, {minCount: 2}, 'en').ok).toBe(true);
		expect(nodesVerdict([], {}, 'en').ok).toBe(false);
	});
});

describe('podsVerdict', () => {
	it('needs at least one pod and all of them Ready, or `count` Ready', () => {
		expect(podsVerdict([pod('a', true), pod('b', false)])).toEqual({ok: false, total: 2, ready: 1, notReady: [{name: 'b', reason: 'ImagePullBackOff'}]});
		expect(podsVerdict([pod('a', true), pod('b', false)], 1).ok).toBe(true);
		expect(podsVerdict([]).ok).toBe(false);
		expect(podsVerdict([pod('a', true, {deletionTimestamp: '2024-01-01T00:00:00Z'})]).ok).toBe(false);
	});
});

describe('getPath and matchObject', () => {
	const cnp = {
		metadata: {name: 'allow-github', labels: {'app.kubernetes.io/name': 'demo'}},
		spec: {egress: [{toFQDNs: [{matchName: 'api.github.com'}], toPorts: [{ports: [{port: '443'}]}]}]},
	};
	it('walks dot paths, array indexes and escaped dots', () => {
		expect(getPath(cnp, 'spec.egress.0.toFQDNs.0.matchName')).toBe('api.github.com');
		expect(getPath(cnp, 'metadata.labels.app\\.kubernetes\\.io/name')).toBe('demo');
		expect(getPath(cnp, 'spec.egress.5.toFQDNs')).toBeUndefined();
		expect(getPath(cnp, 'spec.egress.x')).toBeUndefined();
	});
	it('reports what differs; numbers match their text, null means absent', () => {
		expect(matchObject(cnp, {'spec.egress.0.toPorts.0.ports.0.port': 443, 'spec.ingress': null})).toEqual([]);
		expect(matchObject(cnp, {'spec.egress.0.toFQDNs.0.matchName': 'example.com'})).toEqual([{path: 'spec.egress.0.toFQDNs.0.matchName', expected: 'example.com', seen: 'api.github.com'}]);
		expect(matchObject(cnp, {'spec.egress': 'x'})).toHaveLength(1); // an object never equals a scalar
	});
});

describe('egress verdict from curl exit codes', () => {
	it('tells 0, 6, 7 and 28 apart', () => {
		expect([0, 6, 7, 28, 35].map(egressVerdict)).toEqual(['allowed', 'dnsRefused', 'blocked', 'blocked', 'other']);
		expect(curlExitMeaning(6, 'en')).toBe('curl exit 6 (could not resolve the host name)');
		expect(curlExitMeaning(28, 'ko')).toBe('curl 종료 코드 28 (시간이 초과되었습니다)');
		expect(curlExitMeaning(99, 'en')).toBe('curl exit 99');
	});
});

describe('hubble flows', () => {
	const flows = parseHubbleJson(fixture('hubble-observe.jsonl'));
	it('reads the {"flow": …} lines and skips the rest', () => {
		expect(flows).toHaveLength(3);
	});
	it('matches verdict, FQDN or IP destination, port and namespace', () => {
		expect(flows.filter(flow => flowMatches(flow, {verdict: 'FORWARDED', to: 'api.github.com', port: 443}))).toHaveLength(1);
		expect(flows.filter(flow => flowMatches(flow, {verdict: 'FORWARDED', to: 'API.GitHub.com.'}))).toHaveLength(1);
		expect(flows.filter(flow => flowMatches(flow, {verdict: 'DROPPED', to: '142.250.196.110', port: 443, namespace: 'demo'}))).toHaveLength(1);
		expect(flows.filter(flow => flowMatches(flow, {verdict: 'DROPPED', to: 'api.github.com'}))).toHaveLength(0);
		expect(flows.filter(flow => flowMatches(flow, {verdict: 'FORWARDED', port: 53}))).toHaveLength(1);
		expect(flows.filter(flow => flowMatches(flow, {verdict: 'FORWARDED', namespace: 'other'}))).toHaveLength(0);
	});
	it('describes a flow in one line', () => {
		expect(describeFlow(flows[2]!)).toBe('demo/curl -> 142.250.196.110:443 DROPPED (POLICY_DENIED)');
		expect(describeFlow(flows[1]!)).toBe('demo/curl -> api.github.com:443 FORWARDED');
	});
});
