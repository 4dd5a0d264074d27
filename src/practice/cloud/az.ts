// The simulated Azure CLI (2.67): login, account, group, and the aks commands the lessons use.
// One AKS cluster at a time backs the practice cluster's API listener.
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {randomBytes, randomUUID} from 'node:crypto';
import {parse as parseYaml, stringify as toYaml} from 'yaml';
import type {HostTool, PracticeContext, ProgramIO} from '../types.js';
import {ArgsError, flagOption, listOption, parseArgs, stringOption, type OptionSpec, type OptionSpecs} from './args.js';
import {formatAzOutput, outputFormats} from './az-output.js';
import {
	clusterJson,
	findCluster,
	findGroup,
	groupId,
	newAccount,
	readCloud,
	sameName,
	writeCloud,
	type Account,
	type AksCluster,
	type CloudState,
	type NetworkProfile,
	type ResourceGroup,
} from './model.js';
import {lines, readLine} from './tool-io.js';
import {enableManagedAcns, installManagedCilium} from './managed-cilium.js';
import {aksVersionsJson, aksVersionsTableRows, DEFAULT_AKS_KUBERNETES_VERSION, resolveAksKubernetesVersion} from './aks-versions.js';

export const azVersion = '2.67.0';
/** What az 2.67's `--node-vm-size` defaulted to for a Linux system pool (newer AKS picks one by quota and capacity). */
const defaultVmSize = 'Standard_DS2_v2';

class AzFailure extends Error {
	constructor(
		message: string,
		readonly exitCode = 1,
	) {
		super(message);
	}
}

/** An ARM error as az prints it: `(Code) message` then Code/Message lines. */
function armError(code: string, message: string, exitCode = 1, target?: string): AzFailure {
	return new AzFailure(`(${code}) ${message}\nCode: ${code}\nMessage: ${message}${target ? `\nTarget: ${target}` : ''}`, exitCode);
}

const globalOptions: OptionSpecs = {
	output: {names: ['--output', '-o'], type: 'value', choices: outputFormats},
	query: {names: ['--query'], type: 'value'},
	onlyShowErrors: {names: ['--only-show-errors'], type: 'flag'},
	debug: {names: ['--debug'], type: 'flag'},
	verbose: {names: ['--verbose'], type: 'flag'},
	subscription: {names: ['--subscription'], type: 'value'},
};

interface AzRun {
	io: ProgramIO;
	ctx: PracticeContext;
	out: (text?: string) => void;
	err: (text?: string) => void;
	command: string;
}

function docsLink(command: string): string {
	const parts = command.split(' ');
	return `https://learn.microsoft.com/en-us/cli/azure/${parts.slice(0, -1).join('/')}#az-${parts.join('-')}`;
}

function parse(argv: string[], specs: OptionSpecs) {
	return parseArgs(argv, {...globalOptions, ...specs}, 'az');
}

function print(run: AzRun, parsed: ReturnType<typeof parseArgs>, result: unknown, tableRows?: (value: unknown) => Array<Record<string, unknown>>): void {
	const output = stringOption(parsed, 'output') ?? run.io.env.AZURE_CORE_OUTPUT ?? 'json';
	try {
		run.io.stdout.write(formatAzOutput(result, {output, query: stringOption(parsed, 'query'), tableRows}));
	} catch (error) {
		throw new AzFailure((error as Error).message, 2);
	}
}

function requireLogin(state: CloudState): Account {
	if (!state.account) throw new AzFailure("Please run 'az login' to setup account.");
	return state.account;
}

function subscriptionJson(account: Account) {
	return {
		cloudName: 'AzureCloud',
		homeTenantId: account.tenantId,
		id: account.subscriptionId,
		isDefault: true,
		managedByTenants: [],
		name: account.subscriptionName,
		state: 'Enabled',
		tenantId: account.tenantId,
		user: {name: account.user, type: 'user'},
	};
}

function groupJson(account: Account, group: {name: string; location: string; tags: Record<string, string> | null; managedBy?: string}) {
	return {
		id: groupId(account, group.name),
		location: group.location,
		managedBy: group.managedBy ?? null,
		name: group.name,
		properties: {provisioningState: 'Succeeded'},
		tags: group.tags,
		type: 'Microsoft.Resources/resourceGroups',
	};
}

function groupTableRows(value: unknown): Array<Record<string, unknown>> {
	const group = value as {location: string; name: string};
	return [{Location: group.location, Name: group.name}];
}

/** `--tags key[=value] …` (nargs='*'), as azure-cli's validate_tags reads it (azure-cli-core commands/validators.py). */
const tagsSpec: OptionSpec = {names: ['--tags'], type: 'values'};

/** The tags given, `{}` for a bare `--tags` or `--tags ""`; undefined when the option is absent. */
function tagsOption(parsed: ReturnType<typeof parseArgs>): Record<string, string> | undefined {
	const items = listOption(parsed, 'tags');
	if (parsed.options.tags === undefined) return undefined;
	const tags: Record<string, string> = {};
	for (const item of items) {
		if (!item) continue;
		const equals = item.indexOf('=');
		if (equals < 0) tags[item] = '';
		else tags[item.slice(0, equals)] = item.slice(equals + 1);
	}
	for (const name of Object.keys(tags)) {
		// ARM refuses these in a tag name (InvalidTagNameCharacters).
		if (/[<>%&\\?/]/.test(name)) throw armError('InvalidTagNameCharacters', `The tag names '${name}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`);
	}
	return tags;
}

function clusterTableRows(value: unknown): Array<Record<string, unknown>> {
	const list = (Array.isArray(value) ? value : [value]) as Array<Record<string, unknown>>;
	return list.map(cluster => ({
		Name: cluster.name,
		Location: cluster.location,
		ResourceGroup: cluster.resourceGroup,
		KubernetesVersion: cluster.kubernetesVersion,
		CurrentKubernetesVersion: cluster.currentKubernetesVersion,
		ProvisioningState: cluster.provisioningState,
		Fqdn: cluster.fqdn,
	}));
}

async function confirm(run: AzRun, yes: boolean): Promise<void> {
	if (yes) return;
	if (!run.io.tty) throw new AzFailure('Unable to prompt for confirmation as no tty available. Use --yes.');
	run.io.stderr.write('Are you sure you want to perform this operation? (y/n): ');
	const answer = (await readLine(run.io))?.trim().toLowerCase();
	if (answer !== 'y' && answer !== 'yes') throw new AzFailure('Operation cancelled.', 1);
}

/**
 * An ARM long-running operation: it takes `simulatedMs` on the SimClock and runs to its end whether
 * or not az still waits for it (closing az, like Ctrl+C on the real one, does not cancel it). `finish`
 * writes the end state; `fail` undoes what a failed operation leaves.
 */
interface Operation {
	/** The clusters it changes (clusterKey); a later operation on one of them waits for this one. */
	keys: string[];
	simulatedMs: number;
	work: () => Promise<void>;
	finish: () => void;
	fail: (error: unknown) => void;
}

/** The operations in flight per practice context, by cluster (`group/name`, lower case). */
const inFlight = new WeakMap<PracticeContext, Map<string, Promise<void>>>();

function operationsOf(ctx: PracticeContext): Map<string, Promise<void>> {
	let operations = inFlight.get(ctx);
	if (!operations) inFlight.set(ctx, (operations = new Map()));
	return operations;
}

function clusterKey(cluster: Pick<AksCluster, 'resourceGroup' | 'name'>): string {
	return `${cluster.resourceGroup}/${cluster.name}`.toLowerCase();
}

function startOperation(ctx: PracticeContext, operation: Operation): Promise<void> {
	const operations = operationsOf(ctx);
	const running = (async () => {
		try {
			await Promise.all([operation.work(), ctx.clock.sleep(operation.simulatedMs)]);
		} catch (error) {
			operation.fail(error);
			throw error;
		}
		operation.finish();
	})();
	const tracked = running.finally(() => {
		for (const key of operation.keys) if (operations.get(key) === tracked) operations.delete(key);
	});
	tracked.catch(() => undefined);
	for (const key of operation.keys) operations.set(key, tracked);
	return running;
}

/**
 * A cluster left Creating, Updating or Deleting by a daemon that stopped mid-operation has nobody to
 * finish it: settle it from what the practice cluster holds, as ARM would end it.
 */
function settleInterrupted(ctx: PracticeContext): void {
	const state = readCloud(ctx.sections);
	const operations = operationsOf(ctx);
	const stranded = (cluster: AksCluster) => cluster.provisioningState !== 'Succeeded' && cluster.provisioningState !== 'Failed' && !operations.has(clusterKey(cluster));
	if (!state.clusters.some(stranded)) return;
	const clusters = state.clusters
		.filter(cluster => !(stranded(cluster) && cluster.provisioningState === 'Deleting'))
		.map(cluster => (stranded(cluster) ? {...cluster, provisioningState: cluster.provisioningState === 'Creating' && ctx.cluster.exists() ? ('Succeeded' as const) : ('Failed' as const)} : cluster));
	writeCloud(ctx.sections, {...state, clusters});
}

function abortion(signal: AbortSignal): {promise: Promise<never>; dispose: () => void} {
	let onAbort = () => undefined as void;
	const promise = new Promise<never>((_, reject) => {
		onAbort = () => reject(signal.reason ?? new Error('aborted'));
		if (signal.aborted) onAbort();
		else signal.addEventListener('abort', onAbort, {once: true});
	});
	promise.catch(() => undefined);
	return {promise, dispose: () => signal.removeEventListener('abort', onAbort)};
}

/** az's indeterminate progress on stderr while it waits for `operation`; an aborted az stops waiting, the operation goes on. */
async function waitWithProgress(run: AzRun, simulatedMs: number, operation: Promise<void>): Promise<void> {
	operation.catch(() => undefined);
	let settled = false;
	operation.then(
		() => (settled = true),
		() => (settled = true),
	);
	const frames = ['-', '\\', '|', '/'];
	const ticks = 8;
	if (!run.io.tty) run.err(`- Running ..`);
	const aborted = abortion(run.io.signal);
	try {
		for (let tick = 0; tick < ticks && !settled; tick++) {
			if (run.io.tty) run.io.stderr.write(`\r${frames[tick % frames.length]} Running ..`);
			await run.ctx.clock.sleep(simulatedMs / ticks, run.io.signal);
		}
		await Promise.race([operation, aborted.promise]);
	} finally {
		aborted.dispose();
	}
	if (run.io.tty) run.io.stderr.write('\r            \r');
}

/** `(OperationNotAllowed)` as AKS answers a write to a cluster another operation is changing. */
function operationInProgress(cluster: AksCluster): AzFailure {
	if (cluster.provisioningState === 'Creating') {
		return armError(
			'OperationNotAllowed',
			`Operation is not allowed because there's an in progress create managed cluster operation ID '${cluster.operationId ?? '00000000-0000-0000-0000-000000000000'}' started at ${cluster.createdAt}. Please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details`,
		);
	}
	return armError('OperationNotAllowed', `Operation is not allowed: Another operation (${cluster.provisioningState}) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details`);
}

function inProgress(cluster: AksCluster): boolean {
	return cluster.provisioningState === 'Creating' || cluster.provisioningState === 'Updating' || cluster.provisioningState === 'Deleting';
}

// --- login / account ----------------------------------------------------------------------

async function login(run: AzRun, argv: string[]): Promise<number> {
	const parsed = parse(argv, {
		useDeviceCode: {names: ['--use-device-code'], type: 'flag'},
		tenant: {names: ['--tenant', '-t'], type: 'value'},
		identity: {names: ['--identity'], type: 'flag'},
	});
	const state = readCloud(run.ctx.sections);
	const code = randomBytes(6).toString('base64').replace(/[^A-Z0-9]/gi, '').toUpperCase().slice(0, 9).padEnd(9, 'K');
	run.err(`To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${code} to authenticate.`);
	run.err('(cilium-lab practice cluster: there is no Azure here; the sign-in completes by itself.)');
	await run.ctx.clock.sleep(3000, run.io.signal);
	const account = state.account ?? newAccount();
	writeCloud(run.ctx.sections, {...state, account});
	print(run, parsed, [subscriptionJson(account)]);
	return 0;
}

function account(run: AzRun, sub: string | undefined, argv: string[]): number {
	const state = readCloud(run.ctx.sections);
	if (sub === 'show') {
		const parsed = parse(argv, {name: {names: ['--name', '-n'], type: 'value'}});
		print(run, parsed, subscriptionJson(requireLogin(state)));
		return 0;
	}
	if (sub === 'list') {
		const parsed = parse(argv, {all: {names: ['--all'], type: 'flag'}, refresh: {names: ['--refresh'], type: 'flag'}});
		print(run, parsed, state.account ? [subscriptionJson(state.account)] : []);
		return 0;
	}
	if (sub === 'set') {
		const parsed = parse(argv, {subscription: {names: ['--subscription', '--name', '-s', '-n'], type: 'value', required: true}});
		const account = requireLogin(state);
		const wanted = stringOption(parsed, 'subscription')!;
		if (wanted !== account.subscriptionId && wanted !== account.subscriptionName) {
			throw new AzFailure(`The subscription of '${wanted}' doesn't exist in cloud 'AzureCloud'.`);
		}
		return 0;
	}
	throw new NotSimulated(`account ${sub ?? ''}`.trim());
}

// --- groups ---------------------------------------------------------------------------------

async function groupCommand(run: AzRun, sub: string | undefined, argv: string[]): Promise<number> {
	const state = readCloud(run.ctx.sections);
	const nameSpec: OptionSpec = {names: ['--name', '--resource-group', '-n', '-g'], type: 'value', required: true};
	if (sub === 'create') {
		const parsed = parse(argv, {name: nameSpec, location: {names: ['--location', '-l'], type: 'value', required: true}, tags: tagsSpec, managedBy: {names: ['--managed-by'], type: 'value'}});
		const account = requireLogin(state);
		const name = stringOption(parsed, 'name')!;
		if (!/^[-\w._()]{1,90}$/.test(name) || name.endsWith('.')) {
			throw new AzFailure(`(InvalidResourceGroup) The provided resource group name '${name}' has these invalid characters: '${name.replace(/[-\w._()]/g, '')}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.`);
		}
		const location = stringOption(parsed, 'location')!.toLowerCase().replace(/\s+/g, '');
		const existing = findGroup(state, name);
		if (existing && existing.location !== location) {
			throw armError('InvalidResourceGroupLocation', `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`, 1);
		}
		// create_resource_group is a PUT (resource_groups.create_or_update): on an existing group its tags become the ones given.
		const created: ResourceGroup = {name: existing?.name ?? name, location, tags: tagsOption(parsed) ?? null};
		writeCloud(run.ctx.sections, {...state, groups: existing ? state.groups.map(group => (group === existing ? created : group)) : [...state.groups, created]});
		print(run, parsed, groupJson(account, created), groupTableRows);
		return 0;
	}
	if (sub === 'show') {
		const parsed = parse(argv, {name: nameSpec});
		const account = requireLogin(state);
		const found = findGroup(state, stringOption(parsed, 'name')!);
		if (!found) throw armError('ResourceGroupNotFound', `Resource group '${stringOption(parsed, 'name')}' could not be found.`, 3);
		print(run, parsed, groupJson(account, found), groupTableRows);
		return 0;
	}
	if (sub === 'exists') {
		const parsed = parse(argv, {name: nameSpec});
		requireLogin(state);
		run.out(findGroup(state, stringOption(parsed, 'name')!) ? 'true' : 'false');
		return 0;
	}
	if (sub === 'list') {
		const parsed = parse(argv, {tag: {names: ['--tag'], type: 'value'}});
		const account = requireLogin(state);
		const groups = [...state.groups, ...state.clusters.map(cluster => ({name: `MC_${cluster.resourceGroup}_${cluster.name}_${cluster.location}`, location: cluster.location, tags: {'aks-managed-cluster-name': cluster.name, 'aks-managed-cluster-rg': cluster.resourceGroup}, managedBy: `${clusterJson(account, cluster).id}`}))];
		print(run, parsed, groups.map(entry => groupJson(account, entry)), value =>
			(value as Array<{name: string; location: string; properties: {provisioningState: string}}>).map(entry => ({Name: entry.name, Location: entry.location, Status: entry.properties.provisioningState})),
		);
		return 0;
	}
	if (sub === 'delete') {
		const parsed = parse(argv, {name: nameSpec, yes: {names: ['--yes', '-y'], type: 'flag'}, noWait: {names: ['--no-wait'], type: 'flag'}, forceDeletionTypes: {names: ['--force-deletion-types', '-f'], type: 'value'}});
		requireLogin(state);
		const name = stringOption(parsed, 'name')!;
		const found = findGroup(state, name);
		if (!found) throw armError('ResourceGroupNotFound', `Resource group '${name}' could not be found.`, 3);
		await confirm(run, flagOption(parsed, 'yes'));
		const clusters = readCloud(run.ctx.sections).clusters.filter(cluster => sameName(cluster.resourceGroup, found.name));
		const simulatedMs = clusters.length > 0 ? 5 * 60_000 : 30_000;
		const previous = clusters.flatMap(cluster => operationsOf(run.ctx).get(clusterKey(cluster)) ?? []);
		markDeleting(run.ctx, clusters);
		const operation = startOperation(run.ctx, {
			keys: clusters.map(clusterKey),
			simulatedMs,
			work: async () => {
				await Promise.all(previous.map(operation => operation.catch(() => undefined)));
				markDeleting(run.ctx, clusters);
				for (const cluster of clusters) await removeCluster(run.ctx, cluster);
			},
			finish: () => {
				const latest = readCloud(run.ctx.sections);
				writeCloud(run.ctx.sections, {...latest, groups: latest.groups.filter(entry => !sameName(entry.name, found.name)), clusters: latest.clusters.filter(cluster => !sameName(cluster.resourceGroup, found.name))});
			},
			fail: () => markFailed(run.ctx, clusters),
		});
		// ARM accepted the request: the deletion goes on after az returns (--no-wait) or is interrupted.
		if (flagOption(parsed, 'noWait')) return 0;
		await waitWithProgress(run, simulatedMs, operation);
		return 0;
	}
	throw new NotSimulated(`group ${sub ?? ''}`.trim());
}

// --- aks --------------------------------------------------------------------------------------

const clusterNameSpecs: OptionSpecs = {
	resourceGroup: {names: ['--resource-group', '-g'], type: 'value', required: true},
	name: {names: ['--name', '-n'], type: 'value', required: true},
};

async function removeCluster(ctx: PracticeContext, cluster: AksCluster): Promise<void> {
	// The practice cluster backs exactly one AKS cluster: removing that one stops the API listener.
	const state = readCloud(ctx.sections);
	if (ctx.cluster.exists() && state.clusters.length > 0 && sameName(state.clusters[0]!.name, cluster.name)) await ctx.cluster.remove();
}

function setState(ctx: PracticeContext, clusters: AksCluster[], provisioningState: AksCluster['provisioningState'], operationId?: string): void {
	const keys = new Set(clusters.map(clusterKey));
	const latest = readCloud(ctx.sections);
	writeCloud(ctx.sections, {...latest, clusters: latest.clusters.map(entry => (keys.has(clusterKey(entry)) ? {...entry, provisioningState, operationId} : entry))});
}

function markDeleting(ctx: PracticeContext, clusters: AksCluster[]): void {
	setState(ctx, clusters, 'Deleting', randomUUID());
}

function markFailed(ctx: PracticeContext, clusters: AksCluster[]): void {
	setState(ctx, clusters, 'Failed');
}

function validateNetwork(profile: NetworkProfile): void {
	if (profile.networkPluginMode === 'overlay' && profile.networkPlugin !== 'azure') {
		throw armError('BadRequest', `Network plugin mode overlay is only supported with network plugin azure.`, 1, 'networkProfile.networkPluginMode');
	}
	if (profile.networkDataplane === 'cilium') {
		if (profile.networkPlugin !== 'azure') throw armError('BadRequest', 'Cilium dataplane requires network plugin azure.', 1, 'networkProfile.networkPlugin');
		if (profile.networkPluginMode !== 'overlay') throw armError('BadRequest', 'Cilium dataplane requires either network plugin mode overlay or pod subnet', 1, 'networkProfile.networkPluginMode');
		if (profile.networkPolicy !== 'cilium') throw armError('BadRequest', 'Cilium dataplane requires network policy cilium.', 1, 'networkProfile.networkPolicy');
	}
	if (profile.networkPolicy === 'cilium' && profile.networkDataplane !== 'cilium') {
		throw armError('BadRequest', 'Network policy cilium requires network dataplane cilium.', 1, 'networkProfile.networkPolicy');
	}
}

async function aksCreate(run: AzRun, argv: string[]): Promise<number> {
	const parsed = parse(argv, {
		...clusterNameSpecs,
		location: {names: ['--location', '-l'], type: 'value'},
		networkPlugin: {names: ['--network-plugin'], type: 'value', choices: ['azure', 'kubenet', 'none']},
		networkPluginMode: {names: ['--network-plugin-mode'], type: 'value', choices: ['overlay']},
		networkDataplane: {names: ['--network-dataplane'], type: 'value', choices: ['azure', 'cilium']},
		networkPolicy: {names: ['--network-policy'], type: 'value', choices: ['azure', 'calico', 'cilium', 'none']},
		nodeCount: {names: ['--node-count', '-c'], type: 'value'},
		generateSshKeys: {names: ['--generate-ssh-keys'], type: 'flag'},
		kubernetesVersion: {names: ['--kubernetes-version', '-k'], type: 'value'},
		nodeVmSize: {names: ['--node-vm-size', '-s'], type: 'value'},
		podCidr: {names: ['--pod-cidr'], type: 'value'},
		serviceCidr: {names: ['--service-cidr'], type: 'value'},
		dnsServiceIp: {names: ['--dns-service-ip'], type: 'value'},
		tier: {names: ['--tier'], type: 'value', choices: ['free', 'standard', 'premium']},
		tags: tagsSpec,
		noWait: {names: ['--no-wait'], type: 'flag'},
		yes: {names: ['--yes', '-y'], type: 'flag'},
	});
	const state = readCloud(run.ctx.sections);
	const account = requireLogin(state);
	const tags = tagsOption(parsed);
	const groupName = stringOption(parsed, 'resourceGroup')!;
	const name = stringOption(parsed, 'name')!;
	const group = findGroup(state, groupName);
	if (!group) throw armError('ResourceGroupNotFound', `Resource group '${groupName}' could not be found.`, 3);
	if (!/^[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/.test(name)) {
		throw new AzFailure(`--name cannot exceed 63 characters and can only contain letters, numbers, underscores (_) or dashes (-).`, 2);
	}
	const existing = findCluster(state, group.name, name);
	if (existing && inProgress(existing)) throw operationInProgress(existing);
	if (existing) {
		throw new AzFailure(`The cluster '${name}' under resource group '${group.name}' already exists. Please use command 'az aks update' to update the existing cluster, or select a different cluster name or resource group.`);
	}
	if (state.clusters.length > 0 || run.ctx.cluster.exists()) {
		const other = state.clusters[0];
		throw new AzFailure(`the cilium-lab practice cluster holds one AKS cluster at a time${other ? ` ('${other.name}' in '${other.resourceGroup}')` : ''}; delete it first (az aks delete -g … -n … --yes) or use it`, 2);
	}
	const nodeCountText = stringOption(parsed, 'nodeCount') ?? '3';
	const nodeCount = Number(nodeCountText);
	if (!/^\d+$/.test(nodeCountText) || nodeCount < 1 || nodeCount > 10) {
		throw new AzFailure(nodeCount > 10 ? `the practice cluster simulates 1 to 10 nodes (got --node-count ${nodeCountText})` : `argument --node-count/-c: invalid int value: '${nodeCountText}'`, 2);
	}
	const plugin = (stringOption(parsed, 'networkPlugin') ?? 'azure') as NetworkProfile['networkPlugin'];
	// Recent az defaults to Azure CNI Overlay when --network-plugin is not given.
	const pluginMode = (stringOption(parsed, 'networkPluginMode') ?? (stringOption(parsed, 'networkPlugin') ? null : 'overlay')) as NetworkProfile['networkPluginMode'];
	const dataplane = (stringOption(parsed, 'networkDataplane') ?? (plugin === 'azure' ? 'azure' : null)) as NetworkProfile['networkDataplane'];
	const policy = (stringOption(parsed, 'networkPolicy') ?? (dataplane === 'cilium' ? 'cilium' : plugin === 'none' ? null : 'none')) as NetworkProfile['networkPolicy'];
	const profile: NetworkProfile = {
		networkPlugin: plugin,
		networkPluginMode: pluginMode,
		networkDataplane: dataplane,
		networkPolicy: policy,
		podCidr: stringOption(parsed, 'podCidr') ?? (plugin === 'kubenet' || pluginMode === 'overlay' ? '10.244.0.0/16' : null),
		serviceCidr: stringOption(parsed, 'serviceCidr') ?? '10.0.0.0/16',
		dnsServiceIp: stringOption(parsed, 'dnsServiceIp') ?? '10.0.0.10',
	};
	validateNetwork(profile);
	const location = (stringOption(parsed, 'location') ?? group.location).toLowerCase();
	const requestedVersion = stringOption(parsed, 'kubernetesVersion');
	const kubernetesVersion = requestedVersion === undefined ? DEFAULT_AKS_KUBERNETES_VERSION : resolveAksKubernetesVersion(requestedVersion);
	if (!kubernetesVersion) {
		// ARM's answer to a version the region does not offer (the code and the pointer to get-versions are AKS's).
		throw armError('K8sVersionNotSupported', `Managed cluster ${name} is on version ${requestedVersion}, which is not supported in this region. Please use [az aks get-versions] command to get the supported version list in this region. For more information, please check https://aka.ms/supported-version-list`);
	}
	const cluster: AksCluster = {
		name,
		resourceGroup: group.name,
		location,
		nodeCount,
		kubernetesVersion,
		dnsPrefix: `${name.slice(0, 10)}-${group.name.slice(0, 16)}-${account.subscriptionId.slice(0, 6)}`.replace(/[^a-zA-Z0-9-]/g, '-'),
		fqdnSuffix: randomBytes(4).toString('hex'),
		networkProfile: profile,
		vmSize: stringOption(parsed, 'nodeVmSize') ?? defaultVmSize,
		tags: tags ?? null,
		provisioningState: 'Creating',
		createdAt: new Date(run.ctx.clock.now()).toISOString(),
		operationId: randomUUID(),
	};
	writeCloud(run.ctx.sections, {...state, clusters: [...state.clusters, cluster]});
	const simulatedMs = 6 * 60_000;
	const operation = startOperation(run.ctx, {
		keys: [clusterKey(cluster)],
		simulatedMs,
		work: async () => {
			// The nodes register with their CNI from the start: Azure CNI and kubenet nodes turn Ready without Cilium.
			await run.ctx.cluster.create({name, nodeCount, location, kubernetesVersion: cluster.kubernetesVersion, cni: profile.networkPlugin, ...(profile.networkDataplane ? {dataplane: profile.networkDataplane} : {})});
			if (profile.networkDataplane === 'cilium') await installManagedCilium(run.ctx, cluster.kubernetesVersion);
		},
		finish: () => setState(run.ctx, [cluster], 'Succeeded'),
		fail: () => {
			const latest = readCloud(run.ctx.sections);
			writeCloud(run.ctx.sections, {...latest, clusters: latest.clusters.filter(entry => clusterKey(entry) !== clusterKey(cluster))});
		},
	});
	if (flagOption(parsed, 'noWait')) return 0;
	await waitWithProgress(run, simulatedMs, operation);
	const created = findCluster(readCloud(run.ctx.sections), group.name, name)!;
	print(run, parsed, clusterJson(account, created), clusterTableRows);
	return 0;
}

function requireCluster(state: CloudState, groupName: string, name: string): AksCluster {
	if (!findGroup(state, groupName)) throw armError('ResourceGroupNotFound', `Resource group '${groupName}' could not be found.`, 3);
	const cluster = findCluster(state, groupName, name);
	if (!cluster) {
		throw armError(
			'ResourceNotFound',
			`The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${groupName}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
			3,
		);
	}
	return cluster;
}

function homeKubeconfig(env: Record<string, string>): string {
	return path.join(env.HOME || os.homedir(), '.kube', 'config');
}

/** A kubeconfig as read from YAML: the named lists merged here, and the fields kept as they are. */
type Kubeconfig = Record<string, unknown> & {clusters?: NamedEntry[]; users?: NamedEntry[]; contexts?: NamedEntry[]};
type NamedEntry = {name: string} & Record<string, unknown>;

/** Merges the practice kubeconfig's cluster, user and context into `file`, as az does. */
function mergeKubeconfig(file: string, addition: string, overwrite: boolean): void {
	const incoming = parseYaml(addition) as Kubeconfig;
	let existing: Kubeconfig = {apiVersion: 'v1', kind: 'Config', clusters: [], contexts: [], users: [], preferences: {}};
	if (existsSync(file)) {
		const text = readFileSync(file, 'utf8');
		if (text.trim()) {
			try {
				existing = parseYaml(text) ?? existing;
			} catch (error) {
				throw new AzFailure(`Failed to load kubeconfig file ${file}: ${(error as Error).message}`);
			}
		}
	}
	for (const section of ['clusters', 'users', 'contexts'] as const) {
		const present = existing[section];
		const current = Array.isArray(present) ? present : [];
		for (const entry of incoming[section] ?? []) {
			const index = current.findIndex(candidate => candidate.name === entry.name);
			if (index >= 0) {
				if (JSON.stringify(current[index]) !== JSON.stringify(entry) && !overwrite) {
					throw new AzFailure(`A different object named ${entry.name} already exists in your kubeconfig file.\nUse --overwrite-existing to replace it.`);
				}
				current[index] = entry;
			} else current.push(entry);
		}
		existing[section] = current;
	}
	existing['current-context'] = incoming['current-context'];
	mkdirSync(path.dirname(file), {recursive: true});
	writeFileSync(file, toYaml(existing), {mode: 0o600});
}

function aksGetCredentials(run: AzRun, argv: string[]): number {
	const parsed = parse(argv, {
		...clusterNameSpecs,
		overwriteExisting: {names: ['--overwrite-existing'], type: 'flag'},
		file: {names: ['--file', '-f'], type: 'value'},
		admin: {names: ['--admin', '-a'], type: 'flag'},
		context: {names: ['--context'], type: 'value'},
	});
	const state = readCloud(run.ctx.sections);
	requireLogin(state);
	const cluster = requireCluster(state, stringOption(parsed, 'resourceGroup')!, stringOption(parsed, 'name')!);
	const contextName = stringOption(parsed, 'context') ?? (flagOption(parsed, 'admin') ? `${cluster.name}-admin` : cluster.name);
	const kubeconfig = run.ctx.cluster.kubeconfig(contextName);
	const explicitFile = stringOption(parsed, 'file');
	if (explicitFile === '-') {
		run.io.stdout.write(kubeconfig);
		return 0;
	}
	const target = explicitFile
		? path.resolve(run.io.cwd ?? '/', explicitFile)
		: run.io.env.KUBECONFIG
			? path.resolve(run.io.cwd ?? '/', run.io.env.KUBECONFIG.split(path.delimiter)[0]!)
			: undefined;
	if (!target || (!explicitFile && path.resolve(target) === path.resolve(homeKubeconfig(run.io.env)))) {
		throw new AzFailure(
			'KUBECONFIG does not point at the practice kubeconfig; the cilium-lab practice cluster never writes ~/.kube/config.\nRun: eval "$(cilium-lab practice env)"   (or pass --file <path>)',
		);
	}
	mergeKubeconfig(target, kubeconfig, flagOption(parsed, 'overwriteExisting'));
	run.err(`Merged "${contextName}" as current context in ${target}`);
	return 0;
}

async function aksUpdate(run: AzRun, argv: string[]): Promise<number> {
	const parsed = parse(argv, {
		...clusterNameSpecs,
		networkPlugin: {names: ['--network-plugin'], type: 'value', choices: ['azure']},
		networkPluginMode: {names: ['--network-plugin-mode'], type: 'value', choices: ['overlay']},
		networkDataplane: {names: ['--network-dataplane'], type: 'value', choices: ['azure', 'cilium']},
		networkPolicy: {names: ['--network-policy'], type: 'value', choices: ['azure', 'calico', 'cilium', 'none']},
		podCidr: {names: ['--pod-cidr'], type: 'value'},
		enableAcns: {names: ['--enable-acns'], type: 'flag'},
		noWait: {names: ['--no-wait'], type: 'flag'},
		yes: {names: ['--yes', '-y'], type: 'flag'},
	});
	const state = readCloud(run.ctx.sections);
	const account = requireLogin(state);
	const cluster = requireCluster(state, stringOption(parsed, 'resourceGroup')!, stringOption(parsed, 'name')!);
	if (inProgress(cluster)) throw operationInProgress(cluster);
	const before = cluster.networkProfile;
	const wantedDataplane = stringOption(parsed, 'networkDataplane') as NetworkProfile['networkDataplane'] | undefined;
	const enableAcns = flagOption(parsed, 'enableAcns');
	if (enableAcns && before.networkPlugin === 'none') {
		throw new AzFailure('Advanced Container Networking Services needs an AKS-managed CNI (Azure CNI); a cluster created with --network-plugin none (bring your own CNI) cannot enable it.');
	}
	if (!wantedDataplane && !stringOption(parsed, 'networkPlugin') && !stringOption(parsed, 'networkPluginMode') && !stringOption(parsed, 'networkPolicy') && !enableAcns) {
		throw new AzFailure(
			'Please specify one or more of "--enable-cluster-autoscaler" or "--disable-cluster-autoscaler" or "--update-cluster-autoscaler" or ... "--network-dataplane" or "--network-policy" (the practice cluster simulates the network options of az aks update)',
		);
	}
	if (before.networkDataplane === 'cilium' && wantedDataplane && wantedDataplane !== 'cilium') {
		throw armError('PropertyChangeNotAllowed', "Changing property 'networkProfile.networkDataplane' is not allowed.", 1, 'networkProfile.networkDataplane');
	}
	if (before.networkPlugin === 'none' && stringOption(parsed, 'networkPlugin')) {
		throw armError('BadRequest', 'Changing the network plugin of a cluster created with --network-plugin none (bring your own CNI) is not supported. Create a new cluster to use Azure CNI.', 1, 'networkProfile.networkPlugin');
	}
	const after: NetworkProfile = {
		...before,
		networkPlugin: (stringOption(parsed, 'networkPlugin') as NetworkProfile['networkPlugin']) ?? before.networkPlugin,
		networkPluginMode: (stringOption(parsed, 'networkPluginMode') as NetworkProfile['networkPluginMode']) ?? before.networkPluginMode,
		networkDataplane: wantedDataplane ?? before.networkDataplane,
		networkPolicy: (stringOption(parsed, 'networkPolicy') as NetworkProfile['networkPolicy']) ?? (wantedDataplane === 'cilium' ? 'cilium' : before.networkPolicy),
		advancedNetworking: enableAcns || before.advancedNetworking,
	};
	if (after.networkPluginMode === 'overlay' && !after.podCidr) after.podCidr = stringOption(parsed, 'podCidr') ?? '10.244.0.0/16';
	validateNetwork(after);
	const toCilium = after.networkDataplane === 'cilium' && before.networkDataplane !== 'cilium';
	const save = (updated: AksCluster) => {
		const latest = readCloud(run.ctx.sections);
		writeCloud(run.ctx.sections, {...latest, clusters: latest.clusters.map(entry => (entry.name === cluster.name && entry.resourceGroup === cluster.resourceGroup ? updated : entry))});
	};
	save({...cluster, provisioningState: 'Updating', operationId: randomUUID()});
	const simulatedMs = toCilium ? 10 * 60_000 : 60_000;
	const operation = startOperation(run.ctx, {
		keys: [clusterKey(cluster)],
		simulatedMs,
		work: async () => {
			// AKS reimages the nodes one by one; the practice cluster installs the managed Cilium on the ones it has.
			if (toCilium) await installManagedCilium(run.ctx, cluster.kubernetesVersion);
			if (after.advancedNetworking && !before.advancedNetworking && after.networkDataplane === 'cilium') enableManagedAcns(run.ctx, cluster.kubernetesVersion);
		},
		finish: () => save({...cluster, networkProfile: after, provisioningState: 'Succeeded', operationId: undefined}),
		fail: () => save({...cluster, provisioningState: 'Failed', operationId: undefined}),
	});
	if (flagOption(parsed, 'noWait')) return 0;
	await waitWithProgress(run, simulatedMs, operation);
	print(run, parsed, clusterJson(account, findCluster(readCloud(run.ctx.sections), cluster.resourceGroup, cluster.name)!), clusterTableRows);
	return 0;
}

async function aks(run: AzRun, sub: string | undefined, argv: string[]): Promise<number> {
	switch (sub) {
		case 'create':
			return aksCreate(run, argv);
		case 'get-credentials':
			return aksGetCredentials(run, argv);
		case 'get-versions': {
			const parsed = parse(argv, {location: {names: ['--location', '-l'], type: 'value', required: true}});
			requireLogin(readCloud(run.ctx.sections));
			print(run, parsed, aksVersionsJson(), () => aksVersionsTableRows());
			return 0;
		}
		case 'update':
			return aksUpdate(run, argv);
		case 'show': {
			const parsed = parse(argv, clusterNameSpecs);
			const state = readCloud(run.ctx.sections);
			const account = requireLogin(state);
			print(run, parsed, clusterJson(account, requireCluster(state, stringOption(parsed, 'resourceGroup')!, stringOption(parsed, 'name')!)), clusterTableRows);
			return 0;
		}
		case 'list': {
			const parsed = parse(argv, {resourceGroup: {names: ['--resource-group', '-g'], type: 'value'}});
			const state = readCloud(run.ctx.sections);
			const account = requireLogin(state);
			const groupName = stringOption(parsed, 'resourceGroup');
			const clusters = state.clusters.filter(cluster => !groupName || sameName(cluster.resourceGroup, groupName));
			print(run, parsed, clusters.map(cluster => clusterJson(account, cluster)), clusterTableRows);
			return 0;
		}
		case 'delete': {
			const parsed = parse(argv, {...clusterNameSpecs, yes: {names: ['--yes', '-y'], type: 'flag'}, noWait: {names: ['--no-wait'], type: 'flag'}});
			const state = readCloud(run.ctx.sections);
			requireLogin(state);
			const cluster = requireCluster(state, stringOption(parsed, 'resourceGroup')!, stringOption(parsed, 'name')!);
			await confirm(run, flagOption(parsed, 'yes'));
			const simulatedMs = 4 * 60_000;
			// A delete that arrives while another operation is changing the cluster waits for it to end.
			const previous = operationsOf(run.ctx).get(clusterKey(cluster));
			markDeleting(run.ctx, [cluster]);
			const operation = startOperation(run.ctx, {
				keys: [clusterKey(cluster)],
				simulatedMs,
				work: async () => {
					await previous?.catch(() => undefined);
					markDeleting(run.ctx, [cluster]);
					await removeCluster(run.ctx, cluster);
				},
				finish: () => {
					const latest = readCloud(run.ctx.sections);
					writeCloud(run.ctx.sections, {...latest, clusters: latest.clusters.filter(entry => clusterKey(entry) !== clusterKey(cluster))});
				},
				fail: () => markFailed(run.ctx, [cluster]),
			});
			if (flagOption(parsed, 'noWait')) return 0;
			await waitWithProgress(run, simulatedMs, operation);
			return 0;
		}
		default:
			throw new NotSimulated(`aks ${sub ?? ''}`.trim());
	}
}

/** The generic resource `az resource list` prints for an AKS cluster (ARM's GenericResourceExpanded; properties not expanded). */
function genericResourceJson(account: Account, cluster: AksCluster): Record<string, unknown> {
	return {
		changedTime: cluster.createdAt,
		createdTime: cluster.createdAt,
		extendedLocation: null,
		id: clusterJson(account, cluster).id,
		identity: {principalId: null, tenantId: null, type: 'SystemAssigned', userAssignedIdentities: null},
		kind: null,
		location: cluster.location,
		managedBy: null,
		name: cluster.name,
		plan: null,
		properties: null,
		provisioningState: cluster.provisioningState,
		resourceGroup: cluster.resourceGroup,
		sku: {capacity: null, family: null, model: null, name: 'Base', size: null, tier: 'Free'},
		tags: cluster.tags ?? null,
		type: 'Microsoft.ContainerService/managedClusters',
	};
}

/** azure-cli's transform_resource_list (command_modules/resource/commands.py): Status is ' ' when properties is null. */
function resourceTableRows(value: unknown): Array<Record<string, unknown>> {
	return (value as Array<Record<string, unknown>>).map(resource => ({
		Name: resource.name,
		ResourceGroup: resource.resourceGroup,
		Location: resource.location,
		Type: resource.type,
		Status: (resource.properties as {provisioningStatus?: string} | null)?.provisioningStatus ?? ' ',
	}));
}

function resourceCommand(run: AzRun, sub: string | undefined, argv: string[]): number {
	if (sub !== 'list') throw new NotSimulated(`resource ${sub ?? ''}`.trim());
	const parsed = parse(argv, {
		resourceGroup: {names: ['--resource-group', '-g'], type: 'value'},
		tag: {names: ['--tag'], type: 'value'},
		resourceType: {names: ['--resource-type'], type: 'value'},
		name: {names: ['--name', '-n'], type: 'value'},
		location: {names: ['--location', '-l'], type: 'value'},
	});
	const state = readCloud(run.ctx.sections);
	const account = requireLogin(state);
	const groupName = stringOption(parsed, 'resourceGroup');
	if (groupName && !findGroup(state, groupName)) throw armError('ResourceGroupNotFound', `Resource group '${groupName}' could not be found.`, 3);
	const [tagName, tagValue] = (() => {
		const tag = stringOption(parsed, 'tag');
		if (tag === undefined) return [undefined, undefined];
		const equals = tag.indexOf('=');
		return equals < 0 ? [tag, undefined] : [tag.slice(0, equals), tag.slice(equals + 1)];
	})();
	const type = stringOption(parsed, 'resourceType');
	const name = stringOption(parsed, 'name');
	const location = stringOption(parsed, 'location');
	const resources = state.clusters
		.filter(cluster => !groupName || sameName(cluster.resourceGroup, groupName))
		.filter(() => !type || sameName(type, 'Microsoft.ContainerService/managedClusters'))
		.filter(cluster => !name || sameName(cluster.name, name))
		.filter(cluster => !location || sameName(cluster.location, location))
		.filter(cluster => tagName === undefined || (cluster.tags != null && Object.hasOwn(cluster.tags, tagName) && (tagValue === undefined || cluster.tags[tagName] === tagValue)))
		.map(cluster => genericResourceJson(account, cluster));
	print(run, parsed, resources, resourceTableRows);
	return 0;
}

class NotSimulated extends Error {}

export const az: HostTool = async (argv, io, ctx) => {
	const {out, err} = lines(io);
	const [group, sub, ...rest] = argv;
	const run: AzRun = {io, ctx, out, err, command: [group, sub].filter(Boolean).join(' ')};
	try {
		switch (group) {
			case 'login':
				return await login(run, argv.slice(1));
			case 'logout': {
				const state = readCloud(ctx.sections);
				if (!state.account) throw new AzFailure('There are no active accounts.');
				writeCloud(ctx.sections, {...state, account: undefined});
				return 0;
			}
			case 'account':
				return account(run, sub, rest);
			case 'group':
				settleInterrupted(ctx);
				return await groupCommand(run, sub, rest);
			case 'aks':
				settleInterrupted(ctx);
				return await aks(run, sub, rest);
			case 'resource':
				settleInterrupted(ctx);
				return resourceCommand(run, sub, rest);
			case 'version':
				out(JSON.stringify({'azure-cli': azVersion, 'azure-cli-core': azVersion, 'azure-cli-telemetry': '1.1.0', extensions: {}}, null, 2));
				return 0;
			case undefined:
				err('az: the cilium-lab practice cluster simulates: login, account show|list|set, group create|show|list|exists|delete, resource list, aks create|show|list|get-credentials|get-versions|update|delete');
				return 2;
			default:
				throw new NotSimulated(argv.filter(arg => !arg.startsWith('-')).slice(0, 2).join(' '));
		}
	} catch (error) {
		if (error instanceof NotSimulated) {
			err(`az: '${error.message}' is not simulated by the cilium-lab practice cluster`);
			return 2;
		}
		if (error instanceof ArgsError) {
			err(`ERROR: ${error.message}`);
			err();
			err(`${docsLink(`${run.command}`)}`);
			err('Read more about the command in reference docs');
			return 2;
		}
		if (error instanceof AzFailure) {
			err(`ERROR: ${error.message}`);
			return error.exitCode;
		}
		throw error;
	}
};

