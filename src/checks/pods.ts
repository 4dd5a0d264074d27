// Finding the pod a check runs something in: by name, or the first Running one a selector picks.
import type {KubeClients} from '../kube/clients.js';
import type {Lang} from '../lab/types.js';
import {pickPod, say, type Loose} from './logic.js';
import {apiStatus} from './cluster.js';

export type PodChoice = {pod: Loose} | {problem: string; hint: string};

export async function choosePod(clients: KubeClients, where: {namespace: string; pod?: string; selector?: string}, lang: Lang): Promise<PodChoice> {
	if (where.pod) {
		try {
			const pod = (await clients.core.readNamespacedPod({name: where.pod, namespace: where.namespace})) as Loose;
			if (pod.status?.phase !== 'Running') {
				return {problem: say(lang, `pod ${where.namespace}/${where.pod} is ${pod.status?.phase ?? 'not running'}`, `파드 ${where.namespace}/${where.pod}의 상태: ${pod.status?.phase ?? '실행 중 아님'}`), hint: say(lang, `\`kubectl -n ${where.namespace} describe pod ${where.pod}\` says why`, `\`kubectl -n ${where.namespace} describe pod ${where.pod}\`에 이유가 나옵니다`)};
			}
			return {pod};
		} catch (error) {
			if (apiStatus(error) !== 404) throw error;
			return {problem: say(lang, `no pod ${where.namespace}/${where.pod}`, `파드 ${where.namespace}/${where.pod}이(가) 없습니다`), hint: say(lang, 'create it with the step\'s command first', '먼저 이 단계의 명령으로 만드세요')};
		}
	}
	const pods = (await clients.core.listNamespacedPod({namespace: where.namespace, labelSelector: where.selector})).items as Loose[];
	const pod = pickPod(pods);
	if (pod) return {pod};
	return {
		problem:
			pods.length === 0
				? say(lang, `no pod matches ${where.selector} in ${where.namespace}`, `${where.namespace}에 ${where.selector}와 일치하는 파드가 없습니다`)
				: say(lang, `no Running pod matches ${where.selector} in ${where.namespace}`, `${where.namespace}에 ${where.selector}와 일치하는 실행 중인 파드가 없습니다`),
		hint: say(lang, `\`kubectl -n ${where.namespace} get pods -l ${where.selector}\``, `\`kubectl -n ${where.namespace} get pods -l ${where.selector}\``),
	};
}
