// Lesson 0's version step (preflight/versions: `cilium-lab doctor versions`) walked on the practice cluster with the
// built app: before Cilium is installed it compares the chosen CILIUM_VERSION with the guide's; once the lessons have
// installed Cilium it reads the version the agents run (the cilium DaemonSet's image) and the Kubernetes version.
// Needs `npm run build` first (npm test does it). Kept apart from lessons-walk.test.ts, which walks every step.
import {describe, expect, it} from 'vitest';
import {ciliumLab, freePort, walkEnv} from './walk.js';
import {walkFileLifecycle} from './file-lifecycle.js';

const started = walkFileLifecycle(60_000);

interface VersionsReport {
	exitCode: number;
	checks: Array<{id: string; status: string; summary: string}>;
}

describe.concurrent('preflight/versions on the practice cluster', () => {
	it('k8s track, CILIUM_VERSION 1.20.0: the chosen version before the install, the running one after, and each difference from 1.16.4', async () => {
		const lab = walkEnv();
		started.push(lab);
		const common = ['--track', 'k8s', '--lang', 'en', '--set', 'CILIUM_VERSION=1.20.0', '--set', `HUBBLE_UI_PORT=${await freePort()}`, '--set', `HUBBLE_RELAY_PORT=${await freePort()}`];
		const preflight = await ciliumLab(['run', 'preflight', '--yes', '--solve', ...common], lab.env, 120_000);
		expect(preflight.code, preflight.stdout + preflight.stderr).toBe(0);
		expect(preflight.stdout).toContain('▸ preflight/versions');
		expect(preflight.stdout).toMatch(/✔ Kubernetes v1\.\d+\.\d+ · Cilium -/);
		expect(preflight.stdout).toContain('the cluster runs no Cilium yet; CILIUM_VERSION (to be installed) is 1.20.0');
		// src/practice/versions.ts: 1.20 differs from 1.16 in every behaviour flag the table has today.
		expect(preflight.stdout).toContain("! 1.20.0 departs from the guide: a leading `**.` in a toFQDNs matchPattern matches several labels from 1.19");
		expect(preflight.stdout).toContain('! 1.20.0 departs from the guide: hubble observe --print-policy-names');

		const install = await ciliumLab(['run', 'cluster', 'install', '--yes', '--solve', ...common], lab.env, 240_000);
		expect(install.code, install.stdout.slice(-3000) + install.stderr).toBe(0);
		const after = await ciliumLab(['doctor', 'versions', '--json', ...common], lab.env, 60_000);
		expect(after.code, after.stderr).toBe(0);
		const report = JSON.parse(after.stdout) as VersionsReport;
		const summaries = report.checks.map((check) => `${check.status} ${check.summary}`);
		// The DaemonSet's image tag, as `cilium-lab doctor` prints it (v1.20.0).
		expect(summaries, summaries.join('\n')).toContainEqual(expect.stringMatching(/^ok Kubernetes v1\.\d+\.\d+ · Cilium v1\.20\.0$/));
		expect(summaries).toContain('ok the guide teaches Cilium 1.16.4 (end of life); the cluster runs 1.20.0; CILIUM_VERSION is 1.20.0');
		expect(summaries.filter((summary) => summary.startsWith('warn 1.20.0 departs from the guide'))).toHaveLength(6);
	}, 420_000);

	it('aks-byocni track at the guide’s 1.16.4, in Korean: no kube context yet (lesson 1 makes the cluster), and the chosen version behaves as the guide’s', async () => {
		const lab = walkEnv();
		started.push(lab);
		const run = await ciliumLab(['run', 'preflight', '--yes', '--solve', '--track', 'aks-byocni', '--lang', 'ko'], lab.env, 120_000);
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(run.stdout).toContain('! kube 컨텍스트가 아직 없습니다');
		expect(run.stdout).toContain('az aks get-credentials 로 설정합니다');
		// kubectl's "error: current-context is not set" was once taken for the context's name.
		expect(run.stdout).not.toContain('current-context is not set');
		expect(run.stdout).toContain('설치할 버전(CILIUM_VERSION)은 1.16.4');
		expect(run.stdout).toContain('Cilium 1.16.4 은 레슨이 보여 주는 곳에서 문서의 1.16.4 와 똑같이 동작합니다');
		expect(run.stdout).not.toContain('문서의 차이');
	}, 180_000);
});
