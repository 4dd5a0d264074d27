// Conformance table: `cilium connectivity test` on the practice cluster (k8s track: three nodes, instant speed), against
// cilium-cli v0.16.21 (vendor/github.com/cilium/cilium/cilium-cli: connectivity/check/{context,test,action,logging,
// deployment,policy,result,features}.go, connectivity/builder/*.go and manifests/, cli/connectivity.go, defaults/defaults.go). The tests run
// the CLI's own curl/ping commands in the client pods through the simulated datapath, so a policy in the cluster
// breaks the tests it should break.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TestPractice, type ToolResult} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-connectivity-', speed: 'instant', track: 'k8s'});
const {run} = practice;
const ns = 'cilium-test-1';
let first: ToolResult;

const kubectl = (...args: string[]) => run('kubectl', args);
const connectivity = (...args: string[]) => run('cilium', ['connectivity', 'test', ...args]);
const apply = (yaml: string) => run('kubectl', ['apply', '-f', '-'], {input: yaml});

beforeAll(async () => {
	await practice.start();
	expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system'])).code).toBe(0);
	expect((await run('cilium', ['status', '--wait'])).code).toBe(0);
	first = await connectivity();
}, 240_000);

afterAll(() => practice.stop());

describe('cilium connectivity test: what it deploys (check/deployment.go deploy())', () => {
	it('creates the test namespace cilium-test-1 (--test-namespace "cilium-test" suffixed with -1, cli/connectivity.go) labelled app.kubernetes.io/name=cilium-cli (appLabels)', async () => {
		const result = await kubectl('get', 'ns', ns, '-o', 'jsonpath={.metadata.labels.app\\.kubernetes\\.io/name}');
		expect(result.stdout).toBe('cilium-cli');
	});

	it('logs the deployments in deploy()\'s order: namespace, echo-same-node service, DNS configmap, same-node, client, client2, client3, echo-other-node service, other-node', () => {
		const created = first.stdout.split('\n').filter((line) => line.startsWith('✨'));
		expect(created).toEqual([
			`✨ [practice] Creating namespace ${ns} for connectivity check...`,
			'✨ [practice] Deploying echo-same-node service...',
			'✨ [practice] Deploying DNS test server configmap...',
			'✨ [practice] Deploying same-node deployment...',
			'✨ [practice] Deploying client deployment...',
			'✨ [practice] Deploying client2 deployment...',
			'✨ [practice] Deploying client3 deployment...',
			'✨ [practice] Deploying echo-other-node service...',
			'✨ [practice] Deploying other-node deployment...',
		]);
	});

	it('waits for the deployments in deploymentList()\'s order: client, client2, echo-same-node, client3, echo-other-node (check/wait.go WaitForDeployment)', () => {
		const waits = first.stdout.split('\n').filter((line) => line.startsWith('⌛'));
		expect(waits).toEqual(['client', 'client2', 'echo-same-node', 'client3', 'echo-other-node'].map((name) => `⌛ [practice] Waiting for deployment ${ns}/${name} to become ready...`));
	});

	it('the five deployments are real objects kubectl lists, each 1/1 ready', async () => {
		const result = await kubectl('-n', ns, 'get', 'deploy', '--no-headers', '-o', 'custom-columns=NAME:.metadata.name,READY:.status.readyReplicas');
		expect(result.stdout.split('\n').map((line) => line.split(/\s+/).join(' '))).toEqual(['client 1', 'client2 1', 'client3 1', 'echo-other-node 1', 'echo-same-node 1']);
	});

	it('client pods run /usr/bin/pause in quay.io/cilium/alpine-curl:v1.10.0 (defaults.ConnectivityCheckAlpineCurlImage), the container named after the deployment', async () => {
		const result = await kubectl('-n', ns, 'get', 'pods', '-l', 'name=client', '-o', 'jsonpath={.items[0].spec.containers[0].name} {.items[0].spec.containers[0].image} {.items[0].spec.containers[0].command[0]}');
		expect(result.stdout).toBe('client quay.io/cilium/alpine-curl:v1.10.0@sha256:913e8c9f3d960dde03882defa0edd3a919d529c2eb167caa7f54194528bde364 /usr/bin/pause');
	});

	it('echo pods carry json-mock:v1.3.8 on 8080 (named port http-8080) and the dns-test-server CoreDNS 1.12.0 container (newDeploymentWithDNSTestServer)', async () => {
		const result = await kubectl('-n', ns, 'get', 'pods', '-l', 'name=echo-same-node', '-o', 'jsonpath={range .items[0].spec.containers[*]}{.name}={.image}{"\\n"}{end}');
		expect(result.stdout.split('\n')).toEqual([
			'echo-same-node=quay.io/cilium/json-mock:v1.3.8@sha256:5aad04835eda9025fe4561ad31be77fd55309af8158ca8663a72f6abb78c2603',
			'dns-test-server=docker.io/coredns/coredns:1.12.0@sha256:40384aa1f5ea6bfdc77997d243aec73da05f27aed0c5e9d65bfa98933c519d97',
		]);
		const port = await kubectl('-n', ns, 'get', 'pods', '-l', 'name=echo-same-node', '-o', 'jsonpath={.items[0].spec.containers[0].ports[0].name}:{.items[0].spec.containers[0].ports[0].containerPort}');
		expect(port.stdout).toBe('http-8080:8080');
	});

	it('echo-same-node and client2 land on client\'s node (podAffinity name In [client], topology kubernetes.io/hostname); echo-other-node and client3 on another (podAntiAffinity)', async () => {
		const nodeOf = async (name: string) => (await kubectl('-n', ns, 'get', 'pods', '-l', `name=${name}`, '-o', 'jsonpath={.items[0].spec.nodeName}')).stdout;
		const clientNode = await nodeOf('client');
		expect(clientNode).not.toBe('');
		expect(await nodeOf('echo-same-node')).toBe(clientNode);
		expect(await nodeOf('client2')).toBe(clientNode);
		expect(await nodeOf('echo-other-node')).not.toBe(clientNode);
		expect(await nodeOf('client3')).not.toBe(clientNode);
	});

	it('echo Services are NodePort on 8080 named http, labelled kind=echo (newService, serviceLabels)', async () => {
		const result = await kubectl('-n', ns, 'get', 'svc', '-l', 'kind=echo', '--no-headers', '-o', 'custom-columns=NAME:.metadata.name,TYPE:.spec.type,PORT:.spec.ports[0].port,PNAME:.spec.ports[0].name');
		expect(result.stdout.split('\n').map((line) => line.split(/\s+/).join(' '))).toEqual(['echo-other-node NodePort 8080 http', 'echo-same-node NodePort 8080 http']);
	});

	it('the DNS test server\'s configmap coredns-configmap holds its Corefile (local, ready, log)', async () => {
		const result = await kubectl('-n', ns, 'get', 'cm', 'coredns-configmap', '-o', 'jsonpath={.data.Corefile}');
		expect(result.stdout.replace(/\s+/g, ' ')).toBe('. { local ready log }');
	});

	it('a second run finds the workloads and deploys nothing again (deploy() creates only what GetX does not find)', async () => {
		const again = await connectivity('--test', '^client-egress/');
		expect(again.code).toBe(0);
		expect(again.stdout).not.toContain('✨');
	});
});

describe('cilium connectivity test: output (check/context.go, check/test.go, check/logging.go)', () => {
	it('the first line says what the practice cluster runs and names what it does not; no "simulated from Cilium\'s state"', () => {
		expect(first.stdout.split('\n')[0]).toMatch(/^ℹ️  cilium-lab practice cluster: each test below runs cilium-cli's own commands \(curl, ping\) in the test pods through the simulated datapath.*not simulated: /);
		expect(first.stdout).not.toContain("simulated from Cilium's state");
	});

	it('without hubble-relay: "🔭 Enabling Hubble telescope..." then the Unable to contact Hubble Relay warning (enableHubbleClient)', () => {
		expect(first.stdout).toContain('🔭 Enabling Hubble telescope...\n⚠️  Unable to contact Hubble Relay, disabling Hubble telescope and flow validation: ');
	});

	it('"ℹ️  Cilium version: 1.16.4" then "🏃[cilium-test-1] Running 30 tests ...": the tests of builder.go concurrentTests() the practice cluster runs (suite.go Run, PrintTestInfo)', () => {
		expect(first.stdout).toContain(`ℹ️  Cilium version: 1.16.4\n🏃[${ns}] Running 30 tests ...\n`);
	});

	it('each test: "[=] [cilium-test-1] Test [name] [i/N]", one progress dot per action, a newline at its end (Test.Run, Action.Run)', () => {
		expect(first.stdout).toContain(`[=] [${ns}] Test [no-policies] [1/30]\n${'.'.repeat(33)}\n[=] [${ns}] Test [allow-all-except-world] [2/30]\n`);
	});

	it('no-policies has 33 actions on three nodes: pod-to-pod 3×2, client-to-client 3×2, pod-to-service 3×2, pod-to-world 3×3, pod-to-cidr 2×3 (connectivity/tests)', () => {
		const dots = first.stdout.split(`[=] [${ns}] Test [no-policies] [1/30]\n`)[1]!.split('\n')[0];
		expect(dots).toBe('.'.repeat(33));
	});

	it('all pass on a cluster without policies: "✅ [cilium-test-1] All 30 tests (290 actions) successful, 0 tests skipped, 0 scenarios skipped." after a blank line, exit 0 (report())', () => {
		expect(first.code).toBe(0);
		expect(first.stdout.endsWith(`\n\n✅ [${ns}] All 30 tests (290 actions) successful, 0 tests skipped, 0 scenarios skipped.`)).toBe(true);
	});

	it('the tests\' own policies are gone afterwards (Test.deletePolicies)', async () => {
		const result = await kubectl('-n', ns, 'get', 'cnp', '--no-headers');
		expect(result.stderr).toBe(`No resources found in ${ns} namespace.`);
	});

	it('an unknown flag is cobra\'s error, exit 1', async () => {
		const result = await connectivity('--no-such-flag');
		expect(result.code).toBe(1);
		expect(result.stderr).toBe('Error: unknown flag: --no-such-flag');
	});

	it('an invalid --test regular expression is refused before anything runs: "test filter: …", exit 1 (cli/connectivity.go regexp.Compile)', async () => {
		const result = await connectivity('--test', '(');
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/^Error: test filter: error parsing regexp: /);
		expect(result.stdout).toBe('');
	});

	it('--connect-timeout takes a Go duration; a bad one is pflag\'s error', async () => {
		const result = await connectivity('--connect-timeout', 'soon');
		expect(result.code).toBe(1);
		expect(result.stderr).toBe('Error: invalid argument "soon" for "--connect-timeout" flag: time: invalid duration "soon"');
	});
});

describe('cilium connectivity test --test (Parameters.testEnabled, check/check.go; willRun, check/test.go)', () => {
	it('--test no-policies runs the tests whose scenarios match; the others print "Skipping test [...] (skipped by user)"', async () => {
		const result = await connectivity('--test', 'no-policies');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(`[=] [${ns}] Test [no-policies] [1/30]\n`);
		expect(result.stdout).toContain(`[=] [${ns}] Skipping test [allow-all-except-world] [2/30] (skipped by user)\n`);
		expect(result.stdout.endsWith(`✅ [${ns}] All 1 tests (33 actions) successful, 29 tests skipped, 0 scenarios skipped.`)).toBe(true);
	});

	it('"!" negates: --test \'!no-policies\' skips only that test', async () => {
		const result = await connectivity('--test', '!no-policies');
		expect(result.stdout).toContain(`[=] [${ns}] Skipping test [no-policies] [1/30] (skipped by user)\n`);
		expect(result.stdout.endsWith(`✅ [${ns}] All 29 tests (257 actions) successful, 1 tests skipped, 0 scenarios skipped.`)).toBe(true);
	});

	it('filters are regular expressions on "test/scenario": --test /pod-to-cidr runs that scenario only, the other scenarios count as skipped', async () => {
		const result = await connectivity('--test', '/pod-to-cidr');
		expect(result.code).toBe(0);
		// The eight tests with a pod-to-cidr scenario run it (2 addresses × 3 clients each); no-policies' 4 other scenarios and
		// the second scenario of all-ingress-deny, all-ingress-deny-knp and all-entities-deny are skipped.
		expect(result.stdout.endsWith(`✅ [${ns}] All 8 tests (48 actions) successful, 22 tests skipped, 7 scenarios skipped.`)).toBe(true);
	});

	it('a filter matches "test/scenario", so a $ after the test name matches nothing: --test \'client-egress$\' skips every test', async () => {
		const result = await connectivity('--test', 'client-egress$');
		expect(result.code).toBe(0);
		expect(result.stdout.endsWith(`✅ [${ns}] All 0 tests (0 actions) successful, 30 tests skipped, 0 scenarios skipped.`)).toBe(true);
	});

	it('--test is a string slice: comma-separated filters add up (pflag StringSliceVar)', async () => {
		const result = await connectivity('--test', 'echo-ingress,^client-egress/');
		// echo-ingress, echo-ingress-knp, echo-ingress-from-other-client-deny and client-egress.
		expect(result.stdout.endsWith(`✅ [${ns}] All 4 tests (28 actions) successful, 26 tests skipped, 0 scenarios skipped.`)).toBe(true);
	});

	it('--test client-egress is unanchored: it also runs client-egress-to-echo-deny', async () => {
		const result = await connectivity('--test', 'client-egress');
		expect(result.stdout).toContain(`[=] [${ns}] Test [client-egress] [13/30]`);
		expect(result.stdout).toContain(`[=] [${ns}] Test [client-egress-to-echo-deny] [23/30]`);
	});

	it('--test-namespace demo-ct deploys in demo-ct-1', async () => {
		const result = await connectivity('--test-namespace', 'demo-ct', '--test', '^client-egress/');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('✨ [practice] Creating namespace demo-ct-1 for connectivity check...');
		expect(result.stdout).toContain('[=] [demo-ct-1] Test [client-egress] [13/30]');
		expect((await kubectl('delete', 'ns', 'demo-ct-1')).code).toBe(0);
	});
});

describe('cilium connectivity test under the cluster\'s own policies (the datapath decides)', () => {
	it('a default-deny ingress policy in cilium-test-1 fails no-policies: the buffered log is shown, the report lists the failed actions, exit 1', async () => {
		expect(
			(
				await apply(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: lockdown, namespace: ${ns}}
spec:
  endpointSelector: {}
  ingress: [{}]
`)
			).code,
		).toBe(0);
		const result = await connectivity('--test', 'no-policies');
		expect((await kubectl('-n', ns, 'delete', 'cnp', 'lockdown')).code).toBe(0);
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(`Error: [${ns}] 1 tests failed`);
		expect(result.stdout).toContain(`\n📋 Test Report [${ns}]\n❌ 1/1 tests failed (`);
		expect(result.stdout).toMatch(/\nTest \[no-policies\]:\n {2}❌ no-policies\/pod-to-pod\/curl-ipv4-0: cilium-test-1\/client-\S+ \(10\.\d+\.\d+\.\d+\) -> cilium-test-1\/echo-\S+ \(10\.\d+\.\d+\.\d+:8080\)\n/);
		// The pods' egress to the world is not affected: pod-to-cidr is not in the report.
		expect(result.stdout.split('📋 Test Report')[1]).not.toContain('pod-to-cidr');
	});

	it('a failed action shows its command, curl\'s exit code 28 and stderr as Action.ExecInPod does ("command %q failed: %s", then stdout/stderr)', async () => {
		await apply(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: lockdown, namespace: ${ns}}
spec:
  endpointSelector: {}
  ingress: [{}]
`);
		const result = await connectivity('--test', 'no-policies/pod-to-pod');
		await kubectl('-n', ns, 'delete', 'cnp', 'lockdown');
		expect(result.stdout).toMatch(
			/ {2}\[-\] Scenario \[no-policies\/pod-to-pod\]\n {2}\[\.\] Action \[no-policies\/pod-to-pod\/curl-ipv4-0: [^\]]+\]\n {2}❌ command "curl -w %\{local_ip\}:%\{local_port\} -> %\{remote_ip\}:%\{remote_port\} = %\{response_code\} --silent --fail --show-error --output \/dev\/null --connect-timeout 2 --max-time 10 http:\/\/10\.\d+\.\d+\.\d+:8080" failed: command terminated with exit code 28\n {2}ℹ️ {2}curl stdout:\n {2}:0 -> :0 = 000\n {2}ℹ️ {2}curl stderr:\n {2}curl: \(28\) /,
		);
	});

	it('a clusterwide policy that allows egress only inside the cluster fails pod-to-world and pod-to-cidr, and not pod-to-pod', async () => {
		expect(
			(
				await apply(`apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: no-world}
spec:
  endpointSelector: {}
  egress:
  - toEntities: [cluster]
`)
			).code,
		).toBe(0);
		const result = await connectivity('--test', 'no-policies');
		await kubectl('delete', 'ccnp', 'no-world');
		expect(result.code).toBe(1);
		const report = result.stdout.split('📋 Test Report')[1]!;
		expect(report).toContain('no-policies/pod-to-cidr/external-1111-0');
		expect(report).toContain('no-policies/pod-to-world/http-to-one.one.one.one.-0');
		expect(report).not.toContain('pod-to-pod');
		expect(report).not.toContain('pod-to-service');
	});

	it('tests that expect drops still pass under a policy that drops: all-ingress-deny with the cluster locked down', async () => {
		await apply(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: lockdown, namespace: ${ns}}
spec:
  endpointSelector: {}
  ingress: [{}]
`);
		const result = await connectivity('--test', 'all-ingress-deny');
		await kubectl('-n', ns, 'delete', 'cnp', 'lockdown');
		expect(result.code).toBe(0);
		// --test all-ingress-deny also runs all-ingress-deny-knp.
		expect(result.stdout.endsWith(`✅ [${ns}] All 2 tests (24 actions) successful, 28 tests skipped, 0 scenarios skipped.`)).toBe(true);
	});

	it('an egress deny from the clients to echo on 8080 fails client-egress; the expected-drop test client-egress-to-echo-deny still passes', async () => {
		await apply(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: no-echo, namespace: ${ns}}
spec:
  endpointSelector: {matchLabels: {kind: client}}
  egressDeny:
  - toEndpoints: [{matchLabels: {kind: echo}}]
    toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
`);
		const result = await connectivity('--test', 'client-egress');
		await kubectl('-n', ns, 'delete', 'cnp', 'no-echo');
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('Test [client-egress]:\n');
		expect(result.stdout).not.toContain('Test [client-egress-to-echo-deny]:');
	});

	it('the KNP variants apply their manifests as NetworkPolicy objects (policy.go: "📜 Applying %s \'%s\' to namespace…" with the object\'s kind)', async () => {
		const result = await connectivity('--test', '^client-ingress-knp/', '-v');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(`  ℹ️  📜 Applying NetworkPolicy 'client-ingress-from-client2' to namespace '${ns}' on cluster practice..\n`);
		expect(result.stdout).toContain(`  ℹ️  📜 Deleting NetworkPolicy 'client-ingress-from-client2' in namespace '${ns}' on cluster practice..\n`);
		expect(result.stdout.endsWith(`✅ [${ns}] All 1 tests (6 actions) successful, 29 tests skipped, 0 scenarios skipped.`)).toBe(true);
	});

	it('an ingress deny from client2 (other=client) into the clients fails client-ingress and client-ingress-knp, which expect client2 to get in', async () => {
		await apply(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: no-client2, namespace: ${ns}}
spec:
  endpointSelector: {matchLabels: {kind: client}}
  ingressDeny:
  - fromEndpoints: [{matchLabels: {other: client}}]
`);
		const result = await connectivity('--test', '^client-ingress');
		await kubectl('-n', ns, 'delete', 'cnp', 'no-client2');
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(`Error: [${ns}] 2 tests failed`);
		expect(result.stdout).toMatch(/\nTest \[client-ingress\]:\n {2}❌ client-ingress\/client-to-client\/ping-ipv4-\d+: cilium-test-1\/client2-/);
		expect(result.stdout).toContain('\nTest [client-ingress-knp]:\n');
	});

	it('the CIDR policies are rendered from the flags (renderTemplates): with --external-cidr 8.8.8.0/24 the allowed 1.1.1.1 falls outside it and to-cidr-external fails', async () => {
		const result = await connectivity('--test', '^to-cidr-external/', '--external-cidr', '8.8.8.0/24');
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('to-cidr-external/pod-to-cidr/external-1111-0');
		expect(result.stdout.split('📋 Test Report')[1]).not.toContain('external-1001');
	});

	it('after the policies are removed the same tests pass again', async () => {
		const result = await connectivity('--test', 'no-policies');
		expect(result.code).toBe(0);
	});

	it('without the L7 proxy (enable-l7-proxy false, as on AKS\'s managed Cilium without ACNS) dns-only and to-fqdns are skipped: "(Feature l7-proxy is disabled)" (Test.willRun, features.MatchRequirements)', async () => {
		const patch = (value: string) => kubectl('-n', 'kube-system', 'patch', 'cm', 'cilium-config', '--type', 'merge', '-p', JSON.stringify({data: {'enable-l7-proxy': value}}));
		expect((await patch('false')).code).toBe(0);
		const result = await connectivity('--test', 'dns-only,to-fqdns');
		expect((await patch('true')).code).toBe(0);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(`[=] [${ns}] Skipping test [dns-only] [29/30] (Feature l7-proxy is disabled)\n[=] [${ns}] Skipping test [to-fqdns] [30/30] (Feature l7-proxy is disabled)\n`);
		expect(result.stdout.endsWith(`✅ [${ns}] All 0 tests (0 actions) successful, 30 tests skipped, 0 scenarios skipped.`)).toBe(true);
	});
});
