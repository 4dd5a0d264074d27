// The real CRDs of each offered Cilium release (assets/crds/<version>.json.gz, scripts/gen-cilium-crds.mjs) and what
// the operator of each release registers. Sources: cilium/cilium pkg/k8s/apis/cilium.io/client/crds/{v2,v2alpha1}/*.yaml,
// pkg/k8s/synced/crd.go (agentCRDResourceNames, AllCiliumCRDResourceNames) and pkg/k8s/apis/cilium.io/register.go
// (CustomResourceDefinitionSchemaVersion) at v1.16.4, v1.18.0-rc.0, v1.19.4 and v1.20.0-pre.3 (the newest tags of
// each line in the stored sources; each file's `source` says which).
import {describe, expect, it} from 'vitest';
import {ciliumCrdSchema, ciliumCrdSchemaVersion, ciliumCrdSet, compareSchemaVersions, crdReleaseFor, crdSchemaCauses} from '../../../src/practice/cloud/cilium-crd-data.js';
import {ciliumCrdNames, ciliumCrdObject, CRD_SCHEMA_VERSION_LABEL} from '../../../src/practice/cloud/cilium-crds.js';
import type {JsonSchema} from '../../../src/practice/api/registry.js';
import {CILIUM_RELEASES} from '../../../src/practice/versions.js';
import {registerCiliumCrds} from '../../../src/practice/cloud/operator.js';
import {createHarness, type Harness} from './harness.js';

const ALL_FEATURES = {egressGateway: true, localRedirectPolicy: true, envoyConfig: true, ciliumEndpointSlice: true, bgpControlPlane: true, gatewayApi: true};

/** The schema at a dotted path of properties, through `items` of arrays. */
function at(schema: JsonSchema | undefined, dotted: string): JsonSchema | undefined {
	let current = schema;
	for (const key of dotted.split('.')) {
		current = current?.type === 'array' ? current.items : current;
		current = current?.properties?.[key];
	}
	return current;
}

describe('the CRD sets', () => {
	it.each(CILIUM_RELEASES.map((release) => release.version))('%s: loads, names its source, and has every CRD its operator can register', (version) => {
		const set = ciliumCrdSet(version);
		expect(set.source).toMatchObject({repo: 'cilium/cilium', path: 'pkg/k8s/apis/cilium.io/client/crds/{v2,v2alpha1}/*.yaml'});
		expect(set.source.commit).toMatch(/^[0-9a-f]{40}$/);
		for (const plural of ciliumCrdNames(ALL_FEATURES, version)) expect(set.crds[plural], plural).toBeDefined();
		for (const [plural, {crd}] of Object.entries(set.crds)) expect((crd.spec as {names: {plural: string}}).names.plural).toBe(plural);
	});

	it('the schema version label each operator puts on its CRDs: register.go CustomResourceDefinitionSchemaVersion', () => {
		expect(ciliumCrdObject('ciliumnetworkpolicies', '1.16.4').metadata.labels).toEqual({[CRD_SCHEMA_VERSION_LABEL]: '1.29.13'});
		expect(ciliumCrdSet('1.18.12').schemaVersion).toBe('1.31.11');
		expect(ciliumCrdSet('1.19.6').schemaVersion).toBe('1.32.6');
		expect(ciliumCrdSet('1.20.0').schemaVersion).toBe('1.33.8');
		// index.json (read without a set) agrees with each set.
		for (const release of CILIUM_RELEASES) expect(ciliumCrdSchemaVersion(release.version)).toBe(ciliumCrdSet(release.version).schemaVersion);
		expect(compareSchemaVersions('1.29.13', '1.31.11')).toBeLessThan(0);
		expect(compareSchemaVersions('1.33.8', '1.33.8')).toBe(0);
	});

	it('the CRD object keeps the YAML\'s spec but not its controller-gen annotation (register.go constructV1CRD)', () => {
		const crd = ciliumCrdObject('ciliumnetworkpolicies', '1.20.0');
		expect(crd.metadata.name).toBe('ciliumnetworkpolicies.cilium.io');
		expect(crd.metadata.annotations).toBeUndefined();
		expect(crd.spec).toMatchObject({group: 'cilium.io', scope: 'Namespaced', names: {kind: 'CiliumNetworkPolicy', shortNames: ['cnp', 'ciliumnp']}});
		// A copy: the cached set is not changed by whoever stores the object.
		(crd.spec as {group: string}).group = 'changed';
		expect((ciliumCrdObject('ciliumnetworkpolicies', '1.20.0').spec as {group: string}).group).toBe('cilium.io');
	});

	it('a version that is not offered takes its minor\'s release, else the newest older one', () => {
		expect(crdReleaseFor('1.16.5')).toBe('1.16.4');
		expect(crdReleaseFor('v1.19.5')).toBe('1.19.6');
		expect(crdReleaseFor('1.17.3')).toBe('1.16.4');
		expect(crdReleaseFor('1.21.0')).toBe('1.20.0');
		expect(crdReleaseFor(undefined)).toBe('1.16.4');
		expect(crdReleaseFor('latest')).toBe('1.16.4');
	});
});

describe('what the operator of each release registers (pkg/k8s/synced/crd.go)', () => {
	it('1.16.4: 11 by default, CiliumExternalWorkload among them', () => {
		expect(ciliumCrdNames({}, '1.16.4')).toHaveLength(11);
		expect(ciliumCrdNames({}, '1.16.4')).toContain('ciliumexternalworkloads');
	});
	it.each(['1.18.12', '1.19.6', '1.20.0'])('%s: 10 by default, no CiliumExternalWorkload (removed in 1.18: no crds/v2/ciliumexternalworkloads.yaml)', (version) => {
		const names = ciliumCrdNames({}, version);
		expect(names).toHaveLength(10);
		expect(names).not.toContain('ciliumexternalworkloads');
		expect(ciliumCrdSet(version).crds.ciliumexternalworkloads).toBeUndefined();
	});
	it('BGP: CiliumBGPPeeringPolicy (v2alpha1) up to 1.18, gone from 1.19\'s list and files', () => {
		expect(ciliumCrdNames({bgpControlPlane: true}, '1.18.12')).toContain('ciliumbgppeeringpolicies');
		expect(ciliumCrdNames({bgpControlPlane: true}, '1.19.6')).not.toContain('ciliumbgppeeringpolicies');
		expect(ciliumCrdSet('1.19.6').crds.ciliumbgppeeringpolicies).toBeUndefined();
	});
	it('Gateway API: CiliumGatewayClassConfig from 1.18 (GatewayAPIResourceNames), not in 1.16', () => {
		expect(ciliumCrdNames({gatewayApi: true}, '1.18.12')).toContain('ciliumgatewayclassconfigs');
		expect(ciliumCrdNames({gatewayApi: true}, '1.16.4')).not.toContain('ciliumgatewayclassconfigs');
	});
});

describe('policy fields per release, from the CRD schemas', () => {
	const cnp = (version: string) => ciliumCrdSchema(version, 'CiliumNetworkPolicy');
	it('toCIDRSet cidrGroupSelector: absent at v1.16.4, present from v1.18.0-rc.0', () => {
		expect(at(cnp('1.16.4'), 'spec.egress.toCIDRSet.cidrGroupSelector')).toBeUndefined();
		expect(at(cnp('1.18.12'), 'spec.egress.toCIDRSet.cidrGroupSelector')).toBeDefined();
	});
	it('spec.log: from v1.18.0-rc.0 ("policy/api: add LogConfig field")', () => {
		expect(at(cnp('1.16.4'), 'spec.log')).toBeUndefined();
		expect(at(cnp('1.18.12'), 'spec.log')).toBeDefined();
	});
	it('generic L7 (l7proto, l7) and Kafka rules: in 1.16–1.19, gone at v1.20.0-pre.3 ("policy: Remove generic L7 policy support")', () => {
		for (const version of ['1.16.4', '1.18.12', '1.19.6']) expect(at(cnp(version), 'spec.egress.toPorts.rules.l7proto'), version).toBeDefined();
		expect(at(cnp('1.20.0'), 'spec.egress.toPorts.rules.l7proto')).toBeUndefined();
		expect(at(cnp('1.20.0'), 'spec.egress.toPorts.rules.kafka')).toBeUndefined();
	});
	it('a rule-less policy: accepted by 1.16.4\'s schema, refused from 1.18 (spec anyOf ingress/ingressDeny/egress/egressDeny)', () => {
		const empty = {apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', spec: {endpointSelector: {}}};
		expect(crdSchemaCauses(empty, '1.16.4')!.causes).toEqual([]);
		expect(crdSchemaCauses(empty, '1.20.0')!.causes.map((cause) => `${cause.field}: ${cause.message}`)).toEqual(['spec: Invalid value: "object": spec in body must validate at least one schema (anyOf)']);
	});
	it('unknown fields are found per release: spec.log is unknown to 1.16.4 only', () => {
		const logged = {apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', spec: {endpointSelector: {}, egress: [{}], log: {value: 'x'}}};
		expect(crdSchemaCauses(logged, '1.16.4')!.unknown).toEqual(['spec.log']);
		expect(crdSchemaCauses(logged, '1.20.0')!.unknown).toEqual([]);
	});
	it('a kind the release does not ship has no schema', () => {
		expect(crdSchemaCauses({apiVersion: 'cilium.io/v2', kind: 'CiliumExternalWorkload'}, '1.20.0')).toBeUndefined();
	});
});

describe('the operator registering them (operator.ts, crdhelpers CreateUpdateCRD)', () => {
	const crd = (harness: Harness, plural: string) => harness.store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, `${plural}.cilium.io`);
	it('creates its release\'s CRDs, leaves them alone when they are current, updates older ones, never downgrades', () => {
		const harness = createHarness();
		registerCiliumCrds(harness.ctx, {}, '1.16.4');
		const first = crd(harness, 'ciliumnetworkpolicies')!;
		expect(first.metadata.labels).toEqual({[CRD_SCHEMA_VERSION_LABEL]: '1.29.13'});
		registerCiliumCrds(harness.ctx, {}, '1.16.4');
		expect(crd(harness, 'ciliumnetworkpolicies')!.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
		registerCiliumCrds(harness.ctx, {}, '1.20.0');
		const upgraded = crd(harness, 'ciliumnetworkpolicies')!;
		expect(upgraded.metadata.labels).toEqual({[CRD_SCHEMA_VERSION_LABEL]: '1.33.8'});
		expect(JSON.stringify(upgraded.spec)).toContain('"log"');
		expect(crd(harness, 'ciliumexternalworkloads')).toBeDefined();
		registerCiliumCrds(harness.ctx, {}, '1.16.4');
		expect(crd(harness, 'ciliumnetworkpolicies')!.metadata.labels).toEqual({[CRD_SCHEMA_VERSION_LABEL]: '1.33.8'});
	});
});
