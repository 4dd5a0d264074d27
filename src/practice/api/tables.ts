// Table responses (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the columns `kubectl get` prints.
import type {KubeObject} from '../types.js';
import type {PrinterColumn, ResourceType} from './registry.js';

export interface ColumnDefinition {
	name: string;
	type: string;
	format: string;
	description: string;
	priority: number;
}

type Cell = string | number | boolean;
type Row = (object: KubeObject, now: number) => Cell[];

const column = (name: string, priority = 0, type = 'string', format = ''): ColumnDefinition => ({
	name,
	type,
	format: format || (name === 'Name' ? 'name' : ''),
	description: '',
	priority,
});

/** Kubernetes' duration.HumanDuration, as the AGE column shows it. */
export function humanDuration(ms: number): string {
	const seconds = Math.floor(ms / 1000);
	if (seconds < -1) return '<invalid>';
	if (seconds < 0) return '0s';
	if (seconds < 120) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
	if (minutes < 180) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
	if (hours < 48) return `${hours}h`;
	if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
	if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
	const days = Math.floor(hours / 24);
	if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
	return `${Math.floor(days / 365)}y`;
}

const age = (timestamp: unknown, now: number): string => (typeof timestamp === 'string' ? humanDuration(now - Date.parse(timestamp)) : '<unknown>');
const ageOf = (object: KubeObject, now: number) => age(object.metadata.creationTimestamp, now);
const orNone = (value: unknown): string => (value === undefined || value === null || value === '' ? '<none>' : String(value));

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function selectorText(selector: Any | undefined): string {
	if (!selector) return '<none>';
	const parts = Object.entries((selector.matchLabels ?? {}) as Record<string, string>).map(([key, value]) => `${key}=${value}`);
	for (const expression of (selector.matchExpressions ?? []) as Any[]) {
		const op = String(expression.operator);
		if (op === 'Exists') parts.push(expression.key);
		else if (op === 'DoesNotExist') parts.push(`!${expression.key}`);
		else parts.push(`${expression.key} ${op.toLowerCase()} (${(expression.values ?? []).join(',')})`);
	}
	return parts.length ? parts.join(',') : '<none>';
}

const mapText = (labels: Record<string, string> | undefined) =>
	labels && Object.keys(labels).length ? Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(',') : '<none>';

function templateColumns(object: KubeObject): Cell[] {
	const containers = ((object.spec as Any)?.template?.spec?.containers ?? []) as Any[];
	return [containers.map((container) => container.name).join(','), containers.map((container) => container.image).join(','), selectorText((object.spec as Any)?.selector)];
}

/** kubectl's printPod: the STATUS a person sees. */
export function podStatusText(pod: KubeObject): {ready: string; status: string; restarts: string} {
	const spec = (pod.spec ?? {}) as Any;
	const status = (pod.status ?? {}) as Any;
	const total = (spec.containers ?? []).length;
	let readyCount = 0;
	let restarts = 0;
	let lastRestart: string | undefined;
	let reason: string = status.reason || status.phase || 'Pending';
	let initializing = false;
	const initStatuses = (status.initContainerStatuses ?? []) as Any[];
	initStatuses.forEach((container, index) => {
		restarts += container.restartCount ?? 0;
		if (container.state?.terminated?.exitCode === 0) return;
		if (initializing) return;
		if (container.state?.terminated) reason = container.state.terminated.reason ? `Init:${container.state.terminated.reason}` : `Init:ExitCode:${container.state.terminated.exitCode}`;
		else if (container.state?.waiting?.reason && container.state.waiting.reason !== 'PodInitializing') reason = `Init:${container.state.waiting.reason}`;
		else reason = `Init:${index}/${(spec.initContainers ?? []).length}`;
		initializing = true;
	});
	if (!initializing) {
		let hasRunning = false;
		for (const container of [...((status.containerStatuses ?? []) as Any[])].reverse()) {
			restarts += container.restartCount ?? 0;
			const finished = container.lastState?.terminated?.finishedAt;
			if (finished && (!lastRestart || finished > lastRestart)) lastRestart = finished;
			if (container.state?.waiting?.reason) reason = container.state.waiting.reason;
			else if (container.state?.terminated?.reason) reason = container.state.terminated.reason;
			else if (container.state?.terminated) reason = container.state.terminated.signal ? `Signal:${container.state.terminated.signal}` : `ExitCode:${container.state.terminated.exitCode}`;
			else if (container.ready && container.state?.running) {
				hasRunning = true;
				readyCount++;
			}
		}
		if (reason === 'Completed' && hasRunning) {
			const ready = (status.conditions ?? []).some((condition: Any) => condition.type === 'Ready' && condition.status === 'True');
			reason = ready ? 'Running' : 'NotReady';
		}
	}
	if (pod.metadata.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
	let restartText = String(restarts);
	if (lastRestart && restarts > 0) restartText = `${restarts} (${humanDuration(Date.now() - Date.parse(lastRestart))} ago)`;
	return {ready: `${readyCount}/${total}`, status: reason, restarts: restartText};
}

function servicePorts(spec: Any): string {
	const ports = (spec.ports ?? []) as Any[];
	if (ports.length === 0) return '<none>';
	return ports.map((port) => (port.nodePort ? `${port.port}:${port.nodePort}/${port.protocol ?? 'TCP'}` : `${port.port}/${port.protocol ?? 'TCP'}`)).join(',');
}

function externalIP(spec: Any, status: Any): string {
	switch (spec.type) {
		case 'LoadBalancer': {
			const ingress = ((status?.loadBalancer?.ingress ?? []) as Any[]).map((entry) => entry.ip || entry.hostname);
			const all = [...ingress, ...(spec.externalIPs ?? [])];
			return all.length ? all.join(',') : '<pending>';
		}
		case 'ExternalName':
			return spec.externalName ?? '<none>';
		default:
			return spec.externalIPs?.length ? spec.externalIPs.join(',') : '<none>';
	}
}

function nodeStatus(node: KubeObject): string {
	const conditions = ((node.status as Any)?.conditions ?? []) as Any[];
	const ready = conditions.find((condition) => condition.type === 'Ready');
	const parts = [ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown'];
	if ((node.spec as Any)?.unschedulable) parts.push('SchedulingDisabled');
	return parts.join(',');
}

function nodeRoles(node: KubeObject): string {
	const roles = Object.keys(node.metadata.labels ?? {})
		.filter((key) => key.startsWith('node-role.kubernetes.io/'))
		.map((key) => key.slice('node-role.kubernetes.io/'.length))
		.filter(Boolean);
	const role = node.metadata.labels?.['kubernetes.io/role'];
	if (role) roles.push(role);
	// kubectl's findNodeRoles collects them in a set: node-role.kubernetes.io/agent and kubernetes.io/role=agent are one role.
	return roles.length ? [...new Set(roles)].sort().join(',') : '<none>';
}

function nodeAddress(node: KubeObject, type: string): string {
	return orNone((((node.status as Any)?.addresses ?? []) as Any[]).find((address) => address.type === type)?.address);
}

function endpointsText(object: KubeObject): string {
	const addresses: string[] = [];
	for (const subset of (object.subsets ?? []) as Any[]) {
		for (const address of (subset.addresses ?? []) as Any[]) {
			for (const port of (subset.ports ?? [{}]) as Any[]) addresses.push(port.port ? `${address.ip}:${port.port}` : address.ip);
		}
	}
	if (addresses.length === 0) return '<none>';
	return addresses.length > 3 ? `${addresses.slice(0, 3).join(',')} + ${addresses.length - 3} more...` : addresses.join(',');
}

function eventObject(event: KubeObject): string {
	const involved = (event.involvedObject ?? {}) as Any;
	return `${String(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`;
}

function eventLastSeen(event: Any, now: number): string {
	const last = event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp;
	return age(last, now);
}

interface TableDefinition {
	columns: ColumnDefinition[];
	row: Row;
}

const TABLES: Record<string, TableDefinition> = {
	'/Pod': {
		columns: [column('Name'), column('Ready'), column('Status'), column('Restarts', 0, 'string'), column('Age'), column('IP', 1), column('Node', 1), column('Nominated Node', 1), column('Readiness Gates', 1)],
		row(pod, now) {
			const {ready, status, restarts} = podStatusText(pod);
			const gates = ((pod.spec as Any)?.readinessGates ?? []) as Any[];
			return [pod.metadata.name, ready, status, restarts, ageOf(pod, now), orNone((pod.status as Any)?.podIP), orNone((pod.spec as Any)?.nodeName), orNone((pod.status as Any)?.nominatedNodeName), gates.length ? `0/${gates.length}` : '<none>'];
		},
	},
	'/Node': {
		columns: [column('Name'), column('Status'), column('Roles'), column('Age'), column('Version'), column('Internal-IP', 1), column('External-IP', 1), column('OS-Image', 1), column('Kernel-Version', 1), column('Container-Runtime', 1)],
		row(node, now) {
			const info = ((node.status as Any)?.nodeInfo ?? {}) as Any;
			return [node.metadata.name, nodeStatus(node), nodeRoles(node), ageOf(node, now), orNone(info.kubeletVersion), nodeAddress(node, 'InternalIP'), nodeAddress(node, 'ExternalIP'), orNone(info.osImage), orNone(info.kernelVersion), orNone(info.containerRuntimeVersion)];
		},
	},
	'/Namespace': {
		columns: [column('Name'), column('Status'), column('Age')],
		row: (ns, now) => [ns.metadata.name, String((ns.status as Any)?.phase ?? 'Active'), ageOf(ns, now)],
	},
	'/Service': {
		columns: [column('Name'), column('Type'), column('Cluster-IP'), column('External-IP'), column('Port(s)'), column('Age'), column('Selector', 1)],
		row(service, now) {
			const spec = (service.spec ?? {}) as Any;
			return [service.metadata.name, spec.type ?? 'ClusterIP', orNone(spec.clusterIP), externalIP(spec, service.status as Any), servicePorts(spec), ageOf(service, now), mapText(spec.selector)];
		},
	},
	'/Endpoints': {
		columns: [column('Name'), column('Endpoints'), column('Age')],
		row: (object, now) => [object.metadata.name, endpointsText(object), ageOf(object, now)],
	},
	'/ConfigMap': {
		columns: [column('Name'), column('Data', 0, 'integer'), column('Age')],
		row: (object, now) => [object.metadata.name, Object.keys((object.data as object) ?? {}).length + Object.keys((object.binaryData as object) ?? {}).length, ageOf(object, now)],
	},
	'/Secret': {
		columns: [column('Name'), column('Type'), column('Data', 0, 'integer'), column('Age')],
		row: (object, now) => [object.metadata.name, String(object.type ?? 'Opaque'), Object.keys((object.data as object) ?? {}).length, ageOf(object, now)],
	},
	'/ServiceAccount': {
		columns: [column('Name'), column('Secrets', 0, 'integer'), column('Age')],
		row: (object, now) => [object.metadata.name, ((object.secrets as unknown[]) ?? []).length, ageOf(object, now)],
	},
	'/Event': {
		columns: [column('Last Seen'), column('Type'), column('Reason'), column('Object'), column('Subobject', 1), column('Source', 1), column('Message'), column('First Seen', 1), column('Count', 1, 'integer'), column('Name', 1)],
		row(event, now) {
			const any = event as Any;
			return [eventLastSeen(any, now), String(any.type ?? ''), String(any.reason ?? ''), eventObject(event), String(any.involvedObject?.fieldPath ?? ''), String(any.source?.component ?? any.reportingComponent ?? ''), String(any.message ?? ''), age(any.firstTimestamp ?? any.metadata?.creationTimestamp, now), Number(any.count ?? 1), event.metadata.name];
		},
	},
	'apps/Deployment': {
		columns: [column('Name'), column('Ready'), column('Up-to-date', 0, 'integer'), column('Available', 0, 'integer'), column('Age'), column('Containers', 1), column('Images', 1), column('Selector', 1)],
		row(object, now) {
			const status = (object.status ?? {}) as Any;
			return [object.metadata.name, `${status.readyReplicas ?? 0}/${(object.spec as Any)?.replicas ?? 1}`, status.updatedReplicas ?? 0, status.availableReplicas ?? 0, ageOf(object, now), ...templateColumns(object)];
		},
	},
	'apps/ReplicaSet': {
		columns: [column('Name'), column('Desired', 0, 'integer'), column('Current', 0, 'integer'), column('Ready', 0, 'integer'), column('Age'), column('Containers', 1), column('Images', 1), column('Selector', 1)],
		row(object, now) {
			const status = (object.status ?? {}) as Any;
			return [object.metadata.name, (object.spec as Any)?.replicas ?? 1, status.replicas ?? 0, status.readyReplicas ?? 0, ageOf(object, now), ...templateColumns(object)];
		},
	},
	'apps/DaemonSet': {
		columns: [column('Name'), column('Desired', 0, 'integer'), column('Current', 0, 'integer'), column('Ready', 0, 'integer'), column('Up-to-date', 0, 'integer'), column('Available', 0, 'integer'), column('Node Selector'), column('Age'), column('Containers', 1), column('Images', 1), column('Selector', 1)],
		row(object, now) {
			const status = (object.status ?? {}) as Any;
			return [object.metadata.name, status.desiredNumberScheduled ?? 0, status.currentNumberScheduled ?? 0, status.numberReady ?? 0, status.updatedNumberScheduled ?? 0, status.numberAvailable ?? 0, mapText((object.spec as Any)?.template?.spec?.nodeSelector), ageOf(object, now), ...templateColumns(object)];
		},
	},
	'apps/StatefulSet': {
		columns: [column('Name'), column('Ready'), column('Age'), column('Containers', 1), column('Images', 1)],
		row: (object, now) => [object.metadata.name, `${(object.status as Any)?.readyReplicas ?? 0}/${(object.spec as Any)?.replicas ?? 1}`, ageOf(object, now), ...templateColumns(object).slice(0, 2)],
	},
	'apiextensions.k8s.io/CustomResourceDefinition': {
		columns: [column('Name'), column('Created At', 0, 'date')],
		row: (object) => [object.metadata.name, object.metadata.creationTimestamp ?? ''],
	},
	'networking.k8s.io/NetworkPolicy': {
		columns: [column('Name'), column('Pod-Selector'), column('Age')],
		row: (object, now) => [object.metadata.name, selectorText((object.spec as Any)?.podSelector).replace('<none>', '<none>'), ageOf(object, now)],
	},
	'networking.k8s.io/Ingress': {
		columns: [column('Name'), column('Class'), column('Hosts'), column('Address'), column('Ports'), column('Age')],
		row(object, now) {
			const spec = (object.spec ?? {}) as Any;
			const hosts = ((spec.rules ?? []) as Any[]).map((rule) => rule.host).filter(Boolean);
			const addresses = (((object.status as Any)?.loadBalancer?.ingress ?? []) as Any[]).map((entry) => entry.ip || entry.hostname);
			return [object.metadata.name, orNone(spec.ingressClassName), hosts.length ? hosts.join(',') : '*', addresses.join(','), spec.tls?.length ? '80, 443' : '80', ageOf(object, now)];
		},
	},
	'networking.k8s.io/IngressClass': {
		columns: [column('Name'), column('Controller'), column('Parameters'), column('Age')],
		row: (object, now) => [object.metadata.name, String((object.spec as Any)?.controller ?? ''), '<none>', ageOf(object, now)],
	},
	'coordination.k8s.io/Lease': {
		columns: [column('Name'), column('Holder'), column('Age')],
		row: (object, now) => [object.metadata.name, String((object.spec as Any)?.holderIdentity ?? ''), ageOf(object, now)],
	},
	'rbac.authorization.k8s.io/ClusterRole': {columns: [column('Name'), column('Created At', 0, 'date')], row: (object) => [object.metadata.name, object.metadata.creationTimestamp ?? '']},
	'rbac.authorization.k8s.io/Role': {columns: [column('Name'), column('Created At', 0, 'date')], row: (object) => [object.metadata.name, object.metadata.creationTimestamp ?? '']},
	'rbac.authorization.k8s.io/ClusterRoleBinding': {
		columns: [column('Name'), column('Role'), column('Age')],
		row: (object, now) => [object.metadata.name, `${(object.roleRef as Any)?.kind}/${(object.roleRef as Any)?.name}`, ageOf(object, now)],
	},
	'rbac.authorization.k8s.io/RoleBinding': {
		columns: [column('Name'), column('Role'), column('Age')],
		row: (object, now) => [object.metadata.name, `${(object.roleRef as Any)?.kind}/${(object.roleRef as Any)?.name}`, ageOf(object, now)],
	},
	'policy/PodDisruptionBudget': {
		columns: [column('Name'), column('Min Available'), column('Max Unavailable'), column('Allowed Disruptions', 0, 'integer'), column('Age')],
		row(object, now) {
			const spec = (object.spec ?? {}) as Any;
			return [object.metadata.name, orNone(spec.minAvailable).replace('<none>', 'N/A'), orNone(spec.maxUnavailable).replace('<none>', 'N/A'), (object.status as Any)?.disruptionsAllowed ?? 0, ageOf(object, now)];
		},
	},
};

/** A small JSONPath for printer columns: `.a.b`, `.a[0]`, `.a[*].b`, `.a[?(@.type=="Ready")].status`. */
export function evaluateJsonPath(object: unknown, path: string): unknown[] {
	let nodes: unknown[] = [object];
	const tokens = path.replace(/^\{|\}$/g, '').replace(/^\$/, '').match(/\.[^.[]+|\[[^\]]*\]/g) ?? [];
	for (const token of tokens) {
		const next: unknown[] = [];
		for (const node of nodes) {
			if (node === null || node === undefined) continue;
			if (token.startsWith('.')) {
				const key = token.slice(1);
				const value = (node as Record<string, unknown>)[key];
				if (value !== undefined) next.push(value);
			} else if (token === '[*]') {
				if (Array.isArray(node)) next.push(...node);
				else if (typeof node === 'object') next.push(...Object.values(node));
			} else if (token.startsWith('[?(')) {
				const match = /^\[\?\(@\.([\w.]+)\s*==\s*["']?([^"')]*)["']?\)\]$/.exec(token);
				if (match && Array.isArray(node)) next.push(...node.filter((item) => String(evaluateJsonPath(item, `.${match[1]}`)[0]) === match[2]));
			} else {
				const index = Number(token.slice(1, -1));
				if (Array.isArray(node)) {
					const value = node[index < 0 ? node.length + index : index];
					if (value !== undefined) next.push(value);
				}
			}
		}
		nodes = next;
	}
	return nodes;
}

function customColumns(columns: PrinterColumn[]): TableDefinition {
	return {
		columns: [column('Name'), ...columns.map((printer) => ({name: printer.name, type: printer.type, format: printer.format ?? '', description: printer.description ?? '', priority: printer.priority ?? 0}))],
		row(object, now) {
			return [
				object.metadata.name,
				...columns.map((printer) => {
					const values = evaluateJsonPath(object, printer.jsonPath);
					if (values.length === 0) return '<none>' as Cell;
					if (printer.type === 'date') return age(values[0], now);
					const value = values.length === 1 ? values[0] : values.join(',');
					return (typeof value === 'object' ? JSON.stringify(value) : value) as Cell;
				}),
			];
		},
	};
}

const DEFAULT_TABLE: TableDefinition = {columns: [column('Name'), column('Age')], row: (object, now) => [object.metadata.name, ageOf(object, now)]};

export function tableDefinition(type: ResourceType): TableDefinition {
	if (type.printerColumns?.length) {
		const hasAge = type.printerColumns.some((printer) => printer.jsonPath === '.metadata.creationTimestamp');
		return customColumns(hasAge ? type.printerColumns : type.printerColumns);
	}
	if (type.crd) return customColumns([{name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp'}]);
	return TABLES[`${type.group}/${type.kind}`] ?? DEFAULT_TABLE;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function buildTable(
	type: ResourceType,
	objects: KubeObject[],
	options: {now: number; includeObject: IncludeObject; resourceVersion: string; withColumns?: boolean; continueToken?: string},
): Record<string, unknown> {
	const definition = tableDefinition(type);
	return {
		kind: 'Table',
		apiVersion: 'meta.k8s.io/v1',
		metadata: {resourceVersion: options.resourceVersion, ...(options.continueToken ? {continue: options.continueToken} : {})},
		columnDefinitions: options.withColumns === false ? null : definition.columns,
		rows: objects.map((object) => ({
			cells: definition.row(object, options.now),
			object:
				options.includeObject === 'None'
					? undefined
					: options.includeObject === 'Object'
						? object
						: {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata},
		})),
	};
}
