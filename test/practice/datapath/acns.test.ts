// AKS's managed Cilium with ACNS refuses a universal `*` in rules.dns matchPattern:
// learn.microsoft.com/azure/aks/how-to-apply-fqdn-filtering-policies, "Limitations" ("you can't use a universal
// wildcard (*) to match all domains on the field spec.egress.toPorts.rules.dns.matchPattern"; supported: `*.example.com`).
import {readFileSync} from 'node:fs';
import {parse} from 'yaml';
import {describe, expect, it} from 'vitest';
import {az} from '../../../src/practice/cloud/az.js';
import {acnsUnsupportedPatternCauses} from '../../../src/practice/datapath/acns.js';
import {registerPolicyValidators} from '../../../src/practice/datapath/index.js';
import type {KubeObject} from '../../../src/practice/types.js';
import {createHarness, type Harness} from '../tools/harness.js';

const policy = (file: string) => ({...(parse(readFileSync(new URL(`../../../assets/policies/${file}`, import.meta.url), 'utf8')) as KubeObject), metadata: {name: 'allow-dns', namespace: 'demo'}});

async function cluster(networkArgs: string[]): Promise<Harness> {
	const harness = createHarness();
	expect((await harness.run(az, ['login'])).code).toBe(0);
	expect((await harness.run(az, ['group', 'create', '-n', 'yj-rg', '-l', 'koreacentral'])).code).toBe(0);
	expect((await harness.run(az, ['aks', 'create', '-g', 'yj-rg', '-n', 'yj-aks', ...networkArgs, '--generate-ssh-keys'])).code).toBe(0);
	harness.store.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'demo'}});
	registerPolicyValidators(harness.ctx);
	return harness;
}

describe('ACNS refuses a universal DNS matchPattern (how-to-apply-fqdn-filtering-policies, Limitations)', () => {
	it('names the document\'s allow-dns "*" and accepts the page\'s leading-wildcard form', () => {
		expect(acnsUnsupportedPatternCauses(policy('allow-dns.yaml'))).toEqual([
			expect.objectContaining({reason: 'FieldValueForbidden', field: 'spec.egress[0].toPorts[0].rules.dns[0].matchPattern', message: expect.stringContaining('universal wildcard "*" is not supported')}),
		]);
		expect(acnsUnsupportedPatternCauses(policy('allow-dns.acns.yaml'))).toEqual([]);
		expect(acnsUnsupportedPatternCauses({spec: {egress: [{toPorts: [{rules: {dns: [{matchPattern: '*.example.com'}, {matchPattern: 'app*.example.com'}]}}]}]}})).toEqual([]);
	});

	it('the managed Cilium refuses it at apply; a BYOCNI cluster (upstream Cilium) stores it', async () => {
		const managed = await cluster(['--network-plugin', 'azure', '--network-plugin-mode', 'overlay', '--network-dataplane', 'cilium']);
		expect(() => managed.store.apply(policy('allow-dns.yaml'))).toThrow(/allow-dns.*rules\.dns\[0\]\.matchPattern: Forbidden: the universal wildcard "\*" is not supported by Advanced Container Networking Services/);
		expect(managed.store.get('cilium.io/v2', 'CiliumNetworkPolicy', 'demo', 'allow-dns')).toBeUndefined();
		managed.store.apply(policy('allow-dns.acns.yaml'));
		expect(managed.store.get('cilium.io/v2', 'CiliumNetworkPolicy', 'demo', 'allow-dns')).toBeDefined();

		const byocni = await cluster(['--network-plugin', 'none']);
		const {registerCiliumCrds} = await import('../../../src/practice/cloud/operator.js');
		registerCiliumCrds(byocni.ctx, {});
		byocni.store.apply(policy('allow-dns.yaml'));
		expect(byocni.store.get('cilium.io/v2', 'CiliumNetworkPolicy', 'demo', 'allow-dns')).toBeDefined();
	});
});
