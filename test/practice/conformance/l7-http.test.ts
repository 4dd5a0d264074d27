// Conformance table: L7 HTTP policy on the practice cluster, probed with the real kubectl (k8s track, instant speed).
// Each probe is a command as a learner types it, the output the real tools give, and the source that output follows.
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {repoRoot} from '../../helpers/build.js';
import {TestPractice} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-l7-', speed: 'instant', track: 'k8s'});
const {run} = practice;

// The HTTP policy of Cilium's Star Wars demo (examples/minikube/sw_l3_l4_l7_policy.yaml @v1.16.4), pointed at an nginx
// server: only GET / from app=client; port 80 with protocol TCP, as L7 rules require.
const L7_POLICY = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: web-l7
spec:
  endpointSelector:
    matchLabels:
      app: web
  ingress:
    - fromEndpoints:
        - matchLabels:
            app: client
      toPorts:
        - ports:
            - port: "80"
              protocol: TCP
          rules:
            http:
              - method: GET
                path: "/"
`;

const KAFKA_POLICY = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: kafka-topics
spec:
  endpointSelector:
    matchLabels:
      app: web
  ingress:
    - toPorts:
        - ports:
            - port: "9092"
              protocol: TCP
          rules:
            kafka:
              - role: produce
                topic: deathstar-plans
`;

interface Probe {
	/** What is checked, and the source file (at the taught version) the expected output follows. */
	name: string;
	source: string;
	command: [string, ...string[]];
	input?: string;
	code: number;
	stdout?: string | RegExp;
	stderr?: string | RegExp;
}

const exec = (pod: string, ...argv: string[]): [string, ...string[]] => ['kubectl', '-n', 'demo', 'exec', pod, '--', ...argv];
const lab = (...argv: string[]): [string, ...string[]] => [process.execPath, path.join(repoRoot, 'dist', 'cilium-lab.js'), ...argv];

const PROBES: Probe[] = [
	{name: 'the API server accepts the HTTP policy', source: 'kubectl apply (k8s.io/kubectl pkg/cmd/apply): "<resource>/<name> created"', command: ['kubectl', '-n', 'demo', 'apply', '-f', '-'], input: L7_POLICY, code: 0, stdout: 'ciliumnetworkpolicy.cilium.io/web-l7 created'},
	{name: 'GET / matches method and path: nginx answers through Envoy', source: 'pkg/envoy/server.go getHTTPRule @v1.16.4 (":method", ":path" regex headers)', command: exec('client', 'curl', '-s', 'http://web/'), code: 0, stdout: /<h1>Welcome to nginx!<\/h1>/},
	{name: 'Envoy overwrites the server header of the upstream answer', source: 'Envoy HttpConnectionManager server_header_transformation default OVERWRITE ("server: envoy")', command: exec('client', 'curl', '-s', '-i', 'http://web/'), code: 0, stdout: /^HTTP\/1\.1 200 OK\r\n[^]*\r\nserver: envoy\r\nx-envoy-upstream-service-time: \d+\r\n\r\n<!DOCTYPE html>/},
	{name: 'HEAD is another method: the rule allows only GET', source: 'pkg/envoy/server.go getHTTPRule @v1.16.4 (":method" regex, matched whole)', command: exec('client', 'curl', '-s', '-I', 'http://web/'), code: 0, stdout: /^HTTP\/1\.1 403 Forbidden\r\n/},
	{name: 'another path: 403 with the body "Access denied"', source: 'cilium/proxy cilium/l7policy.cc (local reply 403 "Access denied\\r\\n")', command: exec('client', 'curl', '-s', 'http://web/index.html'), code: 0, stdout: 'Access denied\r\n'},
	{name: 'the 403 as curl -i shows it', source: 'Envoy local reply headers (content-length, content-type text/plain, date, server envoy)', command: exec('client', 'curl', '-si', 'http://web/index.html'), code: 0, stdout: /^HTTP\/1\.1 403 Forbidden\r\ncontent-length: 15\r\ncontent-type: text\/plain\r\ndate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\nserver: envoy\r\n\r\nAccess denied$/},
	{name: 'the path regex matches the whole :path, query string included', source: 'Envoy HeaderMatcher safe_regex (RE2 full match) on ":path"', command: exec('client', 'curl', '-s', 'http://web/?page=1'), code: 0, stdout: 'Access denied\r\n'},
	{name: 'another method: 403', source: 'pkg/envoy/server.go getHTTPRule @v1.16.4 (":method" regex)', command: exec('client', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'DELETE', 'http://web/'), code: 0, stdout: '403'},
	{name: 'curl -f turns the 403 into exit 22', source: 'curl 8.11.1 lib/transfer.c (CURLE_HTTP_RETURNED_ERROR)', command: exec('client', 'curl', '-sSf', 'http://web/index.html'), code: 22, stderr: 'curl: (22) The requested URL returned error: 403\ncommand terminated with exit code 22'},
	{name: 'the rule\'s L3 part: a pod without app=client is dropped, not answered', source: 'pkg/policy/rule.go @v1.16.4 (fromEndpoints and toPorts ANDed); bpf/bpf_lxc.c drops silently', command: exec('other', 'curl', '-sS', '-m', '2', 'http://web/'), code: 28, stderr: 'curl: (28) Connection timed out after 2002 milliseconds\ncommand terminated with exit code 28'},
	{name: 'a Kafka rule is refused at apply, naming the rule', source: 'practice cluster rule: not simulated → refused with a non-zero exit (kubectl prints the apiserver Status)', command: ['kubectl', '-n', 'demo', 'apply', '-f', '-'], input: KAFKA_POLICY, code: 1, stderr: /The CiliumNetworkPolicy "kafka-topics" is invalid: spec\.ingress\[0\]\.toPorts\[0\]\.rules\.kafka: Forbidden: Kafka L7 rules are not simulated by the practice cluster \(only http and dns L7 rules are\)/},
	{name: 'policy explain shows Envoy\'s decision', source: 'the same engine (src/practice/datapath/engine.ts httpRequestDecision)', command: lab('policy', 'explain', '--from', 'demo/client', '--to', 'http://web/index.html'), code: 2, stdout: /HTTP: GET \/index\.html \(Host: web\) is denied by Envoy on the ingress of demo\/web[^]*\nVerdict: HTTP 403 from Envoy/},
	{name: 'policy explain: the allowed request names the rule', source: 'the same engine (src/practice/datapath/engine.ts httpRequestDecision)', command: lab('policy', 'explain', '--from', 'demo/client', '--to', 'http://web/'), code: 0, stdout: /passes Envoy on the ingress of demo\/web: CiliumNetworkPolicy demo\/web-l7 spec\.ingress\[0\] allows method: "GET", path: "\/"/},
];

beforeAll(async () => {
	await practice.start();
	expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system'])).code).toBe(0);
	expect((await run('kubectl', ['create', 'ns', 'demo'])).code).toBe(0);
	expect((await run('kubectl', ['run', 'web', '-n', 'demo', '--image=nginx', '--labels=app=web', '--port=80'])).code).toBe(0);
	expect((await run('kubectl', ['expose', 'pod', 'web', '-n', 'demo', '--port=80'])).code).toBe(0);
	for (const [name, labels] of [['client', 'app=client'], ['other', 'app=other']] as const) {
		expect((await run('kubectl', ['run', name, '-n', 'demo', '--image=alpine/curl', `--labels=${labels}`, '--command', '--', 'sleep', '365d'])).code).toBe(0);
	}
	expect((await run('kubectl', ['wait', '-n', 'demo', '--for=condition=Ready', 'pod/web', 'pod/client', 'pod/other', '--timeout=60s'])).code).toBe(0);
}, 180_000);

afterAll(() => practice.stop());

describe('L7 HTTP policy (conformance table)', () => {
	for (const probe of PROBES) {
		it(`${probe.name} — ${probe.source}`, async () => {
			const [command, ...args] = probe.command;
			const result = await run(command, args, {input: probe.input});
			// execa drops the final newline (\n or \r\n) of the output, as $(…) in a shell does.
			if (probe.stdout !== undefined) expect(result.stdout).toEqual(typeof probe.stdout === 'string' ? probe.stdout.replace(/\r?\n$/, '') : expect.stringMatching(probe.stdout));
			if (probe.stderr !== undefined) expect(result.stderr).toEqual(typeof probe.stderr === 'string' ? probe.stderr : expect.stringMatching(probe.stderr));
			expect(result.code).toBe(probe.code);
		});
	}

	it('Hubble in the web pod\'s agent: http-request FORWARDED / http-response, http-request DROPPED — hubble/pkg/printer/printer.go GetFlowType, pkg/hubble/parser/seven/http.go httpSummary', async () => {
		const node = (await run('kubectl', ['-n', 'demo', 'get', 'pod', 'web', '-o', 'jsonpath={.spec.nodeName}'])).stdout;
		const agent = (await run('kubectl', ['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=cilium', '--field-selector', `spec.nodeName=${node}`, '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
		const observed = await run('kubectl', ['-n', 'kube-system', 'exec', agent, '--', 'hubble', 'observe', '--namespace', 'demo', '--type', 'l7', '--last', '100']);
		expect(observed.code).toBe(0);
		const lines = observed.stdout.split('\n');
		expect(lines).toContainEqual(expect.stringMatching(/: demo\/client:\d+ \(ID:\d+\) -> demo\/web:80 \(ID:\d+\) http-request FORWARDED \(HTTP\/1\.1 GET http:\/\/web\/\)$/));
		expect(lines).toContainEqual(expect.stringMatching(/: demo\/client:\d+ \(ID:\d+\) <- demo\/web:80 \(ID:\d+\) http-response FORWARDED \(HTTP\/1\.1 200 \d+ms \(GET http:\/\/web\/\)\)$/));
		expect(lines).toContainEqual(expect.stringMatching(/: demo\/client:\d+ \(ID:\d+\) -> demo\/web:80 \(ID:\d+\) http-request DROPPED \(HTTP\/1\.1 GET http:\/\/web\/index\.html\)$/));
		const json = await run('kubectl', ['-n', 'kube-system', 'exec', agent, '--', 'hubble', 'observe', '--namespace', 'demo', '--protocol', 'http', '--verdict', 'DROPPED', '-o', 'json', '--last', '1']);
		// The last denied request of the table: curl -sSf http://web/index.html.
		expect(JSON.parse(json.stdout).flow).toMatchObject({verdict: 'DROPPED', Type: 'L7', traffic_direction: 'INGRESS', event_type: {type: 129}, l7: {type: 'REQUEST', http: {method: 'GET', url: 'http://web/index.html', protocol: 'HTTP/1.1'}}});
		expect(JSON.parse(json.stdout).flow.drop_reason_desc).toBeUndefined();
	});

	it('the refused Kafka policy leaves a Warning event naming the rule — kubectl get events', async () => {
		let events = '';
		for (let attempt = 0; attempt < 50 && !events.includes('NotSimulated'); attempt++) {
			events = (await run('kubectl', ['-n', 'demo', 'get', 'events', '--field-selector', 'reason=NotSimulated', '-o', 'custom-columns=TYPE:.type,OBJECT:.involvedObject.name,MESSAGE:.message', '--no-headers'])).stdout;
		}
		expect(events).toMatch(/^Warning\s+kafka-topics\s+spec\.ingress\[0\]\.toPorts\[0\]\.rules\.kafka: Kafka L7 rules are not simulated by the practice cluster \(only http and dns L7 rules are\): the policy was refused$/m);
		expect((await run('kubectl', ['-n', 'demo', 'get', 'cnp', 'kafka-topics'])).code).toBe(1);
	});
});
