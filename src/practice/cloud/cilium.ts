// The simulated cilium-cli (v0.16.x): version, status [--wait], hubble enable|disable|port-forward,
// connectivity test. Everything it prints is read from the cluster's objects.
import net from 'node:net';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {parse as parseYaml} from 'yaml';
import type {HostTool, KubeObject, PracticeContext, ProgramIO} from '../types.js';
import type {Container} from '../controllers/objects.js';
import {ArgsError, flagOption, parseArgs, parseGoDuration, stringOption, type OptionSpecs} from './args.js';
import {color, tabwrite} from './text.js';
import {kubeAccess} from './kube-access.js';
import {CILIUM_CLI_ROOT, cobraKnows, cobraUnknownCommand} from './cobra.js';
import {lines, notSimulated, pollUntil} from './tool-io.js';
import {listReleases, upgradeCiliumRelease} from './helm.js';
import {mergeValues, ValuesError} from './helm-values.js';
import {ciliumChartVersion} from './cilium-chart.js';
import {compileTestFilters, connectivityDeploymentNames, connectivityWorkloads, notSimulatedTests, readWorld, runConnectivityTests, type ConnectivityParams} from './connectivity.js';

export const ciliumCliVersion = 'v0.16.21';
const goVersion = 'go1.23.4';

class CiliumFailure extends Error {}

const globalOptions: OptionSpecs = {
	namespace: {names: ['--namespace', '-n'], type: 'value'},
	context: {names: ['--context'], type: 'value'},
	helmReleaseName: {names: ['--helm-release-name'], type: 'value'},
	help: {names: ['--help', '-h'], type: 'flag'},
};

interface Run {
	io: ProgramIO;
	ctx: PracticeContext;
	out: (text?: string) => void;
	err: (text?: string) => void;
}

function requireAccess(run: Run): void {
	const access = kubeAccess(run.io.env, run.ctx, run.io.cwd);
	if (!access.ok) throw new CiliumFailure(`Unable to connect to Kubernetes cluster: ${access.reason}`);
}

function platform(): string {
	const os = process.platform === 'win32' ? 'windows' : process.platform;
	const arch = process.arch === 'x64' ? 'amd64' : process.arch;
	return `${os}/${arch}`;
}

function runningVersion(ctx: PracticeContext, namespace: string): string | undefined {
	const daemonSet = ctx.cluster.exists() ? ctx.store.get('apps/v1', 'DaemonSet', namespace, 'cilium') : undefined;
	const image = (daemonSet?.spec as {template?: {spec?: {containers?: Container[]}}} | undefined)?.template?.spec?.containers?.[0]?.image;
	const tag = image?.split('@')[0]?.split(':').pop();
	return tag?.replace(/^v/, '');
}

function version(run: Run, argv: string[]): number {
	const parsed = parseArgs(argv, {...globalOptions, client: {names: ['--client'], type: 'flag', boolean: true}}, 'pflag');
	run.out(`cilium-cli: ${ciliumCliVersion} compiled with ${goVersion} on ${platform()}`);
	run.out(`cilium image (default): v${ciliumChartVersion}`);
	run.out(`cilium image (stable): v${ciliumChartVersion}`);
	if (flagOption(parsed, 'client')) return 0;
	const namespace = stringOption(parsed, 'namespace') ?? 'kube-system';
	const access = kubeAccess(run.io.env, run.ctx, run.io.cwd);
	const running = access.ok ? runningVersion(run.ctx, namespace) : undefined;
	if (running) run.out(`cilium image (running): ${running}`);
	else run.out(`cilium image (running): unknown. Unable to obtain cilium version. Reason: ${access.ok ? 'release: not found' : access.reason}`);
	return 0;
}

// --- status ---------------------------------------------------------------------------------

interface WorkloadStatus {
	kind: 'DaemonSet' | 'Deployment';
	name: string;
	desired: number;
	ready: number;
	available: number;
	unavailable: number;
	phases: Map<string, number>;
	images: Map<string, number>;
}

export interface CiliumStatus {
	workloads: WorkloadStatus[];
	errors: Array<{name: string; pod: string; message: string}>;
	present: {cilium: boolean; operator: boolean; envoy: boolean; relay: boolean};
	managedPods: number;
	totalPods: number;
	helmChartVersion?: string;
}

const checkedWorkloads: Array<{kind: 'DaemonSet' | 'Deployment'; name: string; selector: string}> = [
	{kind: 'DaemonSet', name: 'cilium', selector: 'k8s-app=cilium'},
	{kind: 'DaemonSet', name: 'cilium-envoy', selector: 'name=cilium-envoy'},
	{kind: 'Deployment', name: 'cilium-operator', selector: 'name=cilium-operator'},
	{kind: 'Deployment', name: 'hubble-relay', selector: 'k8s-app=hubble-relay'},
	{kind: 'Deployment', name: 'hubble-ui', selector: 'k8s-app=hubble-ui'},
	{kind: 'Deployment', name: 'clustermesh-apiserver', selector: 'k8s-app=clustermesh-apiserver'},
];

function podPhase(pod: KubeObject): string {
	return String((pod.status as {phase?: string} | undefined)?.phase ?? 'Pending');
}

export function collectStatus(ctx: PracticeContext, namespace: string): CiliumStatus {
	const status: CiliumStatus = {workloads: [], errors: [], present: {cilium: false, operator: false, envoy: false, relay: false}, managedPods: 0, totalPods: 0};
	for (const {kind, name, selector} of checkedWorkloads) {
		const object = ctx.store.get('apps/v1', kind, namespace, name);
		if (!object) {
			if (name === 'cilium' || name === 'cilium-operator') status.errors.push({name, pod: name, message: `${kind === 'DaemonSet' ? 'daemonsets' : 'deployments'}.apps "${name}" not found`});
			continue;
		}
		if (name === 'cilium') status.present.cilium = true;
		if (name === 'cilium-operator') status.present.operator = true;
		if (name === 'cilium-envoy') status.present.envoy = true;
		if (name === 'hubble-relay') status.present.relay = true;
		const s = (object.status ?? {}) as Record<string, number>;
		const workload: WorkloadStatus =
			kind === 'DaemonSet'
				? {kind, name, desired: s.desiredNumberScheduled ?? 0, ready: s.numberReady ?? 0, available: s.numberAvailable ?? 0, unavailable: s.numberUnavailable ?? 0, phases: new Map(), images: new Map()}
				: {kind, name, desired: s.replicas ?? 0, ready: s.readyReplicas ?? 0, available: s.availableReplicas ?? 0, unavailable: s.unavailableReplicas ?? 0, phases: new Map(), images: new Map()};
		if (kind === 'Deployment' && workload.desired === 0) workload.desired = Number((object.spec as {replicas?: number}).replicas ?? 1);
		for (const pod of ctx.store.list('v1', 'Pod', {namespace, labelSelector: selector})) {
			const phase = podPhase(pod);
			workload.phases.set(phase, (workload.phases.get(phase) ?? 0) + 1);
			for (const container of ((pod.spec as {containers?: Array<{image: string}>}).containers ?? [])) {
				workload.images.set(container.image, (workload.images.get(container.image) ?? 0) + 1);
			}
		}
		const notReady = workload.desired - workload.ready;
		if (workload.unavailable > 0 || notReady > 0) {
			status.errors.push({name, pod: name, message: `${Math.max(workload.unavailable, notReady)} pods of ${kind} ${name} are not ready`});
		}
		status.workloads.push(workload);
	}
	// Cluster Pods: pods not on the host network, and how many of them have a CiliumEndpoint.
	const endpoints = new Set(
		ctx.store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'ciliumendpoints.cilium.io')
			? ctx.store.list('cilium.io/v2', 'CiliumEndpoint').map(endpoint => `${endpoint.metadata.namespace}/${endpoint.metadata.name}`)
			: [],
	);
	for (const pod of ctx.store.list('v1', 'Pod')) {
		const spec = pod.spec as {hostNetwork?: boolean};
		const phase = podPhase(pod);
		if (spec.hostNetwork || phase === 'Succeeded' || phase === 'Failed') continue;
		status.totalPods++;
		if (endpoints.has(`${pod.metadata.namespace}/${pod.metadata.name}`)) status.managedPods++;
	}
	const release = listReleases(ctx, namespace, 'cilium').filter(candidate => candidate.status === 'deployed').at(-1);
	status.helmChartVersion = release?.chart.version;
	return status;
}

function logoState(present: boolean, errors: number, disabledText = 'disabled'): string {
	if (!present) return color.cyan(disabledText);
	return errors > 0 ? color.red(`${errors} errors`) : color.green('OK');
}

export function formatStatus(status: CiliumStatus): string {
	const errorsOf = (name: string) => status.errors.filter(error => error.name === name).length;
	const ciliumErrors = errorsOf('cilium');
	const logo = [
		'    /¯¯\\',
		` /¯¯\\__/¯¯\\\tCilium:\t${status.present.cilium || ciliumErrors === 0 ? logoState(true, ciliumErrors) : color.red(`${ciliumErrors} errors`)}`,
		` \\__/¯¯\\__/\tOperator:\t${status.present.operator || errorsOf('cilium-operator') === 0 ? logoState(true, errorsOf('cilium-operator')) : color.red(`${errorsOf('cilium-operator')} errors`)}`,
		` /¯¯\\__/¯¯\\\tEnvoy DaemonSet:\t${logoState(status.present.envoy, errorsOf('cilium-envoy'), 'disabled (using embedded mode)')}`,
		` \\__/¯¯\\__/\tHubble Relay:\t${logoState(status.present.relay, errorsOf('hubble-relay'))}`,
		`    \\__/\tClusterMesh:\t${color.cyan('disabled')}`,
	];
	const rows: string[] = [];
	for (const workload of status.workloads) {
		const parts = [`Desired: ${workload.desired}`];
		if (workload.ready > 0) parts.push(`Ready: ${workload.ready}/${workload.desired}`);
		if (workload.available > 0) parts.push(`Available: ${workload.available}/${workload.desired}`);
		if (workload.unavailable > 0) parts.push(`Unavailable: ${workload.unavailable}/${workload.desired}`);
		rows.push(`${workload.kind}\t${workload.name}\t${parts.join(', ')}`);
	}
	status.workloads
		.filter(workload => workload.phases.size > 0)
		.forEach((workload, index) => {
			const phases = [...workload.phases.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([phase, count]) => `${phase}: ${count}`).join(', ');
			rows.push(`${index === 0 ? 'Containers:' : ''}\t${workload.name}\t${phases}`);
		});
	rows.push(`Cluster Pods:\t${status.managedPods}/${status.totalPods} managed by Cilium`);
	if (status.helmChartVersion) rows.push(`Helm chart version:\t${status.helmChartVersion}`);
	let first = true;
	for (const workload of status.workloads) {
		for (const [image, count] of workload.images) {
			rows.push(`${first ? 'Image versions' : ''}\t${workload.name}\t${image}: ${count}`);
			first = false;
		}
	}
	status.errors.forEach((error, index) => rows.push(`${index === 0 ? 'Errors:' : ''}\t${error.name}\t${error.pod}\t${error.message}`));
	return `${tabwrite(logo.join('\n'))}\n\n${tabwrite(rows.join('\n'))}\n`;
}

async function statusCommand(run: Run, argv: string[]): Promise<number> {
	const parsed = parseArgs(
		argv,
		{
			...globalOptions,
			wait: {names: ['--wait'], type: 'flag', boolean: true},
			waitDuration: {names: ['--wait-duration'], type: 'value'},
			interactive: {names: ['--interactive'], type: 'flag', boolean: true},
			output: {names: ['--output', '-o'], type: 'value'},
			verbose: {names: ['--verbose'], type: 'flag', boolean: true},
		},
		'pflag',
	);
	const namespace = stringOption(parsed, 'namespace') ?? 'kube-system';
	const waitText = stringOption(parsed, 'waitDuration') ?? '5m0s';
	const waitMs = parseGoDuration(waitText);
	if (waitMs === undefined) throw new CiliumFailure(`invalid argument "${waitText}" for "--wait-duration" flag: time: invalid duration "${waitText}"`);
	const access = kubeAccess(run.io.env, run.ctx, run.io.cwd);
	let status: CiliumStatus;
	if (!access.ok) {
		status = {workloads: [], errors: [{name: 'cilium', pod: 'cilium', message: access.reason}], present: {cilium: false, operator: false, envoy: false, relay: false}, managedPods: 0, totalPods: 0};
	} else {
		status = collectStatus(run.ctx, namespace);
		if (flagOption(parsed, 'wait')) {
			await pollUntil(run.ctx.clock, run.io.signal, waitMs, 2000, () => {
				status = collectStatus(run.ctx, namespace);
				return status.errors.length === 0;
			});
		}
	}
	if (stringOption(parsed, 'output') === 'json') {
		run.out(JSON.stringify({cilium_status: status.present, errors: status.errors, helm_chart_version: status.helmChartVersion}, null, 2));
	} else if (status.errors.length > 0) run.io.stderr.write(formatStatus(status));
	else run.io.stdout.write(formatStatus(status));
	if (status.errors.length > 0) {
		run.err(`Error: Unable to determine status:  ${flagOption(parsed, 'wait') ? 'timeout while waiting for status to become successful: context deadline exceeded' : `${status.errors.length} errors found`}`);
		return 1;
	}
	return 0;
}

// --- hubble -----------------------------------------------------------------------------------

function hubbleToggle(run: Run, argv: string[], enable: boolean): number {
	const parsed = parseArgs(argv, {...globalOptions, ui: {names: ['--ui'], type: 'flag', boolean: true}, relay: {names: ['--relay'], type: 'flag', boolean: true}}, 'pflag');
	requireAccess(run);
	const namespace = stringOption(parsed, 'namespace') ?? 'kube-system';
	const relay = parsed.options.relay === undefined ? true : flagOption(parsed, 'relay');
	const ui = flagOption(parsed, 'ui');
	try {
		upgradeCiliumRelease(run.ctx, namespace, values =>
			mergeValues(values, enable ? {hubble: {enabled: true, relay: {enabled: relay}, ui: {enabled: ui}}} : {hubble: {relay: {enabled: false}, ui: {enabled: false}}}),
		);
	} catch (error) {
		if (error instanceof ValuesError) {
			const managed = run.ctx.store.get('apps/v1', 'DaemonSet', namespace, 'cilium');
			throw new CiliumFailure(
				managed
					? `Unable to ${enable ? 'enable' : 'disable'} Hubble: the cilium in ${namespace} was not installed with Helm (release "cilium" not found). Azure CNI Powered by Cilium manages its own Cilium; Hubble there comes with Advanced Container Networking Services, which the practice cluster does not simulate.`
					: `Unable to ${enable ? 'enable' : 'disable'} Hubble: release: not found`,
			);
		}
		throw error;
	}
	return 0;
}

/** Local ports this daemon's `cilium hubble port-forward`s listen on: the host `hubble` talks only to these. */
export const relayForwardPorts = new Set<number>();

async function hubblePortForward(run: Run, argv: string[]): Promise<number> {
	const parsed = parseArgs(argv, {...globalOptions, portForward: {names: ['--port-forward'], type: 'value'}}, 'pflag');
	requireAccess(run);
	const namespace = stringOption(parsed, 'namespace') ?? 'kube-system';
	const port = Number(stringOption(parsed, 'portForward') ?? 4245);
	if (!run.ctx.store.get('v1', 'Service', namespace, 'hubble-relay')) throw new CiliumFailure(`Unable to port forward: services "hubble-relay" not found`);
	const sockets = new Set<net.Socket>();
	const server = net.createServer(socket => {
		// The datapath's hubble client reaches Relay in-process; this port only has to answer, as Relay's does.
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		socket.on('data', () => undefined);
	});
	try {
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => resolve());
		});
	} catch (error) {
		throw new CiliumFailure(`Unable to port forward: unable to listen on any of the requested ports: [{${port} 80}]: ${(error as Error).message}`);
	}
	relayForwardPorts.add(port);
	run.out(`ℹ️  Hubble Relay is available at 127.0.0.1:${port}`);
	await new Promise<void>(resolve => {
		if (run.io.signal.aborted) resolve();
		run.io.signal.addEventListener('abort', () => resolve(), {once: true});
		const unsubscribe = run.ctx.store.subscribe(event => {
			if (event.type === 'DELETED' && event.object.kind === 'Service' && event.object.metadata.name === 'hubble-relay') {
				unsubscribe();
				resolve();
			}
		});
		run.io.signal.addEventListener('abort', () => unsubscribe(), {once: true});
	});
	relayForwardPorts.delete(port);
	const closed = new Promise<void>(resolve => server.close(() => resolve()));
	for (const socket of sockets) socket.destroy();
	await closed;
	if (run.io.signal.aborted) return 130;
	run.err('Error: Unable to port forward: lost connection to pod');
	return 1;
}

// --- connectivity test --------------------------------------------------------------------------

function clusterName(run: Run): string {
	try {
		const file = (run.io.env.KUBECONFIG ?? '').split(path.delimiter)[0];
		if (file) return String((parseYaml(readFileSync(path.resolve(run.io.cwd ?? '/', file), 'utf8')) as {'current-context'?: string})['current-context'] ?? 'default');
	} catch {
		// Falls back to the default name below.
	}
	return 'default';
}

function durationSeconds(text: string | undefined, flag: string, fallback: number): number {
	if (text === undefined) return fallback;
	const ms = parseGoDuration(text);
	if (ms === undefined) throw new CiliumFailure(`invalid argument "${text}" for "--${flag}" flag: time: invalid duration "${text}"`);
	return ms / 1000;
}

/** Nodes that take workloads: those without a control-plane NoSchedule taint (detectSingleNode, check/context.go). */
function workerNodes(ctx: PracticeContext): number {
	return ctx.store.list('v1', 'Node').filter(node => !((node.spec as {taints?: Array<{key: string; effect: string}>} | undefined)?.taints ?? []).some(taint => (taint.key === 'node-role.kubernetes.io/master' || taint.key === 'node-role.kubernetes.io/control-plane') && taint.effect === 'NoSchedule')).length;
}

async function connectivityTest(run: Run, argv: string[]): Promise<number> {
	const parsed = parseArgs(
		argv,
		{
			...globalOptions,
			testNamespace: {names: ['--test-namespace'], type: 'value'},
			test: {names: ['--test'], type: 'list'},
			verbose: {names: ['--verbose', '-v'], type: 'flag', boolean: true},
			singleNode: {names: ['--single-node'], type: 'flag', boolean: true},
			externalTarget: {names: ['--external-target'], type: 'value'},
			externalIp: {names: ['--external-ip'], type: 'value'},
			externalOtherIp: {names: ['--external-other-ip'], type: 'value'},
			externalCidr: {names: ['--external-cidr'], type: 'value'},
			connectTimeout: {names: ['--connect-timeout'], type: 'value'},
			requestTimeout: {names: ['--request-timeout'], type: 'value'},
		},
		'pflag',
	);
	// --test is a pflag StringSlice: repeated, and comma-separated within one use.
	const filters = ((parsed.options.test as string[] | undefined) ?? []).flatMap(value => value.split(','));
	let compiled: {runTests: RegExp[]; skipTests: RegExp[]};
	try {
		compiled = compileTestFilters(filters);
	} catch (error) {
		throw new CiliumFailure((error as Error).message);
	}
	requireAccess(run);
	const namespace = stringOption(parsed, 'namespace') ?? 'kube-system';
	const cluster = clusterName(run);
	const params: ConnectivityParams = {
		testNamespace: `${stringOption(parsed, 'testNamespace') ?? 'cilium-test'}-1`,
		clusterName: cluster,
		singleNode: flagOption(parsed, 'singleNode'),
		verbose: flagOption(parsed, 'verbose'),
		externalTarget: stringOption(parsed, 'externalTarget') ?? 'one.one.one.one.',
		externalIp: stringOption(parsed, 'externalIp') ?? '1.1.1.1',
		externalOtherIp: stringOption(parsed, 'externalOtherIp') ?? '1.0.0.1',
		externalCidr: stringOption(parsed, 'externalCidr') ?? '1.0.0.0/8',
		connectTimeoutSeconds: durationSeconds(stringOption(parsed, 'connectTimeout'), 'connect-timeout', 2),
		requestTimeoutSeconds: durationSeconds(stringOption(parsed, 'requestTimeout'), 'request-timeout', 10),
		...compiled,
	};
	const testNamespace = params.testNamespace;
	const {ctx, io} = run;
	run.out(`ℹ️  cilium-lab practice cluster: each test below runs cilium-cli's own commands (curl, ping) in the test pods through the simulated datapath, with the test's policies applied; not simulated: ${notSimulatedTests}.`);
	let status = collectStatus(ctx, namespace);
	if (status.errors.length > 0) {
		run.out(`⌛ [${cluster}] Waiting for Cilium to be ready...`);
		const ready = await pollUntil(ctx.clock, io.signal, 5 * 60_000, 2000, () => (status = collectStatus(ctx, namespace)).errors.length === 0);
		if (!ready) throw new CiliumFailure(`connectivity test failed: Cilium is not ready: ${status.errors[0]?.message}`);
	}
	if (!params.singleNode && workerNodes(ctx) === 1) {
		params.singleNode = true;
		run.out('ℹ️  Single-node environment detected, enabling single-node connectivity test');
	}
	run.out('ℹ️  Monitor aggregation detected, will skip some flow validation steps');
	for (const step of connectivityWorkloads(params)) {
		const missing = step.objects.filter(object => !ctx.store.get(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name));
		if (missing.length === 0) continue;
		if (step.log) run.out(`✨ [${cluster}] ${step.log}`);
		for (const object of missing) ctx.store.create(object);
	}
	for (const name of connectivityDeploymentNames(params.singleNode)) {
		run.out(`⌛ [${cluster}] Waiting for deployment ${testNamespace}/${name} to become ready...`);
		const ready = await pollUntil(ctx.clock, io.signal, 5 * 60_000, 2000, () => {
			const deployment = ctx.store.get('apps/v1', 'Deployment', testNamespace, name);
			return Number((deployment?.status as {readyReplicas?: number} | undefined)?.readyReplicas ?? 0) >= 1;
		});
		if (!ready) throw new CiliumFailure(`timeout reached waiting for deployment ${testNamespace}/${name} to become ready (last error: only 0 of 1 replicas are available)`);
	}
	const relay = ctx.store.get('apps/v1', 'Deployment', namespace, 'hubble-relay');
	run.out('🔭 Enabling Hubble telescope...');
	if (!relay) {
		run.out(`⚠️  Unable to contact Hubble Relay, disabling Hubble telescope and flow validation: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:4245: connect: connection refused"`);
		run.out('ℹ️  Expose Relay locally with:');
		run.out('   cilium hubble enable');
		run.out('   cilium hubble port-forward&');
	}
	run.out(`ℹ️  Cilium version: ${runningVersion(ctx, namespace) ?? 'unknown'}`);
	const world = readWorld(ctx, params);
	const failed = await runConnectivityTests(ctx, params, {write: text => io.stdout.write(text)}, io.signal, world);
	if (failed > 0) throw new CiliumFailure(`[${testNamespace}] ${failed} tests failed`);
	return 0;
}

export const cilium: HostTool = async (argv, io, ctx) => {
	const {out, err} = lines(io);
	const run: Run = {io, ctx, out, err};
	const [command, sub, ...rest] = argv;
	try {
		switch (command) {
			case 'version':
				return version(run, argv.slice(1));
			case 'status':
				return await statusCommand(run, argv.slice(1));
			case 'hubble':
				if (sub === 'enable') return hubbleToggle(run, rest, true);
				if (sub === 'disable') return hubbleToggle(run, rest, false);
				if (sub === 'port-forward') return await hubblePortForward(run, rest);
				return notSimulated(io, 'cilium', `hubble ${sub ?? ''}`.trim());
			case 'connectivity':
				if (sub === 'test') return await connectivityTest(run, rest);
				return notSimulated(io, 'cilium', `connectivity ${sub ?? ''}`.trim());
			case 'install':
			case 'uninstall':
			case 'upgrade':
				err(`cilium: '${command}' is not simulated by the cilium-lab practice cluster; the lessons install Cilium with helm (helm install cilium cilium/cilium --version ${ciliumChartVersion} --namespace kube-system …)`);
				return 2;
			case undefined:
				err('cilium: the cilium-lab practice cluster simulates: version, status [--wait], hubble enable|disable|port-forward, connectivity test');
				return 2;
			default:
				return cobraKnows(CILIUM_CLI_ROOT, command) ? notSimulated(io, 'cilium', command) : cobraUnknownCommand(io, CILIUM_CLI_ROOT, command);
		}
	} catch (error) {
		if (error instanceof CiliumFailure || error instanceof ArgsError) {
			err(`Error: ${error.message}`);
			return 1;
		}
		throw error;
	}
};
