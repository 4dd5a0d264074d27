import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {AKS_NODE_PRICES} from '../../src/cost/aks-prices.js';
import {costLines, estimateHourly, formatDuration} from '../../src/cost/estimate.js';
import {readLedger, runningCostLines, updateLedger} from '../../src/cost/ledger.js';
import type {Step} from '../../src/lab/types.js';

const homes: string[] = [];
afterEach(() => {
	for (const home of homes.splice(0)) rmSync(home, {recursive: true, force: true});
});
function tempHome() {
	const home = mkdtempSync(path.join(os.tmpdir(), 'cost-home-'));
	homes.push(home);
	return home;
}

const step = (effects: Step['effects']): Step => ({id: 'x', title: {ko: 'x', en: 'x'}, body: {ko: 'x', en: 'x'}, mode: 'command', timeout: 60, expect: [], hints: [], effects});

describe('the node pool estimate', () => {
	it('multiplies the per-VM price by the node count, in the region when the table has it, else the reference region', () => {
		const table = {...AKS_NODE_PRICES, perHour: {Standard_X: {eastus: 0.1, koreacentral: 0.12}}};
		expect(estimateHourly({vmSize: 'standard_x', nodeCount: '3', location: 'koreacentral'}, table)).toMatchObject({vmSize: 'Standard_X', pricedRegion: 'koreacentral', perNode: 0.12, hourly: 0.36});
		expect(estimateHourly({vmSize: 'Standard_X', nodeCount: 2, location: 'westeurope'}, table)).toMatchObject({pricedRegion: 'eastus', hourly: 0.2});
		expect(estimateHourly({vmSize: 'Standard_Nope', nodeCount: 2, location: 'eastus'}, table)).toBeUndefined();
		expect(estimateHourly({vmSize: 'Standard_X', nodeCount: 'three', location: 'eastus'}, table)).toBeUndefined();
	});

	it('states the basis: the date, the region priced, what is not included; unknown sizes say so', () => {
		const resource = {kind: 'aksCluster' as const, name: 'yj-aks', group: 'yj-rg', location: 'koreacentral', vmSize: 'Standard_DS2_v2', nodeCount: '3'};
		const lines = costLines('en', resource);
		expect(lines[0]).toBe('Estimated cost: 3 × Standard_DS2_v2 ≈ $0.44/hour ($10.51/day, $320/month)');
		expect(lines[1]).toContain(`priced at eastus (the table has no koreacentral price; prices differ by region)`);
		expect(lines[1]).toContain(`as of ${AKS_NODE_PRICES.date}`);
		expect(costLines('ko', resource)[0]).toContain('예상 비용');
		expect(costLines('en', {...resource, vmSize: 'Standard_Z9'})[0]).toContain('Standard_Z9 is not in the price table');
		expect(costLines('en', {kind: 'namespace', name: 'demo'})).toEqual([]);
	});

	it('formats durations', () => {
		expect(formatDuration('en', 5 * 60_000)).toBe('5 min');
		expect(formatDuration('en', (3 * 60 + 12) * 60_000)).toBe('3 h 12 min');
		expect(formatDuration('ko', (50 * 60 + 0) * 60_000)).toBe('2일 2시간');
	});
});

describe('the ledger of clusters the lab made', () => {
	const cluster = {kind: 'aksCluster' as const, name: 'yj-aks', group: 'yj-rg', location: 'eastus', vmSize: 'Standard_DS2_v2', nodeCount: '3'};

	it('records a costly step’s cluster once (0600), reports its running time and cost, and a destructive step clears it', () => {
		const home = tempHome();
		updateLedger(home, {step: step(['costly']), ref: 'cluster/create-byocni', resources: [cluster], at: '2026-12-03T10:00:00.000Z'});
		updateLedger(home, {step: step(['costly']), ref: 'cluster/create-byocni', resources: [cluster], at: '2026-12-03T11:00:00.000Z'});
		expect(readLedger(home)).toEqual([{name: 'yj-aks', group: 'yj-rg', location: 'eastus', vmSize: 'Standard_DS2_v2', nodeCount: '3', createdAt: '2026-12-03T10:00:00.000Z', step: 'cluster/create-byocni'}]);
		expect(statSync(path.join(home, 'real', 'clusters.json')).mode & 0o777).toBe(0o600);
		const [line] = runningCostLines('en', home, Date.parse('2026-12-03T13:30:00.000Z'));
		// 3.5 h × 3 × $0.146
		expect(line).toBe('💸 The AKS cluster yj-aks (resource group yj-rg) this lab made has run for 3 h 30 min: roughly $1.53 so far ($0.44/hour, VMs only). Lesson 8 (cleanup) deletes it');
		expect(runningCostLines('ko', home, Date.parse('2026-12-03T13:30:00.000Z'))[0]).toContain('3시간 30분');
		updateLedger(home, {step: step(['destructive', 'irreversible']), ref: 'cleanup/delete-cluster', resources: [{kind: 'aksCluster', name: 'YJ-AKS', group: 'yj-rg'}], at: '2026-12-03T14:00:00.000Z'});
		expect(readLedger(home)).toEqual([]);
		expect(runningCostLines('en', home)).toEqual([]);
	});

	it('deleting the resource group clears its clusters; a damaged file reads as empty', () => {
		const home = tempHome();
		updateLedger(home, {step: step(['costly']), ref: 'a/b', resources: [cluster], at: '2026-12-03T10:00:00.000Z'});
		updateLedger(home, {step: step(['destructive']), ref: 'c/d', resources: [{kind: 'resourceGroup', name: 'YJ-RG'}], at: '2026-12-03T10:00:00.000Z'});
		expect(JSON.parse(readFileSync(path.join(home, 'real', 'clusters.json'), 'utf8'))).toEqual({clusters: []});
		expect(readLedger(tempHome())).toEqual([]);
	});
});
