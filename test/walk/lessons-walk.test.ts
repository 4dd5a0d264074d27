// Every lesson of every track, walked headless through the built app on a fresh practice cluster, as a
// facilitator would: each step's checks are asked once before it runs (they must fail: nothing has done the
// step's work yet), then `cilium-lab run LESSON/STEP --yes --solve` must pass.
// Needs `npm run build` first (npm test does it).
import {describe, expect, it} from 'vitest';
import type {TrackId} from '../../src/lab/types.js';
import {freePort, walkEnv, walkTrack} from './walk.js';
import {walkFileLifecycle} from './file-lifecycle.js';
import {GUIDE_CILIUM_VERSION, NEWEST_CILIUM_VERSION} from '../../src/practice/versions.js';

/**
 * Steps whose checks legitimately pass before they run: they observe what an earlier step already did and
 * change nothing themselves. Anything else that passes before its command is a check that proves nothing.
 */
const PASS_BEFORE_ALLOWED = new Set([
	// preflight: the tools are installed before the lab starts (kubectl/helm/cilium/hubble versions).
	'preflight/kubectl-helm',
	'preflight/cilium-cli',
	'preflight/hubble-cli',
	// k8s track: the existing cluster and its context are there from the start (the point of the track).
	'preflight/kube-context-k8s',
	// `cilium-lab doctor versions` reads the versions the cluster (or the chosen CILIUM_VERSION) already has.
	'preflight/versions',
	'cluster/existing-cluster',
	// `kubectl get nodes` right after get-credentials: NotReady (BYOCNI) / Ready (managed) is the cluster's state.
	'cluster/nodes-notready',
	'cluster/nodes-ready',
	// `cilium status`, the managed track's pods + CRDs, `helm ls/history/get values`, Hubble's pods after enabling.
	'install/status',
	'install/managed-verify',
	'install/helm-inspect-k8s',
	'hubble/verify',
	// curl/hubble observations of the policy the step before applied (policy 2; policy 3; a breakage).
	'fqdn-policy/try-it',
	'troubleshooting/symptom',
	'troubleshooting/observe-in-agent',
	'troubleshooting/observe-cli',
	'troubleshooting/find-dns',
	'troubleshooting/find-pattern',
	// A headless run leaves no port-forward running (its jobs stop when it ends), so there is nothing left to stop.
	'cleanup/port-forwards',
]);

/**
 * Every track at the guide's Cilium (CILIUM_VERSION's default, 1.16.4), and the tracks that install Cilium themselves
 * again at the newest offered version (src/practice/versions.ts); aks-managed's Cilium comes with AKS.
 */
const WALKS: Array<[TrackId, string]> = [
	['aks-byocni', GUIDE_CILIUM_VERSION],
	['aks-managed', GUIDE_CILIUM_VERSION],
	['k8s', GUIDE_CILIUM_VERSION],
	['aks-byocni', NEWEST_CILIUM_VERSION],
	['k8s', NEWEST_CILIUM_VERSION],
];

const started = walkFileLifecycle(90_000);

describe.concurrent('the lessons, walked on the practice cluster', () => {
	it.each(WALKS)('track %s, Cilium %s: every step fails its checks before it runs and passes after its solve', async (track, version) => {
		const lab = walkEnv();
		started.push(lab);
		// Each walk forwards the Hubble UI and Hubble Relay to ports of its own (both are lab variables), so walks and
		// an open lab never collide.
		const walked = await walkTrack(track, lab.env, {
			stepTimeoutMs: 120_000,
			log: process.env.WALK_LOG ? (line) => console.log(line) : undefined,
			set: [`HUBBLE_UI_PORT=${await freePort()}`, `HUBBLE_RELAY_PORT=${await freePort()}`, ...(track === 'aks-managed' ? [] : [`CILIUM_VERSION=${version}`])],
		});

		const failed = walked.filter((step) => step.exitCode !== 0 || !['done', 'solved'].includes(step.status ?? ''));
		expect(failed.map((step) => `${step.ref}: exit ${step.exitCode} ${step.status ?? ''} ${step.failure ?? ''}`)).toEqual([]);

		const passedBefore = walked.filter((step) => step.passedBefore !== false && step.before !== undefined && !PASS_BEFORE_ALLOWED.has(step.ref));
		expect(passedBefore.map((step) => `${step.ref}: its checks passed before it ran: ${step.before}`)).toEqual([]);

		// The list stays short: an entry whose step now fails before it runs has become a real check; remove it.
		const stale = walked.filter((step) => PASS_BEFORE_ALLOWED.has(step.ref) && step.passedBefore === false);
		expect(stale.map((step) => `${step.ref} is allow-listed but its checks fail before it runs now`)).toEqual([]);

		const checked = walked.filter((step) => step.before !== undefined).length;
		expect(checked).toBeGreaterThan(20);
	}, 600_000);
});
