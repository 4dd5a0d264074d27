// `cilium connectivity test` as cilium-cli v0.16.21 runs it (vendor/github.com/cilium/cilium/cilium-cli/connectivity),
// for the tests the practice cluster can run: the workloads are deployed as check/deployment.go deploys them, each
// action runs the CLI's own command (CurlCommand / PingCommand, check/context.go) in the client pod through the
// simulated datapath, a test's policies are applied for its run, and the output follows check/logging.go,
// check/test.go and check/context.go (report). Tests the practice cluster cannot run are named in the first line.
import {parseAllDocuments} from 'yaml';
import type {KubeObject, PracticeContext, ProgramIO} from '../types.js';
import {findPodProgram} from '../datapath/programs/index.js';

/** defaults.ConnectivityCheckAlpineCurlImage / ConnectivityCheckJSONMockImage / ConnectivityDNSTestServerImage (cilium-cli v0.16.21, defaults/defaults.go). */
export const connectivityImages = {
	curl: 'quay.io/cilium/alpine-curl:v1.10.0@sha256:913e8c9f3d960dde03882defa0edd3a919d529c2eb167caa7f54194528bde364',
	jsonMock: 'quay.io/cilium/json-mock:v1.3.8@sha256:5aad04835eda9025fe4561ad31be77fd55309af8158ca8663a72f6abb78c2603',
	dnsTestServer: 'docker.io/coredns/coredns:1.12.0@sha256:40384aa1f5ea6bfdc77997d243aec73da05f27aed0c5e9d65bfa98933c519d97',
};

/** The tests of connectivity/builder that the practice cluster does not run (everything after the first few of the suite). */
export const notSimulatedTests =
	'no-unexpected-packet-drops, no-policies-from-outside, no-policies-extra, allow-all-with-metrics-check, the from-outside, host-entity, ICMP, CIDR-group, port-range, L7, TLS, auth, encryption, egress-gateway, ingress-service, control-plane, local-redirect, BGP, multicast and health tests, and check-log-errors';

export interface ConnectivityParams {
	testNamespace: string;
	clusterName: string;
	singleNode: boolean;
	verbose: boolean;
	externalTarget: string;
	externalIp: string;
	externalOtherIp: string;
	/** --external-cidr (default 1.0.0.0/8): the CIDR policies' templates use it. */
	externalCidr: string;
	connectTimeoutSeconds: number;
	requestTimeoutSeconds: number;
	runTests: RegExp[];
	skipTests: RegExp[];
}

// --- deployment (check/deployment.go deploy()) ------------------------------------------------------------------

const appLabels = {'app.kubernetes.io/name': 'cilium-cli'};
const hostnameTopology = 'kubernetes.io/hostname';
const nameIn = (value: string) => ({matchExpressions: [{key: 'name', operator: 'In', values: [value]}]});

function deployment(namespace: string, name: string, kind: string, template: {containers: unknown[]; labels?: Record<string, string>; affinity?: unknown; volumes?: unknown[]}): KubeObject {
	const labels = {name, kind, ...(template.labels ?? {})};
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {name, namespace, labels: {name, kind}},
		spec: {
			replicas: 1,
			selector: {matchLabels: {name, kind}},
			template: {
				metadata: {labels},
				spec: {
					containers: template.containers,
					serviceAccountName: name,
					terminationGracePeriodSeconds: 1,
					...(template.affinity ? {affinity: template.affinity} : {}),
					...(template.volumes ? {volumes: template.volumes} : {}),
				},
			},
		},
	};
}

function clientDeployment(namespace: string, name: string, extraLabels?: Record<string, string>, affinity?: unknown): KubeObject {
	return deployment(namespace, name, 'client', {
		labels: extraLabels,
		affinity,
		containers: [{name, image: connectivityImages.curl, imagePullPolicy: 'IfNotPresent', command: ['/usr/bin/pause']}],
	});
}

/** newDeploymentWithDNSTestServer: the json-mock echo server on 8080 and CoreDNS ("local" plugin) beside it. */
function echoDeployment(namespace: string, name: string, extraLabels: Record<string, string>, affinity: unknown): KubeObject {
	return deployment(namespace, name, 'echo', {
		labels: extraLabels,
		affinity,
		containers: [
			{
				name,
				image: connectivityImages.jsonMock,
				imagePullPolicy: 'IfNotPresent',
				env: [{name: 'PORT', value: '8080'}],
				ports: [{name: 'http-8080', containerPort: 8080}],
				readinessProbe: {httpGet: {path: '/', port: 8080, scheme: 'HTTP'}},
			},
			{
				name: 'dns-test-server',
				image: connectivityImages.dnsTestServer,
				imagePullPolicy: 'IfNotPresent',
				args: ['-conf', '/etc/coredns/Corefile'],
				ports: [
					{containerPort: 53, name: 'dns-53'},
					{containerPort: 53, name: 'dns-udp-53', protocol: 'UDP'},
				],
				volumeMounts: [{name: 'coredns-config-volume', mountPath: '/etc/coredns', readOnly: true}],
			},
		],
		volumes: [{name: 'coredns-config-volume', configMap: {name: 'coredns-configmap', items: [{key: 'Corefile', path: 'Corefile'}]}}],
	});
}

function echoService(namespace: string, name: string): KubeObject {
	return {
		apiVersion: 'v1',
		kind: 'Service',
		metadata: {name, namespace, labels: {kind: 'echo'}},
		spec: {type: 'NodePort', ipFamilyPolicy: 'PreferDualStack', selector: {name}, ports: [{name: 'http', port: 8080}]},
	};
}

const serviceAccount = (namespace: string, name: string): KubeObject => ({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name, namespace}});

/** What deploy() creates, in its order, each with the line it logs (`✨ [cluster] …`). */
export function connectivityWorkloads(params: Pick<ConnectivityParams, 'testNamespace' | 'singleNode'>): Array<{objects: KubeObject[]; log?: string}> {
	const ns = params.testNamespace;
	const sameNode = {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: nameIn('client'), topologyKey: hostnameTopology}]}};
	const otherNode = {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: nameIn('client'), topologyKey: hostnameTopology}]}};
	const steps: Array<{objects: KubeObject[]; log?: string}> = [
		{objects: [{apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns, labels: appLabels}}], log: `Creating namespace ${ns} for connectivity check...`},
		{objects: [echoService(ns, 'echo-same-node')], log: 'Deploying echo-same-node service...'},
		{
			objects: [{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'coredns-configmap', namespace: ns}, data: {Corefile: '. {\n\t\t\t\tlocal\n\t\t\t\tready\n\t\t\t\tlog\n\t\t\t}'}}],
			log: 'Deploying DNS test server configmap...',
		},
		{objects: [serviceAccount(ns, 'echo-same-node'), echoDeployment(ns, 'echo-same-node', {other: 'echo'}, sameNode)], log: 'Deploying same-node deployment...'},
		{objects: [serviceAccount(ns, 'client'), clientDeployment(ns, 'client')], log: 'Deploying client deployment...'},
		{objects: [serviceAccount(ns, 'client2'), clientDeployment(ns, 'client2', {other: 'client'}, sameNode)], log: 'Deploying client2 deployment...'},
	];
	if (!params.singleNode) {
		steps.push(
			{objects: [serviceAccount(ns, 'client3'), clientDeployment(ns, 'client3', {other: 'client-other-node'}, otherNode)], log: 'Deploying client3 deployment...'},
			{objects: [echoService(ns, 'echo-other-node')], log: 'Deploying echo-other-node service...'},
			{objects: [serviceAccount(ns, 'echo-other-node'), echoDeployment(ns, 'echo-other-node', {first: 'echo'}, otherNode)], log: 'Deploying other-node deployment...'},
		);
	}
	return steps;
}

/** deploymentList(): the deployments validateDeployment waits for, in its order. */
export function connectivityDeploymentNames(singleNode: boolean): string[] {
	return singleNode ? ['client', 'client2', 'echo-same-node'] : ['client', 'client2', 'echo-same-node', 'client3', 'echo-other-node'];
}

// --- peers and actions -------------------------------------------------------------------------------------------

interface Peer {
	/** As Name() prints it: namespace/name for pods and services, the endpoint's name for HTTP endpoints. */
	name: string;
	address: string;
	port: number;
	scheme: string;
	path: string;
	labels: Record<string, string>;
	kind: 'pod' | 'service' | 'http';
}

interface ClientPod extends Peer {
	pod: KubeObject;
	container: string;
}

interface Expectation {
	/** 0: success; 'any': any failure (ExitAnyError); a number: that exit code. */
	exitCode: 0 | 'any' | number;
}

const OK: Expectation = {exitCode: 0};
const DROP: Expectation = {exitCode: 'any'};
const DROP_CURL_TIMEOUT: Expectation = {exitCode: 28};

interface ActionPlan {
	name: string;
	src: ClientPod;
	dst: Peer;
	command: string[];
}

interface Scenario {
	name: string;
	actions(world: World): ActionPlan[];
}

interface TestDefinition {
	name: string;
	policies: string[];
	scenarios: Scenario[];
	expect?: (action: ActionPlan, world: World) => {egress: Expectation; ingress: Expectation};
	/** WithFeatureRequirements(features.RequireEnabled(…)). */
	requires?: 'l7-proxy';
}

interface World {
	params: ConnectivityParams;
	clients: ClientPod[];
	echoPods: Peer[];
	echoServices: Peer[];
}

function podPeer(pod: KubeObject, port = 0): ClientPod {
	const status = (pod.status ?? {}) as {podIP?: string};
	const labels = pod.metadata.labels ?? {};
	return {
		name: `${pod.metadata.namespace}/${pod.metadata.name}`,
		address: status.podIP ?? '',
		port,
		scheme: 'http',
		path: '',
		labels,
		kind: 'pod',
		pod,
		container: labels.name ?? '',
	};
}

function httpEndpoint(name: string, rawUrl: string): Peer {
	const match = /^(\w+):\/\/(\[[^\]]*\]|[^/:]*)(?::(\d+))?(\/.*)?$/.exec(rawUrl);
	const scheme = match?.[1] ?? 'http';
	const port = match?.[3] ? Number(match[3]) : scheme === 'https' ? 443 : 80;
	return {name, address: match?.[2] ?? '', port, scheme, path: match?.[4] ?? '', labels: {}, kind: 'http'};
}

function joinHostPort(host: string, port: number): string {
	return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** CurlCommand (check/context.go). */
function curlCommand(params: ConnectivityParams, peer: Peer, ...options: string[]): string[] {
	const command = ['curl', '-w', '%{local_ip}:%{local_port} -> %{remote_ip}:%{remote_port} = %{response_code}', '--silent', '--fail', '--show-error', '--output', '/dev/null'];
	if (params.connectTimeoutSeconds > 0) command.push('--connect-timeout', String(params.connectTimeoutSeconds));
	if (params.requestTimeoutSeconds > 0) command.push('--max-time', String(params.requestTimeoutSeconds));
	if (peer.address.endsWith('.')) command.push('-H', `Host: ${peer.address.slice(0, -1)}`);
	command.push(...options, `${peer.scheme}://${joinHostPort(peer.address, peer.port)}${peer.path}`);
	return command;
}

/** PingCommand (check/context.go). */
function pingCommand(params: ConnectivityParams, peer: Peer): string[] {
	const command = ['ping', '-c', '1'];
	if (params.connectTimeoutSeconds > 0) command.push('-W', String(params.connectTimeoutSeconds));
	command.push(peer.address);
	return command;
}

// The scenarios (connectivity/tests): pod.go, client.go, service.go, world.go, to-cidr.go.
const podToPod: Scenario = {
	name: 'pod-to-pod',
	actions: ({params, clients, echoPods}) => {
		const plans: ActionPlan[] = [];
		let index = 0;
		for (const client of clients) {
			for (const echo of echoPods) {
				plans.push({name: `curl-ipv4-${index}`, src: client, dst: echo, command: curlCommand(params, echo)});
				index++;
			}
		}
		return plans;
	},
};

const hasAllLabels = (peer: Peer, labels: Record<string, string> | undefined) => Object.entries(labels ?? {}).every(([key, value]) => peer.labels[key] === value);

/** PodToPod(WithSourceLabelsOption(…), WithDestinationLabelsOption(…)): the same scenario over the matching pods only. */
function podToPodWith(filter: {source?: Record<string, string>; destination?: Record<string, string>}): Scenario {
	return {
		name: 'pod-to-pod',
		actions: (world) => podToPod.actions({...world, clients: world.clients.filter((client) => hasAllLabels(client, filter.source)), echoPods: world.echoPods.filter((echo) => hasAllLabels(echo, filter.destination))}),
	};
}

const podToPodWithEndpoints: Scenario = {
	name: 'pod-to-pod-with-endpoints',
	actions: ({params, clients, echoPods}) => {
		const plans: ActionPlan[] = [];
		let index = 0;
		for (const client of clients) {
			for (const echo of echoPods) {
				for (const path of ['public', 'private']) {
					const endpoint: Peer = {...httpEndpoint(`curl-ipv4-${index}-${path}`, `${echo.scheme}://${joinHostPort(echo.address, echo.port)}/${path}`), labels: echo.labels};
					plans.push({name: `curl-ipv4-${index}-${path}`, src: client, dst: endpoint, command: curlCommand(params, endpoint)});
					if (path === 'private') {
						const withHeader: Peer = {...endpoint, name: `curl-ipv4-${index}-${path}with-header`};
						plans.push({name: withHeader.name, src: client, dst: withHeader, command: curlCommand(params, withHeader, '-H', 'X-Very-Secret-Token: 42')});
					}
				}
				index++;
			}
		}
		return plans;
	},
};

const clientToClient: Scenario = {
	name: 'client-to-client',
	actions: ({params, clients}) => {
		const plans: ActionPlan[] = [];
		let index = 0;
		for (const src of clients) {
			for (const dst of clients) {
				if (src.address === dst.address) continue;
				plans.push({name: `ping-ipv4-${index}`, src, dst, command: pingCommand(params, dst)});
				index++;
			}
		}
		return plans;
	},
};

const podToService: Scenario = {
	name: 'pod-to-service',
	actions: ({params, clients, echoServices}) => {
		const plans: ActionPlan[] = [];
		let index = 0;
		for (const client of clients) {
			for (const service of echoServices) {
				plans.push({name: `curl-${index}`, src: client, dst: service, command: curlCommand(params, service)});
				index++;
			}
		}
		return plans;
	},
};

const podToWorld: Scenario = {
	name: 'pod-to-world',
	actions: ({params, clients}) => {
		const target = params.externalTarget;
		const http = httpEndpoint(`${target}-http`, `http://${target}`);
		const https = httpEndpoint(`${target}-https`, `https://${target}`);
		const index = httpEndpoint(`${target}-https-index`, `https://${target}/index.html`);
		return clients.flatMap((client, i) => [
			{name: `http-to-${target}-${i}`, src: client, dst: http, command: curlCommand(params, http)},
			{name: `https-to-${target}-${i}`, src: client, dst: https, command: curlCommand(params, https)},
			{name: `https-to-${target}-index-${i}`, src: client, dst: index, command: curlCommand(params, index)},
		]);
	},
};

const podToCidr: Scenario = {
	name: 'pod-to-cidr',
	actions: ({params, clients}) =>
		[params.externalIp, params.externalOtherIp].flatMap((ip) => {
			const endpoint = httpEndpoint(`external-${ip.replaceAll('.', '')}`, `https://${ip}`);
			return clients.map((client, i) => ({name: `${endpoint.name}-${i}`, src: client, dst: endpoint, command: curlCommand(params, endpoint)}));
		}),
};

/** PodToWorld2 (tests/world.go): https://cilium.io. from each client. */
const podToWorld2: Scenario = {
	name: 'pod-to-world-2',
	actions: ({params, clients}) => {
		const https = httpEndpoint('cilium-io-https', 'https://cilium.io.');
		return clients.map((client, i) => ({name: `https-cilium-io-${i}`, src: client, dst: https, command: curlCommand(params, https)}));
	},
};

// The policies of connectivity/builder/manifests, as the tests apply them.
const policyYaml = {
	allowAllExceptWorld: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: allow-all-except-world
spec:
  endpointSelector: {}
  egress:
  - toEntities:
    - host
    - remote-node
    - cluster
    - init
    - health
    - kube-apiserver
  - toEndpoints:
      - {}
  - toPorts:
    - ports:
      - port: "53"
        protocol: UDP
      - port: "53"
        protocol: TCP
    toEntities:
      - world
  ingress:
  - fromEntities:
    - host
    - remote-node
    - cluster
    - init
    - health
    - kube-apiserver
  - fromEndpoints:
    - {}
`,
	denyAllIngress: `apiVersion: "cilium.io/v2"
kind: CiliumNetworkPolicy
metadata:
  name: "all-ingress-deny"
spec:
  endpointSelector: {}
  ingress:
    - {}
`,
	denyAllEgress: `apiVersion: "cilium.io/v2"
kind: CiliumNetworkPolicy
metadata:
  name: "all-egress-deny"
spec:
  endpointSelector: {}
  egress:
    - {}
`,
	echoIngressFromOtherClient: `apiVersion: "cilium.io/v2"
kind: CiliumNetworkPolicy
metadata:
  name: echo-ingress-from-other-client
spec:
  description: "Allow other client to contact echo"
  endpointSelector:
    matchLabels:
      kind: echo
  ingress:
  - fromEndpoints:
    - matchLabels:
        other: client
`,
	clientEgressToEcho: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: client-egress-to-echo
spec:
  endpointSelector:
    matchLabels:
      kind: client
  egress:
  - toPorts:
    - ports:
      - port: "8080"
        protocol: TCP
    toEndpoints:
    - matchLabels:
        io.kubernetes.pod.namespace: cilium-test
        kind: echo
  - toPorts:
    - ports:
      - port: "53"
        protocol: UDP
      - port: "53"
        protocol: TCP
    toEndpoints:
    - matchExpressions:
      - { key: 'k8s-app', operator: In, values: [ "kube-dns", "coredns", "node-local-dns", "nodelocaldns" ] }
      - { key: 'io.kubernetes.pod.namespace', operator: In, values: [ "kube-system" ] }
  - toPorts:
    - ports:
      - port: "53"
        protocol: UDP
      - port: "53"
        protocol: TCP
    toEntities:
    - world
`,
	allowAllEgress: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: allow-all-egress
spec:
  endpointSelector: {}
  egress:
  - toEndpoints:
    - {}
  - toCIDR:
    - 0.0.0.0/0
`,
	allowAllIngress: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: allow-all-ingress
spec:
  endpointSelector: {}
  ingress:
  - fromEndpoints:
    - {}
`,
	clientEgressToEchoDeny: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: client-egress-to-echo-deny
spec:
  endpointSelector:
    matchLabels:
      kind: client
  egressDeny:
  - toPorts:
    - ports:
      - port: "8080"
        protocol: TCP
    toEndpoints:
    - matchLabels:
        io.kubernetes.pod.namespace: cilium-test
        kind: echo
`,
	clientWithServiceAccountEgressToEcho: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: client-with-service-account-egress-to-echo
spec:
  description: "Allow client with service account endpoint selector to echo service"
  endpointSelector:
    matchLabels:
      io.cilium.k8s.policy.serviceaccount: client
  egress:
  - toPorts:
    - ports:
      - port: "8080"
        protocol: TCP
    toEndpoints:
    - matchLabels:
        io.kubernetes.pod.namespace: cilium-test
        kind: echo
`,
	clientEgressToEchoServiceAccount: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: client-egress-to-echo-service-account
spec:
  description: "Allow client to endpoint with service account label"
  endpointSelector:
    matchLabels:
      kind: client
  egress:
  - toPorts:
    - ports:
      - port: "8080"
        protocol: TCP
    toEndpoints:
    - matchLabels:
        io.cilium.k8s.policy.serviceaccount: echo-same-node
`,
	clientWithServiceAccountEgressToEchoDeny: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: client-with-service-account-egress-to-echo-deny
spec:
  description: "Deny client with service account endpoint selector to echo service"
  endpointSelector:
    matchLabels:
      io.cilium.k8s.policy.serviceaccount: client
  egressDeny:
  - toPorts:
    - ports:
      - port: "8080"
        protocol: TCP
    toEndpoints:
    - matchLabels:
        io.kubernetes.pod.namespace: cilium-test
        kind: echo
`,
	clientEgressToEchoServiceAccountDeny: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: client-egress-to-echo-service-account-deny
spec:
  description: "Deny client to echo endpoint with service account label"
  endpointSelector:
    matchLabels:
      io.cilium.k8s.policy.serviceaccount: client
  egressDeny:
  - toPorts:
    - ports:
      - port: "8080"
        protocol: TCP
    toEndpoints:
    - matchLabels:
        io.cilium.k8s.policy.serviceaccount: echo-same-node
`,
	clientIngressFromClient2: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: client-ingress-from-client2
spec:
  endpointSelector:
    matchLabels:
      kind: client
  ingress:
  - fromEndpoints:
    - matchLabels:
        other: client
`,
	clientIngressFromClient2Knp: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: client-ingress-from-client2
spec:
  podSelector:
    matchLabels:
      kind: client
  ingress:
    - from:
        - podSelector:
            matchLabels:
              other: client
`,
	denyAllIngressKnp: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: "all-ingress-deny"
spec:
  podSelector: { }
  policyTypes:
    - Ingress
`,
	denyAllEgressKnp: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: "all-egress-deny"
spec:
  podSelector: { }
  policyTypes:
    - Egress
`,
	denyAllEntities: `apiVersion: "cilium.io/v2"
kind: CiliumNetworkPolicy
metadata:
  name: "all-entities-deny"
spec:
  endpointSelector: {}
  egressDeny:
    - toEntities:
        - "all"
`,
	allowClusterEntity: `apiVersion: "cilium.io/v2"
kind: CiliumNetworkPolicy
metadata:
  name: "entity-cluster"
spec:
  endpointSelector:
    matchLabels:
      kind: client
  egress:
    - toEntities:
        - cluster
`,
	echoIngressFromOtherClientKnp: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: echo-ingress-from-other-client
spec:
  # Allow other client to contact echo
  podSelector:
    matchLabels:
      kind: echo
  ingress:
    - from:
        - podSelector:
            matchLabels:
              other: client
`,
	clientEgressToEchoKnp: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: client-egress-to-echo
spec:
  podSelector:
    matchLabels:
      kind: client
  egress:
    - to:
        - podSelector:
            matchLabels:
              kind: echo
      ports:
        - port: 8080
          protocol: TCP
    - to:
        - podSelector:
            matchExpressions:
              - { key: 'k8s-app', operator: In, values: [ "kube-dns", "coredns", "node-local-dns", "nodelocaldns" ] }
              - { key: 'io.kubernetes.pod.namespace', operator: In, values: [ "kube-system" ] }
      ports:
        - port: 53
    - to:
      ports:
        - port: 53
          protocol: UDP
`,
	clientEgressToEchoExpression: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: client-egress-to-echo-expression
spec:
  endpointSelector:
    matchExpressions:
    - { key: 'other', operator: Exists }
  egress:
  - toPorts:
    - ports:
      - port: "8080"
        protocol: TCP
    toEndpoints:
    - matchLabels:
        io.kubernetes.pod.namespace: cilium-test
        kind: echo
`,
	clientEgressToEchoExpressionKnp: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: client-egress-to-echo-expression
spec:
  podSelector:
    matchExpressions:
      - { key: 'other', operator: Exists }
  policyTypes:
    - Egress # Be explicit otherwise by default Ingress is denied.
  egress:
    - to:
        - podSelector:
            matchLabels:
              kind: echo
      ports:
        - protocol: TCP
          port: 8080
`,
	clientEgressToEntitiesWorld: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: client-egress-to-entities-world
spec:
  endpointSelector:
    matchLabels:
      kind: client
  egress:
  - toEntities:
    - world
    toPorts:
    - ports:
      - port: "80"
        protocol: TCP
  - toEndpoints:
    - matchExpressions:
      - { key: 'k8s-app', operator: In, values: [ "kube-dns", "coredns", "node-local-dns", "nodelocaldns" ] }
      - { key: 'io.kubernetes.pod.namespace', operator: In, values: [ "kube-system" ] }
    toPorts:
    - ports:
      - port: "53"
        protocol: UDP
      - port: "53"
        protocol: TCP
  - toEndpoints:
    - matchExpressions:
      - { key: 'dns.operator.openshift.io/daemonset-dns', operator: Exists }
      - { key: 'io.kubernetes.pod.namespace', operator: In, values: [ "openshift-dns" ] }
    toPorts:
    - ports:
      - port: "5353"
        protocol: UDP
      - port: "5353"
        protocol: TCP
  - toPorts:
    - ports:
      - port: "53"
        protocol: UDP
      - port: "53"
        protocol: TCP
    toEntities:
    - world
`,
	clientEgressToCidrExternal: `apiVersion: "cilium.io/v2"
kind: CiliumNetworkPolicy
metadata:
  name: client-egress-to-cidr
spec:
  endpointSelector:
    matchLabels:
      kind: client
  egress:
  - toCIDRSet:
    - cidr: {{.ExternalCIDR}}
      except:
      - {{.ExternalOtherIP}}/32
`,
	clientEgressToCidrExternalKnp: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: client-egress-to-cidr
spec:
  podSelector:
    matchLabels:
      kind: client
  egress:
    - to:
        - ipBlock:
            cidr: {{.ExternalCIDR}}
            except:
              - {{.ExternalOtherIP}}/32
`,
	echoIngressFromOtherClientDeny: `apiVersion: "cilium.io/v2"
kind: CiliumNetworkPolicy
metadata:
  name: echo-ingress-from-other-client-deny
spec:
  description: "Deny other client to contact echo"
  endpointSelector:
    matchLabels:
      kind: echo
  ingressDeny:
  - fromEndpoints:
    - matchLabels:
        other: client
`,
	clientEgressToEchoExpressionDeny: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: client-egress-to-echo-expression-deny
spec:
  endpointSelector:
    matchExpressions:
    - { key: 'name', operator: In, values: [ 'client' ] }
  egressDeny:
  - toPorts:
    - ports:
      - port: "8080"
        protocol: TCP
    toEndpoints:
    - matchExpressions:
      - { key: 'kind', operator: In, values: [ "echo" ] }
`,
	clientEgressToCidrExternalDeny: `apiVersion: "cilium.io/v2"
kind: CiliumNetworkPolicy
metadata:
  name: client-egress-to-cidr-deny
spec:
  endpointSelector:
    matchLabels:
      kind: client
  egressDeny:
  - toCIDRSet:
    - cidr: {{.ExternalCIDR}}
      except:
        - {{.ExternalIP}}/32
`,
	clientEgressOnlyDns: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: client-egress-only-dns
spec:
  endpointSelector:
    matchLabels:
      kind: client
  egress:
  - toPorts:
    - ports:
      - port: "53"
        protocol: UDP
      - port: "53"
        protocol: TCP
      rules:
        dns:
        - matchPattern: "*"
    toEndpoints:
      - matchExpressions:
          - { key: 'k8s-app', operator: In, values: [ "kube-dns", "coredns", "node-local-dns", "nodelocaldns" ] }
          - { key: 'io.kubernetes.pod.namespace', operator: In, values: [ "kube-system" ] }
          - { key: 'io.cilium.k8s.policy.cluster', operator: In, values: [ "{{.ClusterName}}" ] }
  - toPorts:
    - ports:
      - port: "5353"
        protocol: UDP
      - port: "5353"
        protocol: TCP
      rules:
        dns:
        - matchPattern: "*"
    toEndpoints:
    - matchExpressions:
      - { key: 'dns.operator.openshift.io/daemonset-dns', operator: Exists }
      - { key: 'io.kubernetes.pod.namespace', operator: In, values: [ "openshift-dns" ] }
      - { key: 'io.cilium.k8s.policy.cluster', operator: In, values: [ "{{.ClusterName}}" ] }
  - toPorts:
    - ports:
      - port: "53"
        protocol: UDP
      - port: "53"
        protocol: TCP
      rules:
        dns:
        - matchPattern: "*"
    toEntities:
    - world
`,
	clientEgressToFqdns: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: client-egress-to-fqdns-{{trimSuffix .ExternalTarget "."}}
spec:
  endpointSelector:
    matchLabels:
      kind: client
  egress:
  - toPorts:
    - ports:
      - port: "80"
        protocol: TCP
      rules:
        http:
        - method: "GET"
          path: "/"
    toFQDNs:
    - matchName: "{{.ExternalTarget}}"
`,
};

const isExternal = (peer: Peer, params: ConnectivityParams) => peer.address === params.externalIp || peer.address === params.externalOtherIp;

const NONE: Expectation = OK;
const DROP_CURL_HTTP_ERROR: Expectation = {exitCode: 22};
const isExternalIp = (peer: Peer, ip: string) => peer.address === ip;
const fromOtherClient = (action: ActionPlan) => action.src.labels.other === 'client';
const toEcho = (action: ActionPlan) => action.dst.labels.kind === 'echo';

/**
 * The tests of connectivity/builder the practice cluster runs, in concurrentTests()'s order (builder.go), each with
 * its builder file's policies, scenarios and expectations (check/result.go: ResultOK and ResultNone expect success,
 * the *Drop results any failure, ResultDropCurlTimeout curl's 28, ResultDNSOKDropCurlHTTPError curl's 22).
 */
export const connectivityTests: TestDefinition[] = [
	{name: 'no-policies', policies: [], scenarios: [podToPod, clientToClient, podToService, podToWorld, podToCidr]},
	{name: 'allow-all-except-world', policies: [policyYaml.allowAllExceptWorld], scenarios: [podToPod, clientToClient, podToService]},
	// client_ingress.go, client_ingress_knp.go: only client2 (other=client) may reach the clients.
	{name: 'client-ingress', policies: [policyYaml.clientIngressFromClient2], scenarios: [clientToClient], expect: (action) => (fromOtherClient(action) ? {egress: OK, ingress: OK} : {egress: OK, ingress: DROP})},
	{name: 'client-ingress-knp', policies: [policyYaml.clientIngressFromClient2Knp], scenarios: [clientToClient], expect: (action) => (fromOtherClient(action) ? {egress: OK, ingress: OK} : {egress: OK, ingress: DROP})},
	{
		name: 'all-ingress-deny',
		policies: [policyYaml.denyAllIngress],
		scenarios: [podToPod, podToCidr],
		expect: (action, world) => (isExternal(action.dst, world.params) ? {egress: OK, ingress: NONE} : {egress: DROP, ingress: DROP}),
	},
	{
		name: 'all-ingress-deny-knp',
		policies: [policyYaml.denyAllIngressKnp],
		scenarios: [podToPod, podToCidr],
		expect: (action, world) => (isExternal(action.dst, world.params) ? {egress: OK, ingress: NONE} : {egress: DROP, ingress: DROP}),
	},
	{name: 'all-egress-deny', policies: [policyYaml.denyAllEgress], scenarios: [podToPod, podToPodWithEndpoints], expect: () => ({egress: DROP, ingress: OK})},
	{name: 'all-egress-deny-knp', policies: [policyYaml.denyAllEgressKnp], scenarios: [podToPod, podToPodWithEndpoints], expect: () => ({egress: DROP, ingress: NONE})},
	{name: 'all-entities-deny', policies: [policyYaml.denyAllEntities], scenarios: [podToPod, podToCidr], expect: () => ({egress: DROP, ingress: NONE})},
	{name: 'cluster-entity', policies: [policyYaml.allowClusterEntity], scenarios: [podToPodWith({destination: {name: 'echo-same-node'}})]},
	{
		name: 'echo-ingress',
		policies: [policyYaml.echoIngressFromOtherClient],
		scenarios: [podToPod],
		expect: (action) => (toEcho(action) && !fromOtherClient(action) ? {egress: DROP_CURL_TIMEOUT, ingress: DROP_CURL_TIMEOUT} : {egress: OK, ingress: OK}),
	},
	{
		name: 'echo-ingress-knp',
		policies: [policyYaml.echoIngressFromOtherClientKnp],
		scenarios: [podToPod],
		expect: (action) => (toEcho(action) && !fromOtherClient(action) ? {egress: DROP_CURL_TIMEOUT, ingress: DROP_CURL_TIMEOUT} : {egress: OK, ingress: OK}),
	},
	{name: 'client-egress', policies: [policyYaml.clientEgressToEcho], scenarios: [podToPod]},
	{name: 'client-egress-knp', policies: [policyYaml.clientEgressToEchoKnp], scenarios: [podToPod]},
	{name: 'client-egress-expression', policies: [policyYaml.clientEgressToEchoExpression], scenarios: [podToPod]},
	{name: 'client-egress-expression-knp', policies: [policyYaml.clientEgressToEchoExpressionKnp], scenarios: [podToPod]},
	// client_with_service_account_egress_to_echo.go, client_egress_to_echo_service_account.go: selectors on the
	// io.cilium.k8s.policy.serviceaccount label (each test deployment runs as its own service account).
	{name: 'client-with-service-account-egress-to-echo', policies: [policyYaml.clientWithServiceAccountEgressToEcho], scenarios: [podToPodWith({source: {kind: 'client'}})]},
	{
		name: 'client-egress-to-echo-service-account',
		policies: [policyYaml.clientEgressToEchoServiceAccount],
		scenarios: [podToPodWith({source: {kind: 'client'}})],
		expect: (action) => (action.dst.labels.name === 'echo-same-node' ? {egress: OK, ingress: OK} : {egress: DROP, ingress: NONE}),
	},
	// to_entities_world.go: port 80 to the world is allowed, 443 is dropped.
	{name: 'to-entities-world', policies: [policyYaml.clientEgressToEntitiesWorld], scenarios: [podToWorld], expect: (action) => (action.dst.port === 80 ? {egress: OK, ingress: NONE} : {egress: DROP_CURL_TIMEOUT, ingress: NONE})},
	// to_cidr_external(_knp).go: ExternalCIDR is allowed except ExternalOtherIP.
	{
		name: 'to-cidr-external',
		policies: [policyYaml.clientEgressToCidrExternal],
		scenarios: [podToCidr],
		expect: (action, world) => (isExternalIp(action.dst, world.params.externalOtherIp) ? {egress: DROP_CURL_TIMEOUT, ingress: NONE} : {egress: OK, ingress: NONE}),
	},
	{
		name: 'to-cidr-external-knp',
		policies: [policyYaml.clientEgressToCidrExternalKnp],
		scenarios: [podToCidr],
		expect: (action, world) => (isExternalIp(action.dst, world.params.externalOtherIp) ? {egress: DROP_CURL_TIMEOUT, ingress: NONE} : {egress: OK, ingress: NONE}),
	},
	{
		name: 'echo-ingress-from-other-client-deny',
		policies: [policyYaml.allowAllEgress, policyYaml.allowAllIngress, policyYaml.echoIngressFromOtherClientDeny],
		scenarios: [podToPodWith({source: {name: 'client'}}), podToPodWith({source: {name: 'client2'}}), clientToClient],
		expect: (action) => (fromOtherClient(action) && toEcho(action) ? {egress: DROP, ingress: DROP} : {egress: OK, ingress: OK}),
	},
	{
		name: 'client-egress-to-echo-deny',
		policies: [policyYaml.allowAllEgress, policyYaml.allowAllIngress, policyYaml.clientEgressToEchoDeny],
		scenarios: [clientToClient, podToPod],
		expect: (action) => (action.src.labels.kind === 'client' && action.dst.labels.kind === 'echo' && action.dst.port === 8080 ? {egress: DROP, ingress: OK} : {egress: OK, ingress: OK}),
	},
	{
		name: 'client-egress-to-echo-expression-deny',
		policies: [policyYaml.allowAllEgress, policyYaml.allowAllIngress, policyYaml.clientEgressToEchoExpressionDeny],
		scenarios: [podToPodWith({source: {name: 'client'}}), podToPodWith({source: {name: 'client2'}})],
		expect: (action) => (toEcho(action) && action.src.labels.name === 'client' ? {egress: DROP, ingress: NONE} : {egress: OK, ingress: OK}),
	},
	{
		name: 'client-with-service-account-egress-to-echo-deny',
		policies: [policyYaml.allowAllEgress, policyYaml.allowAllIngress, policyYaml.clientWithServiceAccountEgressToEchoDeny],
		scenarios: [podToPodWith({source: {name: 'client'}}), podToPodWith({source: {name: 'client2'}})],
		expect: (action) => (toEcho(action) && action.src.labels.name === 'client' ? {egress: DROP, ingress: NONE} : {egress: OK, ingress: OK}),
	},
	{
		name: 'client-egress-to-echo-service-account-deny',
		policies: [policyYaml.allowAllEgress, policyYaml.allowAllIngress, policyYaml.clientEgressToEchoServiceAccountDeny],
		scenarios: [podToPodWith({source: {name: 'client'}})],
		expect: (action) => (action.dst.labels.name === 'echo-same-node' ? {egress: DROP, ingress: NONE} : {egress: OK, ingress: OK}),
	},
	// client_egress_to_cidr_deny(_default).go: ExternalCIDR is denied except ExternalIP, with and without allow-all-egress.
	{
		name: 'client-egress-to-cidr-deny',
		policies: [policyYaml.allowAllEgress, policyYaml.clientEgressToCidrExternalDeny],
		scenarios: [podToCidr],
		expect: (action, world) => (isExternalIp(action.dst, world.params.externalIp) ? {egress: OK, ingress: NONE} : {egress: DROP, ingress: NONE}),
	},
	{name: 'client-egress-to-cidr-deny-default', policies: [policyYaml.clientEgressToCidrExternalDeny], scenarios: [podToCidr], expect: () => ({egress: DROP, ingress: NONE})},
	// dns_only.go: DNS to kube-dns through the proxy and nothing else.
	{name: 'dns-only', requires: 'l7-proxy', policies: [policyYaml.clientEgressOnlyDns], scenarios: [podToPod, podToWorld], expect: () => ({egress: DROP_CURL_TIMEOUT, ingress: NONE})},
	// to_fqdns.go: GET / on port 80 of ExternalTarget through the proxy; other ports time out, other paths get the proxy's 403.
	{
		name: 'to-fqdns',
		requires: 'l7-proxy',
		policies: [policyYaml.clientEgressToFqdns, policyYaml.clientEgressOnlyDns],
		scenarios: [podToWorld, podToWorld2],
		expect: (action, world) => {
			const rootPath = action.dst.path === '/' || action.dst.path === '';
			if (action.dst.address === 'cilium.io.') return rootPath ? {egress: DROP_CURL_TIMEOUT, ingress: NONE} : {egress: DROP_CURL_HTTP_ERROR, ingress: NONE};
			if (action.dst.port === 80 && action.dst.address === world.params.externalTarget) return rootPath ? {egress: OK, ingress: NONE} : {egress: DROP_CURL_HTTP_ERROR, ingress: NONE};
			return {egress: DROP_CURL_TIMEOUT, ingress: NONE};
		},
	},
];

/** renderTemplates (builder.go): the manifests' Go template fields. */
function renderTemplate(yaml: string, params: ConnectivityParams, clusterName: string): string {
	return yaml
		.replaceAll('{{trimSuffix .ExternalTarget "."}}', params.externalTarget.replace(/\.$/, ''))
		.replaceAll('{{.ExternalTarget}}', params.externalTarget)
		.replaceAll('{{.ExternalCIDR}}', params.externalCidr)
		.replaceAll('{{.ExternalIP}}', params.externalIp)
		.replaceAll('{{.ExternalOtherIP}}', params.externalOtherIp)
		.replaceAll('{{.ClusterName}}', clusterName);
}

/** Parameters.testEnabled (check/check.go): a skip filter wins, then any run filter, else every test runs. */
export function testEnabled(params: Pick<ConnectivityParams, 'runTests' | 'skipTests'>, name: string): boolean {
	if (params.skipTests.some((pattern) => pattern.test(name))) return false;
	if (params.runTests.some((pattern) => pattern.test(name))) return true;
	return params.runTests.length === 0;
}

/** cli/connectivity.go RunE: `!` starts a skip filter; each is a regular expression. */
export function compileTestFilters(filters: string[]): {runTests: RegExp[]; skipTests: RegExp[]} {
	const runTests: RegExp[] = [];
	const skipTests: RegExp[] = [];
	for (const filter of filters) {
		const negated = filter.startsWith('!');
		const source = negated ? filter.slice(1) : filter;
		let pattern: RegExp;
		try {
			pattern = new RegExp(source);
		} catch {
			throw new Error(`test filter: error parsing regexp: invalid expression: \`${source}\``);
		}
		(negated ? skipTests : runTests).push(pattern);
	}
	return {runTests, skipTests};
}

function expectedExitCode(result: {egress: Expectation; ingress: Expectation}): 0 | 'any' | number {
	if (result.egress.exitCode === 0 && result.ingress.exitCode === 0) return 0;
	return result.egress.exitCode !== 0 ? result.egress.exitCode : result.ingress.exitCode;
}

// --- running -----------------------------------------------------------------------------------------------------

export interface ConnectivityOutput {
	write(text: string): void;
}

interface ActionOutcome {
	text: string;
	failed: boolean;
}

async function execInPod(ctx: PracticeContext, src: ClientPod, command: string[], signal: AbortSignal): Promise<{code: number; stdout: string; stderr: string}> {
	let stdout = '';
	let stderr = '';
	const program = findPodProgram(command[0]!, src.pod);
	if (!program) return {code: 127, stdout, stderr: `exec: "${command[0]}": executable file not found in $PATH`};
	const io: ProgramIO = {stdout: {write: (text) => void (stdout += text)}, stderr: {write: (text) => void (stderr += text)}, tty: false, signal, env: {}};
	const code = await program(command, io, src.pod, ctx);
	return {code, stdout, stderr};
}

function quoteGo(text: string): string {
	return JSON.stringify(text);
}

/**
 * Runs the selected tests and prints as cilium-cli does without -v: a test's log is buffered and shown only when it
 * fails (Test.flush), each action prints a progress dot. Returns the number of failed tests.
 */
export async function runConnectivityTests(ctx: PracticeContext, params: ConnectivityParams, out: ConnectivityOutput, signal: AbortSignal, world: World): Promise<number> {
	const ns = params.testNamespace;
	const tests = connectivityTests;
	// ct.ClusterName (check/features.go): cilium-config's cluster-name, else "default"; the DNS policies select it.
	const config = ctx.store.get('v1', 'ConfigMap', 'kube-system', 'cilium-config') as {data?: Record<string, string>} | undefined;
	const ciliumClusterName = config?.data?.['cluster-name'] || 'default';
	// features.L7Proxy (check/features.go): the agent runs its proxy unless enable-l7-proxy is false (AKS's managed Cilium without ACNS).
	const l7Proxy = config?.data?.['enable-l7-proxy'] !== 'false';
	out.write(`🏃[${ns}] Running ${tests.length} tests ...\n`);
	let totalActions = 0;
	let skippedTests = 0;
	let skippedScenarios = 0;
	const failed: Array<{name: string; actions: string[]}> = [];
	for (const [position, test] of tests.entries()) {
		const index = position + 1;
		const scenarioName = (scenario: Scenario) => `${test.name}/${scenario.name}`;
		// Test.willRun: feature requirements first (MatchRequirements), then the user's filter.
		if (test.requires === 'l7-proxy' && !l7Proxy) {
			skippedTests++;
			out.write(`[=] [${ns}] Skipping test [${test.name}] [${index}/${tests.length}] (Feature l7-proxy is disabled)\n`);
			continue;
		}
		const enabled = test.scenarios.filter((scenario) => testEnabled(params, scenarioName(scenario)));
		if (enabled.length === 0) {
			skippedTests++;
			out.write(`[=] [${ns}] Skipping test [${test.name}] [${index}/${tests.length}] (skipped by user)\n`);
			continue;
		}
		out.write(`[=] [${ns}] Test [${test.name}] [${index}/${tests.length}]\n`);
		let buffer: string[] | undefined = params.verbose ? undefined : [];
		const log = (line: string) => {
			if (buffer) buffer.push(`  ${line}\n`);
			else out.write(`  ${line}\n`);
		};
		const failedActions: string[] = [];
		const fail = (line: string) => {
			log(line);
			if (buffer) {
				out.write('\n');
				out.write(buffer.join(''));
				buffer = undefined;
			}
		};
		const applied: KubeObject[] = [];
		try {
			for (const yaml of test.policies) {
				for (const document of parseAllDocuments(renderTemplate(yaml, params, ciliumClusterName))) {
					const policy = document.toJS() as KubeObject;
					policy.metadata = {...policy.metadata, namespace: ns};
					const text = JSON.stringify(policy).replaceAll('"io.kubernetes.pod.namespace":"cilium-test"', `"io.kubernetes.pod.namespace":"${ns}"`);
					const object = JSON.parse(text) as KubeObject;
					log(`ℹ️  📜 Applying ${object.kind} '${object.metadata.name}' to namespace '${ns}' on cluster ${params.clusterName}..`);
					const existing = ctx.store.get(object.apiVersion, object.kind, ns, object.metadata.name);
					if (existing) ctx.store.delete(object.apiVersion, object.kind, ns, object.metadata.name);
					applied.push(ctx.store.create(object));
				}
			}
			for (const scenario of test.scenarios) {
				if (!testEnabled(params, scenarioName(scenario))) {
					skippedScenarios++;
					log(`[-] Skipping Scenario [${scenarioName(scenario)}] (skipped by user)`);
					continue;
				}
				log(`[-] Scenario [${scenarioName(scenario)}]`);
				for (const action of scenario.actions(world)) {
					const outcome = await runAction(ctx, test, scenarioName(scenario), action, world, log, fail, (text) => out.write(text), signal);
					totalActions++;
					if (outcome.failed) failedActions.push(outcome.text);
				}
			}
		} finally {
			for (const policy of applied.reverse()) {
				log(`ℹ️  📜 Deleting ${policy.kind} '${policy.metadata.name}' in namespace '${ns}' on cluster ${params.clusterName}..`);
				try {
					ctx.store.delete(policy.apiVersion, policy.kind, ns, policy.metadata.name);
				} catch {
					// Deleted meanwhile.
				}
			}
		}
		if (buffer) out.write('\n');
		if (failedActions.length > 0) failed.push({name: test.name, actions: failedActions});
	}
	const ran = tests.length - skippedTests;
	if (failed.length > 0) {
		out.write(`\n📋 Test Report [${ns}]\n`);
		out.write(`❌ ${failed.length}/${ran} tests failed (${failed.reduce((sum, test) => sum + test.actions.length, 0)}/${totalActions} actions), ${skippedTests} tests skipped, ${skippedScenarios} scenarios skipped:\n`);
		for (const test of failed) {
			out.write(`Test [${test.name}]:\n`);
			for (const action of test.actions) out.write(`  ❌ ${action}\n`);
		}
		return failed.length;
	}
	out.write(`\n✅ [${ns}] All ${ran} tests (${totalActions} actions) successful, ${skippedTests} tests skipped, ${skippedScenarios} scenarios skipped.\n`);
	return 0;
}

async function runAction(
	ctx: PracticeContext,
	test: TestDefinition,
	scenario: string,
	action: ActionPlan,
	world: World,
	log: (line: string) => void,
	fail: (line: string) => void,
	progress: (text: string) => void,
	signal: AbortSignal,
): Promise<ActionOutcome> {
	const peers = `${action.src.name} (${action.src.address}) -> ${action.dst.name} (${action.dst.address}:${action.dst.port})`;
	const text = `${scenario}/${action.name}: ${peers}`;
	log(`[.] Action [${text}]`);
	progress('.');
	const expectation = test.expect?.(action, world) ?? {egress: OK, ingress: OK};
	const expected = expectedExitCode(expectation);
	const command = action.command;
	const commandText = command.join(' ');
	const result = await execInPod(ctx, action.src, command, signal);
	let failed = false;
	let showOutput = false;
	if (result.code !== 0) {
		const error = `command terminated with exit code ${result.code}`;
		if (expected === 0) {
			fail(`❌ command ${quoteGo(commandText)} failed: ${error}`);
			failed = showOutput = true;
		} else if (expected !== 'any' && result.code !== expected) {
			fail(`❌ command ${quoteGo(commandText)} failed with unexpected exit code: ${error} (expected ${expected}, found ${result.code})`);
			failed = true;
		}
	} else if (expected !== 0) {
		fail(`❌ command ${quoteGo(commandText)} succeeded while it should have failed: ${result.stdout}`);
		failed = showOutput = true;
	}
	if (showOutput) {
		log(`ℹ️  ${command[0]} stdout:`);
		log(result.stdout.trim());
		log(`ℹ️  ${command[0]} stderr:`);
		log(result.stderr.trim());
		log('');
	}
	return {text, failed};
}

/** The pods and services the tests use, read from the cluster as validateDeployment does. */
export function readWorld(ctx: PracticeContext, params: ConnectivityParams): World {
	const ns = params.testNamespace;
	const byName = (a: KubeObject, b: KubeObject) => a.metadata.name.localeCompare(b.metadata.name);
	const running = (pod: KubeObject) => (pod.status as {phase?: string} | undefined)?.phase === 'Running' && !pod.metadata.deletionTimestamp;
	const clients = ctx.store.list('v1', 'Pod', {namespace: ns, labelSelector: 'kind=client'}).filter(running).sort(byName).map((pod) => podPeer(pod));
	const echoPods = ctx.store
		.list('v1', 'Pod', {namespace: ns, labelSelector: 'kind=echo'})
		.filter(running)
		.sort(byName)
		.map((pod) => ({...podPeer(pod, 8080)}));
	const echoServices: Peer[] = ctx.store
		.list('v1', 'Service', {namespace: ns, labelSelector: 'kind=echo'})
		.sort(byName)
		.map((service) => ({name: `${ns}/${service.metadata.name}`, address: `${service.metadata.name}.${ns}`, port: 8080, scheme: 'http', path: '', labels: service.metadata.labels ?? {}, kind: 'service'}));
	return {params, clients, echoPods, echoServices};
}
