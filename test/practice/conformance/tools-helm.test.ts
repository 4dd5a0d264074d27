// Conformance table: helm's --set family. The parser is a port of helm's pkg/strvals/parser.go @v3.16.3; each probe's
// expectation is the one helm's own pkg/strvals/parser_test.go @v3.16.3 gives for that input (TestParseSet,
// TestParseInto, TestParseSetNestedLevels, TestParseJSON), plus `helm upgrade --set … ; helm get values` on the
// practice cluster (pkg/cli/values/options.go MergeValues: files, --set-json, --set, --set-string).
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {applySet, ValuesError} from '../../../src/practice/cloud/helm-values.js';
import {TestPractice} from '../../helpers/practice.js';

const set = (expression: string, base: Record<string, unknown> = {}) => applySet(base, expression);
const setString = (expression: string) => applySet({}, expression, 'string');
const setJson = (expression: string) => applySet({}, expression, 'json');

describe('helm --set (strvals, conformance table)', () => {
	it('name1=value1,name2=value2 — TestParseSet', () => {
		expect(set('name1=value1,name2=value2')).toEqual({name1: 'value1', name2: 'value2'});
	});

	it('an empty value is the empty string: name1=value1,name2= — TestParseSet', () => {
		expect(set('name1=value1,name2=')).toEqual({name1: 'value1', name2: ''});
	});

	it('typed values: int64, true, null, 0, a leading zero stays a string — typedVal', () => {
		expect(set('long_int_string=1234567890,boolean=true,is_null=null,zero=0,leading_zeros=00009,upper=TRUE')).toEqual({
			long_int_string: 1234567890,
			boolean: true,
			is_null: null,
			zero: 0,
			leading_zeros: '00009',
			upper: true,
		});
	});

	it('a list in braces: name1={value1,value2} — valList', () => {
		expect(set('name1={value1,value2}')).toEqual({name1: ['value1', 'value2']});
	});

	it('hubble.relay.enabled=true,hubble.ui.enabled=true: dotted keys nest, siblings merge — key() "."', () => {
		expect(set('hubble.relay.enabled=true,hubble.ui.enabled=true')).toEqual({hubble: {relay: {enabled: true}, ui: {enabled: true}}});
	});

	it('list indexes: list[0]=foo,list[3]=bar fills the gap with null — setIndex', () => {
		expect(set('list[0]=foo,list[3]=bar')).toEqual({list: ['foo', null, null, 'bar']});
	});

	it('maps inside a list: list[0].foo=bar,list[0].hello=world — listItem "."', () => {
		expect(set('list[0].foo=bar,list[0].hello=world')).toEqual({list: [{foo: 'bar', hello: 'world'}]});
	});

	it('nested lists: nested[0][1]=1 — listItem "["', () => {
		expect(set('nested[0][1]=1')).toEqual({nested: [[null, 1]]});
	});

	it('escapes: a backslash keeps a comma in the value and a dot in the key — runesUntil', () => {
		expect(set('name1=one\\,two,name2=three')).toEqual({name1: 'one,two', name2: 'three'});
		expect(set('nodeSelector.kubernetes\\.io/os=linux')).toEqual({nodeSelector: {'kubernetes.io/os': 'linux'}});
	});

	it('a list value after other keys, and braces with a list of one — TestParseSet "name1=,name2={a}"', () => {
		expect(set('name1=,name2={value1}')).toEqual({name1: '', name2: ['value1']});
	});

	it('parses into the existing values (ParseInto): a key already set is overwritten, siblings kept — TestParseInto', () => {
		expect(set('outer.inner1=overwrite,outer.inner3=new', {outer: {inner1: 'value1', inner2: 'value2'}})).toEqual({outer: {inner1: 'overwrite', inner2: 'value2', inner3: 'new'}});
	});

	it('--set-string: every value stays a string — ParseIntoString', () => {
		expect(setString('long_int_string=1234567890,boolean=true,list={1,2}')).toEqual({long_int_string: '1234567890', boolean: 'true', list: ['1', '2']});
	});

	it('--set-json: JSON values, an empty one is null — ParseJSON', () => {
		expect(setJson('outer.inner1="value1",outer.inner2={"a":[1,2]},outer.inner3=,list=[1,"x"]')).toEqual({outer: {inner1: 'value1', inner2: {a: [1, 2]}, inner3: null}, list: [1, 'x']});
	});

	it('a key without a value: failed parsing --set data: key "name1" has no value — helm install errors.Wrap', () => {
		expect(() => set('name1')).toThrow(new ValuesError('failed parsing --set data: key "name1" has no value'));
	});

	it('a key ending with a comma: key "name1" has no value (cannot end with ,)', () => {
		expect(() => set('name1,name2=')).toThrow(new ValuesError('failed parsing --set data: key "name1" has no value (cannot end with ,)'));
	});

	it('an unterminated list: list must terminate with \'}\'', () => {
		expect(() => set('name1={value1,value2')).toThrow(new ValuesError("failed parsing --set data: list must terminate with '}'"));
	});

	it('a bad index: error parsing index — keyIndex (strconv.Atoi)', () => {
		expect(() => set('list[x]=1')).toThrow(new ValuesError('failed parsing --set data: error parsing index: strconv.Atoi: parsing "x": invalid syntax'));
		expect(() => set('list[-1]=1')).toThrow(new ValuesError('failed parsing --set data: negative -1 index not allowed'));
	});

	it('data after an index: unexpected data at end of array index — listItem', () => {
		expect(() => set('list[0]foo=1')).toThrow(new ValuesError('failed parsing --set data: unexpected data at end of array index: "foo"'));
	});

	it('a key map with no value: outer.=1 is refused, a bare outer. reaches the end and sets nothing — key() "."', () => {
		expect(set('outer.')).toEqual({});
		expect(() => set('outer.=1')).toThrow(new ValuesError('failed parsing --set data: key map "outer" has no value'));
	});

	it('more than 30 nested names: TestParseSetNestedLevels', () => {
		const key = Array.from({length: 32}, (_, index) => `name${index}`).join('.');
		expect(() => set(`${key}=value`)).toThrow(new ValuesError('failed parsing --set data: value name nested level is greater than maximum supported nested level of 30'));
	});
});

describe('helm upgrade --set on the practice cluster (conformance table)', () => {
	const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-helm-', speed: 'instant', track: 'k8s'});
	const {run} = practice;

	beforeAll(async () => {
		await practice.start();
		expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
		expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system'])).code).toBe(0);
	}, 180_000);

	afterAll(() => practice.stop());

	it('--set with a list in braces (the issue\'s parse error) upgrades, and get values shows it — helm get values', async () => {
		const upgraded = await run('helm', ['upgrade', 'cilium', 'cilium/cilium', '--version', '1.16.4', '-n', 'kube-system', '--reuse-values', '--set', 'hubble.relay.enabled=true', '--set', 'hubble.metrics.enabled={dns,drop,tcp}']);
		expect(upgraded.code, upgraded.stderr).toBe(0);
		const values = await run('helm', ['get', 'values', 'cilium', '-n', 'kube-system']);
		expect(values.stdout).toBe('USER-SUPPLIED VALUES:\nhubble:\n  metrics:\n    enabled:\n    - dns\n    - drop\n    - tcp\n  relay:\n    enabled: true');
	});

	it('a malformed --set fails the upgrade with helm\'s wording — Error: failed parsing --set data', async () => {
		const result = await run('helm', ['upgrade', 'cilium', 'cilium/cilium', '--version', '1.16.4', '-n', 'kube-system', '--reuse-values', '--set', 'hubble.ui.enabled']);
		// key() recurses at each "." and the innermost key is the one without a value.
		expect(result.stderr).toBe('Error: failed parsing --set data: key "enabled" has no value');
		expect(result.code).toBe(1);
	});

	// cmd/helm/get_manifest.go (Fprintln of the release's manifest), pkg/releaseutil/kind_sorter.go InstallOrder, and
	// pkg/action/validate.go setMetadataVisitor: the manifest is the rendered templates, the applied objects carry
	// helm's label and annotations besides.
	it('get manifest: the rendered templates with their # Source, in install order; helm labels only on the applied objects', async () => {
		const result = await run('helm', ['get', 'manifest', 'cilium', '-n', 'kube-system']);
		const sources = [...result.stdout.matchAll(/^# Source: (.+)$/gm)].map(match => match[1]);
		expect(sources.slice(0, 3)).toEqual(['cilium/templates/cilium-agent/serviceaccount.yaml', 'cilium/templates/cilium-envoy/serviceaccount.yaml', 'cilium/templates/cilium-operator/serviceaccount.yaml']);
		expect(sources).toContain('cilium/templates/hubble-relay/deployment.yaml');
		const kinds = [...result.stdout.matchAll(/^kind: (.+)$/gm)].map(match => match[1]);
		expect(kinds.indexOf('ConfigMap')).toBeLessThan(kinds.indexOf('ClusterRole'));
		expect(kinds.lastIndexOf('DaemonSet')).toBeLessThan(kinds.indexOf('Deployment'));
		expect(result.stdout).not.toContain('meta.helm.sh/release-name');
		const agent = await run('kubectl', ['-n', 'kube-system', 'get', 'ds', 'cilium', '-o', 'jsonpath={.metadata.labels.app\\.kubernetes\\.io/managed-by} {.metadata.annotations.meta\\.helm\\.sh/release-name}']);
		expect(agent.stdout).toBe('Helm cilium');
	});

	it('get manifest --revision 1 has no hubble-relay (installed without it) — get.go Version', async () => {
		expect((await run('helm', ['get', 'manifest', 'cilium', '-n', 'kube-system', '--revision', '1'])).stdout).not.toContain('hubble-relay');
	});

	it('get notes: NOTES: and the chart\'s NOTES.txt — get_notes.go', async () => {
		const result = await run('helm', ['get', 'notes', 'cilium', '-n', 'kube-system']);
		expect(result.stdout).toBe('NOTES:\nYou have successfully installed Cilium with Hubble Relay.\n\nYour release version is 1.16.4.\n\nFor any further help, visit https://docs.cilium.io/en/v1.16/gettinghelp\n');
	});

	// cmd/helm/rollback.go + pkg/action/rollback.go @v3.16.3: a new revision with the old one's chart, values and
	// manifest, described "Rollback to N"; every earlier deployed revision superseded.
	it('rollback with no revision goes to the one before: "Rollback was a success! Happy Helming!", history "Rollback to 1"', async () => {
		const result = await run('helm', ['rollback', 'cilium', '-n', 'kube-system']);
		expect(result.stdout, result.stderr).toBe('Rollback was a success! Happy Helming!');
		const history = (await run('helm', ['history', 'cilium', '-n', 'kube-system'])).stdout.split('\n').map(line => line.split('\t').map(cell => cell.trim()));
		expect(history.map(row => [row[0], row[2], row[5]])).toEqual([
			['REVISION', 'STATUS', 'DESCRIPTION'],
			['1', 'superseded', 'Install complete'],
			['2', 'superseded', 'Upgrade complete'],
			['3', 'deployed', 'Rollback to 1'],
		]);
		expect((await run('helm', ['status', 'cilium', '-n', 'kube-system'])).stdout).toMatch(/^STATUS: deployed\nREVISION: 3$/m);
		// Revision 1's values (none) and objects: hubble-relay is removed again.
		expect((await run('helm', ['get', 'values', 'cilium', '-n', 'kube-system'])).stdout).toBe('USER-SUPPLIED VALUES:\nnull');
		expect((await run('kubectl', ['-n', 'kube-system', 'get', 'deploy', 'hubble-relay'])).stderr).toBe('Error from server (NotFound): deployments.apps "hubble-relay" not found');
	});

	it('rollback to a named revision: rollback cilium 2 brings the relay back as revision 4', async () => {
		expect((await run('helm', ['rollback', 'cilium', '2', '-n', 'kube-system'])).code).toBe(0);
		expect((await run('helm', ['history', 'cilium', '-n', 'kube-system', '--max', '1'])).stdout).toMatch(/^4\s+\t.+\tdeployed\s*\tcilium-1\.16\.4\s*\t1\.16\.4\s*\tRollback to 2$/m);
		expect((await run('kubectl', ['-n', 'kube-system', 'get', 'deploy', 'hubble-relay', '-o', 'name'])).stdout).toBe('deployment.apps/hubble-relay');
	});

	it('rollback errors as helm words them — prepareRollback, strconv.Atoi, errInvalidRevision, Releases.Last', async () => {
		expect((await run('helm', ['rollback', 'cilium', '9', '-n', 'kube-system'])).stderr).toBe('Error: release has no 9 version');
		expect((await run('helm', ['rollback', 'cilium', 'two', '-n', 'kube-system'])).stderr).toBe('Error: could not convert revision to a number: strconv.Atoi: parsing "two": invalid syntax');
		expect((await run('helm', ['rollback', 'nothere', '-n', 'kube-system'])).stderr).toBe('Error: release: not found');
		const missing = await run('helm', ['rollback']);
		expect(missing.stderr).toBe('Error: "helm rollback" requires at least 1 argument\n\nUsage:  helm rollback <RELEASE> [REVISION] [flags]');
		expect(missing.code).toBe(1);
	});

	// cmd/helm/template.go @v3.16.3: the manifest as an install would render it (no cluster needed), "release-name"
	// when NAME is left out; --show-only picks templates by their path in the chart.
	it('template renders the chart\'s manifest without helm\'s apply-time labels — template.go', async () => {
		const result = await run('helm', ['template', 'cilium', 'cilium/cilium', '--version', '1.18.12', '-n', 'kube-system', '--set', 'hubble.relay.enabled=true']);
		expect(result.stdout.startsWith('---\n# Source: cilium/templates/cilium-agent/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\n')).toBe(true);
		expect(result.stdout).toContain('image: quay.io/cilium/hubble-relay:v1.18.12@sha256:');
		expect(result.stdout).not.toContain('app.kubernetes.io/managed-by');
	});

	it('template --show-only one template; a path the chart lacks fails — template.go showFiles', async () => {
		const relay = await run('helm', ['template', 'cilium/cilium', '-s', 'templates/hubble-relay/deployment.yaml', '--set', 'hubble.relay.enabled=true']);
		expect(relay.stdout).toMatch(/^---\n# Source: cilium\/templates\/hubble-relay\/deployment\.yaml\napiVersion: apps\/v1\nkind: Deployment\nmetadata:\n {2}name: hubble-relay\n {2}namespace: default\n/);
		expect(relay.stdout.match(/^---$/gm)).toHaveLength(1);
		const missing = await run('helm', ['template', 'cilium/cilium', '-s', 'templates/nope.yaml']);
		expect(missing.stderr).toBe('Error: could not find template templates/nope.yaml in chart');
		expect(missing.code).toBe(1);
	});

	it('show values --version: that version\'s images under values.yaml\'s keys, and a header saying what is modelled — show.go', async () => {
		const result = await run('helm', ['show', 'values', 'cilium/cilium', '--version', '1.19.6']);
		expect(result.stdout).toMatch(/^# cilium\/cilium 1\.19\.6: the values the cilium-lab practice cluster's chart model reads/);
		expect(result.stdout).toMatch(/^image:\n {2}repository: quay\.io\/cilium\/cilium\n {2}tag: v1\.19\.6\n {2}digest: sha256:0df5b275/m);
		expect(result.stdout).toMatch(/^ipam:\n {2}mode: cluster-pool\n/m);
		const unknown = await run('helm', ['show', 'values', 'cilium/cilium', '--version', '9.9.9']);
		expect(unknown.stderr).toMatch(/^Error: chart "cilium" matching 9\.9\.9 not found in cilium index/);
	});
});
