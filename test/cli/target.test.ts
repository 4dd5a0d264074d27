import {execFileSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {kubeContexts, resolveTarget} from '../../src/target.js';
import {tempDirs} from '../helpers/temp.js';

const newTempDir = tempDirs();
const tempDir = () => newTempDir('target-');

const kubeconfigText = `apiVersion: v1
kind: Config
current-context: first
clusters:
- name: c
  cluster: {server: 'https://127.0.0.1:1'}
users:
- name: u
  user: {token: t}
contexts:
- name: first
  context: {cluster: c, user: u}
- name: second
  context: {cluster: c, user: u, namespace: demo}
`;

describe('resolveTarget', () => {
	it('real without --context: the environment as it is', async () => {
		const resolved = await resolveTarget({target: 'real', lang: 'en', home: tempDir(), track: 'k8s', env: {PATH: '/bin', KUBECONFIG: '/k', LAB_KUBE_CONTEXT: 'stale'}});
		expect(resolved).toEqual({target: {kind: 'real'}, env: {PATH: '/bin', KUBECONFIG: '/k'}, describe: 'kube context: current'});
	});

	it('real with --context: kubectl uses that context without the learner\'s kubeconfig being changed', async () => {
		const dir = tempDir();
		const home = tempDir();
		const kubeconfig = path.join(dir, 'config');
		writeFileSync(kubeconfig, kubeconfigText);
		const resolved = await resolveTarget({target: 'real', lang: 'en', context: 'second', home, track: 'k8s', env: {PATH: process.env.PATH, KUBECONFIG: kubeconfig}});
		expect(resolved.context).toBe('second');
		expect(resolved.env.LAB_KUBE_CONTEXT).toBe('second');
		expect(resolved.env.KUBECONFIG).toBe(`${path.join(home, 'real', 'current-context.yaml')}${path.delimiter}${kubeconfig}`);
		// Real kubectl reads the merged files the way it does for every command a lesson runs.
		const current = execFileSync('kubectl', ['config', 'current-context'], {env: resolved.env, encoding: 'utf8'});
		expect(current.trim()).toBe('second');
		const namespace = execFileSync('kubectl', ['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].context.namespace}'], {env: resolved.env, encoding: 'utf8'});
		expect(namespace).toBe('demo');
		expect(readFileSync(kubeconfig, 'utf8')).toBe(kubeconfigText);
	});

	it('refuses a context that is not there, naming the ones that are; and --context with practice', async () => {
		const dir = tempDir();
		const kubeconfig = path.join(dir, 'config');
		writeFileSync(kubeconfig, kubeconfigText);
		expect(await kubeContexts([kubeconfig, path.join(dir, 'missing')])).toEqual(['first', 'second']);
		await expect(resolveTarget({target: 'real', lang: 'en', context: 'secnd', home: tempDir(), track: 'k8s', env: {KUBECONFIG: kubeconfig}})).rejects.toThrow(
			`no kube context "secnd" in ${kubeconfig} (did you mean "second"?); the contexts there are first, second`,
		);
		await expect(resolveTarget({target: 'real', lang: 'en', context: 'x', home: tempDir(), track: 'k8s', env: {KUBECONFIG: path.join(dir, 'none')}})).rejects.toMatchObject({
			exitCode: 3,
			message: expect.stringContaining('no cluster configured'),
		});
		await expect(resolveTarget({target: 'real', lang: 'ko', context: 'x', home: tempDir(), track: 'k8s', env: {KUBECONFIG: path.join(dir, 'none')}})).rejects.toMatchObject({
			exitCode: 3,
			message: `설정된 클러스터가 없습니다: ${path.join(dir, 'none')}에 kube 컨텍스트가 없습니다`,
		});
		await expect(resolveTarget({target: 'practice', lang: 'en', context: 'first', home: tempDir(), track: 'k8s'})).rejects.toThrow('--context names a context of your own kubeconfig');
	});
});
