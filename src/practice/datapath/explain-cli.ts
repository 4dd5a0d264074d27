// `cilium-lab policy explain`: why a pod's connection is allowed or dropped, against the running practice cluster
// (--from NS/POD) or against policy files alone (-f), through the same engine the practice datapath uses.
import fs from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {LineCounter, parseAllDocuments} from 'yaml';
import {ClusterError, EXIT, UserError} from '../../errors.js';
import {labHome} from '../../home.js';
import {langFromEnv, msg, parseLang} from '../../lab/i18n.js';
import type {Lang} from '../../lab/types.js';
import type {KubeObject} from '../types.js';
import {FqdnCache} from './dns.js';
import {explainTraffic, type ExplainTarget, type Explanation, type Outcome} from './explain.js';
import {validateCiliumPolicy} from './policy.js';
import {crdReleaseFor, crdSchemaCauses} from '../cloud/cilium-crd-data.js';
import {ciliumRelease, GUIDE_CILIUM_VERSION, minorOf} from '../versions.js';
import {FQDN_SECTION, type PersistedFqdn} from './runtime.js';
import {buildView, podFields, podKey, type ClusterView} from './view.js';

const HELP = `Usage:
  cilium-lab policy explain --from NS/POD --to HOST[:PORT]|URL [--protocol tcp|udp] [-X METHOD]
      explains against the running practice cluster (its pods, policies and FQDN caches)
  cilium-lab policy explain -f POLICY.yaml [-f …] [-n NS] [--from NS/POD] [--from-labels k=v,…] --to HOST[:PORT]
        [--cilium-version X.Y.Z]
      explains against policy files alone, for a pod with the given labels (default: app=client in demo);
      policies without a namespace go to -n NS, else to the pod's namespace. The files are checked against the
      CRDs of --cilium-version, else $CILIUM_VERSION, else the guide's 1.16.4, and matched as that version does

--to takes a host, host:port, an IP, or a URL (https://google.com → port 443). The default port is 80.
--lang ko|en chooses the language of the explanation (default: from LC_ALL / LC_MESSAGES / LANG).
A URL's path (and -X METHOD, default GET) is the HTTP request Envoy decides when HTTP L7 rules apply.
Exit status: 0 allowed, 2 dropped or not resolvable, 1 bad input, 3 cluster not reachable.
`;

export function parseTarget(text: string, protocol: string): ExplainTarget {
	const proto = protocol.toUpperCase();
	if (proto !== 'TCP' && proto !== 'UDP') throw new UserError(`--protocol: expected tcp or udp, got "${protocol}"`);
	let host = text;
	let port: number | undefined;
	let requestPath: string | undefined;
	const url = /^([a-z]+):\/\/([^/:?#]+)(?::(\d+))?([/?][^#]*)?/i.exec(text);
	if (url) {
		host = url[2]!;
		port = url[3] ? Number(url[3]) : url[1]!.toLowerCase() === 'https' ? 443 : 80;
		requestPath = url[4] ? (url[4].startsWith('?') ? `/${url[4]}` : url[4]) : undefined;
	} else {
		const colon = text.lastIndexOf(':');
		if (colon > 0) {
			host = text.slice(0, colon);
			port = Number(text.slice(colon + 1));
		}
	}
	if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new UserError(`--to: "${text}" has no valid port (1-65535)`);
	if (!/^[A-Za-z0-9_.-]+$/.test(host)) throw new UserError(`--to: "${text}" is not a host name or IP address`);
	return {host, port: port ?? 80, protocol: proto, ...(requestPath ? {path: requestPath} : {})};
}

function parseLabels(text: string): Record<string, string> {
	const labels: Record<string, string> = {};
	for (const pair of text.split(',').filter(Boolean)) {
		const [key, value] = pair.split('=');
		if (!key || value === undefined) throw new UserError(`--from-labels: "${pair}" is not key=value`);
		labels[key.trim()] = value.trim();
	}
	return labels;
}

interface LoadedPolicy {
	object: KubeObject;
	file: string;
}

/**
 * Reads policy files; a problem is reported as file:line field: message, as the API server of a cluster running
 * `ciliumVersion` would refuse it: that release's CRD schema (cilium-crd-data.ts), its unknown fields as kubectl's
 * strict field validation gets them, then the checks the schema leaves to the agent.
 */
export function loadPolicyFiles(files: string[], defaultNamespace: string, ciliumVersion: string = GUIDE_CILIUM_VERSION): LoadedPolicy[] {
	const loaded: LoadedPolicy[] = [];
	const problems: string[] = [];
	for (const file of files) {
		let text: string;
		try {
			text = fs.readFileSync(file, 'utf8');
		} catch (error) {
			throw new UserError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
		}
		const lineCounter = new LineCounter();
		const documents = parseAllDocuments(text, {lineCounter});
		for (const document of Array.isArray(documents) ? documents : [documents]) {
			if (document.errors.length > 0) {
				const error = document.errors[0]!;
				const {line} = lineCounter.linePos(error.pos[0]);
				problems.push(`${file}:${line}: ${error.message.split('\n')[0]}`);
				continue;
			}
			const object = document.toJS() as KubeObject | null;
			if (!object) continue;
			const documentLine = lineCounter.linePos(document.range[0]).line;
			if (typeof object !== 'object' || typeof object.kind !== 'string') {
				problems.push(`${file}:${documentLine}: not a Kubernetes object (no kind)`);
				continue;
			}
			if (!['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'NetworkPolicy'].includes(object.kind)) {
				problems.push(`${file}:${documentLine} kind: ${object.kind} is not a network policy (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or NetworkPolicy)`);
				continue;
			}
			object.metadata = {...(object.metadata ?? {}), name: object.metadata?.name ?? 'unnamed'};
			if (object.kind !== 'CiliumClusterwideNetworkPolicy') object.metadata.namespace ??= defaultNamespace;
			if (object.kind !== 'NetworkPolicy') {
				const lineOf = (field: string) => {
					const fieldPath = field.split(/\.|\[|\]/).filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
					const node = document.getIn(fieldPath, true) as {range?: [number, number, number]} | undefined;
					return node?.range ? lineCounter.linePos(node.range[0]).line : documentLine;
				};
				const schema = crdSchemaCauses(object, ciliumVersion);
				// An unknown field's line is its key's (its value may start on the next line).
				const keyLineOf = (field: string) => {
					const parts = field.split(/\.|\[|\]/).filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
					const parent = document.getIn(parts.slice(0, -1), true) as {items?: Array<{key?: {value?: unknown; range?: [number, number, number]}}>} | undefined;
					const key = parent?.items?.find((pair) => pair.key?.value === parts.at(-1))?.key;
					return key?.range ? lineCounter.linePos(key.range[0]).line : lineOf(field);
				};
				for (const field of schema?.unknown ?? []) problems.push(`${file}:${keyLineOf(field)} strict decoding error: unknown field "${field}"`);
				const refused = new Set(schema?.causes.map((cause) => cause.field));
				for (const cause of [...(schema?.causes ?? []), ...validateCiliumPolicy(object).filter((cause) => !refused.has(cause.field))]) {
					problems.push(`${file}:${lineOf(cause.field)} ${cause.field}: ${cause.message}`);
				}
			}
			loaded.push({object, file});
		}
	}
	if (problems.length > 0) throw new UserError(`the policy files would be refused by Cilium ${ciliumVersion}'s CRDs:\n  ${problems.join('\n  ')}`);
	return loaded;
}

/** A small AKS-like cluster for -f mode: two nodes with Cilium, CoreDNS, and the pod being explained. */
function syntheticView(policies: KubeObject[], namespace: string, podName: string, labels: Record<string, string>, ciliumVersion: string): ClusterView {
	const nodeName = 'aks-nodepool1-00000000-vmss000000';
	const running = {phase: 'Running'};
	const pods: KubeObject[] = [
		// The agent's image says which Cilium matches the names (toFQDNs patterns differ from 1.19: versions.ts).
		{
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: {name: 'cilium-00000', namespace: 'kube-system', labels: {'k8s-app': 'cilium'}},
			spec: {nodeName, hostNetwork: true, containers: [{name: 'cilium-agent', image: ciliumRelease(ciliumVersion)!.images.agent}]},
			status: {...running, podIP: '10.224.0.4'},
		},
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'coredns-0000000000-00000', namespace: 'kube-system', labels: {'k8s-app': 'kube-dns'}}, spec: {nodeName, containers: [{name: 'coredns', image: 'coredns', ports: [{containerPort: 53}]}]}, status: {...running, podIP: '10.244.0.10'}},
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: podName, namespace, labels}, spec: {nodeName}, status: {...running, podIP: '10.244.0.20'}},
	];
	return buildView({
		pods,
		namespaces: [...new Set([namespace, 'kube-system', 'default'])].map((name) => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name}})),
		nodes: [{apiVersion: 'v1', kind: 'Node', metadata: {name: nodeName}, status: {addresses: [{type: 'InternalIP', address: '10.224.0.4'}]}}],
		services: [{apiVersion: 'v1', kind: 'Service', metadata: {name: 'kube-dns', namespace: 'kube-system'}, spec: {clusterIP: '10.0.0.10', selector: {'k8s-app': 'kube-dns'}, ports: [{port: 53, protocol: 'UDP'}]}}],
		policies,
	});
}

/** The FQDN caches the practice daemon persisted (state snapshot, then its journal), read without touching them. */
function readPersistedFqdn(home: string): PersistedFqdn {
	const stateFile = path.join(home, 'practice', 'state.json');
	let value: PersistedFqdn = {};
	try {
		const snapshot = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as {sections?: Record<string, unknown>};
		value = (snapshot.sections?.[FQDN_SECTION] as PersistedFqdn | undefined) ?? value;
	} catch {
		// No snapshot yet: the journal may still have it.
	}
	try {
		for (const line of fs.readFileSync(`${stateFile}.journal`, 'utf8').split('\n')) {
			if (!line.includes(FQDN_SECTION)) continue;
			try {
				const entry = JSON.parse(line) as {op?: string; name?: string; value?: PersistedFqdn};
				if (entry.op === 'section' && entry.name === FQDN_SECTION && entry.value) value = entry.value;
			} catch {
				// A torn last line: the daemon had not finished writing it.
			}
		}
	} catch {
		// No journal.
	}
	return value;
}

async function clusterObjects(kubeconfig: string, lang: Lang): Promise<Parameters<typeof buildView>[0]> {
	const {KubeConfig, KubernetesObjectApi} = await import('@kubernetes/client-node');
	const config = new KubeConfig();
	try {
		config.loadFromFile(kubeconfig);
	} catch (error) {
		throw new ClusterError(msg(lang, 'kube.unreadable-kubeconfig', {file: kubeconfig, error: (error as Error).message}), 'cilium-lab practice start');
	}
	const api = config.makeApiClient(KubernetesObjectApi);
	const list = async (apiVersion: string, kind: string, optional = false): Promise<KubeObject[]> => {
		try {
			const result = await api.list(apiVersion, kind);
			return JSON.parse(JSON.stringify(result.items ?? [])).map((item: KubeObject) => ({...item, apiVersion, kind}));
		} catch (error) {
			const text = String((error as Error).message ?? error);
			if (optional && /404|not found|Unrecognized|resource/i.test(text)) return [];
			if (/ECONNREFUSED|ENOTFOUND|socket hang up|fetch failed/i.test(text)) throw new ClusterError(msg(lang, 'explain.unreachable', {kubeconfig}), 'cilium-lab practice start');
			throw new ClusterError(msg(lang, 'explain.listing-failed', {kind, error: text.split('\n')[0] ?? ''}));
		}
	};
	const [pods, namespaces, nodes, services, endpointsObjects, cnps, ccnps, nps, identities, configMaps] = await Promise.all([
		list('v1', 'Pod'),
		list('v1', 'Namespace'),
		list('v1', 'Node'),
		list('v1', 'Service'),
		list('v1', 'Endpoints'),
		list('cilium.io/v2', 'CiliumNetworkPolicy', true),
		list('cilium.io/v2', 'CiliumClusterwideNetworkPolicy', true),
		list('networking.k8s.io/v1', 'NetworkPolicy', true),
		list('cilium.io/v2', 'CiliumIdentity', true),
		list('v1', 'ConfigMap'),
	]);
	return {
		pods,
		namespaces,
		nodes,
		services,
		endpointsObjects,
		policies: [...cnps, ...ccnps, ...nps],
		identities,
		ciliumConfig: configMaps.find((object) => object.metadata.namespace === 'kube-system' && object.metadata.name === 'cilium-config'),
	};
}

/**
 * The Cilium release -f mode checks against: --cilium-version, else the lab's CILIUM_VERSION (the lab's commands see
 * its variables as environment variables), else the guide's; one the lab does not offer stands for its line's.
 */
function chosenCiliumVersion(flag: string | undefined): string {
	const given = flag ?? process.env.CILIUM_VERSION;
	if (given === undefined || given === '') return GUIDE_CILIUM_VERSION;
	if (!minorOf(given)) throw new UserError(`policy explain: ${flag !== undefined ? '--cilium-version ' : 'CILIUM_VERSION='}${given}: expected a version such as ${GUIDE_CILIUM_VERSION}`);
	return crdReleaseFor(given);
}

/** `policy explain ARGS`; the explanation is in --lang, else in `lang` (the CLI passes its own --lang or the locale's). */
export async function policyExplainCommand(argv: string[], out: {write(text: string): void} = process.stdout, lang: Lang = langFromEnv()): Promise<number> {
	const {values} = (() => {
		try {
			return parseArgs({
				args: argv,
				options: {
					from: {type: 'string'},
					to: {type: 'string'},
					protocol: {type: 'string', default: 'tcp'},
					method: {type: 'string', short: 'X'},
					file: {type: 'string', short: 'f', multiple: true},
					'from-labels': {type: 'string'},
					namespace: {type: 'string', short: 'n'},
					kubeconfig: {type: 'string'},
					'cilium-version': {type: 'string'},
					lang: {type: 'string'},
					help: {type: 'boolean', short: 'h'},
				},
				allowPositionals: false,
				strict: true,
			});
		} catch (error) {
			throw new UserError(`policy explain: ${(error as Error).message}`, 'cilium-lab policy explain --help');
		}
	})();
	if (values.help) {
		out.write(HELP);
		return EXIT.ok;
	}
	if (values.lang !== undefined) {
		const chosen = parseLang(values.lang);
		if (!chosen) throw new UserError(`policy explain: --lang ${values.lang}: expected ko or en`);
		lang = chosen;
	}
	if (!values.to) throw new UserError('policy explain: --to HOST[:PORT] is required', 'cilium-lab policy explain --help');
	const target = {...parseTarget(values.to, values.protocol ?? 'tcp'), ...(values.method ? {method: values.method.toUpperCase()} : {})};
	const [fromNamespace, fromName] = values.from?.includes('/') ? values.from.split('/', 2) : [values.namespace ?? (values.file ? 'demo' : 'default'), values.from];
	if (values.file && values.file.length > 0) {
		const ciliumVersion = chosenCiliumVersion(values['cilium-version']);
		const policies = loadPolicyFiles(values.file, values.namespace ?? fromNamespace!, ciliumVersion);
		const labels = values['from-labels'] ? parseLabels(values['from-labels']) : {app: 'client'};
		const view = syntheticView(policies.map((policy) => policy.object), fromNamespace!, fromName ?? 'client', labels, ciliumVersion);
		const policyList = policies.map((policy) => `${policy.object.kind} ${policy.object.metadata.namespace ? `${policy.object.metadata.namespace}/` : ''}${policy.object.metadata.name} (${policy.file})`).join(', ');
		const labelList = Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(',') || msg(lang, 'explain.no-labels');
		out.write(`${msg(lang, 'explain.policies', {policies: policyList})}\n`);
		out.write(`${msg(lang, 'explain.from-labels', {namespace: fromNamespace!, labels: labelList})}\n`);
		out.write(`${msg(lang, 'explain.to', {target: `${target.host}:${target.port}/${target.protocol}`})}\n\n`);
		return finish(explainTraffic(view, view.byPod.get(podKey(fromNamespace!, fromName ?? 'client'))!, target, undefined, Date.now(), lang), out, lang);
	}
	if (!fromName) throw new UserError('policy explain: --from NS/POD is required without -f', 'cilium-lab policy explain --from demo/curl --to google.com:443');
	const result = await explainInCluster({kubeconfig: values.kubeconfig, namespace: fromNamespace!, pod: fromName, target, lang});
	for (const line of result.header) out.write(`${line}\n`);
	if (!result.explanation) return EXIT.ok;
	out.write(`${msg(lang, 'explain.to', {target: `${target.host}:${target.port}/${target.protocol}`})}\n\n`);
	return finish(result.explanation, out, lang);
}

/**
 * Explains a pod's attempt against the running practice cluster (objects through the kubeconfig, FQDN caches from the
 * daemon's state): what `policy explain --from` prints, and what the TUI can show after an egress check.
 */
export async function explainInCluster(options: {kubeconfig?: string; home?: string; namespace: string; pod: string; target: ExplainTarget; lang: Lang}): Promise<{header: string[]; explanation?: Explanation}> {
	const {lang} = options;
	const home = options.home ?? labHome();
	const kubeconfig = options.kubeconfig ?? process.env.KUBECONFIG?.split(path.delimiter)[0] ?? path.join(home, 'practice', 'kubeconfig');
	const view = buildView(await clusterObjects(kubeconfig, lang));
	const key = podKey(options.namespace, options.pod);
	const pod = view.pods.get(key);
	if (!pod) throw new UserError(msg(lang, 'explain.pod-not-found', {pod: key}), `kubectl get pods -n ${options.namespace}`);
	const node = String(podFields(pod).spec?.nodeName ?? '');
	const endpoint = view.byPod.get(key);
	if (!endpoint) {
		const reason = msg(lang, view.ciliumRunning ? 'explain.not-endpoint-pod' : 'explain.not-endpoint-no-cilium');
		return {header: [msg(lang, 'explain.not-endpoint', {pod: key, reason})]};
	}
	const saved = readPersistedFqdn(home)[node];
	const cache = new FqdnCache(saved?.entries ?? [], saved?.identities ?? []);
	return {
		header: [msg(lang, 'explain.from-pod', {pod: key, identity: endpoint.identity, node})],
		explanation: explainTraffic(view, endpoint, options.target, cache, Date.now(), lang),
	};
}

function finish(explanation: Explanation, out: {write(text: string): void}, lang: Lang): number {
	for (const line of explanation.lines) out.write(`${line}\n`);
	const outcome: Outcome = explanation.outcome;
	out.write(`\n${msg(lang, `explain.verdict.${outcome}`)}\n`);
	return explanation.outcome === 'allowed' ? EXIT.ok : EXIT.failed;
}
