// What an AKS node pool costs per hour, from the price table (src/cost/aks-prices.ts), and what a cluster the lab made
// has cost so far, in the learner's words. Pure.
import {msg} from '../lab/i18n.js';
import type {Lang, StepResource} from '../lab/types.js';
import {AKS_NODE_PRICES, type PriceTable} from './aks-prices.js';

export interface HourlyEstimate {
	vmSize: string;
	nodeCount: number;
	/** The learner's region. */
	location: string;
	/** The region whose price was used (the learner's, or the table's reference region). */
	pricedRegion: string;
	perNode: number;
	hourly: number;
	date: string;
}

/** The node pool's hourly cost; undefined when the table has no price for the VM size (or the count is not a number). */
export function estimateHourly(input: {vmSize: string; nodeCount: string | number; location: string}, table: PriceTable = AKS_NODE_PRICES): HourlyEstimate | undefined {
	const nodeCount = Number(input.nodeCount);
	if (!Number.isInteger(nodeCount) || nodeCount < 1) return undefined;
	const size = Object.keys(table.perHour).find((name) => name.toLowerCase() === input.vmSize.toLowerCase());
	if (!size) return undefined;
	const byRegion = table.perHour[size]!;
	const location = input.location.toLowerCase();
	const pricedRegion = byRegion[location] !== undefined ? location : table.referenceRegion;
	const perNode = byRegion[pricedRegion];
	if (perNode === undefined) return undefined;
	return {vmSize: size, nodeCount, location, pricedRegion, perNode, hourly: perNode * nodeCount, date: table.date};
}

export function dollars(amount: number): string {
	return `$${amount < 100 ? amount.toFixed(2) : Math.round(amount).toLocaleString('en-US')}`;
}

/** The confirmation's cost lines for an aksCluster resource with vmSize and nodeCount; none for other resources. */
export function costLines(lang: Lang, resource: StepResource, table: PriceTable = AKS_NODE_PRICES): string[] {
	if (resource.kind !== 'aksCluster' || !resource.vmSize || !resource.nodeCount) return [];
	const location = resource.location ?? table.referenceRegion;
	const estimate = estimateHourly({vmSize: resource.vmSize, nodeCount: resource.nodeCount, location}, table);
	if (!estimate) return [msg(lang, 'cost.unknownSize', {size: resource.vmSize, count: resource.nodeCount, date: table.date})];
	const lines = [
		msg(lang, 'cost.estimate', {
			count: estimate.nodeCount,
			size: estimate.vmSize,
			hourly: dollars(estimate.hourly),
			daily: dollars(estimate.hourly * 24),
			monthly: dollars(estimate.hourly * 730),
		}),
		msg(lang, estimate.pricedRegion === estimate.location ? 'cost.basis' : 'cost.basisOtherRegion', {region: estimate.pricedRegion, location: estimate.location, date: estimate.date}),
	];
	return lines;
}

/** "3 h 12 min", "2 d 4 h", "5 min". */
export function formatDuration(lang: Lang, ms: number): string {
	const minutes = Math.max(0, Math.floor(ms / 60_000));
	const days = Math.floor(minutes / 1440);
	const hours = Math.floor((minutes % 1440) / 60);
	const rest = minutes % 60;
	if (days > 0) return msg(lang, 'cost.daysHours', {days, hours});
	if (hours > 0) return msg(lang, 'cost.hoursMinutes', {hours, minutes: rest});
	return msg(lang, 'cost.minutes', {minutes: rest});
}
