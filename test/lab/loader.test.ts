import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {formatIssue, LabLoadError, lintLab, loadLab} from '../../src/lab/loader.js';
import {checkVariableValue, nextChoice, resolveVariables} from '../../src/lab/variables.js';
import {CILIUM_RELEASES, GUIDE_CILIUM_VERSION} from '../../src/practice/versions.js';

const fixture = path.resolve('test/fixtures/lessons-basic');
const dirs: string[] = [];

/** A copy of the basic fixture in a temp dir, with some files replaced; cwd is the copy's root. */
function labWith(files: Record<string, string>): string {
	const root = mkdtempSync(path.join(os.tmpdir(), 'lab-'));
	dirs.push(root);
	cpSync(fixture, root, {recursive: true});
	for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, 'lessons', name), text);
	return root;
}

function lint(root: string): string[] {
	return lintLab('lessons', {cwd: root}).issues.map(formatIssue);
}

afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

const goodStep = `  - id: one
    title: {ko: "하나", en: "One"}
    body: {ko: "본문", en: "Body"}
    run: echo one
`;

function lesson(id: string, rest: string, steps = goodStep): string {
	return `id: ${id}
title: {ko: "제목", en: "Title"}
body: {ko: "본문", en: "Body"}
tracks: [k8s]
${rest}steps:
${steps}`;
}

describe('loading lessons', () => {
	it('loads the fixture with defaults, NN order and absolute dirs', () => {
		const lab = loadLab(path.join(fixture, 'lessons'));
		expect(lab.lessons.map((l) => [l.id, l.order])).toEqual([
			['files', 1],
			['more', 2],
		]);
		const write = lab.lessons[0]!.steps[0]!;
		expect(write).toMatchObject({mode: 'command', timeout: 10, optional: false, line: 10});
		expect(write.expect[0]).toEqual({kind: 'command', script: 'grep -qx "$GREETING" "$LAB_HOME/greeting.txt"'});
		expect(lab.lessons[0]!.steps[1]).toMatchObject({mode: 'read', timeout: 60, expect: [], hints: []});
		expect(lab.assetsDir).toBe(path.join(fixture, 'assets'));
		expect(lab.variables.map((v) => v.name)).toEqual(['GREETING', 'CLUSTER_NAME']);
	});

	it('names file, line and field path of an unknown check, with did-you-mean', () => {
		const steps = `${goodStep}    expect:
      - kind: podReddy
        namespace: demo
`;
		const root = labWith({'05-fqdn.yaml': lesson('fqdn', '', steps)});
		expect(lint(root)).toEqual(['lessons/05-fqdn.yaml:11 steps[0].expect[0].kind: unknown check "podReddy" (did you mean "podReady"?)']);
	});

	it('reports every problem in every file, not just the first', () => {
		const broken = `id: Broken_Id
title: {ko: "제목"}
body: {ko: "본문", en: "Body"}
tracks: [k8z]
requires: [nope]
stepz: []
steps:
  - id: one
    title: {ko: "하나", en: "One"}
    body: {ko: "본문", en: "Body"}
    mode: comand
    timeout: -1
    expect:
      - kind: podReady
        namespace: demo
      - kind: rollout
        namespace: kube-system
        resourceKind: Daemonset
        name: cilium
        tiemout: 3
`;
		const root = labWith({'03-broken.yaml': broken, '04-other.yaml': lesson('other', 'requires: [flies]\n')});
		expect(lint(root)).toEqual([
			'lessons/03-broken.yaml:1 id: expected an id of lowercase letters, digits and dashes (e.g. "fqdn-policy"), got "Broken_Id"',
			'lessons/03-broken.yaml:2 title.en: required: expected text',
			'lessons/03-broken.yaml:6 stepz: unknown field (did you mean "steps"?); expected one of id, title, body, tracks, requires, steps',
			'lessons/03-broken.yaml:11 steps[0].mode: expected one of "command" | "background" | "interactive" | "read", got "comand" (did you mean "command"?)',
			'lessons/03-broken.yaml:12 steps[0].timeout: expected a number > 0, got the number -1',
			'lessons/04-other.yaml:5 requires[0]: no lesson has id "flies" (did you mean "files"?)',
		]);
	});

	it('checks parameters of each check kind, tracks, files, step ids and requires once the shape is right', () => {
		const steps = `${goodStep}    tracks: [aks-byocni]
    files: [policies/allow.yaml, policies/missing.yaml, ../../etc/passwd]
    expect:
      - kind: podReady
        namespace: demo
      - kind: rollout
        namespace: kube-system
        resourceKind: Daemonset
        name: cilium
        tiemout: 3
      - namespace: demo
  - id: one
    title: {ko: "둘", en: "Two"}
    body: {ko: "본문", en: "Body"}
  - id: three
    title: {ko: "셋", en: "Three"}
    body: {ko: "본문", en: "Body"}
    mode: read
`;
		const root = labWith({'03-checks.yaml': lesson('checks', 'requires: [checks]\n', steps).replace('tracks: [k8s]', 'tracks: [k8s, aks-byocn]')});
		expect(lint(root)).toEqual([
			'lessons/03-checks.yaml:4 tracks[1]: unknown track "aks-byocn" (did you mean "aks-byocni"?); lab.yaml declares aks-byocni, k8s',
			'lessons/03-checks.yaml:5 requires[0]: requirements go round in a circle: "checks" → "checks"',
			'lessons/03-checks.yaml:11 steps[0].tracks[0]: "aks-byocni" is not one of the lesson\'s tracks (k8s, aks-byocn) (did you mean "aks-byocn"?)',
			'lessons/03-checks.yaml:12 steps[0].files[1]: no such file: assets/policies/missing.yaml',
			'lessons/03-checks.yaml:12 steps[0].files[2]: expected a path inside assets/, got "../../etc/passwd"',
			'lessons/03-checks.yaml:14 steps[0].expect[0].selector: required: expected text',
			'lessons/03-checks.yaml:18 steps[0].expect[1].resourceKind: expected one of "DaemonSet" | "Deployment", got "Daemonset" (did you mean "DaemonSet"?)',
			'lessons/03-checks.yaml:20 steps[0].expect[1].tiemout: unknown field (did you mean "timeout"?); expected one of timeout, namespace, resourceKind, name',
			'lessons/03-checks.yaml:21 steps[0].expect[2]: missing kind: expected one of clusterReachable, nodes, rollout, crds, resource, podReady, podExec, egress, hubbleFlows, httpGet, command',
			'lessons/03-checks.yaml:22 steps[1].id: duplicate step id "one" (first at line 7)',
			'lessons/03-checks.yaml:22 steps[1].run: required for a command step: the shell text to run (only mode: read steps may leave it out)',
		]);
	});

	it('finds cycles through several lessons, duplicate ids and duplicate NN prefixes', () => {
		const root = labWith({
			'03-a.yaml': lesson('a', 'requires: [b]\n'),
			'04-b.yaml': lesson('b', 'requires: [a]\n'),
			'04-c.yaml': lesson('files', ''),
		});
		expect(lint(root)).toEqual([
			'lessons/04-b.yaml:5 requires[0]: requirements go round in a circle: "a" → "b" → "a"',
			'lessons/04-c.yaml:1 the number 04 is also used by lessons/04-b.yaml; the NN prefix orders the lessons, so each needs its own',
			'lessons/04-c.yaml:1 id: duplicate lesson id "files" (also in lessons/01-files.yaml:1)',
		]);
	});

	it('reports YAML syntax errors with their line, bad file names, and lab.yaml problems', () => {
		const labYaml = `title: {ko: "실습", en: "Lab"}
tracks:
  - id: k8s
    title: {ko: "쿠버", en: "K8s"}
    description: {ko: "설명", en: "desc"}
  - id: aks-byocni
    title: {ko: "쿠버", en: "K8s"}
    description: {ko: "설명", en: "desc"}
variables:
  - name: cluster_name
    default: x
    pattern: '[a-z]+'
    description: {ko: "설명", en: "desc"}
  - name: LOCATION
    default: "Korea Central"
    pattern: '[a-z]+('
    description: {ko: "설명", en: "desc"}
  - name: PATH
    default: "UPPER"
    pattern: '[a-z]+'
    description: {ko: "설명", en: "desc"}
`;
		const root = labWith({'lab.yaml': labYaml, '07-bad.yaml': 'id: bad\ntitle: {ko: "a", en: "b"\nbody: x\n', 'notes.yaml': 'a: 1\n'});
		const issues = lint(root);
		expect(issues[0]).toMatch(/^lessons\/07-bad\.yaml:3 YAML: Flow map/);
		expect(issues.slice(1)).toEqual([
			'lessons/lab.yaml:10 variables[0].name: expected an upper-case name like CLUSTER_NAME ([A-Z][A-Z0-9_]*), got "cluster_name"',
			'lessons/notes.yaml:1 not a lesson file name: expected NN-name.yaml (e.g. 05-fqdn-policy.yaml)',
		]);
		// Once the names are right, the regex and default problems show (zod stops at the shape first).
		const second = labWith({'lab.yaml': labYaml.replace('cluster_name', 'CLUSTER_NAME')});
		expect(lint(second)).toEqual([
			'lessons/lab.yaml:16 variables[1].pattern: not a valid regular expression: Invalid regular expression: /^(?:[a-z]+()$/: Unterminated group',
			'lessons/lab.yaml:18 variables[2].name: "PATH" is reserved: the lab sets it (or it changes how every command runs); pick another name',
			'lessons/lab.yaml:19 variables[2].default: "UPPER" does not match the variable\'s own pattern [a-z]+',
		]);
	});

	it('a variable with choices: the default must be a choice, choices unique and matching the pattern; values outside them are refused', () => {
		const labYaml = `title: {ko: "실습", en: "Lab"}
tracks:
  - id: k8s
    title: {ko: "쿠버", en: "K8s"}
    description: {ko: "설명", en: "desc"}
  - id: aks-byocni
    title: {ko: "쿠버", en: "K8s"}
    description: {ko: "설명", en: "desc"}
variables:
  - name: CILIUM_VERSION
    default: 1.17.0
    pattern: '[0-9.]+'
    description: {ko: "설명", en: "desc"}
    choices:
      - {value: 1.16.4, note: {ko: "문서", en: "guide"}}
      - {value: 1.16.4, note: {ko: "또", en: "again"}}
      - {value: latest, note: {ko: "최신", en: "latest"}}
`;
		expect(lint(labWith({'lab.yaml': labYaml}))).toEqual([
			'lessons/lab.yaml:11 variables[0].default: "1.17.0" is not one of the variable\'s choices (1.16.4, 1.16.4, latest)',
			'lessons/lab.yaml:16 variables[0].choices[1].value: duplicate choice "1.16.4"',
			'lessons/lab.yaml:17 variables[0].choices[2].value: "latest" does not match the variable\'s own pattern [0-9.]+',
		]);
		const lab = loadLab('lessons', {cwd: labWith({'lab.yaml': labYaml.replace('default: 1.17.0', 'default: 1.16.4').replace(/ {6}- \{value: 1\.16\.4, note: \{ko: "또".*\n/, '').replace('value: latest', 'value: 1.20.0')})});
		const variable = lab.variables[0]!;
		expect(variable.choices?.map((choice) => choice.value)).toEqual(['1.16.4', '1.20.0']);
		expect(checkVariableValue(variable, '1.20.0')).toBeUndefined();
		expect(checkVariableValue(variable, '1.17.0')).toBe('CILIUM_VERSION="1.17.0" is refused: it must be one of 1.16.4, 1.20.0');
		expect(resolveVariables(lab, {set: ['CILIUM_VERSION=1.17.0']}).errors).toEqual(['--set CILIUM_VERSION="1.17.0" is refused: it must be one of 1.16.4, 1.20.0']);
		expect(nextChoice(variable, '1.16.4')).toBe('1.20.0');
		expect(nextChoice(variable, '1.20.0')).toBe('1.16.4');
	});

	it('the lab offers exactly the Cilium versions the practice cluster simulates, the guide\'s 1.16.4 first and default', () => {
		const lab = loadLab('lessons');
		const variable = lab.variables.find((candidate) => candidate.name === 'CILIUM_VERSION')!;
		expect(variable.default).toBe(GUIDE_CILIUM_VERSION);
		expect(variable.choices?.map((choice) => choice.value)).toEqual(CILIUM_RELEASES.map((release) => release.version));
		expect(variable.choices?.[0]?.note.en).toBe("the guide's version, end of life");
	});

	it('throws one LabLoadError carrying all issues, and a clear error for a missing directory', () => {
		const root = labWith({'09-x.yaml': 'id: x\n'});
		let error: unknown;
		try {
			loadLab(path.join(root, 'lessons'), {cwd: root});
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(LabLoadError);
		expect((error as LabLoadError).issues.length).toBe(4);
		expect((error as LabLoadError).exitCode).toBe(1);
		expect((error as Error).message).toContain('lessons/09-x.yaml:1 title: required: expected text in both languages, {ko: …, en: …}');
		expect(() => loadLab('/nonexistent/lessons')).toThrow('no lessons directory at /nonexistent/lessons');
	});
});
