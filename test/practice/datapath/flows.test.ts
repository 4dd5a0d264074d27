// Hubble's compact and jsonpb printers against the exact strings in cilium-semantics.md §4.2/§4.3
// (hubble/pkg/printer/printer_test.go, real captures), and `hubble observe` filters.
import {describe, expect, test} from 'vitest';
import {dnsSummary, flowMatches, formatCompact, formatJson, stampMilli, type Flow} from '../../../src/practice/datapath/flows.js';

const base = {
	time: '1970-01-01T00:20:34.567800Z',
	IP: {source: '1.1.1.1', destination: '2.2.2.2', ipVersion: 'IPv4' as const},
	l4: {TCP: {source_port: 31793, destination_port: 8080, flags: {SYN: true}}},
	source: {identity: 4},
	destination: {identity: 12345},
	Type: 'L3_L4' as const,
	node_name: 'k8s1',
	Summary: 'TCP Flags: SYN',
};

describe('compact printer (printer_test.go)', () => {
	test('policy verdict, denied, with the node name', () => {
		const flow: Flow = {...base, verdict: 'DROPPED', event_type: {type: 5}, traffic_direction: 'EGRESS'};
		expect(formatCompact(flow, {nodeName: true})).toBe('Jan  1 00:20:34.567 [k8s1]: 1.1.1.1:31793 (health) <> 2.2.2.2:8080 (ID:12345) policy-verdict:none EGRESS DENIED (TCP Flags: SYN)');
	});
	test('drop, is_reply false', () => {
		const flow: Flow = {...base, verdict: 'DROPPED', event_type: {type: 1, sub_type: 133}, drop_reason_desc: 'POLICY_DENIED', is_reply: false};
		expect(formatCompact(flow)).toBe('Jan  1 00:20:34.567: 1.1.1.1:31793 (health) -> 2.2.2.2:8080 (ID:12345) Policy denied DROPPED (TCP Flags: SYN)');
	});
	test('drop, is_reply true swaps the sides', () => {
		const flow: Flow = {...base, verdict: 'DROPPED', event_type: {type: 1, sub_type: 133}, drop_reason_desc: 'POLICY_DENIED', is_reply: true};
		expect(formatCompact(flow, {nodeName: true})).toBe('Jan  1 00:20:34.567 [k8s1]: 2.2.2.2:8080 (ID:12345) <- 1.1.1.1:31793 (health) Policy denied DROPPED (TCP Flags: SYN)');
	});
	test('the document capture: pod to a world IP, denied then dropped', () => {
		const flow = (type: 1 | 5): Flow => ({
			time: '2024-12-17T07:07:30.342Z',
			verdict: 'DROPPED',
			IP: {source: '10.0.0.23', destination: '142.250.207.110', ipVersion: 'IPv4'},
			l4: {TCP: {source_port: 44310, destination_port: 443, flags: {SYN: true}}},
			source: {ID: 1234, identity: 15173, namespace: 'demo', pod_name: 'curl'},
			destination: {identity: 2},
			Type: 'L3_L4',
			node_name: 'aks-nodepool1',
			event_type: type === 1 ? {type, sub_type: 133} : {type},
			traffic_direction: 'EGRESS',
			...(type === 1 ? {drop_reason_desc: 'POLICY_DENIED' as const} : {}),
			Summary: 'TCP Flags: SYN',
		});
		expect(formatCompact(flow(5))).toBe('Dec 17 07:07:30.342: demo/curl:44310 (ID:15173) <> 142.250.207.110:443 (world) policy-verdict:none EGRESS DENIED (TCP Flags: SYN)');
		expect(formatCompact(flow(1))).toBe('Dec 17 07:07:30.342: demo/curl:44310 (ID:15173) <> 142.250.207.110:443 (world) Policy denied DROPPED (TCP Flags: SYN)');
	});
	test('allowed verdict to an FQDN identity prints the name', () => {
		const flow: Flow = {
			time: '2024-08-31T03:59:53.212Z',
			verdict: 'FORWARDED',
			IP: {source: '10.0.0.5', destination: '140.82.112.6', ipVersion: 'IPv4'},
			l4: {TCP: {source_port: 38212, destination_port: 443, flags: {SYN: true}}},
			source: {identity: 5190, namespace: 'default', pod_name: 'mediabot'},
			destination: {identity: 16777217},
			destination_names: ['api.github.com'],
			Type: 'L3_L4',
			node_name: 'n',
			event_type: {type: 5},
			traffic_direction: 'EGRESS',
			policy_match_type: 1,
			is_reply: false,
			Summary: 'TCP Flags: SYN',
		};
		expect(formatCompact(flow)).toBe('Aug 31 03:59:53.212: default/mediabot:38212 (ID:5190) -> api.github.com:443 (ID:16777217) policy-verdict:L3-Only EGRESS ALLOWED (TCP Flags: SYN)');
	});
	test('DNS through the proxy (visibility.rst)', () => {
		const common = {
			verdict: 'FORWARDED' as const,
			IP: {source: '10.0.0.7', destination: '10.0.0.9', ipVersion: 'IPv4' as const},
			l4: {UDP: {source_port: 45240, destination_port: 53}},
			source: {identity: 26450, namespace: 'default', pod_name: 'testapp-5b9cc645cb-4slbs'},
			destination: {identity: 9313, namespace: 'kube-system', pod_name: 'coredns-787d4945fb-bdmdq'},
			Type: 'L7' as const,
			node_name: 'n',
			event_type: {type: 129},
		};
		const query = {query: 'web.default.svc.cluster.local.', observation_source: 'proxy' as const, qtypes: ['A']};
		const request: Flow = {...common, time: '2023-01-01T00:00:00Z', is_reply: false, l7: {type: 'REQUEST', dns: query}, Summary: dnsSummary(query, 'REQUEST')};
		const answer = {...query, ips: ['10.96.118.37'], ttl: 30};
		const response: Flow = {
			...common,
			time: '2023-01-01T00:00:00Z',
			IP: {source: '10.0.0.9', destination: '10.0.0.7', ipVersion: 'IPv4'},
			l4: {UDP: {source_port: 53, destination_port: 45240}},
			source: common.destination,
			destination: common.source,
			is_reply: true,
			l7: {type: 'RESPONSE', dns: answer},
			Summary: dnsSummary(answer, 'RESPONSE'),
		};
		expect(formatCompact(request).replace(/^.*?: /, '')).toBe('default/testapp-5b9cc645cb-4slbs:45240 (ID:26450) -> kube-system/coredns-787d4945fb-bdmdq:53 (ID:9313) dns-request proxy FORWARDED (DNS Query web.default.svc.cluster.local. A)');
		expect(formatCompact(response).replace(/^.*?: /, '')).toBe('default/testapp-5b9cc645cb-4slbs:45240 (ID:26450) <- kube-system/coredns-787d4945fb-bdmdq:53 (ID:9313) dns-response proxy FORWARDED (DNS Answer "10.96.118.37" TTL: 30 (Proxy web.default.svc.cluster.local. A))');
	});
	test('DNS summaries for errors and empty answers', () => {
		const query = {query: 'www.bing.com.', observation_source: 'proxy' as const, qtypes: ['A']};
		expect(dnsSummary({...query, rcode: 5}, 'RESPONSE')).toBe('RCode: Query Refused (Proxy www.bing.com. A)');
		expect(dnsSummary({...query, rcode: 3}, 'RESPONSE')).toBe('RCode: Non-Existent Domain (Proxy www.bing.com. A)');
		expect(dnsSummary({...query, rcode: 2}, 'RESPONSE')).toBe('RCode: Server Failure  (Proxy www.bing.com. A)');
		expect(dnsSummary({...query, qtypes: ['AAAA']}, 'RESPONSE')).toBe('DNS Answer  TTL: 4294967295 (Proxy www.bing.com. AAAA)');
	});
	test('StampMilli pads the day with a space', () => {
		expect(stampMilli('2024-08-08T00:19:20.281Z')).toBe('Aug  8 00:19:20.281');
		expect(stampMilli('2024-12-17T07:07:30.342Z')).toBe('Dec 17 07:07:30.342');
	});
});

describe('jsonpb printer', () => {
	test('matches the printer test line field for field and in order', () => {
		const flow = {
			Summary: 'TCP Flags: SYN',
			is_reply: false,
			event_type: {type: 1, sub_type: 133},
			node_name: 'k8s1',
			Type: 'L3_L4',
			destination: {identity: 12345},
			source: {identity: 4},
			l4: {TCP: {source_port: 31793, destination_port: 8080}},
			IP: {source: '1.1.1.1', destination: '2.2.2.2'},
			verdict: 'DROPPED',
			time: '1970-01-01T00:20:34.567800Z',
		} as unknown as Flow;
		const line = JSON.parse(formatJson(flow)) as {flow: unknown; node_name: string; time: string};
		expect(JSON.stringify({flow: line.flow})).toBe(
			'{"flow":{"time":"1970-01-01T00:20:34.567800Z","verdict":"DROPPED","IP":{"source":"1.1.1.1","destination":"2.2.2.2"},"l4":{"TCP":{"source_port":31793,"destination_port":8080}},"source":{"identity":4},"destination":{"identity":12345},"Type":"L3_L4","node_name":"k8s1","event_type":{"type":1,"sub_type":133},"is_reply":false,"Summary":"TCP Flags: SYN"}}',
		);
		expect(line.node_name).toBe('k8s1');
		expect(line.time).toBe('1970-01-01T00:20:34.567800Z');
	});
});

describe('hubble observe filters', () => {
	const flow: Flow = {
		time: '2024-12-17T07:07:30.342Z',
		verdict: 'DROPPED',
		IP: {source: '10.0.0.23', destination: '20.200.245.247', ipVersion: 'IPv4'},
		l4: {TCP: {source_port: 44310, destination_port: 443, flags: {SYN: true}}},
		source: {identity: 15173, namespace: 'demo', pod_name: 'curl'},
		destination: {identity: 2},
		destination_names: ['github.com'],
		Type: 'L3_L4',
		node_name: 'n',
		event_type: {type: 1, sub_type: 133},
		Summary: 'TCP Flags: SYN',
	};
	test.each([
		[{namespaces: ['demo']}, true],
		[{namespaces: ['kube-system']}, false],
		[{pods: ['demo/curl']}, true],
		[{pods: ['demo/cu']}, true],
		[{pods: ['curl']}, false],
		[{verdicts: ['DROPPED']}, true],
		[{verdicts: ['dropped']}, true],
		[{verdicts: ['FORWARDED']}, false],
		[{toFqdns: ['github.com']}, true],
		[{toFqdns: ['*.github.com']}, false],
		[{toFqdns: ['*github.com']}, true],
		[{protocols: ['tcp']}, true],
		[{protocols: ['udp']}, false],
		[{ports: [443]}, true],
		[{ports: [80]}, false],
		[{types: ['drop']}, true],
		[{types: ['policy-verdict']}, false],
		[{since: Date.parse('2024-12-17T07:07:31Z')}, false],
		[{namespaces: ['demo'], verdicts: ['DROPPED'], ports: [443]}, true],
	])('%j → %s', (filter, expected) => {
		expect(flowMatches(flow, filter)).toBe(expected);
	});
});
