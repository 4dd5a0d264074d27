// Practice cluster speed, as ratios measured in one run (run `npm run build` first):
//   practice start (daemon spawned, ready)  vs  node -e 0                     target ≤ 3×
//   kubectl get pods -A against it          vs  kubectl version --client      target ≤ 1.5×
//   client-node: list 1,000 pods            vs  list an empty namespace       target ≤ 5×
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'dist', 'cilium-lab.js');
if (!fs.existsSync(path.join(root, 'dist', 'practice-daemon.js'))) {
	console.error('run `npm run build` first');
	process.exit(1);
}

function median(samples) {
	const sorted = [...samples].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}
function time(fn, runs) {
	const samples = [];
	for (let index = 0; index < runs; index++) {
		const start = performance.now();
		fn();
		samples.push(performance.now() - start);
	}
	return median(samples);
}
async function timeAsync(fn, runs) {
	const samples = [];
	for (let index = 0; index < runs; index++) {
		const start = performance.now();
		await fn();
		samples.push(performance.now() - start);
	}
	return median(samples);
}
const report = (name, value, baseline, target) =>
	console.log(`${name.padEnd(44)} ${value.toFixed(1).padStart(8)} ms / ${baseline.toFixed(1).padStart(7)} ms = ${(value / baseline).toFixed(2)}× (target ≤ ${target}×)`);

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-bench-'));
const env = {...process.env, CILIUM_LAB_HOME: home, CILIUM_LAB_PRACTICE_SPEED: 'instant'};
const practice = (command, ...args) => execFileSync(process.execPath, [cli, 'practice', command, ...args], {env, stdio: 'pipe'});
try {
	// 1. Start: the credentials exist after the first start; each sample starts a stopped daemon.
	practice('start', '--track', 'k8s');
	practice('stop');
	const nodeBaseline = time(() => execFileSync(process.execPath, ['-e', '0']), 7);
	const starts = [];
	for (let index = 0; index < 5; index++) {
		const began = performance.now();
		practice('start');
		starts.push(performance.now() - began);
		practice('stop');
	}
	report('practice start (ready) vs node -e 0', median(starts), nodeBaseline, 3);

	// 2. kubectl get pods -A.
	practice('start', '--track', 'k8s');
	const kubeEnv = {...env, KUBECONFIG: path.join(home, 'practice', 'kubeconfig'), KUBECACHEDIR: path.join(home, 'practice', 'kube-cache')};
	execFileSync('kubectl', ['get', 'pods', '-A'], {env: kubeEnv, stdio: 'pipe'});
	const kubectlBaseline = time(() => execFileSync('kubectl', ['version', '--client'], {env: kubeEnv, stdio: 'pipe'}), 7);
	const getPods = time(() => execFileSync('kubectl', ['get', 'pods', '-A'], {env: kubeEnv, stdio: 'pipe'}), 7);
	report('kubectl get pods -A vs kubectl version --client', getPods, kubectlBaseline, 1.5);

	// 3. client-node: 1,000 pods in one namespace vs an empty one. The pods are written into the
	// state journal while the daemon is stopped (creating them through the API would measure the
	// controllers, not the list).
	practice('stop');
	const journal = path.join(home, 'practice', 'state.json.journal');
	let rv = 1_000_000;
	const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
	const lines = [];
	for (const namespace of ['bench-empty', 'bench-full']) {
		lines.push({op: 'put', rv: ++rv, key: `|Namespace||${namespace}`, object: {apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace, uid: `ns-${namespace}`, resourceVersion: String(rv), creationTimestamp: at, labels: {'kubernetes.io/metadata.name': namespace}}, spec: {finalizers: ['kubernetes']}, status: {phase: 'Active'}}});
	}
	for (let index = 0; index < 1000; index++) {
		const name = `pod-${index}`;
		lines.push({
			op: 'put',
			rv: ++rv,
			key: `|Pod|bench-full|${name}`,
			object: {
				apiVersion: 'v1',
				kind: 'Pod',
				metadata: {name, namespace: 'bench-full', uid: `uid-${index}`, resourceVersion: String(rv), creationTimestamp: at, labels: {app: 'bench'}},
				spec: {nodeName: 'bench-node', containers: [{name: 'main', image: 'alpine:3.20', command: ['sleep', '365d'], imagePullPolicy: 'IfNotPresent', resources: {}}], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', serviceAccountName: 'default'},
				status: {phase: 'Running', podIP: `10.244.${Math.floor(index / 250)}.${index % 250}`, qosClass: 'BestEffort', conditions: [{type: 'Ready', status: 'True'}], containerStatuses: [{name: 'main', ready: true, restartCount: 0, state: {running: {startedAt: at}}, image: 'alpine:3.20', imageID: '', started: true}]},
			},
		});
	}
	fs.appendFileSync(journal, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
	practice('start');
	const k8s = await import('@kubernetes/client-node');
	const config = new k8s.KubeConfig();
	config.loadFromFile(kubeEnv.KUBECONFIG);
	const core = config.makeApiClient(k8s.CoreV1Api);
	const listed = await core.listNamespacedPod({namespace: 'bench-full'});
	if (listed.items.length !== 1000) throw new Error(`expected 1000 pods, listed ${listed.items.length}`);
	const empty = await timeAsync(() => core.listNamespacedPod({namespace: 'bench-empty'}), 15);
	const full = await timeAsync(() => core.listNamespacedPod({namespace: 'bench-full'}), 15);
	report('client-node list 1,000 pods vs empty list', full, empty, 5);
} finally {
	try {
		practice('stop');
	} catch {}
	fs.rmSync(home, {recursive: true, force: true});
}
