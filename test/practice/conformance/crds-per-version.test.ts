// Conformance: the CRDs each Cilium release's operator registers, and validation against their real schemas, probed
// with the real kubectl (k8s track, instant speed). Sources, cilium/cilium at the tag each assets/crds file names
// (scripts/gen-cilium-crds.mjs): pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml @ v1.16.4 and
// @ v1.20.0-pre.3 (the newest v1.20 tag in the stored sources); pkg/k8s/synced/crd.go (the names) and
// pkg/k8s/apis/cilium.io/register.go (CustomResourceDefinitionSchemaVersion, the io.cilium.k8s.crd.schema.version
// label) at the same tags; pkg/k8s/apis/crdhelpers (an operator updates CRDs whose schema version is older).
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TestPractice} from '../../helpers/practice.js';

const cnp = (name: string, spec: string) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: ${name}
  namespace: demo
spec:
  endpointSelector:
    matchLabels:
      app: client
${spec}`;

const LOGGED = '  log:\n    value: audit-egress\n  egress:\n  - toEntities: [world]\n';
const GENERIC_L7 = '  egress:\n  - toEndpoints: [{}]\n    toPorts:\n    - ports: [{port: "8080", protocol: TCP}]\n      rules:\n        l7proto: envoy.filters.network.redis_proxy\n';

async function installCilium(practice: TestPractice, version: string): Promise<void> {
	const {run} = practice;
	expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', version, '--namespace', 'kube-system'])).code).toBe(0);
	expect((await run('kubectl', ['create', 'ns', 'demo'])).code).toBe(0);
}

/** The operator registers its CRDs once a replica is Ready: bounded polling for the schema version label. */
async function crdSchemaVersion(practice: TestPractice, want?: string): Promise<string> {
	let seen = '';
	for (let attempt = 0; attempt < 50; attempt++) {
		const result = await practice.run('kubectl', ['get', 'crd', 'ciliumnetworkpolicies.cilium.io', '-o', 'jsonpath={.metadata.labels.io\\.cilium\\.k8s\\.crd\\.schema\\.version}']);
		seen = result.stdout;
		if (result.code === 0 && seen !== '' && (want === undefined || seen === want)) return seen;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return seen;
}

const crdNames = async (practice: TestPractice) =>
	(await practice.run('kubectl', ['get', 'crd', '-o', 'name'])).stdout
		.split('\n')
		.filter((line) => line.endsWith('.cilium.io'))
		.map((line) => line.replace('customresourcedefinition.apiextensions.k8s.io/', '').replace('.cilium.io', ''));

describe('Cilium 1.20.0 installed (crds @ v1.20.0-pre.3)', () => {
	const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-crds-120-', speed: 'instant', track: 'k8s'});
	const apply = (yaml: string, ...flags: string[]) => practice.run('kubectl', ['apply', '-f', '-', ...flags], {input: yaml});

	beforeAll(async () => {
		await practice.start();
		await installCilium(practice, '1.20.0');
		expect(await crdSchemaVersion(practice)).toBe('1.33.8');
	}, 180_000);
	afterAll(() => practice.stop());

	it('kubectl get crd: the 10 a default 1.20 operator registers, no CiliumExternalWorkload — synced/crd.go agentCRDResourceNames + AllCiliumCRDResourceNames', async () => {
		expect(await crdNames(practice)).toEqual([
			'ciliumcidrgroups',
			'ciliumclusterwidenetworkpolicies',
			'ciliumendpoints',
			'ciliumidentities',
			'ciliuml2announcementpolicies',
			'ciliumloadbalancerippools',
			'ciliumnetworkpolicies',
			'ciliumnodeconfigs',
			'ciliumnodes',
			'ciliumpodippools',
		]);
	});

	it('spec.log (added for 1.18, "policy/api: add LogConfig field") is accepted', async () => {
		const result = await apply(cnp('logged', LOGGED));
		expect(result.stderr).toBe('');
		expect(result.stdout).toBe('ciliumnetworkpolicy.cilium.io/logged created');
		expect((await practice.run('kubectl', ['-n', 'demo', 'get', 'cnp', 'logged', '-o', 'jsonpath={.spec.log.value}'])).stdout).toBe('audit-egress');
	});

	it('generic L7 rules (l7proto) are gone from the 1.20 CRD: strict decoding names the field — "policy: Remove generic L7 policy support"', async () => {
		const result = await apply(cnp('redis', GENERIC_L7));
		expect(result.stderr).toBe(
			'Error from server (BadRequest): error when creating "STDIN": CiliumNetworkPolicy in version "v2" cannot be handled as a CiliumNetworkPolicy: strict decoding error: unknown field "spec.egress[0].toPorts[0].rules.l7proto"',
		);
		expect(result.code).toBe(1);
	});

	it('--validate=warn: l7proto is pruned, and the rules left empty fail 1.20\'s oneOf (http or dns) — pruning before validation, kube-openapi oneOf wording', async () => {
		const result = await apply(cnp('redis-warned', GENERIC_L7), '--validate=warn');
		expect(result.stderr).toContain(
			'The CiliumNetworkPolicy "redis-warned" is invalid: \n* spec.egress[0].toPorts[0].rules: Invalid value: "object": spec.egress[0].toPorts[0].rules in body must validate one and only one schema (oneOf). Found none valid\n* spec.egress[0].toPorts[0].rules.http: Required value',
		);
		expect(result.code).toBe(1);
		expect((await practice.run('kubectl', ['-n', 'demo', 'get', 'cnp', 'redis-warned'])).code).toBe(1);
	});

	it('a policy with no rule is refused by the spec\'s anyOf (ingress, ingressDeny, egress, egressDeny), as kube-openapi words it', async () => {
		const result = await apply(cnp('ruleless', ''));
		expect(result.stderr).toBe('The CiliumNetworkPolicy "ruleless" is invalid: spec: Invalid value: "object": spec in body must validate at least one schema (anyOf)');
		expect(result.code).toBe(1);
	});

	it('kubectl get cnp has the VALID column of the 1.18+ CRD (additionalPrinterColumns .status.conditions[?(@.type==\'Valid\')].status)', async () => {
		let table = '';
		for (let attempt = 0; attempt < 50; attempt++) {
			table = (await practice.run('kubectl', ['-n', 'demo', 'get', 'cnp', 'logged'])).stdout;
			if (/\bTrue\b/.test(table)) break;
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		expect(table).toMatch(/^NAME\s+AGE\s+VALID\nlogged\s+\S+\s+True$/);
	});

	it('kubectl explain cnp.spec.log: the 1.20 CRD\'s own description', async () => {
		const result = await practice.run('kubectl', ['explain', 'cnp.spec.log']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/FIELD: log <Object>/);
		expect(result.stdout).toContain('  value\t<string>');
	});

	it('kubectl explain cnp.spec.egress.toFQDNs: the real description and fields', async () => {
		const result = await practice.run('kubectl', ['explain', 'cnp.spec.egress.toFQDNs']);
		expect(result.stdout).toMatch(/^GROUP:\s+cilium\.io\nKIND:\s+CiliumNetworkPolicy\nVERSION:\s+v2\n\nFIELD: toFQDNs <\[\]Object>\n/);
		expect(result.stdout).toContain('ToFQDN allows whitelisting DNS names in place of IPs.');
		expect(result.stdout).toContain('  matchPattern\t<string>');
	});
});

describe('Cilium 1.16.4 installed, then upgraded to 1.20.0 (crds @ v1.16.4, then @ v1.20.0-pre.3)', () => {
	const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-crds-116-', speed: 'instant', track: 'k8s'});
	const apply = (yaml: string, ...flags: string[]) => practice.run('kubectl', ['apply', '-f', '-', ...flags], {input: yaml});

	beforeAll(async () => {
		await practice.start();
		await installCilium(practice, '1.16.4');
		expect(await crdSchemaVersion(practice)).toBe('1.29.13');
	}, 180_000);
	afterAll(() => practice.stop());

	it('kubectl get crd: the 11 of a default 1.16 install, CiliumExternalWorkload among them', async () => {
		const names = await crdNames(practice);
		expect(names).toHaveLength(11);
		expect(names).toContain('ciliumexternalworkloads');
	});

	it('spec.log is unknown to 1.16.4: strict decoding error', async () => {
		const result = await apply(cnp('logged', LOGGED));
		expect(result.stderr).toContain('strict decoding error: unknown field "spec.log"');
		expect(result.code).toBe(1);
	});

	it('generic L7 (l7proto) is in the 1.16.4 CRD: the schema takes it, the practice cluster refuses it as not simulated', async () => {
		const result = await apply(cnp('redis', GENERIC_L7));
		expect(result.stderr).not.toContain('unknown field');
		expect(result.stderr).toContain('spec.egress[0].toPorts[0].rules.l7proto: Forbidden: L7 rules for the "envoy.filters.network.redis_proxy" parser are not simulated by the practice cluster');
	});

	it('a rule-less policy is stored by 1.16.4 (no anyOf in its spec)', async () => {
		const result = await apply(cnp('ruleless', ''));
		expect(result.stdout).toBe('ciliumnetworkpolicy.cilium.io/ruleless created');
	});

	it('helm upgrade to 1.20.0: its operator updates the CRDs (schema 1.29.13 → 1.33.8), spec.log is then accepted; CiliumExternalWorkload\'s CRD stays behind', async () => {
		const upgrade = await practice.run('helm', ['upgrade', 'cilium', 'cilium/cilium', '--version', '1.20.0', '--namespace', 'kube-system', '--reuse-values']);
		expect(upgrade.code).toBe(0);
		expect(await crdSchemaVersion(practice, '1.33.8')).toBe('1.33.8');
		const result = await apply(cnp('logged', LOGGED));
		expect(result.stdout).toBe('ciliumnetworkpolicy.cilium.io/logged created');
		expect(await crdNames(practice)).toContain('ciliumexternalworkloads');
	});
});
