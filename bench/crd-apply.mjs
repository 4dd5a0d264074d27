// The cost of the real Cilium CRDs (assets/crds), as ratios measured in one run (run `npm run build` first):
//   kubectl apply -f a CiliumNetworkPolicy (validated against the release's real schema, kubectl reading its
//   /openapi/v3)  vs  kubectl apply -f a ConfigMap, on clusters running Cilium 1.16.4 and 1.20.0    target ≤ 1.5×
//   practice start of a home with Cilium 1.20.0 installed (its CRDs in the state)  vs  one without   target ≤ 1.2×
// Medians of interleaved rounds.
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
const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
const missed = [];
function report(name, value, baseline, target) {
	const ratio = value / baseline;
	if (target !== null && ratio > target) missed.push(name);
	console.log(`${name.padEnd(60)} ${value.toFixed(1).padStart(8)} ms / ${baseline.toFixed(1).padStart(7)} ms = ${ratio.toFixed(2)}×${target === null ? '' : ` (target ≤ ${target}×)`}`);
}
const timed = (fn) => {
	const began = performance.now();
	fn();
	return performance.now() - began;
};

function lab(prefix) {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	const env = {...process.env, CILIUM_LAB_HOME: home, CILIUM_LAB_PRACTICE_SPEED: 'instant', KUBECONFIG: path.join(home, 'practice', 'kubeconfig'), KUBECACHEDIR: path.join(home, 'practice', 'kube-cache')};
	const run = (file, args, input) => execFileSync(file, args, {env, stdio: 'pipe', input});
	return {
		home,
		env,
		practice: (...args) => run(process.execPath, [cli, 'practice', ...args]),
		kubectl: (args, input) => run('kubectl', args, input),
		helm: (...args) => run(path.join(home, 'practice', 'bin', 'helm'), args),
	};
}

const cnp = (name) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ${name}, namespace: demo}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toEndpoints:
    - matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}
    toPorts:
    - ports: [{port: "53", protocol: ANY}]
      rules:
        dns: [{matchPattern: "*"}]
  - toFQDNs: [{matchName: www.google.com}, {matchPattern: "*.github.com"}]
    toPorts:
    - ports: [{port: "443", protocol: TCP}]
`;
const configMap = (name) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: demo}\ndata: {a: b}\n`;

const labs = [];
try {
	const withCilium = {};
	for (const version of ['1.16.4', '1.20.0']) {
		const each = lab(`crd-bench-${version}-`);
		labs.push(each);
		each.practice('start', '--track', 'k8s');
		each.helm('repo', 'add', 'cilium', 'https://helm.cilium.io/');
		each.helm('install', 'cilium', 'cilium/cilium', '--version', version, '--namespace', 'kube-system');
		each.kubectl(['create', 'ns', 'demo']);
		for (let attempt = 0; attempt < 50; attempt++) {
			try {
				each.kubectl(['get', 'crd', 'ciliumnetworkpolicies.cilium.io']);
				break;
			} catch {
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		}
		// kubectl caches /openapi/v3 per server: one apply of each first, as a learner's second apply would be.
		each.kubectl(['apply', '-f', '-'], cnp('warm'));
		each.kubectl(['apply', '-f', '-'], configMap('warm'));
		const policies = [];
		const maps = [];
		for (let round = 0; round < rounds; round++) {
			policies.push(timed(() => each.kubectl(['apply', '-f', '-'], cnp(`p${round}`))));
			maps.push(timed(() => each.kubectl(['apply', '-f', '-'], configMap(`c${round}`))));
		}
		report(`kubectl apply -f CNP vs ConfigMap (Cilium ${version})`, median(policies), median(maps), 1.5);
		withCilium[version] = each;
	}

	// Restarts: the 1.20.0 home (its CRDs in the state file) against a home of the same track without Cilium.
	const bare = lab('crd-bench-bare-');
	labs.push(bare);
	bare.practice('start', '--track', 'k8s');
	const installed = withCilium['1.20.0'];
	const samples = {bare: [], installed: []};
	for (const each of [bare, installed]) each.practice('stop');
	for (let round = 0; round < rounds; round++) {
		for (const [name, each] of round % 2 === 0 ? [['bare', bare], ['installed', installed]] : [['installed', installed], ['bare', bare]]) {
			samples[name].push(timed(() => each.practice('start')));
			each.practice('stop');
		}
	}
	const stateBytes = (each) => ['state.json', 'state.json.journal'].reduce((sum, file) => sum + (fs.existsSync(path.join(each.home, 'practice', file)) ? fs.statSync(path.join(each.home, 'practice', file)).size : 0), 0);
	console.log(`(state: ${(stateBytes(installed) / 1024).toFixed(0)} kB with Cilium 1.20.0 installed, ${(stateBytes(bare) / 1024).toFixed(0)} kB without; load ${os.loadavg()[0].toFixed(1)})`);
	report('practice start with Cilium 1.20.0 installed vs without', median(samples.installed), median(samples.bare), 1.2);
} finally {
	for (const each of labs) {
		try {
			each.practice('stop');
		} catch {
			// Already stopped.
		}
		fs.rmSync(each.home, {recursive: true, force: true});
	}
}
if (missed.length > 0) {
	console.log(`missed: ${missed.join('; ')}`);
	process.exitCode = 1;
}
