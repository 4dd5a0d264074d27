// Conformance table: kubectl beyond get/apply on the practice cluster (k8s track, instant speed): `auth can-i`
// (a SelfSubjectAccessReview, k8s.io/kubectl pkg/cmd/auth/cani.go: "yes"/"no"), `auth whoami` (a SelfSubjectReview
// in authentication.k8s.io/v1, pkg/cmd/auth/whoami.go: its ATTRIBUTE/VALUE table), as AKS answers them for the local
// admin credentials `az aks get-credentials` gives (CN=masterclient, O=system:masters).
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TestPractice} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-kubectl-', speed: 'instant', track: 'k8s'});
const {run} = practice;

beforeAll(async () => {
	await practice.start();
}, 120_000);

afterAll(() => practice.stop());

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
