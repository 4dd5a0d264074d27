// Real kubectl 1.27, 1.28 and 1.33 against a started practice cluster: 1.33 sends its typed creates as protobuf,
// 1.27 and 1.28 read /openapi/v2 as protobuf before `apply`.
import {execFile} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {kubectlVersion} from '../../helpers/kubectl.js';
import {TestPractice} from '../../helpers/practice.js';

const kubectlOf = kubectlVersion;
const practice = new TestPractice({homePrefix: 'practice-protobuf-', speed: 'instant', track: 'k8s'});

function kubectl(version: string, args: string[], input?: string): Promise<{stdout: string; stderr: string; code: number}> {
	return new Promise((resolve) => {
		const child = execFile(kubectlOf(version), args, {env: practice.env, timeout: 30_000}, (error, stdout, stderr) => {
			resolve({stdout, stderr, code: error ? ((error as {code?: number}).code ?? 1) : 0});
		});
		if (input !== undefined) child.stdin!.end(input);
	});
}

beforeAll(async () => {
	process.env.CILIUM_LAB_PRACTICE_SPEED = 'instant';
	await practice.start();
}, 120_000);

afterAll(() => practice.stop());

describe('kubectl 1.33 typed creates (protobuf bodies)', () => {
	it('runs the lessons commands: create ns, run, create configmap/secret/deployment, expose, get, delete', async () => {
		expect(await kubectl('1.33', ['create', 'ns', 'demo'])).toMatchObject({stdout: 'namespace/demo created\n', code: 0});
		expect((await kubectl('1.33', ['run', 'curl', '-n', 'demo', '--image=alpine/curl', '--labels=app=client', '--command', '--', 'sleep', '365d'])).stdout).toBe('pod/curl created\n');
		expect((await kubectl('1.33', ['create', 'configmap', 'settings', '-n', 'demo', '--from-literal=mode=strict'])).stdout).toBe('configmap/settings created\n');
		expect((await kubectl('1.33', ['create', 'secret', 'generic', 'token', '-n', 'demo', '--from-literal=key=s3cret'])).stdout).toBe('secret/token created\n');
		expect((await kubectl('1.33', ['create', 'deployment', 'web', '-n', 'demo', '--image=nginx', '--replicas=2', '--port=80'])).stdout).toBe('deployment.apps/web created\n');
		expect((await kubectl('1.33', ['expose', 'deployment', 'web', '-n', 'demo', '--port=80'])).stdout).toBe('service/web exposed\n');

		expect((await kubectl('1.33', ['get', 'ns', 'demo', '-o', 'jsonpath={.status.phase}'])).stdout).toBe('Active');
		expect((await kubectl('1.33', ['get', 'cm', 'settings', '-n', 'demo', '-o', 'jsonpath={.data.mode}'])).stdout).toBe('strict');
		expect(Buffer.from((await kubectl('1.33', ['get', 'secret', 'token', '-n', 'demo', '-o', 'jsonpath={.data.key}'])).stdout, 'base64').toString()).toBe('s3cret');
		const deployment = JSON.parse((await kubectl('1.33', ['get', 'deployment', 'web', '-n', 'demo', '-o', 'json'])).stdout);
		expect(deployment.spec).toMatchObject({replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {spec: {containers: [{name: 'nginx', image: 'nginx', ports: [{containerPort: 80, protocol: 'TCP'}]}]}}});
		const pods = await kubectl('1.33', ['get', 'pods', '-n', 'demo', '-l', 'app=client']);
		expect(pods.stdout).toMatch(/^curl\s+[01]\/1\s/m);

		expect((await kubectl('1.33', ['create', 'ns', 'demo'])).stderr).toBe('Error from server (AlreadyExists): namespaces "demo" already exists\n');
		expect((await kubectl('1.33', ['delete', 'deployment', 'web', '-n', 'demo'])).stdout).toBe('deployment.apps "web" deleted\n');
		expect((await kubectl('1.33', ['delete', 'ns', 'demo'])).stdout).toBe('namespace "demo" deleted\n');
	});
});

for (const version of ['1.27', '1.28']) {
	describe(`kubectl ${version} apply (OpenAPI v2 as protobuf)`, () => {
		const ns = `apply-${version.replace('.', '-')}`;
		it('applies a ConfigMap and a NetworkPolicy twice, the second time unchanged', async () => {
			expect((await kubectl(version, ['create', 'ns', ns])).stdout).toBe(`namespace/${ns} created\n`);
			const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${ns}\ndata:\n  mode: strict\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-ingress\n  namespace: ${ns}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n`;
			const file = path.join(practice.home, `${ns}.yaml`);
			fs.writeFileSync(file, manifest);
			const first = await kubectl(version, ['apply', '-f', file]);
			expect(first.stderr).toBe('');
			expect(first.stdout).toBe(`configmap/settings created\nnetworkpolicy.networking.k8s.io/deny-ingress created\n`);
			expect((await kubectl(version, ['apply', '-f', file])).stdout).toBe(`configmap/settings unchanged\nnetworkpolicy.networking.k8s.io/deny-ingress unchanged\n`);
			fs.writeFileSync(file, manifest.replace('strict', 'relaxed'));
			expect((await kubectl(version, ['apply', '-f', file])).stdout).toBe(`configmap/settings configured\nnetworkpolicy.networking.k8s.io/deny-ingress unchanged\n`);
			expect((await kubectl(version, ['get', 'cm', 'settings', '-n', ns, '-o', 'jsonpath={.data.mode}'])).stdout).toBe('relaxed');
			expect((await kubectl(version, ['delete', '-f', file])).code).toBe(0);
		});
	});
}
