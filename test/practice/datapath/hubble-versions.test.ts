// What `hubble observe` prints and accepts per Cilium version (src/practice/versions.ts hubblePolicyNames,
// hubbleFieldMaskRenamed), run with the hubble inside the agent pod, whose version is its image's.
import {describe, expect, test} from 'vitest';
import {lookupPodProgram} from '../../../src/practice/datapath/programs/index.js';
import type {KubeObject} from '../../../src/practice/types.js';
import {ALLOW_DNS_DOC, ALLOW_DOMAINS_DOC, NODE_A, aksCluster, captureIo, cnp} from './fixtures.js';

function clusterRunning(version: string): ReturnType<typeof aksCluster> {
	const cluster = aksCluster();
	for (const agent of cluster.store.list('v1', 'Pod', {namespace: 'kube-system'}).filter((pod) => pod.metadata.labels?.['k8s-app'] === 'cilium')) {
		const spec = agent.spec as {containers: Array<{image: string}>};
		cluster.store.apply({...agent, spec: {...spec, containers: spec.containers.map((container) => ({...container, image: `quay.io/cilium/cilium:v${version}`}))}} as KubeObject);
	}
	return cluster;
}

async function curl(cluster: ReturnType<typeof aksCluster>, url: string): Promise<void> {
	const client = cluster.store.get('v1', 'Pod', 'demo', 'curl')!;
	await lookupPodProgram('curl', client)!(['curl', '-s', '-m', '2', url], captureIo(), client, cluster.ctx);
}

/** `kubectl -n kube-system exec <agent on the curl pod's node> -- hubble observe …`. */
async function observe(cluster: ReturnType<typeof aksCluster>, ...args: string[]): Promise<{code: number; out: string; err: string}> {
	const agent = cluster.store.list('v1', 'Pod', {namespace: 'kube-system'}).find((pod) => pod.metadata.labels?.['k8s-app'] === 'cilium' && (pod.spec as {nodeName?: string}).nodeName === NODE_A)!;
	const io = captureIo();
	const code = await lookupPodProgram('hubble', agent)!(['hubble', 'observe', ...args], io, agent, cluster.ctx);
	return {code, out: io.out(), err: io.err()};
}

const denyWorld443 = cnp('demo', 'deny-world-https', {
	endpointSelector: {matchLabels: {app: 'client'}},
	egressDeny: [{toEntities: ['world'], toPorts: [{ports: [{port: '443', protocol: 'TCP'}]}]}],
});

describe('hubble observe --print-policy-names (cilium/hubble v1.18.6 hubble/cmd/observe/observe.go; absent at v1.16.4)', () => {
	test('1.16.4: the flag is unknown, as pflag says it', async () => {
		const cluster = clusterRunning('1.16.4');
		expect(await observe(cluster, '--print-policy-names')).toEqual({code: 1, out: '', err: 'unknown flag: --print-policy-names\n'});
	});

	for (const version of ['1.18.12', '1.19.6', '1.20.0']) {
		test(`${version}: ALLOWED BY <name> (<kind>) on the allowed verdict (printer.go formatPolicyNames @ v1.18.6)`, async () => {
			const cluster = clusterRunning(version);
			cluster.store.apply(ALLOW_DNS_DOC);
			cluster.store.apply(ALLOW_DOMAINS_DOC);
			await curl(cluster, 'https://www.google.com');
			const {code, out} = await observe(cluster, '--print-policy-names', '-t', 'policy-verdict', '--to-port', '443');
			expect(code).toBe(0);
			expect(out).toMatch(/demo\/curl:\d+ \(ID:\d+\) -> www\.google\.com:443 \(ID:\d+\) policy-verdict:L3-L4 EGRESS ALLOWED BY allow-egress-to-specific-domain \(CiliumNetworkPolicy\) \(TCP Flags: SYN\)/);
			// Without the flag the line is as 1.16 prints it.
			const plain = await observe(cluster, '-t', 'policy-verdict', '--to-port', '443');
			expect(plain.out).toMatch(/policy-verdict:L3-L4 EGRESS ALLOWED \(TCP Flags: SYN\)/);
		});
	}

	test('1.18.12: a drop by a deny rule names the deny policy (DENIED BY …); a default-deny drop names none', async () => {
		const cluster = clusterRunning('1.18.12');
		cluster.store.apply(ALLOW_DNS_DOC);
		cluster.store.apply(denyWorld443);
		await curl(cluster, 'https://naver.com');
		const {out} = await observe(cluster, '--print-policy-names', '-t', 'policy-verdict', '--to-port', '443');
		expect(out).toMatch(/<> naver\.com:443 \(world\) policy-verdict:none EGRESS DENIED BY deny-world-https \(CiliumNetworkPolicy\) \(TCP Flags: SYN\)/);

		const defaultDeny = clusterRunning('1.18.12');
		defaultDeny.store.apply(ALLOW_DNS_DOC);
		defaultDeny.store.apply(ALLOW_DOMAINS_DOC);
		await curl(defaultDeny, 'https://naver.com');
		const denied = await observe(defaultDeny, '--print-policy-names', '-t', 'policy-verdict', '--to-port', '443');
		expect(denied.out).toMatch(/<> naver\.com:443 \(world\) policy-verdict:none EGRESS DENIED \(TCP Flags: SYN\)/);
	});
});

describe('the flows’ policy correlation in -o json, per version (flow.proto Policy: kind = 5 at v1.18.6, absent at v1.16.4)', () => {
	async function allowedVerdict(version: string, policies: KubeObject[], url: string): Promise<Record<string, unknown>> {
		const cluster = clusterRunning(version);
		for (const policy of policies) cluster.store.apply(policy);
		await curl(cluster, url);
		const {out} = await observe(cluster, '-o', 'json', '-t', 'policy-verdict', '--to-port', '443');
		const lines = out.trim().split('\n').filter(Boolean);
		expect(lines.length).toBeGreaterThan(0);
		return (JSON.parse(lines.at(-1)!) as {flow: Record<string, unknown>}).flow;
	}

	test('1.16.4: egress_allowed_by has name, namespace and the derived-from labels, no kind', async () => {
		const flow = await allowedVerdict('1.16.4', [ALLOW_DNS_DOC, ALLOW_DOMAINS_DOC], 'https://www.google.com');
		expect(flow.egress_allowed_by).toEqual([
			{
				name: 'allow-egress-to-specific-domain',
				namespace: 'demo',
				labels: ['k8s:io.cilium.k8s.policy.derived-from=CiliumNetworkPolicy', 'k8s:io.cilium.k8s.policy.name=allow-egress-to-specific-domain', 'k8s:io.cilium.k8s.policy.namespace=demo'],
			},
		]);
		// Declared after Summary in flow.proto (egress_allowed_by = 21001), so protojson writes it last.
		expect(Object.keys(flow).at(-1)).toBe('egress_allowed_by');
	});

	test('1.16.4: a drop by a deny rule is not correlated (1.16 annotates forwarded verdicts only)', async () => {
		const cluster = clusterRunning('1.16.4');
		cluster.store.apply(ALLOW_DNS_DOC);
		cluster.store.apply(denyWorld443);
		await curl(cluster, 'https://naver.com');
		const {out} = await observe(cluster, '-o', 'json', '-t', 'policy-verdict', '--to-port', '443');
		expect(out).toContain('"verdict":"DROPPED"');
		expect(out).not.toContain('denied_by');
	});

	test('1.20.0: egress_allowed_by names the kind', async () => {
		const flow = await allowedVerdict('1.20.0', [ALLOW_DNS_DOC, ALLOW_DOMAINS_DOC], 'https://www.google.com');
		expect(flow.egress_allowed_by).toEqual([expect.objectContaining({name: 'allow-egress-to-specific-domain', namespace: 'demo', kind: 'CiliumNetworkPolicy'})]);
	});
});

describe('field-mask flags renamed in 1.19 (cilium/hubble v1.19.4 hubble/cmd/observe/observe.go against v1.18.6)', () => {
	test.each([
		['1.16.4', '--experimental-field-mask=time', 'hubble observe --experimental-field-mask is not simulated by the practice cluster\n'],
		['1.18.12', '--field-mask=time', 'unknown flag: --field-mask\n'],
		['1.18.12', '--encrypted', 'unknown flag: --encrypted\n'],
		['1.19.6', '--experimental-field-mask=time', 'unknown flag: --experimental-field-mask\n'],
		['1.19.6', '--field-mask=time', 'hubble observe --field-mask is not simulated by the practice cluster\n'],
		['1.20.0', '--unencrypted', 'hubble observe --unencrypted is not simulated by the practice cluster\n'],
	])('%s: %s → %s', async (version, flag, err) => {
		const result = await observe(clusterRunning(version), flag);
		expect(result).toEqual({code: 1, out: '', err});
	});

	test('--help lists the version’s own flags', async () => {
		expect((await observe(clusterRunning('1.16.4'), '--help')).out).not.toContain('--print-policy-names');
		const help119 = (await observe(clusterRunning('1.19.6'), '--help')).out;
		expect(help119).toContain('--print-policy-names');
		expect(help119).toContain('--field-mask');
		expect(help119).toContain("semantics are hubble v1.19.6's");
	});
});
