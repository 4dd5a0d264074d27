// (policies, traffic, expected verdict) cases from Cilium's docs and cilium-semantics.md. Each case is decided by
// `policy explain` (explainTraffic) and by the running datapath (DNS through the proxy, then a TCP/UDP attempt whose
// flows are read back): both must give the expected verdict.
import {describe, expect, test} from 'vitest';
import {Datapath} from '../../../src/practice/datapath/runtime.js';
import {explainTraffic, type Outcome} from '../../../src/practice/datapath/explain.js';
import type {PodFields} from '../../../src/practice/datapath/view.js';
import type {KubeObject} from '../../../src/practice/types.js';
import {aksCluster, cnp, pod, NODE_A, NODE_B} from './fixtures.js';

type Target = string; // host, IP, or pod:NS/NAME, with :PORT
interface Case {
	name: string;
	policies: KubeObject[];
	to: Target;
	protocol?: 'TCP' | 'UDP';
	expect: Outcome;
	from?: {namespace?: string; labels?: Record<string, string>};
	config?: Record<string, string>;
}

const KUBE_DNS = {matchLabels: {'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns'}};
/** `null`: the port rule has no rules.dns (a plain L4 allow, never through the proxy). */
const dnsRule = (dns: Array<Record<string, string>> | null = [{matchPattern: '*'}]) => ({
	toEndpoints: [KUBE_DNS],
	toPorts: [{ports: [{port: '53', protocol: 'ANY'}], ...(dns ? {rules: {dns}} : {})}],
});
const allowDns = (dns?: Array<Record<string, string>> | null) => cnp('demo', 'allow-dns', {endpointSelector: {}, egress: [dnsRule(dns)]});
const client = {matchLabels: {app: 'client'}};
const egress = (name: string, rules: unknown[], extra: Record<string, unknown> = {}) => cnp('demo', name, {endpointSelector: client, egress: rules, ...extra});
const fqdnPolicy = (selectors: Array<Record<string, string>>, port = '443') => egress('fqdn', [{toFQDNs: selectors, toPorts: [{ports: [{port, protocol: 'TCP'}]}]}]);
const np = (name: string, spec: Record<string, unknown>, namespace = 'demo'): KubeObject => ({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name, namespace}, spec});
const ccnp = (name: string, spec: Record<string, unknown>): KubeObject => ({apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: {name}, spec});
const ingress = (name: string, rules: unknown[], selector: Record<string, unknown> = {matchLabels: {app: 'server'}}, extra: Record<string, unknown> = {}) => cnp('demo', name, {endpointSelector: selector, ingress: rules, ...extra});

const fqdnCases: Array<[string, string, Outcome]> = [
	// [selector as "name:x" or "pattern:x", host, expected] — cilium-semantics.md §1.1, §1.2 (matchpattern_test.go, fqdn_test.go)
	['name:google.com', 'google.com', 'allowed'],
	['name:google.com', 'www.google.com', 'dropped'],
	['name:GOOGLE.com', 'google.com', 'allowed'],
	['name:google.com.', 'google.com', 'allowed'],
	['name:cilium.io', 'ciliumxio.com', 'dropped'],
	['name:example.com', 'example.com', 'allowed'],
	['name:api.example.com', 'api.example.com', 'allowed'],
	['name:api.example.com', 'example.com', 'dropped'],
	['pattern:*.google.com', 'www.google.com', 'allowed'],
	['pattern:*.google.com', 'google.com', 'dropped'],
	['pattern:*.google.com', 'a.b.google.com', 'dropped'],
	['pattern:*.github.com', 'api.github.com', 'allowed'],
	['pattern:*.github.com', 'github.com', 'dropped'],
	['pattern:*cilium.io', 'cilium.io', 'allowed'],
	['pattern:*cilium.io', 'subcilium.io', 'allowed'],
	['pattern:*cilium.io', 'sub-cilium.io', 'allowed'],
	['pattern:*cilium.io', 'www.cilium.io', 'dropped'],
	['pattern:sub*.cilium.io', 'sub.cilium.io', 'allowed'],
	['pattern:sub*.cilium.io', 'subdomain.cilium.io', 'allowed'],
	['pattern:sub*.cilium.io', 'dom.cilium.io', 'dropped'],
	['pattern:part*ial.com', 'partial.com', 'allowed'],
	['pattern:part*ial.com', 'part-extra-ial.com', 'allowed'],
	['pattern:part*ial.com', 'part.ial.com', 'dropped'],
	['pattern:*.ci*.io', 'anysub.ci.io', 'allowed'],
	['pattern:*.ci*.io', 'anysub.ciliumandmore.io', 'allowed'],
	['pattern:*.ci*.io', 'ciliumandmore.io', 'dropped'],
	['pattern:*.*.cilium.io', '_foobar._tcp.cilium.io', 'allowed'],
	['pattern:*.*.cilium.io', 'www.cilium.io', 'dropped'],
	['pattern:cilium.*', 'cilium.io', 'allowed'],
	['pattern:cilium.*', 'cilium.co.kr', 'dropped'],
	['pattern:**.cilium.io', 'sub.cilium.io', 'allowed'],
	['pattern:**.cilium.io', 'a.b.cilium.io', 'dropped'],
	['pattern:*', 'naver.com', 'allowed'],
	['pattern:*', 'anything.example.org', 'allowed'],
	['pattern:*.Google.COM', 'www.google.com', 'allowed'],
	// The agent's sanitize checks the raw text before trimming: the rule is refused, so only the DNS policy applies.
	['pattern: *.google.com', 'www.google.com', 'dropped'],
	['pattern:www.google.com', 'www.google.com', 'allowed'],
	['pattern:www.google.com', 'wwwxgoogle.com', 'dropped'],
	['pattern:*.example.com', 'api.example.com', 'allowed'],
	['name:_sip._udp.example.com', '_sip._udp.example.com', 'allowed'],
	['name:naver.com', 'www.naver.com', 'dropped'],
];

const cases: Case[] = [
	...fqdnCases.map(([selector, host, expected]): Case => {
		const [kind, value] = selector.split(/:(.*)/s, 2) as [string, string];
		return {name: `toFQDNs ${kind === 'name' ? 'matchName' : 'matchPattern'} "${value}" → ${host}`, policies: [allowDns(), fqdnPolicy([kind === 'name' ? {matchName: value} : {matchPattern: value}])], to: `${host}:443`, expect: expected};
	}),
	// The source document's policies (§ FQDN lesson). Cilium wins where the document expects otherwise: *.github.com does not match github.com.
	...(
		[
			['google.com:443', 'allowed'],
			['www.google.com:443', 'allowed'],
			['github.com:443', 'dropped'],
			['api.github.com:443', 'allowed'],
			['naver.com:443', 'dropped'],
			['example.com:443', 'allowed'],
			['google.com:80', 'dropped'],
		] as Array<[string, Outcome]>
	).map(([to, expected]): Case => ({
		name: `document policies 1+2: ${to}`,
		policies: [allowDns(), fqdnPolicy([{matchName: 'example.com'}, {matchName: 'google.com'}, {matchPattern: '*.google.com'}, {matchPattern: '*.github.com'}])],
		to,
		expect: expected,
	})),
	{name: 'document policy 3: api.example.com allowed', policies: [allowDns(), fqdnPolicy([{matchName: 'example.com'}, {matchName: 'api.example.com'}, {matchName: 'google.com'}])], to: 'api.example.com:443', expect: 'allowed'},
	{name: 'document policy 3: www.google.com not listed', policies: [allowDns(), fqdnPolicy([{matchName: 'example.com'}, {matchName: 'api.example.com'}, {matchName: 'google.com'}])], to: 'www.google.com:443', expect: 'dropped'},
	// DNS proxy and learning (§2)
	{name: 'toFQDNs without any DNS allow: the lookup itself is dropped', policies: [fqdnPolicy([{matchName: 'google.com'}])], to: 'google.com:443', expect: 'dns-dropped'},
	{name: 'DNS allowed at L4 only (no rules.dns): nothing learned, connection dropped', policies: [allowDns(null), fqdnPolicy([{matchName: 'google.com'}])], to: 'google.com:443', expect: 'dropped'},
	{name: 'rules.dns matchName google.com: musl asks the search names first and gets REFUSED', policies: [allowDns([{matchName: 'google.com'}]), fqdnPolicy([{matchName: 'google.com'}])], to: 'google.com:443', expect: 'dns-refused'},
	{name: 'rules.dns allows the search names and google.com', policies: [allowDns([{matchPattern: '*.*.*.svc.cluster.local'}, {matchPattern: '*.*.svc.cluster.local'}, {matchPattern: '*.*.cluster.local'}, {matchName: 'google.com'}]), fqdnPolicy([{matchName: 'google.com'}])], to: 'google.com:443', expect: 'allowed'},
	{name: 'the docs pattern *.*.svc.cluster.local covers service names, not search-expanded external names', policies: [allowDns([{matchPattern: '*.*.svc.cluster.local'}, {matchName: 'google.com'}]), fqdnPolicy([{matchName: 'google.com'}])], to: 'google.com:443', expect: 'dns-refused'},
	{name: 'fully qualified name skips the search list', policies: [allowDns([{matchName: 'google.com'}]), fqdnPolicy([{matchName: 'google.com'}])], to: 'google.com.:443', expect: 'allowed'},
	{name: 'rules.dns does not list the name: REFUSED', policies: [allowDns([{matchPattern: '*.cluster.local'}, {matchPattern: '*.*.cluster.local'}, {matchPattern: '*.*.*.cluster.local'}, {matchPattern: '*.*.*.*.cluster.local'}, {matchName: 'google.com'}])], to: 'www.bing.com:443', expect: 'dns-refused'},
	{name: 'empty rules.dns list allows every name', policies: [allowDns([]), fqdnPolicy([{matchName: 'google.com'}])], to: 'google.com:443', expect: 'allowed'},
	{name: 'L4-only DNS allow beside an L7 one makes the L7 moot', policies: [allowDns([{matchName: 'nothing.example'}]), egress('l4-dns', [dnsRule(null)]), fqdnPolicy([{matchName: 'google.com'}])], to: 'google.com:443', expect: 'allowed'},
	{name: 'the DNS allow alone puts egress in default deny', policies: [allowDns()], to: 'google.com:443', expect: 'dropped'},
	{name: 'the DNS allow alone: DNS itself works', policies: [allowDns()], to: '10.0.0.10:53', protocol: 'UDP', expect: 'allowed'},
	{name: 'unknown .invalid name is NXDOMAIN', policies: [], to: 'nothing.invalid:443', expect: 'dns-nxdomain'},
	{name: 'in-cluster service name resolves', policies: [], to: 'kube-dns.kube-system.svc.cluster.local:53', protocol: 'UDP', expect: 'allowed'},
	// Enforcement, empty rules (§3.2)
	{name: 'no policy: everything allowed', policies: [], to: 'naver.com:443', expect: 'allowed'},
	{name: 'policy with only ingress rules does not touch egress', policies: [cnp('demo', 'ing', {endpointSelector: client, ingress: [{fromEntities: ['world']}]})], to: 'naver.com:443', expect: 'allowed'},
	{name: 'egress: [] does not enforce', policies: [egress('empty-list', [])], to: 'naver.com:443', expect: 'allowed'},
	{name: 'CNP egress: [{}] enforces and allows nothing (the document\'s "allow-all-egress")', policies: [cnp('demo', 'allow-all-egress', {endpointSelector: {}, egress: [{}]})], to: '8.8.8.8:443', expect: 'dropped'},
	{name: 'CNP egress: [{}] also blocks DNS', policies: [cnp('demo', 'allow-all-egress', {endpointSelector: {}, egress: [{}]})], to: 'google.com:443', expect: 'dns-dropped'},
	{name: 'policy selecting another pod does not apply', policies: [cnp('demo', 'other', {endpointSelector: {matchLabels: {app: 'other'}}, egress: [{}]})], to: '8.8.8.8:443', expect: 'allowed'},
	{name: 'CNP in another namespace does not select demo pods', policies: [{...cnp('backend', 'elsewhere', {endpointSelector: {}, egress: [{}]})}], to: '8.8.8.8:443', expect: 'allowed'},
	{name: 'endpointSelector {} selects every pod of the namespace', policies: [cnp('demo', 'all', {endpointSelector: {}, egress: [{toEntities: ['cluster']}]})], to: '8.8.8.8:443', expect: 'dropped'},
	{name: 'union of allows across policies', policies: [egress('a', [{toCIDR: ['8.8.8.8/32']}]), egress('b', [{toCIDR: ['1.1.1.1/32']}])], to: '1.1.1.1:443', expect: 'allowed'},
	{name: 'union of allows: neither matches', policies: [egress('a', [{toCIDR: ['8.8.8.8/32']}]), egress('b', [{toCIDR: ['1.1.1.1/32']}])], to: '9.9.9.9:443', expect: 'dropped'},
	{name: 'rule with only toPorts allows that port to any peer', policies: [egress('l4', [{toPorts: [{ports: [{port: '443', protocol: 'TCP'}]}]}])], to: '9.9.9.9:443', expect: 'allowed'},
	{name: 'rule with only toPorts: other port dropped', policies: [egress('l4', [{toPorts: [{ports: [{port: '443', protocol: 'TCP'}]}]}])], to: '9.9.9.9:80', expect: 'dropped'},
	{name: 'L3 and L4 in one rule are ANDed', policies: [egress('and', [{toCIDR: ['8.8.8.8/32'], toPorts: [{ports: [{port: '53', protocol: 'UDP'}]}]}])], to: '8.8.8.8:443', expect: 'dropped'},
	{name: 'L3 and L4 in one rule: both match', policies: [egress('and', [{toCIDR: ['8.8.8.8/32'], toPorts: [{ports: [{port: '53', protocol: 'UDP'}]}]}])], to: '8.8.8.8:53', protocol: 'UDP', expect: 'allowed'},
	{name: 'policyEnforcementMode=never: nothing enforced', policies: [cnp('demo', 'deny-all', {endpointSelector: {}, egress: [{}]})], config: {'enable-policy': 'never'}, to: '8.8.8.8:443', expect: 'allowed'},
	{name: 'policyEnforcementMode=always: default deny without any policy', policies: [], config: {'enable-policy': 'always'}, to: '8.8.8.8:443', expect: 'dns-dropped'.replace('dns-dropped', 'dropped') as Outcome},
	// toPorts (§3.4)
	...(
		[
			[{port: '443', protocol: 'TCP'}, '443', 'TCP', 'allowed'],
			[{port: '443', protocol: 'UDP'}, '443', 'TCP', 'dropped'],
			[{port: '443', protocol: 'ANY'}, '443', 'TCP', 'allowed'],
			[{port: '53', protocol: 'ANY'}, '53', 'UDP', 'allowed'],
			[{port: '443'}, '443', 'TCP', 'allowed'],
			[{port: '0', protocol: 'TCP'}, '8443', 'TCP', 'allowed'],
			[{port: '0', protocol: 'TCP'}, '53', 'UDP', 'dropped'],
			[{port: '8000', endPort: 8100, protocol: 'TCP'}, '8080', 'TCP', 'allowed'],
			[{port: '8000', endPort: 8100, protocol: 'TCP'}, '8100', 'TCP', 'allowed'],
			[{port: '8000', endPort: 8100, protocol: 'TCP'}, '8101', 'TCP', 'dropped'],
			[{port: '8000', endPort: 8100, protocol: 'TCP'}, '7999', 'TCP', 'dropped'],
			[{port: '80', protocol: 'TCP'}, '8080', 'TCP', 'dropped'],
		] as Array<[Record<string, unknown>, string, 'TCP' | 'UDP', Outcome]>
	).map(([port, to, protocol, expected]): Case => ({name: `toPorts ${JSON.stringify(port)} → ${to}/${protocol}`, policies: [egress('ports', [{toCIDR: ['8.8.8.8/32'], toPorts: [{ports: [port]}]}])], to: `8.8.8.8:${to}`, protocol, expect: expected})),
	{name: 'named port resolves against the destination pod', policies: [egress('named', [{toEndpoints: [{matchLabels: {app: 'server'}}], toPorts: [{ports: [{port: 'http', protocol: 'TCP'}]}]}])], to: 'pod:demo/server:80', expect: 'allowed'},
	{name: 'named port: another port of that pod is dropped', policies: [egress('named', [{toEndpoints: [{matchLabels: {app: 'server'}}], toPorts: [{ports: [{port: 'http', protocol: 'TCP'}]}]}])], to: 'pod:demo/server:8080', expect: 'dropped'},
	// toCIDR / toCIDRSet (§3.6 end)
	...(
		[
			[{toCIDR: ['8.8.8.0/24']}, '8.8.8.8', 'allowed'],
			[{toCIDR: ['8.8.8.0/24']}, '8.8.4.4', 'dropped'],
			[{toCIDR: ['0.0.0.0/0']}, '203.0.113.7', 'allowed'],
			[{toCIDRSet: [{cidr: '8.0.0.0/8', except: ['8.8.8.0/24']}]}, '8.8.8.8', 'dropped'],
			[{toCIDRSet: [{cidr: '8.0.0.0/8', except: ['8.8.8.0/24']}]}, '8.8.4.4', 'allowed'],
			[{toCIDRSet: [{cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16']}]}, '1.1.1.1', 'allowed'],
			[{toCIDRSet: [{cidr: '0.0.0.0/0', except: ['1.1.1.0/24']}]}, '1.1.1.1', 'dropped'],
			[{toCIDR: ['142.250.207.110/32']}, '142.250.207.110', 'allowed'],
			[{toCIDR: ['142.250.207.110']}, '142.250.207.110', 'allowed'],
			[{toCIDR: ['10.0.0.0/8']}, 'pod:demo/server', 'dropped'],
			[{toCIDR: ['10.224.0.0/16']}, '10.224.0.5', 'dropped'],
			[{toCIDR: ['0.0.0.0/0']}, 'pod:backend/db', 'dropped'],
		] as Array<[Record<string, unknown>, string, Outcome]>
	).map(([rule, to, expected]): Case => ({name: `CIDR ${JSON.stringify(rule)} → ${to}`, policies: [egress('cidr', [rule])], to: `${to}:${to.startsWith('pod:backend') ? 5432 : 80}`, expect: expected})),
	// toEntities (§3.6)
	...(
		[
			['world', '8.8.8.8', 'allowed'],
			['world', 'pod:demo/server', 'dropped'],
			['world', '10.224.0.4', 'dropped'],
			['world', '20.41.66.178', 'allowed'],
			['world-ipv4', '8.8.8.8', 'dropped'],
			['cluster', 'pod:backend/db', 'allowed'],
			['cluster', '10.224.0.5', 'allowed'],
			['cluster', '8.8.8.8', 'dropped'],
			['cluster', '20.41.66.178', 'allowed'],
			['host', '10.224.0.4', 'allowed'],
			['host', '10.224.0.5', 'dropped'],
			['remote-node', '10.224.0.5', 'allowed'],
			['remote-node', '10.224.0.4', 'dropped'],
			['kube-apiserver', '20.41.66.178', 'allowed'],
			['kube-apiserver', '8.8.8.8', 'dropped'],
			['all', '8.8.8.8', 'allowed'],
			['all', 'pod:backend/db', 'allowed'],
			['none', '8.8.8.8', 'dropped'],
			['health', '8.8.8.8', 'dropped'],
		] as Array<[string, string, Outcome]>
	).map(([entity, to, expected]): Case => ({name: `toEntities ${entity} → ${to}`, policies: [egress('entities', [{toEntities: [entity]}])], to: `${to}:${to.startsWith('pod:backend') ? 5432 : to.startsWith('pod:') ? 80 : 443}`, expect: expected})),
	// toEndpoints and namespaces (§3.3)
	{name: 'toEndpoints {} means my namespace only: same namespace allowed', policies: [egress('eps', [{toEndpoints: [{}]}])], to: 'pod:demo/server:80', expect: 'allowed'},
	{name: 'toEndpoints {} does not reach another namespace', policies: [egress('eps', [{toEndpoints: [{}]}])], to: 'pod:backend/db:5432', expect: 'dropped'},
	{name: 'toEndpoints {} does not mean world', policies: [egress('eps', [{toEndpoints: [{}]}])], to: '8.8.8.8:443', expect: 'dropped'},
	{name: 'toEndpoints app=db without namespace looks in my namespace', policies: [egress('eps', [{toEndpoints: [{matchLabels: {app: 'db'}}]}])], to: 'pod:backend/db:5432', expect: 'dropped'},
	{name: 'toEndpoints with k8s:io.kubernetes.pod.namespace reaches it', policies: [egress('eps', [{toEndpoints: [{matchLabels: {app: 'db', 'k8s:io.kubernetes.pod.namespace': 'backend'}}]}])], to: 'pod:backend/db:5432', expect: 'allowed'},
	{name: 'unprefixed io.kubernetes.pod.namespace is recognised too', policies: [egress('eps', [{toEndpoints: [{matchLabels: {app: 'db', 'io.kubernetes.pod.namespace': 'backend'}}]}])], to: 'pod:backend/db:5432', expect: 'allowed'},
	{name: 'namespace label selector suppresses the injection', policies: [egress('eps', [{toEndpoints: [{matchLabels: {'k8s:io.cilium.k8s.namespace.labels.team': 'backend'}}]}])], to: 'pod:backend/db:5432', expect: 'allowed'},
	{name: 'matchExpressions In', policies: [egress('eps', [{toEndpoints: [{matchExpressions: [{key: 'app', operator: 'In', values: ['server', 'web']}]}]}])], to: 'pod:demo/server:80', expect: 'allowed'},
	{name: 'matchExpressions NotIn', policies: [egress('eps', [{toEndpoints: [{matchExpressions: [{key: 'app', operator: 'NotIn', values: ['server']}]}]}])], to: 'pod:demo/server:80', expect: 'dropped'},
	{name: 'k8s:-prefixed selector key', policies: [egress('eps', [{toEndpoints: [{matchLabels: {'k8s:app': 'server'}}]}])], to: 'pod:demo/server:80', expect: 'allowed'},
	{name: 'reserved:host selector is not namespaced', policies: [egress('eps', [{toEndpoints: [{matchLabels: {'reserved:host': ''}}]}])], to: '10.224.0.4:10250', expect: 'allowed'},
	{name: 'kube-dns selector from the docs', policies: [egress('eps', [{toEndpoints: [KUBE_DNS]}])], to: '10.0.0.10:53', protocol: 'UDP', expect: 'allowed'},
	// pod-to-pod needs both sides (§3.2)
	{name: 'receiver ingress enforced without a matching rule drops', policies: [ingress('server-in', [{fromEndpoints: [{matchLabels: {app: 'other'}}]}])], to: 'pod:demo/server:80', expect: 'dropped'},
	{name: 'receiver ingress allows the client', policies: [ingress('server-in', [{fromEndpoints: [{matchLabels: {app: 'client'}}]}])], to: 'pod:demo/server:80', expect: 'allowed'},
	{name: 'sender egress allows but receiver ingress does not', policies: [egress('out', [{toEndpoints: [{matchLabels: {app: 'server'}}]}]), ingress('server-in', [{}])], to: 'pod:demo/server:80', expect: 'dropped'},
	{name: 'both sides allow', policies: [egress('out', [{toEndpoints: [{matchLabels: {app: 'server'}}]}]), ingress('server-in', [{fromEndpoints: [{matchLabels: {app: 'client'}}], toPorts: [{ports: [{port: '80', protocol: 'TCP'}]}]}])], to: 'pod:demo/server:80', expect: 'allowed'},
	{name: 'receiver allows only port 80: 8080 dropped', policies: [ingress('server-in', [{fromEndpoints: [{matchLabels: {app: 'client'}}], toPorts: [{ports: [{port: '80', protocol: 'TCP'}]}]}])], to: 'pod:demo/server:8080', expect: 'dropped'},
	{name: 'ingress fromEntities cluster allows pods', policies: [ingress('server-in', [{fromEntities: ['cluster']}])], to: 'pod:demo/server:80', expect: 'allowed'},
	{name: 'ingress fromEntities world does not allow pods', policies: [ingress('server-in', [{fromEntities: ['world']}])], to: 'pod:demo/server:80', expect: 'dropped'},
	{name: 'ingress from another namespace needs the namespace label', policies: [cnp('backend', 'db-in', {endpointSelector: {matchLabels: {app: 'db'}}, ingress: [{fromEndpoints: [{matchLabels: {app: 'client'}}]}]})], to: 'pod:backend/db:5432', expect: 'dropped'},
	{name: 'ingress from another namespace with the namespace label', policies: [cnp('backend', 'db-in', {endpointSelector: {matchLabels: {app: 'db'}}, ingress: [{fromEndpoints: [{matchLabels: {app: 'client', 'k8s:io.kubernetes.pod.namespace': 'demo'}}]}]})], to: 'pod:backend/db:5432', expect: 'allowed'},
	{name: 'CNP ingress: [{}] allows nothing', policies: [ingress('deny-in', [{}], {})], to: 'pod:demo/server:80', expect: 'dropped'},
	// Deny rules win (§3.5)
	{name: 'egressDeny wins over toEntities all', policies: [egress('deny', [{toEntities: ['all']}], {egressDeny: [{toCIDR: ['8.8.8.8/32']}]})], to: '8.8.8.8:443', expect: 'dropped'},
	{name: 'egressDeny does not touch other IPs', policies: [egress('deny', [{toEntities: ['all']}], {egressDeny: [{toCIDR: ['8.8.8.8/32']}]})], to: '1.1.1.1:443', expect: 'allowed'},
	{name: 'deny-only policy also puts egress in default deny', policies: [cnp('demo', 'deny-only', {endpointSelector: client, egressDeny: [{toCIDR: ['8.8.8.8/32']}]})], to: '1.1.1.1:443', expect: 'dropped'},
	{name: 'egressDeny in one policy beats an allow in another', policies: [egress('allow', [{toCIDR: ['0.0.0.0/0']}]), cnp('demo', 'deny', {endpointSelector: {}, egressDeny: [{toPorts: [{ports: [{port: '443', protocol: 'TCP'}]}]}], egress: [{toEntities: ['all']}]})], to: '8.8.8.8:443', expect: 'dropped'},
	{name: 'egressDeny on port 443 leaves port 80', policies: [egress('allow', [{toCIDR: ['0.0.0.0/0']}], {egressDeny: [{toPorts: [{ports: [{port: '443', protocol: 'TCP'}]}]}]})], to: '8.8.8.8:80', expect: 'allowed'},
	{name: 'egressDeny toEntities world beats a toFQDNs allow', policies: [allowDns(), fqdnPolicy([{matchName: 'google.com'}]), egress('deny-world', [], {egressDeny: [{toEntities: ['world']}]})], to: 'google.com:443', expect: 'dropped'},
	{name: 'ingressDeny from the client beats fromEntities all', policies: [ingress('in', [{fromEntities: ['all']}], {matchLabels: {app: 'server'}}, {ingressDeny: [{fromEndpoints: [{matchLabels: {app: 'client'}}]}]})], to: 'pod:demo/server:80', expect: 'dropped'},
	{name: 'CCNP deny applies to every namespace', policies: [egress('allow', [{toEntities: ['all']}]), ccnp('no-dns-google', {endpointSelector: {}, egressDeny: [{toCIDR: ['8.8.8.8/32']}], egress: [{toEntities: ['all']}]})], to: '8.8.8.8:53', protocol: 'UDP', expect: 'dropped'},
	// enableDefaultDeny (1.16)
	{name: 'enableDefaultDeny.egress false: rules enforce but do not default-deny', policies: [egress('audit-ish', [{toCIDR: ['8.8.8.8/32']}], {enableDefaultDeny: {egress: false}})], to: '1.1.1.1:443', expect: 'allowed'},
	{name: 'enableDefaultDeny.egress false plus a default-deny policy: deny', policies: [egress('soft', [{toCIDR: ['8.8.8.8/32']}], {enableDefaultDeny: {egress: false}}), egress('hard', [{toCIDR: ['9.9.9.9/32']}])], to: '1.1.1.1:443', expect: 'dropped'},
	{name: 'enableDefaultDeny.egress false still applies deny rules', policies: [egress('soft', [{toCIDR: ['8.8.8.8/32']}], {enableDefaultDeny: {egress: false}, egressDeny: [{toCIDR: ['1.1.1.1/32']}]})], to: '1.1.1.1:443', expect: 'dropped'},
	{name: 'enableDefaultDeny.egress false keeps DNS L7 restrictions', policies: [cnp('demo', 'dns-soft', {endpointSelector: {}, enableDefaultDeny: {egress: false}, egress: [dnsRule([{matchName: 'nothing.example'}])]})], to: 'google.com:443', expect: 'dns-refused'},
	{name: 'enableDefaultDeny.ingress false: other peers still reach the server', policies: [ingress('soft-in', [{fromEndpoints: [{matchLabels: {app: 'nobody'}}]}], {matchLabels: {app: 'server'}}, {enableDefaultDeny: {ingress: false}})], to: 'pod:demo/server:80', expect: 'allowed'},
	// CiliumClusterwideNetworkPolicy
	{name: 'CCNP endpointSelector {} selects pods in every namespace', policies: [ccnp('deny-all', {endpointSelector: {}, egress: [{}]})], to: '8.8.8.8:443', expect: 'dropped'},
	{name: 'CCNP toEndpoints without namespace means any namespace', policies: [ccnp('to-db', {endpointSelector: {matchLabels: {app: 'client'}}, egress: [{toEndpoints: [{matchLabels: {app: 'db'}}]}]})], to: 'pod:backend/db:5432', expect: 'allowed'},
	{name: 'CCNP toEndpoints {} is not world', policies: [ccnp('to-pods', {endpointSelector: {matchLabels: {app: 'client'}}, egress: [{toEndpoints: [{}]}]})], to: '8.8.8.8:443', expect: 'dropped'},
	{name: 'CCNP selecting by namespace label', policies: [ccnp('demo-only', {endpointSelector: {matchLabels: {'k8s:io.kubernetes.pod.namespace': 'backend'}}, egress: [{}]})], to: '8.8.8.8:443', expect: 'allowed'},
	// Kubernetes NetworkPolicy (§3.2 table)
	{name: 'NP egress: [{}] allows all egress (unlike CNP)', policies: [np('np-all', {podSelector: {matchLabels: {app: 'client'}}, policyTypes: ['Egress'], egress: [{}]})], to: 'naver.com:443', expect: 'allowed'},
	{name: 'NP policyTypes [Egress] without rules denies all egress', policies: [np('np-deny', {podSelector: {}, policyTypes: ['Egress']})], to: '8.8.8.8:443', expect: 'dropped'},
	{name: 'NP without policyTypes and ingress: ingress default deny', policies: [np('np-in', {podSelector: {matchLabels: {app: 'server'}}})], to: 'pod:demo/server:80', expect: 'dropped'},
	{name: 'NP ingress-only does not affect the sender egress', policies: [np('np-in', {podSelector: {matchLabels: {app: 'client'}}})], to: '8.8.8.8:443', expect: 'allowed'},
	{name: 'the document NetworkPolicy: egress to app=backend on 443 only', policies: [np('allow-specific-pod', {podSelector: {matchLabels: {app: 'client'}}, egress: [{to: [{podSelector: {matchLabels: {app: 'backend'}}}], ports: [{protocol: 'TCP', port: 443}]}]})], to: 'google.com:443', expect: 'dns-dropped'},
	{name: 'NP egress to podSelector: same namespace pod allowed', policies: [np('to-server', {podSelector: {matchLabels: {app: 'client'}}, policyTypes: ['Egress'], egress: [{to: [{podSelector: {matchLabels: {app: 'server'}}}]}]})], to: 'pod:demo/server:80', expect: 'allowed'},
	{name: 'NP podSelector does not reach another namespace', policies: [np('to-db', {podSelector: {matchLabels: {app: 'client'}}, policyTypes: ['Egress'], egress: [{to: [{podSelector: {matchLabels: {app: 'db'}}}]}]})], to: 'pod:backend/db:5432', expect: 'dropped'},
	{name: 'NP namespaceSelector + podSelector reaches it', policies: [np('to-db', {podSelector: {matchLabels: {app: 'client'}}, policyTypes: ['Egress'], egress: [{to: [{namespaceSelector: {matchLabels: {team: 'backend'}}, podSelector: {matchLabels: {app: 'db'}}}]}]})], to: 'pod:backend/db:5432', expect: 'allowed'},
	{name: 'NP namespaceSelector {} means every namespace', policies: [np('to-any', {podSelector: {matchLabels: {app: 'client'}}, policyTypes: ['Egress'], egress: [{to: [{namespaceSelector: {}}]}]})], to: 'pod:backend/db:5432', expect: 'allowed'},
	{name: 'NP namespaceSelector {} does not mean world', policies: [np('to-any', {podSelector: {matchLabels: {app: 'client'}}, policyTypes: ['Egress'], egress: [{to: [{namespaceSelector: {}}]}]})], to: '8.8.8.8:443', expect: 'dropped'},
	{name: 'NP ipBlock with except', policies: [np('cidr', {podSelector: {}, policyTypes: ['Egress'], egress: [{to: [{ipBlock: {cidr: '0.0.0.0/0', except: ['8.8.8.0/24']}}]}]})], to: '8.8.8.8:443', expect: 'dropped'},
	{name: 'NP ipBlock allows outside the except', policies: [np('cidr', {podSelector: {}, policyTypes: ['Egress'], egress: [{to: [{ipBlock: {cidr: '0.0.0.0/0', except: ['8.8.8.0/24']}}]}]})], to: '1.1.1.1:443', expect: 'allowed'},
	{name: 'NP port without protocol means TCP', policies: [np('port', {podSelector: {}, policyTypes: ['Egress'], egress: [{ports: [{port: 53}]}]})], to: '8.8.8.8:53', protocol: 'UDP', expect: 'dropped'},
	{name: 'NP port range with endPort', policies: [np('range', {podSelector: {}, policyTypes: ['Egress'], egress: [{ports: [{protocol: 'TCP', port: 8000, endPort: 9000}]}]})], to: '8.8.8.8:8443', expect: 'allowed'},
	{name: 'NP ingress: [{}] allows everyone in', policies: [np('in-all', {podSelector: {matchLabels: {app: 'server'}}, ingress: [{}]})], to: 'pod:demo/server:80', expect: 'allowed'},
	{name: 'NP ingress from podSelector app=client', policies: [np('in-client', {podSelector: {matchLabels: {app: 'server'}}, ingress: [{from: [{podSelector: {matchLabels: {app: 'client'}}}], ports: [{port: 80}]}]})], to: 'pod:demo/server:80', expect: 'allowed'},
	{name: 'NP and CNP combine as a union', policies: [np('np', {podSelector: {}, policyTypes: ['Egress'], egress: [{to: [{ipBlock: {cidr: '8.8.8.8/32'}}]}]}), egress('cnp', [{toCIDR: ['1.1.1.1/32']}])], to: '1.1.1.1:443', expect: 'allowed'},
	{name: 'CNP deny beats an NP allow', policies: [np('np', {podSelector: {}, policyTypes: ['Egress'], egress: [{}]}), egress('deny', [], {egressDeny: [{toCIDR: ['8.8.8.8/32']}]})], to: '8.8.8.8:443', expect: 'dropped'},
	// Services
	{name: 'a service VIP is translated to its backend before policy: toEndpoints of the backend allows it', policies: [egress('to-server', [{toEndpoints: [{matchLabels: {app: 'server'}}]}])], to: '10.0.200.1:80', expect: 'allowed'},
	{name: 'a service VIP: toCIDR of the VIP does not match the backend pod', policies: [egress('to-vip', [{toCIDR: ['10.0.200.1/32']}])], to: '10.0.200.1:80', expect: 'dropped'},
	{name: 'a service without backends drops (Service backend not found)', policies: [], to: '10.0.200.2:80', expect: 'dropped'},
	{name: 'a service name resolves and its backend is reached', policies: [allowDns(), egress('to-server', [{toEndpoints: [{matchLabels: {app: 'server'}}], toPorts: [{ports: [{port: '80', protocol: 'TCP'}]}]}])], to: 'web.demo.svc.cluster.local:80', expect: 'allowed'},
	// The agent refuses a rule it cannot sanitize: the policy is not applied at all.
	{name: 'toFQDNs combined with toEndpoints is refused by the agent (not applied)', policies: [egress('bad', [{toFQDNs: [{matchName: 'google.com'}], toEndpoints: [{}]}])], to: '8.8.8.8:443', expect: 'allowed'},
	{name: 'toServices is not simulated: that policy is not applied (and says so), never an allow-all', policies: [egress('svc', [{toServices: [{k8sService: {serviceName: 'web', namespace: 'demo'}}]}]), egress('deny-rest', [{toCIDR: ['1.1.1.1/32']}])], to: '8.8.8.8:443', expect: 'dropped'},
	{name: 'DNS rules on ingress are refused by the agent', policies: [ingress('bad-in', [{toPorts: [{ports: [{port: '53', protocol: 'UDP'}], rules: {dns: [{matchPattern: '*'}]}}]}])], to: 'pod:demo/server:80', expect: 'allowed'},
];

async function runDatapath(c: Case): Promise<{explained: Outcome; observed: Outcome; lines: string[]}> {
	const {ctx, store} = aksCluster();
	store.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'backend', labels: {'kubernetes.io/metadata.name': 'backend', team: 'backend'}}});
	store.apply(pod('demo', 'server', '10.0.1.30', {labels: {app: 'server'}, node: NODE_B, image: 'nginx', ports: [{containerPort: 80, name: 'http'}, {containerPort: 8080}]}));
	store.apply(pod('backend', 'db', '10.0.1.40', {labels: {app: 'db'}, node: NODE_B, image: 'postgres', ports: [{containerPort: 5432}]}));
	store.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: 'demo'}, spec: {clusterIP: '10.0.200.1', selector: {app: 'server'}, ports: [{port: 80, protocol: 'TCP', targetPort: 'http'}]}});
	store.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'empty', namespace: 'demo'}, spec: {clusterIP: '10.0.200.2', selector: {app: 'nobody'}, ports: [{port: 80, protocol: 'TCP'}]}});
	if (c.from) store.apply(pod(c.from.namespace ?? 'demo', 'curl', '10.0.0.23', {labels: c.from.labels ?? {app: 'client'}, node: NODE_A}));
	if (c.config) store.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cilium-config', namespace: 'kube-system'}, data: c.config});
	for (const policy of c.policies) store.apply(policy);
	const datapath = Datapath.for(ctx);
	const view = datapath.view();
	const clientPod = store.get('v1', 'Pod', c.from?.namespace ?? 'demo', 'curl')!;
	const from = view.byPod.get(`${c.from?.namespace ?? 'demo'}/curl`)!;
	const portIndex = c.to.lastIndexOf(':');
	let host = c.to.slice(0, portIndex);
	const port = Number(c.to.slice(portIndex + 1));
	if (host.startsWith('pod:')) host = String((store.get('v1', 'Pod', host.slice(4).split('/')[0], host.slice(4).split('/')[1]!) as PodFields).status!.podIP);
	const protocol = c.protocol ?? 'TCP';
	const explanation = explainTraffic(view, from, {host, port, protocol}, datapath.cache(from.node), datapath.now(), 'en');
	const signal = new AbortController().signal;
	let observed: Outcome;
	const resolved = await datapath.resolveHost(clientPod, host, {signal, budgetMs: 10_000});
	if (!resolved.ok) {
		observed = resolved.error === 'REFUSED' ? 'dns-refused' : resolved.error === 'NXDOMAIN' ? 'dns-nxdomain' : resolved.error === 'NO_SERVER' ? 'no-dns-server' : 'dns-dropped';
	} else {
		const before = datapath.allFlows().length;
		if (protocol === 'TCP') await datapath.tcpConnect(clientPod, resolved.ips[0]!, port, {signal, budgetMs: 2000});
		else await datapath.dnsQuery(clientPod, 'example.com', 'A', {signal, server: resolved.ips[0]!, timeoutMs: 1000});
		const flows = datapath.allFlows().slice(before);
		observed = flows.some((flow) => flow.event_type.type === 1) ? 'dropped' : 'allowed';
	}
	return {explained: explanation.outcome, observed, lines: explanation.lines};
}

describe('policy verdicts: explain and the datapath agree with Cilium 1.16', () => {
	test('the table has at least 150 cases', () => {
		expect(cases.length + schemaCases.length).toBeGreaterThanOrEqual(150);
	});
	test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
		const {explained, observed, lines} = await runDatapath(c);
		expect({explained, observed}, lines.join('\n')).toEqual({explained: c.expect, observed: c.expect});
	});
});

import {validateCiliumPolicy} from '../../../src/practice/datapath/policy.js';

const schemaCases: Array<[string, Record<string, unknown>, string | undefined]> = [
	['matchName with a star is refused by the schema', {egress: [{toFQDNs: [{matchName: '*.google.com'}]}]}, "spec.egress[0].toFQDNs[0].matchName in body should match '^([-a-zA-Z0-9_]+[.]?)+$'"],
	['matchPattern with a space', {egress: [{toFQDNs: [{matchPattern: '*.git hub.com'}]}]}, "matchPattern in body should match '^([-a-zA-Z0-9_*]+[.]?)+$'"],
	['matchPattern with brackets', {egress: [{toFQDNs: [{matchPattern: '[a-z].example.com'}]}]}, 'should match'],
	['matchPattern with a plus', {egress: [{toFQDNs: [{matchPattern: 'a+.example.com'}]}]}, 'should match'],
	['matchPattern with a comma', {egress: [{toFQDNs: [{matchPattern: 'a,b.com'}]}]}, 'should match'],
	['empty label (double dot)', {egress: [{toFQDNs: [{matchName: 'a..com'}]}]}, 'should match'],
	['lone dot', {egress: [{toFQDNs: [{matchName: '.'}]}]}, 'should match'],
	['non-ASCII name (IDN)', {egress: [{toFQDNs: [{matchName: 'bücher.de'}]}]}, 'should match'],
	['both matchName and matchPattern', {egress: [{toFQDNs: [{matchName: 'a.com', matchPattern: '*.a.com'}]}]}, 'one and only one schema (oneOf). Found 2 valid alternatives'],
	['neither matchName nor matchPattern', {egress: [{toFQDNs: [{}]}]}, 'one and only one schema (oneOf). Found none valid'],
	['bad pattern inside rules.dns', {egress: [{toPorts: [{ports: [{port: '53'}], rules: {dns: [{matchPattern: 'bad pattern'}]}}]}]}, 'spec.egress[0].toPorts[0].rules.dns[0].matchPattern'],
	['protocol HTTP is not in the enum', {egress: [{toPorts: [{ports: [{port: '80', protocol: 'HTTP'}]}]}]}, 'Unsupported value: "HTTP": supported values: "TCP", "UDP", "SCTP", "ANY"'],
	['unknown entity', {egress: [{toEntities: ['internet']}]}, 'Unsupported value: "internet"'],
	['port out of range', {egress: [{toPorts: [{ports: [{port: '70000'}]}]}]}, 'port in body should match'],
	['valid: underscore names are accepted', {egress: [{toFQDNs: [{matchName: '_sip._udp.example.com'}]}]}, undefined],
	['valid: upper case is accepted', {egress: [{toFQDNs: [{matchName: 'WWW.Cilium.IO'}]}]}, undefined],
	['valid: lone star pattern', {egress: [{toFQDNs: [{matchPattern: '*'}]}]}, undefined],
	['valid: trailing dot', {egress: [{toFQDNs: [{matchName: 'cilium.io.'}]}]}, undefined],
	['valid: star in the TLD', {egress: [{toFQDNs: [{matchPattern: 'cilium.*'}]}]}, undefined],
	['valid: the document policy', {endpointSelector: {}, egress: [{toEndpoints: [KUBE_DNS], toPorts: [{ports: [{port: '53', protocol: 'ANY'}], rules: {dns: [{matchPattern: '*'}]}}]}]}, undefined],
];

describe('policies the API server refuses (CRD schema of 1.16)', () => {
	test.each(schemaCases)('%s', (_name, spec, expected) => {
		const causes = validateCiliumPolicy({kind: 'CiliumNetworkPolicy', spec});
		if (expected === undefined) expect(causes).toEqual([]);
		else expect(causes.map((cause) => `${cause.field}: ${cause.message}`).join('\n')).toContain(expected);
	});
});
