// Conformance table: validation as the API server does it, probed with the real kubectl (k8s track, instant speed).
// Sources: kubectl ≥1.27 sends fieldValidation=Strict unless --validate=warn|ignore|false (k8s.io/kubectl
// pkg/cmd/util/helpers.go GetValidationDirective @v1.30.6); the API server answers unknown fields with
// runtime.strictDecodingError ("strict decoding error: unknown field …", k8s.io/apimachinery pkg/runtime/error.go)
// wrapped by transformDecodeError ("KIND in version "V" cannot be handled as a KIND: …",
// k8s.io/apiserver pkg/endpoints/handlers/rest.go), and under Warn returns each as a `Warning:` header; a CRD's
// unknown fields are found by structural pruning (k8s.io/apiextensions-apiserver pkg/apiserver/schema/pruning).
// The schemas: CiliumNetworkPolicy's of cilium/cilium pkg/k8s/apis/cilium.io/client/crds/v2 @v1.16.4, the built-in
// kinds' of Kubernetes' OpenAPI spec (src/practice/api/k8s-openapi.json). kubectl explain reads /openapi/v3.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {kubectlVersion} from '../../helpers/kubectl.js';
import {TestPractice} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-validation-', speed: 'instant', track: 'k8s'});
const {run} = practice;
const apply = (yaml: string, ...flags: string[]) => run('kubectl', ['apply', '-f', '-', ...flags], {input: yaml});

const cnp = (name: string, egress: string) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: ${name}
  namespace: demo
spec:
  endpointSelector:
    matchLabels:
      app: client
  egress:
${egress}`;

beforeAll(async () => {
	await practice.start();
	expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system'])).code).toBe(0);
	expect((await run('kubectl', ['create', 'ns', 'demo'])).code).toBe(0);
}, 180_000);

afterAll(() => practice.stop());

describe('strict field validation (conformance table)', () => {
	it('a toFQDN typo in a CiliumNetworkPolicy: kubectl apply (strict by default) is refused naming the field — apiserver rest.go transformDecodeError + strict decoding error', async () => {
		const result = await apply(cnp('typo', '  - toFQDN:\n    - matchName: example.com\n'));
		expect(result.stderr).toBe(
			'Error from server (BadRequest): error when creating "STDIN": CiliumNetworkPolicy in version "v2" cannot be handled as a CiliumNetworkPolicy: strict decoding error: unknown field "spec.egress[0].toFQDN"',
		);
		expect(result.code).toBe(1);
		expect((await run('kubectl', ['-n', 'demo', 'get', 'cnp', 'typo'])).code).toBe(1);
	});

	it('an egres: typo at spec level is named as spec.egres — structural pruning paths', async () => {
		const result = await apply(cnp('typo2', '  - toEndpoints: [{}]\n').replace('  egress:', '  egres:'));
		expect(result.stderr).toContain('strict decoding error: unknown field "spec.egres"');
		expect(result.code).toBe(1);
	});

	it('--validate=warn: created, the unknown field a Warning, and pruned from what is stored — FieldValidationWarn', async () => {
		const result = await apply(cnp('warned', '  - toFQDN:\n    - matchName: example.com\n    toPorts:\n    - ports:\n      - port: "443"\n'), '--validate=warn');
		expect(result.stderr).toBe('Warning: unknown field "spec.egress[0].toFQDN"');
		expect(result.stdout).toBe('ciliumnetworkpolicy.cilium.io/warned created');
		const stored = await run('kubectl', ['-n', 'demo', 'get', 'cnp', 'warned', '-o', 'jsonpath={.spec.egress}']);
		expect(JSON.parse(stored.stdout)).toEqual([{toPorts: [{ports: [{port: '443'}]}]}]);
	});

	it('--validate=false (fieldValidation=Ignore): created without a word, the field pruned', async () => {
		const result = await apply(cnp('ignored', '  - toFQDN:\n    - matchName: example.com\n'), '--validate=false');
		expect(result.stderr).toBe('');
		expect(result.stdout).toBe('ciliumnetworkpolicy.cilium.io/ignored created');
		const stored = await run('kubectl', ['-n', 'demo', 'get', 'cnp', 'ignored', '-o', 'jsonpath={.spec.egress}']);
		expect(JSON.parse(stored.stdout)).toEqual([{}]);
	});

	it('a field of a later Cilium (cidrGroupSelector, 1.17) is unknown to 1.16.4 — crds/v2/ciliumnetworkpolicies.yaml @v1.16.4', async () => {
		const result = await apply(cnp('later', '  - toCIDRSet:\n    - cidrGroupSelector:\n        matchLabels: {a: b}\n'));
		expect(result.stderr).toContain('unknown field "spec.egress[0].toCIDRSet[0].cidrGroupSelector"');
	});

	it('metadata is decoded strictly in a custom resource too: metadata.labelz — ObjectMeta', async () => {
		const result = await apply(cnp('meta', '  - toEndpoints: [{}]\n').replace('  namespace: demo\n', '  namespace: demo\n  labelz: {a: b}\n'));
		expect(result.stderr).toContain('CiliumNetworkPolicy in version "v2" cannot be handled as a CiliumNetworkPolicy: strict decoding error: unknown field "metadata.labelz"');
	});

	it('two unknown fields are both named, comma-separated — strictDecodingError.Error()', async () => {
		const result = await apply(cnp('two', '  - toFQDN: []\n    toPort: []\n'));
		expect(result.stderr).toContain('strict decoding error: unknown field "spec.egress[0].toFQDN", unknown field "spec.egress[0].toPort"');
	});

	it('a wrong type is a 422 with the schema\'s wording: toFQDNs as a string — kube-openapi validate errors', async () => {
		const result = await apply(cnp('typed', '  - toFQDNs: example.com\n'));
		expect(result.stderr).toContain('The CiliumNetworkPolicy "typed" is invalid: spec.egress[0].toFQDNs: Invalid value: "string": spec.egress[0].toFQDNs in body must be of type array: "string"');
		expect(result.code).toBe(1);
	});

	it('an operator outside the enum: Unsupported value with the supported values — crds/v2 LabelSelectorRequirement enum', async () => {
		const result = await apply(cnp('op', '  - toEndpoints:\n    - matchExpressions:\n      - {key: app, operator: Equals, values: [web]}\n'));
		expect(result.stderr).toContain('spec.egress[0].toEndpoints[0].matchExpressions[0].operator: Unsupported value: "Equals": supported values: "In", "NotIn", "Exists", "DoesNotExist"');
	});

	it('a ConfigMap with a key beside data: strict decoding error: unknown field "extra" — ConfigMap in version "v1"', async () => {
		const result = await apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: demo}\ndata: {a: b}\nextra: {c: d}\n');
		expect(result.stderr).toBe('Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "extra"');
	});

	it('a Pod container field typo is named with its index — Pod in version "v1"', async () => {
		const result = await apply('apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: demo}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    imagePullPolicyy: Always\n');
		expect(result.stderr).toBe('Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolicyy"');
	});

	it('a Deployment\'s pod template is checked as deep as it goes — apps/v1 Deployment', async () => {
		const yaml =
			'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: demo}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        port: 80\n';
		const result = await apply(yaml);
		expect(result.stderr).toContain('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].port"');
	});

	it('kubectl create -f is strict too, and --validate=warn creates with the Warning — kubectl create', async () => {
		const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm2, namespace: demo}\ndata: {a: b}\nextra: x\n';
		expect((await run('kubectl', ['create', '-f', '-'], {input: yaml})).stderr).toContain('strict decoding error: unknown field "extra"');
		const warned = await run('kubectl', ['create', '-f', '-', '--validate=warn'], {input: yaml});
		expect(warned.stderr).toBe('Warning: unknown field "extra"');
		expect(warned.stdout).toBe('configmap/cm2 created');
	});

	it('--dry-run=server is validated the same way and stores nothing — dryRun=All', async () => {
		const result = await apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry, namespace: demo}\nextra: x\n', '--dry-run=server');
		expect(result.stderr).toContain('strict decoding error: unknown field "extra"');
		expect((await run('kubectl', ['-n', 'demo', 'get', 'cm', 'dry'])).code).toBe(1);
	});

	it('kubectl 1.27 (the first with strict by default) gets the same refusal — KEP-2885 GA in 1.27', async () => {
		const result = await practice.run(kubectlVersion('1.27'), ['apply', '-f', '-'], {input: cnp('old', '  - toFQDN: []\n')});
		expect(result.stderr).toContain('strict decoding error: unknown field "spec.egress[0].toFQDN"');
	});
});

describe('kubectl explain (conformance table)', () => {
	it('explain cnp.spec.egress.toFQDNs: the field, its type and its fields from the CRD schema — kubectl explain (OpenAPI v3)', async () => {
		const result = await run('kubectl', ['explain', 'cnp.spec.egress.toFQDNs']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^GROUP:\s+cilium\.io\nKIND:\s+CiliumNetworkPolicy\nVERSION:\s+v2\n\nFIELD: toFQDNs <\[\]Object>\n/);
		expect(result.stdout).toContain('ToFQDN allows whitelisting DNS names in place of IPs.');
		expect(result.stdout).toContain('  matchName\t<string>\n    MatchName matches literal DNS names.');
		expect(result.stdout).toContain('  matchPattern\t<string>');
	});

	it('explain cnp.spec.egress.toFQDN (typo): the field does not exist — kubectl explain', async () => {
		const result = await run('kubectl', ['explain', 'cnp.spec.egress.toFQDN']);
		expect(result.stderr).toBe('error: field "toFQDN" does not exist');
		expect(result.code).toBe(1);
	});

	it('explain pod.spec.dnsPolicy: a built-in field from Kubernetes\' OpenAPI — kubectl explain', async () => {
		const result = await run('kubectl', ['explain', 'pod.spec.dnsPolicy']);
		expect(result.stdout).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n\nFIELD: dnsPolicy <string>\n/);
		expect(result.stdout).toContain('Set DNS policy for the pod. Defaults to "ClusterFirst".');
	});

	it('explain deployment.spec.replicas is an integer — apps/v1 DeploymentSpec', async () => {
		const result = await run('kubectl', ['explain', 'deployment.spec.replicas']);
		expect(result.stdout).toMatch(/GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n\nFIELD: replicas <integer>/);
	});

	it('explain ccnp.spec.nodeSelector: a clusterwide policy\'s node selector — crds/v2/ciliumclusterwidenetworkpolicies.yaml', async () => {
		const result = await run('kubectl', ['explain', 'ccnp.spec.nodeSelector']);
		expect(result.stdout).toMatch(/KIND:\s+CiliumClusterwideNetworkPolicy/);
		expect(result.stdout).toContain('NodeSelector selects all nodes which should be subject to this rule.');
		expect(result.stdout).toContain('  matchLabels\t<map[string]string>');
	});

	it('explain networkpolicy.spec.policyTypes and svc.spec lists the fields — networking.k8s.io/v1, core/v1', async () => {
		expect((await run('kubectl', ['explain', 'networkpolicy.spec.policyTypes'])).stdout).toContain('FIELD: policyTypes <[]string>');
		const svc = await run('kubectl', ['explain', 'svc.spec']);
		expect(svc.stdout).toContain('  clusterIP\t<string>');
		expect(svc.stdout).toContain('  type\t<string>');
	});
});
