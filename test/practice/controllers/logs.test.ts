// The agent's and operator's start-up banner names the version of the image the container runs (src/practice/versions.ts
// CILIUM_RELEASES images; the managed Cilium's from the AKS release notes, src/practice/cloud/managed-cilium.ts).
import {describe, expect, it} from 'vitest';
import {startupLines} from '../../../src/practice/controllers/logs.js';
import {managedImages} from '../../../src/practice/cloud/managed-cilium.js';
import {ciliumRelease} from '../../../src/practice/versions.js';
import type {KubeObject, PracticeContext} from '../../../src/practice/types.js';
import {createStore} from '../../../src/practice/api/store.js';

const ctx = {store: createStore(), clock: {now: () => 0}} as unknown as PracticeContext;

function pod(labels: Record<string, string>, container: {name: string; image: string}): [KubeObject, {name: string; image: string}] {
	return [{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p', namespace: 'kube-system', uid: 'u', labels}, spec: {nodeName: 'node-0', containers: [container]}}, container];
}

const banner = (lines: string[]) => lines.find((line) => line.includes(' go version '));

describe('the Cilium start-up banner follows the image the container runs', () => {
	it.each([
		['1.16.4', 'level=info msg="Cilium 1.16.4 go version go1.22.9 linux/amd64" subsys=daemon'],
		['1.19.6', 'level=info msg="Cilium 1.19.6 go version unknown linux/amd64" subsys=daemon'],
		['1.20.0', 'level=info msg="Cilium 1.20.0 go version unknown linux/amd64" subsys=daemon'],
	])('the chart’s agent image of %s', (version, expected) => {
		const [agentPod, container] = pod({'k8s-app': 'cilium'}, {name: 'cilium-agent', image: ciliumRelease(version)!.images.agent});
		expect(banner(startupLines(agentPod, container, ctx))).toBe(expected);
	});

	it('the operator names its own image’s version', () => {
		const [operatorPod, container] = pod({'io.cilium/app': 'operator'}, {name: 'cilium-operator', image: ciliumRelease('1.18.12')!.images.operatorGeneric});
		expect(banner(startupLines(operatorPod, container, ctx))).toBe('level=info msg="Cilium Operator 1.18.12 go version unknown linux/amd64" subsys=cilium-operator-generic');
	});

	it('AKS’s managed agent on Kubernetes 1.35 (image v1.18.11-260622, AKS release 2026-07-17) says 1.18.11', () => {
		const [agentPod, container] = pod({'k8s-app': 'cilium'}, {name: 'cilium-agent', image: managedImages('1.35.6').agent});
		expect(banner(startupLines(agentPod, container, ctx))).toBe('level=info msg="Cilium 1.18.11 go version unknown linux/amd64" subsys=daemon');
	});
});
