// Hubble flow times against the practice daemon's real clock at each speed: an operation plans its packets at
// simulated offsets (SYN retransmits at 1 s, 3 s, DNS retries at 5 s) but the clock sleeps them scaled (fast: 1 %,
// instant: not at all), so a flow stamped at its planned offset would lie in the future. Hubble stamps a flow when
// the agent observed it (api/v1/flow/flow.proto `time`), so none may be after the clock.
import {describe, expect, test} from 'vitest';
import {createClock, type PracticeSpeed} from '../../../src/practice/daemon/clock.js';
import {lookupPodProgram} from '../../../src/practice/datapath/programs/index.js';
import {Datapath} from '../../../src/practice/datapath/runtime.js';
import {aksCluster, captureIo, cnp} from './fixtures.js';

async function blockedTraffic(speed: PracticeSpeed, seconds: string) {
	const cluster = aksCluster();
	cluster.ctx.clock = createClock(speed);
	cluster.store.apply(cnp('demo', 'lockdown', {endpointSelector: {matchLabels: {app: 'client'}}, egress: [{toEndpoints: [{matchLabels: {app: 'nothing'}}]}]}));
	const pod = cluster.store.get('v1', 'Pod', 'demo', 'curl')!;
	const curl = lookupPodProgram('curl', pod)!;
	const codes = [await curl(['curl', '-sS', '-m', seconds, 'http://10.0.1.10:8080'], captureIo(), pod, cluster.ctx), await curl(['curl', '-sS', '-m', seconds, 'http://example.com'], captureIo(), pod, cluster.ctx)];
	return {codes, flows: Datapath.for(cluster.ctx).allFlows(), now: Date.now(), datapathNow: Datapath.for(cluster.ctx).now()};
}

describe('flow times never run ahead of the clock', () => {
	for (const [speed, seconds] of [
		['instant', '10'],
		['fast', '10'],
		['realtime', '1'],
	] as const) {
		test(`${speed}: curls that time out after -m ${seconds} leave drops stamped no later than now, in order`, async () => {
			const {codes, flows, now, datapathNow} = await blockedTraffic(speed, seconds);
			expect(codes[0]).toBe(28);
			expect(codes[1]).not.toBe(0);
			expect(flows.filter((flow) => flow.verdict === 'DROPPED').length).toBeGreaterThanOrEqual(4);
			for (const flow of flows) expect(Date.parse(flow.time)).toBeLessThanOrEqual(now);
			expect(datapathNow).toBeLessThanOrEqual(now);
			const times = flows.map((flow) => flow.time);
			expect([...times].sort()).toEqual(times);
			expect(new Set(times).size).toBe(times.length);
		});
	}
});
