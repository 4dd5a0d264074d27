import {readFileSync} from 'node:fs';
import net from 'node:net';
import {describe, expect, it} from 'vitest';
import {az} from '../../../src/practice/cloud/az.js';
import {helm} from '../../../src/practice/cloud/helm.js';
import {cilium} from '../../../src/practice/cloud/cilium.js';
import {ciliumStatusReadyLogo, createHarness, markWorkloadsReady, type Harness} from './harness.js';

async function aksCluster(harness: Harness, networkArgs = ['--network-plugin', 'none']) {
	expect((await harness.run(az, ['login'])).code).toBe(0);
	expect((await harness.run(az, ['group', 'create', '-n', 'yj-rg', '-l', 'koreacentral'])).code).toBe(0);
	const created = await harness.run(az, ['aks', 'create', '--location', 'koreacentral', '--resource-group', 'yj-rg', '--name', 'yj-aks', ...networkArgs, '--generate-ssh-keys']);
	expect(created.stderr).toContain('Running');
	expect(created.code).toBe(0);
	return created;
}

describe('az', () => {
	it('requires login, then creates a BYOCNI cluster with 3 nodes and writes the practice kubeconfig', async () => {
		const harness = createHarness();
		const before = await harness.run(az, ['group', 'create', '-n', 'yj-rg', '-l', 'koreacentral']);
		expect(before).toMatchObject({code: 1, stderr: "ERROR: Please run 'az login' to setup account.\n"});
		const login = await harness.run(az, ['login']);
		expect(login.stderr).toMatch(/To sign in, use a web browser to open the page https:\/\/microsoft.com\/devicelogin and enter the code [A-Z0-9]{9} to authenticate./);
		expect(JSON.parse(login.stdout)[0]).toMatchObject({isDefault: true, state: 'Enabled', cloudName: 'AzureCloud'});
		await harness.run(az, ['group', 'create', '-n', 'yj-rg', '-l', 'koreacentral']);
		const created = await harness.run(az, ['aks', 'create', '--location', 'koreacentral', '-g', 'yj-rg', '-n', 'yj-aks', '--network-plugin', 'none', '--generate-ssh-keys']);
		expect(created.code).toBe(0);
		const cluster = JSON.parse(created.stdout);
		expect(cluster).toMatchObject({name: 'yj-aks', resourceGroup: 'yj-rg', location: 'koreacentral', provisioningState: 'Succeeded', networkProfile: {networkPlugin: 'none'}, agentPoolProfiles: [{count: 3}]});
		expect(harness.ctx.cluster.exists()).toBe(true);
		expect(harness.store.list('v1', 'Node')).toHaveLength(3);

		const credentials = await harness.run(az, ['aks', 'get-credentials', '-n', 'yj-aks', '-g', 'yj-rg']);
		expect(credentials).toMatchObject({code: 0, stderr: `Merged "yj-aks" as current context in ${harness.env.KUBECONFIG}\n`});
		expect(readFileSync(harness.env.KUBECONFIG!, 'utf8')).toContain('current-context: yj-aks');
		// Idempotent, as a solve script runs it again.
		expect((await harness.run(az, ['aks', 'get-credentials', '-n', 'yj-aks', '-g', 'yj-rg'])).code).toBe(0);

		const table = await harness.run(az, ['aks', 'list', '-o', 'table']);
		expect(table.stdout.split('\n')[0]).toMatch(/^Name\s+Location\s+ResourceGroup\s+KubernetesVersion\s+CurrentKubernetesVersion\s+ProvisioningState\s+Fqdn$/);
		expect((await harness.run(az, ['aks', 'show', '-g', 'yj-rg', '-n', 'yj-aks', '--query', 'networkProfile.networkPlugin', '-o', 'tsv'])).stdout).toBe('none\n');
	});

	// Tags as azure-cli 2.67 takes and prints them: `--tags key[=value] …` (nargs='*', validate_tags in
	// azure-cli-core commands/validators.py), `tags` in show/list JSON, and no output for a None result (knack cli.py).
	it('keeps --tags on groups and clusters and prints them in show, --query tags and resource list', async () => {
		const harness = createHarness();
		await harness.run(az, ['login']);
		const group = await harness.run(az, ['group', 'create', '-n', 'yj-rg', '-l', 'koreacentral', '--tags', 'createdBy=cilium-lab', 'cilium-lab-home=0123456789ab', 'bare']);
		expect(group.code).toBe(0);
		expect(JSON.parse(group.stdout).tags).toEqual({createdBy: 'cilium-lab', 'cilium-lab-home': '0123456789ab', bare: ''});
		expect(JSON.parse((await harness.run(az, ['group', 'show', '-n', 'yj-rg', '--query', 'tags'])).stdout)).toEqual({bare: '', createdBy: 'cilium-lab', 'cilium-lab-home': '0123456789ab'});
		expect((await harness.run(az, ['group', 'show', '-n', 'yj-rg', '--query', 'tags."cilium-lab-home"', '-o', 'tsv'])).stdout).toBe('0123456789ab\n');
		// create_resource_group is a PUT: the group's tags become the ones given (none: null).
		await harness.run(az, ['group', 'create', '-n', 'yj-rg', '-l', 'koreacentral']);
		expect((await harness.run(az, ['group', 'show', '-n', 'yj-rg', '--query', 'tags'])).stdout).toBe('');
		expect((await harness.run(az, ['group', 'show', '-n', 'yj-rg', '--query', 'tags', '-o', 'tsv'])).stdout).toBe('');

		const created = await harness.run(az, ['aks', 'create', '-g', 'yj-rg', '-n', 'yj-aks', '--network-plugin', 'none', '--node-count', '2', '--node-vm-size', 'Standard_D2s_v5', '--tags', 'createdBy=cilium-lab', 'cilium-lab-home=0123456789ab', '--generate-ssh-keys']);
		expect(created.code).toBe(0);
		expect(JSON.parse(created.stdout)).toMatchObject({tags: {createdBy: 'cilium-lab', 'cilium-lab-home': '0123456789ab'}, agentPoolProfiles: [{count: 2, vmSize: 'Standard_D2s_v5'}]});
		expect(JSON.parse((await harness.run(az, ['aks', 'show', '-g', 'yj-rg', '-n', 'yj-aks', '--query', 'tags'])).stdout)).toEqual({createdBy: 'cilium-lab', 'cilium-lab-home': '0123456789ab'});
		const resources = await harness.run(az, ['resource', 'list', '-g', 'yj-rg', '--tag', 'createdBy=cilium-lab']);
		expect(JSON.parse(resources.stdout)).toMatchObject([{name: 'yj-aks', type: 'Microsoft.ContainerService/managedClusters', tags: {'cilium-lab-home': '0123456789ab'}}]);
		expect(JSON.parse((await harness.run(az, ['resource', 'list', '-g', 'yj-rg', '--tag', 'createdBy=someone-else'])).stdout)).toEqual([]);
		// transform_resource_list (command_modules/resource/commands.py): Name ResourceGroup Location Type Status.
		const table = (await harness.run(az, ['resource', 'list', '-g', 'yj-rg', '-o', 'table'])).stdout.split('\n');
		expect(table[0]).toMatch(/^Name\s+ResourceGroup\s+Location\s+Type\s+Status$/);
		expect(table[2]).toMatch(/^yj-aks\s+yj-rg\s+koreacentral\s+Microsoft.ContainerService\/managedClusters/);
		expect((await harness.run(az, ['resource', 'list', '-g', 'nope'])).code).toBe(3);
	});

	it('validates flags with az texts', async () => {
		const harness = createHarness();
		await harness.run(az, ['login']);
		const missing = await harness.run(az, ['aks', 'create', '-g', 'yj-rg']);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('ERROR: the following arguments are required: --name/-n');
		const unknown = await harness.run(az, ['aks', 'create', '-g', 'yj-rg', '-n', 'x', '--nodes', '3']);
		expect(unknown.stderr).toContain('ERROR: unrecognized arguments: --nodes 3');
		const noGroup = await harness.run(az, ['aks', 'create', '-g', 'nope', '-n', 'x']);
		expect(noGroup.code).toBe(3);
		expect(noGroup.stderr).toContain("(ResourceGroupNotFound) Resource group 'nope' could not be found.");
		const notSimulated = await harness.run(az, ['aks', 'nodepool', 'add']);
		expect(notSimulated).toMatchObject({code: 2, stderr: "az: 'aks nodepool' is not simulated by the cilium-lab practice cluster\n"});
	});

	it('installs the managed Cilium on update and refuses to undo it', async () => {
		const harness = createHarness();
		await aksCluster(harness, ['--network-plugin', 'azure', '--network-plugin-mode', 'overlay']);
		expect(harness.store.get('apps/v1', 'DaemonSet', 'kube-system', 'cilium')).toBeUndefined();
		const update = await harness.run(az, ['aks', 'update', '--resource-group', 'yj-rg', '--name', 'yj-aks', '--network-plugin', 'azure', '--network-plugin-mode', 'overlay', '--network-dataplane', 'cilium', '--network-policy', 'cilium']);
		expect(update.code).toBe(0);
		expect(JSON.parse(update.stdout).networkProfile).toMatchObject({networkDataplane: 'cilium', networkPolicy: 'cilium'});
		expect(harness.store.get('apps/v1', 'DaemonSet', 'kube-system', 'cilium')).toBeDefined();
		expect((harness.store.get('apps/v1', 'Deployment', 'kube-system', 'cilium-operator')!.spec as {replicas: number}).replicas).toBe(2);
		expect(harness.store.get('apps/v1', 'DaemonSet', 'kube-system', 'cilium-envoy')).toBeUndefined();
		const crds = harness.store.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition').map(crd => crd.metadata.name);
		expect(crds).toHaveLength(11);
		expect(crds).toContain('ciliumnetworkpolicies.cilium.io');
		const undo = await harness.run(az, ['aks', 'update', '-g', 'yj-rg', '-n', 'yj-aks', '--network-dataplane', 'azure']);
		expect(undo.code).toBe(1);
		expect(undo.stderr).toContain("Changing property 'networkProfile.networkDataplane' is not allowed.");
	});

	it('enables ACNS on the Cilium dataplane: advancedNetworking, Hubble and the DNS proxy on, hubble-relay; refused on BYOCNI', async () => {
		const harness = createHarness();
		await aksCluster(harness, ['--network-plugin', 'azure', '--network-plugin-mode', 'overlay', '--network-dataplane', 'cilium']);
		const before = await harness.run(az, ['aks', 'show', '-g', 'yj-rg', '-n', 'yj-aks', '--query', 'networkProfile.advancedNetworking.enabled', '-o', 'tsv']);
		expect(before.stdout.trim()).toBe('');
		expect(harness.store.get('apps/v1', 'Deployment', 'kube-system', 'hubble-relay')).toBeUndefined();
		const update = await harness.run(az, ['aks', 'update', '--resource-group', 'yj-rg', '--name', 'yj-aks', '--enable-acns']);
		expect(update.code).toBe(0);
		expect(JSON.parse(update.stdout).networkProfile.advancedNetworking).toEqual({enabled: true, observability: {enabled: true}, security: {enabled: true}});
		expect(harness.store.get('apps/v1', 'Deployment', 'kube-system', 'hubble-relay')).toBeDefined();
		expect(harness.store.get('v1', 'Service', 'kube-system', 'hubble-peer')).toBeDefined();
		expect(harness.store.get('v1', 'ConfigMap', 'kube-system', 'cilium-config')?.data).toMatchObject({'enable-hubble': 'true', 'enable-l7-proxy': 'true'});

		const byocni = createHarness();
		await aksCluster(byocni);
		const refused = await byocni.run(az, ['aks', 'update', '-g', 'yj-rg', '-n', 'yj-aks', '--enable-acns']);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('--network-plugin none');
	});

	it('answers JMESPath filters and functions in --query', async () => {
		const harness = createHarness();
		await aksCluster(harness);
		const count = await harness.run(az, ['aks', 'list', '-g', 'yj-rg', '--query', "[?name=='yj-aks'] | length(@)", '-o', 'tsv']);
		expect(count.stdout.trim()).toBe('1');
		const bad = await harness.run(az, ['aks', 'list', '--query', '[?name==']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain("argument --query: invalid jmespath_type value: '[?name=='");
	});

	it('deletes a group with its cluster, asking for --yes without a tty', async () => {
		const harness = createHarness();
		await aksCluster(harness);
		const refused = await harness.run(az, ['group', 'delete', '-n', 'yj-rg']);
		expect(refused.stderr).toContain('Unable to prompt for confirmation as no tty available. Use --yes.');
		const prompted = await harness.run(az, ['group', 'delete', '-n', 'yj-rg'], {tty: true, stdin: ['y\n']});
		expect(prompted.stderr).toContain('Are you sure you want to perform this operation? (y/n):');
		expect(prompted.code).toBe(0);
		expect(harness.ctx.cluster.exists()).toBe(false);
		expect((await harness.run(az, ['group', 'exists', '-n', 'yj-rg'])).stdout).toBe('false\n');
	});
});

describe('helm and cilium', () => {
	async function installed(extra: string[] = []) {
		const harness = createHarness();
		await aksCluster(harness);
		await harness.run(az, ['aks', 'get-credentials', '-n', 'yj-aks', '-g', 'yj-rg']);
		expect((await harness.run(helm, ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).stdout).toBe('"cilium" has been added to your repositories\n');
		const install = await harness.run(helm, ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system', '--set', 'aksbyocni.enabled=true', '--set', 'nodeinit.enabled=true', ...extra]);
		expect(install.stderr).toBe('');
		expect(install.code).toBe(0);
		return {harness, install};
	}

	it('needs credentials before reaching the cluster', async () => {
		const harness = createHarness();
		await aksCluster(harness);
		await harness.run(helm, ['repo', 'add', 'cilium', 'https://helm.cilium.io/']);
		const result = await harness.run(helm, ['install', 'cilium', 'cilium/cilium', '-n', 'kube-system']);
		expect(result).toMatchObject({code: 1});
		expect(result.stderr).toContain('Error: INSTALLATION FAILED: Kubernetes cluster unreachable: Get "http://localhost:8080/version"');
	});

	it('prints its version as helm v3.16.3 does, --short included', async () => {
		const harness = createHarness();
		expect((await harness.run(helm, ['version', '--short'])).stdout).toBe('v3.16.3+gcfd0749\n');
		expect((await harness.run(helm, ['version'])).stdout).toBe('version.BuildInfo{Version:"v3.16.3", GitCommit:"cfd07493f46efc9debd9cc1b02a0961186df7fdf", GitTreeState:"clean", GoVersion:"go1.22.7"}\n');
	});

	it('installs the chart as a helm release and reports it', async () => {
		const {harness, install} = await installed();
		expect(install.stdout).toMatch(/^NAME: cilium\nLAST DEPLOYED: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\nNAMESPACE: kube-system\nSTATUS: deployed\nREVISION: 1\nTEST SUITE: None\nNOTES:\nYou have successfully installed Cilium with Hubble./);
		const secret = harness.store.get('v1', 'Secret', 'kube-system', 'sh.helm.release.v1.cilium.v1')!;
		expect(secret.type).toBe('helm.sh/release.v1');
		expect(secret.metadata.labels).toMatchObject({owner: 'helm', name: 'cilium', status: 'deployed', version: '1'});
		for (const [kind, name] of [['DaemonSet', 'cilium'], ['DaemonSet', 'cilium-envoy'], ['DaemonSet', 'cilium-node-init'], ['Deployment', 'cilium-operator']]) {
			expect(harness.store.get('apps/v1', kind!, 'kube-system', name!), `${kind}/${name}`).toBeDefined();
		}
		// The operator registers the CRDs once it is Ready, not at install.
		expect(harness.store.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).toHaveLength(0);
		markWorkloadsReady(harness.store, 'kube-system');
		await new Promise(resolve => setTimeout(resolve, 10));
		expect(harness.store.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).toHaveLength(11);

		const list = await harness.run(helm, ['-n', 'kube-system', 'ls']);
		expect(list.stdout.split('\n')[0]!.split('\t').map(cell => cell.trim())).toEqual(['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION']);
		expect(list.stdout).toMatch(/cilium\s*\tkube-system\t1\s*\t.+\tdeployed\tcilium-1.16.4\t1.16.4/);
		const values = await harness.run(helm, ['-n', 'kube-system', 'get', 'values', 'cilium']);
		expect(values.stdout).toBe('USER-SUPPLIED VALUES:\naksbyocni:\n  enabled: true\nnodeinit:\n  enabled: true\n');
		const again = await harness.run(helm, ['install', 'cilium', 'cilium/cilium', '-n', 'kube-system']);
		expect(again.stderr).toBe('Error: INSTALLATION FAILED: cannot re-use a name that is still in use\n');
	});

	it('prints cilium status with the logo block and counts from the cluster', async () => {
		const {harness} = await installed();
		const notReady = await harness.run(cilium, ['status']);
		expect(notReady.code).toBe(1);
		markWorkloadsReady(harness.store, 'kube-system');
		const status = await harness.run(cilium, ['status', '--wait']);
		expect(status.code).toBe(0);
		const lines = status.stdout.split('\n');
		expect(lines.slice(0, 6)).toEqual(ciliumStatusReadyLogo);
		expect(status.stdout).toContain('DaemonSet              cilium             Desired: 3, Ready: 3/3, Available: 3/3');
		expect(status.stdout).toContain('Deployment             cilium-operator    Desired: 2, Ready: 2/2, Available: 2/2');
		expect(status.stdout).toMatch(/Helm chart version:    1\.16\.4/);
		expect(status.stdout).toContain('cilium-operator    quay.io/cilium/operator-generic:v1.16.4@sha256:c55a7cbe19fe0b6b28903a085334edb586a3201add9db56d2122c8485f7a51c5: 2');
		const version = await harness.run(cilium, ['version']);
		expect(version.stdout).toMatch(/^cilium-cli: v0\.16\.\d+ compiled with go[\d.]+ on \w+\/\w+\ncilium image \(default\): v1\.16\.4\ncilium image \(stable\): v1\.16\.4\ncilium image \(running\): 1\.16\.4\n$/);
	});

	it('enables Hubble with --ui as a helm upgrade, and can go back', async () => {
		const {harness} = await installed();
		expect((await harness.run(cilium, ['hubble', 'enable', '--ui'])).code).toBe(0);
		for (const [kind, name] of [['Deployment', 'hubble-relay'], ['Deployment', 'hubble-ui']]) expect(harness.store.get('apps/v1', kind!, 'kube-system', name!)).toBeDefined();
		expect((harness.store.get('v1', 'Service', 'kube-system', 'hubble-ui')!.spec as {ports: Array<{port: number}>}).ports[0]?.port).toBe(80);
		const history = await harness.run(helm, ['history', 'cilium', '-n', 'kube-system']);
		expect(history.stdout).toMatch(/\n1\s*\t\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\s*\tsuperseded\tcilium-1\.16\.4\t1\.16\.4\s*\tInstall complete/);
		expect(history.stdout).toMatch(/\n2\s*\t.+\tdeployed  \tcilium-1\.16\.4\t1\.16\.4\s*\tUpgrade complete/);
		const previous = await harness.run(helm, ['get', 'values', 'cilium', '-n', 'kube-system', '--revision', '1']);
		expect(previous.stdout).not.toContain('hubble');
		const current = await harness.run(helm, ['get', 'values', 'cilium', '-n', 'kube-system']);
		expect(current.stdout).toContain('relay:\n    enabled: true');
		expect(current.stdout).toContain('aksbyocni:\n  enabled: true');

		// port-forward answers on its port until the command is interrupted.
		const port = 20000 + Math.floor(Math.random() * 20000);
		const controller = new AbortController();
		let output = '';
		const running = cilium(['hubble', 'port-forward', '--port-forward', String(port)], {stdout: {write: text => (output += text)}, stderr: {write: () => undefined}, tty: false, signal: controller.signal, env: harness.env, cwd: harness.dir}, harness.ctx);
		await expect.poll(() => output).toContain(`Hubble Relay is available at 127.0.0.1:${port}`);
		await new Promise<void>((resolve, reject) => net.connect(port, '127.0.0.1', resolve).on('error', reject).unref());
		controller.abort();
		expect(await running).toBe(130);

		expect((await harness.run(cilium, ['hubble', 'disable'])).code).toBe(0);
		expect(harness.store.get('apps/v1', 'Deployment', 'kube-system', 'hubble-ui')).toBeUndefined();
		expect(harness.store.get('v1', 'Service', 'kube-system', 'hubble-relay')).toBeUndefined();
		const uninstall = await harness.run(helm, ['-n', 'kube-system', 'delete', 'cilium']);
		expect(uninstall.stdout).toBe('release "cilium" uninstalled\n');
		expect(harness.store.get('apps/v1', 'DaemonSet', 'kube-system', 'cilium')).toBeUndefined();
		expect(harness.store.list('v1', 'Secret', {namespace: 'kube-system', labelSelector: 'owner=helm'})).toHaveLength(0);
	});

	it('runs connectivity test against the pods it finds: client-to-client skips pairs with the same IP, so stand-in pods without addresses make no actions', async () => {
		const {harness} = await installed();
		markWorkloadsReady(harness.store, 'kube-system');
		const run = harness.run(cilium, ['connectivity', 'test', '--test', 'client-to-client']);
		// Stand in for the controllers: the test deployments become ready once created (their pods get no IP here;
		// test/practice/conformance/connectivity.test.ts runs it on a practice daemon with real pods).
		await expect.poll(() => harness.store.list('apps/v1', 'Deployment', {namespace: 'cilium-test-1'}).length).toBe(5);
		markWorkloadsReady(harness.store, 'cilium-test-1');
		const result = await run;
		expect(result.stdout).toContain("runs cilium-cli's own commands (curl, ping) in the test pods through the simulated datapath");
		expect(result.stdout).toContain('🏃[cilium-test-1] Running 30 tests ...\n');
		expect(result.stdout).toContain('[=] [cilium-test-1] Skipping test [all-ingress-deny] [5/30] (skipped by user)\n');
		expect(result.stdout).toMatch(/\n\n✅ \[cilium-test-1\] All 6 tests \(0 actions\) successful, 24 tests skipped, 9 scenarios skipped.\n$/);
		expect(result.code).toBe(0);
	});
});
