import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {langFromEnv, msg, parseLang, t} from '../../src/lab/i18n.js';
import {loadLab} from '../../src/lab/loader.js';
import {checkVariableValue, commandEnvironment, parseSetArgument, resolveVariables} from '../../src/lab/variables.js';
import {closest} from '../../src/lab/suggest.js';

const lab = loadLab(path.resolve('test/fixtures/lessons-basic/lessons'));
const clusterName = lab.variables.find((v) => v.name === 'CLUSTER_NAME')!;
const greeting = lab.variables.find((v) => v.name === 'GREETING')!;

describe('the message catalogue', () => {
	it('fills placeholders and picks lesson text by language', () => {
		expect(msg('en', 'list.locked', {lesson: 'install'})).toBe('locked: finish "install" first');
		expect(msg('ko', 'list.locked', {lesson: 'install'})).toBe('잠김: "install" 레슨을 먼저 마치세요');
		expect(t('ko', lab.title)).toBe('테스트 실습');
	});

	it('chooses the language from --lang, else the locale', () => {
		expect(parseLang('ko')).toBe('ko');
		expect(parseLang('de')).toBeUndefined();
		expect(langFromEnv({LANG: 'ko_KR.UTF-8'})).toBe('ko');
		expect(langFromEnv({LC_ALL: 'en_US.UTF-8', LANG: 'ko_KR.UTF-8'})).toBe('en');
		expect(langFromEnv({LC_MESSAGES: 'ko_KR', LANG: 'C'})).toBe('ko');
		expect(langFromEnv({LANG: 'C.UTF-8'})).toBe('en');
		expect(langFromEnv({})).toBe('en');
	});
});

describe('variables', () => {
	it('refuses values that do not match the whole pattern, naming the pattern', () => {
		expect(checkVariableValue(clusterName, 'my-aks')).toBeUndefined();
		for (const bad of ['a; rm -rf ~', '$(id)', '`id`', 'ok\nrm -rf ~', 'a b']) {
			expect(checkVariableValue(clusterName, bad)).toBe(`CLUSTER_NAME=${JSON.stringify(bad)} is refused: it must match ^[a-zA-Z0-9][-a-zA-Z0-9_]{0,62}$`);
		}
		expect(checkVariableValue(clusterName, '')).toBe('CLUSTER_NAME must not be empty; it must match ^[a-zA-Z0-9][-a-zA-Z0-9_]{0,62}$');
		// An unanchored pattern still has to match the whole value.
		expect(checkVariableValue(greeting, 'hello')).toBeUndefined();
		expect(checkVariableValue(greeting, 'hello; id')).toContain('is refused');
	});

	it('resolves defaults < stored < --set, refusing unknown names and bad values', () => {
		expect(parseSetArgument('A=b=c')).toEqual({name: 'A', value: 'b=c'});
		expect(parseSetArgument('=x')).toHaveProperty('error');
		const resolved = resolveVariables(lab, {
			stored: {GREETING: 'stored', CLUSTER_NAME: '$(id)', GONE: 'x'},
			set: ['CLUSTER_NAME=from-cli', 'CLUSTR_NAME=x', 'GREETING=a; rm -rf ~', 'nothing'],
		});
		expect(resolved.values).toEqual({GREETING: 'stored', CLUSTER_NAME: 'from-cli'});
		expect(resolved.errors).toEqual([
			'stored value ignored: CLUSTER_NAME="$(id)" is refused: it must match ^[a-zA-Z0-9][-a-zA-Z0-9_]{0,62}$',
			'--set CLUSTR_NAME: no such variable (did you mean "CLUSTER_NAME"?); the lab\'s variables are GREETING, CLUSTER_NAME',
			'--set GREETING="a; rm -rf ~" is refused: it must match [a-z][a-z0-9-]{0,30}',
			'--set nothing: expected NAME=VALUE (e.g. --set CLUSTER_NAME=my-aks)',
		]);
	});

	it('builds the command environment from the target, the variables, LAB_ASSETS and LAB_HOME', () => {
		const env = commandEnvironment({
			base: {PATH: '/bin', KUBECONFIG: '/k', UNSET: undefined},
			variables: {CLUSTER_NAME: 'x', PATH: '/evil'},
			assetsDir: lab.assetsDir,
			home: '/home/lab',
		});
		expect(env).toEqual({PATH: '/home/lab/bin:/bin', KUBECONFIG: '/k', CLUSTER_NAME: 'x', LAB_ASSETS: lab.assetsDir, LAB_HOME: '/home/lab'});
	});

	it('suggests only plausible typos', () => {
		expect(closest('podReddy', ['podReady', 'podExec'])).toBe('podReady');
		expect(closest('zzzzzz', ['podReady', 'podExec'])).toBeUndefined();
	});
});
