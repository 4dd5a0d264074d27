// A small lab for screen tests: two lessons (the second requires the first), one track, three variables (one with choices).
import type {Lab, Step} from '../../../src/lab/types.js';

export function step(id: string, extra: Partial<Step> = {}): Step {
	return {
		id,
		title: {ko: `${id} 단계`, en: `${id} step`},
		body: {ko: `# ${id}\n\n설명 \`kubectl\``, en: `# ${id}\n\nSome *text* with \`kubectl\`.\n\n- first item\n- second item`},
		mode: 'command',
		timeout: 5,
		expect: [],
		hints: [],
		...extra,
	};
}

export function testLab(): Lab {
	return {
		title: {ko: '테스트 실습', en: 'Test lab'},
		tracks: [
			{id: 'k8s', title: {ko: '쿠버네티스', en: 'Any Kubernetes'}, description: {ko: '아무 클러스터', en: 'Any cluster'}},
			{id: 'aks-byocni', title: {ko: 'AKS BYOCNI', en: 'AKS bring-your-own CNI'}, description: {ko: 'AKS', en: 'AKS without a CNI'}},
		],
		variables: [
			{name: 'CLUSTER_NAME', default: 'yj-aks', pattern: '^[a-z][-a-z0-9]{0,62}$', description: {ko: '클러스터 이름', en: 'Cluster name'}},
			{name: 'LOCATION', default: 'koreacentral', pattern: '^[a-z0-9]+$', description: {ko: '지역', en: 'Azure region'}},
			{
				name: 'CILIUM_VERSION',
				default: '1.16.4',
				pattern: '^[0-9.]+$',
				description: {ko: 'Cilium 버전', en: 'Cilium version'},
				choices: [
					{value: '1.16.4', note: {ko: '문서의 버전, 지원 종료', en: "the guide's version, end of life"}},
					{value: '1.20.0', note: {ko: '1.20 의 최신 패치', en: 'latest 1.20 patch'}},
				],
			},
		],
		lessons: [
			{
				id: 'basics',
				order: 1,
				title: {ko: '기초', en: 'Basics'},
				body: {ko: '기초', en: 'Basics'},
				tracks: ['k8s', 'aks-byocni'],
				requires: [],
				file: 'lessons/01-basics.yaml',
				steps: [
					step('hello', {
						run: 'echo hello from the lab',
						expect: [{kind: 'command', script: 'true'}],
						hints: [
							{ko: '첫 힌트', en: 'first hint'},
							{ko: '둘째 힌트', en: 'second hint'},
						],
						solve: 'echo solved',
					}),
					step('read-me', {mode: 'read'}),
				],
			},
			{
				id: 'dns-policy',
				order: 2,
				title: {ko: 'DNS 정책', en: 'DNS policy'},
				body: {ko: 'DNS', en: 'DNS'},
				tracks: ['k8s', 'aks-byocni'],
				requires: ['basics'],
				file: 'lessons/02-dns-policy.yaml',
				steps: [step('apply', {run: 'kubectl apply -f "$LAB_ASSETS/policy.yaml"', files: ['policy.yaml']})],
			},
		],
		lessonsDir: '/nonexistent/lessons',
		assetsDir: '/nonexistent/assets',
	};
}
