import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {ClusterError} from '../../src/errors.js';
import {loadKubeConfig} from '../../src/kube/config.js';
import {describeKubeError} from '../../src/kube/errors.js';
import {exitCodeFromStatus} from '../../src/kube/exec.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-kubeconfig-'));
afterAll(() => fs.rmSync(dir, {recursive: true, force: true}));

function kubeconfig(name: string, contexts: string[], current?: string, server = 'https://127.0.0.1:6443'): string {
	const file = path.join(dir, name);
	const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
	for (const context of contexts) lines.push(`- name: ${context}`, `  cluster: {server: "${server}/${name}"}`);
	lines.push('users:');
	for (const context of contexts) lines.push(`- name: ${context}`, '  user: {token: abc}');
	lines.push('contexts:');
	for (const context of contexts) lines.push(`- name: ${context}`, `  context: {cluster: ${context}, user: ${context}}`);
	if (current) lines.push(`current-context: ${current}`);
	fs.writeFileSync(file, lines.join('\n') + '\n');
	return file;
}

describe('loadKubeConfig', () => {
	it('says "no cluster configured" and how to get one, never falling back to localhost:8080', () => {
		const home = path.join(dir, 'empty-home');
		fs.mkdirSync(home, {recursive: true});
		let error: unknown;
		try {
			loadKubeConfig({env: {HOME: home}});
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(ClusterError);
		expect((error as ClusterError).message).toBe(`no cluster configured (looked in ${path.join(home, '.kube', 'config')})`);
		expect((error as ClusterError).tryHint).toMatch(/cilium-lab practice start.*az aks get-credentials/);
		expect((error as ClusterError).exitCode).toBe(3);
		expect(() => loadKubeConfig({env: {KUBECONFIG: path.join(dir, 'missing')}, lang: 'ko'})).toThrow(/설정된 클러스터가 없습니다/);
	});

	it('reads KUBECONFIG from the given environment, first file wins, as kubectl does', () => {
		const first = kubeconfig('first', ['aks-1', 'shared'], 'aks-1');
		const second = kubeconfig('second', ['shared', 'kind'], 'kind');
		const kc = loadKubeConfig({env: {KUBECONFIG: [path.join(dir, 'absent'), first, second].join(path.delimiter)}});
		expect(kc.getCurrentContext()).toBe('aks-1');
		expect(kc.getContexts().map(context => context.name).sort()).toEqual(['aks-1', 'kind', 'shared']);
		expect(kc.getCluster('shared')?.server).toBe('https://127.0.0.1:6443/first');
	});

	it('--context picks a context, and an unknown one is named with the ones that exist', () => {
		const file = kubeconfig('two', ['aks-1', 'aks-2'], 'aks-1');
		expect(loadKubeConfig({env: {KUBECONFIG: file}, context: 'aks-2'}).getCurrentCluster()?.server).toBe('https://127.0.0.1:6443/two');
		expect(() => loadKubeConfig({env: {KUBECONFIG: file}, context: 'aks-3'})).toThrow('no kube context "aks-3" (known: aks-1, aks-2)');
	});

	it('a file without a current context asks for one', () => {
		const file = kubeconfig('nocurrent', ['aks-1']);
		expect(() => loadKubeConfig({env: {KUBECONFIG: file}})).toThrow(/no current kube context is set/);
	});

	it('a broken file is named', () => {
		const file = path.join(dir, 'broken');
		fs.writeFileSync(file, 'clusters: [\n');
		expect(() => loadKubeConfig({env: {KUBECONFIG: file}})).toThrow(`cannot read the kubeconfig ${file}`);
	});
});

describe('describeKubeError', () => {
	it('maps 401, 403, 404 and connection failures to what to do', () => {
		expect(describeKubeError({code: 401, body: '{"message":"Unauthorized"}'}, 'en', 'https://x')).toMatchObject({unreachable: true, message: 'the cluster at https://x refused the credentials (401 Unauthorized)'});
		expect(describeKubeError({code: 403, body: {message: 'pods is forbidden: User "x" cannot list'}}, 'en')).toMatchObject({unreachable: false, message: 'not allowed (403 Forbidden): pods is forbidden: User "x" cannot list'});
		expect(describeKubeError({code: 404, body: ''}, 'ko').message).toBe('찾을 수 없습니다 (404)');
		const refused = Object.assign(new Error('request to https://127.0.0.1:1/version failed'), {cause: {code: 'ECONNREFUSED'}});
		expect(describeKubeError(refused, 'en', 'https://127.0.0.1:1')).toMatchObject({unreachable: true, message: 'cannot reach the cluster at https://127.0.0.1:1: connection refused'});
		expect(describeKubeError(refused, 'ko', 'https://127.0.0.1:1')).toMatchObject({unreachable: true, message: '클러스터(https://127.0.0.1:1)에 연결할 수 없습니다: 연결이 거부되었습니다'});
		expect(describeKubeError(refused, 'en').message).toBe('cannot reach the cluster: connection refused');
		expect(describeKubeError(Object.assign(new Error('x'), {code: 'DEPTH_ZERO_SELF_SIGNED_CERT'}), 'en').message).toMatch(/not trusted/);
	});
});

describe('exitCodeFromStatus', () => {
	it('reads the exit code from the exec Status', () => {
		expect(exitCodeFromStatus({status: 'Success'})).toBe(0);
		expect(exitCodeFromStatus({status: 'Failure', reason: 'NonZeroExitCode', details: {causes: [{reason: 'ExitCode', message: '28'}]}})).toBe(28);
		expect(exitCodeFromStatus({status: 'Failure', reason: 'InternalError', message: 'exec: "curl": executable file not found in $PATH'})).toBeUndefined();
		expect(exitCodeFromStatus(undefined)).toBeUndefined();
	});
});
