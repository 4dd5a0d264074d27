// Interrupting a long az/helm/cilium operation (x in the TUI, Ctrl+C in a shell: the tool's RPC request
// closes and its AbortSignal fires) leaves the practice cloud and cluster as the real tools leave them.
// The SimClock here only moves when the test says so, so "mid-way" is exact.
import {describe, expect, it} from 'vitest';
import {az} from '../../../src/practice/cloud/az.js';
import {helm} from '../../../src/practice/cloud/helm.js';
import {cilium} from '../../../src/practice/cloud/cilium.js';
import {stripAnsi} from '../../../src/practice/cloud/text.js';
import type {HostTool, SimClock} from '../../../src/practice/types.js';
import {createHarness, markWorkloadsReady, type Harness} from './harness.js';

/** A SimClock whose sleeps end only when `advance()` is called (or their signal aborts). */
function steppedClock(): SimClock & {advance(): Promise<void>; pending(): number; onWaitingTool?: () => void} {
	const waiting = new Set<() => void>();
	const clock: ReturnType<typeof steppedClock> = {
		speed: 'realtime',
		now: () => Date.now(),
		sleep(_ms, signal) {
			return new Promise<void>((resolve, reject) => {
				if (signal?.aborted) return reject(signal.reason);
				const wake = () => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				};
				const onAbort = () => {
					waiting.delete(wake);
					reject(signal!.reason);
				};
				signal?.addEventListener('abort', onAbort, {once: true});
				waiting.add(wake);
				// A sleep with a signal is the tool itself waiting (background operations sleep without one).
				if (signal) clock.onWaitingTool?.();
			});
		},
		async advance() {
			// Until nothing sleeps any more: an operation may sleep again after waking.
			for (let round = 0; round < 50 && waiting.size > 0; round++) {
				for (const wake of [...waiting]) {
					waiting.delete(wake);
					wake();
				}
				await new Promise(resolve => setTimeout(resolve, 5));
			}
		},
		pending: () => waiting.size,
	};
	return clock;
}

function setup(): Harness & {clock: ReturnType<typeof steppedClock>} {
	const harness = createHarness();
	const clock = steppedClock();
	harness.ctx.clock = clock;
	return Object.assign(harness, {clock});
}

/** Runs a tool and closes it (aborts its signal) as soon as its output contains `when`, as the RPC server does when the shim goes away. */
async function interrupt(harness: Harness & {clock: ReturnType<typeof steppedClock>}, tool: HostTool, argv: string[], when: string | 'while it waits'): Promise<{outcome: number | Error; stdout: string; stderr: string}> {
	const controller = new AbortController();
	let stdout = '';
	let stderr = '';
	const close = () => controller.abort(new Error('the tool was interrupted'));
	const check = () => {
		if (!controller.signal.aborted && when !== 'while it waits' && (stdout + stderr).includes(when)) close();
	};
	harness.clock.onWaitingTool = when === 'while it waits' ? close : undefined;
	const outcome = await tool(
		argv,
		{
			stdout: {write: text => ((stdout += text), check())},
			stderr: {write: text => ((stderr += text), check())},
			tty: false,
			signal: controller.signal,
			env: harness.env,
			cwd: harness.dir,
		},
		harness.ctx,
	).catch((error: Error) => error);
	harness.clock.onWaitingTool = undefined;
	expect(controller.signal.aborted).toBe(true);
	return {outcome, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr)};
}

/** Runs a tool to its end while the clock keeps moving. */
async function finish(harness: Harness & {clock: ReturnType<typeof steppedClock>}, tool: HostTool, argv: string[]) {
	const running = harness.run(tool, argv);
	let done = false;
	void running.finally(() => (done = true));
	while (!done) await harness.clock.advance();
	return running;
}

const createArgs = ['aks', 'create', '-g', 'yj-rg', '-n', 'yj-aks', '--network-plugin', 'none', '--generate-ssh-keys'];

async function loggedIn(harness: Harness & {clock: ReturnType<typeof steppedClock>}) {
	expect((await finish(harness, az, ['login'])).code).toBe(0);
	expect((await harness.run(az, ['group', 'create', '-n', 'yj-rg', '-l', 'koreacentral'])).code).toBe(0);
}

async function show(harness: Harness) {
	const shown = await harness.run(az, ['aks', 'show', '-g', 'yj-rg', '-n', 'yj-aks', '--query', 'provisioningState', '-o', 'tsv']);
	return shown.code === 0 ? shown.stdout.trim() : `exit ${shown.code}: ${shown.stderr.trim()}`;
}

describe('an interrupted az aks create', () => {
	it('goes on in the background: Creating, a second create is refused as AKS does, then Succeeded and usable', async () => {
		const harness = setup();
		await loggedIn(harness);
		const interrupted = await interrupt(harness, az, createArgs, 'Running');
		expect(interrupted.outcome).toBeInstanceOf(Error);

		expect(await show(harness)).toBe('Creating');
		expect(JSON.parse((await harness.run(az, ['aks', 'list', '--query', '[].{name:name,state:provisioningState}'])).stdout)).toEqual([{name: 'yj-aks', state: 'Creating'}]);
		const again = await harness.run(az, createArgs);
		expect(again.code).toBe(1);
		expect(again.stderr).toMatch(
			/^ERROR: \(OperationNotAllowed\) Operation is not allowed because there's an in progress create managed cluster operation ID '[0-9a-f-]{36}' started at \S+\. Please wait for it to finish before starting a new operation\. See https:\/\/aka\.ms\/aks-pending-operation for more details\nCode: OperationNotAllowed\nMessage: Operation is not allowed because/,
		);

		await harness.clock.advance();
		expect(await show(harness)).toBe('Succeeded');
		expect(harness.ctx.cluster.exists()).toBe(true);
		expect(harness.store.list('v1', 'Node')).toHaveLength(3);
		expect((await harness.run(az, ['aks', 'get-credentials', '-g', 'yj-rg', '-n', 'yj-aks'])).code).toBe(0);
		const afterwards = await harness.run(az, createArgs);
		expect(afterwards.code).toBe(1);
		expect(afterwards.stderr).toContain("The cluster 'yj-aks' under resource group 'yj-rg' already exists. Please use command 'az aks update'");
	});

	it('with --no-wait returns at once and the cluster turns Succeeded on the clock', async () => {
		const harness = setup();
		await loggedIn(harness);
		expect((await harness.run(az, [...createArgs, '--no-wait'])).code).toBe(0);
		expect(await show(harness)).toBe('Creating');
		await harness.clock.advance();
		expect(await show(harness)).toBe('Succeeded');
	});
});

describe('other interrupted az operations finish as ARM finishes them', () => {
	it('aks update to the Cilium dataplane: Updating, update refused meanwhile, then the managed Cilium and Succeeded', async () => {
		const harness = setup();
		await loggedIn(harness);
		expect((await finish(harness, az, ['aks', 'create', '-g', 'yj-rg', '-n', 'yj-aks', '--network-plugin', 'azure', '--network-plugin-mode', 'overlay', '--generate-ssh-keys'])).code).toBe(0);
		await interrupt(harness, az, ['aks', 'update', '-g', 'yj-rg', '-n', 'yj-aks', '--network-dataplane', 'cilium'], 'Running');
		expect(await show(harness)).toBe('Updating');
		const meanwhile = await harness.run(az, ['aks', 'update', '-g', 'yj-rg', '-n', 'yj-aks', '--enable-acns']);
		expect(meanwhile.code).toBe(1);
		expect(meanwhile.stderr).toContain('(OperationNotAllowed) Operation is not allowed: Another operation (Updating) is in progress');
		await harness.clock.advance();
		expect(await show(harness)).toBe('Succeeded');
		expect((await harness.run(az, ['aks', 'show', '-g', 'yj-rg', '-n', 'yj-aks', '--query', 'networkProfile.networkDataplane', '-o', 'tsv'])).stdout).toBe('cilium\n');
		expect(harness.store.get('apps/v1', 'DaemonSet', 'kube-system', 'cilium')).toBeDefined();
	});

	it('aks delete: Deleting, then gone with the practice cluster, and a new create works', async () => {
		const harness = setup();
		await loggedIn(harness);
		expect((await finish(harness, az, createArgs)).code).toBe(0);
		await interrupt(harness, az, ['aks', 'delete', '-g', 'yj-rg', '-n', 'yj-aks', '--yes'], 'Running');
		expect(await show(harness)).toBe('Deleting');
		await harness.clock.advance();
		expect(await show(harness)).toMatch(/^exit 3: ERROR: \(ResourceNotFound\)/);
		expect(harness.ctx.cluster.exists()).toBe(false);
		expect((await finish(harness, az, createArgs)).code).toBe(0);
		expect(await show(harness)).toBe('Succeeded');
	});

	it('aks delete while a create is still running waits for the create, then deletes', async () => {
		const harness = setup();
		await loggedIn(harness);
		await interrupt(harness, az, createArgs, 'Running');
		await interrupt(harness, az, ['aks', 'delete', '-g', 'yj-rg', '-n', 'yj-aks', '--yes'], 'Running');
		expect(await show(harness)).toBe('Deleting');
		await harness.clock.advance();
		expect(await show(harness)).toMatch(/^exit 3: /);
		expect(harness.ctx.cluster.exists()).toBe(false);
		expect(JSON.parse((await harness.run(az, ['aks', 'list'])).stdout)).toEqual([]);
	});

	it('group delete: the group and its cluster go, the login stays', async () => {
		const harness = setup();
		await loggedIn(harness);
		expect((await finish(harness, az, createArgs)).code).toBe(0);
		await interrupt(harness, az, ['group', 'delete', '-n', 'yj-rg', '--yes'], 'Running');
		expect(await show(harness)).toBe('Deleting');
		await harness.clock.advance();
		expect((await harness.run(az, ['group', 'exists', '-n', 'yj-rg'])).stdout).toBe('false\n');
		expect(harness.ctx.cluster.exists()).toBe(false);
		expect((await harness.run(az, ['account', 'show'])).code).toBe(0);
		await loggedIn(harness);
		expect((await finish(harness, az, createArgs)).code).toBe(0);
	});

	it('a cluster a stopped daemon left Creating is settled from what the practice cluster holds', async () => {
		const harness = setup();
		await loggedIn(harness);
		await interrupt(harness, az, createArgs, 'Running');
		await harness.clock.advance();
		// As after a daemon restart: the state file says Creating, no operation runs.
		const state = harness.ctx.sections.read<{clusters: Array<{provisioningState: string}>}>('cloud', {clusters: []});
		harness.ctx.sections.write('cloud', {...state, clusters: state.clusters.map(cluster => ({...cluster, provisioningState: 'Creating'}))});
		expect(await show(harness)).toBe('Succeeded');
	});
});

describe('interrupted helm and cilium operations', () => {
	async function withCluster() {
		const harness = setup();
		await loggedIn(harness);
		expect((await finish(harness, az, createArgs)).code).toBe(0);
		expect((await harness.run(az, ['aks', 'get-credentials', '-g', 'yj-rg', '-n', 'yj-aks'])).code).toBe(0);
		expect((await finish(harness, helm, ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
		return harness;
	}

	it('helm install --wait: the release is marked failed (context canceled), as helm does on Ctrl+C; upgrade then works', async () => {
		const harness = await withCluster();
		const interrupted = await interrupt(harness, helm, ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '-n', 'kube-system', '--set', 'aksbyocni.enabled=true', '--wait'], 'while it waits');
		expect(interrupted.outcome).toBeInstanceOf(Error);
		expect(interrupted.stdout).toContain('Release cilium has been cancelled.');
		const listed = JSON.parse((await harness.run(helm, ['list', '-n', 'kube-system', '-a', '-o', 'json'])).stdout);
		expect(listed).toMatchObject([{name: 'cilium', revision: '1', status: 'failed'}]);
		const status = await harness.run(helm, ['status', 'cilium', '-n', 'kube-system']);
		expect(status.stdout).toContain('STATUS: failed');
		const again = await harness.run(helm, ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '-n', 'kube-system']);
		expect(again.stderr).toContain('INSTALLATION FAILED: cannot re-use a name that is still in use');
	});

	it('helm upgrade --wait: the new revision is failed, the one before stays deployed', async () => {
		const harness = await withCluster();
		expect((await finish(harness, helm, ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '-n', 'kube-system', '--set', 'aksbyocni.enabled=true'])).code).toBe(0);
		await interrupt(harness, helm, ['upgrade', 'cilium', 'cilium/cilium', '--version', '1.16.4', '-n', 'kube-system', '--reuse-values', '--set', 'hubble.relay.enabled=true', '--wait'], 'while it waits');
		const history = (await harness.run(helm, ['history', 'cilium', '-n', 'kube-system'])).stdout;
		expect(history).toMatch(/^1\s.*\bdeployed\b/m);
		expect(history).toMatch(/^2\s.*\bfailed\b.*Upgrade "cilium" failed: context canceled/m);
		markWorkloadsReady(harness.store, 'kube-system');
		const retried = await finish(harness, helm, ['upgrade', 'cilium', 'cilium/cilium', '--version', '1.16.4', '-n', 'kube-system', '--reuse-values', '--set', 'hubble.relay.enabled=true']);
		expect(retried.code).toBe(0);
	});

	it('cilium hubble enable cannot be caught half done, and connectivity test can run again after an interruption', async () => {
		const harness = await withCluster();
		expect((await finish(harness, helm, ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '-n', 'kube-system', '--set', 'aksbyocni.enabled=true'])).code).toBe(0);
		markWorkloadsReady(harness.store, 'kube-system');
		const controller = new AbortController();
		controller.abort();
		// hubble enable is one helm upgrade with no wait: closing it cannot stop it mid-way.
		const enabled = await cilium(['hubble', 'enable'], {stdout: {write: () => undefined}, stderr: {write: () => undefined}, tty: false, signal: controller.signal, env: harness.env, cwd: harness.dir}, harness.ctx);
		expect(enabled).toBe(0);
		expect(harness.store.get('apps/v1', 'Deployment', 'kube-system', 'hubble-relay')).toBeDefined();
		markWorkloadsReady(harness.store, 'kube-system');

		const interrupted = await interrupt(harness, cilium, ['connectivity', 'test'], 'Waiting for deployment');
		expect(interrupted.outcome).toBeInstanceOf(Error);
		expect(harness.store.get('apps/v1', 'Deployment', 'cilium-test-1', 'client')).toBeDefined();
		markWorkloadsReady(harness.store, 'cilium-test-1');
		markWorkloadsReady(harness.store, 'kube-system');
		// The stand-in pods have no addresses, so actions that need one fail; the point is that the rerun runs the tests.
		const rerun = await finish(harness, cilium, ['connectivity', 'test']);
		expect(rerun.stdout).toContain('🏃[cilium-test-1] Running 30 tests ...');
		expect(rerun.stdout).toMatch(/\n📋 Test Report \[cilium-test-1\]\n❌ \d+\/30 tests failed/);
	});
});
