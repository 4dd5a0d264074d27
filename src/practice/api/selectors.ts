// Label selectors (`app=web,tier in (a,b),!canary`) and field selectors (`metadata.name=x,status.phase!=Running`).
import {StatusError, type KubeObject} from '../types.js';

type Requirement =
	| {key: string; op: 'in' | 'notin'; values: string[]}
	| {key: string; op: 'exists' | 'doesnotexist'}
	| {key: string; op: 'gt' | 'lt'; value: number};

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function badSelector(selector: string, why: string): StatusError {
	return new StatusError(400, 'BadRequest', `unable to parse requirement: ${why}`, {causes: [{reason: 'FieldValueInvalid', message: `${why} (in "${selector}")`, field: 'labelSelector'}]});
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
	const terms: string[] = [];
	let depth = 0;
	let current = '';
	for (const char of selector) {
		if (char === '(') depth++;
		if (char === ')') depth--;
		if (char === ',' && depth === 0) {
			terms.push(current);
			current = '';
		} else current += char;
	}
	terms.push(current);
	return terms.map((term) => term.trim()).filter((term) => term !== '');
}

export function parseLabelSelector(selector: string | undefined | null): LabelMatcher {
	if (!selector || selector.trim() === '') return () => true;
	const requirements: Requirement[] = [];
	for (const term of splitTerms(selector)) {
		let match: RegExpExecArray | null;
		if ((match = /^!\s*(\S+)$/.exec(term))) {
			requirements.push({key: checkKey(selector, match[1]!), op: 'doesnotexist'});
		} else if ((match = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term))) {
			const values = match[3]!.split(',').map((value) => value.trim()).filter((value) => value !== '');
			values.forEach((value) => checkValue(selector, value));
			requirements.push({key: checkKey(selector, match[1]!), op: match[2] as 'in' | 'notin', values});
		} else if ((match = /^([^=!<>\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term))) {
			const value = checkValue(selector, match[3]!);
			requirements.push({key: checkKey(selector, match[1]!), op: match[2] === '!=' ? 'notin' : 'in', values: [value]});
		} else if ((match = /^([^=!<>\s]+)\s*([<>])\s*(-?\d+)$/.exec(term))) {
			requirements.push({key: checkKey(selector, match[1]!), op: match[2] === '>' ? 'gt' : 'lt', value: Number(match[3])});
		} else if ((match = /^([^=!<>\s(),]+)$/.exec(term))) {
			requirements.push({key: checkKey(selector, match[1]!), op: 'exists'});
		} else {
			throw badSelector(selector, `found '${term}', expected: key, !key, key=value, key!=value, key in (…) or key notin (…)`);
		}
	}
	return (labels) => requirements.every((requirement) => matches(requirement, labels ?? {}));
}

function checkKey(selector: string, key: string): string {
	if (!KEY.test(key) || key.length > 316) throw badSelector(selector, `invalid label key "${key}"`);
	return key;
}

function checkValue(selector: string, value: string): string {
	if (!VALUE.test(value) || value.length > 63) throw badSelector(selector, `invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
	return value;
}

function matches(requirement: Requirement, labels: Record<string, string>): boolean {
	const has = Object.hasOwn(labels, requirement.key);
	const value = labels[requirement.key];
	switch (requirement.op) {
		case 'in':
			return has && requirement.values.includes(value!);
		case 'notin':
			return !has || !requirement.values.includes(value!);
		case 'exists':
			return has;
		case 'doesnotexist':
			return !has;
		case 'gt':
			return has && Number(value) > requirement.value;
		case 'lt':
			return has && Number(value) < requirement.value;
	}
}

export type FieldMatcher = (object: KubeObject) => boolean;

/** Fields every kind supports, plus the ones the lessons and kubectl use per kind. */
const FIELD_PATHS: Record<string, Record<string, (object: KubeObject) => string>> = {
	'*': {
		'metadata.name': (object) => object.metadata.name,
		'metadata.namespace': (object) => object.metadata.namespace ?? '',
	},
	Pod: {
		'status.phase': (object) => String((object.status as {phase?: string} | undefined)?.phase ?? ''),
		'spec.nodeName': (object) => String((object.spec as {nodeName?: string} | undefined)?.nodeName ?? ''),
		'spec.restartPolicy': (object) => String((object.spec as {restartPolicy?: string} | undefined)?.restartPolicy ?? ''),
		'spec.schedulerName': (object) => String((object.spec as {schedulerName?: string} | undefined)?.schedulerName ?? ''),
		'spec.serviceAccountName': (object) => String((object.spec as {serviceAccountName?: string} | undefined)?.serviceAccountName ?? ''),
		'status.podIP': (object) => String((object.status as {podIP?: string} | undefined)?.podIP ?? ''),
		'status.nominatedNodeName': (object) => String((object.status as {nominatedNodeName?: string} | undefined)?.nominatedNodeName ?? ''),
	},
	Event: {
		'involvedObject.kind': (object) => String((object.involvedObject as {kind?: string} | undefined)?.kind ?? ''),
		'involvedObject.name': (object) => String((object.involvedObject as {name?: string} | undefined)?.name ?? ''),
		'involvedObject.namespace': (object) => String((object.involvedObject as {namespace?: string} | undefined)?.namespace ?? ''),
		'involvedObject.uid': (object) => String((object.involvedObject as {uid?: string} | undefined)?.uid ?? ''),
		'involvedObject.apiVersion': (object) => String((object.involvedObject as {apiVersion?: string} | undefined)?.apiVersion ?? ''),
		'involvedObject.resourceVersion': (object) => String((object.involvedObject as {resourceVersion?: string} | undefined)?.resourceVersion ?? ''),
		'involvedObject.fieldPath': (object) => String((object.involvedObject as {fieldPath?: string} | undefined)?.fieldPath ?? ''),
		reason: (object) => String(object.reason ?? ''),
		type: (object) => String(object.type ?? ''),
		source: (object) => String((object.source as {component?: string} | undefined)?.component ?? ''),
		reportingComponent: (object) => String(object.reportingComponent ?? ''),
	},
	Node: {
		'spec.unschedulable': (object) => String(Boolean((object.spec as {unschedulable?: boolean} | undefined)?.unschedulable)),
	},
	Namespace: {
		'status.phase': (object) => String((object.status as {phase?: string} | undefined)?.phase ?? ''),
	},
	Secret: {
		type: (object) => String(object.type ?? ''),
	},
	ReplicaSet: {
		'status.replicas': (object) => String((object.status as {replicas?: number} | undefined)?.replicas ?? 0),
	},
};

export function parseFieldSelector(selector: string | undefined | null, kind: string): FieldMatcher {
	if (!selector || selector.trim() === '') return () => true;
	const checks: FieldMatcher[] = [];
	for (const term of selector.split(',').map((part) => part.trim()).filter(Boolean)) {
		const match = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
		if (!match) throw new StatusError(400, 'BadRequest', `invalid selector: '${selector}'; can't understand '${term}'`);
		const [, field, op, value] = match as unknown as [string, string, string, string];
		const read = FIELD_PATHS[kind]?.[field] ?? FIELD_PATHS['*']![field];
		if (!read) {
			throw new StatusError(400, 'BadRequest', `field label not supported: ${field}`);
		}
		checks.push(op === '!=' ? (object) => read(object) !== value : (object) => read(object) === value);
	}
	return (object) => checks.every((check) => check(object));
}
