// Practice cluster speed, as ratios measured in one run (run `npm run build` first):
//   practice start (daemon spawned, ready)  vs  node -e 0                     target ≤ 2×
//   kubectl get pods -A against it          vs  kubectl version --client      target ≤ 1.5×
//   create a pod through the API (1,000 of them, controllers running)  vs  create a ConfigMap   target ≤ 3×
//   client-node: list those 1,000 pods      vs  list an empty namespace       target ≤ 5×
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
/** A GET with the kubeconfig's token and CA, the answer parsed (to measure the client's share without a server). */
async function fetchRaw(config, pathname) {
	const https = await import('node:https');
	const cluster = config.getCurrentCluster();
	const user = config.getCurrentUser();
	return new Promise((resolve, reject) => {
		https.get(`${cluster.server}${pathname}`, {ca: Buffer.from(cluster.caData, 'base64'), headers: {Authorization: `Bearer ${user.token}`}}, (res) => {
			const chunks = [];
			res.on('data', (chunk) => chunks.push(chunk));
			res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
		}).on('error', reject);
	});
}
const missed = [];
/** Prints one ratio; `target` null marks a line that explains another (not judged). */
function report(name, value, baseline, target) {
	const ratio = value / baseline;
	if (target !== null && ratio > target) missed.push(name);
	console.log(`${name.padEnd(52)} ${value.toFixed(1).padStart(8)} ms / ${baseline.toFixed(1).padStart(7)} ms = ${ratio.toFixed(2)}×${target === null ? '' : ` (target ≤ ${target}×)`}`);
}

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-bench-'));
const homes = [home];
const env = {...process.env, CILIUM_LAB_HOME: home, CILIUM_LAB_PRACTICE_SPEED: 'instant'};
const practice = (command, ...args) => execFileSync(process.execPath, [cli, 'practice', command, ...args], {env, stdio: 'pipe'});
try {
	// 1. Start: the credentials (and a k8s cluster) exist after the first start; each sample starts a stopped daemon,
	// in interleaved rounds with node -e 0 (and with another build's CLI: BENCH_BASELINE_DIST). Then the first request
	// to a daemon just started: kubectl get pods -A right after practice start, against kubectl version --client.
	const baselineStartDist = process.env.BENCH_BASELINE_DIST ? path.resolve(process.env.BENCH_BASELINE_DIST) : undefined;
	const startHomes = [{cli, home, env}];
	if (baselineStartDist) {
		const each = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-bench-baseline-'));
		homes.push(each);
		startHomes.push({cli: path.join(baselineStartDist, 'cilium-lab.js'), home: each, env: {...process.env, CILIUM_LAB_HOME: each, CILIUM_LAB_PRACTICE_SPEED: 'instant'}});
	}
	const startKubeEnv = (each) => ({...each.env, KUBECONFIG: path.join(each.home, 'practice', 'kubeconfig'), KUBECACHEDIR: path.join(each.home, 'practice', 'kube-cache')});
	for (const each of startHomes) {
		execFileSync(process.execPath, [each.cli, 'practice', 'start', '--track', 'k8s'], {env: each.env, stdio: 'pipe'});
		execFileSync('kubectl', ['get', 'pods', '-A'], {env: startKubeEnv(each), stdio: 'pipe'});
		execFileSync(process.execPath, [each.cli, 'practice', 'stop'], {env: each.env, stdio: 'pipe'});
		Object.assign(each, {starts: [], firstRequests: []});
	}
	const nodeSamples = [];
	const kubectlClientSamples = [];
	const loads = [];
	for (let round = 0; round < 9; round++) {
		loads.push(os.loadavg()[0]);
		let began = performance.now();
		execFileSync(process.execPath, ['-e', '0']);
		nodeSamples.push(performance.now() - began);
		began = performance.now();
		execFileSync('kubectl', ['version', '--client'], {env: startKubeEnv(startHomes[0]), stdio: 'pipe'});
		kubectlClientSamples.push(performance.now() - began);
		for (const each of round % 2 === 0 ? startHomes : [...startHomes].reverse()) {
			began = performance.now();
			execFileSync(process.execPath, [each.cli, 'practice', 'start'], {env: each.env, stdio: 'pipe'});
			each.starts.push(performance.now() - began);
			began = performance.now();
			execFileSync('kubectl', ['get', 'pods', '-A'], {env: startKubeEnv(each), stdio: 'pipe'});
			each.firstRequests.push(performance.now() - began);
			execFileSync(process.execPath, [each.cli, 'practice', 'stop'], {env: each.env, stdio: 'pipe'});
		}
	}
	console.log(`(practice start: 9 interleaved rounds, load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)})`);
	report('practice start (ready) vs node -e 0', median(startHomes[0].starts), median(nodeSamples), 2);
	report('  first kubectl get pods -A right after it', median(startHomes[0].firstRequests), median(kubectlClientSamples), null);
	if (baselineStartDist) {
		report('  baseline build: practice start vs node -e 0', median(startHomes[1].starts), median(nodeSamples), null);
		report('  baseline build: first kubectl get pods -A', median(startHomes[1].firstRequests), median(kubectlClientSamples), null);
	}

	// 2. kubectl get pods -A.
	practice('start', '--track', 'k8s');
	const kubeEnv = {...env, KUBECONFIG: path.join(home, 'practice', 'kubeconfig'), KUBECACHEDIR: path.join(home, 'practice', 'kube-cache')};
	execFileSync('kubectl', ['get', 'pods', '-A'], {env: kubeEnv, stdio: 'pipe'});
	const kubectlBaseline = time(() => execFileSync('kubectl', ['version', '--client'], {env: kubeEnv, stdio: 'pipe'}), 7);
	const getPods = time(() => execFileSync('kubectl', ['get', 'pods', '-A'], {env: kubeEnv, stdio: 'pipe'}), 7);
	report('kubectl get pods -A vs kubectl version --client', getPods, kubectlBaseline, 1.5);

	practice('stop');

	// 3. Creating pods through the API with the controllers running (scheduler, kubelet, endpoints, the
	// datapath) vs creating ConfigMaps, on an Azure CNI cluster made by az, so every pod goes Running.
	const azHome = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-bench-az-'));
	homes.push(azHome);
	const azEnv = {...process.env, CILIUM_LAB_HOME: azHome, CILIUM_LAB_PRACTICE_SPEED: 'instant', KUBECONFIG: path.join(azHome, 'practice', 'kubeconfig')};
	execFileSync(process.execPath, [cli, 'practice', 'start'], {env: azEnv, stdio: 'pipe'});
	const az = (...args) => execFileSync(path.join(azHome, 'practice', 'bin', 'az'), args, {env: azEnv, stdio: 'pipe'});
	az('login');
	az('group', 'create', '--name', 'bench', '--location', 'koreacentral');
	az('aks', 'create', '--resource-group', 'bench', '--name', 'bench', '--network-plugin', 'azure', '--node-count', '3', '--generate-ssh-keys');
	az('aks', 'get-credentials', '--resource-group', 'bench', '--name', 'bench');
	const k8s = await import('@kubernetes/client-node');
	const config = new k8s.KubeConfig();
	config.loadFromFile(path.join(azHome, 'practice', 'kubeconfig'));
	const core = config.makeApiClient(k8s.CoreV1Api);
	for (const name of ['bench-empty', 'bench-full']) await core.createNamespace({body: {metadata: {name}}});
	const configMapCreates = [];
	for (let index = 0; index < 100; index++) {
		const began = performance.now();
		await core.createNamespacedConfigMap({namespace: 'bench-empty', body: {metadata: {name: `config-${index}`}, data: {index: String(index)}}});
		configMapCreates.push(performance.now() - began);
	}
	await core.deleteCollectionNamespacedConfigMap({namespace: 'bench-empty', labelSelector: ''}).catch(() => {});
	const podCreates = [];
	for (let index = 0; index < 1000; index++) {
		const began = performance.now();
		await core.createNamespacedPod({namespace: 'bench-full', body: {metadata: {name: `pod-${index}`, labels: {app: 'bench'}}, spec: {containers: [{name: 'main', image: 'alpine:3.20', command: ['sleep', '365d']}]}}});
		podCreates.push(performance.now() - began);
	}
	// The last thousand creates, not only the first: a cost that grows with the cluster shows in the median of the last 100.
	report('create pod (1,000, controllers on) vs configmap', median(podCreates), median(configMapCreates), 3);
	report('  the last 100 of those pod creates', median(podCreates.slice(-100)), median(configMapCreates), 3);
	for (let waited = 0; waited < 30_000; waited += 100) {
		const pods = await core.listNamespacedPod({namespace: 'bench-full'});
		if (pods.items.every((pod) => pod.status?.phase === 'Running')) break;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}

	// 4. client-node: the 1,000 pods (as the controllers left them: Running, with IPs and conditions) vs an empty namespace.
	const listed = await core.listNamespacedPod({namespace: 'bench-full'});
	if (listed.items.length !== 1000) throw new Error(`expected 1000 pods, listed ${listed.items.length}`);
	const running = listed.items.filter((pod) => pod.status?.phase === 'Running').length;
	const empty = await timeAsync(() => core.listNamespacedPod({namespace: 'bench-empty'}), 15);
	const full = await timeAsync(() => core.listNamespacedPod({namespace: 'bench-full'}), 15);
	report(`client-node list 1,000 pods (${running} Running) vs empty list`, full, empty, 5);
	// What client-node itself spends on the answer (JSON.parse and its ObjectSerializer) with no server at all.
	const body = JSON.stringify(await fetchRaw(config, '/api/v1/namespaces/bench-full/pods'));
	const {ObjectSerializer} = await import('@kubernetes/client-node/dist/gen/models/ObjectSerializer.js');
	const clientOnly = await timeAsync(async () => ObjectSerializer.deserialize(JSON.parse(body), 'V1PodList', ''), 15);
	console.log(`  (the list answer is ${(Buffer.byteLength(body) / 1024).toFixed(0)} KiB of JSON)`);
	report('  of which client-node parse + deserialize alone', clientOnly, empty, null);

	// 5. The write path (journal record + checksum, write ordering, fsync before the answer) against another build's
	// daemon in the same run: BENCH_BASELINE_DIST=<dist/ of that build>. ConfigMap creates on a k8s-track cluster
	// (controllers on), one at a time and 8 at once (the group commit), in interleaved rounds.
	const baselineDist = process.env.BENCH_BASELINE_DIST;
	if (baselineDist) {
		const https = await import('node:https');
		const daemons = [];
		for (const [label, script] of [['this build', undefined], ['baseline', path.join(path.resolve(baselineDist), 'practice-daemon.js')]]) {
			const each = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-bench-write-'));
			homes.push(each);
			const eachEnv = {...process.env, CILIUM_LAB_HOME: each, CILIUM_LAB_PRACTICE_SPEED: 'instant', ...(script ? {CILIUM_LAB_PRACTICE_DAEMON: script} : {})};
			execFileSync(process.execPath, [cli, 'practice', 'start', '--track', 'k8s'], {env: eachEnv, stdio: 'pipe'});
			const info = JSON.parse(fs.readFileSync(path.join(each, 'practice', 'daemon.json'), 'utf8'));
			const agent = new https.Agent({keepAlive: true, maxSockets: 8});
			const ca = fs.readFileSync(info.caFile);
			let counter = 0;
			const create = () =>
				new Promise((resolve, reject) => {
					const body = JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `write-${counter++}`}, data: {index: String(counter), text: 'x'.repeat(200)}});
					const req = https.request({host: '127.0.0.1', port: info.apiPort, method: 'POST', path: '/api/v1/namespaces/default/configmaps', ca, servername: 'localhost', agent, headers: {Authorization: `Bearer ${info.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body)}}, (res) => {
						res.resume();
						res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`${label}: create answered ${res.statusCode}`))));
					});
					req.on('error', reject);
					req.end(body);
				});
			await create();
			daemons.push({label, create, sequential: [], parallel: [], agent});
		}
		for (let round = 0; round < 7; round++) {
			for (const daemon of round % 2 === 0 ? daemons : [...daemons].reverse()) {
				for (let index = 0; index < 100; index++) {
					const began = performance.now();
					await daemon.create();
					daemon.sequential.push(performance.now() - began);
				}
				const began = performance.now();
				await Promise.all(Array.from({length: 8}, async () => {
					for (let index = 0; index < 25; index++) await daemon.create();
				}));
				daemon.parallel.push(performance.now() - began);
			}
		}
		const [current, baseline] = daemons;
		report('write path: create (one at a time) vs baseline build', median(current.sequential), median(baseline.sequential), 1.2);
		report('write path: 200 creates, 8 at once vs baseline build', median(current.parallel), median(baseline.parallel), 1.2);
		for (const daemon of daemons) daemon.agent.destroy();
	}
} finally {
	for (const each of homes) {
		try {
			execFileSync(process.execPath, [cli, 'practice', 'stop'], {env: {...process.env, CILIUM_LAB_HOME: each}, stdio: 'pipe'});
		} catch {}
		fs.rmSync(each, {recursive: true, force: true});
	}
}
if (missed.length > 0) {
	console.log(`missed: ${missed.join('; ')}`);
	process.exitCode = 1;
}
