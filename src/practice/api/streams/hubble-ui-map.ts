// The practice Hubble UI's data: a namespace's service map (boxes per workload identity, kube-dns, world and FQDN
// destinations; one arrow per direction, port and protocol, with counts by verdict) and the flow table's rows.
// The page's JSON endpoint (hubble-ui.ts) calls it with the flows Hubble Relay would stream. No I/O: the same flows
// give the same map; the only state is a cache of layouts by map shape (dagre, loaded on the first map).
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
	/** The verdicts of its flows (FORWARDED, DROPPED, ERROR…), sorted: hubble-ui's AccessPointArrow.verdicts. */
	verdicts: string[];
	/**
	 * How hubble-ui v0.13.1 draws the arrow to a port (src/components/ServiceMapArrowRenderer/helpers.ts, innerArrows):
	 * red when any flow was dropped or an error (hasAbnormalVerdict, src/ui-layer/service-map/coordinates/arrow.ts),
	 * grey otherwise; dashed when DROPPED is one of several verdicts; thick when any flow was dropped.
	 */
	style: ArrowStyle;
	/** The route dagre gives the pair of boxes, from the source's side to the target's (none for a box to itself). */
	points: Point[];
	/**
	 * Where its label's centre goes (`port/proto · counts`): the labels of a pair of boxes are one block that dagre
	 * places above their arrows (an edge label, labelpos 'l': above in a left-to-right layout), one line per arrow, so
	 * no label lies on a box or on another label. None for arrows from or to a block of alike boxes (`grouped`).
	 */
	label?: Point;
	/**
	 * From or to a block of more than GROUP_MIN alike boxes: a direct line among hundreds like it, drawn without a
	 * label (they would cover one another); its counts are in its tooltip.
	 */
	grouped?: boolean;
}

export interface ArrowStyle {
	/** colors.feetRedStroke (#C50000) when abnormal, else colors.arrowStroke (#ACB1B8). */
	color: string;
	abnormal: boolean;
	/** innerArrowStrokeStyle: '7 15' when the verdicts are several and one is DROPPED. */
	dash: string | null;
	/** innerArrowStrokeWidth: sizes.feetInnerWidthThick (6) when DROPPED is among them, else sizes.feetInnerWidth (2). */
	width: number;
}

/** hubble-ui src/ui/vars.ts colors: feetRedStroke for an abnormal arrow, arrowStroke (the arrows' grey) otherwise. */
export const ARROW_RED = '#C50000';
export const ARROW_GREY = '#ACB1B8';

/** An arrow's look from its flows' verdicts, as hubble-ui v0.13.1's ServiceMapArrowRenderer/helpers.ts decides it. */
export function arrowStyle(verdicts: ReadonlySet<string> | readonly string[]): ArrowStyle {
	const set = new Set(verdicts);
	const abnormal = set.has('DROPPED') || set.has('ERROR');
	return {color: abnormal ? ARROW_RED : ARROW_GREY, abnormal, dash: set.size > 1 && set.has('DROPPED') ? '7 15' : null, width: set.has('DROPPED') ? 6 : 2};
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
/** The labels Hubble UI names a workload by, first found first: `k8s:app=…` before `k8s:k8s-app=…` and so on. */
const APP_LABEL_PREFIXES = ['k8s:app=', 'k8s:k8s-app=', 'k8s:app.kubernetes.io/name=', 'k8s:name=', 'k8s:run='];

/** The app-like label's value, in one pass over the labels (this runs twice for each of 10,000 flows). */
function appLabel(labels: string[] | undefined): string | undefined {
	let best = APP_LABEL_PREFIXES.length;
	let value: string | undefined;
	for (const label of labels ?? []) {
		if (!label.startsWith('k8s:')) continue;
		for (let index = 0; index < best; index++) {
			const prefix = APP_LABEL_PREFIXES[index]!;
			if (label.startsWith(prefix)) {
				best = index;
				value = label.slice(prefix.length);
				break;
			}
		}
	}
	return value;
}

/** The id of the box a flow endpoint belongs to (nodeOf(…).id without building the rest). */
export function nodeIdOf(endpoint: FlowEndpoint, names: string[] | undefined): string {
	if (endpoint.pod_name && endpoint.namespace) return `${endpoint.namespace}/${appLabel(endpoint.labels) ?? endpoint.workloads?.[0]?.name ?? endpoint.pod_name}`;
	const reserved = RESERVED_NAMES.get(endpoint.identity);
	const name = names?.[0];
	if (name && (reserved === 'world' || reserved === undefined)) return `fqdn:${name}`;
	if (reserved === 'world') return 'world';
	if (reserved) return `reserved:${reserved}`;
	return `identity:${endpoint.identity}`;
}

/** The box a flow endpoint belongs to, as Hubble UI groups them: pods by their app-like identity label. */
export function nodeOf(endpoint: FlowEndpoint, names: string[] | undefined): Pick<MapNode, 'id' | 'kind' | 'title' | 'namespace' | 'labels'> {
	const id = nodeIdOf(endpoint, names);
	const labels = (endpoint.labels ?? []).filter((label) => !label.startsWith('k8s:io.cilium.k8s.') && !label.startsWith('k8s:io.kubernetes.pod.namespace'));
	if (endpoint.pod_name && endpoint.namespace) {
		const kind: NodeKind = (endpoint.labels ?? []).includes('k8s:k8s-app=kube-dns') ? 'dns' : 'workload';
		return {id, kind, title: id.slice(endpoint.namespace.length + 1), namespace: endpoint.namespace, labels};
	}
	if (id.startsWith('fqdn:')) return {id, kind: 'fqdn', title: id.slice('fqdn:'.length), labels: ['reserved:world']};
	if (id === 'world') return {id, kind: 'world', title: 'world', labels: ['reserved:world']};
	if (id.startsWith('reserved:')) return {id, kind: 'reserved', title: id.slice('reserved:'.length), labels: [id]};
	return {id, kind: 'reserved', title: `identity ${endpoint.identity}`, labels};
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
		sourceNode: nodeIdOf(flow.source, flow.source_names),
		destination: endpointText(flow.destination, flow.destination_names, flow.IP.destination),
		destinationNode: nodeIdOf(flow.destination, flow.destination_names),
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

type Spot = {x: number; y: number; column: number; row: number};

interface Placement {
	nodes: Map<string, Spot>;
	edges: Map<string, Point[]>;
	/** The label block of a pair of boxes: its centre and size. */
	labels: Map<string, {x: number; y: number; width: number; height: number}>;
	/** The pairs from or to a block. */
	grouped: Set<string>;
	width: number;
	height: number;
}

/** Layouts by the map's shape (its boxes and which box sends to which): counts change every second, shapes rarely. */
const placements = new Map<string, Placement>();
const PLACEMENTS_KEPT = 16;
/**
 * dagre's default ranker (network simplex) draws the tightest maps; on large graphs longest-path is several times
 * faster for a map as readable (every sender in the first column).
 */
const NETWORK_SIMPLEX_MAX_NODES = 60;
/** More boxes than this with the same neighbours (say 200 workloads all sending to kube-dns) make one block. */
const GROUP_MIN = 12;
/** A block's shape: about this much wider than tall, as a browser window is. */
const BLOCK_ASPECT = 2.5;
const BLOCK_COLUMN_GAP = 40;


/** One line of an arrow's label (11 px text) and the room it takes. */
export const LABEL_LINE = 14;
/** The page draws the arrows of one pair of boxes this far apart. */
export const ARROW_GAP = 14;

/** An arrow's label as the page writes it: `443/TCP · 4 dropped`. */
export function edgeLabelText(edge: Pick<MapEdge, 'port' | 'protocol' | 'forwarded' | 'dropped' | 'other'>): string {
	const counts: string[] = [];
	if (edge.forwarded) counts.push(`${edge.forwarded} forwarded`);
	if (edge.dropped) counts.push(`${edge.dropped} dropped`);
	if (edge.other) counts.push(`${edge.other} other`);
	return `${edge.port}/${edge.protocol} · ${counts.join(', ')}`;
}

/**
 * The width a label gets in the layout: counts of up to 4 digits take the room of 4 (a label then keeps its size, and
 * the layout its cache, while the counts grow), at the widest an 11 px sans-serif draws them (Debian's DejaVu Sans:
 * digits 0.64 em, bold 0.70 em; the page's abnormal labels are bold) plus a margin.
 */
function labelWidth(edge: MapEdge): number {
	const text = edgeLabelText({...edge, forwarded: pad(edge.forwarded), dropped: pad(edge.dropped), other: pad(edge.other)});
	return Math.ceil(text.length * (edge.style.abnormal ? 7.8 : 7.2)) + 8;
}
const pad = (count: number) => (count === 0 ? 0 : Math.max(count, 1000));

/** A block of boxes laid out as a grid, `rows` boxes a sub-column, in the boxes' name order. */
function blockShape(count: number): {rows: number; width: number; height: number} {
	const rowHeight = NODE_HEIGHT + ROW_GAP;
	const rows = Math.ceil(Math.sqrt((count * (NODE_WIDTH + BLOCK_COLUMN_GAP)) / rowHeight / BLOCK_ASPECT));
	const subColumns = Math.ceil(count / rows);
	return {rows, width: subColumns * (NODE_WIDTH + BLOCK_COLUMN_GAP) - BLOCK_COLUMN_GAP, height: rows * rowHeight - ROW_GAP};
}

/**
 * Places the boxes left to right with dagre (@dagrejs/dagre): senders left of what they send to, crossings
 * minimised, arrows routed around the boxes between. One dagre edge per pair of boxes: the arrows of one pair
 * (one per port) share its route and the page draws them side by side. Deterministic: nodes and edges go in sorted,
 * so the same flows always draw the same map.
 *
 * Boxes with exactly the same neighbours, more than GROUP_MIN of them, go to dagre as one block (a grid of those
 * boxes, in name order): dagre would stack them in one column (200 senders: 22,000 px tall, their targets half-way
 * down) and spend most of its time ordering them. Arrows from a block's boxes are direct lines.
 */
async function place(nodes: MapNode[], edges: MapEdge[]): Promise<Placement> {
	const pairs = [...new Set(edges.filter((edge) => edge.source !== edge.target).map((edge) => `${edge.source}\n${edge.target}`))].sort();
	/** The labels of each pair's arrows, one line each, in the page's order (edges sorted by id). */
	const labelSizes = new Map<string, {width: number; lines: number}>();
	for (const edge of edges) {
		if (edge.source === edge.target) continue;
		const pair = `${edge.source}\n${edge.target}`;
		const size = labelSizes.get(pair) ?? {width: 0, lines: 0};
		labelSizes.set(pair, {width: Math.max(size.width, labelWidth(edge)), lines: size.lines + 1});
	}
	const key = `${nodes.map((node) => node.id).join('\t')}\f${pairs.map((pair) => `${pair}\v${labelSizes.get(pair)!.width}`).join('\t')}`;
	const known = placements.get(key);
	if (known) {
		placements.delete(key);
		placements.set(key, known);
		return known;
	}
	const neighbours = new Map<string, {from: string[]; to: string[]}>(nodes.map((node) => [node.id, {from: [], to: []}]));
	const split = (pair: string) => pair.split('\n') as [string, string];
	for (const pair of pairs) {
		const [source, target] = split(pair);
		neighbours.get(source)!.to.push(target);
		neighbours.get(target)!.from.push(source);
	}
	const alike = new Map<string, string[]>();
	for (const node of nodes) {
		const {from, to} = neighbours.get(node.id)!;
		const signature = `${from.join('\t')}\f${to.join('\t')}`;
		alike.set(signature, [...(alike.get(signature) ?? []), node.id]);
	}
	/** The dagre node of each box: its own id, or its block's. */
	const layoutNode = new Map<string, string>(nodes.map((node) => [node.id, node.id]));
	const blocks = new Map<string, {members: string[]; rows: number; width: number; height: number}>();
	for (const members of alike.values()) {
		if (members.length <= GROUP_MIN) continue;
		const id = `block\n${members[0]}`;
		members.sort((a, b) => a.localeCompare(b, 'en', {numeric: true}));
		blocks.set(id, {members, ...blockShape(members.length)});
		for (const member of members) layoutNode.set(member, id);
	}

	const dagre = await loadDagre();
	const graph = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
	const layoutNodes = [...new Set(layoutNode.values())];
	graph.setGraph({rankdir: 'LR', nodesep: ROW_GAP, ranksep: COLUMN_GAP, marginx: 20, marginy: 20, ranker: layoutNodes.length > NETWORK_SIMPLEX_MAX_NODES ? 'longest-path' : 'network-simplex'});
	graph.setDefaultEdgeLabel(() => ({}));
	for (const id of layoutNodes) {
		const block = blocks.get(id);
		graph.setNode(id, {width: block?.width ?? NODE_WIDTH, height: block?.height ?? NODE_HEIGHT});
	}
	for (const pair of pairs) {
		const [source, target] = split(pair);
		const [from, to] = [layoutNode.get(source)!, layoutNode.get(target)!];
		if (from === to || graph.hasEdge(from, to)) continue;
		// A pair of single boxes: its labels are an edge label dagre makes room for, above the arrows (labelpos 'l' in
		// a left-to-right layout), clear of their spread (ARROW_GAP apart) and of a thick arrow's half width.
		const size = labelSizes.get(pair)!;
		const label = blocks.has(from) || blocks.has(to) ? {} : {width: size.width, height: size.lines * LABEL_LINE, labelpos: 'l' as const, labeloffset: ((size.lines - 1) * ARROW_GAP) / 2 + 6};
		graph.setEdge(from, to, label);
	}
	dagre.layout(graph);

	const box = (id: string) => {
		const {x = 0, y = 0, width, height} = graph.node(id);
		return {left: Math.round(x - width / 2), top: Math.round(y - height / 2), center: Math.round(x)};
	};
	const columns = [...new Set(layoutNodes.map((id) => box(id).center))].sort((a, b) => a - b);
	const placed = new Map<string, Spot>();
	for (const id of layoutNodes) {
		const {left, top, center} = box(id);
		const column = columns.indexOf(center);
		const block = blocks.get(id);
		if (!block) placed.set(id, {x: left, y: top, column, row: 0});
		else
			block.members.forEach((member, order) =>
				placed.set(member, {x: left + Math.floor(order / block.rows) * (NODE_WIDTH + BLOCK_COLUMN_GAP), y: top + (order % block.rows) * (NODE_HEIGHT + ROW_GAP), column, row: 0}),
			);
	}
	for (let column = 0; column < columns.length; column++)
		[...placed.entries()]
			.filter(([, spot]) => spot.column === column)
			.sort(([a, spotA], [b, spotB]) => (layoutNode.get(a) === layoutNode.get(b) ? spotA.x - spotB.x || spotA.y - spotB.y : spotA.y - spotB.y || spotA.x - spotB.x))
			.forEach(([, spot], row) => (spot.row = row));

	const routes = new Map<string, Point[]>();
	const labels = new Map<string, {x: number; y: number; width: number; height: number}>();
	const grouped = new Set<string>();
	for (const pair of pairs) {
		const [source, target] = split(pair);
		const [from, to] = [layoutNode.get(source)!, layoutNode.get(target)!];
		if (!blocks.has(from) && !blocks.has(to)) {
			const edge = graph.edge(from, to);
			routes.set(pair, (edge.points ?? []).map((point: Point) => ({x: Math.round(point.x), y: Math.round(point.y)})));
			if (edge.x !== undefined && edge.y !== undefined && edge.width && edge.height) labels.set(pair, {x: Math.round(edge.x), y: Math.round(edge.y), width: edge.width, height: edge.height});
			continue;
		}
		grouped.add(pair);
		const [a, b] = [placed.get(source)!, placed.get(target)!];
		const forward = b.x >= a.x + NODE_WIDTH;
		routes.set(pair, [
			{x: forward ? a.x + NODE_WIDTH : a.x, y: a.y + NODE_HEIGHT / 2},
			{x: forward ? b.x : b.x + NODE_WIDTH, y: b.y + NODE_HEIGHT / 2},
		]);
	}
	const size = graph.graph();
	const placement = {nodes: placed, edges: routes, labels, grouped, width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0)};
	placements.set(key, placement);
	if (placements.size > PLACEMENTS_KEPT) placements.delete(placements.keys().next().value!);
	return placement;
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
		const id = nodeIdOf(endpoint, names);
		let node = nodes.get(id);
		if (!node) nodes.set(id, (node = {...nodeOf(endpoint, names), pods: [], column: 0, row: 0, x: 0, y: 0}));
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
		if (!edge) edges.set(key, (edge = {id: key, source, target, port, protocol, forwarded: 0, dropped: 0, other: 0, verdicts: [], style: arrowStyle([]), points: []}));
		if (!edge.verdicts.includes(flow.verdict)) edge.verdicts.push(flow.verdict);
		if (flow.verdict === 'FORWARDED' || flow.verdict === 'REDIRECTED') edge.forwarded++;
		else if (flow.verdict === 'DROPPED') edge.dropped++;
		else edge.other++;
	}
	for (const edge of edges.values()) {
		edge.verdicts.sort();
		edge.style = arrowStyle(edge.verdicts);
	}
	const edgeList = [...edges.values()].sort((a, b) => a.id.localeCompare(b.id));
	for (const node of nodes.values()) node.pods.sort();
	const sortedNodes = [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id));
	const placement = await place(sortedNodes, edgeList);
	for (const node of sortedNodes) Object.assign(node, placement.nodes.get(node.id));
	const lineOfPair = new Map<string, number>();
	for (const edge of edgeList) {
		const pair = `${edge.source}\n${edge.target}`;
		edge.points = placement.edges.get(pair) ?? [];
		const block = placement.labels.get(pair);
		const line = lineOfPair.get(pair) ?? 0;
		lineOfPair.set(pair, line + 1);
		if (block) edge.label = {x: block.x, y: Math.round(block.y - block.height / 2 + LABEL_LINE * (line + 0.5))};
		if (placement.grouped.has(pair)) edge.grouped = true;
	}
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
