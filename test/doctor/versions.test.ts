// The guide's Cilium against the one the learner meets (`cilium-lab doctor versions`, lesson 0's version step): which
// line says which version is which, and one line per behaviour of src/practice/versions.ts that departs from 1.16.4.
import {describe, expect, test} from 'vitest';
import {DIFFERENCE_MESSAGES, guideDifferenceFindings, versionFindings, type Finding} from '../../src/doctor/assess.js';
import {msg} from '../../src/lab/i18n.js';
import {behaviourDifferences, ciliumBehaviour} from '../../src/practice/versions.js';

const lines = (findings: Finding[]) => findings.map((finding) => `${finding.status} ${msg('en', finding.summary.key, finding.summary.params)}`);

describe('behaviourDifferences', () => {
	test('1.16.4 and 1.18.12 differ in what came with 1.18 (NOTES warnings, hubble policy names); 1.18 and 1.20 in what came with 1.19', () => {
		expect(behaviourDifferences('1.16.4', '1.16.4')).toEqual([]);
		expect(behaviourDifferences('1.16.4', '1.18.12')).toEqual(['notesWarningsBlock', 'hubblePolicyNames']);
		expect(behaviourDifferences('1.18.12', '1.20.0')).toEqual(['multiLabelWildcard', 'requiresFieldsRemoved', 'relayTlsWarning', 'hubbleFieldMaskRenamed']);
		expect(behaviourDifferences('1.19.6', '1.20.0')).toEqual([]);
	});

	test('every behaviour flag has a line for the learner', () => {
		const flags = Object.keys(ciliumBehaviour('1.16.4')).filter((flag) => flag !== 'version');
		expect(Object.keys(DIFFERENCE_MESSAGES).sort()).toEqual(flags.sort());
	});
});

describe('guideDifferenceFindings', () => {
	test('the cluster runs 1.18.12 (image tag v1.18.12): the guide, the running and the chosen version, then the 1.18 differences', () => {
		expect(lines(guideDifferenceFindings({cilium: 'v1.18.12', chosen: '1.16.4'}))).toEqual([
			'ok the guide teaches Cilium 1.16.4 (end of life); the cluster runs 1.18.12; CILIUM_VERSION is 1.16.4',
			"warn 1.18.12 departs from the guide: helm install's NOTES can end with a WARNINGS block (from 1.18)",
			"warn 1.18.12 departs from the guide: hubble observe --print-policy-names adds the policy to the verdict (ALLOWED BY …), and flows' JSON names the policy kind (from 1.18)",
		]);
	});

	test('no Cilium yet: the chosen version is compared; the guide’s own version behaves as the guide’s', () => {
		expect(lines(guideDifferenceFindings({cilium: '-', chosen: '1.16.4'}))).toEqual([
			'ok the guide teaches Cilium 1.16.4 (end of life); the cluster runs no Cilium yet; CILIUM_VERSION (to be installed) is 1.16.4',
			"ok Cilium 1.16.4 behaves as the guide's 1.16.4 wherever the lessons look",
		]);
	});

	test('aks-managed (no CILIUM_VERSION) with AKS’s Cilium 1.17.x: compared by minor, 1.17 has what 1.18 has not yet', () => {
		const found = guideDifferenceFindings({cilium: '1.17.6'});
		expect(lines(found)[0]).toBe('ok the guide teaches Cilium 1.16.4 (end of life); the cluster runs 1.17.6; CILIUM_VERSION is -');
		expect(lines(found).slice(1)).toEqual(["ok Cilium 1.17.6 behaves as the guide's 1.16.4 wherever the lessons look"]);
	});

	test('an unreadable Cilium version and no variable: only the guide line', () => {
		expect(lines(guideDifferenceFindings({cilium: '?'}))).toEqual(["ok the guide teaches Cilium 1.16.4 (end of life); the cluster's Cilium version is not known"]);
	});

	test('Korean', () => {
		const [first] = guideDifferenceFindings({cilium: '1.20.0', chosen: '1.20.0'});
		expect(msg('ko', first!.summary.key, first!.summary.params)).toBe('문서가 가르치는 Cilium 은 1.16.4 (지원 종료), 클러스터에서 도는 것은 1.20.0, 고른 CILIUM_VERSION 은 1.20.0');
	});
});

describe('versionFindings before Cilium is installed', () => {
	test('the chosen version is checked against the Kubernetes versions its docs list as tested (1.18: 1.30–1.33)', () => {
		expect(lines(versionFindings({track: 'k8s', kubernetes: 'v1.35.1', cilium: '-', chosen: '1.18.12'}))).toEqual(['warn Cilium 1.18.12 is not tested with Kubernetes v1.35.1 (tested: 1.30–1.33)']);
		expect(versionFindings({track: 'k8s', kubernetes: 'v1.31.1', cilium: '-', chosen: '1.18.12'})).toEqual([]);
	});
});
