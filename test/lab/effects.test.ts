import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {expandResources, requiredEffects} from '../../src/lab/effects.js';
import {formatIssue, lintLab, loadLab, MAX_LESSON_FILE_BYTES} from '../../src/lab/loader.js';

const fixture = path.resolve('test/fixtures/lessons-basic');
const dirs: string[] = [];

function labWith(files: Record<string, string>): string {
	const root = mkdtempSync(path.join(os.tmpdir(), 'lab-effects-'));
	dirs.push(root);
	cpSync(fixture, root, {recursive: true});
	for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, 'lessons', name), text);
	return root;
}

const lint = (root: string) => lintLab('lessons', {cwd: root}).issues.map(formatIssue);

afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

function lesson(step: string): string {
	return `id: danger
title: {ko: "제목", en: "Title"}
body: {ko: "본문", en: "Body"}
tracks: [k8s]
steps:
  - id: one
    title: {ko: "하나", en: "One"}
    body: {ko: "본문", en: "Body"}
${step}`;
}

describe('step effects', () => {
	it('knows the costly, irreversible and destructive commands', () => {
		expect(requiredEffects('az aks create -g x -n y')).toEqual([{effect: 'costly', what: 'az aks create'}]);
		expect(requiredEffects('az aks update \\\n  --resource-group g \\\n  --network-dataplane cilium').map((e) => e.effect)).toEqual(['irreversible']);
		expect(requiredEffects('az aks delete -g g -n n --yes')[0]?.effect).toBe('destructive');
		expect(requiredEffects('az group delete --name g --yes')[0]?.effect).toBe('destructive');
		expect(requiredEffects('helm -n kube-system delete cilium')[0]?.effect).toBe('destructive');
		expect(requiredEffects('helm uninstall cilium -n kube-system')[0]?.effect).toBe('destructive');
		expect(requiredEffects('kubectl delete ns demo')[0]?.effect).toBe('destructive');
		expect(requiredEffects('kubectl delete namespace demo')[0]?.effect).toBe('destructive');
		expect(requiredEffects('kubectl -n demo delete pod curl')).toEqual([]);
		expect(requiredEffects('az group create -n g -l x')).toEqual([]);
	});

	it('lint requires effects on a step that runs one, with file:line', () => {
		const root = labWith({'03-danger.yaml': lesson('    run: kubectl delete ns demo\n')});
		expect(lint(root)).toEqual([`lessons/03-danger.yaml:6 steps[0]: runs kubectl delete namespace, so the step needs effects: [destructive] (the real target asks before it runs)`]);
	});

	it('lint requires resources on destructive steps, a group on an aksCluster, declared variables', () => {
		const root = labWith({
			'03-danger.yaml': lesson(`    run: kubectl delete ns demo
    effects: [destructive]
`),
			'04-more.yaml': lesson(`    run: az aks create -n x
    effects: [costly, expensive]
`).replace('id: danger', 'id: more'),
			'05-res.yaml': lesson(`    run: az aks delete -n x
    effects: [destructive]
    resources:
      - {kind: aksCluster, name: '\${CLUSTR_NAME}'}
`).replace('id: danger', 'id: res'),
		});
		const issues = lint(root).join('\n');
		expect(issues).toContain('lessons/03-danger.yaml:10 steps[0].effects: a destructive step needs resources: (kind, name)');
		expect(issues).toMatch(/lessons\/04-more.yaml:10 steps\[0\]\.effects\[1\]: .*costly.*irreversible.*destructive/);
		expect(issues).toContain('lessons/05-res.yaml:12 steps[0].resources[0]: an aksCluster needs group: (its resource group)');
		expect(issues).toContain('names no variable');
	});

	it('lint requires cleanupEffects where a cleanup deletes, resources for its name, and an Azure resource for guard: labTags', () => {
		const root = labWith({
			'03-danger.yaml': lesson(`    run: kubectl create ns demo
    cleanup: kubectl delete ns demo
`),
			'04-more.yaml': lesson(`    run: kubectl create ns demo
    cleanup: kubectl delete ns demo
    cleanupEffects: [destructive]
`).replace('id: danger', 'id: more'),
			'05-guard.yaml': lesson(`    run: kubectl get ns
    guard: labTags
    resources:
      - {kind: namespace, name: demo, vmSize: Standard_DS2_v2}
`).replace('id: danger', 'id: guard'),
		});
		const issues = lint(root).join('\n');
		expect(issues).toContain('lessons/03-danger.yaml:10 steps[0].cleanup: the cleanup runs kubectl delete namespace, so the step needs cleanupEffects: [destructive] (reset and going back ask first on the real target)');
		expect(issues).toContain('lessons/04-more.yaml:11 steps[0].cleanupEffects: a destructive or irreversible cleanup needs resources: (kind, name)');
		expect(issues).toContain('steps[0].guard: guard: labTags checks the tags of the Azure resources in resources:');
		expect(issues).toContain('steps[0].resources[0].vmSize: vmSize: is only for an aksCluster (its estimated cost)');
	});

	it('lint requires guard: labTags on a step whose run, solve or cleanup changes or deletes an Azure resource', () => {
		const root = labWith({
			'03-danger.yaml': lesson(`    run: az aks delete -g rg -n x --yes
    effects: [destructive]
    resources:
      - {kind: aksCluster, name: x, group: rg}
`),
			'04-update.yaml': lesson(`    run: |
      az aks update -g rg -n x \\
        --network-dataplane cilium
    effects: [irreversible]
    resources:
      - {kind: aksCluster, name: x, group: rg}
`).replace('id: danger', 'id: update'),
			'05-cleanup.yaml': lesson(`    run: az group create -n rg -l koreacentral
    cleanup: az group delete -n rg --yes
    cleanupEffects: [destructive]
    resources:
      - {kind: resourceGroup, name: rg}
`).replace('id: danger', 'id: cleanup'),
			'06-guarded.yaml': lesson(`    run: az aks update -g rg -n x --enable-acns
    effects: [costly]
    guard: labTags
    resources:
      - {kind: aksCluster, name: x, group: rg}
`).replace('id: danger', 'id: guarded'),
		});
		const issues = lint(root);
		const needs = (what: string) => `steps[0]: runs ${what}, which changes or deletes an Azure resource that may be someone else's of the same name, so the step needs guard: labTags (it acts only on what this lab home made)`;
		expect(issues).toContain(`lessons/03-danger.yaml:6 ${needs('az aks delete')}`);
		expect(issues).toContain(`lessons/04-update.yaml:6 ${needs('az aks update')}`);
		expect(issues).toContain(`lessons/05-cleanup.yaml:6 ${needs('az group delete')}`);
		expect(issues.filter((issue) => issue.includes('06-guarded'))).toEqual([]);
		// The lab's own lessons carry it wherever they run one (lessons 01, 02, 04, 08).
		expect(lintLab(path.resolve('lessons')).issues.map(formatIssue)).toEqual([]);
	});

	it('loads effects and resources; resources expand with the variables', () => {
		const root = labWith({
			'03-danger.yaml': lesson(`    run: az aks delete -n "$CLUSTER_NAME" --yes
    effects: [destructive, irreversible]
    guard: labTags
    resources:
      - {kind: aksCluster, name: '\${GREETING}', group: rg}
`),
		});
		const step = loadLab(path.join(root, 'lessons')).lessons.find((l) => l.id === 'danger')!.steps[0]!;
		expect(step.effects).toEqual(['destructive', 'irreversible']);
		expect(expandResources(step.resources!, {GREETING: 'my-aks'})).toEqual([{kind: 'aksCluster', name: 'my-aks', group: 'rg'}]);
	});

	it('every lesson of the lab declares the effects of its commands', () => {
		expect(lintLab('lessons').issues.map(formatIssue)).toEqual([]);
		const lab = loadLab('lessons');
		const steps = lab.lessons.flatMap((l) => l.steps.map((s) => [`${l.id}/${s.id}`, s.effects] as const)).filter(([, effects]) => effects);
		expect(Object.fromEntries(steps)).toMatchObject({
			'cluster/create-byocni': ['costly'],
			'install/managed-update': ['irreversible'],
			'cleanup/delete-cluster': ['destructive', 'irreversible'],
			'cleanup/delete-resource-group': ['destructive', 'irreversible'],
			'cleanup/uninstall-cilium-k8s': ['destructive'],
			'cleanup/demo-namespace': ['destructive'],
		});
	});
});

describe('stopping processes', () => {
	it('lint refuses pkill and killall: the lab stops its own jobs by their records', () => {
		const root = labWith({'03-danger.yaml': lesson('    run: pkill -f "port-forward" || true\n')});
		expect(lint(root)).toEqual([
			'lessons/03-danger.yaml:9 steps[0].run: pkill/killall stop every matching process of the user (other terminals, other learners); stop the lab\'s own jobs with `cilium-lab jobs stop NAME`',
		]);
	});
});

describe('hostile lesson files', () => {
	it('an alias bomb is a file:line error, not a crash', () => {
		const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({length: 8}, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
		const root = labWith({'03-bomb.yaml': bomb});
		const issues = lint(root);
		expect(issues).toHaveLength(1);
		expect(issues[0]).toMatch(/^lessons\/03-bomb.yaml:2 YAML: .*alias/i);
	});

	it('an oversized lesson file is refused before it is parsed', () => {
		const root = labWith({'03-big.yaml': `# ${'x'.repeat(MAX_LESSON_FILE_BYTES)}\n`});
		const started = Date.now();
		expect(lint(root)).toEqual([`lessons/03-big.yaml:1 too large: ${MAX_LESSON_FILE_BYTES + 3} bytes; a lesson file may have at most ${MAX_LESSON_FILE_BYTES} (split it into lessons)`]);
		expect(Date.now() - started).toBeLessThan(2000);
	});
});
