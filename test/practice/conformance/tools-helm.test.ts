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
});
