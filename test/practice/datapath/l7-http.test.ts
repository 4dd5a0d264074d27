// L7 HTTP policy through the simulated Envoy, on the in-memory cluster: the Star Wars demo of Cilium's docs
// (Documentation/gettingstarted/demo.rst, examples/minikube/sw_l3_l4_l7_policy.yaml @v1.16.4): deathstar allows
// POST /v1/request-landing from org=empire, everything else from tiefighter gets Envoy's 403, xwing is dropped at L3.
import {describe, expect, test} from 'vitest';
import {lookupPodProgram} from '../../../src/practice/datapath/programs/index.js';
import {Datapath} from '../../../src/practice/datapath/runtime.js';
import {formatCompact} from '../../../src/practice/datapath/flows.js';
import {compilePolicy} from '../../../src/practice/datapath/policy.js';
import {explainTraffic} from '../../../src/practice/datapath/explain.js';
import {aksCluster, captureIo, cnp, pod, NODE_A, NODE_B} from './fixtures.js';

const SW_L7 = cnp('default', 'rule1', {
	endpointSelector: {matchLabels: {org: 'empire', class: 'deathstar'}},
	ingress: [{fromEndpoints: [{matchLabels: {org: 'empire'}}], toPorts: [{ports: [{port: '80', protocol: 'TCP'}], rules: {http: [{method: 'POST', path: '/v1/request-landing'}]}}]}],
});

function starWars() {
	const cluster = aksCluster();
	cluster.store.apply(pod('default', 'deathstar-c74d84667-cx5kp', '10.0.1.30', {labels: {org: 'empire', class: 'deathstar'}, node: NODE_B, image: 'docker.io/cilium/starwars', ports: [{containerPort: 80}]}));
	cluster.store.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'deathstar', namespace: 'default'}, spec: {clusterIP: '10.0.200.10', selector: {org: 'empire', class: 'deathstar'}, ports: [{port: 80, protocol: 'TCP', targetPort: 80}]}});
	cluster.store.apply(pod('default', 'tiefighter', '10.0.0.41', {labels: {org: 'empire', class: 'tiefighter'}, node: NODE_A, image: 'quay.io/cilium/json-mock'}));
	cluster.store.apply(pod('default', 'xwing', '10.0.0.42', {labels: {org: 'alliance', class: 'xwing'}, node: NODE_A, image: 'quay.io/cilium/json-mock'}));
	cluster.store.apply(SW_L7);
	return cluster;
}

async function curl(cluster: ReturnType<typeof aksCluster>, from: string, args: string[]) {
	const source = cluster.store.get('v1', 'Pod', 'default', from)!;
	const io = captureIo();
	const code = await lookupPodProgram('curl', {...source, spec: {...(source.spec as object), containers: [{name: 'c', image: 'alpine/curl'}]}} as never)!(['curl', ...args], io, source, cluster.ctx);
	return {code, out: io.out(), err: io.err()};
}

describe('HTTP rules through Envoy', () => {
	test('an allowed request reaches the server; another path or method gets 403 "Access denied"', async () => {
		const cluster = starWars();
		const landing = await curl(cluster, 'tiefighter', ['-s', '-XPOST', 'deathstar.default.svc.cluster.local/v1/request-landing']);
		expect(landing.code).toBe(0);
		expect(landing.out).toBe('ok\n');
		const exhaust = await curl(cluster, 'tiefighter', ['-s', '-i', '-XPUT', 'deathstar.default.svc.cluster.local/v1/exhaust-port']);
		expect(exhaust.code).toBe(0);
		expect(exhaust.out).toMatch(/^HTTP\/1\.1 403 Forbidden\r\ncontent-length: 15\r\ncontent-type: text\/plain\r\ndate: .+ GMT\r\nserver: envoy\r\n\r\nAccess denied\r\n$/);
		// The path regex must match the whole :path, query string included.
		expect((await curl(cluster, 'tiefighter', ['-s', '-XPOST', 'deathstar.default.svc.cluster.local/v1/request-landing?x=1'])).out).toBe('Access denied\r\n');
		expect((await curl(cluster, 'tiefighter', ['-sf', 'deathstar.default.svc.cluster.local/v1/request-landing'])).code).toBe(22);
	});

	test('the L3/L4 part still drops other identities: xwing times out', async () => {
		const result = await curl(starWars(), 'xwing', ['-sS', '-m', '2', '-XPOST', 'deathstar.default.svc.cluster.local/v1/request-landing']);
		expect(result.code).toBe(28);
		expect(result.err).toBe('curl: (28) Connection timed out after 2002 milliseconds\n');
	});

	test('Hubble shows http-request FORWARDED / http-response and http-request DROPPED on the server node', async () => {
		const cluster = starWars();
		await curl(cluster, 'tiefighter', ['-s', '-XPOST', 'deathstar.default.svc.cluster.local/v1/request-landing']);
		await curl(cluster, 'tiefighter', ['-s', '-XPUT', 'deathstar.default.svc.cluster.local/v1/exhaust-port']);
		const lines = Datapath.for(cluster.ctx)
			.ring(NODE_B)
			.all()
			.filter((flow) => flow.Type === 'L7')
			.map((flow) => formatCompact(flow).replace(/^.*?: /, '').replace(/:\d{5} /g, ':P '));
		expect(lines).toEqual([
			'default/tiefighter:P (ID:' + lines[0]!.match(/ID:(\d+)/)![1] + ') -> default/deathstar-c74d84667-cx5kp:80 (ID:' + lines[0]!.match(/ID:(\d+)\) http/)![1] + ') http-request FORWARDED (HTTP/1.1 POST http://deathstar.default.svc.cluster.local/v1/request-landing)',
			expect.stringMatching(/^default\/tiefighter:P \(ID:\d+\) <- default\/deathstar-c74d84667-cx5kp:80 \(ID:\d+\) http-response FORWARDED \(HTTP\/1\.1 200 2ms \(POST http:\/\/deathstar\.default\.svc\.cluster\.local\/v1\/request-landing\)\)$/),
			expect.stringMatching(/^default\/tiefighter:P \(ID:\d+\) -> default\/deathstar-c74d84667-cx5kp:80 \(ID:\d+\) http-request DROPPED \(HTTP\/1\.1 PUT http:\/\/deathstar\.default\.svc\.cluster\.local\/v1\/exhaust-port\)$/),
		]);
		const verdicts = Datapath.for(cluster.ctx).ring(NODE_B).all().filter((flow) => flow.event_type.type === 5).map((flow) => formatCompact(flow).replace(/^.*?: /, ''));
		expect(verdicts[0]).toMatch(/policy-verdict:L3-L4 INGRESS ALLOWED \(TCP Flags: SYN\)$/);
		expect(Datapath.for(cluster.ctx).ring(NODE_B).all().some((flow) => flow.trace_observation_point === 'TO_PROXY')).toBe(true);
	});

	test('agent validation: HTTP rules need protocol TCP and a non-zero port; one L7 kind per port rule', () => {
		const error = (rules: object, ports: object[]) => compilePolicy(cnp('default', 'p', {endpointSelector: {}, ingress: [{toPorts: [{ports, rules}]}]}))[0]!.error;
		// pkg/policy/api/rule_validation.go @v1.16.4 (PortRule.sanitize): an omitted protocol is ANY, which L7 HTTP refuses.
		expect(error({http: [{}]}, [{port: '80'}])).toBe('L7 rules can only apply to TCP (not ANY) except for DNS rules');
		expect(error({http: [{}]}, [{port: '80', protocol: 'UDP'}])).toBe('L7 rules can only apply to TCP (not UDP) except for DNS rules');
		expect(error({http: [{}]}, [{port: '0', protocol: 'TCP'}])).toBe('L7 rules can not be used when a port is 0');
		expect(error({http: [{}], dns: [{matchName: 'a.com'}]}, [{port: '80', protocol: 'TCP'}])).toBe('multiple L7 protocol rule types specified in single rule');
		expect(error({http: [{path: '/v1/('}]}, [{port: '80', protocol: 'TCP'}])).toMatch(/^error parsing regexp: /);
		expect(error({http: [{method: 'GET', headers: ['X-Has-Force: true']}]}, [{port: '80', protocol: 'TCP'}])).toBeUndefined();
	});

	test('headers: "Name: value" needs that exact value, "Name" only its presence; host matches :authority', async () => {
		const cluster = starWars();
		cluster.store.apply(
			cnp('default', 'rule1', {
				endpointSelector: {matchLabels: {class: 'deathstar'}},
				ingress: [
					{
						fromEndpoints: [{matchLabels: {org: 'empire'}}],
						toPorts: [{ports: [{port: '80', protocol: 'TCP'}], rules: {http: [{method: 'GET', path: '/v1/.*', headers: ['X-Has-Force: true']}, {host: 'deathstar\\.default\\.svc\\.cluster\\.local', headers: ['X-Token']}]}}],
					},
				],
			}),
		);
		const url = 'deathstar.default.svc.cluster.local/v1/';
		expect((await curl(cluster, 'tiefighter', ['-s', url])).out).toBe('Access denied\r\n');
		expect((await curl(cluster, 'tiefighter', ['-s', '-H', 'X-Has-Force: false', url])).out).toBe('Access denied\r\n');
		expect((await curl(cluster, 'tiefighter', ['-s', '-H', 'X-Has-Force: true', url])).out).toBe('ok\n');
		expect((await curl(cluster, 'tiefighter', ['-s', '-XDELETE', '-H', 'X-Token: anything', url])).out).toBe('ok\n');
		expect((await curl(cluster, 'tiefighter', ['-s', '-XDELETE', '-H', 'X-Token: anything', '10.0.200.10/v1/'])).out).toBe('Access denied\r\n');
	});

	test('policy explain shows the L7 decision', () => {
		const cluster = starWars();
		const datapath = Datapath.for(cluster.ctx);
		const view = datapath.view();
		const from = view.byPod.get('default/tiefighter')!;
		const denied = explainTraffic(view, from, {host: 'deathstar.default.svc.cluster.local', port: 80, protocol: 'TCP', method: 'PUT', path: '/v1/exhaust-port'}, undefined, datapath.now(), 'en');
		expect(denied.outcome).toBe('http-denied');
		expect(denied.lines).toContain('      allows method: "POST", path: "/v1/request-landing"');
		expect(denied.lines.at(-1)).toMatch(/^HTTP: PUT \/v1\/exhaust-port \(Host: deathstar\.default\.svc\.cluster\.local\) is denied by Envoy on the ingress of default\/deathstar-c74d84667-cx5kp: no rules\.http entry matches/);
		const allowed = explainTraffic(view, from, {host: 'deathstar.default.svc.cluster.local', port: 80, protocol: 'TCP', method: 'POST', path: '/v1/request-landing'}, undefined, datapath.now(), 'en');
		expect(allowed.outcome).toBe('allowed');
		expect(allowed.lines.at(-1)).toBe('HTTP: POST /v1/request-landing (Host: deathstar.default.svc.cluster.local) passes Envoy on the ingress of default/deathstar-c74d84667-cx5kp: CiliumNetworkPolicy default/rule1 spec.ingress[0] allows method: "POST", path: "/v1/request-landing"');
	});

	test('an L4-only allow of the same port makes the HTTP rules moot (pkg/policy/l4.go: L7 wildcard)', async () => {
		const cluster = starWars();
		cluster.store.apply(cnp('default', 'open-80', {endpointSelector: {matchLabels: {class: 'deathstar'}}, ingress: [{fromEndpoints: [{matchLabels: {org: 'empire'}}], toPorts: [{ports: [{port: '80', protocol: 'TCP'}]}]}]}));
		expect((await curl(cluster, 'tiefighter', ['-s', '-XPUT', 'deathstar.default.svc.cluster.local/v1/exhaust-port'])).out).toBe('ok\n');
	});
});
