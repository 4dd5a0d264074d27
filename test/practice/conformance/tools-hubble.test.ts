// Conformance table: hubble observe's filters and the tools' answers to a mistyped subcommand, on the practice
// cluster (k8s track, instant speed). Filters follow cilium/cilium hubble/cmd/observe/flows_filter.go as vendored by
// cilium/hubble v1.16.4 (left/right FlowFilters, --not into a blacklist, namespaces applied to the pod filters,
// conflict groups) and the server's pkg/hubble/filters; flag errors are pflag's `invalid argument "V" for "--f"
// flag: …` printed by hubble's main.go alone. Unknown subcommands are cobra v1.8.1's legacyArgs + findSuggestions,
// printed by main.go for cilium-cli v0.16.21 and hubble (SilenceErrors) and by cobra's ExecuteC for helm v3.16.3.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TestPractice} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-hubble-', speed: 'instant', track: 'k8s'});
const {run} = practice;
let agent = '';
let webIp = '';
let curlIp = '';
let node = '';

interface JsonFlow {
	flow: {verdict: string; IP: {source: string; destination: string}; source: {labels?: string[]; identity: number; pod_name?: string; namespace?: string}; destination: {labels?: string[]; identity: number; pod_name?: string}; node_name: string; destination_names?: string[]; l4: Record<string, {destination_port?: number; source_port?: number}>};
}

const observe = (...args: string[]) => run('kubectl', ['-n', 'kube-system', 'exec', agent, '-c', 'cilium-agent', '--', 'hubble', 'observe', ...args]);
async function flows(...args: string[]): Promise<JsonFlow['flow'][]> {
	const result = await observe('-o', 'json', '--last', '1000', ...args);
	expect(result.code, result.stderr).toBe(0);
	return result.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as JsonFlow).flow);
}

beforeAll(async () => {
	await practice.start();
	expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system'])).code).toBe(0);
	expect((await run('kubectl', ['create', 'ns', 'demo'])).code).toBe(0);
	// Both pods on one node, so that node's agent sees both ends of their flows.
	node = (await run('kubectl', ['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
	const onNode = `--overrides={"spec":{"nodeName":"${node}"}}`;
	expect((await run('kubectl', ['run', 'web', '-n', 'demo', '--image=nginx', '--labels=app=web', '--port=80', onNode])).code).toBe(0);
	expect((await run('kubectl', ['run', 'curl', '-n', 'demo', '--image=alpine/curl', '--labels=app=client', onNode, '--command', '--', 'sleep', '365d'])).code).toBe(0);
	expect((await run('kubectl', ['wait', '-n', 'demo', '--for=condition=Ready', 'pod/curl', 'pod/web', '--timeout=60s'])).code).toBe(0);
	webIp = (await run('kubectl', ['-n', 'demo', 'get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}'])).stdout;
	curlIp = (await run('kubectl', ['-n', 'demo', 'get', 'pod', 'curl', '-o', 'jsonpath={.status.podIP}'])).stdout;
	agent = (await run('kubectl', ['-n', 'kube-system', 'get', 'pod', '-l', 'k8s-app=cilium', '--field-selector', `spec.nodeName=${node}`, '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
	const exec = (...argv: string[]) => run('kubectl', ['-n', 'demo', 'exec', 'curl', '--', ...argv]);
	await exec('curl', '-s', '-m', '3', '-o', '/dev/null', `http://${webIp}`);
	await exec('curl', '-s', '-m', '3', '-o', '/dev/null', 'https://google.com');
	// A policy that lets the client reach only DNS: the next request to web is dropped.
	const policy = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: dns-only, namespace: demo}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toEndpoints:
    - matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s:k8s-app: kube-dns}
    toPorts:
    - ports: [{port: "53", protocol: ANY}]
`;
	expect((await run('kubectl', ['apply', '-f', '-'], {input: policy})).code).toBe(0);
	await exec('curl', '-s', '-m', '2', '-o', '/dev/null', `http://${webIp}`);
}, 240_000);

afterAll(() => practice.stop());

describe('hubble observe filters (conformance table)', () => {
	it('--label app=client: flows whose source or destination carries the label (a key without source matches any source) — flows_filter.go "label", filters/labels.go', async () => {
		const found = await flows('--label', 'app=client');
		expect(found.length).toBeGreaterThan(0);
		for (const flow of found) expect([...(flow.source.labels ?? []), ...(flow.destination.labels ?? [])]).toContain('k8s:app=client');
		expect(await flows('--label', 'app=nobody')).toEqual([]);
	});

	it('--from-label k8s:app=client --to-ip WEB: both on one filter, ANDed — flows_filter.go apply()', async () => {
		const found = await flows('--from-label', 'k8s:app=client', '--to-ip', webIp);
		expect(found.length).toBeGreaterThan(0);
		for (const flow of found) {
			expect(flow.source.labels).toContain('k8s:app=client');
			expect(flow.IP.destination).toBe(webIp);
		}
	});

	it('--to-ip takes a CIDR — filters/ip.go', async () => {
		const found = await flows('--to-ip', `${webIp.split('.').slice(0, 3).join('.')}.0/24`, '--from-ip', curlIp);
		expect(found.some((flow) => flow.IP.destination === webIp)).toBe(true);
	});

	it('--not --verdict FORWARDED keeps every other verdict (the blacklist) — flows_filter.go Set("not")', async () => {
		const found = await flows('--not', '--verdict', 'FORWARDED', '--from-pod', 'demo/curl');
		expect(found.length).toBeGreaterThan(0);
		for (const flow of found) expect(flow.verdict).not.toBe('FORWARDED');
		expect(found.some((flow) => flow.verdict === 'DROPPED')).toBe(true);
	});

	it('--verdict DROPPED --to-pod demo/web: the policy\'s drop — verdict and pod filters', async () => {
		const found = await flows('--verdict', 'DROPPED', '--to-pod', 'demo/web');
		expect(found.length).toBeGreaterThan(0);
		for (const flow of found) expect(flow.destination.pod_name).toBe('web');
	});

	it('--identity N: the numeric security identity on either side — flows_filter.go "identity"', async () => {
		const [sample] = await flows('--from-pod', 'demo/curl', '--last', '1');
		const id = sample!.source.identity;
		const found = await flows('--identity', String(id));
		expect(found.length).toBeGreaterThan(0);
		for (const flow of found) expect([flow.source.identity, flow.destination.identity]).toContain(id);
	});

	it('--identity world: a reserved identity by name — parseIdentity', async () => {
		const found = await flows('--to-identity', 'world');
		for (const flow of found) expect(flow.destination.identity).toBe(2);
	});

	it('--node-name with a wildcard — filters/node.go', async () => {
		expect((await flows('--node-name', node)).length).toBeGreaterThan(0);
		expect((await flows('--node-name', `${node.slice(0, 4)}*`)).length).toBeGreaterThan(0);
		expect(await flows('--node-name', 'no-such-node')).toEqual([]);
	});

	it('-n demo --pod curl: the namespace applies to the pod filter — namespaceModifier', async () => {
		const found = await flows('-n', 'demo', '--pod', 'curl');
		expect(found.length).toBeGreaterThan(0);
		for (const flow of found) expect([flow.source.pod_name, flow.destination.pod_name]).toContain('curl');
	});

	it('--to-fqdn google.com: flows to the name the DNS proxy learned — filters/fqdn.go', async () => {
		const found = await flows('--to-fqdn', 'google.com');
		for (const flow of found) expect(flow.destination_names).toContain('google.com');
	});

	it('--port 80 --protocol tcp — port and protocol filters', async () => {
		const found = await flows('--port', '80', '--protocol', 'tcp');
		expect(found.length).toBeGreaterThan(0);
		for (const flow of found) expect([flow.l4.TCP?.destination_port, flow.l4.TCP?.source_port]).toContain(80);
	});

	it('-n demo --port 443 pairs each side\'s namespace with that side\'s port: egress to the world\'s :443 is not among them; --from-namespace demo --to-port 443 is — filterTracker left/right', async () => {
		const egress = await flows('--from-namespace', 'demo', '--to-port', '443');
		expect(egress.some((flow) => flow.IP.destination === '142.250.207.110')).toBe(true);
		const paired = await flows('-n', 'demo', '--port', '443');
		expect(paired.some((flow) => flow.IP.destination === '142.250.207.110' && flow.l4.TCP?.destination_port === 443)).toBe(false);
	});

	it('--pod and --ip cannot be combined: pflag wraps the conflict — checkConflict', async () => {
		const result = await observe('--pod', 'demo/curl', '--ip', webIp);
		expect(result.stderr).toBe(`invalid argument "${webIp}" for "--ip" flag: filters --pod and --ip cannot be combined\ncommand terminated with exit code 1`);
	});

	it('--not --not: consecutive --not statements', async () => {
		const result = await observe('--not', '--not', '--verdict', 'DROPPED');
		expect(result.stderr).toBe('invalid argument "true" for "--not" flag: consecutive --not statements\ncommand terminated with exit code 1');
	});

	it('--verdict dropped: verdict names are case-sensitive (flowpb.Verdict_value)', async () => {
		const result = await observe('--verdict', 'dropped');
		expect(result.stderr).toBe('invalid argument "dropped" for "--verdict" flag: invalid --verdict value: dropped\ncommand terminated with exit code 1');
	});

	it('--http-status: a real filter the practice cluster does not simulate is refused plainly', async () => {
		const result = await observe('--http-status', '200');
		expect(result.stderr).toBe('hubble observe --http-status is not simulated by the practice cluster\ncommand terminated with exit code 1');
	});

	it('--nope: an unknown flag — pflag "unknown flag"', async () => {
		const result = await observe('--nope');
		expect(result.stderr).toBe('unknown flag: --nope\ncommand terminated with exit code 1');
	});
});

describe('unknown subcommands answer as cobra does (conformance table)', () => {
	it('cilium stauts: unknown command with the suggestion, printed by main (SilenceErrors) — cobra legacyArgs/findSuggestions', async () => {
		const result = await run('cilium', ['stauts']);
		expect(result.stderr).toBe('unknown command "stauts" for "cilium"\n\nDid you mean this?\n\tstatus\n');
		expect(result.code).toBe(1);
	});

	it('cilium conectivity: a distance of 1 suggests connectivity — SuggestionsFor (Levenshtein ≤ 2)', async () => {
		expect((await run('cilium', ['conectivity'])).stderr).toBe('unknown command "conectivity" for "cilium"\n\nDid you mean this?\n\tconnectivity\n');
	});

	it('cilium frobnicate: nothing close, no suggestion list', async () => {
		const result = await run('cilium', ['frobnicate']);
		expect(result.stderr).toBe('unknown command "frobnicate" for "cilium"');
		expect(result.code).toBe(1);
	});

	it('cilium u: a prefix suggests every command it starts (uninstall, upgrade) in sorted order — suggestByPrefix', async () => {
		expect((await run('cilium', ['u'])).stderr).toBe('unknown command "u" for "cilium"\n\nDid you mean this?\n\tuninstall\n\tupgrade\n');
	});

	it('cilium clustermesh: a real command the practice cluster does not simulate is refused plainly, not "unknown"', async () => {
		const result = await run('cilium', ['clustermesh', 'status']);
		expect(result.stderr).toBe("cilium: 'clustermesh' is not simulated by the cilium-lab practice cluster");
		expect(result.code).toBe(2);
	});

	it('hubble obsrve: hubble\'s main prints the error alone — hubble v1.16.4 main.go', async () => {
		const result = await run('hubble', ['obsrve']);
		expect(result.stderr).toBe('unknown command "obsrve" for "hubble"\n\nDid you mean this?\n\tobserve\n');
		expect(result.code).toBe(1);
	});

	it('hubble recrd: hidden commands (record, reflect, watch) are never suggested — IsAvailableCommand', async () => {
		expect((await run('hubble', ['recrd'])).stderr).toBe('unknown command "recrd" for "hubble"');
	});

	it('helm instal: cobra prints "Error:" and the --help hint (helm\'s root only silences usage) — helm cmd/helm/root.go', async () => {
		const result = await run('helm', ['instal']);
		expect(result.stderr).toBe('Error: unknown command "instal" for "helm"\n\nDid you mean this?\n\tinstall\n\nRun \'helm --help\' for usage.');
		expect(result.code).toBe(1);
	});

	it('helm frobnicate: no suggestion, then the hint', async () => {
		expect((await run('helm', ['frobnicate'])).stderr).toBe('Error: unknown command "frobnicate" for "helm"\nRun \'helm --help\' for usage.');
	});
});
