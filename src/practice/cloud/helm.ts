// The simulated `helm` (v3.16): repos, search, install/upgrade/uninstall of the cilium chart, list,
// history, get values, status. Releases are stored as helm stores them: Secrets
// `sh.helm.release.v1.<name>.v<revision>` of type helm.sh/release.v1 in the release namespace,
// labelled owner=helm, name, status, version; the payload is gzip+base64 JSON like helm's (with
// fewer fields).
import {gunzipSync, gzipSync} from 'node:zlib';
import {stringify as toYaml} from 'yaml';
import {StatusError, type HostTool, type KubeObject, type PracticeContext, type ProgramIO} from '../types.js';
import {ArgsError, listOption, parseArgs, stringOption, flagOption, parseGoDuration, type OptionSpecs} from './args.js';
import {ansicDate} from './text.js';
import {applySet, ValuesError, type Values, mergeValues} from './helm-values.js';
import {renderCiliumChart, computedValues, chartTemplatePath, chartValuesText} from './cilium-chart.js';
import {CILIUM_RELEASES} from '../versions.js';
import {kubeAccess} from './kube-access.js';
import {cobraKnows, cobraUnknownCommand, HELM_ROOT} from './cobra.js';
import {lines, notSimulated, pollUntil} from './tool-io.js';
import {parse as parseYaml} from 'yaml';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {ensureCiliumOperatorSimulation} from './operator.js';

export const helmVersion = 'v3.16.3';
const helmGitCommit = 'cfd07493f46efc9debd9cc1b02a0961186df7fdf';

interface RepoEntry {
	name: string;
	url: string;
}

const knownRepos: Record<string, {charts: Array<{name: string; version: string; appVersion: string; description: string}>}> = {
	'https://helm.cilium.io': {
		charts: [
			// Newest first, as in the repository's index.yaml: the versions the practice cluster simulates (src/practice/versions.ts).
			...[...CILIUM_RELEASES].reverse().map((release) => ({name: 'cilium', version: release.version, appVersion: release.version, description: 'eBPF-based Networking, Security, and Observability'})),
			{name: 'tetragon', version: '1.3.0', appVersion: '1.3.0', description: 'Helm chart for Tetragon'},
		],
	},
};

function normalizeUrl(url: string): string {
	return url.replace(/\/+$/, '');
}

export interface ReleaseRecord {
	name: string;
	namespace: string;
	version: number;
	status: 'deployed' | 'superseded' | 'failed' | 'uninstalling' | 'pending-install' | 'pending-upgrade' | 'pending-rollback';
	description: string;
	firstDeployed: number;
	lastDeployed: number;
	chart: {name: string; version: string; appVersion: string};
	/** User-supplied values (`helm get values`). */
	config: Values;
	manifest: string;
	notes: string;
}

// --- release storage ------------------------------------------------------------------------

function secretName(name: string, version: number): string {
	return `sh.helm.release.v1.${name}.v${version}`;
}

function encodeRelease(release: ReleaseRecord): string {
	const payload = {
		name: release.name,
		info: {
			first_deployed: new Date(release.firstDeployed).toISOString(),
			last_deployed: new Date(release.lastDeployed).toISOString(),
			deleted: '',
			description: release.description,
			status: release.status,
			notes: release.notes,
		},
		chart: {metadata: {name: release.chart.name, version: release.chart.version, appVersion: release.chart.appVersion, apiVersion: 'v2'}},
		config: release.config,
		manifest: release.manifest,
		version: release.version,
		namespace: release.namespace,
	};
	// helm stores base64(gzip(json)) in the Secret's data, which the API base64-encodes again.
	const helmEncoded = gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64');
	return Buffer.from(helmEncoded).toString('base64');
}

function decodeRelease(secret: KubeObject): ReleaseRecord | undefined {
	try {
		const data = (secret.data as Record<string, string>).release!;
		const helmEncoded = Buffer.from(data, 'base64').toString('utf8');
		const payload = JSON.parse(gunzipSync(Buffer.from(helmEncoded, 'base64')).toString('utf8'));
		return {
			name: payload.name,
			namespace: payload.namespace,
			version: payload.version,
			status: payload.info.status,
			description: payload.info.description,
			firstDeployed: Date.parse(payload.info.first_deployed),
			lastDeployed: Date.parse(payload.info.last_deployed),
			chart: payload.chart.metadata,
			config: payload.config ?? {},
			manifest: payload.manifest ?? '',
			notes: payload.info.notes ?? '',
		};
	} catch {
		return undefined;
	}
}

function releaseSecret(release: ReleaseRecord): KubeObject {
	return {
		apiVersion: 'v1',
		kind: 'Secret',
		metadata: {
			name: secretName(release.name, release.version),
			namespace: release.namespace,
			labels: {name: release.name, owner: 'helm', status: release.status, version: String(release.version), modifiedAt: String(Math.floor(release.lastDeployed / 1000))},
		},
		type: 'helm.sh/release.v1',
		data: {release: encodeRelease(release)},
	};
}

export function listReleases(ctx: PracticeContext, namespace?: string, name?: string): ReleaseRecord[] {
	const selector = name ? `owner=helm,name=${name}` : 'owner=helm';
	return ctx.store
		.list('v1', 'Secret', {namespace, labelSelector: selector})
		.filter(secret => secret.type === 'helm.sh/release.v1')
		.map(decodeRelease)
		.filter((release): release is ReleaseRecord => release !== undefined)
		.sort((a, b) => a.version - b.version);
}

function saveRelease(ctx: PracticeContext, release: ReleaseRecord): void {
	ctx.store.apply(releaseSecret(release));
}

// --- applying manifests ---------------------------------------------------------------------

/** pkg/releaseutil/kind_sorter.go InstallOrder (helm v3.16.3): the order a release's manifest lists its objects in. */
const installOrder = [
	'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'SecretList',
	'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding',
	'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment',
	'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

/**
 * The rendered manifest as helm keeps it in the release (pkg/action/action.go renderResources): each template's
 * output as `---\n# Source: <chart path>\n<yaml>`, sorted by kind in install order (sortManifestsByKind), then by
 * template path. Without the labels and annotations helm adds only when it applies the objects.
 */
function manifestOf(objects: KubeObject[]): string {
	const rank = (kind: string) => {
		const index = installOrder.indexOf(kind);
		return index === -1 ? installOrder.length : index;
	};
	return objects
		.map(object => ({object, source: chartTemplatePath(object)}))
		.sort((a, b) => rank(a.object.kind) - rank(b.object.kind) || a.source.localeCompare(b.source))
		.map(({object, source}) => `---\n# Source: ${source}\n${toYaml(object, {aliasDuplicateObjects: false})}`)
		.join('');
}

/** pkg/action/validate.go setMetadataVisitor: what helm adds to every object it applies for a release. */
function stampForRelease(object: KubeObject, releaseName: string, releaseNamespace: string): KubeObject {
	return {
		...object,
		metadata: {
			...object.metadata,
			labels: {...object.metadata.labels, 'app.kubernetes.io/managed-by': 'Helm'},
			annotations: {...object.metadata.annotations, 'meta.helm.sh/release-name': releaseName, 'meta.helm.sh/release-namespace': releaseNamespace},
		},
	};
}

function objectsOfManifest(manifest: string): KubeObject[] {
	return manifest
		.split(/^---\n/m)
		.map(document => document.trim())
		.filter(Boolean)
		.map(document => parseYaml(document) as KubeObject)
		.filter(object => object && object.kind);
}

function objectKey(object: KubeObject): string {
	return `${object.apiVersion}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** Creates or updates every object, then deletes those of the previous manifest that are gone. */
function reconcile(ctx: PracticeContext, release: {name: string; namespace: string}, rendered: KubeObject[], previousManifest: string | undefined): void {
	const objects = rendered.map(object => stampForRelease(object, release.name, release.namespace));
	for (const object of objects) {
		const existing = ctx.store.get(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
		if (existing && (object.kind === 'DaemonSet' || object.kind === 'Deployment')) {
			// Keep the status the controllers own; replace the spec and metadata the chart owns.
			ctx.store.apply({...object, status: existing.status});
		} else ctx.store.apply(object);
	}
	if (!previousManifest) return;
	const keep = new Set(objects.map(objectKey));
	for (const old of objectsOfManifest(previousManifest)) {
		if (!keep.has(objectKey(old))) ctx.store.delete(old.apiVersion, old.kind, old.metadata.namespace, old.metadata.name);
	}
}

export function isReady(object: KubeObject | undefined): boolean {
	if (!object) return false;
	const status = (object.status ?? {}) as Record<string, number>;
	if (object.kind === 'Deployment') {
		const replicas = Number((object.spec as {replicas?: number}).replicas ?? 1);
		return (status.readyReplicas ?? 0) >= replicas && (status.updatedReplicas ?? replicas) >= replicas;
	}
	if (object.kind === 'DaemonSet') {
		return (status.desiredNumberScheduled ?? -1) >= 0 && (status.numberReady ?? 0) >= (status.desiredNumberScheduled ?? 0) && status.desiredNumberScheduled !== undefined;
	}
	return true;
}

/** `--wait`: every Deployment and DaemonSet of the release ready, within the timeout. */
async function waitForReady(ctx: PracticeContext, objects: KubeObject[], timeoutMs: number, signal: AbortSignal): Promise<boolean> {
	const workloads = objects.filter(object => object.kind === 'Deployment' || object.kind === 'DaemonSet');
	return pollUntil(ctx.clock, signal, timeoutMs, 2000, () =>
		workloads.every(object => isReady(ctx.store.get(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name))),
	);
}

// --- commands ---------------------------------------------------------------------------------

const globalOptions: OptionSpecs = {
	namespace: {names: ['--namespace', '-n'], type: 'value'},
	kubeconfig: {names: ['--kubeconfig'], type: 'value'},
	kubeContext: {names: ['--kube-context'], type: 'value'},
	debug: {names: ['--debug'], type: 'flag', boolean: true},
	help: {names: ['--help', '-h'], type: 'flag'},
};

const installOptions: OptionSpecs = {
	...globalOptions,
	version: {names: ['--version'], type: 'value'},
	set: {names: ['--set'], type: 'list'},
	setString: {names: ['--set-string'], type: 'list'},
	setJson: {names: ['--set-json'], type: 'list'},
	values: {names: ['--values', '-f'], type: 'list'},
	reuseValues: {names: ['--reuse-values'], type: 'flag', boolean: true},
	resetValues: {names: ['--reset-values'], type: 'flag', boolean: true},
	install: {names: ['--install', '-i'], type: 'flag', boolean: true},
	createNamespace: {names: ['--create-namespace'], type: 'flag', boolean: true},
	wait: {names: ['--wait'], type: 'flag', boolean: true},
	timeout: {names: ['--timeout'], type: 'value'},
	atomic: {names: ['--atomic'], type: 'flag', boolean: true},
	description: {names: ['--description'], type: 'value'},
};

class HelmFailure extends Error {}

function releaseSummary(release: ReleaseRecord): string {
	return [
		`NAME: ${release.name}`,
		`LAST DEPLOYED: ${ansicDate(release.lastDeployed)}`,
		`NAMESPACE: ${release.namespace}`,
		`STATUS: ${release.status}`,
		`REVISION: ${release.version}`,
		'TEST SUITE: None',
		'NOTES:',
		release.notes,
	].join('\n');
}

/** uitable as helm prints its tables: every cell but the last padded to its column, then a tab. */
function helmTable(rows: string[][]): string {
	const widths: number[] = [];
	for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
	return rows.map(row => row.map((cell, column) => (column < row.length - 1 ? `${cell.padEnd(widths[column]!)}\t` : cell)).join('')).join('\n');
}

/** Go's time.Time String(): 2024-12-15 15:56:35.482375 +0900 KST. */
function goTimeString(ms: number): string {
	const date = new Date(ms);
	const pad = (n: number, width = 2) => String(n).padStart(width, '0');
	const offset = -date.getTimezoneOffset();
	const zone = `${offset >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
	const abbreviation = new Intl.DateTimeFormat('en-US', {timeZoneName: 'short'}).formatToParts(date).find(part => part.type === 'timeZoneName')?.value ?? zone;
	const fraction = date.getMilliseconds() ? `.${pad(date.getMilliseconds(), 3).replace(/0+$/, '')}` : '';
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${fraction} ${zone} ${abbreviation}`;
}

function readRepos(ctx: PracticeContext): RepoEntry[] {
	return ctx.sections.read<RepoEntry[]>('helm-repos', []);
}

interface HelmRun {
	io: ProgramIO;
	ctx: PracticeContext;
	out: (text?: string) => void;
	err: (text?: string) => void;
}

function requireCluster(run: HelmRun, prefix: string): void {
	const access = kubeAccess(run.io.env, run.ctx, run.io.cwd);
	if (!access.ok) throw new HelmFailure(`${prefix}Kubernetes cluster unreachable: ${access.reason}`);
}

function resolveChart(run: HelmRun, chart: string, version: string | undefined, prefix: string) {
	if (chart.startsWith('oci://') || chart.startsWith('.') || chart.startsWith('/') || chart.endsWith('.tgz')) {
		throw new HelmFailure(`${prefix}the practice cluster only simulates the cilium/cilium chart from https://helm.cilium.io/ (got ${chart})`);
	}
	const [repoName, chartName] = chart.split('/');
	if (!chartName) throw new HelmFailure(`${prefix}repo ${chart} not found`);
	const repo = readRepos(run.ctx).find(entry => entry.name === repoName);
	if (!repo) throw new HelmFailure(`${prefix}repo ${repoName} not found`);
	const index = knownRepos[normalizeUrl(repo.url)];
	const named = index?.charts.filter(candidate => candidate.name === chartName) ?? [];
	if (named.length === 0) throw new HelmFailure(`${prefix}chart "${chartName}" not found in ${repoName} index. (try 'helm repo update'): no chart name found`);
	if (chartName !== 'cilium') throw new HelmFailure(`${prefix}the practice cluster does not simulate the ${chart} chart, only cilium/cilium`);
	// No --version: the newest, as helm picks it.
	const entry = version ? named.find(candidate => candidate.version === version.replace(/^v/, '')) : named[0];
	if (!entry) {
		throw new HelmFailure(
			`${prefix}chart "${chartName}" matching ${version} not found in ${repoName} index. (try 'helm repo update'): no chart version found for ${chartName}-${version}` +
				` (the practice cluster simulates cilium ${named.map(candidate => candidate.version).reverse().join(', ')})`,
		);
	}
	return entry;
}

function userValuesFrom(run: HelmRun, parsed: ReturnType<typeof parseArgs>, base: Values): Values {
	let values = base;
	for (const file of listOption(parsed, 'values')) {
		let text: string;
		try {
			text = file === '-' ? '' : readFileSync(path.resolve(run.io.cwd ?? '/', file), 'utf8');
		} catch {
			throw new HelmFailure(`open ${file}: no such file or directory`);
		}
		const loaded = parseYaml(text) as Values | null;
		if (loaded !== null && (typeof loaded !== 'object' || Array.isArray(loaded))) throw new HelmFailure(`failed to parse ${file}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}`);
		values = mergeValues(values, loaded ?? {});
	}
	try {
		// pkg/cli/values/options.go MergeValues: files, then --set-json, --set, --set-string.
		for (const expression of listOption(parsed, 'setJson')) values = applySet(values, expression, 'json');
		for (const expression of listOption(parsed, 'set')) values = applySet(values, expression);
		for (const expression of listOption(parsed, 'setString')) values = applySet(values, expression, 'string');
	} catch (error) {
		if (error instanceof ValuesError) throw new HelmFailure(error.message);
		throw error;
	}
	return values;
}

/** Applies a rendered revision: objects reconciled, the previous revision superseded, the new one stored. */
function commitRelease(
	ctx: PracticeContext,
	input: {name: string; namespace: string; chart: {name: string; version: string; appVersion: string}; userValues: Values; rendered: ReturnType<typeof renderCiliumChart>; current?: ReleaseRecord; previousVersion: number; description: string},
): ReleaseRecord {
	const now = ctx.clock.now();
	const release: ReleaseRecord = {
		name: input.name,
		namespace: input.namespace,
		version: input.previousVersion + 1,
		status: 'deployed',
		description: input.description,
		firstDeployed: input.current?.firstDeployed ?? now,
		lastDeployed: now,
		chart: {name: input.chart.name, version: input.chart.version, appVersion: input.chart.appVersion},
		config: input.userValues,
		manifest: manifestOf(input.rendered.objects),
		notes: input.rendered.notes,
	};
	reconcile(ctx, release, input.rendered.objects, input.current?.manifest);
	ensureCiliumOperatorSimulation(ctx);
	if (input.current) saveRelease(ctx, {...input.current, status: 'superseded'});
	saveRelease(ctx, release);
	return release;
}

/** What `cilium hubble enable|disable` does: `helm upgrade --reuse-values` of the cilium release with some values changed. */
export function upgradeCiliumRelease(ctx: PracticeContext, namespace: string, change: (values: Values) => Values): ReleaseRecord {
	const history = listReleases(ctx, namespace, 'cilium');
	const current = [...history].reverse().find(release => release.status === 'deployed');
	if (!current) throw new ValuesError(`release: not found`);
	const userValues = change(current.config);
	const rendered = renderCiliumChart(userValues, namespace, current.chart.version);
	return commitRelease(ctx, {name: 'cilium', namespace, chart: current.chart, userValues, rendered, current, previousVersion: history.at(-1)!.version, description: 'Upgrade complete'});
}

async function installOrUpgrade(run: HelmRun, argv: string[], mode: 'install' | 'upgrade'): Promise<number> {
	const parsed = parseArgs(argv, installOptions, 'pflag');
	const upgradeInstall = mode === 'upgrade' && flagOption(parsed, 'install');
	const [releaseName, chart, ...extra] = parsed.positionals;
	const prefix = mode === 'install' ? 'INSTALLATION FAILED: ' : 'UPGRADE FAILED: ';
	if (!releaseName || !chart || extra.length > 0) {
		throw new HelmFailure(`"helm ${mode}" requires 2 arguments\n\nUsage:  helm ${mode} [${mode === 'install' ? 'NAME' : 'RELEASE'}] [CHART] [flags]`);
	}
	const namespace = stringOption(parsed, 'namespace') ?? 'default';
	requireCluster(run, prefix);
	const entry = resolveChart(run, chart, stringOption(parsed, 'version'), prefix);
	const history = listReleases(run.ctx, namespace, releaseName);
	const current = [...history].reverse().find(release => release.status === 'deployed');
	const installing = mode === 'install' || (!current && history.length === 0);
	if (mode === 'install' && history.length > 0) throw new HelmFailure(`${prefix}cannot re-use a name that is still in use`);
	if (mode === 'upgrade' && !current) {
		if (history.length > 0 || !upgradeInstall) throw new HelmFailure(`${prefix}"${releaseName}" has no deployed releases`);
	}
	if (!run.ctx.store.get('v1', 'Namespace', undefined, namespace)) {
		if (flagOption(parsed, 'createNamespace')) run.ctx.store.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		else throw new HelmFailure(`${installing ? 'INSTALLATION FAILED: ' : prefix}create: failed to create: namespaces "${namespace}" not found`);
	}

	const hasNewValues = listOption(parsed, 'set').length + listOption(parsed, 'setString').length + listOption(parsed, 'setJson').length + listOption(parsed, 'values').length > 0;
	let base: Values = {};
	if (current && flagOption(parsed, 'reuseValues')) base = current.config;
	else if (current && !flagOption(parsed, 'resetValues') && !hasNewValues) base = current.config;
	const userValues = userValuesFrom(run, parsed, base);

	let rendered;
	try {
		rendered = renderCiliumChart(userValues, namespace, entry.version);
	} catch (error) {
		if (error instanceof ValuesError) throw new HelmFailure(`${installing ? 'INSTALLATION FAILED: ' : prefix}${error.message}`);
		throw error;
	}
	if (upgradeInstall && installing) run.out(`Release "${releaseName}" does not exist. Installing it now.`);
	let release: ReleaseRecord;
	try {
		release = commitRelease(run.ctx, {name: releaseName, namespace, chart: entry, userValues, rendered, current, previousVersion: history.at(-1)?.version ?? 0, description: stringOption(parsed, 'description') ?? (installing ? 'Install complete' : 'Upgrade complete')});
	} catch (error) {
		if (error instanceof StatusError) throw new HelmFailure(`${installing ? 'INSTALLATION FAILED: ' : prefix}${error.message}`);
		throw error;
	}
	if (flagOption(parsed, 'wait')) {
		const timeout = parseGoDuration(stringOption(parsed, 'timeout') ?? '5m0s');
		if (timeout === undefined) throw new HelmFailure(`invalid argument "${stringOption(parsed, 'timeout')}" for "--timeout" flag: time: invalid duration "${stringOption(parsed, 'timeout')}"`);
		let ready: boolean;
		try {
			ready = await waitForReady(run.ctx, rendered.objects, timeout, run.io.signal);
		} catch (error) {
			if (!run.io.signal.aborted) throw error;
			// Interrupted helm cancels its context: the release it was waiting for is marked failed, the one before stays deployed.
			run.out(`Release ${releaseName} has been cancelled.`);
			saveRelease(run.ctx, {...release, status: 'failed', description: installing ? `Release "${releaseName}" failed: context canceled` : `Upgrade "${releaseName}" failed: context canceled`});
			if (current) saveRelease(run.ctx, current);
			throw error;
		}
		if (!ready) {
			saveRelease(run.ctx, {...release, status: 'failed', description: `Release "${releaseName}" failed: context deadline exceeded`});
			throw new HelmFailure(`${installing ? 'INSTALLATION FAILED: ' : prefix}context deadline exceeded`);
		}
	}
	if (!installing) run.out(`Release "${releaseName}" has been upgraded. Happy Helming!`);
	run.out(releaseSummary(release));
	return 0;
}

/** cmd/helm/rollback.go + pkg/action/rollback.go (helm v3.16.3): a new revision with the target revision's chart, values and manifest. */
async function rollback(run: HelmRun, argv: string[]): Promise<number> {
	const parsed = parseArgs(
		argv,
		{
			...globalOptions,
			dryRun: {names: ['--dry-run'], type: 'flag', boolean: true},
			wait: {names: ['--wait'], type: 'flag', boolean: true},
			timeout: {names: ['--timeout'], type: 'value'},
			force: {names: ['--force'], type: 'flag', boolean: true},
			noHooks: {names: ['--no-hooks'], type: 'flag', boolean: true},
			recreatePods: {names: ['--recreate-pods'], type: 'flag', boolean: true},
			cleanupOnFail: {names: ['--cleanup-on-fail'], type: 'flag', boolean: true},
			historyMax: {names: ['--history-max'], type: 'value'},
		},
		'pflag',
	);
	const [name, revisionText, ...extra] = parsed.positionals;
	if (!name) throw new HelmFailure(`"helm rollback" requires at least 1 argument\n\nUsage:  helm rollback <RELEASE> [REVISION] [flags]`);
	let wanted = 0;
	if (revisionText !== undefined) {
		if (!/^[+-]?\d+$/.test(revisionText)) throw new HelmFailure(`could not convert revision to a number: strconv.Atoi: parsing "${revisionText}": invalid syntax`);
		wanted = Number(revisionText);
	}
	if (extra.length > 0) throw new HelmFailure(`the practice cluster's helm rollback takes <RELEASE> [REVISION], got ${parsed.positionals.length} arguments`);
	requireCluster(run, '');
	const namespace = stringOption(parsed, 'namespace') ?? 'default';
	if (wanted < 0) throw new HelmFailure('invalid release revision');
	const history = listReleases(run.ctx, namespace, name);
	const current = history.at(-1);
	if (!current) throw new HelmFailure('release: not found');
	const previousVersion = wanted === 0 ? current.version - 1 : wanted;
	const previous = history.find(release => release.version === previousVersion);
	if (!previous) throw new HelmFailure(`release has no ${previousVersion} version`);
	if (flagOption(parsed, 'dryRun')) {
		run.out('Rollback was a success! Happy Helming!');
		return 0;
	}
	const target: ReleaseRecord = {
		...previous,
		version: current.version + 1,
		status: 'pending-rollback',
		firstDeployed: current.firstDeployed,
		lastDeployed: run.ctx.clock.now(),
		description: `Rollback to ${previousVersion}`,
	};
	saveRelease(run.ctx, target);
	reconcile(run.ctx, target, objectsOfManifest(target.manifest), current.manifest);
	ensureCiliumOperatorSimulation(run.ctx);
	if (flagOption(parsed, 'wait')) {
		const timeoutText = stringOption(parsed, 'timeout') ?? '5m0s';
		const timeout = parseGoDuration(timeoutText);
		if (timeout === undefined) throw new HelmFailure(`invalid argument "${timeoutText}" for "--timeout" flag: time: invalid duration "${timeoutText}"`);
		if (!(await waitForReady(run.ctx, objectsOfManifest(target.manifest), timeout, run.io.signal))) {
			saveRelease(run.ctx, {...target, status: 'failed', description: `Release "${name}" failed: context deadline exceeded`});
			saveRelease(run.ctx, {...current, status: 'superseded'});
			throw new HelmFailure(`release ${name} failed: context deadline exceeded`);
		}
	}
	// "Supersede all previous deployments, see issue #2941."
	for (const release of history) if (release.status === 'deployed') saveRelease(run.ctx, {...release, status: 'superseded'});
	saveRelease(run.ctx, {...target, status: 'deployed'});
	run.out('Rollback was a success! Happy Helming!');
	return 0;
}

/** The release a `helm get` subcommand asks for: the newest, or `--revision N`. */
function releaseToGet(run: HelmRun, parsed: ReturnType<typeof parseArgs>, command: string): ReleaseRecord {
	const [name, ...extra] = parsed.positionals;
	if (!name || extra.length > 0) throw new HelmFailure(`"helm get ${command}" requires 1 argument\n\nUsage:  helm get ${command} RELEASE_NAME [flags]`);
	requireCluster(run, '');
	const releases = listReleases(run.ctx, stringOption(parsed, 'namespace') ?? 'default', name);
	const revisionText = stringOption(parsed, 'revision');
	const revision = revisionText === undefined ? 0 : Number(revisionText);
	if (revisionText !== undefined && !Number.isInteger(revision)) throw new HelmFailure(`invalid argument "${revisionText}" for "--revision" flag: strconv.ParseInt: parsing "${revisionText}": invalid syntax`);
	// pkg/action/get.go: revision 0 is the newest.
	const release = revision === 0 ? releases.at(-1) : releases.find(candidate => candidate.version === revision);
	if (!release) throw new HelmFailure('release: not found');
	return release;
}

/** cmd/helm/get_manifest.go: `fmt.Fprintln(out, res.Manifest)`. */
function getManifest(run: HelmRun, argv: string[]): number {
	const release = releaseToGet(run, parseArgs(argv, {...globalOptions, revision: {names: ['--revision'], type: 'value'}}, 'pflag'), 'manifest');
	run.out(release.manifest);
	return 0;
}

/** cmd/helm/get_notes.go: `NOTES:` and the notes, when there are any. */
function getNotes(run: HelmRun, argv: string[]): number {
	const release = releaseToGet(run, parseArgs(argv, {...globalOptions, revision: {names: ['--revision'], type: 'value'}}, 'pflag'), 'notes');
	if (release.notes.length > 0) run.out(`NOTES:\n${release.notes}`);
	return 0;
}

/** cmd/helm/show.go `helm show values CHART [--version V]`: the chart's values (see chartValuesText for what is left out). */
function show(run: HelmRun, argv: string[]): number {
	const [sub, rest] = splitCommand(argv);
	if (sub !== 'values') return notSimulated(run.io, 'helm', `show ${sub ?? ''}`.trim());
	const parsed = parseArgs(rest, {...globalOptions, version: {names: ['--version'], type: 'value'}, jsonpath: {names: ['--jsonpath'], type: 'value'}, devel: {names: ['--devel'], type: 'flag', boolean: true}}, 'pflag');
	if (parsed.positionals.length !== 1) throw new HelmFailure(`"helm show values" requires 1 argument\n\nUsage:  helm show values [CHART] [flags]`);
	if (stringOption(parsed, 'jsonpath') !== undefined) return notSimulated(run.io, 'helm', 'show values --jsonpath');
	const entry = resolveChart(run, parsed.positionals[0]!, stringOption(parsed, 'version'), '');
	run.io.stdout.write(chartValuesText(entry.version));
	return 0;
}

/** cmd/helm/template.go: renders the chart as an install would (release name "release-name" without NAME), prints the manifest. */
function template(run: HelmRun, argv: string[]): number {
	const parsed = parseArgs(
		argv,
		{
			...installOptions,
			showOnly: {names: ['--show-only', '-s'], type: 'list'},
			includeCrds: {names: ['--include-crds'], type: 'flag', boolean: true},
			skipTests: {names: ['--skip-tests'], type: 'flag', boolean: true},
			kubeVersion: {names: ['--kube-version'], type: 'value'},
			validate: {names: ['--validate'], type: 'flag', boolean: true},
			isUpgrade: {names: ['--is-upgrade'], type: 'flag', boolean: true},
			outputDir: {names: ['--output-dir'], type: 'value'},
		},
		'pflag',
	);
	if (parsed.positionals.length === 0) throw new HelmFailure(`"helm template" requires at least 1 argument\n\nUsage:  helm template [NAME] [CHART] [flags]`);
	if (parsed.positionals.length > 2) throw new HelmFailure(`expected at most two arguments, unexpected arguments: ${parsed.positionals.slice(2).join(', ')}`);
	if (stringOption(parsed, 'outputDir') !== undefined) return notSimulated(run.io, 'helm', 'template --output-dir');
	const chart = parsed.positionals.at(-1)!;
	const namespace = stringOption(parsed, 'namespace') ?? 'default';
	const entry = resolveChart(run, chart, stringOption(parsed, 'version'), '');
	const userValues = userValuesFrom(run, parsed, {});
	let rendered;
	try {
		rendered = renderCiliumChart(userValues, namespace, entry.version);
	} catch (error) {
		if (error instanceof ValuesError) throw new HelmFailure(error.message);
		throw error;
	}
	// The chart keeps no CRDs in crds/ (the operator registers them), so --include-crds adds nothing.
	const manifest = manifestOf(rendered.objects).trim();
	const showOnly = listOption(parsed, 'showOnly');
	if (showOnly.length === 0) {
		run.out(manifest);
		return 0;
	}
	const documents = manifest.split(/^---\n/m).filter(Boolean).map(document => document.trimEnd());
	for (const wantedPath of showOnly) {
		// The path inside the chart, matched as filepath.Match does (* and ? within a path segment).
		const pattern = new RegExp(`^${wantedPath.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
		const matching = documents.filter(document => pattern.test(/^# Source: [^/]+\/(.+)$/m.exec(document)?.[1] ?? ''));
		if (matching.length === 0) throw new HelmFailure(`could not find template ${wantedPath} in chart`);
		for (const document of matching) run.out(`---\n${document}`);
	}
	return 0;
}

function uninstall(run: HelmRun, argv: string[]): number {
	const parsed = parseArgs(argv, {...globalOptions, keepHistory: {names: ['--keep-history'], type: 'flag', boolean: true}, wait: {names: ['--wait'], type: 'flag', boolean: true}, timeout: {names: ['--timeout'], type: 'value'}}, 'pflag');
	if (parsed.positionals.length === 0) throw new HelmFailure(`"helm uninstall" requires at least 1 argument\n\nUsage:  helm uninstall RELEASE_NAME [...] [flags]`);
	requireCluster(run, 'uninstall: ');
	const namespace = stringOption(parsed, 'namespace') ?? 'default';
	for (const name of parsed.positionals) {
		const history = listReleases(run.ctx, namespace, name);
		const latest = history.at(-1);
		if (!latest) throw new HelmFailure(`uninstall: Release not loaded: ${name}: release: not found`);
		for (const object of objectsOfManifest(latest.manifest).reverse()) {
			run.ctx.store.delete(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
		}
		for (const release of history) run.ctx.store.delete('v1', 'Secret', namespace, secretName(release.name, release.version));
		run.out(`release "${name}" uninstalled`);
	}
	return 0;
}

function list(run: HelmRun, argv: string[]): number {
	const parsed = parseArgs(argv, {...globalOptions, allNamespaces: {names: ['--all-namespaces', '-A'], type: 'flag', boolean: true}, all: {names: ['--all', '-a'], type: 'flag', boolean: true}, short: {names: ['--short', '-q'], type: 'flag', boolean: true}, output: {names: ['--output', '-o'], type: 'value'}}, 'pflag');
	requireCluster(run, '');
	const all = flagOption(parsed, 'allNamespaces');
	const namespace = all ? undefined : (stringOption(parsed, 'namespace') ?? 'default');
	const byName = new Map<string, ReleaseRecord>();
	for (const release of listReleases(run.ctx, namespace)) {
		const key = `${release.namespace}/${release.name}`;
		const known = byName.get(key);
		if (!known || release.version > known.version) byName.set(key, release);
	}
	const releases = [...byName.values()].filter(release => flagOption(parsed, 'all') || release.status === 'deployed' || release.status === 'failed').sort((a, b) => a.name.localeCompare(b.name));
	if (flagOption(parsed, 'short')) {
		for (const release of releases) run.out(release.name);
		return 0;
	}
	const output = stringOption(parsed, 'output') ?? 'table';
	const rows = releases.map(release => ({
		name: release.name,
		namespace: release.namespace,
		revision: String(release.version),
		updated: goTimeString(release.lastDeployed),
		status: release.status,
		chart: `${release.chart.name}-${release.chart.version}`,
		app_version: release.chart.appVersion,
	}));
	if (output === 'json') run.out(JSON.stringify(rows));
	else if (output === 'yaml') run.io.stdout.write(toYaml(rows, {indentSeq: false}));
	else run.out(helmTable([['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION'], ...rows.map(row => Object.values(row))]));
	return 0;
}

function history(run: HelmRun, argv: string[]): number {
	const parsed = parseArgs(argv, {...globalOptions, max: {names: ['--max'], type: 'value'}, output: {names: ['--output', '-o'], type: 'value'}}, 'pflag');
	const [name] = parsed.positionals;
	if (!name) throw new HelmFailure(`"helm history" requires 1 argument\n\nUsage:  helm history RELEASE_NAME [flags]`);
	requireCluster(run, '');
	const releases = listReleases(run.ctx, stringOption(parsed, 'namespace') ?? 'default', name);
	if (releases.length === 0) throw new HelmFailure('release: not found');
	const max = Number(stringOption(parsed, 'max') ?? 256);
	const shown = releases.slice(-max);
	run.out(
		helmTable([
			['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'],
			...shown.map(release => [String(release.version), ansicDate(release.lastDeployed), release.status, `${release.chart.name}-${release.chart.version}`, release.chart.appVersion, release.description]),
		]),
	);
	return 0;
}

function getValues(run: HelmRun, argv: string[]): number {
	const parsed = parseArgs(argv, {...globalOptions, revision: {names: ['--revision'], type: 'value'}, all: {names: ['--all', '-a'], type: 'flag', boolean: true}, output: {names: ['--output', '-o'], type: 'value'}}, 'pflag');
	const [name] = parsed.positionals;
	if (!name) throw new HelmFailure(`"helm get values" requires 1 argument\n\nUsage:  helm get values RELEASE_NAME [flags]`);
	requireCluster(run, '');
	const releases = listReleases(run.ctx, stringOption(parsed, 'namespace') ?? 'default', name);
	const revisionText = stringOption(parsed, 'revision');
	const revision = revisionText === undefined ? undefined : Number(revisionText);
	if (revisionText !== undefined && !Number.isInteger(revision)) throw new HelmFailure(`invalid argument "${revisionText}" for "--revision" flag: strconv.ParseInt: parsing "${revisionText}": invalid syntax`);
	const release = revision === undefined ? releases.at(-1) : releases.find(candidate => candidate.version === revision);
	if (!release) throw new HelmFailure('release: not found');
	const all = flagOption(parsed, 'all');
	const values = all ? computedValues(release.config) : release.config;
	const output = stringOption(parsed, 'output') ?? 'table';
	if (output === 'json') run.out(JSON.stringify(values));
	// helm prints values with sigs.k8s.io/yaml (go-yaml v2): a list under a key is not indented.
	else if (output === 'yaml') run.io.stdout.write(Object.keys(values).length ? toYaml(values, {sortMapEntries: true, indentSeq: false}) : 'null\n');
	else {
		run.out(all ? 'COMPUTED VALUES:' : 'USER-SUPPLIED VALUES:');
		run.io.stdout.write(Object.keys(values).length ? toYaml(values, {sortMapEntries: true, indentSeq: false}) : 'null\n');
	}
	return 0;
}

function status(run: HelmRun, argv: string[]): number {
	const parsed = parseArgs(argv, {...globalOptions, revision: {names: ['--revision'], type: 'value'}}, 'pflag');
	const [name] = parsed.positionals;
	if (!name) throw new HelmFailure(`"helm status" requires 1 argument\n\nUsage:  helm status RELEASE_NAME [flags]`);
	requireCluster(run, '');
	const releases = listReleases(run.ctx, stringOption(parsed, 'namespace') ?? 'default', name);
	const revisionText = stringOption(parsed, 'revision');
	if (revisionText !== undefined && !/^[+-]?\d+$/.test(revisionText)) throw new HelmFailure(`invalid argument "${revisionText}" for "--revision" flag: strconv.ParseInt: parsing "${revisionText}": invalid syntax`);
	const revision = Number(revisionText ?? 0);
	const release = revision === 0 ? releases.at(-1) : releases.find(candidate => candidate.version === revision);
	if (!release) throw new HelmFailure('release: not found');
	run.out(releaseSummary(release));
	return 0;
}

function repo(run: HelmRun, argv: string[]): number {
	const [sub, rest] = splitCommand(argv);
	const repos = readRepos(run.ctx);
	if (sub === 'add') {
		const parsed = parseArgs(rest, {...globalOptions, forceUpdate: {names: ['--force-update'], type: 'flag', boolean: true}}, 'pflag');
		const [name, url] = parsed.positionals;
		if (!name || !url) throw new HelmFailure(`"helm repo add" requires 2 arguments\n\nUsage:  helm repo add [NAME] [URL] [flags]`);
		if (!knownRepos[normalizeUrl(url)]) {
			throw new HelmFailure(`looks like "${url}" is not a valid chart repository or cannot be reached: the practice cluster works offline and only knows https://helm.cilium.io/`);
		}
		const existing = repos.find(entry => entry.name === name);
		if (existing && normalizeUrl(existing.url) === normalizeUrl(url)) {
			run.out(`"${name}" already exists with the same configuration, skipping`);
			return 0;
		}
		if (existing && !flagOption(parsed, 'forceUpdate')) throw new HelmFailure(`repository name (${name}) already exists, please specify a different name`);
		run.ctx.sections.write('helm-repos', [...repos.filter(entry => entry.name !== name), {name, url}]);
		run.out(`"${name}" has been added to your repositories`);
		return 0;
	}
	if (sub === 'update' || sub === 'up') {
		if (repos.length === 0) throw new HelmFailure('no repositories found. You must add one before updating');
		run.out('Hang tight while we grab the latest from your chart repositories...');
		for (const entry of repos) run.out(`...Successfully got an update from the "${entry.name}" chart repository`);
		run.out('Update Complete. ⎈Happy Helming!⎈');
		return 0;
	}
	if (sub === 'list' || sub === 'ls') {
		if (repos.length === 0) throw new HelmFailure('no repositories to show');
		run.out(helmTable([['NAME', 'URL'], ...repos.map(entry => [entry.name, entry.url])]));
		return 0;
	}
	if (sub === 'remove' || sub === 'rm') {
		for (const name of rest) {
			if (!repos.some(entry => entry.name === name)) throw new HelmFailure(`no repo named "${name}" found`);
			run.ctx.sections.write('helm-repos', readRepos(run.ctx).filter(entry => entry.name !== name));
			run.out(`"${name}" has been removed from your repositories`);
		}
		return 0;
	}
	return notSimulated(run.io, 'helm', `repo ${sub ?? ''}`.trim());
}

function search(run: HelmRun, argv: string[]): number {
	const [sub, rest] = splitCommand(argv);
	if (sub !== 'repo') return notSimulated(run.io, 'helm', `search ${sub ?? ''}`.trim());
	const parsed = parseArgs(rest, {...globalOptions, version: {names: ['--version'], type: 'value'}, versions: {names: ['--versions', '-l'], type: 'flag', boolean: true}}, 'pflag');
	const repos = readRepos(run.ctx);
	if (repos.length === 0) throw new HelmFailure('no repositories configured');
	const keyword = (parsed.positionals[0] ?? '').toLowerCase();
	const rows: string[][] = [];
	const allVersions = flagOption(parsed, 'versions');
	const wanted = stringOption(parsed, 'version')?.replace(/^v/, '');
	for (const entry of repos) {
		const seen = new Set<string>();
		// The index lists each chart newest first: without --versions only the newest of each shows.
		for (const chart of knownRepos[normalizeUrl(entry.url)]?.charts ?? []) {
			const fullName = `${entry.name}/${chart.name}`;
			if (wanted !== undefined && chart.version !== wanted) continue;
			if (!allVersions && seen.has(fullName)) continue;
			if (!keyword || fullName.toLowerCase().includes(keyword) || chart.description.toLowerCase().includes(keyword)) {
				rows.push([fullName, chart.version, chart.appVersion, chart.description]);
				seen.add(fullName);
			}
		}
	}
	if (rows.length === 0) {
		run.out('No results found');
		return 0;
	}
	// Sorted by name, versions newest first within a name (a stable sort keeps the index order).
	run.out(helmTable([['NAME', 'CHART VERSION', 'APP VERSION', 'DESCRIPTION'], ...rows.sort((a, b) => a[0]!.localeCompare(b[0]!))]));
	return 0;
}

/** The first word that is not a flag, and the rest: global flags may come first (`helm -n kube-system ls`). */
function splitCommand(argv: string[]): [string | undefined, string[]] {
	let index = 0;
	while (index < argv.length && argv[index]!.startsWith('-')) {
		index += ['-n', '--namespace', '--kubeconfig', '--kube-context'].includes(argv[index]!) ? 2 : 1;
	}
	return [argv[index], [...argv.slice(0, index), ...argv.slice(index + 1)]];
}

export const helm: HostTool = async (argv, io, ctx) => {
	const {out, err} = lines(io);
	const run: HelmRun = {io, ctx, out, err};
	const [command, rest] = splitCommand(argv);
	try {
		switch (command) {
			case 'install':
				return await installOrUpgrade(run, rest, 'install');
			case 'upgrade':
				return await installOrUpgrade(run, rest, 'upgrade');
			case 'uninstall':
			case 'delete':
			case 'del':
			case 'un':
				return uninstall(run, rest);
			case 'list':
			case 'ls':
				return list(run, rest);
			case 'history':
			case 'hist':
				return history(run, rest);
			case 'get':
			{
				const [sub, subRest] = splitCommand(rest);
				if (sub === 'values') return getValues(run, subRest);
				if (sub === 'manifest') return getManifest(run, subRest);
				if (sub === 'notes') return getNotes(run, subRest);
				return notSimulated(io, 'helm', `get ${sub ?? ''}`.trim());
			}
			case 'status':
				return status(run, rest);
			case 'rollback':
				return await rollback(run, rest);
			case 'show':
			case 'inspect':
				return show(run, rest);
			case 'template':
				return template(run, rest);
			case 'repo':
				return repo(run, rest);
			case 'search':
				return search(run, rest);
			case 'version': {
				const parsed = parseArgs(rest, {...globalOptions, short: {names: ['--short'], type: 'flag', boolean: true}, template: {names: ['--template'], type: 'value'}}, 'pflag');
				if (stringOption(parsed, 'template') !== undefined) return notSimulated(io, 'helm', 'version --template');
				// What helm v3.16.3's release binary prints (its commit is cfd0749…).
				if (flagOption(parsed, 'short')) out(`${helmVersion}+g${helmGitCommit.slice(0, 7)}`);
				else out(`version.BuildInfo{Version:"${helmVersion}", GitCommit:"${helmGitCommit}", GitTreeState:"clean", GoVersion:"go1.22.7"}`);
				return 0;
			}
			case undefined:
				err('The Kubernetes package manager (simulated by the cilium-lab practice cluster: repo, search repo, install, upgrade, rollback, uninstall, list, history, get values|manifest|notes, status, show values, template)');
				return 1;
			default:
				return cobraKnows(HELM_ROOT, command) ? notSimulated(io, 'helm', command) : cobraUnknownCommand(io, HELM_ROOT, command);
		}
	} catch (error) {
		if (error instanceof HelmFailure || error instanceof ArgsError) {
			err(`Error: ${error.message}`);
			return 1;
		}
		throw error;
	}
};
