// The checks against the built-in practice cluster (k8s track, instant speed), after running the lesson's
// commands through the runner with real kubectl and the simulated helm.
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {pollChecks} from '../../src/checks/poll.js';
import type {CheckContext, CheckResult} from '../../src/checks/types.js';
import type {CheckSpec} from '../../src/lab/types.js';
import {runCommand} from '../../src/run/runner.js';
import type {OutputLine} from '../../src/run/types.js';
import {repoRoot} from '../helpers/build.js';
import {TestPractice} from '../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-checks-practice-', speed: 'instant', track: 'k8s'});
let ctx: CheckContext;

async function sh(script: string): Promise<string> {
	const lines: OutputLine[] = [];
	const outcome = await runCommand({script, env: ctx.env, cwd: practice.home, timeoutMs: 60_000, onLines: batch => lines.push(...batch)});
	const output = lines.map(line => line.text).join('\n');
	if (outcome.kind !== 'exited' || outcome.exitCode !== 0) throw new Error(`${script} → ${JSON.stringify(outcome)}\n${output}`);
	return output;
}

async function checks(specs: CheckSpec[], timeoutMs = 20_000): Promise<CheckResult[]> {
	return pollChecks(specs, ctx, {timeoutMs, intervalMs: 300});
}

beforeAll(async () => {
	await practice.start();
	ctx = {lang: 'en', env: {...practice.info.env, HOME: practice.home, LAB_ASSETS: path.join(repoRoot, 'assets')}, signal: new AbortController().signal};
}, 120_000);

afterAll(() => practice.stop());

describe('checks on the practice cluster', () => {
	it('before Cilium: reachable, nodes NotReady, no cilium DaemonSet, no CRDs', async () => {
		const [reachable, nodes, rollout, crds] = await checks(
			[
				{kind: 'clusterReachable'},
				{kind: 'nodes', count: 3, ready: false},
				{kind: 'rollout', namespace: 'kube-system', resourceKind: 'DaemonSet', name: 'cilium'},
				{kind: 'crds', names: ['ciliumnetworkpolicies.cilium.io']},
			],
			0,
		);
		expect(reachable).toMatchObject({ok: true, summary: expect.stringMatching(/^cluster reachable \(Kubernetes v1\.\d+/)});
		expect(nodes).toMatchObject({ok: true, summary: '3 nodes, 0 Ready'});
		expect(rollout).toMatchObject({ok: false, summary: 'cilium DaemonSet not found in kube-system'});
		expect(crds).toMatchObject({ok: false, detail: 'missing: ciliumnetworkpolicies.cilium.io'});
	});

	it('after helm install and a client pod: rollout, CRDs, pods, egress allowed and DNS-refused', async () => {
		await sh('helm repo add cilium https://helm.cilium.io/ >/dev/null && helm install cilium cilium/cilium --version 1.16.4 --namespace kube-system >/dev/null');
		await sh('kubectl create ns demo && kubectl run curl -n demo --image=alpine/curl --labels="app=client" --command -- sleep 365d');
		const results = await checks([
			{kind: 'nodes', count: 3, ready: true},
			{kind: 'rollout', namespace: 'kube-system', resourceKind: 'DaemonSet', name: 'cilium'},
			{kind: 'crds', names: ['ciliumnetworkpolicies.cilium.io', 'ciliumendpoints.cilium.io']},
			{kind: 'podReady', namespace: 'demo', selector: 'app=client'},
			{kind: 'egress', namespace: 'demo', selector: 'app=client', url: 'https://api.github.com', expect: 'allowed'},
			{kind: 'egress', namespace: 'demo', selector: 'app=client', url: 'https://nonexistent.invalid', expect: 'dnsRefused'},
			{kind: 'resource', apiVersion: 'cilium.io/v2', resourceKind: 'CiliumNetworkPolicy', namespace: 'demo', name: 'allow-dns', state: 'absent'},
		]);
		expect(results.map(result => [result.ok, result.summary])).toEqual([
			[true, '3 nodes, 3 Ready'],
			[true, 'cilium DaemonSet 3/3 ready'],
			[true, '2/2 CRDs present'],
			[true, 'pods app=client in demo: 1/1 Ready'],
			[true, 'curl → https://api.github.com: allowed (curl exit 0 (an HTTP answer came))'],
			[true, 'curl → https://nonexistent.invalid: DNS refused (curl exit 6 (could not resolve the host name))'],
			[true, 'CiliumNetworkPolicy demo/allow-dns: absent'],
		]);
	});

	it('with DNS and FQDN policies: the policy object, blocked egress, and the flows Hubble saw', async () => {
		await sh('kubectl -n demo apply -f "$LAB_ASSETS/policies/allow-dns.yaml" -f "$LAB_ASSETS/policies/allow-egress-to-specific-domain.v2.yaml"');
		const results = await checks([
			{kind: 'resource', apiVersion: 'cilium.io/v2', resourceKind: 'CiliumNetworkPolicy', namespace: 'demo', name: 'allow-egress-to-specific-domain', match: {'spec.egress.0.toFQDNs.2.matchName': 'google.com'}},
			{kind: 'egress', namespace: 'demo', selector: 'app=client', url: 'https://google.com', expect: 'allowed'},
			{kind: 'egress', namespace: 'demo', selector: 'app=client', url: 'https://api.github.com', expect: 'blocked', maxTime: 2},
		]);
		expect(results.map(result => [result.ok, result.summary])).toEqual([
			[true, 'CiliumNetworkPolicy demo/allow-egress-to-specific-domain: 1 present (allow-egress-to-specific-domain)'],
			[true, 'curl → https://google.com: allowed (curl exit 0 (an HTTP answer came))'],
			[true, 'curl → https://api.github.com: blocked (curl exit 28 (timed out))'],
		]);
		const [forwarded, dropped] = await checks([
			{kind: 'hubbleFlows', verdict: 'FORWARDED', to: 'google.com', port: 443, namespace: 'demo'},
			{kind: 'hubbleFlows', verdict: 'DROPPED', port: 443, namespace: 'demo'},
		]);
		expect(forwarded).toMatchObject({ok: true, summary: expect.stringMatching(/^flow seen: demo\/curl -> google\.com:443 FORWARDED/)});
		expect(dropped).toMatchObject({ok: true, summary: expect.stringMatching(/^flow seen: demo\/curl -> .*:443 DROPPED/)});
	});

	it('podExec runs a program in the pod and reads its exit code', async () => {
		const [ok, failing] = await checks(
			[
				{kind: 'podExec', namespace: 'demo', pod: 'curl', command: ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', 'https://google.com'], output: '^\\d{3}$'},
				{kind: 'podExec', namespace: 'demo', pod: 'curl', command: ['curl', '-sS', '-m', '1', 'https://api.github.com'], exitCode: 0},
			],
			0,
		);
		expect(ok).toMatchObject({ok: true});
		expect(failing).toMatchObject({ok: false, summary: expect.stringContaining('exited 28')});
	});
});
