// Conformance table: `cilium-dbg` in the agent pod (kubectl -n kube-system exec … -- cilium-dbg …), on the practice
// cluster (k8s track, instant speed) with the real kubectl. Each probe names the cilium/cilium v1.16.4 source its
// expected output follows: cilium-dbg/cmd/*.go for the commands, pkg/client/client.go FormatStatusResponse (as
// cilium-cli v0.16.15 vendors cilium v1.16.0) and a published v1.16.4 agent's `cilium status` for the status lines,
// pkg/monitor/datapath_drop.go for drops, spf13/cobra for the root's errors. Each agent shows only its node.
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TestPractice} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-dbg-', speed: 'instant', track: 'k8s'});
const {run} = practice;
let agent = '';
let otherAgent = '';
let webIp = '';
let curlIp = '';
let serviceIp = '';
let nodeCount = 0;

const dbg = (pod: string, ...args: string[]) => run('kubectl', ['-n', 'kube-system', 'exec', pod, '-c', 'cilium-agent', '--', 'cilium-dbg', ...args]);

const CLIENT_EGRESS = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: client-dns-only, namespace: demo}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toEndpoints:
    - matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s:k8s-app: kube-dns}
    toPorts:
    - ports: [{port: "53", protocol: ANY}]
      rules:
        dns: [{matchPattern: "*"}]
`;

beforeAll(async () => {
	await practice.start();
	expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system'])).code).toBe(0);
	expect((await run('kubectl', ['create', 'ns', 'demo'])).code).toBe(0);
	const nodes = (await run('kubectl', ['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.split(' ');
	nodeCount = nodes.length;
	const onNode = `--overrides={"spec":{"nodeName":"${nodes[0]}"}}`;
	expect((await run('kubectl', ['run', 'web', '-n', 'demo', '--image=nginx', '--labels=app=web', '--port=80', onNode])).code).toBe(0);
	expect((await run('kubectl', ['run', 'curl', '-n', 'demo', '--image=alpine/curl', '--labels=app=client', onNode, '--command', '--', 'sleep', '365d'])).code).toBe(0);
	expect((await run('kubectl', ['expose', 'pod', 'web', '-n', 'demo', '--port=80'])).code).toBe(0);
	expect((await run('kubectl', ['wait', '-n', 'demo', '--for=condition=Ready', 'pod/curl', 'pod/web', '--timeout=60s'])).code).toBe(0);
	expect((await run('kubectl', ['apply', '-f', '-'], {input: CLIENT_EGRESS})).code).toBe(0);
	webIp = (await run('kubectl', ['-n', 'demo', 'get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}'])).stdout;
	curlIp = (await run('kubectl', ['-n', 'demo', 'get', 'pod', 'curl', '-o', 'jsonpath={.status.podIP}'])).stdout;
	serviceIp = (await run('kubectl', ['-n', 'demo', 'get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
	const agentOn = async (node: string) => (await run('kubectl', ['-n', 'kube-system', 'get', 'pod', '-l', 'k8s-app=cilium', '--field-selector', `spec.nodeName=${node}`, '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
	agent = await agentOn(nodes[0]!);
	otherAgent = nodes[1] ? await agentOn(nodes[1]) : '';
}, 240_000);

afterAll(() => practice.stop());

/** The row of an endpoint list whose labels start with `label` (its first label line), split into its columns. */
function endpointRow(output: string, firstLabel: string): string[] | undefined {
	const line = output.split('\n').find((candidate) => candidate.split(/\s{3,}/)[4] === firstLabel);
	return line?.trim().split(/\s{3,}/);
}

// One retry, as the other tables: kubectl's WebSocket exec client has once dropped an early frame under load.
describe('cilium-dbg in the agent pod (conformance table)', {retry: 1}, () => {
	it('status: the brief lines of a 1.16.4 agent, in a tabwriter(2, 0, 3) column 25 wide — cilium-dbg/cmd/status.go, pkg/client/client.go FormatStatusResponse', async () => {
		const result = await dbg(agent, 'status');
		expect(result.code, result.stderr).toBe(0);
		const lines = result.stdout.split('\n');
		expect(lines[0]).toBe('KVStore:                 Ok   Disabled');
		expect(lines[1]).toBe('Kubernetes:              Ok   1.30 (v1.30.6) [linux/amd64]');
		expect(lines[2]).toBe('Kubernetes APIs:         ["EndpointSliceOrEndpoint", "cilium/v2::CiliumClusterwideNetworkPolicy", "cilium/v2::CiliumEndpoint", "cilium/v2::CiliumNetworkPolicy", "cilium/v2::CiliumNode", "cilium/v2alpha1::CiliumCIDRGroup", "core/v1::Namespace", "core/v1::Pods", "core/v1::Service", "networking.k8s.io/v1::NetworkPolicy"]');
		// The chart default kubeProxyReplacement "false": no devices.
		expect(lines[3]).toBe('KubeProxyReplacement:    False   ');
		expect(lines).toContain('Host firewall:           Disabled');
		expect(lines).toContain('Cilium:                  Ok   1.16.4 (v1.16.4-03807242)');
		expect(lines).toContain('Cilium health daemon:    Ok   ');
		// Allocated: this node's endpoints with an address (its pods and the health endpoint) and cilium_host's router IP.
		const endpoints = (await dbg(agent, 'endpoint', 'list', '--no-headers')).stdout.split('\n').filter((line) => /^\d+ .* 10\.\d+\.\d+\.\d+ +ready/.test(line));
		expect(lines.find((line) => line.startsWith('IPAM:'))).toMatch(new RegExp(`^IPAM: {20}IPv4: ${endpoints.length + 1}/254 allocated from 10\\.0\\.\\d+\\.0/24, $`));
		expect(lines).toContain('Routing:                 Network: Tunnel [vxlan]   Host: Legacy');
		expect(lines).toContain('Masquerading:            IPTables [IPv4: Enabled, IPv6: Disabled]');
		// The client's egress port 53 with DNS rules: ANY is a redirect for UDP and one for TCP (SCTP is off by default).
		expect(lines.find((line) => line.startsWith('Proxy Status:'))).toMatch(/^Proxy Status: {12}OK, ip 10\.0\.\d+\.1, 2 redirects active on ports 10000-20000, Envoy: external$/);
		expect(lines).toContain('Global Identity Range:   min 256, max 65535');
		expect(lines.find((line) => line.startsWith('Hubble:'))).toMatch(/^Hubble: {18}Ok {14}Current\/Max Flows: \d+\/4095 \(\d+\.\d\d%\), Flows\/s: \d+\.\d\d {3}Metrics: Disabled$/);
		expect(lines).toContain('Encryption:              Disabled        ');
		// Every node runs an agent, all reachable.
		expect(lines.find((line) => line.startsWith('Cluster health:'))).toMatch(new RegExp(`^Cluster health: {10}${nodeCount}/${nodeCount} reachable {3}\\(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)$`));
		expect(lines).toContain('Modules Health:          Stopped(0) Degraded(0) OK(58)');
		expect((await dbg(agent, 'status', '--brief')).stdout).toBe('OK');
	});

	it('endpoint list: this node\'s endpoints, enforcement per direction as the policy selects them, the host and health endpoints — cilium-dbg/cmd/endpoint_list.go', async () => {
		const result = await dbg(agent, 'endpoint', 'list');
		expect(result.code, result.stderr).toBe(0);
		const lines = result.stdout.split('\n');
		expect(lines[0]).toMatch(/^ENDPOINT {3}POLICY \(ingress\) {3}POLICY \(egress\) {3}IDENTITY {3}LABELS \(source:key\[=value\]\) +IPv6 {3}IPv4 +STATUS +$/);
		expect(lines[1]).toMatch(/^ {11}ENFORCEMENT {8}ENFORCEMENT {7}/);
		const client = endpointRow(result.stdout, 'k8s:app=client');
		expect(client?.slice(1, 3)).toEqual(['Disabled', 'Enabled']);
		expect(client?.slice(-2)).toEqual([curlIp, 'ready']);
		const web = endpointRow(result.stdout, 'k8s:app=web');
		expect(web?.slice(1, 3)).toEqual(['Disabled', 'Disabled']);
		expect(web?.slice(-2)).toEqual([webIp, 'ready']);
		// A label per line under the first: the client's namespace label comes right after k8s:app=client.
		const clientLine = lines.findIndex((line) => line.includes('k8s:app=client'));
		expect(lines[clientLine + 1]?.trim()).toBe('k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=demo');
		expect(endpointRow(result.stdout, 'reserved:health')?.slice(1, 4)).toEqual(['Disabled', 'Disabled', '4']);
		expect(lines.some((line) => /^\d+ +Disabled +Disabled +1 +/.test(line))).toBe(true);
		expect(lines.some((line) => line.trim() === 'reserved:host')).toBe(true);
		// The other node's agent does not manage these pods.
		if (otherAgent) {
			const other = await dbg(otherAgent, 'endpoint', 'list');
			expect(other.stdout).not.toContain('k8s:app=client');
			expect(other.stdout).toContain('reserved:health');
		}
		// The in-pod alias answers the same.
		const alias = await run('kubectl', ['-n', 'kube-system', 'exec', agent, '-c', 'cilium-agent', '--', 'cilium', 'endpoint', 'list']);
		expect(alias.stdout).toBe(result.stdout);
	});

	it('identity list: the reserved identities (kube-apiserver with remote-node) and the cluster\'s, a label a line — cilium-dbg/cmd/identity_list.go + identity_get.go printIdentities, pkg/identity/numericidentity.go', async () => {
		const result = await dbg(agent, 'identity', 'list');
		expect(result.code, result.stderr).toBe(0);
		const lines = result.stdout.split('\n');
		expect(lines[0]).toMatch(/^ID +LABELS$/);
		expect(lines[1]).toMatch(/^1 +reserved:host$/);
		expect(lines[2]).toMatch(/^2 +reserved:world$/);
		const apiserver = lines.findIndex((line) => /^7 +reserved:kube-apiserver/.test(line));
		expect(lines[apiserver + 1]?.trim()).toBe('reserved:remote-node');
		const clientIdentity = (await run('kubectl', ['-n', 'demo', 'get', 'ciliumendpoint', 'curl', '-o', 'jsonpath={.status.identity.id}'])).stdout;
		const client = lines.findIndex((line) => line.startsWith(`${clientIdentity} `));
		expect(client).toBeGreaterThan(apiserver);
		expect(lines[client]).toMatch(/ k8s:app=client$/);
	});

	it('policy get: the repository\'s rules as the agent parsed them (any: and the namespace added), then the revision — cilium-dbg/cmd/policy_get.go, pkg/k8s/apis/cilium.io/utils/utils.go', async () => {
		const result = await dbg(agent, 'policy', 'get');
		expect(result.code, result.stderr).toBe(0);
		const revision = /\nRevision: (\d+)\n?$/.exec(result.stdout);
		expect(revision).not.toBeNull();
		const rules = JSON.parse(result.stdout.slice(0, revision!.index)) as Array<Record<string, unknown>>;
		expect(rules).toHaveLength(1);
		expect(rules[0]!.endpointSelector).toEqual({matchLabels: {'any:app': 'client', 'k8s:io.kubernetes.pod.namespace': 'demo'}});
		expect(rules[0]!.egress).toEqual([
			{
				toEndpoints: [{matchLabels: {'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns'}}],
				toPorts: [{ports: [{port: '53', protocol: 'ANY'}], rules: {dns: [{matchPattern: '*'}]}}],
			},
		]);
		expect((rules[0]!.labels as Array<{key: string; value: string}>).map((label) => `${label.key}=${label.value}`).slice(0, 3)).toEqual([
			'io.cilium.k8s.policy.derived-from=CiliumNetworkPolicy',
			'io.cilium.k8s.policy.name=client-dns-only',
			'io.cilium.k8s.policy.namespace=demo',
		]);
		expect(rules[0]!.enableDefaultDeny).toEqual({ingress: false, egress: true});
		// Two-space indentation, as json.MarshalIndent("", "  ").
		expect(result.stdout.split('\n')[1]).toBe('  {');
	});

	it('service list: ID, frontend, type and numbered backends — cilium-dbg/cmd/service_list.go', async () => {
		const result = await dbg(agent, 'service', 'list');
		expect(result.code, result.stderr).toBe(0);
		const lines = result.stdout.split('\n');
		expect(lines[0]).toMatch(/^ID +Frontend +Service Type +Backend +$/);
		expect(lines.some((line) => /^1 +10\.0\.0\.1:443 +ClusterIP +1 => \d+\.\d+\.\d+\.\d+:443 \(active\) +$/.test(line))).toBe(true);
		expect(lines.some((line) => new RegExp(`^\\d+ +${serviceIp.replaceAll('.', '\\.')}:80 +ClusterIP +1 => ${webIp.replaceAll('.', '\\.')}:80 \\(active\\) +$`).test(line))).toBe(true);
	});

	it('monitor --type drop: a line per dropped packet while it runs, in DropNotify.DumpInfo\'s format — pkg/monitor/datapath_drop.go, cilium-dbg/cmd/monitor.go', async () => {
		const monitor = execa('kubectl', ['-n', 'kube-system', 'exec', agent, '-c', 'cilium-agent', '--', 'cilium-dbg', 'monitor', '--type', 'drop'], {env: practice.env, reject: false, cwd: practice.home});
		let stdout = '';
		let stderr = '';
		monitor.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		monitor.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		try {
			for (let attempt = 0; attempt < 100 && !stderr.includes('Press Ctrl-C to quit'); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
			expect(stderr).toMatch(/^Listening for events on \d+ CPUs with 64x4096 of shared memory\nPress Ctrl-C to quit\n/);
			// The client may only resolve names: its connection to web is dropped at its egress.
			await run('kubectl', ['-n', 'demo', 'exec', 'curl', '--', 'curl', '-s', '-m', '1', '-o', '/dev/null', `http://${webIp}`]);
			for (let attempt = 0; attempt < 100 && !stdout.includes('\n'); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
			const clientIdentity = (await run('kubectl', ['-n', 'demo', 'get', 'ciliumendpoint', 'curl', '-o', 'jsonpath={.status.identity.id}'])).stdout;
			const webIdentity = (await run('kubectl', ['-n', 'demo', 'get', 'ciliumendpoint', 'web', '-o', 'jsonpath={.status.identity.id}'])).stdout;
			const first = stdout.split('\n')[0]!;
			expect(first).toMatch(
				new RegExp(`^xx drop \\(Policy denied\\) flow 0x[0-9a-f]+ to endpoint 0, ifindex \\d+, file bpf_lxc\\.c:\\d+, , identity ${clientIdentity}->${webIdentity}: ${curlIp.replaceAll('.', '\\.')}:\\d+ -> ${webIp.replaceAll('.', '\\.')}:80 tcp SYN$`),
			);
		} finally {
			monitor.kill('SIGTERM');
			await monitor;
		}
	});

	it('bpf policy get: the client\'s policy map (ingress open, egress DNS to kube-dns on 53 TCP and UDP through the DNS proxy), -n, --all, and the errors of an unknown id — cilium-dbg/cmd/bpf_policy_get.go, pkg/maps/policymap/policymap.go, pkg/policy @v1.16.4', async () => {
		const client = endpointRow((await dbg(agent, 'endpoint', 'list')).stdout, 'k8s:app=client');
		expect(client).toBeDefined();
		const id = client![0]!;
		const result = await dbg(agent, 'bpf', 'policy', 'get', id);
		expect(result.code).toBe(0);
		const lines = result.stdout.split('\n');
		expect(lines[0]).toMatch(/^POLICY {3}DIRECTION {3}LABELS \(source:key\[=value\]\) +PORT\/PROTO {3}PROXY PORT {3}AUTH TYPE {3}BYTES {3}PACKETS {3}PREFIX {3}$/);
		expect(lines[1]).toMatch(/^Allow {4}Ingress {5}reserved:unknown +ANY {10}NONE {9}disabled {4}0 {7}0 {9}0 {8}$/);
		// The localhost allow every endpoint but the host's carries (pkg/policy/resolve.go DistillPolicy).
		expect(lines[2]).toMatch(/^Allow {4}Ingress {5}reserved:host +ANY {10}NONE {9}disabled {4}0 {7}0 {9}0 {8}$/);
		const tcp = lines.findIndex((line) => /^Allow {4}Egress {6}k8s:\S+ +53\/TCP {7}\d+ +disabled/.test(line));
		const udp = lines.findIndex((line) => /^Allow {4}Egress {6}k8s:\S+ +53\/UDP {7}\d+ +disabled/.test(line));
		expect(tcp).toBeGreaterThan(1);
		expect(udp).toBeGreaterThan(tcp);
		// The identity's other labels follow the entry's row, one per line, in the LABELS column only.
		expect(lines[tcp + 1]).toMatch(/^ {21}k8s:\S+ +$/);
		expect(lines.some((line) => line.includes('k8s:k8s-app=kube-dns'))).toBe(true);
		const proxyPort = (line: string) => Number(line.split(/ {3,}/)[4]);
		expect(proxyPort(lines[tcp]!)).toBe(proxyPort(lines[udp]!));
		// The DNS proxy binds port 0: the kernel's ephemeral range (cilium/cilium#30552 shows 41873 on a live agent).
		expect(proxyPort(lines[tcp]!)).toBeGreaterThanOrEqual(32768);
		expect(proxyPort(lines[tcp]!)).toBeLessThanOrEqual(60999);
		// No allow to anything else on egress: the policy's default deny is the absence of entries.
		expect(lines.filter((line) => /^Allow +Egress/.test(line))).toHaveLength(2);
		expect(result.stderr).toContain('BYTES and PACKETS are shown as 0');

		const numeric = await dbg(agent, 'bpf', 'policy', 'get', '-n', id);
		expect(numeric.code).toBe(0);
		expect(numeric.stdout.split('\n')[0]).toBe('POLICY   DIRECTION   IDENTITY   PORT/PROTO   PROXY PORT   AUTH TYPE   BYTES   PACKETS   PREFIX   ');
		expect(numeric.stdout).toMatch(/\nAllow {4}Ingress {5}0 +ANY +NONE +disabled +0 +0 +0 +\nAllow {4}Ingress {5}1 +ANY +NONE +disabled +0 +0 +0 +\n/);
		expect(numeric.stdout).toMatch(new RegExp(`\\nAllow {4}Egress {6}\\d+ +53/UDP +${proxyPort(lines[udp]!)} +disabled +0 +0 +24 +(\\n|$)`));

		const web = endpointRow((await dbg(agent, 'endpoint', 'list')).stdout, 'k8s:app=web');
		const all = await dbg(agent, 'bpf', 'policy', 'get', '--all');
		expect(all.code).toBe(0);
		expect(all.stdout).toContain(`Endpoint ID: ${id}\nPath: /sys/fs/bpf/tc/globals/cilium_policy_${id.padStart(5, '0')}\n\nPOLICY `);
		// The web pod has no policy: one allow-all entry per direction, and the localhost allow.
		const webMap = all.stdout.split(`Endpoint ID: ${web![0]}\n`)[1]!.split('\n\n\n')[0]!;
		expect(webMap.split('\n').filter((line) => /^Allow +(Ingress|Egress) +reserved:(unknown|host) +ANY +NONE +disabled +0 +0 +0 +$/.test(line))).toHaveLength(3);

		const unknown = await dbg(agent, 'bpf', 'policy', 'get', '65000');
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('Error: Failed to open map: no such file or directory\n');
		const bad = await dbg(agent, 'bpf', 'policy', 'get', 'web');
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain('Error: Cannot parse endpoint id "web": strconv.ParseUint: parsing "web": invalid syntax');
		const missing = await dbg(agent, 'bpf', 'policy', 'get');
		expect(missing.code).toBe(1);
		expect(missing.stderr).toContain('Error: Missing endpoint id argument');
	});

	it('--help and a mistyped subcommand answer as cobra does; what is not simulated says so — cilium-dbg/cmd/root.go, spf13/cobra command.go', async () => {
		const help = await dbg(agent, '--help');
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('Usage:\n  cilium-dbg [command]\n\nAvailable Commands:\n');
		expect(help.stdout).toContain('\n  status       Display status of daemon\n');
		const typo = await dbg(agent, 'statsu');
		expect(typo.code).toBe(1);
		expect(typo.stderr).toContain('Error: unknown command "statsu" for "cilium-dbg"\n\nDid you mean this?\n\tstatus\n\nRun \'cilium-dbg --help\' for usage.');
		const refused = await dbg(agent, 'bpf', 'ct', 'list', 'global');
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('cilium-dbg bpf ct list global: not simulated by the practice cluster');
		const badType = await dbg(agent, 'monitor', '--type', 'drops');
		expect(badType.code).toBe(1);
		expect(badType.stderr).toContain('invalid argument "drops" for "-t, --type" flag: Unknown type (drops)');
	});
});
