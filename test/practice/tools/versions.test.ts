// The simulated helm and cilium for each offered Cilium version (src/practice/versions.ts): the chart versions the
// repository index holds, the images and NOTES of each version's chart, and what `cilium status`/`version` read back.
// Sources: github.com/cilium/charts cilium-<version>.tgz (values.yaml, templates/NOTES.txt, templates/warnings.txt).
import {describe, expect, it} from 'vitest';
import {az} from '../../../src/practice/cloud/az.js';
import {helm} from '../../../src/practice/cloud/helm.js';
import {cilium} from '../../../src/practice/cloud/cilium.js';
import {validateCiliumPolicy} from '../../../src/practice/datapath/policy.js';
import {CILIUM_RELEASES} from '../../../src/practice/versions.js';
import {crdSchemaCauses} from '../../../src/practice/cloud/cilium-crd-data.js';
import {managedCiliumVersion} from '../../../src/practice/cloud/managed-cilium.js';
import {createHarness, markWorkloadsReady, type Harness} from './harness.js';

async function byocniCluster(): Promise<Harness> {
	const harness = createHarness();
	expect((await harness.run(az, ['login'])).code).toBe(0);
	expect((await harness.run(az, ['group', 'create', '-n', 'yj-rg', '-l', 'koreacentral'])).code).toBe(0);
	expect((await harness.run(az, ['aks', 'create', '-g', 'yj-rg', '-n', 'yj-aks', '--network-plugin', 'none', '--generate-ssh-keys'])).code).toBe(0);
	expect((await harness.run(az, ['aks', 'get-credentials', '-n', 'yj-aks', '-g', 'yj-rg'])).code).toBe(0);
	expect((await harness.run(helm, ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	return harness;
}

const install = (version: string, extra: string[] = []) => ['install', 'cilium', 'cilium/cilium', '--version', version, '--namespace', 'kube-system', '--set', 'aksbyocni.enabled=true', '--set', 'nodeinit.enabled=true', ...extra];

describe('the cilium chart versions in the simulated repository', () => {
	it('helm search repo shows the newest (1.20.0 in cilium/charts index.yaml of 2026-08-03); --versions lists every offered one, newest first', async () => {
		const harness = await byocniCluster();
		const newest = await harness.run(helm, ['search', 'repo', 'cilium/cilium']);
		expect(newest.stdout).toMatch(/^NAME\s+\tCHART VERSION\tAPP VERSION\tDESCRIPTION\s*\ncilium\/cilium\s*\t1\.20\.0\s*\t1\.20\.0\s*\teBPF-based Networking, Security, and Observability\s*\n$/);
		const all = await harness.run(helm, ['search', 'repo', 'cilium/cilium', '--versions']);
		expect(all.stdout.trim().split('\n').slice(1).map((line) => line.split('\t')[1]!.trim())).toEqual(['1.20.0', '1.19.6', '1.18.12', '1.16.4']);
		const pinned = await harness.run(helm, ['search', 'repo', 'cilium/cilium', '--version', '1.16.4']);
		expect(pinned.stdout).toMatch(/cilium\/cilium\s*\t1\.16\.4/);
	});

	it('a version the practice cluster does not simulate fails as helm does, and names the simulated ones', async () => {
		const harness = await byocniCluster();
		const result = await harness.run(helm, install('1.17.0'));
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(
			'Error: INSTALLATION FAILED: chart "cilium" matching 1.17.0 not found in cilium index. (try \'helm repo update\'): no chart version found for cilium-1.17.0 (the practice cluster simulates cilium 1.16.4, 1.18.12, 1.19.6, 1.20.0)\n',
		);
	});

	for (const release of CILIUM_RELEASES) {
		it(`installs ${release.version} with that chart's images, and cilium status / version read them back`, async () => {
			const harness = await byocniCluster();
			const installed = await harness.run(helm, install(release.version));
			expect(installed.stderr).toBe('');
			expect(installed.stdout).toContain(`Your release version is ${release.version}.\n\nFor any further help, visit https://docs.cilium.io/en/v${release.minor}/gettinghelp\n`);
			// No Relay in this install: no Relay warning in any version.
			expect(installed.stdout).not.toContain('WARNINGS:');
			const agent = harness.store.get('apps/v1', 'DaemonSet', 'kube-system', 'cilium')!;
			expect((agent.spec as {template: {spec: {containers: Array<{image: string}>}}}).template.spec.containers[0]!.image).toBe(release.images.agent);
			markWorkloadsReady(harness.store, 'kube-system');
			const status = await harness.run(cilium, ['status', '--wait']);
			expect(status.code).toBe(0);
			expect(status.stdout).toMatch(new RegExp(`Helm chart version:\\s+${release.version.replaceAll('.', '\\.')}\\n`));
			expect(status.stdout).toContain(`cilium-operator    ${release.images.operatorGeneric}: 2`);
			expect((await harness.run(cilium, ['version'])).stdout).toContain(`cilium image (running): ${release.version}\n`);
			const listed = await harness.run(helm, ['-n', 'kube-system', 'ls']);
			expect(listed.stdout).toMatch(new RegExp(`deployed\\tcilium-${release.version}\\t${release.version}`));
		});
	}

	it('NOTES warn about Hubble Relay without TLS from 1.19 (templates/warnings.txt of cilium-1.19.6.tgz; absent in 1.18.12 and 1.16.4)', async () => {
		const relay = ['--set', 'hubble.relay.enabled=true'];
		const notes: Record<string, string> = {};
		for (const version of ['1.16.4', '1.18.12', '1.19.6', '1.20.0']) {
			const harness = await byocniCluster();
			const result = await harness.run(helm, install(version, relay));
			expect(result.code).toBe(0);
			notes[version] = result.stdout.slice(result.stdout.indexOf('NOTES:\n') + 'NOTES:\n'.length).replace(/\n+$/, '\n');
		}
		expect(notes['1.16.4']).toBe('You have successfully installed Cilium with Hubble Relay.\n\nYour release version is 1.16.4.\n\nFor any further help, visit https://docs.cilium.io/en/v1.16/gettinghelp\n');
		expect(notes['1.18.12']).toBe('You have successfully installed Cilium with Hubble Relay.\n\nYour release version is 1.18.12.\n\nFor any further help, visit https://docs.cilium.io/en/v1.18/gettinghelp\n');
		expect(notes['1.19.6']).toBe(
			'You have successfully installed Cilium with Hubble Relay.\n\nWARNINGS:\n' +
				'- WARNING: TLS is not enabled for the Hubble Relay server (hubble.relay.tls.server.enabled=false).\n' +
				'  This means Hubble Relay communications may not be encrypted. For more information about the security\n' +
				'  implications and suggested controls, please see: https://docs.cilium.io/en/stable/security/threat-model/#hubble-data-attacker\n\n' +
				'Your release version is 1.19.6.\n\nFor any further help, visit https://docs.cilium.io/en/v1.19/gettinghelp\n',
		);
		expect(notes['1.20.0']).toContain('- WARNING: TLS is not enabled for the Hubble Relay server');
		// With the Relay server's TLS on, the warning goes.
		const harness = await byocniCluster();
		const quiet = await harness.run(helm, install('1.20.0', [...relay, '--set', 'hubble.relay.tls.server.enabled=true']));
		expect(quiet.stdout).not.toContain('WARNINGS:');
	});

	it('cilium hubble enable upgrades the release within its chart version', async () => {
		const harness = await byocniCluster();
		expect((await harness.run(helm, install('1.19.6'))).code).toBe(0);
		expect((await harness.run(cilium, ['hubble', 'enable'])).code).toBe(0);
		const history = await harness.run(helm, ['history', 'cilium', '-n', 'kube-system']);
		expect(history.stdout).toMatch(/\n2\s*\t.+\tdeployed  \tcilium-1\.19\.6\t1\.19\.6\s*\tUpgrade complete/);
		const relay = harness.store.get('apps/v1', 'Deployment', 'kube-system', 'hubble-relay')!;
		expect(JSON.stringify(relay.spec)).toContain(CILIUM_RELEASES.find((release) => release.version === '1.19.6')!.images.relay);
	});
});

describe('policy fields by version', () => {
	const withRequires = {
		endpointSelector: {matchLabels: {app: 'server'}},
		ingress: [{fromEndpoints: [{matchLabels: {app: 'client'}}], fromRequires: [{matchLabels: {env: 'prod'}}]}],
		egress: [{toEndpoints: [{}], toRequires: [{matchLabels: {env: 'prod'}}]}],
	};
	// The real CRDs (assets/crds, scripts/gen-cilium-crds.mjs): crds/v2/ciliumnetworkpolicies.yaml at v1.16.4, v1.18.0-rc.0,
	// v1.19.4 (fromRequires: `maxItems: 0`, "Deprecated: This field is not used …") and v1.20.0-pre.3.
	it('fromRequires/toRequires: accepted by the 1.16 and 1.18 CRDs; from 1.19 `maxItems: 0` (crds/v2/ciliumnetworkpolicies.yaml @ v1.19.4, pkg/policy/api/ingress.go @ v1.19.0-pre.4)', () => {
		const policy = {apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', spec: withRequires};
		for (const version of ['1.16.4', '1.18.12']) expect(crdSchemaCauses(policy, version)).toEqual({causes: [], unknown: []});
		for (const version of ['1.19.6', '1.20.0']) {
			expect(crdSchemaCauses(policy, version)!.causes.map((cause) => `${cause.field}: ${cause.message}`).sort()).toEqual([
				// The items became strings (Deprecated []string), so a selector is also the wrong type, as the apiserver says.
				'spec.egress[0].toRequires: Too many: 1: must have at most 0 items',
				'spec.egress[0].toRequires[0]: Invalid value: "object": spec.egress[0].toRequires[0] in body must be of type string: "object"',
				'spec.ingress[0].fromRequires: Too many: 1: must have at most 0 items',
				'spec.ingress[0].fromRequires[0]: Invalid value: "object": spec.ingress[0].fromRequires[0] in body must be of type string: "object"',
			]);
		}
	});
	it('validateCiliumPolicy leaves fromRequires to the schema: no cause at any version', () => {
		expect(validateCiliumPolicy({kind: 'CiliumNetworkPolicy', spec: withRequires})).toEqual([]);
	});
});

describe('the managed Cilium follows the cluster’s Kubernetes version', () => {
	// github.com/Azure/AKS CHANGELOG.md (snapshot 2026-08-07): release 2026-07-17 (1.32 → v1.17.17-260701, 1.34 →
	// v1.18.11-260622, 1.36 → v1.19.5-260714), 2026-06-19 (1.31 → v1.16.19), 2026-01-04 (>= 1.34 on 1.18), 2026-05-29 (1.36+ on
	// 1.19), 2026-04-28 (1.32 and 1.33 share images); 1.29/1.30 from the "Versions" table of
	// learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium (docs.azure.cn mirror).
	it.each([
		['1.29.9', '1.14.19'],
		['1.30.6', '1.14.19'],
		['v1.31.5', '1.16.19'],
		['1.32.3', '1.17.17'],
		['1.33.13', '1.17.17'],
		['1.34.9', '1.18.11'],
		['1.35.6', '1.18.11'],
		['1.36.2', '1.19.5'],
		['1.37.0', '1.19.5'],
	])('Kubernetes %s → Cilium %s', (kubernetes, cilium) => {
		expect(managedCiliumVersion(kubernetes)).toBe(cilium);
	});

	it('az aks create --network-dataplane cilium -k 1.36.2 runs Cilium 1.19.5: the agent image (AKS build tag) and cilium version say so', async () => {
		const harness = createHarness();
		expect((await harness.run(az, ['login'])).code).toBe(0);
		expect((await harness.run(az, ['group', 'create', '-n', 'yj-rg', '-l', 'koreacentral'])).code).toBe(0);
		const created = await harness.run(az, ['aks', 'create', '-g', 'yj-rg', '-n', 'yj-aks', '-k', '1.36.2', '--network-plugin', 'azure', '--network-plugin-mode', 'overlay', '--network-dataplane', 'cilium', '--generate-ssh-keys']);
		expect(created.code).toBe(0);
		expect((await harness.run(az, ['aks', 'get-credentials', '-n', 'yj-aks', '-g', 'yj-rg'])).code).toBe(0);
		const agent = harness.store.get('apps/v1', 'DaemonSet', 'kube-system', 'cilium')!;
		expect((agent.spec as {template: {spec: {containers: Array<{image: string}>}}}).template.spec.containers[0]!.image).toBe('mcr.microsoft.com/containernetworking/cilium/cilium:v1.19.5-260714');
		expect((await harness.run(cilium, ['version'])).stdout).toContain('cilium image (running): 1.19.5');
	});
});

describe('az aks get-versions and the default of az aks create: AKS as of release 2026-07-17', () => {
	// github.com/Azure/AKS CHANGELOG.md (snapshot 2026-08-07), release 2026-07-17: "Kubernetes patch versions 1.36.2, 1.35.6,
	// 1.34.9, and 1.33.13 are now available", "1.30 is now deprecated", "1.33 is now available only under LTS"; 2026-06-19:
	// 1.36 GA and LTS; 2026-05-29: 1.35.5, 1.34.8, 1.33.12. Table shape: azure-cli aks _format.py aks_versions_table_format.
	it('lists the offered patches, newest first, with upgrades and support plans', async () => {
		const harness = createHarness();
		const notLoggedIn = await harness.run(az, ['aks', 'get-versions', '-l', 'koreacentral']);
		expect(notLoggedIn.code).toBe(1);
		expect((await harness.run(az, ['login'])).code).toBe(0);
		const missing = await harness.run(az, ['aks', 'get-versions']);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('--location');

		const table = await harness.run(az, ['aks', 'get-versions', '-l', 'koreacentral', '-o', 'table']);
		expect(table.code).toBe(0);
		const lines = table.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^KubernetesVersion\s+Upgrades\s+SupportPlan$/);
		expect(lines.slice(2).map((line) => line.split(/\s{2,}/))).toEqual([
			['1.36.2', 'None available', 'KubernetesOfficial, AKSLongTermSupport'],
			['1.35.6', '1.36.2', 'KubernetesOfficial'],
			['1.35.5', '1.35.6, 1.36.2', 'KubernetesOfficial'],
			['1.34.9', '1.35.5, 1.35.6', 'KubernetesOfficial'],
			['1.34.8', '1.34.9, 1.35.5, 1.35.6', 'KubernetesOfficial'],
			['1.33.13', '1.34.8, 1.34.9', 'AKSLongTermSupport'],
			['1.33.12', '1.33.13, 1.34.8, 1.34.9', 'AKSLongTermSupport'],
		]);
		const json = JSON.parse((await harness.run(az, ['aks', 'get-versions', '-l', 'koreacentral'])).stdout);
		expect(json.values.map((minor: {version: string}) => minor.version)).toEqual(['1.36', '1.35', '1.34', '1.33']);
		expect(json.values[1]).toMatchObject({isDefault: true, patchVersions: {'1.35.6': {upgrades: ['1.36.2']}}, capabilities: {supportPlan: ['KubernetesOfficial']}});
		const tsv = await harness.run(az, ['aks', 'get-versions', '-l', 'koreacentral', '--query', 'values[?isDefault].version', '-o', 'tsv']);
		expect(tsv.stdout).toBe('1.35\n');
	});

	it('creates the default minor’s newest patch (1.35.6), takes an alias minor, and refuses a version AKS no longer offers', async () => {
		const harness = createHarness();
		expect((await harness.run(az, ['login'])).code).toBe(0);
		expect((await harness.run(az, ['group', 'create', '-n', 'yj-rg', '-l', 'koreacentral'])).code).toBe(0);
		const refused = await harness.run(az, ['aks', 'create', '-g', 'yj-rg', '-n', 'yj-aks', '-k', '1.30.6', '--network-plugin', 'none', '--generate-ssh-keys']);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('(K8sVersionNotSupported) Managed cluster yj-aks is on version 1.30.6, which is not supported in this region. Please use [az aks get-versions] command');
		const created = await harness.run(az, ['aks', 'create', '-g', 'yj-rg', '-n', 'yj-aks', '--network-plugin', 'none', '--generate-ssh-keys']);
		expect(created.code).toBe(0);
		expect(JSON.parse(created.stdout)).toMatchObject({kubernetesVersion: '1.35', currentKubernetesVersion: '1.35.6'});
		const show = await harness.run(az, ['aks', 'show', '-g', 'yj-rg', '-n', 'yj-aks', '--query', 'agentPoolProfiles[0].orchestratorVersion', '-o', 'tsv']);
		expect(show.stdout).toBe('1.35.6\n');

		const alias = createHarness();
		expect((await alias.run(az, ['login'])).code).toBe(0);
		expect((await alias.run(az, ['group', 'create', '-n', 'yj-rg', '-l', 'koreacentral'])).code).toBe(0);
		const minorOnly = await alias.run(az, ['aks', 'create', '-g', 'yj-rg', '-n', 'yj-aks', '-k', '1.34', '--network-plugin', 'none', '--generate-ssh-keys']);
		expect(JSON.parse(minorOnly.stdout)).toMatchObject({currentKubernetesVersion: '1.34.9'});
	});
});
