// The practice Hubble UI's data: a namespace's service map (boxes per workload identity, kube-dns, world and FQDN
// destinations; one arrow per direction, port and protocol, with counts by verdict) and the flow table's rows.
// Pure: the page's JSON endpoint (hubble-ui.ts) calls it with the flows Hubble Relay would stream.
import type {EdgeLabel, GraphLabel, NodeLabel} from '@dagrejs/dagre';
import type {Flow, FlowEndpoint} from '../../datapath/flows.js';
import {dnsSummary, httpSummary, stampMilli} from '../../datapath/flows.js';
import {RESERVED_NAMES} from '../../datapath/identity.js';

export type NodeKind = 'workload' | 'dns' | 'world' | 'fqdn' | 'reserved';

export interface MapNode {
	id: string;
	kind: NodeKind;
	title: string;
	namespace?: string;
	pods: string[];
	labels: string[];
	/** Column (0 = senders) and row of the layout; x, y the box's top left corner. */
	column: number;
	row: number;
	x: number;
	y: number;
}

export interface MapEdge {
	id: string;
	source: string;
	target: string;
	port: number;
	protocol: string;
	forwarded: number;
	dropped: number;
	other: number;
	/** dropped when every flow was dropped, mixed when some were, forwarded otherwise. */
	verdict: 'forwarded' | 'dropped' | 'mixed';
	/** The route dagre gives the pair of boxes, from the source's side to the target's (none for a box to itself). */
	points: Point[];
}

export interface FlowRow {
	id: string;
	time: string;
	timeText: string;
	source: string;
	sourceNode: string;
	destination: string;
	destinationNode: string;
	port: number | null;
	protocol: string;
	l7: string;
	verdict: string;
	type: string;
	flow: Flow;
}

export interface MapFilter {
	namespace: string;
	verdict?: string;
	pod?: string;
	label?: string;
}

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 76;
const COLUMN_GAP = 150;
const ROW_GAP = 36;

export interface Point {
	x: number;
	y: number;
}
const APP_LABELS = ['k8s:app', 'k8s:k8s-app', 'k8s:app.kubernetes.io/name', 'k8s:name', 'k8s:run'];

function labelValue(labels: string[] | undefined, key: string): string | undefined {
	const found = labels?.find((label) => label.startsWith(`${key}=`));
	return found?.slice(key.length + 1);
}

/** The box a flow endpoint belongs to, as Hubble UI groups them: pods by their app-like identity label. */
export function nodeOf(endpoint: FlowEndpoint, names: string[] | undefined): Pick<MapNode, 'id' | 'kind' | 'title' | 'namespace' | 'labels'> {
	const labels = (endpoint.labels ?? []).filter((label) => !label.startsWith('k8s:io.cilium.k8s.') && !label.startsWith('k8s:io.kubernetes.pod.namespace'));
	if (endpoint.pod_name && endpoint.namespace) {
		let app: string | undefined;
		for (const key of APP_LABELS) app ??= labelValue(endpoint.labels, key);
		app ??= endpoint.workloads?.[0]?.name ?? endpoint.pod_name;
		const kind: NodeKind = labelValue(endpoint.labels, 'k8s:k8s-app') === 'kube-dns' ? 'dns' : 'workload';
		return {id: `${endpoint.namespace}/${app}`, kind, title: app, namespace: endpoint.namespace, labels};
	}
	const reserved = RESERVED_NAMES.get(endpoint.identity);
	const name = names?.[0];
	if (name && (reserved === 'world' || reserved === undefined)) return {id: `fqdn:${name}`, kind: 'fqdn', title: name, labels: ['reserved:world']};
	if (reserved === 'world') return {id: 'world', kind: 'world', title: 'world', labels: ['reserved:world']};
	if (reserved) return {id: `reserved:${reserved}`, kind: 'reserved', title: reserved, labels: [`reserved:${reserved}`]};
	return {id: `identity:${endpoint.identity}`, kind: 'reserved', title: `identity ${endpoint.identity}`, labels};
}

function portsOf(flow: Flow): {port: number | null; protocol: string} {
	const l4 = flow.l4;
	if ('TCP' in l4) return {port: l4.TCP.destination_port, protocol: 'TCP'};
	if ('UDP' in l4) return {port: l4.UDP.destination_port, protocol: 'UDP'};
	return {port: null, protocol: 'ICMPv4'};
}

function endpointText(endpoint: FlowEndpoint, names: string[] | undefined, ip: string): string {
	if (endpoint.pod_name) return `${endpoint.namespace}/${endpoint.pod_name}`;
	if (names && names.length > 0) return names.join(',');
	const reserved = RESERVED_NAMES.get(endpoint.identity);
	return reserved ? `${ip} (${reserved})` : ip;
}

function l7Text(flow: Flow): string {
	const l7 = flow.l7;
	if (!l7) return '';
	if (l7.dns) return dnsSummary(l7.dns, l7.type);
	if (l7.http) return httpSummary(l7.http, l7.type, l7.latency_ns ? Number(l7.latency_ns) / 1e6 : 0);
	return '';
}

/** The flow's direction as the map draws it: replies are turned around so an arrow always points at the server. */
function oriented(flow: Flow): {source: FlowEndpoint; destination: FlowEndpoint; sourceNames?: string[]; destinationNames?: string[]; sourceIp: string; destinationIp: string} {
	if (flow.is_reply)
		return {source: flow.destination, destination: flow.source, sourceNames: flow.destination_names, destinationNames: flow.source_names, sourceIp: flow.IP.destination, destinationIp: flow.IP.source};
	return {source: flow.source, destination: flow.destination, sourceNames: flow.source_names, destinationNames: flow.destination_names, sourceIp: flow.IP.source, destinationIp: flow.IP.destination};
}

function involves(flow: Flow, namespace: string): boolean {
	return flow.source.namespace === namespace || flow.destination.namespace === namespace;
}

/** The filters of Hubble UI's filter bar: verdict, pod (name prefix, either side), label (`key=value`, either side). */
export function flowPasses(flow: Flow, filter: MapFilter): boolean {
	if (!involves(flow, filter.namespace)) return false;
	if (filter.verdict && filter.verdict.toUpperCase() !== flow.verdict) return false;
	if (filter.pod) {
		const pod = filter.pod.includes('/') ? filter.pod : `${filter.namespace}/${filter.pod}`;
		const sides = [flow.source, flow.destination].filter((side) => side.pod_name).map((side) => `${side.namespace}/${side.pod_name}`);
		if (!sides.some((side) => side.startsWith(pod))) return false;
	}
	if (filter.label) {
		const wanted = filter.label.includes(':') ? filter.label : `k8s:${filter.label}`;
		const [key, value] = wanted.split('=', 2) as [string, string | undefined];
		const has = (labels: string[] | undefined) => (labels ?? []).some((label) => (value === undefined ? label.split('=', 1)[0] === key : label === `${key}=${value}`));
		if (!has(flow.source.labels) && !has(flow.destination.labels)) return false;
	}
	return true;
}

/** A table row shows the flow as Hubble recorded it (a reply's source is the server), as the real UI's table does. */
export function flowRow(flow: Flow, index: number): FlowRow {
	const {port, protocol} = portsOf(flow);
	return {
		id: flow.uuid ?? `${flow.time}-${index}`,
		time: flow.time,
		timeText: stampMilli(flow.time),
		source: endpointText(flow.source, flow.source_names, flow.IP.source),
		sourceNode: nodeOf(flow.source, flow.source_names).id,
		destination: endpointText(flow.destination, flow.destination_names, flow.IP.destination),
		destinationNode: nodeOf(flow.destination, flow.destination_names).id,
		port,
		protocol,
		l7: l7Text(flow),
		verdict: flow.verdict,
		type: flow.Type,
		flow,
	};
}

type Dagre = typeof import('@dagrejs/dagre').default;
let dagreLoading: Promise<Dagre> | undefined;
/** dagre is loaded on the first map drawn, not when the daemon starts (its own chunk of the daemon's bundle). */
function loadDagre(): Promise<Dagre> {
	return (dagreLoading ??= import('@dagrejs/dagre').then((module) => module.default));
}

interface Placement {
	nodes: Map<string, {x: number; y: number; column: number; row: number}>;
	edges: Map<string, Point[]>;
	width: number;
	height: number;
}

/** Layouts by the map's shape (its boxes and which box sends to which): counts change every second, shapes rarely. */
const placements = new Map<string, Placement>();
const PLACEMENTS_KEPT = 16;
/**
 * dagre's default ranker (network simplex) draws the tightest maps, but on 200 boxes with 600 arrows it takes
 * ~450 ms on this machine; longest-path ~150–250 ms for a map as readable (every sender in the first column).
 */
const NETWORK_SIMPLEX_MAX_NODES = 60;

/**
 * Places the boxes left to right with dagre (@dagrejs/dagre): senders left of what they send to, crossings
 * minimised, arrows routed around the boxes between. One dagre edge per pair of boxes: the arrows of one pair
 * (one per port) share its route and the page draws them side by side. Deterministic: nodes and edges go in sorted,
 * so the same flows always draw the same map.
 */
async function place(nodes: MapNode[], edges: MapEdge[]): Promise<Placement> {
	const pairs = [...new Set(edges.filter((edge) => edge.source !== edge.target).map((edge) => `${edge.source}\n${edge.target}`))].sort();
	const key = `${nodes.map((node) => node.id).join('\t')}\f${pairs.join('\t')}`;
	const known = placements.get(key);
	if (known) {
		placements.delete(key);
		placements.set(key, known);
		return known;
	}
	const dagre = await loadDagre();
	const graph = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
	graph.setGraph({rankdir: 'LR', nodesep: ROW_GAP, ranksep: COLUMN_GAP, marginx: 20, marginy: 20, ranker: nodes.length > NETWORK_SIMPLEX_MAX_NODES ? 'longest-path' : 'network-simplex'});
	graph.setDefaultEdgeLabel(() => ({}));
	for (const node of nodes) graph.setNode(node.id, {width: NODE_WIDTH, height: NODE_HEIGHT});
	for (const pair of pairs) {
		const [source, target] = pair.split('\n') as [string, string];
		graph.setEdge(source, target, {});
	}
	dagre.layout(graph);
	const center = (id: string) => ({x: Math.round(graph.node(id).x ?? 0), y: Math.round(graph.node(id).y ?? 0)});
	const columns = [...new Set(nodes.map((node) => center(node.id).x))].sort((a, b) => a - b);
	const placed = new Map<string, {x: number; y: number; column: number; row: number}>();
	for (const node of nodes) {
		const {x, y} = center(node.id);
		placed.set(node.id, {x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2, column: columns.indexOf(x), row: 0});
	}
	for (let column = 0; column < columns.length; column++)
		[...placed.values()]
			.filter((spot) => spot.column === column)
			.sort((a, b) => a.y - b.y)
			.forEach((spot, row) => (spot.row = row));
	const routes = new Map<string, Point[]>();
	for (const pair of pairs) {
		const [source, target] = pair.split('\n') as [string, string];
		routes.set(pair, (graph.edge(source, target).points ?? []).map((point: Point) => ({x: Math.round(point.x), y: Math.round(point.y)})));
	}
	const size = graph.graph();
	const laidOut = {nodes: placed, edges: routes, width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0)};
	const placement = wrapLongColumns(laidOut, pairs, columns.length) ?? laidOut;
	placements.set(key, placement);
	if (placements.size > PLACEMENTS_KEPT) placements.delete(placements.keys().next().value!);
	return placement;
}

/** A column of more boxes than this (say 200 workloads all sending to kube-dns) is wrapped into a block. */
const WRAP_ROWS = 12;
/** The block's shape: about this much wider than tall, as a browser window is. */
const BLOCK_ASPECT = 2.5;
const BLOCK_COLUMN_GAP = 40;

/**
 * dagre puts every box of a rank in one column: 200 senders make a column 22,000 px tall with their targets half-way
 * down it. A column longer than WRAP_ROWS is wrapped into a block of sub-columns in the boxes' name order, the
 * other columns are centred beside it in dagre's order, and the arrows become direct lines from box to box
 * (dagre's routes belong to its own positions). Undefined when no column is that long.
 */
function wrapLongColumns(placement: Placement, pairs: string[], columnCount: number): Placement | undefined {
	const members: Array<Array<[string, {x: number; y: number; column: number; row: number}]>> = Array.from({length: columnCount}, () => []);
	for (const entry of placement.nodes) members[entry[1].column]!.push(entry);
	if (!members.some((column) => column.length > WRAP_ROWS)) return undefined;
	const rowHeight = NODE_HEIGHT + ROW_GAP;
	const shapes = members.map((column) => {
		const count = column.length;
		const rows = count > WRAP_ROWS ? Math.ceil(Math.sqrt((count * (NODE_WIDTH + BLOCK_COLUMN_GAP)) / rowHeight / BLOCK_ASPECT)) : count;
		return {rows, subColumns: Math.max(1, Math.ceil(count / Math.max(rows, 1)))};
	});
	const height = Math.max(...shapes.map((shape) => shape.rows)) * rowHeight - ROW_GAP;
	const nodes = new Map(placement.nodes);
	let left = 20;
	members.forEach((column, index) => {
		const {rows, subColumns} = shapes[index]!;
		// A wrapped block is read like a list (web-0, web-1, …); dagre's order only matters to its own routes.
		if (column.length > WRAP_ROWS) column.sort((a, b) => a[0].localeCompare(b[0], 'en', {numeric: true}));
		else column.sort((a, b) => a[1].y - b[1].y);
		const top = 20 + Math.round((height - (Math.min(rows, column.length) * rowHeight - ROW_GAP)) / 2);
		column.forEach(([id, spot], order) => {
			const subColumn = Math.floor(order / rows);
			nodes.set(id, {...spot, x: left + subColumn * (NODE_WIDTH + BLOCK_COLUMN_GAP), y: top + (order % rows) * rowHeight, row: order});
		});
		left += subColumns * (NODE_WIDTH + BLOCK_COLUMN_GAP) - BLOCK_COLUMN_GAP + COLUMN_GAP;
	});
	const edges = new Map<string, Point[]>();
	for (const pair of pairs) {
		const [source, target] = pair.split('\n') as [string, string];
		const from = nodes.get(source)!;
		const to = nodes.get(target)!;
		const forward = to.x >= from.x + NODE_WIDTH;
		edges.set(pair, [
			{x: forward ? from.x + NODE_WIDTH : from.x, y: from.y + NODE_HEIGHT / 2},
			{x: forward ? to.x : to.x + NODE_WIDTH, y: to.y + NODE_HEIGHT / 2},
		]);
	}
	return {nodes, edges, width: left - COLUMN_GAP + 20, height: height + 40};
}

export interface ServiceMap {
	namespace: string;
	nodes: MapNode[];
	edges: MapEdge[];
	width: number;
	height: number;
	flowCount: number;
}

/** The service map of one namespace from the flows that pass the filter. Flows without a port (ICMP) draw no arrow. */
export async function buildServiceMap(flows: readonly Flow[], filter: MapFilter): Promise<ServiceMap> {
	const nodes = new Map<string, MapNode>();
	const edges = new Map<string, MapEdge>();
	let flowCount = 0;
	const touch = (endpoint: FlowEndpoint, names: string[] | undefined): string => {
		const found = nodeOf(endpoint, names);
		let node = nodes.get(found.id);
		if (!node) nodes.set(found.id, (node = {...found, pods: [], column: 0, row: 0, x: 0, y: 0}));
		if (endpoint.pod_name && !node.pods.includes(endpoint.pod_name)) node.pods.push(endpoint.pod_name);
		return node.id;
	};
	for (const flow of flows) {
		if (!flowPasses(flow, filter)) continue;
		flowCount++;
		const side = oriented(flow);
		const source = touch(side.source, side.sourceNames);
		const target = touch(side.destination, side.destinationNames);
		if (flow.is_reply || flow.l7?.type === 'RESPONSE') continue;
		const {port, protocol} = portsOf(flow);
		if (port === null) continue;
		const key = `${source}->${target}:${port}/${protocol}`;
		let edge = edges.get(key);
		if (!edge) edges.set(key, (edge = {id: key, source, target, port, protocol, forwarded: 0, dropped: 0, other: 0, verdict: 'forwarded', points: []}));
		if (flow.verdict === 'FORWARDED' || flow.verdict === 'REDIRECTED') edge.forwarded++;
		else if (flow.verdict === 'DROPPED') edge.dropped++;
		else edge.other++;
	}
	for (const edge of edges.values()) edge.verdict = edge.dropped === 0 ? 'forwarded' : edge.forwarded === 0 ? 'dropped' : 'mixed';
	const edgeList = [...edges.values()].sort((a, b) => a.id.localeCompare(b.id));
	for (const node of nodes.values()) node.pods.sort();
	const sortedNodes = [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id));
	const placement = await place(sortedNodes, edgeList);
	for (const node of sortedNodes) Object.assign(node, placement.nodes.get(node.id));
	for (const edge of edgeList) edge.points = placement.edges.get(`${edge.source}\n${edge.target}`) ?? [];
	const nodeList = sortedNodes.sort((a, b) => a.column - b.column || a.row - b.row);
	const width = nodeList.length ? placement.width : 0;
	const height = nodeList.length ? placement.height : 0;
	return {namespace: filter.namespace, nodes: nodeList, edges: edgeList, width, height, flowCount};
}

/** The newest rows of the flow table (newest first), at most `limit`. */
export function flowRows(flows: readonly Flow[], filter: MapFilter, limit: number): FlowRow[] {
	const rows: FlowRow[] = [];
	for (let index = flows.length - 1; index >= 0 && rows.length < limit; index--) {
		const flow = flows[index]!;
		if (flowPasses(flow, filter)) rows.push(flowRow(flow, index));
	}
	return rows;
}
