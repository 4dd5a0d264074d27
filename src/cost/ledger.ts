// The AKS clusters this lab home made on the real target and has not deleted yet: `<home>/real/clusters.json`.
// A costly step that creates an aksCluster records one when it passes on the real target; a destructive step on that
// cluster (or its resource group) clears it when it passes. Each start of the lab reads it and says how long each has
// run and roughly what it has cost, and that lesson 8 deletes it (`runningCostLines`).
import fs from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from '../atomic-write.js';
import {msg} from '../lab/i18n.js';
import type {Lang, Step, StepResource} from '../lab/types.js';
import {dollars, estimateHourly, formatDuration} from './estimate.js';

export interface LedgerCluster {
	name: string;
	group: string;
	location?: string;
	vmSize?: string;
	nodeCount?: string;
	/** ISO time the creating step passed. */
	createdAt: string;
	/** LESSON/STEP that made it. */
	step: string;
}

function ledgerFile(home: string): string {
	return path.join(home, 'real', 'clusters.json');
}

export function readLedger(home: string): LedgerCluster[] {
	try {
		const data = JSON.parse(fs.readFileSync(ledgerFile(home), 'utf8')) as {clusters?: unknown};
		return Array.isArray(data.clusters) ? (data.clusters as LedgerCluster[]).filter((entry) => typeof entry?.name === 'string' && typeof entry.group === 'string' && typeof entry.createdAt === 'string') : [];
	} catch {
		return [];
	}
}

function writeLedger(home: string, clusters: LedgerCluster[]): void {
	fs.mkdirSync(path.dirname(ledgerFile(home)), {recursive: true, mode: 0o700});
	writeFileAtomic(ledgerFile(home), `${JSON.stringify({clusters}, null, 2)}\n`, {mode: 0o600});
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * What a step that passed on the real target means for the ledger: a costly step's aksCluster is recorded (creation
 * time: `at`), a destructive step's aksCluster or resourceGroup is cleared. `resources` have the variables filled in.
 */
export function updateLedger(home: string, input: {step: Step; ref: string; resources: StepResource[]; at: string}): void {
	const effects = input.step.effects ?? [];
	let clusters = readLedger(home);
	const before = JSON.stringify(clusters);
	if (effects.includes('destructive')) {
		for (const resource of input.resources) {
			if (resource.kind === 'aksCluster') clusters = clusters.filter((entry) => !(same(entry.name, resource.name) && same(entry.group, resource.group ?? '')));
			if (resource.kind === 'resourceGroup') clusters = clusters.filter((entry) => !same(entry.group, resource.name));
		}
	} else if (effects.includes('costly')) {
		for (const resource of input.resources) {
			if (resource.kind !== 'aksCluster' || !resource.group) continue;
			// Kept from the first pass: running the step again on an existing cluster does not restart its clock.
			if (clusters.some((entry) => same(entry.name, resource.name) && same(entry.group, resource.group!))) continue;
			clusters.push({
				name: resource.name,
				group: resource.group,
				...(resource.location ? {location: resource.location} : {}),
				...(resource.vmSize ? {vmSize: resource.vmSize} : {}),
				...(resource.nodeCount ? {nodeCount: resource.nodeCount} : {}),
				createdAt: input.at,
				step: input.ref,
			});
		}
	}
	if (JSON.stringify(clusters) !== before) writeLedger(home, clusters);
}

/** One line per cluster the lab made and has not deleted: how long it has run, roughly what it cost, lesson 8 deletes it. */
export function runningCostLines(lang: Lang, home: string, now: number = Date.now()): string[] {
	return readLedger(home).map((entry) => {
		const ranMs = Math.max(0, now - Date.parse(entry.createdAt));
		const estimate = entry.vmSize && entry.nodeCount ? estimateHourly({vmSize: entry.vmSize, nodeCount: entry.nodeCount, location: entry.location ?? ''}) : undefined;
		const cost = estimate ? msg(lang, 'cost.soFar', {amount: dollars((estimate.hourly * ranMs) / 3_600_000), hourly: dollars(estimate.hourly)}) : msg(lang, 'cost.soFarUnknown');
		return msg(lang, 'cost.running', {name: entry.name, group: entry.group, duration: formatDuration(lang, ranMs), cost});
	});
}
