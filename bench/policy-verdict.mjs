// Policy verdict cost, as a ratio measured in one run:
//   one egress verdict (classify the IP through the FQDN cache, then decide) with 1,000 policies and 10,000
//   FQDN-cache entries  vs  the same with 10 policies and 100 entries                                  target < 10×
// In both clusters the client pod is selected by the same few policies (as a real pod is, whatever the cluster
// size); the rest select other pods, so the cost that may not grow is finding them, and finding the IP's names.
// The datapath's pure core is bundled with esbuild into a temp file and imported, so no build step is needed.
import {build} from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-verdict-'));
const entry = path.join(dir, 'entry.ts');
fs.writeFileSync(
	entry,
	`export {buildView, classifyIp} from ${JSON.stringify(path.join(root, 'src/practice/datapath/view.ts'))};
export {decideConnection} from ${JSON.stringify(path.join(root, 'src/practice/datapath/engine.ts'))};
export {FqdnCache} from ${JSON.stringify(path.join(root, 'src/practice/datapath/dns.ts'))};`,
);
const outfile = path.join(dir, 'core.mjs');
await build({entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile, logLevel: 'error'});
const {buildView, classifyIp, decideConnection, FqdnCache} = await import(pathToFileURL(outfile).href);
fs.rmSync(dir, {recursive: true, force: true});

const NODE = 'node-0';
function cluster(policyCount, cacheEntries) {
	const namespaces = Math.max(1, Math.floor(policyCount / 20));
	const pods = [
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'cilium-0', namespace: 'kube-system', labels: {'k8s-app': 'cilium'}}, spec: {nodeName: NODE, hostNetwork: true}, status: {phase: 'Running', podIP: '10.224.0.4'}},
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'client', namespace: 'ns-0', labels: {app: 'app-0'}}, spec: {nodeName: NODE}, status: {phase: 'Running', podIP: '10.0.0.2'}},
	];
	const policies = [];
	for (let index = 0; index < policyCount; index++) {
		policies.push({
			apiVersion: 'cilium.io/v2',
			kind: 'CiliumNetworkPolicy',
			metadata: {name: `p-${index}`, namespace: `ns-${index % namespaces}`},
			spec: {
				endpointSelector: {matchLabels: {app: `app-${index}`}},
				egress: [
					{toFQDNs: [{matchName: `site-${index}.example.com`}, {matchPattern: `*.svc-${index}.example.org`}], toPorts: [{ports: [{port: '443', protocol: 'TCP'}]}]},
					{toCIDRSet: [{cidr: `100.${index % 250}.0.0/16`, except: [`100.${index % 250}.1.0/24`]}]},
				],
			},
		});
	}
	const view = buildView({pods, namespaces: [], nodes: [{apiVersion: 'v1', kind: 'Node', metadata: {name: NODE}, status: {addresses: [{type: 'InternalIP', address: '10.224.0.4'}]}}], services: [], policies});
	const cache = new FqdnCache();
	const now = Date.parse('2024-12-17T07:07:30Z');
	for (let index = 0; index < cacheEntries; index++) {
		cache.learn(`site-${index}.example.com`, [`52.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`], 300, now, 'ns-0/client');
	}
	const from = view.byPod.get('ns-0/client');
	const ips = Array.from({length: 64}, (_, index) => `52.0.0.${(index * 37) % 100}`);
	return {view, cache, from, ips, now};
}

function verdictsPerBatch(setup, count) {
	let allowed = 0;
	for (let index = 0; index < count; index++) {
		const ip = setup.ips[index % setup.ips.length];
		const peer = classifyIp(setup.view, ip, NODE, setup.cache, setup.now);
		if (decideConnection(setup.view.index, setup.from, peer, {protocol: 'TCP', port: 443}, {mode: 'default'}).allowed) allowed++;
	}
	return allowed;
}

function median(samples) {
	const sorted = [...samples].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

const small = cluster(10, 100);
const large = cluster(1000, 10_000);
const batch = 2000;
verdictsPerBatch(small, batch);
verdictsPerBatch(large, batch);
const smallSamples = [];
const largeSamples = [];
for (let round = 0; round < 15; round++) {
	for (const [setup, samples] of [[small, smallSamples], [large, largeSamples]]) {
		const start = performance.now();
		verdictsPerBatch(setup, batch);
		samples.push((performance.now() - start) / batch);
	}
}
const ratio = median(largeSamples) / median(smallSamples);
const target = 10;
console.log(`policy verdict, 1,000 policies + 10,000 FQDN entries vs 10 policies + 100 entries: ${ratio.toFixed(2)}× (target < ${target}×)`);
process.exitCode = ratio < target ? 0 : 1;
