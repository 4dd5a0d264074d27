// "Only what the lab made" and "cost in view", headless, with the lab's own lessons on the aks-byocni track and
// `--target real` against the practice cluster's environment (its PATH and KUBECONFIG) standing in for Azure: the
// practice `az` keeps and prints tags as az 2.67 does (test/practice/tools/tools.test.ts), so the guard reads them
// with the same `az … show --query tags` it uses on real Azure.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TestPractice} from '../helpers/practice.js';

const root = path.resolve('.');
const practice = new TestPractice({homePrefix: 'cilium-lab-tags-', speed: 'instant', track: 'aks-byocni'});
let home: string;
let uiPort: string;

function cli(args: string[]) {
	const env = practice.env;
	const result = spawnSync('node', [path.join(root, 'dist/cilium-lab.js'), ...args, '--target', 'real', '--track', 'aks-byocni', '--set', `HUBBLE_UI_PORT=${uiPort}`], {
		encoding: 'utf8',
		env: {PATH: env.PATH, KUBECONFIG: env.KUBECONFIG, HOME: process.env.HOME, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8'},
		timeout: 120_000,
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

async function az(args: string[]) {
	const result = await practice.run('az', args);
	expect(result.code, result.stderr).toBe(0);
	return result.stdout;
}

const labId = () => readFileSync(path.join(home, 'lab-id'), 'utf8').trim();

async function freePort(): Promise<string> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;
	await new Promise((resolve) => server.close(resolve));
	return String(port);
}

beforeAll(async () => {
	await practice.start();
	home = mkdtempSync(path.join(os.tmpdir(), 'cli-tags-home-'));
	uiPort = await freePort();
	await az(['login']);
	expect(cli(['run', 'preflight', '--yes']).code).toBe(0);
}, 180_000);

afterAll(async () => {
	await practice.stop();
	rmSync(home, {recursive: true, force: true});
});

describe('--target real: only what the lab made, and its cost', () => {
	it('--dry-run shows the estimated cost of az aks create and the tag guard, with this home’s id', () => {
		const dry = cli(['run', 'cluster/create-byocni', '--dry-run']);
		expect(dry.code).toBe(0);
		expect(dry.stdout).toContain('      Estimated cost: 3 × Standard_DS2_v2 ≈ $0.44/hour ($10.51/day, $320/month)');
		expect(dry.stdout).toContain(`  🏷 on the real target: only on what this lab made (tags createdBy=cilium-lab cilium-lab-home=${labId()}) or what does not exist yet`);
		expect(dry.stdout).toContain(`--tags createdBy=cilium-lab cilium-lab-home=${labId()}`);
	});

	it('lesson 01 does not adopt a resource group of the same name without the lab’s tags; another name works and is tagged', async () => {
		await az(['group', 'create', '-n', 'yj-rg', '-l', 'koreacentral', '--tags', 'owner=alice', 'team=net']);
		const refused = cli(['run', 'cluster', '--yes']);
		expect(refused.code).toBe(2);
		expect(refused.stdout).toContain('resource group yj-rg (and everything in it) already exists and this lab did not make it: it has no createdBy=cilium-lab tag.');
		expect(refused.stdout).toContain("It looks like alice's (tag owner).");
		// A concrete other name, unique to this lab home, that the learner can set as it is.
		expect(refused.stdout).toContain(`pick another name, for example yj-rg-${labId().slice(0, 6)} (the variables screen, key v, RESOURCE_GROUP_NAME; or --set RESOURCE_GROUP_NAME=yj-rg-${labId().slice(0, 6)})`);
		expect(JSON.parse(await az(['group', 'show', '-n', 'yj-rg', '--query', 'tags']))).toEqual({owner: 'alice', team: 'net'});

		const made = cli(['run', 'cluster/resource-group', '--yes', '--set', 'RESOURCE_GROUP_NAME=lab-rg']);
		expect(made.code, made.stdout + made.stderr).toBe(0);
		expect(labId()).toMatch(/^[0-9a-f]{12}$/);
		expect(JSON.parse(await az(['group', 'show', '-n', 'lab-rg', '--query', 'tags']))).toEqual({createdBy: 'cilium-lab', 'cilium-lab-home': labId()});
	});

	it('lesson 01 refuses a cluster another lab home made; lesson 08 does not delete it', async () => {
		await az(['aks', 'create', '-g', 'lab-rg', '-n', 'yj-aks', '--network-plugin', 'none', '--tags', 'createdBy=cilium-lab', 'cilium-lab-home=ffffffffffff']);
		await az(['aks', 'get-credentials', '-g', 'lab-rg', '-n', 'yj-aks', '--overwrite-existing']);
		const create = cli(['run', 'cluster/create-byocni', '--yes', '--set', 'RESOURCE_GROUP_NAME=lab-rg']);
		expect(create.code).toBe(2);
		expect(create.stdout).toContain(`AKS cluster yj-aks (resource group lab-rg) already exists and this lab did not make it: another cilium-lab home made it (cilium-lab-home=ffffffffffff; this home is ${labId()}).`);
		expect(create.stdout).toContain(`--set CLUSTER_NAME=yj-aks-${labId().slice(0, 6)}`);

		const cleanup = cli(['run', 'cleanup', '--yes', '--set', 'RESOURCE_GROUP_NAME=lab-rg', '--confirm', 'demo', '--confirm', 'cilium-test-1', '--confirm', 'yj-aks']);
		expect(cleanup.code, cleanup.stdout + cleanup.stderr).toBe(2);
		expect(cleanup.stdout).toContain('AKS cluster yj-aks (resource group lab-rg) already exists and this lab did not make it');
		expect(cleanup.stdout).toContain('The lab deletes only what this lab home made.');
		expect(JSON.parse(await az(['aks', 'show', '-g', 'lab-rg', '-n', 'yj-aks', '--query', 'provisioningState']))).toBe('Succeeded');
		await az(['aks', 'delete', '-g', 'lab-rg', '-n', 'yj-aks', '--yes']);
	});

	it('creates its own cluster tagged after a confirmation with the estimated cost; each start says how long it ran; lesson 08 deletes it and the notice ends', async () => {
		const create = cli(['run', 'cluster/create-byocni', '--yes', '--set', 'RESOURCE_GROUP_NAME=lab-rg']);
		expect(create.code, create.stdout + create.stderr).toBe(0);
		await az(['aks', 'get-credentials', '-g', 'lab-rg', '-n', 'yj-aks', '--overwrite-existing']);
		expect(create.stdout).toContain('⚠ cluster/create-byocni: costs money (real target)');
		expect(create.stdout).toContain('Azure subscription: cilium-lab practice subscription (simulated)');
		expect(create.stdout).toContain('Estimated cost: 3 × Standard_DS2_v2 ≈ $0.44/hour ($10.51/day, $320/month)');
		expect(create.stdout).toContain('priced at eastus (the table has no koreacentral price; prices differ by region)');
		expect(JSON.parse(await az(['aks', 'show', '-g', 'lab-rg', '-n', 'yj-aks', '--query', 'tags']))).toEqual({createdBy: 'cilium-lab', 'cilium-lab-home': labId()});
		expect(JSON.parse(await az(['aks', 'show', '-g', 'lab-rg', '-n', 'yj-aks', '--query', 'agentPoolProfiles[0]']))).toMatchObject({count: 3, vmSize: 'Standard_DS2_v2'});

		const next = cli(['run', 'cluster/create-byocni', '--yes', '--set', 'RESOURCE_GROUP_NAME=lab-rg']);
		expect(next.stderr).toMatch(/cilium-lab: 💸 The AKS cluster yj-aks \(resource group lab-rg\) this lab made has run for \d+ min: roughly \$\d+\.\d\d so far \(\$0\.44\/hour, VMs only\)\. Lesson 8 \(cleanup\) deletes it/);

		const noName = cli(['run', 'cleanup', '--yes', '--set', 'RESOURCE_GROUP_NAME=lab-rg', '--confirm', 'demo', '--confirm', 'cilium-test-1']);
		expect(noName.code).toBe(1);
		expect(noName.stdout).toContain('--confirm yj-aks');
		// The cluster goes; the group waits for its name.
		const clusterOnly = cli(['run', 'cleanup', '--yes', '--set', 'RESOURCE_GROUP_NAME=lab-rg', '--confirm', 'demo', '--confirm', 'cilium-test-1', '--confirm', 'yj-aks']);
		expect(clusterOnly.code, clusterOnly.stdout + clusterOnly.stderr).toBe(1);
		expect(clusterOnly.stdout).toContain('--confirm lab-rg');
		// Someone else's cluster in the lab's own group: the group is not deleted (it would take bob's cluster with it).
		await az(['aks', 'create', '-g', 'lab-rg', '-n', 'bob-aks', '--network-plugin', 'none', '--tags', 'owner=bob']);
		const foreign = cli(['run', 'cleanup/delete-resource-group', '--yes', '--set', 'RESOURCE_GROUP_NAME=lab-rg', '--confirm', 'demo', '--confirm', 'cilium-test-1', '--confirm', 'yj-aks', '--confirm', 'lab-rg']);
		expect(foreign.code, foreign.stdout + foreign.stderr).toBe(2);
		expect(foreign.stdout).toContain(
			"resource group lab-rg (and everything in it) was made by this lab, but it holds 1 resource(s) this lab did not make: bob-aks (Microsoft.ContainerService/managedClusters): It looks like bob's (tag owner). Deleting the group would delete them too, so the lab does not.",
		);
		expect((await az(['group', 'exists', '-n', 'lab-rg'])).trim()).toBe('true');
		expect(JSON.parse(await az(['aks', 'show', '-g', 'lab-rg', '-n', 'bob-aks', '--query', 'tags']))).toEqual({owner: 'bob'});
		await az(['aks', 'delete', '-g', 'lab-rg', '-n', 'bob-aks', '--yes']);
		const cleanup = cli(['run', 'cleanup/delete-resource-group', '--yes', '--set', 'RESOURCE_GROUP_NAME=lab-rg', '--confirm', 'demo', '--confirm', 'cilium-test-1', '--confirm', 'yj-aks', '--confirm', 'lab-rg']);
		expect(cleanup.code, cleanup.stdout + cleanup.stderr).toBe(0);
		expect((await az(['group', 'exists', '-n', 'lab-rg'])).trim()).toBe('false');
		const after = cli(['run', 'cleanup', '--yes', '--set', 'RESOURCE_GROUP_NAME=lab-rg']);
		expect(after.stderr).not.toContain('💸');
		// Someone else's group was never touched.
		expect(JSON.parse(await az(['group', 'show', '-n', 'yj-rg', '--query', 'tags']))).toEqual({owner: 'alice', team: 'net'});
	});
});
