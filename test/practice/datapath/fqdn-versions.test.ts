// toFQDNs matchPattern matching per offered Cilium version (src/practice/versions.ts), with each version's own test
// vectors, and the datapath choosing the matching by the version its agent pods run.
import {describe, expect, test} from 'vitest';
import {matchesEveryName, patternRegExp} from '../../../src/practice/datapath/fqdn.js';
import {Datapath} from '../../../src/practice/datapath/runtime.js';
import {explainTraffic} from '../../../src/practice/datapath/explain.js';
import {ciliumBehaviour, CILIUM_RELEASES} from '../../../src/practice/versions.js';
import type {KubeObject} from '../../../src/practice/types.js';
import {aksCluster, cnp} from './fixtures.js';

interface Vector {
	pattern: string;
	accept: string[];
	reject: string[];
}

// cilium/cilium pkg/fqdn/matchpattern/matchpattern_test.go, TestAnchoredMatchPatternMatching (the testify form of
// the 1.16 line; the matching it tests is the same in 1.18: matchpattern.go vendored by cilium-cli v0.18.5 =
// cilium v1.18.0-pre.3 differs from 1.16's only in strings.ReplaceAll).
const vectors116: Vector[] = [
	{pattern: 'cilium.io.', accept: ['cilium.io.'], reject: ['', 'anysub.cilium.io.', 'anysub.ci.io.', 'anysub.ciliumandmore.io.']},
	{pattern: '*.cilium.io.', accept: ['anysub.cilium.io.'], reject: ['', 'cilium.io.', 'anysub.ci.io.', 'anysub.ciliumandmore.io.']},
	{pattern: '*.ci*.io.', accept: ['anysub.cilium.io.', 'anysub.ci.io.', 'anysub.ciliumandmore.io.'], reject: ['', 'cilium.io.']},
	{
		pattern: '*',
		accept: ['.', 'io.', 'cilium.io.', 'svc.cluster.local.', 'service.namesace.svc.cluster.local.', '_foobar._tcp.cilium.io.'],
		reject: ['', '.io.', '.cilium.io.', '.svc.cluster.local.', 'cilium.io'],
	},
	{pattern: '.', accept: ['.'], reject: ['', '.io.', '.cilium.io']},
	{pattern: '_foobar._tcp.cilium.io.', accept: ['_foobar._tcp.cilium.io.'], reject: ['', '_tcp.cilium.io.', 'cilium.io.']},
	{pattern: '*.*.cilium.io.', accept: ['_foobar._tcp.cilium.io.'], reject: ['']},
];

// 1.19 and 1.20: matchpattern.go at cilium v1.19.0-pre.4 (vendored by cilium-cli v0.19.0; unchanged through v0.19.7 =
// v1.20.0-pre.4). The 1.19 matchpattern_test.go itself is not in the stored sources, so these cases are the ones the
// implementation's own comments state: dnsWildcardRegex "will match: '*', '**', '**.', '***', '***.'" (every name),
// and dnsWildcardREGroup matching "<dns-label>" and "<dns-label-1>.<dns-label-2>.<dns-label-3>" before the suffix;
// `*` elsewhere stays inside one label ("doesn't include '.' literal"). The 1.16 vectors above still hold.
const vectors119: Vector[] = [
	...vectors116,
	...['**', '**.', '***', '***.', '*.'].map((pattern) => ({pattern, accept: ['.', 'io.', 'cilium.io.', 'service.namesace.svc.cluster.local.'], reject: ['', '.io.', 'cilium.io']})),
	{pattern: '**.cilium.io.', accept: ['anysub.cilium.io.', '_foobar._tcp.cilium.io.', 'a.b.c.cilium.io.'], reject: ['', 'cilium.io.', 'anysub.ci.io.', 'sub.cilium.io', '.cilium.io.', 'a..cilium.io.']},
	{pattern: '***.cilium.io.', accept: ['a.b.cilium.io.'], reject: ['cilium.io.']},
	{pattern: '*.cilium.io.', accept: ['anysub.cilium.io.'], reject: ['a.b.cilium.io.']},
	{pattern: 'sub.**.cilium.io.', accept: ['sub.x.cilium.io.'], reject: ['sub.a.b.cilium.io.']},
];

const byMinor: Record<string, Vector[]> = {'1.16': vectors116, '1.18': vectors116, '1.19': vectors119, '1.20': vectors119};

describe('matchPattern per Cilium version, with the version’s matchpattern vectors', () => {
	for (const release of CILIUM_RELEASES) {
		const behaviour = ciliumBehaviour(release.version);
		test(`${release.version}: every accept matches and every reject does not`, () => {
			const vectors = byMinor[release.minor]!;
			expect(vectors.length).toBeGreaterThan(5);
			for (const {pattern, accept, reject} of vectors) {
				const regex = patternRegExp(pattern, 'toFQDNs', behaviour);
				for (const name of accept) expect(regex.test(name), `${pattern} should accept ${JSON.stringify(name)} (${regex})`).toBe(true);
				for (const name of reject) expect(regex.test(name), `${pattern} should reject ${JSON.stringify(name)} (${regex})`).toBe(false);
			}
		});
	}

	test('1.19 compiles a leading **. to matchpattern.go’s dnsWildcardREGroup, and runs of stars to one label wildcard', () => {
		const v119 = ciliumBehaviour('1.19.6');
		expect(patternRegExp('**.cilium.io', 'toFQDNs', v119).source).toBe('^([-a-zA-Z0-9_]+([.][-a-zA-Z0-9_]+){0,})[.]cilium[.]io[.]$');
		expect(patternRegExp('sub.**.io', 'toFQDNs', v119).source).toBe('^sub[.][-a-zA-Z0-9_]*[.]io[.]$');
		// 1.16: strings.Replace of each `*` (matchpattern.go escapeRegexpCharacters @ v1.16).
		expect(patternRegExp('**.cilium.io', 'toFQDNs', ciliumBehaviour('1.16.4')).source).toBe('^[-a-zA-Z0-9_]*[-a-zA-Z0-9_]*[.]cilium[.]io[.]$');
	});

	test('which patterns select every name: a lone * before 1.19; any stars-only pattern from 1.19', () => {
		for (const pattern of ['*', ' * ']) {
			expect(matchesEveryName(pattern, ciliumBehaviour('1.16.4'))).toBe(true);
			expect(matchesEveryName(pattern, ciliumBehaviour('1.20.0'))).toBe(true);
		}
		for (const pattern of ['**', '*.', '**.']) {
			expect(matchesEveryName(pattern, ciliumBehaviour('1.18.12')), pattern).toBe(false);
			expect(matchesEveryName(pattern, ciliumBehaviour('1.19.6')), pattern).toBe(true);
		}
	});
});

describe('the datapath matches toFQDNs as the agent pods’ version does', () => {
	const allowDns = cnp('demo', 'allow-dns', {
		endpointSelector: {},
		egress: [{toEndpoints: [{matchLabels: {'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns'}}], toPorts: [{ports: [{port: '53', protocol: 'ANY'}], rules: {dns: [{matchPattern: '*'}]}}]}],
	});
	const doubleStar = cnp('demo', 'fqdn', {endpointSelector: {matchLabels: {app: 'client'}}, egress: [{toFQDNs: [{matchPattern: '**.google.com'}], toPorts: [{ports: [{port: '443', protocol: 'TCP'}]}]}]});

	async function verdict(agentImage: string, host: string): Promise<{explained: string; observed: string}> {
		const {ctx, store} = aksCluster();
		for (const agent of store.list('v1', 'Pod', {namespace: 'kube-system'}).filter((pod) => pod.metadata.labels?.['k8s-app'] === 'cilium')) {
			const spec = agent.spec as {containers: Array<{image: string}>};
			store.apply({...agent, spec: {...spec, containers: spec.containers.map((container) => ({...container, image: agentImage}))}} as KubeObject);
		}
		store.apply(allowDns);
		store.apply(doubleStar);
		const datapath = Datapath.for(ctx);
		const view = datapath.view();
		const client = store.get('v1', 'Pod', 'demo', 'curl')!;
		const from = view.byPod.get('demo/curl')!;
		const explained = explainTraffic(view, from, {host, port: 443, protocol: 'TCP'}, datapath.cache(from.node), datapath.now(), 'en').outcome;
		const signal = new AbortController().signal;
		const resolved = await datapath.resolveHost(client, host, {signal, budgetMs: 10_000});
		if (!resolved.ok) return {explained, observed: `dns ${resolved.error}`};
		const before = datapath.allFlows().length;
		await datapath.tcpConnect(client, resolved.ips[0]!, 443, {signal, budgetMs: 2000});
		const observed = datapath.allFlows().slice(before).some((flow) => flow.event_type.type === 1) ? 'dropped' : 'allowed';
		return {explained, observed};
	}

	test.each([
		['quay.io/cilium/cilium:v1.16.4@sha256:d55ec38938854133e06739b1af237932b9c4dd4e75e9b7b2ca3acc72540a44bf', 'www.google.com', 'allowed'],
		['quay.io/cilium/cilium:v1.16.4@sha256:d55ec38938854133e06739b1af237932b9c4dd4e75e9b7b2ca3acc72540a44bf', 'a.b.google.com', 'dropped'],
		['quay.io/cilium/cilium:v1.18.12', 'a.b.google.com', 'dropped'],
		['quay.io/cilium/cilium:v1.19.6', 'a.b.google.com', 'allowed'],
		['quay.io/cilium/cilium:v1.20.0', 'a.b.google.com', 'allowed'],
		['quay.io/cilium/cilium:v1.20.0', 'google.com', 'dropped'],
	])('agents running %s: **.google.com → %s is %s', async (image, host, expected) => {
		expect(await verdict(image, host)).toEqual({explained: expected, observed: expected});
	});
});
