// Label selectors (`app=web,tier in (a,b),!canary`, parsed by src/label-selector.ts) and field selectors
// (`metadata.name=x,status.phase!=Running`), as the API server reads them.
import {LabelSelectorError, parseLabelSelector, type LabelMatcher} from '../../label-selector.js';
import {StatusError, type KubeObject} from '../types.js';

/** The label selector of a request or a list (src/label-selector.ts); one the API server would refuse is its 400 BadRequest. */
export function parseLabelSelectorOrBadRequest(selector: string | undefined | null): LabelMatcher {
	try {
		return parseLabelSelector(selector);
	} catch (error) {
		if (!(error instanceof LabelSelectorError)) throw error;
		throw new StatusError(400, 'BadRequest', `unable to parse requirement: ${error.why}`, {causes: [{reason: 'FieldValueInvalid', message: `${error.why} (in "${error.selector}")`, field: 'labelSelector'}]});
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
