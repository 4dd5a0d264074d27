// The practice Hubble UI in a real browser (Debian's chromium driven by playwright-core; no browser download):
// after lesson 05's policies and curls, the map shows demo/curl with a dropped arrow to naver.com and a forwarded
// one to google.com, the table filters by verdict, a new curl appears without a reload, and with Hubble Relay
// disabled the page shows the real UI's relay error; lesson 05's check on the red arrow fails before the curls and
// passes after them. Screenshots go to test-artifacts/hubble-ui/.
import {existsSync, mkdirSync, readFileSync} from 'node:fs';
import {createServer} from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {execa, type ResultPromise} from 'execa';
import {chromium, type Browser, type Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {repoRoot} from '../../helpers/build.js';
import {TestPractice} from '../../helpers/practice.js';
import {setHubbleFlowSource} from '../../../src/practice/api/streams/hubble-ui.js';
import {HUBBLE_UI_JS} from '../../../src/practice/api/streams/hubble-ui-assets.js';
import {findPodServer} from '../../../src/practice/api/streams/pod-servers.js';
import '../../../src/practice/api/streams/index.js';
import type {Flow} from '../../../src/practice/datapath/flows.js';
import {lookupPodProgram} from '../../../src/practice/datapath/programs/index.js';
import {Datapath} from '../../../src/practice/datapath/runtime.js';
import {DOCUMENT_POLICIES} from '../datapath/document-policies.js';
import {ALLOW_DNS_DOC, ALLOW_DOMAINS_DOC, aksCluster, captureIo, pod} from '../datapath/fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'hubble-ui');
const practice = new TestPractice({homePrefix: 'cilium-lab-hubble-ui-browser-', speed: 'instant', track: 'k8s'});
const {run} = practice;
let browser: Browser | undefined;
let forward: ResultPromise | undefined;
let base = '';

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

async function curl(url: string): Promise<number | undefined> {
	return (await run('kubectl', ['-n', 'demo', 'exec', 'curl', '--', 'curl', '-sS', '-o', '/dev/null', '-m', '3', url])).code;
}

async function shot(page: Page, name: string): Promise<void> {
	await page.screenshot({path: path.join(ARTIFACTS, `${name}.png`), fullPage: true});
}

/** The command check of lesson 05's ui-red-arrow step, run as the lab runs a check (bash, the step's variables). */
async function redArrowCheck(port: number) {
	const lesson = parse(readFileSync(path.join(repoRoot, 'lessons', '05-fqdn-policy.yaml'), 'utf8')) as {steps: Array<{id: string; expect: Array<{kind: string; script?: string}>}>};
	const script = lesson.steps.find((step) => step.id === 'ui-red-arrow')!.expect.find((check) => check.kind === 'command')!.script!;
	return execa('bash', ['-c', script], {env: {...practice.env, HUBBLE_UI_PORT: String(port)}, reject: false});
}

/**
 * A new page that records what would worry a person looking at the browser's console: console errors, uncaught
 * exceptions, failed requests and answers of 400 or more (a missing favicon would be one), and every answer's headers.
 */
async function openPage(url: string): Promise<{page: Page; problems: string[]; answers: Array<{url: string; encoding?: string; length: number}>}> {
	const page = await browser!.newPage({viewport: {width: 1400, height: 900}});
	const problems: string[] = [];
	const answers: Array<{url: string; encoding?: string; length: number}> = [];
	page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
	page.on('console', (message) => {
		if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
	});
	page.on('requestfailed', (request) => problems.push(`failed ${request.url()} ${request.failure()?.errorText}`));
	page.on('response', async (response) => {
		if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
		const headers = await response.allHeaders();
		answers.push({url: response.url(), encoding: headers['content-encoding'], length: Number(headers['content-length'] ?? -1)});
	});
	await page.goto(url);
	return {page, problems, answers};
}

/** What the browser drew (each box's rectangle, each label's glyphs, in page pixels) and which of them overlap. */
async function drawnLabels(page: Page): Promise<{boxes: number; labels: number; edges: number; overlaps: string[]}> {
	const drawn = await page.evaluate(() => {
		const rect = (element: Element) => {
			const {left, top, right, bottom} = element.getBoundingClientRect();
			return {left, top, right, bottom};
		};
		return {
			boxes: [...document.querySelectorAll('#map g.node > rect')].map((element) => ({id: element.parentElement!.getAttribute('data-id')!, ...rect(element)})),
			labels: [...document.querySelectorAll('#map text.edge-label')].map((element) => ({id: element.getAttribute('data-id')!, text: element.textContent!, ...rect(element)})),
			edges: document.querySelectorAll('#map g.edge').length,
		};
	});
	type Box = {id: string; left: number; top: number; right: number; bottom: number};
	const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
	const overlaps: string[] = [];
	for (const [index, label] of drawn.labels.entries()) {
		for (const box of drawn.boxes) if (overlap(label, box)) overlaps.push(`label ${label.text} (${label.id}) on box ${box.id}`);
		for (const other of drawn.labels.slice(index + 1)) if (overlap(label, other)) overlaps.push(`label ${label.text} (${label.id}) on label ${other.text} (${other.id})`);
	}
	return {boxes: drawn.boxes.length, labels: drawn.labels.length, edges: drawn.edges, overlaps};
}

const edge = (page: Page, target: string) => page.locator(`#map g.edge[data-source="demo/client"][data-target="${target}"][data-port="443"]`);

// .ci/run installs Debian's chromium; a machine without it fails here and says so (never a silent skip).
if (!existsSync(CHROMIUM)) throw new Error(`chromium is needed by the browser tests: apt-get install chromium (or CHROMIUM_PATH=…); not found at ${CHROMIUM}`);

describe('the practice Hubble UI in chromium', () => {
	beforeAll(async () => {
		mkdirSync(ARTIFACTS, {recursive: true});
		await practice.start();
		expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
		expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system', '--set', 'hubble.relay.enabled=true', '--set', 'hubble.ui.enabled=true'])).code).toBe(0);
		expect((await run('kubectl', ['-n', 'kube-system', 'rollout', 'status', 'deploy/hubble-ui', '--timeout=60s'])).code).toBe(0);
		expect((await run('kubectl', ['create', 'ns', 'demo'])).code).toBe(0);
		expect((await run('kubectl', ['run', 'curl', '-n', 'demo', '--image=alpine/curl', '--labels=app=client', '--command', '--', 'sleep', '365d'])).code).toBe(0);
		expect((await run('kubectl', ['wait', '-n', 'demo', '--for=condition=Ready', 'pod/curl', '--timeout=60s'])).code).toBe(0);
		expect((await run('kubectl', ['-n', 'demo', 'apply', '-f', '-'], {input: DOCUMENT_POLICIES})).code).toBe(0);
		const port = await freePort();
		forward = execa('kubectl', ['-n', 'kube-system', 'port-forward', 'svc/hubble-ui', `${port}:80`], {env: practice.env, reject: false});
		let output = '';
		forward.stdout!.on('data', (chunk) => (output += String(chunk)));
		for (let attempt = 0; attempt < 100 && !output.includes('Forwarding from'); attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
		expect(output).toContain(`Forwarding from 127.0.0.1:${port} -> 8081`);
		base = `http://127.0.0.1:${port}/`;
		// Lesson 05's check reads the map the page shows: no arrows before the curls, so it fails and says why.
		const before = await redArrowCheck(port);
		expect(before.exitCode).toBe(1);
		expect(before.stdout).toContain('no arrow from client to naver.com:443');
		expect(await curl('https://google.com')).toBe(0);
		expect(await curl('https://naver.com')).toBe(28);
		const after = await redArrowCheck(port);
		expect(after.stdout + after.stderr).toBe('');
		expect(after.exitCode).toBe(0);
		browser = await chromium.launch({executablePath: CHROMIUM, args: ['--no-sandbox']});
	}, 240_000);

	afterAll(async () => {
		await browser?.close();
		forward?.kill();
		await forward;
		await practice.stop();
	});

	it('shows demo/curl with a dropped arrow to naver.com and a forwarded one to google.com, all served by the daemon, gzip-compressed', async () => {
		const {page, problems, answers} = await openPage(`${base}?namespace=demo`);
		await page.locator('#map g.node[data-id="demo/client"]').waitFor({timeout: 5000}).catch(async (error: unknown) => {
			await shot(page, '0-failed');
			throw new Error(`${String(error)}\n${problems.join('\n')}\n${await page.locator('body').innerText()}`);
		});
		await expect.poll(() => page.locator('#namespace').inputValue()).toBe('demo');
		await expect.poll(() => edge(page, 'fqdn:naver.com').getAttribute('data-verdicts')).toBe('DROPPED');
		expect(await edge(page, 'fqdn:google.com').getAttribute('data-verdicts')).toBe('FORWARDED');
		expect(await page.locator('#map g.node[data-id="demo/client"]').textContent()).toContain('demo/curl');
		expect(await page.locator('#map g.node[data-id="kube-system/kube-dns"]').count()).toBe(1);
		expect(await page.locator('header').textContent()).toContain('simulated');
		// As hubble-ui v0.13.1 draws them (src/components/ServiceMapArrowRenderer/helpers.ts): red #C50000 and thick
		// for dropped flows, the arrows' grey #ACB1B8 and thin for forwarded ones.
		const look = (target: string) => edge(page, target).locator('path.line').evaluate((path) => ({stroke: getComputedStyle(path).stroke, width: getComputedStyle(path).strokeWidth, dash: getComputedStyle(path).strokeDasharray}));
		expect(await look('fqdn:naver.com')).toEqual({stroke: 'rgb(197, 0, 0)', width: '6px', dash: 'none'});
		expect(await look('fqdn:google.com')).toEqual({stroke: 'rgb(172, 177, 184)', width: '2px', dash: 'none'});
		expect(await page.locator('#flows tr').count()).toBeGreaterThan(0);
		// Everything the page loads comes from the daemon itself (the icon is inline: no /favicon.ico asked for).
		expect(answers.length).toBeGreaterThan(0);
		expect(answers.filter((answer) => !answer.url.startsWith(base))).toEqual([]);
		expect(answers.some((answer) => answer.url.includes('favicon'))).toBe(false);
		expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
		// Over 8 KB, gzip-compressed through kubectl port-forward (chromium accepts gzip); the page itself is smaller.
		const answer = (file: string) => answers.find((candidate) => new URL(candidate.url).pathname === file)!;
		expect(answer('/app.js')).toMatchObject({encoding: 'gzip'});
		expect(answer('/app.js').length).toBeLessThan(Buffer.byteLength(HUBBLE_UI_JS) / 2);
		expect(answer('/').encoding).toBeUndefined();
		expect(answers.find((candidate) => candidate.url.includes('/api/flows?') && candidate.length > 1000)).toMatchObject({encoding: 'gzip'});
		expect(problems).toEqual([]);
		await shot(page, '1-map-demo');
		await page.close();
	});

	it('the namespace selector: demo, then kube-system, where the UI\'s own connection to hubble-relay is an arrow', async () => {
		const {page, problems} = await openPage(base);
		await expect.poll(() => page.locator('#empty').textContent()).toBe('Choose a namespace to see its service map and flows.');
		await expect.poll(() => page.locator('#namespace option').allTextContents()).toContain('demo');
		await page.locator('#namespace').selectOption('demo');
		await page.locator('#map g.node[data-id="demo/client"]').waitFor({timeout: 5000});
		expect(new URL(page.url()).searchParams.get('namespace')).toBe('demo');
		await page.locator('#namespace').selectOption('kube-system');
		// As a real cluster shows it: the hubble-ui pod looks hubble-relay up (kube-dns, 53/UDP) and streams from it
		// (the Service's port 80, the relay's grpc port 4245).
		const relayArrow = page.locator('#map g.edge[data-source="kube-system/hubble-ui"][data-target="kube-system/hubble-relay"][data-port="4245"]');
		await relayArrow.waitFor({timeout: 5000});
		expect(await relayArrow.getAttribute('data-verdicts')).toBe('FORWARDED');
		expect(await page.locator('#map g.edge[data-source="kube-system/hubble-ui"][data-target="kube-system/kube-dns"][data-port="53"]').count()).toBe(1);
		expect(await page.locator('#map g.node[data-id="kube-system/hubble-ui"]').textContent()).toContain('kube-system/hubble-ui-');
		expect(new URL(page.url()).searchParams.get('namespace')).toBe('kube-system');
		expect(problems).toEqual([]);
		await shot(page, '1b-namespace-kube-system');
		await page.close();
	});

	it('gzip only for a client that asks for it: curl through the port-forward, with and without --compressed', async () => {
		const url = `${base}api/flows?namespace=demo`;
		const plain = await execa('curl', ['-sS', '-D', '-', '-o', '/dev/null', url]);
		expect(plain.stdout).not.toMatch(/content-encoding/i);
		const compressed = await execa('curl', ['-sS', '--compressed', '-D', '-', url]);
		expect(compressed.stdout).toMatch(/^content-encoding: gzip\r?$/im);
		expect(compressed.stdout).toMatch(/^vary: accept-encoding\r?$/im);
		// curl decodes it: the same JSON a plain request gets (the lessons' checks run curl without --compressed).
		expect(compressed.stdout.slice(compressed.stdout.indexOf('\r\n\r\n') + 4)).toMatch(/^\{"namespace":"demo"/);
	});

	it('filters the table by verdict, and shows a flow\'s details on click', async () => {
		const {page, problems} = await openPage(`${base}?namespace=demo`);
		await page.locator('#flows tr').first().waitFor();
		const all = await page.locator('#flows tr').count();
		await page.locator('#verdict').selectOption('DROPPED');
		await expect.poll(async () => [...new Set(await page.locator('#flows tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-verdict'))))]).toEqual(['DROPPED']);
		expect(await page.locator('#flows tr').count()).toBeLessThan(all);
		expect(await page.locator('#flows').textContent()).toContain('naver.com');
		expect(await edge(page, 'fqdn:google.com').count()).toBe(0);
		await page.locator('#flows tr').first().click();
		await expect.poll(() => page.locator('#details').isVisible()).toBe(true);
		expect(await page.locator('#details').textContent()).toContain('POLICY_DENIED');
		expect(new URL(page.url()).searchParams.get('verdict')).toBe('DROPPED');
		expect(problems).toEqual([]);
		await shot(page, '2-dropped-only-details');
		await page.close();
	});

	it('a click on the red arrow keeps the table to its flows', async () => {
		const page = await browser!.newPage({viewport: {width: 1400, height: 900}});
		await page.goto(`${base}?namespace=demo`);
		await page.locator('#flows tr').first().waitFor();
		expect(await page.locator('#flows').textContent()).toContain('google.com');
		// Where a person would click: the middle of the arrow's line, in the page's coordinates.
		const middle = await edge(page, 'fqdn:naver.com')
			.locator('path.hit')
			.evaluate((path: SVGPathElement) => {
				const point = path.getPointAtLength(path.getTotalLength() / 2);
				const matrix = path.getScreenCTM()!;
				return {x: point.x * matrix.a + matrix.e, y: point.y * matrix.d + matrix.f};
			});
		await page.mouse.click(middle.x, middle.y);
		await expect.poll(() => page.locator('#focus-text').textContent()).toBe('client → naver.com 443/TCP');
		const destinations = await page.locator('#flows tr td:nth-child(2)').allTextContents();
		expect(destinations.length).toBeGreaterThan(0);
		expect([...new Set(destinations)]).toEqual(['naver.com']);
		expect([...new Set(await page.locator('#flows tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-verdict'))))]).toEqual(['DROPPED']);
		expect(await edge(page, 'fqdn:naver.com').getAttribute('class')).toContain('focused');
		await shot(page, '2b-red-arrow-clicked');
		await page.locator('#focus-clear').click();
		await expect.poll(() => page.locator('#flows').textContent()).toContain('google.com');
		await page.close();
	});

	it('a new curl appears without a reload', async () => {
		const page = await browser!.newPage({viewport: {width: 1400, height: 900}});
		await page.goto(`${base}?namespace=demo`);
		await page.locator('#map g.node[data-id="demo/client"]').waitFor();
		expect(await page.locator('#map g.node[data-id="fqdn:example.com"]').count()).toBe(0);
		const navigations: string[] = [];
		page.on('framenavigated', (frame) => navigations.push(frame.url()));
		expect(await curl('https://example.com')).toBe(0);
		await page.locator('#map g.node[data-id="fqdn:example.com"]').waitFor({timeout: 5000});
		expect(await page.locator('#flows').textContent()).toContain('example.com');
		expect(navigations).toEqual([]);
		await shot(page, '3-live-example-com');
		await page.close();
	});

	it('the connectivity test\'s namespace: every arrow labelled where dagre put it, no label on a box or on another label', async () => {
		const started = Date.now();
		const test = await run('cilium', ['connectivity', 'test']);
		expect(test.code, test.stdout + test.stderr).toBe(0);
		const namespace = /Creating namespace (\S+) for connectivity check/.exec(test.stdout)?.[1];
		console.log(`cilium connectivity test: ${Date.now() - started} ms`);
		expect(namespace).toBe('cilium-test-1');
		const {page, problems} = await openPage(`${base}?namespace=${namespace}`);
		await page.locator('#map g.edge').first().waitFor({timeout: 10_000}).catch(async (error: unknown) => {
			await shot(page, '6-failed');
			throw new Error(`${String(error)}\n${test.stdout}\n${problems.join('\n')}\n${await page.locator('body').innerText()}`);
		});
		await page.locator('#zoom-reset').click();
		await expect.poll(() => page.locator('#zoom-level').textContent()).toBe('100%');
		const drawn = await drawnLabels(page);
		expect(drawn.boxes).toBeGreaterThan(4);
		expect(drawn.labels).toBe(drawn.edges);
		await shot(page, '6-connectivity-test-labels');
		expect(drawn.overlaps).toEqual([]);
		expect(problems).toEqual([]);
		await page.close();
	}, 180_000);

	it('with Hubble Relay disabled, the real UI\'s relay error', async () => {
		expect((await run('helm', ['upgrade', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system', '--reuse-values', '--set', 'hubble.relay.enabled=false'])).code).toBe(0);
		for (let attempt = 0; attempt < 100; attempt++) {
			const pods = await run('kubectl', ['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=hubble-relay', '-o', 'name']);
			if (pods.stdout.trim() === '') break;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		const {page, problems} = await openPage(`${base}?namespace=demo`);
		// hubble-ui v0.13.1 src/ui-layer/status-center.ts (entryFromNotification): the relay_reconnecting text, whole.
		await expect.poll(() => page.locator('#error').textContent(), {timeout: 5000}).toBe('Connection to hubble-relay has been lost. Reconnecting...');
		await shot(page, '4-relay-disabled');
		// The relay back: the same page, without a reload, says so with the real UI's relay_connected text.
		expect((await run('helm', ['upgrade', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system', '--reuse-values', '--set', 'hubble.relay.enabled=true'])).code).toBe(0);
		expect((await run('kubectl', ['-n', 'kube-system', 'rollout', 'status', 'deploy/hubble-relay', '--timeout=60s'])).code).toBe(0);
		await expect.poll(() => page.locator('#notice').textContent(), {timeout: 10_000}).toBe('Connection to hubble-relay has been established.');
		expect(await page.locator('#error').isVisible()).toBe(false);
		await page.locator('#map g.node[data-id="demo/client"]').waitFor({timeout: 5000});
		// Only the 503s of the polls while the relay was away (chromium logs each failed answer as a console error).
		expect(problems.length).toBeGreaterThan(0);
		expect(problems.filter((problem) => !problem.includes('503'))).toEqual([]);
		await shot(page, '4b-relay-back');
		await page.close();
	});
});

describe('the practice Hubble UI at scale', () => {
	// How fast, against an empty namespace's page in the same run: bench/hubble-ui.mjs (bench/README.md).
	it('draws the map of a namespace with 200 pods and 10,000 recent flows: 200 boxes, 300 rows', async () => {
		const cluster = aksCluster();
		cluster.store.apply(ALLOW_DNS_DOC);
		cluster.store.apply(ALLOW_DOMAINS_DOC);
		cluster.store.apply(pod('kube-system', 'hubble-relay-9dd4d5496-j5thq', '10.0.1.50', {labels: {'k8s-app': 'hubble-relay'}, ports: [{containerPort: 4245, name: 'grpc'}]}));
		cluster.store.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'hubble-relay', namespace: 'kube-system'}, spec: {clusterIP: '10.0.77.20', selector: {'k8s-app': 'hubble-relay'}, ports: [{protocol: 'TCP', port: 80, targetPort: 'grpc'}]}});
		const curlPod = cluster.store.get('v1', 'Pod', 'demo', 'curl')!;
		for (const url of ['https://naver.com', 'https://google.com']) await lookupPodProgram('curl', curlPod)!(['curl', '-s', '-m', '2', url], captureIo(), curlPod, cluster.ctx);
		const sample = Datapath.for(cluster.ctx).allFlows().filter((flow) => flow.source.pod_name === 'curl');
		const flows: Flow[] = [];
		for (let index = 0; index < 10_000; index++) {
			const base = sample[index % sample.length]!;
			const podIndex = index % 200;
			flows.push({...base, time: new Date(Date.parse(base.time) + index).toISOString(), source: {...base.source, pod_name: `web-${podIndex}`, labels: [`k8s:app=web-${podIndex}`, 'k8s:io.kubernetes.pod.namespace=demo']}});
		}
		setHubbleFlowSource(() => flows);
		const uiPod = pod('kube-system', 'hubble-ui-6f48889749-x2x7k', '10.0.1.60', {labels: {'k8s-app': 'hubble-ui'}});
		const handler = findPodServer(uiPod, 8081)!;
		const server = createServer((request, response) => handler(request, response, uiPod, cluster.ctx));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const scaleBrowser = await chromium.launch({executablePath: CHROMIUM, args: ['--no-sandbox']});
		try {
			const page = await scaleBrowser.newPage({viewport: {width: 1400, height: 900}});
			await page.goto(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/?namespace=demo`);
			await page.locator('#map g.node[data-id="demo/web-199"]').waitFor({timeout: 5000});
			expect(await page.locator('#map g.node.workload').count()).toBe(200);
			expect(await page.locator('#flows tr').count()).toBe(300);
			// A map this large opens zoomed out (labels hidden); Fit shows all of it, 1:1 its actual size.
			expect(await page.locator('#map').getAttribute('class')).toContain('small');
			await shot(page, '5-scale-200-pods');
			await page.locator('#zoom-fit').click();
			await expect.poll(async () => Number((await page.locator('#map').getAttribute('height')) ?? 'NaN')).toBeLessThanOrEqual(900 * 0.6);
			await shot(page, '5b-scale-200-pods-fit');
			await page.locator('#zoom-reset').click();
			await expect.poll(() => page.locator('#zoom-level').textContent()).toBe('100%');
			expect(await page.locator('#map').getAttribute('class')).not.toContain('small');
			// At 1:1 the 200 senders' arrows (from one block of alike boxes) go unlabelled, the rest labelled: none overlap.
			const drawn = await drawnLabels(page);
			expect(drawn.boxes).toBe(203);
			expect(drawn.labels).toBe(drawn.edges - (await page.locator('#map g.edge[data-source^="demo/web-"]').count()));
			expect(drawn.overlaps).toEqual([]);
			await shot(page, '5c-scale-200-pods-1to1');
		} finally {
			await scaleBrowser.close();
			setHubbleFlowSource(undefined);
			await new Promise((resolve) => server.close(resolve));
		}
	}, 60_000);
});
