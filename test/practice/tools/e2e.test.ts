// The tools as a learner runs them: through the shims the daemon writes, against a started
// practice daemon (instant speed), checked with real kubectl.
import {mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {repoRoot} from '../../helpers/build.js';
import {TestPractice} from '../../helpers/practice.js';
import {ciliumStatusReadyLogo} from './harness.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-tools-e2e-', speed: 'instant'});
const {run} = practice;

const strip = (text: string) => text.replace(/\u001B\[[0-9;]*m/g, '');

beforeAll(() => practice.start(), 120_000);
afterAll(() => practice.stop());

describe('the simulated tools through their shims', () => {
	it('says plainly when the daemon is not running', async () => {
		const other = mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-no-daemon-'));
		const result = await execa(process.execPath, [path.join(repoRoot, 'dist', 'practice-tool.js'), 'az', 'login'], {env: {...process.env, CILIUM_LAB_PRACTICE_DIR: path.join(other, 'practice')}, reject: false});
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toContain('the cilium-lab practice cluster is not running');
		expect(result.stderr).toContain('cilium-lab practice start');
	});

	it('walks the AKS BYOCNI lesson: az, helm, cilium, checked with kubectl', async () => {
		expect((await run('az', ['login'])).code).toBe(0);
		expect((await run('az', ['group', 'create', '--name', 'yj-rg', '--location', 'koreacentral'])).code).toBe(0);
		const missing = await run('az', ['aks', 'create', '--resource-group', 'yj-rg']);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('the following arguments are required: --name/-n');

		const create = await run('az', ['aks', 'create', '--location', 'koreacentral', '--resource-group', 'yj-rg', '--name', 'yj-aks', '--network-plugin', 'none', '--generate-ssh-keys']);
		expect(create.code).toBe(0);
		expect(JSON.parse(create.stdout)).toMatchObject({name: 'yj-aks', networkProfile: {networkPlugin: 'none'}, provisioningState: 'Succeeded'});
		const credentials = await run('az', ['aks', 'get-credentials', '-n', 'yj-aks', '-g', 'yj-rg']);
		expect(credentials.stderr).toBe(`Merged "yj-aks" as current context in ${practice.info.kubeconfig}`);
		expect(readFileSync(practice.info.kubeconfig, 'utf8')).toContain('current-context: yj-aks');

		// The API server says the version az created (its default, as the nodes' kubelets do), not another one.
		const created = (JSON.parse(create.stdout) as {currentKubernetesVersion: string}).currentKubernetesVersion;
		const server = JSON.parse((await run('kubectl', ['version', '-o', 'json'])).stdout).serverVersion;
		expect(server).toMatchObject({gitVersion: `v${created}`, major: created.split('.')[0], minor: created.split('.')[1]});
		const nodes = await run('kubectl', ['get', 'nodes', '--no-headers']);
		expect(nodes.stdout.trim().split('\n')).toHaveLength(3);
		for (const row of nodes.stdout.trim().split('\n')) expect(row).toMatch(new RegExp(`v${created.replaceAll('.', '\\.')}$`));
		expect(nodes.stdout).toContain('NotReady');

		expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).stdout).toBe('"cilium" has been added to your repositories');
		const search = await run('helm', ['search', 'repo', 'cilium']);
		// The newest chart in the repository (cilium/charts index.yaml); the lessons pin --version.
		expect(search.stdout).toMatch(/^NAME\s+\tCHART VERSION\tAPP VERSION\tDESCRIPTION\ncilium\/cilium\s+\t1\.20\.0\s+\t1\.20\.0\s+\teBPF-based Networking, Security, and Observability\ncilium\/tetragon\s*\t1\.3\.0/);
		const install = await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system', '--set', 'aksbyocni.enabled=true', '--set', 'nodeinit.enabled=true']);
		expect(install.code).toBe(0);
		expect(install.stdout).toContain('STATUS: deployed');

		const daemonSet = JSON.parse((await run('kubectl', ['-n', 'kube-system', 'get', 'ds', 'cilium', '-o', 'json'])).stdout);
		expect(daemonSet.metadata.labels).toMatchObject({'k8s-app': 'cilium', 'app.kubernetes.io/part-of': 'cilium'});
		expect((await run('kubectl', ['-n', 'kube-system', 'get', 'ds', 'cilium-node-init'])).code).toBe(0);
		expect((await run('kubectl', ['-n', 'kube-system', 'get', 'secret', 'sh.helm.release.v1.cilium.v1', '-o', 'jsonpath={.type}'])).stdout).toBe('helm.sh/release.v1');

		const status = await run('cilium', ['status', '--wait']);
		expect(status.code).toBe(0);
		const text = strip(status.stdout);
		expect(text.split('\n').slice(0, 6)).toEqual(ciliumStatusReadyLogo);
		expect(text).toContain('DaemonSet              cilium             Desired: 3, Ready: 3/3, Available: 3/3');
		expect(text).toContain('DaemonSet              cilium-envoy       Desired: 3, Ready: 3/3, Available: 3/3');
		expect(text).toContain('Deployment             cilium-operator    Desired: 2, Ready: 2/2, Available: 2/2');
		expect(text).toContain('Helm chart version:    1.16.4');

		expect((await run('kubectl', ['get', 'nodes', '--no-headers'])).stdout).not.toContain('NotReady');
		const crds = (await run('kubectl', ['get', 'crd', '-o', 'name'])).stdout.split('\n').filter(line => line.includes('cilium.io'));
		expect(crds).toHaveLength(11);

		expect((await run('cilium', ['hubble', 'enable', '--ui'])).code).toBe(0);
		const services = (await run('kubectl', ['-n', 'kube-system', 'get', 'svc', '--no-headers'])).stdout;
		expect(services).toMatch(/hubble-peer\s+ClusterIP\s+\S+\s+<none>\s+443\/TCP/);
		expect(services).toMatch(/hubble-relay\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP/);
		expect(services).toMatch(/hubble-ui\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP/);
		const history = await run('helm', ['-n', 'kube-system', 'history', 'cilium']);
		expect(history.stdout).toMatch(/\n2\s*\t.+\tdeployed\s*\tcilium-1\.16\.4\t1\.16\.4\s*\tUpgrade complete$/);
		expect((await run('helm', ['-n', 'kube-system', 'get', 'values', 'cilium', '--revision', '1'])).stdout).toBe('USER-SUPPLIED VALUES:\naksbyocni:\n  enabled: true\nnodeinit:\n  enabled: true');

		const test = await run('cilium', ['connectivity', 'test']);
		expect(test.code).toBe(0);
		expect(test.stdout).toMatch(/\n\n✅ \[cilium-test-1\] All \d+ tests \(\d+ actions\) successful, \d+ tests skipped, 0 scenarios skipped.$/);
		expect((await run('kubectl', ['-n', 'cilium-test-1', 'get', 'deploy', 'client'])).code).toBe(0);

		const notSimulated = await run('az', ['aks', 'nodepool', 'list']);
		expect(notSimulated).toMatchObject({code: 2, stderr: "az: 'aks nodepool' is not simulated by the cilium-lab practice cluster"});
		expect((await run('helm', ['-n', 'kube-system', 'delete', 'cilium'])).stdout).toBe('release "cilium" uninstalled');
		expect((await run('kubectl', ['-n', 'kube-system', 'get', 'ds', 'cilium'])).stderr).toContain('NotFound');
	});

	it('interrupting a long-running tool ends it in the daemon', async () => {
		// The cluster from the previous test has no hubble-relay now; enable it to port-forward.
		const reinstall = await run('helm', ['install', 'cilium', 'cilium/cilium', '-n', 'kube-system', '--set', 'aksbyocni.enabled=true', '--set', 'hubble.relay.enabled=true']);
		expect(reinstall.code).toBe(0);
		const port = String(30000 + Math.floor(Math.random() * 20000));
		const child = execa('cilium', ['hubble', 'port-forward', '--port-forward', port], {env: {...process.env, ...practice.info.env}, reject: false});
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
		await expect.poll(() => output, {timeout: 10_000}).toContain(`127.0.0.1:${port}`);
		child.kill('SIGINT');
		const result = await child;
		expect(result.exitCode).toBe(130);
		// The listener in the daemon is gone: connecting is refused.
		const net = await import('node:net');
		await expect.poll(
			() =>
				new Promise<string>(resolve => {
					const socket = net.connect(Number(port), '127.0.0.1', () => {
						socket.destroy();
						resolve('open');
					});
					socket.on('error', () => resolve('closed'));
				}),
			{timeout: 5_000},
		).toBe('closed');
	});
});
