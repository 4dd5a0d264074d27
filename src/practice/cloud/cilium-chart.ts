// The cilium Helm chart, rendered for one of the offered versions (src/practice/versions.ts): from the values, the
// objects the real templates produce with their real names and labels (cilium-semantics §5), the version's images
// and NOTES. Workloads carry enough of a pod template
// (selector, labels, image, hostNetwork, tolerations, ports) for the controllers to run them.
import {stringify as stringifyYaml} from 'yaml';
import type {KubeObject} from '../types.js';
import {mergeValues, isTrue, getPath, ValuesError, type Values} from './helm-values.js';
import type {CrdFeatures} from './cilium-crds.js';
import {ciliumBehaviour, ciliumRelease, GUIDE_CILIUM_VERSION, minorOf, type CiliumImages} from '../versions.js';

/** The guide's chart version: what the practice cluster renders when no version is asked for. */
export const ciliumChartVersion = GUIDE_CILIUM_VERSION;

/** The images of the guide's chart (values.yaml of cilium-1.16.4.tgz, with `useDigest`). */
export const ciliumImages: CiliumImages = ciliumRelease(GUIDE_CILIUM_VERSION)!.images;

/** The chart's defaults for the values the simulation reads (values.yaml of 1.16; the real file has many more). */
export const ciliumChartDefaults: Values = {
	aksbyocni: {enabled: false},
	azure: {enabled: false},
	nodeinit: {enabled: false},
	cluster: {name: 'default', id: 0},
	debug: {enabled: false},
	routingMode: '',
	tunnelProtocol: '',
	ipam: {mode: 'cluster-pool', operator: {clusterPoolIPv4PodCIDRList: ['10.0.0.0/8'], clusterPoolIPv4MaskSize: 24}},
	identityAllocationMode: 'crd',
	policyEnforcementMode: 'default',
	l7Proxy: true,
	kubeProxyReplacement: 'false',
	bpf: {masquerade: false},
	envoy: {enabled: null},
	egressGateway: {enabled: false},
	localRedirectPolicy: false,
	envoyConfig: {enabled: false},
	ingressController: {enabled: false},
	gatewayAPI: {enabled: false},
	bgpControlPlane: {enabled: false},
	ciliumEndpointSlice: {enabled: false},
	dnsProxy: {
		dnsRejectResponseCode: 'refused',
		enableDnsCompression: true,
		endpointMaxIpPerHostname: 50,
		idleConnectionGracePeriod: '0s',
		maxDeferredConnectionDeletes: 10000,
		minTtl: 0,
		proxyResponseMaxDelay: '100ms',
	},
	operator: {enabled: true, replicas: 2},
	hubble: {
		enabled: true,
		listenAddress: ':4244',
		peerService: {servicePort: null, targetPort: 4244},
		tls: {enabled: true, auto: {enabled: true, method: 'helm'}},
		relay: {enabled: false, replicas: 1, tls: {server: {enabled: false}}},
		ui: {enabled: false, replicas: 1},
	},
};

export interface RenderedChart {
	objects: KubeObject[];
	notes: string;
	/** What the operator registers CRDs for when it starts. */
	crdFeatures: CrdFeatures;
}

const partOf = {'app.kubernetes.io/part-of': 'cilium'};
const tolerateEverything = [{operator: 'Exists'}];

function meta(name: string, namespace: string | undefined, labels: Record<string, string>, extra: Record<string, unknown> = {}) {
	return {name, ...(namespace ? {namespace} : {}), ...(Object.keys(labels).length > 0 ? {labels} : {}), ...extra};
}

function workloadTemplate(
	podLabels: Record<string, string>,
	options: {containers: Array<Record<string, unknown>>; hostNetwork?: boolean; serviceAccountName: string; initContainers?: Array<Record<string, unknown>>; priorityClassName?: string},
) {
	return {
		metadata: {labels: podLabels, annotations: {'container.apparmor.security.beta.kubernetes.io/cilium-agent': 'unconfined'}},
		spec: {
			...(options.hostNetwork ? {hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet'} : {}),
			serviceAccountName: options.serviceAccountName,
			automountServiceAccountToken: true,
			...((options.priorityClassName ?? 'system-node-critical') ? {priorityClassName: options.priorityClassName ?? 'system-node-critical'} : {}),
			restartPolicy: 'Always',
			terminationGracePeriodSeconds: 1,
			nodeSelector: {'kubernetes.io/os': 'linux'},
			tolerations: tolerateEverything,
			...(options.initContainers ? {initContainers: options.initContainers} : {}),
			containers: options.containers,
		},
	};
}

function daemonSet(name: string, namespace: string, labels: Record<string, string>, selector: Record<string, string>, template: object): KubeObject {
	return {
		apiVersion: 'apps/v1',
		kind: 'DaemonSet',
		metadata: meta(name, namespace, labels),
		spec: {
			selector: {matchLabels: selector},
			updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 2}},
			template,
		},
	};
}

function deployment(name: string, namespace: string, labels: Record<string, string>, selector: Record<string, string>, replicas: number, template: object): KubeObject {
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: meta(name, namespace, labels),
		spec: {
			replicas,
			selector: {matchLabels: selector},
			strategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: '25%', maxUnavailable: '50%'}},
			template,
		},
	};
}

function serviceAccount(name: string, namespace: string): KubeObject {
	return {apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, namespace, {})};
}

function clusterRoleWithBinding(name: string, namespace: string, serviceAccountName: string, rules: Array<Record<string, unknown>>): KubeObject[] {
	return [
		{apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(name, undefined, partOf), rules},
		{
			apiVersion: 'rbac.authorization.k8s.io/v1',
			kind: 'ClusterRoleBinding',
			metadata: meta(name, undefined, partOf),
			roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name},
			subjects: [{kind: 'ServiceAccount', name: serviceAccountName, namespace}],
		},
	];
}

function service(name: string, namespace: string, labels: Record<string, string>, selector: Record<string, string>, ports: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): KubeObject {
	return {apiVersion: 'v1', kind: 'Service', metadata: meta(name, namespace, labels), spec: {type: 'ClusterIP', selector, ports, ...extra}};
}

/** Fails as the chart's templates fail (`helm install` prints "Error: INSTALLATION FAILED: execution error at …"). */
function validate(values: Values): void {
	if (isTrue(values, 'aksbyocni.enabled') && values.routingMode !== '' && values.routingMode !== 'tunnel') {
		throw new ValuesError(`execution error at (cilium/templates/cilium-configmap.yaml): Only tunnel routing mode is supported on AKS BYOCNI`);
	}
	if (isTrue(values, 'aksbyocni.enabled') && isTrue(values, 'azure.enabled')) {
		throw new ValuesError(`execution error at (cilium/templates/validate.yaml): aksbyocni.enabled and azure.enabled are mutually exclusive`);
	}
	const mode = values.policyEnforcementMode;
	if (!['default', 'always', 'never'].includes(String(mode))) {
		throw new ValuesError(`values don't meet the specifications of the schema(s) in the following chart(s):\ncilium:\n- policyEnforcementMode: policyEnforcementMode must be one of the following: "default", "always", "never"`);
	}
}

export function computedValues(userValues: Values): Values {
	return mergeValues(ciliumChartDefaults, userValues);
}

/** Renders the chart for `helm install <release> cilium/cilium --version <version> -n <namespace>` with the user's values. */
export function renderCiliumChart(userValues: Values, namespace: string, version: string = ciliumChartVersion): RenderedChart {
	const release = ciliumRelease(version);
	if (!release) throw new ValuesError(`the practice cluster does not simulate the cilium chart ${version}`);
	const ciliumImages = release.images;
	const values = computedValues(userValues);
	validate(values);
	const aksByoCni = isTrue(values, 'aksbyocni.enabled');
	const azure = isTrue(values, 'azure.enabled');
	const envoyEnabled = getPath(values, 'envoy.enabled') !== false;
	const hubble = isTrue(values, 'hubble.enabled');
	const relay = hubble && isTrue(values, 'hubble.relay.enabled');
	const ui = hubble && isTrue(values, 'hubble.ui.enabled');
	const hubbleTls = isTrue(values, 'hubble.tls.enabled');
	const egressGateway = isTrue(values, 'egressGateway.enabled');
	const tunnel = aksByoCni || (!azure && values.routingMode !== 'native');
	const ipamMode = aksByoCni ? 'cluster-pool' : azure ? 'azure' : String(getPath(values, 'ipam.mode'));
	const dnsProxy = (values.dnsProxy ?? {}) as Values;

	const objects: KubeObject[] = [];

	// --- ServiceAccounts, RBAC
	objects.push(serviceAccount('cilium', namespace), serviceAccount('cilium-envoy', namespace), serviceAccount('cilium-operator', namespace));
	objects.push(
		...clusterRoleWithBinding('cilium', namespace, 'cilium', [
			{apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list', 'watch']},
			{apiGroups: [''], resources: ['namespaces', 'services', 'pods', 'endpoints', 'nodes'], verbs: ['get', 'list', 'watch']},
			{apiGroups: ['cilium.io'], resources: ['*'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']},
		]),
		...clusterRoleWithBinding('cilium-operator', namespace, 'cilium-operator', [
			{apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete']},
			{apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['create', 'get', 'list', 'watch', 'update']},
			{apiGroups: ['cilium.io'], resources: ['*'], verbs: ['*']},
		]),
	);

	// --- cilium-config
	const config: Record<string, string> = {
		'identity-allocation-mode': String(values.identityAllocationMode),
		'cilium-endpoint-gc-interval': '5m0s',
		'nodes-gc-interval': '5m0s',
		debug: String(isTrue(values, 'debug.enabled')),
		'enable-policy': String(values.policyEnforcementMode),
		'policy-cidr-match-mode': '',
		'enable-ipv4': 'true',
		'enable-ipv6': 'false',
		'cluster-name': String(getPath(values, 'cluster.name')),
		'cluster-id': String(getPath(values, 'cluster.id')),
		'routing-mode': tunnel ? 'tunnel' : 'native',
		...(tunnel ? {'tunnel-protocol': String(values.tunnelProtocol || 'vxlan')} : {}),
		ipam: ipamMode,
		...(ipamMode === 'cluster-pool'
			? {
					'cluster-pool-ipv4-cidr': (getPath(values, 'ipam.operator.clusterPoolIPv4PodCIDRList') as string[]).join(' '),
					'cluster-pool-ipv4-mask-size': String(getPath(values, 'ipam.operator.clusterPoolIPv4MaskSize')),
				}
			: {}),
		...(azure ? {'enable-endpoint-routes': 'true', 'auto-create-cilium-node-resource': 'true'} : {}),
		'kube-proxy-replacement': String(values.kubeProxyReplacement),
		'enable-bpf-masquerade': String(isTrue(values, 'bpf.masquerade')),
		'enable-l7-proxy': String(values.l7Proxy !== false),
		'external-envoy-proxy': String(envoyEnabled),
		'enable-ipv4-egress-gateway': String(egressGateway),
		'enable-local-redirect-policy': String(values.localRedirectPolicy === true),
		'enable-hubble': String(hubble),
		...(hubble
			? {
					'hubble-socket-path': '/var/run/cilium/hubble.sock',
					'hubble-listen-address': String(getPath(values, 'hubble.listenAddress')),
					'hubble-disable-tls': String(!hubbleTls),
					...(hubbleTls ? {'hubble-tls-cert-file': '/var/lib/cilium/tls/hubble/server.crt', 'hubble-tls-key-file': '/var/lib/cilium/tls/hubble/server.key', 'hubble-tls-client-ca-files': '/var/lib/cilium/tls/hubble/client-ca.crt'} : {}),
				}
			: {}),
		'tofqdns-dns-reject-response-code': String(dnsProxy.dnsRejectResponseCode),
		'tofqdns-enable-dns-compression': String(dnsProxy.enableDnsCompression),
		'tofqdns-endpoint-max-ip-per-hostname': String(dnsProxy.endpointMaxIpPerHostname),
		'tofqdns-idle-connection-grace-period': String(dnsProxy.idleConnectionGracePeriod),
		'tofqdns-max-deferred-connection-deletes': String(dnsProxy.maxDeferredConnectionDeletes),
		'tofqdns-proxy-response-max-delay': String(dnsProxy.proxyResponseMaxDelay),
		// The chart writes tofqdns-min-ttl only when it is non-zero.
		...(Number(dnsProxy.minTtl) ? {'tofqdns-min-ttl': String(dnsProxy.minTtl)} : {}),
		'operator-api-serve-addr': '127.0.0.1:9234',
		'agent-not-ready-taint-key': 'node.cilium.io/agent-not-ready',
	};
	objects.push({apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cilium-config', namespace, {}), data: config});

	// --- agent
	const agentLabels = {'k8s-app': 'cilium', 'app.kubernetes.io/name': 'cilium-agent', ...partOf};
	objects.push(
		daemonSet(
			'cilium',
			namespace,
			agentLabels,
			{'k8s-app': 'cilium'},
			workloadTemplate(agentLabels, {
				hostNetwork: true,
				serviceAccountName: 'cilium',
				initContainers: [
					{name: 'config', image: ciliumImages.agent, command: ['cilium-dbg', 'build-config']},
					{name: 'mount-cgroup', image: ciliumImages.agent},
					{name: 'apply-sysctl-overwrites', image: ciliumImages.agent},
					{name: 'mount-bpf-fs', image: ciliumImages.agent},
					{name: 'clean-cilium-state', image: ciliumImages.agent},
					{name: 'install-cni-binaries', image: ciliumImages.agent},
				],
				containers: [
					{
						name: 'cilium-agent',
						image: ciliumImages.agent,
						command: ['cilium-agent'],
						args: ['--config-dir=/tmp/cilium/config-map'],
						ports: [
							{name: 'peer-service', containerPort: 4244, hostPort: 4244, protocol: 'TCP'},
							{name: 'health', containerPort: 9879, hostPort: 9879, protocol: 'TCP'},
						],
						readinessProbe: {httpGet: {host: '127.0.0.1', path: '/healthz', port: 9879, scheme: 'HTTP'}},
					},
				],
			}),
		),
	);

	// --- envoy
	if (envoyEnabled) {
		const envoyLabels = {'k8s-app': 'cilium-envoy', name: 'cilium-envoy', 'app.kubernetes.io/name': 'cilium-envoy', ...partOf};
		objects.push(
			{apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cilium-envoy-config', namespace, {}), data: {'bootstrap-config.json': JSON.stringify({node: {id: 'host~127.0.0.1~no-id~localdomain', cluster: 'ingress-cluster'}})}},
			daemonSet(
				'cilium-envoy',
				namespace,
				envoyLabels,
				{'k8s-app': 'cilium-envoy'},
				workloadTemplate(envoyLabels, {
					hostNetwork: true,
					serviceAccountName: 'cilium-envoy',
					containers: [{name: 'cilium-envoy', image: ciliumImages.envoy, command: ['/usr/bin/cilium-envoy-starter'], ports: [{name: 'envoy-metrics', containerPort: 9964, hostPort: 9964, protocol: 'TCP'}]}],
				}),
			),
		);
	}

	// --- operator
	const operatorLabels = {'io.cilium/app': 'operator', name: 'cilium-operator', 'app.kubernetes.io/name': 'cilium-operator', ...partOf};
	const operatorReplicas = Number(getPath(values, 'operator.replicas'));
	if (!Number.isInteger(operatorReplicas) || operatorReplicas < 0) throw new ValuesError(`operator.replicas must be a whole number, got ${String(getPath(values, 'operator.replicas'))}`);
	objects.push(
		deployment(
			'cilium-operator',
			namespace,
			operatorLabels,
			{'io.cilium/app': 'operator', name: 'cilium-operator'},
			operatorReplicas,
			workloadTemplate(operatorLabels, {
				hostNetwork: true,
				serviceAccountName: 'cilium-operator',
				priorityClassName: 'system-cluster-critical',
				containers: [
					{
						name: 'cilium-operator',
						image: azure ? ciliumImages.operatorAzure : ciliumImages.operatorGeneric,
						command: [azure ? 'cilium-operator-azure' : 'cilium-operator-generic'],
						args: ['--config-dir=/tmp/cilium/config-map', '--debug=$(CILIUM_DEBUG)'],
						ports: [{name: 'prometheus', containerPort: 9963, hostPort: 9963, protocol: 'TCP'}],
					},
				],
			}),
		),
	);

	// --- node-init
	if (isTrue(values, 'nodeinit.enabled')) {
		const nodeInitLabels = {app: 'cilium-node-init', 'app.kubernetes.io/name': 'cilium-node-init', ...partOf};
		objects.push(
			daemonSet(
				'cilium-node-init',
				namespace,
				nodeInitLabels,
				{app: 'cilium-node-init'},
				workloadTemplate(nodeInitLabels, {
					hostNetwork: true,
					serviceAccountName: 'default',
					containers: [{name: 'node-init', image: ciliumImages.nodeInit, securityContext: {privileged: true}}],
				}),
			),
		);
	}

	// --- hubble
	if (hubble) {
		objects.push(
			service(
				'hubble-peer',
				namespace,
				{'k8s-app': 'cilium', 'app.kubernetes.io/name': 'hubble-peer', ...partOf},
				{'k8s-app': 'cilium'},
				[{name: 'peer-service', port: hubbleTls ? 443 : 80, protocol: 'TCP', targetPort: 4244}],
				{internalTrafficPolicy: 'Local'},
			),
		);
		if (hubbleTls) {
			objects.push(tlsSecret('cilium-ca', namespace), tlsSecret('hubble-server-certs', namespace));
		}
	}
	if (relay) {
		const relayLabels = {'k8s-app': 'hubble-relay', 'app.kubernetes.io/name': 'hubble-relay', ...partOf};
		objects.push(
			serviceAccount('hubble-relay', namespace),
			{apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('hubble-relay-config', namespace, {}), data: {'config.yaml': `cluster-name: ${String(getPath(values, 'cluster.name'))}\npeer-service: "hubble-peer.${namespace}.svc.cluster.local.:443"\nlisten-address: :4245\n`}},
			...(hubbleTls ? [tlsSecret('hubble-relay-client-certs', namespace)] : []),
			deployment(
				'hubble-relay',
				namespace,
				relayLabels,
				{'k8s-app': 'hubble-relay'},
				Number(getPath(values, 'hubble.relay.replicas') ?? 1),
				workloadTemplate(relayLabels, {
					serviceAccountName: 'hubble-relay',
					priorityClassName: '',
					containers: [{name: 'hubble-relay', image: ciliumImages.relay, command: ['hubble-relay'], args: ['serve'], ports: [{name: 'grpc', containerPort: 4245, protocol: 'TCP'}]}],
				}),
			),
			service('hubble-relay', namespace, relayLabels, {'k8s-app': 'hubble-relay'}, [{protocol: 'TCP', port: 80, targetPort: 'grpc'}]),
		);
	}
	if (ui) {
		const uiLabels = {'k8s-app': 'hubble-ui', 'app.kubernetes.io/name': 'hubble-ui', ...partOf};
		objects.push(
			serviceAccount('hubble-ui', namespace),
			...clusterRoleWithBinding('hubble-ui', namespace, 'hubble-ui', [
				{apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list', 'watch']},
				{apiGroups: [''], resources: ['componentstatuses', 'endpoints', 'namespaces', 'nodes', 'pods', 'services'], verbs: ['get', 'list', 'watch']},
				{apiGroups: ['cilium.io'], resources: ['*'], verbs: ['get', 'list', 'watch']},
			]),
			{apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('hubble-ui-nginx', namespace, {}), data: {'nginx.conf': 'server {\n    listen       8081;\n    listen       [::]:8081;\n    server_name  localhost;\n    root /app;\n    index index.html;\n}\n'}},
			deployment(
				'hubble-ui',
				namespace,
				uiLabels,
				{'k8s-app': 'hubble-ui'},
				Number(getPath(values, 'hubble.ui.replicas') ?? 1),
				workloadTemplate(uiLabels, {
					serviceAccountName: 'hubble-ui',
					priorityClassName: '',
					containers: [
						{name: 'frontend', image: ciliumImages.ui, ports: [{name: 'http', containerPort: 8081, protocol: 'TCP'}]},
						{name: 'backend', image: ciliumImages.uiBackend, env: [{name: 'FLOWS_API_ADDR', value: 'hubble-relay:80'}], ports: [{name: 'grpc', containerPort: 8090, protocol: 'TCP'}]},
					],
				}),
			),
			service('hubble-ui', namespace, uiLabels, {'k8s-app': 'hubble-ui'}, [{name: 'http', port: 80, targetPort: 8081}]),
		);
	}

	return {
		objects,
		notes: notesFor(values, version),
		crdFeatures: {
			egressGateway,
			localRedirectPolicy: values.localRedirectPolicy === true,
			envoyConfig: isTrue(values, 'envoyConfig.enabled') || isTrue(values, 'ingressController.enabled') || isTrue(values, 'gatewayAPI.enabled'),
			ciliumEndpointSlice: isTrue(values, 'ciliumEndpointSlice.enabled'),
			bgpControlPlane: isTrue(values, 'bgpControlPlane.enabled'),
		},
	};
}

function tlsSecret(name: string, namespace: string): KubeObject {
	// The chart generates real certificates with genCA/genSignedCert; the practice cluster has no TLS between its simulated parts.
	const placeholder = Buffer.from('simulated by the cilium-lab practice cluster\n').toString('base64');
	return {
		apiVersion: 'v1',
		kind: 'Secret',
		metadata: meta(name, namespace, {}),
		type: name === 'cilium-ca' ? 'Opaque' : 'kubernetes.io/tls',
		data: name === 'cilium-ca' ? {'ca.crt': placeholder, 'ca.key': placeholder} : {'ca.crt': placeholder, 'tls.crt': placeholder, 'tls.key': placeholder},
	};
}

/**
 * templates/NOTES.txt of the version's chart: the headline, from 1.18 the `cilium.warnings` block (templates/warnings.txt;
 * from 1.19 it warns that Hubble Relay serves without TLS, `hubble.relay.tls.server.enabled` defaulting to false), the
 * release version and the docs link for the chart's minor.
 */
function notesFor(values: Values, version: string): string {
	const hubble = isTrue(values, 'hubble.enabled');
	const relay = hubble && isTrue(values, 'hubble.relay.enabled');
	const ui = isTrue(values, 'hubble.ui.enabled');
	const what = relay && ui ? 'Cilium with Hubble Relay and Hubble UI' : relay ? 'Cilium with Hubble Relay' : hubble ? 'Cilium with Hubble' : 'Cilium';
	const behaviour = ciliumBehaviour(version);
	const warnings: string[] = [];
	// The chart tests `.Values.hubble.relay.enabled` alone here (not hubble.enabled).
	if (behaviour.relayTlsWarning && isTrue(values, 'hubble.relay.enabled') && !isTrue(values, 'hubble.relay.tls.server.enabled')) {
		warnings.push(
			'- WARNING: TLS is not enabled for the Hubble Relay server (hubble.relay.tls.server.enabled=false).\n' +
				'  This means Hubble Relay communications may not be encrypted. For more information about the security\n' +
				'  implications and suggested controls, please see: https://docs.cilium.io/en/stable/security/threat-model/#hubble-data-attacker',
		);
	}
	const warningText = behaviour.notesWarningsBlock && warnings.length > 0 ? `\n\nWARNINGS:\n${warnings.join('\n')}` : '';
	return `You have successfully installed ${what}.${warningText}\n\nYour release version is ${version}.\n\nFor any further help, visit https://docs.cilium.io/en/v${minorOf(version)}/gettinghelp\n`;
}

/** The component folder each object's template lives in (install/kubernetes/cilium/templates of the 1.16 chart). */
const templateFolderOf: Record<string, string> = {
	cilium: 'cilium-agent',
	'cilium-envoy': 'cilium-envoy',
	'cilium-envoy-config': 'cilium-envoy',
	'cilium-operator': 'cilium-operator',
	'cilium-node-init': 'cilium-nodeinit',
	'hubble-relay': 'hubble-relay',
	'hubble-relay-config': 'hubble-relay',
	'hubble-ui': 'hubble-ui',
	'hubble-ui-nginx': 'hubble-ui',
};

const templateFileOfKind: Record<string, string> = {
	ServiceAccount: 'serviceaccount.yaml',
	ClusterRole: 'clusterrole.yaml',
	ClusterRoleBinding: 'clusterrolebinding.yaml',
	ConfigMap: 'configmap.yaml',
	DaemonSet: 'daemonset.yaml',
	Deployment: 'deployment.yaml',
	Service: 'service.yaml',
};

/** The chart file an object comes from, as helm names it in a manifest's `# Source:` line. */
export function chartTemplatePath(object: KubeObject): string {
	const special: Record<string, string> = {
		'ConfigMap/cilium-config': 'cilium-configmap.yaml',
		'Secret/cilium-ca': 'cilium-ca-secret.yaml',
		'Secret/hubble-server-certs': 'hubble/tls-helm/server-secret.yaml',
		'Secret/hubble-relay-client-certs': 'hubble/tls-helm/relay-client-secret.yaml',
		'Service/hubble-peer': 'hubble/peer-service.yaml',
	};
	const key = `${object.kind}/${object.metadata.name}`;
	const file = special[key] ?? `${templateFolderOf[object.metadata.name] ?? object.metadata.name}/${templateFileOfKind[object.kind] ?? `${object.kind.toLowerCase()}.yaml`}`;
	return `cilium/templates/${file}`;
}

/** `repository:tag@digest` split as values.yaml writes an image (`useDigest: true`). */
function imageValues(reference: string): Values {
	const [name, digest] = reference.split('@');
	const colon = name!.lastIndexOf(':');
	return {repository: name!.slice(0, colon), tag: name!.slice(colon + 1), digest: digest ?? '', useDigest: Boolean(digest), pullPolicy: 'IfNotPresent'};
}

/**
 * What `helm show values cilium/cilium --version V` prints in the practice cluster: the values the simulated chart
 * reads, with that version's images under the keys values.yaml gives them (image, envoy.image, operator.image,
 * hubble.relay.image, hubble.ui.frontend/backend.image, nodeinit.image). The real values.yaml has several hundred
 * more keys with their comments; the header says so rather than pass this off as the whole file.
 */
export function chartValuesText(version: string): string {
	const release = ciliumRelease(version);
	if (!release) throw new ValuesError(`the practice cluster does not simulate the cilium chart ${version}`);
	const images = release.images;
	const operator = imageValues(images.operatorGeneric);
	const azure = imageValues(images.operatorAzure);
	const versioned: Values = {
		image: imageValues(images.agent),
		envoy: {image: imageValues(images.envoy)},
		operator: {image: {repository: 'quay.io/cilium/operator', tag: operator.tag, genericDigest: operator.digest, azureDigest: azure.digest, useDigest: true, pullPolicy: 'IfNotPresent', suffix: ''}},
		hubble: {relay: {image: imageValues(images.relay)}, ui: {frontend: {image: imageValues(images.ui)}, backend: {image: imageValues(images.uiBackend)}}},
		nodeinit: {image: imageValues(images.nodeInit)},
	};
	const header =
		`# cilium/cilium ${release.version}: the values the cilium-lab practice cluster's chart model reads, with their defaults.\n` +
		'# The real values.yaml of this chart has several hundred more keys (and their comments); those are not simulated.\n';
	return header + stringifyYaml(mergeValues(ciliumChartDefaults, versioned), {indentSeq: false});
}
