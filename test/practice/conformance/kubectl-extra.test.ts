// Conformance table: kubectl beyond get/apply on the practice cluster (k8s track, instant speed): `auth can-i`
// (a SelfSubjectAccessReview, k8s.io/kubectl pkg/cmd/auth/cani.go: "yes"/"no"), `auth whoami` (a SelfSubjectReview
// in authentication.k8s.io/v1, pkg/cmd/auth/whoami.go: its ATTRIBUTE/VALUE table), as AKS answers them for the local
// admin credentials `az aks get-credentials` gives (CN=masterclient, O=system:masters).
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {execa} from 'execa';
import {kubectlVersion} from '../../helpers/kubectl.js';
import {TestPractice} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-kubectl-', speed: 'instant', track: 'k8s'});
const {run} = practice;

beforeAll(async () => {
	await practice.start();
}, 120_000);

afterAll(() => practice.stop());

/** Polls a condition the controllers reach asynchronously (bounded: 40 tries, 100 ms apart). */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
	for (let attempt = 0; attempt < 40; attempt++) {
		if (await condition()) return;
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	throw new Error('condition not reached');
}

describe('kubectl auth (conformance table)', () => {
	it('auth can-i create pods: yes, exit 0 — cani.go', async () => {
		const result = await run('kubectl', ['auth', 'can-i', 'create', 'pods']);
		expect(result.stdout).toBe('yes');
		expect(result.code).toBe(0);
	});

	it('auth can-i delete nodes --all-namespaces: the admin may — system:masters', async () => {
		expect((await run('kubectl', ['auth', 'can-i', 'delete', 'nodes', '--all-namespaces'])).stdout).toBe('yes');
	});

	it('auth whoami: the user and groups table — whoami.go printTableSelfSubjectAccessReview', async () => {
		const result = await run('kubectl', ['auth', 'whoami']);
		expect(result.stdout).toBe('ATTRIBUTE   VALUE\nUsername    masterclient\nGroups      [system:masters system:authenticated]');
	});

	it('auth whoami -o json: a SelfSubjectReview of authentication.k8s.io/v1 — pkg/apis/authentication/v1', async () => {
		const result = await run('kubectl', ['auth', 'whoami', '-o', 'json']);
		const review = JSON.parse(result.stdout) as {kind: string; apiVersion: string; status: {userInfo: {username: string; groups: string[]}}};
		expect(review.kind).toBe('SelfSubjectReview');
		expect(review.apiVersion).toBe('authentication.k8s.io/v1');
		expect(review.status.userInfo).toEqual({username: 'masterclient', groups: ['system:masters', 'system:authenticated']});
	});

	it('the review kinds are in discovery with the one verb they have (create) — kubectl api-resources', async () => {
		const result = await run('kubectl', ['api-resources', '--api-group=authorization.k8s.io', '-o', 'wide']);
		expect(result.stdout).toMatch(/selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview\s+create/);
	});

	it('a review is answered, never stored: get is not a verb it has — MethodNotSupported', async () => {
		const result = await run('kubectl', ['get', 'selfsubjectaccessreviews']);
		expect(result.stderr).toMatch(/^Error from server \(MethodNotAllowed\): the server does not allow this method on the requested resource/);
		expect(result.code).toBe(1);
	});
});

describe('kubectl auth across the kubectl versions on this machine (conformance table)', () => {
	const versioned = async (version: string, args: string[]) => {
		const result = await execa(kubectlVersion(version), args, {env: practice.env, reject: false, timeout: 30_000});
		return {code: result.exitCode, stdout: result.stdout, stderr: result.stderr};
	};

	it('kubectl 1.32 and 1.33 send the reviews as protobuf: can-i and whoami still answer — typed clients, kubernetes.proto authorization/v1', async () => {
		for (const version of ['1.32', '1.33']) {
			expect((await versioned(version, ['auth', 'can-i', 'create', 'pods'])).stdout).toBe('yes');
			expect((await versioned(version, ['auth', 'whoami'])).stdout).toBe('ATTRIBUTE   VALUE\nUsername    masterclient\nGroups      [system:masters system:authenticated]');
		}
	});

	it('kubectl 1.27 asks only v1alpha1/v1beta1 SelfSubjectReview, which a 1.30 API server does not serve — whoami.go notEnabledErr; pkg/controlplane/instance.go betaAPIGroupVersionsDisabledByDefault', async () => {
		const result = await versioned('1.27', ['auth', 'whoami']);
		expect(result.stderr).toBe('error: the selfsubjectreviews API is not enabled in the cluster\nenable APISelfSubjectReview feature gate and authentication.k8s.io/v1alpha1 or authentication.k8s.io/v1beta1 API');
		expect(result.code).toBe(1);
	});

	it('auth can-i --list: the bootstrap roles of system:masters and system:authenticated, as kubectl prints a SelfSubjectRulesReview — cani.go printStatus, bootstrappolicy/policy.go', async () => {
		const result = await run('kubectl', ['auth', 'can-i', '--list']);
		const rows = result.stdout.split('\n');
		expect(rows[0]).toBe('Resources                                       Non-Resource URLs   Resource Names   Verbs');
		expect(rows.slice(1, 6)).toEqual([
			'*.*                                             []                  []               [*]',
			'                                                [*]                 []               [*]',
			'selfsubjectreviews.authentication.k8s.io        []                  []               [create]',
			'selfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]',
			'selfsubjectrulesreviews.authorization.k8s.io    []                  []               [create]',
		]);
		// system:discovery and system:public-info-viewer both list /healthz: kubectl prints both rules.
		expect(rows.filter(row => row.includes('[/healthz]'))).toHaveLength(2);
		expect(rows).toHaveLength(22);
		expect((await versioned('1.33', ['auth', 'can-i', '--list', '-n', 'kube-system'])).stdout.split('\n')).toHaveLength(22);
	});
});

// kubectl rollout history/undo read and patch what the deployment controller keeps (k8s.io/kubernetes
// pkg/controller/deployment/util/deployment_util.go: SetNewReplicaSetAnnotations, SetDeploymentRevision,
// copyDeploymentAnnotationsToReplicaSet; kubectl pkg/polymorphichelpers/rollback.go DeploymentRollbacker,
// pkg/polymorphichelpers/history.go).
describe('kubectl rollout history/undo (conformance table)', () => {
	const customColumns = 'custom-columns=IMAGE:.spec.template.spec.containers[0].image,REPLICAS:.spec.replicas,REVISION:.metadata.annotations.deployment\\.kubernetes\\.io/revision,HISTORY:.metadata.annotations.deployment\\.kubernetes\\.io/revision-history';

	beforeAll(async () => {
		await run('kubectl', ['create', 'namespace', 'rollout']);
		expect((await run('kubectl', ['-n', 'rollout', 'create', 'deployment', 'web', '--image=nginx:1.27'])).code).toBe(0);
		await waitFor(async () => (await run('kubectl', ['-n', 'rollout', 'get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'])).stdout === '1');
		expect((await run('kubectl', ['-n', 'rollout', 'set', 'image', 'deploy/web', 'nginx=nginx:1.26'])).code).toBe(0);
		expect((await run('kubectl', ['-n', 'rollout', 'annotate', 'deploy/web', 'kubernetes.io/change-cause=nginx 1.26'])).code).toBe(0);
		await waitFor(async () => (await run('kubectl', ['-n', 'rollout', 'rollout', 'history', 'deploy/web'])).stdout.includes('nginx 1.26'));
	}, 60_000);

	it('the Deployment carries its newest ReplicaSet\'s revision — SetDeploymentRevision', async () => {
		expect((await run('kubectl', ['-n', 'rollout', 'get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'])).stdout).toBe('2');
	});

	it('rollout history: a revision per ReplicaSet, the change-cause copied from the Deployment — history.go', async () => {
		const result = await run('kubectl', ['-n', 'rollout', 'rollout', 'history', 'deploy/web']);
		expect(result.stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         nginx 1.26\n');
	});

	it('rollout undo: "rolled back", the old ReplicaSet reused as revision 3 with revision-history 1 — rollback.go, SetNewReplicaSetAnnotations', async () => {
		const result = await run('kubectl', ['-n', 'rollout', 'rollout', 'undo', 'deploy/web']);
		expect(result.stdout, result.stderr).toBe('deployment.apps/web rolled back');
		await waitFor(async () => (await run('kubectl', ['-n', 'rollout', 'get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'])).stdout === '3');
		const replicaSets = (await run('kubectl', ['-n', 'rollout', 'get', 'rs', '-o', customColumns, '--no-headers'])).stdout.split('\n').map(line => line.split(/\s+/));
		expect(replicaSets.map(([image, , revision, history]) => [image, revision, history]).sort()).toEqual([['nginx:1.26', '2', '<none>'], ['nginx:1.27', '3', '1']]);
		expect((await run('kubectl', ['-n', 'rollout', 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout).toBe('nginx:1.27');
		// The rolled-back Deployment takes revision 1's annotations: its change-cause is gone.
		expect((await run('kubectl', ['-n', 'rollout', 'rollout', 'history', 'deploy/web'])).stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         nginx 1.26\n3         <none>\n');
	});

	it('undo to the revision it already runs is skipped — rollbackSkipped', async () => {
		const result = await run('kubectl', ['-n', 'rollout', 'rollout', 'undo', 'deploy/web', '--to-revision=3']);
		expect(result.stdout).toBe('deployment.apps/web skipped rollback (current template already matches revision 3)');
	});

	it('undo to a revision that does not exist — revisionNotFoundErr', async () => {
		const result = await run('kubectl', ['-n', 'rollout', 'rollout', 'undo', 'deploy/web', '--to-revision=9']);
		expect(result.stderr).toBe('error: unable to find specified revision 9 in history');
		expect(result.code).toBe(1);
	});
});

// DaemonSets keep their history in ControllerRevisions (k8s.io/kubernetes pkg/controller/daemon/update.go
// constructHistory/snapshot: data = the patch kubectl's DaemonSetRollbacker applies, annotations copied from the
// DaemonSet); kubectl reads them (pkg/polymorphichelpers/history.go DaemonSetHistoryViewer, rollback.go).
describe('kubectl rollout history/undo of a DaemonSet (conformance table)', () => {
	const daemonSet = {
		apiVersion: 'apps/v1',
		kind: 'DaemonSet',
		metadata: {name: 'agent', namespace: 'rollout'},
		spec: {selector: {matchLabels: {app: 'agent'}}, template: {metadata: {labels: {app: 'agent'}}, spec: {containers: [{name: 'agent', image: 'busybox:1.36', command: ['sleep', 'infinity']}]}}},
	};

	it('a revision per template, change-cause from the DaemonSet\'s annotation — snapshot, history.go', async () => {
		expect((await run('kubectl', ['apply', '-f', '-'], {input: JSON.stringify(daemonSet)})).code).toBe(0);
		await waitFor(async () => (await run('kubectl', ['-n', 'rollout', 'get', 'controllerrevisions', '-o', 'name'])).stdout.includes('controllerrevision.apps/agent-'));
		expect((await run('kubectl', ['-n', 'rollout', 'annotate', 'ds/agent', 'kubernetes.io/change-cause=busybox 1.37'])).code).toBe(0);
		expect((await run('kubectl', ['-n', 'rollout', 'set', 'image', 'ds/agent', 'agent=busybox:1.37'])).code).toBe(0);
		await waitFor(async () => (await run('kubectl', ['-n', 'rollout', 'rollout', 'history', 'ds/agent'])).stdout.includes('busybox 1.37'));
		expect((await run('kubectl', ['-n', 'rollout', 'rollout', 'history', 'ds/agent'])).stdout).toBe('daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n1         <none>\n2         busybox 1.37\n');
	});

	it('undo applies the previous revision\'s template; that revision becomes 3 — DaemonSetRollbacker, constructHistory', async () => {
		expect((await run('kubectl', ['-n', 'rollout', 'rollout', 'undo', 'ds/agent'])).stdout).toBe('daemonset.apps/agent rolled back');
		expect((await run('kubectl', ['-n', 'rollout', 'get', 'ds', 'agent', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout).toBe('busybox:1.36');
		await waitFor(async () => (await run('kubectl', ['-n', 'rollout', 'rollout', 'history', 'ds/agent'])).stdout.includes('3 '));
		expect((await run('kubectl', ['-n', 'rollout', 'rollout', 'history', 'ds/agent'])).stdout).toBe('daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n2         busybox 1.37\n3         <none>\n');
	});
});

