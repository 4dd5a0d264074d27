// Finding the pod a check runs something in: by name, or the first Running one a selector picks.
import type {KubeClients} from '../kube/clients.js';
import {msg} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';
import {pickPod, type Loose} from './logic.js';
import {apiStatus} from './cluster.js';

export type PodChoice = {pod: Loose} | {problem: string; hint: string};

export async function choosePod(clients: KubeClients, where: {namespace: string; pod?: string; selector?: string}, lang: Lang): Promise<PodChoice> {
	if (where.pod) {
		try {
			const pod = (await clients.core.readNamespacedPod({name: where.pod, namespace: where.namespace})) as Loose;
			const named = `${where.namespace}/${where.pod}`;
			if (pod.status?.phase !== 'Running') {
				return {
					problem: pod.status?.phase ? msg(lang, 'check.pod.phase', {pod: named, phase: pod.status.phase}) : msg(lang, 'check.pod.not-running', {pod: named}),
					hint: msg(lang, 'check.pod.hint-describe', {namespace: where.namespace, pod: where.pod}),
				};
			}
			return {pod};
		} catch (error) {
			if (apiStatus(error) !== 404) throw error;
			return {problem: msg(lang, 'check.pod.missing', {pod: `${where.namespace}/${where.pod}`}), hint: msg(lang, 'check.pod.hint-create')};
		}
	}
	const pods = (await clients.core.listNamespacedPod({namespace: where.namespace, labelSelector: where.selector})).items as Loose[];
	const pod = pickPod(pods);
	if (pod) return {pod};
	return {
		problem: msg(lang, pods.length === 0 ? 'check.pod.no-match' : 'check.pod.no-running-match', {selector: where.selector ?? '', namespace: where.namespace}),
		hint: `\`kubectl -n ${where.namespace} get pods -l ${where.selector}\``,
	};
}
