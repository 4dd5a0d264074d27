// Explain (`e` on an egress check) looks at the pod the check runs curl in: podFor picks with the checks' own rule
// (pickPod), not the first pod kubectl lists. kubectl is a stand-in on PATH that prints a fixed pod list.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {pickPod} from '../../src/checks/logic.js';
import {podFor} from '../../src/ui/main.js';
import {tempDirs} from '../helpers/temp.js';

const tempDir = tempDirs();

const pod = (name: string, options: {phase?: string; ready?: boolean; deleting?: boolean} = {}) => ({
	metadata: {name, namespace: 'demo', labels: {app: 'client'}, ...(options.deleting ? {deletionTimestamp: '2024-01-01T00:00:00Z'} : {})},
	status: {phase: options.phase ?? 'Running', conditions: [{type: 'Ready', status: options.ready === false ? 'False' : 'True'}]},
});

/** A kubectl that records its arguments and prints `pods` as `kubectl get pods -o json` would. */
function fakeKubectl(pods: object[], exitCode = 0): {env: Record<string, string>; argsFile: string} {
	const dir = tempDir('explain-pod-');
	const listFile = path.join(dir, 'pods.json');
	const argsFile = path.join(dir, 'args');
	fs.writeFileSync(listFile, JSON.stringify({apiVersion: 'v1', kind: 'List', items: pods}));
	const script = exitCode === 0
		? `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\ncat '${listFile}'\n`
		: `#!/bin/sh\necho 'error: You must be logged in to the server (Unauthorized)' >&2\nexit ${exitCode}\n`;
	fs.writeFileSync(path.join(dir, 'kubectl'), script, {mode: 0o755});
	return {env: {PATH: `${dir}${path.delimiter}${process.env.PATH}`}, argsFile};
}

const request = (env: Record<string, string>) => ({namespace: 'demo', selector: 'app=client', url: 'https://api.github.com', env});

describe('podFor (explain)', () => {
	it('takes the pod the check takes: not the first listed when that one is not Ready', async () => {
		const pods = [pod('client-starting', {ready: false}), pod('client-ready')];
		expect(pickPod(pods)?.metadata.name).toBe('client-ready');
		const kubectl = fakeKubectl(pods);
		expect(await podFor(request(kubectl.env))).toBe('client-ready');
		expect(fs.readFileSync(kubectl.argsFile, 'utf8').split('\n')).toEqual(['get', 'pods', '-n', 'demo', '-l', 'app=client', '-o', 'json', '']);
	});

	it('skips a pod being deleted and one not Running yet', async () => {
		const kubectl = fakeKubectl([pod('client-old', {deleting: true}), pod('client-pending', {phase: 'Pending', ready: false}), pod('client-new')]);
		expect(await podFor(request(kubectl.env))).toBe('client-new');
	});

	it('says when no pod matches, when none is Running, and when kubectl fails', async () => {
		await expect(podFor(request(fakeKubectl([]).env))).rejects.toThrow('no pod in demo matches app=client');
		await expect(podFor(request(fakeKubectl([pod('client', {phase: 'Pending', ready: false})]).env))).rejects.toThrow('no Running pod in demo matches app=client');
		await expect(podFor(request(fakeKubectl([], 1).env))).rejects.toThrow('kubectl get pods -n demo -l app=client failed: error: You must be logged in to the server (Unauthorized)');
	});
});
