#!/usr/bin/env node
// The workshop server under a room's load: `cilium-lab workshop serve` (the built app, the lab's own lessons) as a
// child process, 100 simulated learners each joining from its own loopback address (127.0.1.x, as a room's laptops
// have their own) and sending one progress event a second for a minute, and one dashboard following the room over
// server-sent events. For every event it measures how long until a room the dashboard receives reflects it, and it
// samples the server's RSS. Targets (issue 13): p95 < 1 s, server RSS < 150 MB. The baseline in the same run: the
// same measure with one learner for the first seconds (the server's 100 ms coalescing and the SSE path alone), so
// the ratio says what a full room costs. Each learner also keeps its pacing channel open, and the facilitator
// broadcasts a message every 10 s: how long until every lab has it. The server saves the room as it changes (at
// most once a second, src/workshop/room-store.ts), so that is in the measure too.
//
//   node bench/workshop.mjs [--learners 100] [--seconds 60] [--baseline-seconds 10]
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const {values} = parseArgs({options: {learners: {type: 'string', default: '100'}, seconds: {type: 'string', default: '60'}, 'baseline-seconds': {type: 'string', default: '10'}}});
const LEARNERS = Number(values.learners);
const SECONDS = Number(values.seconds);
const BASELINE_SECONDS = Number(values['baseline-seconds']);
const P95_TARGET_MS = 1000;
const RSS_TARGET_MB = 150;

const home = mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-bench-workshop-'));
const server = spawn(process.execPath, [path.join(root, 'dist/cilium-lab.js'), 'workshop', 'serve', '--lang', 'en'], {
	env: {...process.env, CILIUM_LAB_HOME: home, LANG: 'en_US.UTF-8'},
	stdio: ['ignore', 'pipe', 'inherit'],
});
let printed = '';
server.stdout.on('data', (chunk) => (printed += chunk));
let cleaned = false;
const cleanup = () => {
	if (cleaned) return;
	cleaned = true;
	server.kill('SIGTERM');
	rmSync(home, {recursive: true, force: true});
};
process.on('exit', cleanup);
for (let tries = 0; tries < 200 && !/join code: (\S+)/.test(printed); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
const dashboardUrl = /dashboard \(for you\):\s+(\S+)/.exec(printed)?.[1];
const joinUrl = /--join (\S+)/.exec(printed)?.[1];
if (!dashboardUrl || !joinUrl) throw new Error(`the server did not start:\n${printed}`);
const origin = new URL(joinUrl).origin;
const code = joinUrl.split('/').pop();

function rssMb() {
	const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

/** The steps of the lab, from the room the server describes. */
const outline = await (await fetch(dashboardUrl.replace('/dashboard?', '/api/room?'))).json().then((room) => room.outline);
const steps = outline.lessons.flatMap((lesson) => lesson.steps.filter((step) => !step.tracks || step.tracks.includes('k8s')).map((step) => ({lesson: lesson.id, step: step.id})));

function post(agent, pathname, body, token) {
	const data = JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const request = http.request(`${origin}${pathname}`, {method: 'POST', agent, headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...(token ? {authorization: `Bearer ${token}`} : {})}}, (response) => {
			let text = '';
			response.on('data', (chunk) => (text += chunk));
			response.on('end', () => resolve({status: response.statusCode, text}));
		});
		request.on('error', reject);
		request.end(data);
	});
}

class Learner {
	constructor(index) {
		this.index = index;
		// Its own loopback address: the join limit is per address, as in a room.
		this.agent = new http.Agent({keepAlive: true, maxSockets: 1, localAddress: `127.0.1.${1 + index}`});
		this.seq = 0;
		this.tick = 0;
		/** Events sent and not yet seen on the dashboard: {key, at (ms, as the room stores it), sentAt}. */
		this.pending = [];
	}
	async join() {
		const answer = await post(this.agent, '/join', {code, name: `Learner ${this.index + 1}`, track: 'k8s', target: 'practice'});
		if (answer.status !== 200) throw new Error(`join ${this.index}: HTTP ${answer.status} ${answer.text}`);
		Object.assign(this, JSON.parse(answer.text));
	}
	/** The pacing channel a lab keeps open (as `run --join` and the TUI do); calls `heard(text, at)` per message. */
	listen(heard) {
		const agent = new http.Agent({keepAlive: true, localAddress: `127.0.1.${1 + this.index}`});
		this.pacingAgent = agent;
		return new Promise((resolve, reject) => {
			const request = http.get(`${origin}/pacing`, {agent, headers: {authorization: `Bearer ${this.token}`}}, (response) => {
				if (response.statusCode !== 200) return reject(new Error(`pacing ${this.index}: HTTP ${response.statusCode}`));
				let buffer = '';
				response.setEncoding('utf8');
				response.on('data', (chunk) => {
					buffer += chunk;
					let end;
					while ((end = buffer.indexOf('\n\n')) >= 0) {
						const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '));
						buffer = buffer.slice(end + 2);
						const message = data ? JSON.parse(data.slice(6)) : undefined;
						if (message?.type === 'message') heard(message.text, performance.now());
					}
				});
				resolve();
			});
			request.on('error', reject);
		});
	}
	/** One event: the learner starts, fails or finishes a step, walking the lab. */
	async send() {
		const {lesson, step} = steps[Math.floor(this.tick / 3) % steps.length];
		const type = ['step.started', 'step.failed', 'step.done'][this.tick % 3];
		this.tick++;
		// Unique per learner and second: the room stores the event's time, so the dashboard shows exactly this event.
		const at = Date.now();
		const event = {type, lesson, step, at: new Date(at).toISOString(), ...(type === 'step.started' ? {activity: 'run'} : {}), ...(type === 'step.failed' ? {summary: 'podReady: no pod app=client is Ready'} : {})};
		this.pending.push({key: `${lesson}/${step}`, at, sentAt: performance.now()});
		const answer = await post(this.agent, '/events', {seq: ++this.seq, events: [event]}, this.token);
		if (answer.status !== 204) throw new Error(`events ${this.index}: HTTP ${answer.status} ${answer.text}`);
	}
}

/** The dashboard: the room over SSE; each room received settles the events it reflects. */
function followRoom(learners, latencies) {
	const byId = new Map(learners.map((learner) => [learner.learnerId, learner]));
	const controller = new AbortController();
	let rooms = 0;
	let bytes = 0;
	const done = (async () => {
		const response = await fetch(dashboardUrl.replace('/dashboard?', '/api/stream?'), {signal: controller.signal});
		const decoder = new TextDecoder();
		let buffer = '';
		for await (const chunk of response.body) {
			buffer += decoder.decode(chunk, {stream: true});
			let end;
			while ((end = buffer.indexOf('\n\n')) >= 0) {
				const frame = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				const data = frame.split('\n').find((line) => line.startsWith('data: '));
				if (!frame.includes('event: room') || !data) continue;
				const now = performance.now();
				bytes += data.length;
				rooms++;
				const room = JSON.parse(data.slice(6));
				for (const seen of room.learners) {
					const learner = byId.get(seen.id);
					if (!learner) continue;
					while (learner.pending.length > 0) {
						const oldest = learner.pending[0];
						const cell = seen.cells[oldest.key];
						if (!cell || cell.at < oldest.at) break;
						latencies.push(now - oldest.sentAt);
						learner.pending.shift();
					}
				}
			}
		}
	})().catch((error) => {
		if (error.name !== 'AbortError') throw error;
	});
	return {stop: () => controller.abort(), done, stats: () => ({rooms, bytes})};
}

const percentile = (values, p) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function phase(learners, seconds) {
	const latencies = [];
	const dashboard = followRoom(learners, latencies);
	await new Promise((resolve) => setTimeout(resolve, 300));
	let peakRss = rssMb();
	const errors = [];
	const started = performance.now();
	// Each learner's second starts at its own offset, so the room's events spread over the second as a room's do.
	const timers = learners.map((learner, index) =>
		setTimeout(() => {
			const every = setInterval(() => learner.send().catch((error) => errors.push(error.message)), 1000);
			learner.stopSending = () => clearInterval(every);
			learner.send().catch((error) => errors.push(error.message));
		}, (index * 1000) / learners.length),
	);
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb())), 250);
	await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
	for (const timer of timers) clearTimeout(timer);
	for (const learner of learners) learner.stopSending?.();
	// The last events get their chance to show.
	await new Promise((resolve) => setTimeout(resolve, 1500));
	clearInterval(sampler);
	dashboard.stop();
	await dashboard.done;
	const unseen = learners.reduce((sum, learner) => sum + learner.pending.length, 0);
	const elapsed = (performance.now() - started) / 1000;
	return {latencies, unseen, errors, peakRss, elapsed, ...dashboard.stats()};
}

const idleRss = rssMb();
const baselineLearner = new Learner(LEARNERS);
await baselineLearner.join();
const baseline = await phase([baselineLearner], BASELINE_SECONDS);

const learners = Array.from({length: LEARNERS}, (_, index) => new Learner(index));
/** Broadcasts from the facilitator: text → when sent, and when each lab heard it. */
const broadcasts = new Map();
for (const learner of learners) {
	await learner.join();
	await learner.listen((text, at) => broadcasts.get(text)?.heard.push(at));
}
const dashboardKey = new URL(dashboardUrl).searchParams.get('key');
// A message to the room every 10 s while the learners send: how long until every lab has it.
const broadcaster = setInterval(async () => {
	const text = `Broadcast ${broadcasts.size + 1}`;
	broadcasts.set(text, {sentAt: performance.now(), heard: []});
	await fetch(`${origin}/api/pacing`, {method: 'POST', headers: {'content-type': 'application/json', 'x-workshop-key': dashboardKey}, body: JSON.stringify({type: 'message', text})});
}, 10_000);
const full = await phase(learners, SECONDS);
clearInterval(broadcaster);
const pacingLatencies = [...broadcasts.values()].flatMap((broadcast) => broadcast.heard.map((at) => at - broadcast.sentAt));
const pacingMissed = [...broadcasts.values()].reduce((sum, broadcast) => sum + (LEARNERS - broadcast.heard.length), 0);

const p50 = percentile(full.latencies, 50);
const p95 = percentile(full.latencies, 95);
const baseP95 = percentile(baseline.latencies, 95);
console.log(`workshop server: ${LEARNERS} learners × 1 event/s for ${SECONDS} s (${steps.length} steps on the k8s track), one dashboard over SSE`);
console.log(`  events reflected: ${full.latencies.length}, never seen: ${full.unseen}, send errors: ${full.errors.length}${full.errors.length ? ` (${full.errors[0]})` : ''}`);
console.log(`  rooms received by the dashboard: ${full.rooms} (${(full.bytes / full.rooms / 1024).toFixed(0)} KB each, ${(full.rooms / full.elapsed).toFixed(1)}/s)`);
console.log(`  dashboard reflects an event: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (target < ${P95_TARGET_MS} ms)`);
console.log(`  baseline, 1 learner for ${BASELINE_SECONDS} s: p95 ${baseP95.toFixed(0)} ms → ratio ${(p95 / baseP95).toFixed(2)}×`);
if (broadcasts.size > 0) console.log(`  ${broadcasts.size} broadcast(s) to ${LEARNERS} open pacing channels: every lab had each within ${Math.max(...pacingLatencies).toFixed(0)} ms (p95 ${percentile(pacingLatencies, 95).toFixed(0)} ms), missed ${pacingMissed}`);
console.log(`  server RSS: idle ${idleRss.toFixed(0)} MB, peak ${full.peakRss.toFixed(0)} MB (target < ${RSS_TARGET_MB} MB) → ${(full.peakRss / idleRss).toFixed(2)}× idle`);
const met = p95 < P95_TARGET_MS && full.peakRss < RSS_TARGET_MB && full.unseen === 0 && full.errors.length === 0 && pacingMissed === 0;
console.log(met ? 'met' : 'MISSED');
for (const learner of [...learners, baselineLearner]) {
	learner.agent.destroy();
	learner.pacingAgent?.destroy();
}
server.stdout.destroy();
// The server saves the room as it stops (workshop-room.json in its home): its home goes once it has.
const exited = new Promise((resolve) => server.once('exit', resolve));
server.kill('SIGTERM');
await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
cleanup();
process.exitCode = met ? 0 : 1;
