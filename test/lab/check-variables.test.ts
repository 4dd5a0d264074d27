// `${NAME}` in check parameters: the expansion itself, the loader's refusals (file:line field path), and the
// bridge every caller (TUI, `check`, `run`) goes through.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {runChecks} from '../../src/cli/checks.js';
import {expandCheckSpec, expandText, variableReferences} from '../../src/lab/expand.js';
import {formatIssue, lintLab} from '../../src/lab/loader.js';
import type {CheckSpec} from '../../src/lab/types.js';

describe('expanding ${NAME}', () => {
	it('replaces known names, keeps unknown ones as written and turns $${ into a literal ${', () => {
		expect(expandText('http://127.0.0.1:${PORT}/${PORT}', {PORT: '9000'})).toBe('http://127.0.0.1:9000/9000');
		expect(expandText('${NOPE} and $${PORT}', {PORT: '9000'})).toBe('${NOPE} and ${PORT}');
		expect(expandText('$PORT ${ PORT}', {PORT: '9000'})).toBe('$PORT ${ PORT}');
		expect(variableReferences('${A} $${B} ${c} ${D_2}')).toEqual([
			{name: 'A', text: '${A}', wellFormed: true},
			{name: 'c', text: '${c}', wellFormed: false},
			{name: 'D_2', text: '${D_2}', wellFormed: true},
		]);
	});

	it('expands strings at any depth, leaves numbers, the kind and a command script alone, and escapes values in a regex', () => {
		const values = {NS: 'demo', HOST: 'a.b(c)'};
		expect(expandCheckSpec({kind: 'podExec', namespace: '${NS}', selector: 'app=${NS}', command: ['curl', 'https://${HOST}/'], output: '^${HOST}$', timeout: 5} as CheckSpec, values)).toEqual({
			spec: {kind: 'podExec', namespace: 'demo', selector: 'app=demo', command: ['curl', 'https://a.b(c)/'], output: '^a\\.b\\(c\\)$', timeout: 5},
			unknown: [],
		});
		expect(expandCheckSpec({kind: 'resource', apiVersion: 'v1', resourceKind: 'Pod', match: {'metadata.name': '${NS}-x', 'spec.n': 3}} as CheckSpec, values).spec).toEqual({
			kind: 'resource',
			apiVersion: 'v1',
			resourceKind: 'Pod',
			match: {'metadata.name': 'demo-x', 'spec.n': 3},
		});
		// The shell reads $NS / ${NS} from its environment; splicing the value into the text would change the script.
		const script = {kind: 'command', script: 'test "${NS}" = demo && echo "${LAB_HOME}"', output: '${HOST}'} as CheckSpec;
		expect(expandCheckSpec(script, values).spec).toEqual({kind: 'command', script: 'test "${NS}" = demo && echo "${LAB_HOME}"', output: 'a\\.b\\(c\\)'});
		expect(expandCheckSpec({kind: 'httpGet', url: 'http://x:${PORT}/'} as CheckSpec, values).unknown).toEqual(['${PORT}']);
	});
});

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

const LAB = `title: {ko: "실습", en: "Lab"}
tracks:
  - {id: aks-byocni, title: {ko: "가", en: "A"}, description: {ko: "가", en: "A"}}
  - {id: k8s, title: {ko: "나", en: "B"}, description: {ko: "나", en: "B"}}
variables:
  - name: UI_PORT
    default: "8080"
    pattern: '[0-9]{1,5}'
    description: {ko: "포트", en: "port"}
  - name: RG_NAME
    default: my-rg
    pattern: '[-a-z]+'
    description: {ko: "그룹", en: "group"}
    tracks: [aks-byocni]
`;

function lintChecks(expect: string, tracks = '[k8s]', lab = LAB): string[] {
	const root = mkdtempSync(path.join(os.tmpdir(), 'lab-vars-'));
	dirs.push(root);
	mkdirSync(path.join(root, 'lessons'));
	mkdirSync(path.join(root, 'assets'));
	writeFileSync(path.join(root, 'lessons', 'lab.yaml'), lab);
	writeFileSync(
		path.join(root, 'lessons', '01-one.yaml'),
		`id: one
title: {ko: "제목", en: "Title"}
body: {ko: "본문", en: "Body"}
tracks: ${tracks}
steps:
  - id: forward
    title: {ko: "하나", en: "One"}
    body: {ko: "본문", en: "Body"}
    run: echo one
    expect:
${expect}`,
	);
	return lintLab('lessons', {cwd: root}).issues.map(formatIssue);
}

describe('the loader and ${NAME} in checks', () => {
	it('accepts a declared variable and validates the URL with its default', () => {
		expect(lintChecks('      - {kind: httpGet, url: "http://127.0.0.1:${UI_PORT}/"}\n')).toEqual([]);
	});

	it('refuses a name the lab does not declare, with file:line, field path and did-you-mean', () => {
		expect(lintChecks('      - kind: httpGet\n        url: "http://127.0.0.1:${UI_PROT}/"\n')).toEqual([
			'lessons/01-one.yaml:12 steps[0].expect[0].url: ${UI_PROT} names no variable (did you mean "UI_PORT"?); lab.yaml declares UI_PORT, RG_NAME',
		]);
		expect(lintChecks('      - kind: podExec\n        namespace: demo\n        pod: curl\n        command: [curl, "${NOPE}"]\n')).toEqual([
			'lessons/01-one.yaml:14 steps[0].expect[0].command[1]: ${NOPE} names no variable; lab.yaml declares UI_PORT, RG_NAME',
		]);
	});

	it('refuses a reference that cannot be a name, and a variable the step’s tracks do not have', () => {
		expect(lintChecks('      - {kind: httpGet, url: "http://h/${port}"}\n')).toEqual([
			'lessons/01-one.yaml:11 steps[0].expect[0].url: ${port} is not a variable reference (names are like HUBBLE_UI_PORT); write $${port} for the text itself',
		]);
		expect(lintChecks('      - {kind: resource, apiVersion: v1, resourceKind: Pod, name: "${RG_NAME}"}\n', '[aks-byocni, k8s]')).toEqual([
			'lessons/01-one.yaml:11 steps[0].expect[0].name: ${RG_NAME}: the variable is only on aks-byocni, but this step runs on k8s too',
		]);
		expect(lintChecks('      - {kind: resource, apiVersion: v1, resourceKind: Pod, name: "${RG_NAME}"}\n', '[aks-byocni]')).toEqual([]);
	});

	it('reports a schema error of the expanded default value, saying the defaults were used', () => {
		const lab = LAB.replace('pattern: \'[0-9]{1,5}\'', 'pattern: \'[0-9 ]{1,5}\'').replace('default: "8080"', 'default: "8 80"');
		expect(lintChecks('      - {kind: httpGet, url: "http://127.0.0.1:${UI_PORT}/"}\n', '[k8s]', lab)).toEqual([
			'lessons/01-one.yaml:11 steps[0].expect[0].url: expected a valid URL, got "http://127.0.0.1:8 80/" (with the variables at their defaults)',
		]);
	});

	it('leaves a command check’s script to the shell: ${LAB_HOME} there is not a lab variable', () => {
		expect(lintChecks('      - {kind: command, script: \'test -d "${LAB_HOME}"\'}\n')).toEqual([]);
	});
});

describe('runChecks expands from the validated variables', () => {
	it('an httpGet check reaches the port the variable names', async () => {
		const server = http.createServer((_request, response) => response.end('hubble ui'));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const port = String((server.address() as {port: number}).port);
		try {
			const request = {
				specs: [{kind: 'httpGet', url: 'http://127.0.0.1:${UI_PORT}/', contains: 'hubble'} as CheckSpec],
				timeoutSec: 0,
				env: {PATH: process.env.PATH!},
				lang: 'en' as const,
				signal: new AbortController().signal,
				onUpdate: () => {},
			};
			const [passed] = await runChecks({...request, variables: {UI_PORT: port}});
			expect(passed!.ok).toBe(true);
			const [unknown] = await runChecks({...request, variables: {}});
			expect(unknown).toEqual({ok: false, summary: 'httpGet: ${UI_PORT} names no variable of the lab'});
		} finally {
			server.close();
		}
	});
});
