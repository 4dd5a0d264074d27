// `cilium-lab doctor`: the result code round-trips, and the built binary on a machine with a tool missing, a port
// taken, and a cluster that does not answer (exit 0 ready, 1 the learner fixes it, 2 the facilitator).
import {spawnSync} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {decodeDoctorCode, doctorResult, encodeDoctorCode, versionFindings, type Finding} from '../../src/doctor/assess.js';

const root = path.resolve('.');
let work: string;

function doctor(args: string[], env: Record<string, string>) {
	const result = spawnSync(process.execPath, [path.join(root, 'dist/cilium-lab.js'), 'doctor', ...args], {
		encoding: 'utf8',
		env: {CILIUM_LAB_HOME: path.join(work, 'home'), LANG: 'en_US.UTF-8', ...env},
		timeout: 30_000,
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

function fakeTool(dir: string, name: string, script: string) {
	mkdirSync(dir, {recursive: true});
	writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`);
	chmodSync(path.join(dir, name), 0o755);
}

beforeAll(() => {
	work = mkdtempSync(path.join(os.tmpdir(), 'doctor-'));
});
afterAll(() => rmSync(work, {recursive: true, force: true}));

describe('the doctor result code', () => {
	const finding = (id: Finding['id'], status: Finding['status']): Finding => ({id, status, summary: {key: 'doctor.ready'}});

	it('encodes the exit code and which checks failed, for whom, and reads back', () => {
		const ready = doctorResult([finding('node', 'ok'), finding('terminal', 'warn')]);
		expect(ready.exitCode).toBe(0);
		expect(decodeDoctorCode(ready.code)).toEqual({exitCode: 0, learner: [], facilitator: []});
		const mixed = encodeDoctorCode([finding('kubectl', 'learner'), finding('ports', 'learner'), finding('cluster', 'facilitator')]);
		expect(mixed).toMatch(/^CLD1-2-/);
		expect(decodeDoctorCode(mixed)).toEqual({exitCode: 2, learner: ['kubectl', 'ports'], facilitator: ['cluster']});
		expect(decodeDoctorCode(mixed.toLowerCase())).toEqual(decodeDoctorCode(mixed));
	});

	it('refuses a mistyped code', () => {
		const code = encodeDoctorCode([finding('helm', 'learner')]);
		const typo = code.replace(/-(\w)-(\w)$/, (_, mask: string, sum: string) => `-${mask === '0' ? '1' : '0'}-${sum}`);
		expect(decodeDoctorCode(typo)).toBeUndefined();
		expect(decodeDoctorCode('hello')).toBeUndefined();
	});
});

describe('what the cluster runs, against the chosen track and version', () => {
	const keys = (findings: Finding[]) => findings.map((finding) => `${finding.id} ${finding.status} ${finding.summary.key} ${JSON.stringify(finding.summary.params ?? {})}`);
	it('the chosen version running, maintained, on a Kubernetes it is tested with: nothing to say', () => {
		expect(versionFindings({track: 'aks-byocni', kubernetes: 'v1.33.2', cilium: '1.18.12', chosen: '1.18.12'})).toEqual([]);
	});
	it("warns when the cluster runs another Cilium than CILIUM_VERSION, and when it is end of life (the guide's 1.16)", () => {
		expect(keys(versionFindings({track: 'k8s', kubernetes: 'v1.31.1', cilium: '1.16.4', chosen: '1.20.0'}))).toEqual([
			'versions warn doctor.versions.mismatch {"running":"1.16.4","chosen":"1.20.0"}',
			'versions warn doctor.versions.eol {"cilium":"1.16.4"}',
		]);
	});
	it("warns on a Kubernetes outside the version's tested range (1.18: 1.30–1.33, cilium/cilium v1.18.14 compatibility.rst)", () => {
		expect(keys(versionFindings({track: 'aks-byocni', kubernetes: 'v1.35.0', cilium: '1.18.12', chosen: '1.18.12'}))).toEqual([
			'versions warn doctor.versions.untested {"cilium":"1.18.12","kubernetes":"v1.35.0","from":"1.30","to":"1.33"}',
		]);
	});
	it('on aks-managed: no CILIUM_VERSION to compare or EOL to flag (AKS picks Cilium), but ACNS off is worth knowing for the FQDN lessons', () => {
		expect(keys(versionFindings({track: 'aks-managed', kubernetes: 'v1.31.5', cilium: '1.16.6', acns: false}))).toEqual(['network warn doctor.network.noAcns {}']);
		expect(versionFindings({track: 'aks-managed', kubernetes: 'v1.31.5', cilium: '1.16.6', acns: true})).toEqual([]);
	});
});

describe('cilium-lab doctor', () => {
	it('with kubectl missing from PATH and the Hubble UI port taken: exit 1, each problem with its fix, the code last', async () => {
		const taken = net.createServer();
		await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
		const port = (taken.address() as net.AddressInfo).port;
		try {
			const bin = path.join(work, 'bin-empty');
			mkdirSync(bin, {recursive: true});
			const env = {PATH: bin};
			const args = ['--target', 'practice', '--track', 'k8s', '--set', `HUBBLE_UI_PORT=${port}`];
			const text = doctor(args, env);
			expect(text.code).toBe(1);
			expect(text.stdout).toContain('✘ kubectl: not found on PATH');
			expect(text.stdout).toContain('fix: install kubectl: https://kubernetes.io/docs/tasks/tools/');
			expect(text.stdout).toContain(`✘ port ${port} (HUBBLE_UI_PORT) is taken by another program`);
			expect(text.stdout).toContain('fix: stop that program or use another port: --set HUBBLE_UI_PORT=OTHER_PORT');
			expect(text.stdout).toContain('✔ helm: not installed (the practice cluster brings its own)');
			expect(text.stdout).toContain('2 problem(s) you can fix, 0 for the facilitator');
			const last = text.stdout.trimEnd().split('\n').at(-1)!;
			const code = /: (CLD1-\S+)$/.exec(last)?.[1];
			expect(decodeDoctorCode(code!)).toEqual({exitCode: 1, learner: ['kubectl', 'ports'], facilitator: []});

			const json = doctor([...args, '--json'], env);
			expect(json.code).toBe(1);
			const parsed = JSON.parse(json.stdout) as {exitCode: number; code: string; checks: Array<{id: string; status: string; fix?: string}>};
			expect(parsed.exitCode).toBe(1);
			expect(parsed.code).toBe(code);
			expect(parsed.checks.filter((check) => check.status === 'learner').map((check) => check.id)).toEqual(['kubectl', 'ports']);
			expect(parsed.checks.every((check) => check.status === 'ok' || check.status === 'warn' || check.fix)).toBe(true);

			const ko = doctor([...args, '--lang', 'ko'], env);
			expect(ko.stdout).toContain('kubectl: PATH 에 없습니다');
		} finally {
			taken.close();
		}
	});

	it('is ready (exit 0) with the tools there and the port free', () => {
		const bin = path.join(work, 'bin-ok');
		fakeTool(bin, 'kubectl', 'echo "Client Version: v1.31.2"');
		const result = doctor(['--target', 'practice', '--track', 'k8s', '--json'], {PATH: bin});
		const parsed = JSON.parse(result.stdout) as {exitCode: number; checks: Array<{id: string; summary: string}>};
		expect(result.code).toBe(0);
		expect(parsed.checks.find((check) => check.id === 'kubectl')?.summary).toBe('kubectl v1.31.2');
	});

	it('needs the facilitator (exit 2) when the real cluster does not answer', () => {
		const bin = path.join(work, 'bin-real');
		for (const tool of ['helm', 'cilium', 'hubble']) fakeTool(bin, tool, `echo "${tool} v1.0.0"`);
		fakeTool(bin, 'kubectl', 'case "$*" in "config current-context") echo workshop-ctx;; *version*-o*) echo "Unable to connect to the server" >&2; exit 1;; *) echo "Client Version: v1.31.2";; esac');
		const result = doctor(['--target', 'real', '--track', 'k8s'], {PATH: bin});
		expect(result.code).toBe(2);
		expect(result.stdout).toContain('✘ the cluster (workshop-ctx) does not answer');
		expect(result.stdout).toContain('fix: tell the facilitator');
		expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/CLD1-2-0-\w+-\w$/);
	});

	it('says clearly when there is no kube context (the real kubectl, an empty kubeconfig), and when --context names none', () => {
		const bin = path.join(work, 'bin-noctx');
		mkdirSync(bin, {recursive: true});
		for (const tool of ['helm', 'cilium', 'hubble', 'az']) fakeTool(bin, tool, `echo "${tool} v1.0.0"`);
		symlinkSync('/usr/bin/kubectl', path.join(bin, 'kubectl'));
		const kubeconfig = path.join(work, 'empty-kubeconfig');
		writeFileSync(kubeconfig, '');
		const k8s = doctor(['--target', 'real', '--track', 'k8s'], {PATH: bin, KUBECONFIG: kubeconfig});
		expect(k8s.code).toBe(2);
		expect(k8s.stdout).toContain(`✘ no kube context: kubectl config current-context names none (kubeconfig: ${kubeconfig})`);
		expect(k8s.stdout).toContain("fix: ask the facilitator for the cluster's kubeconfig");
		// kubectl's "error: current-context is not set" is never taken for a context's name.
		expect(k8s.stdout).not.toContain('current-context is not set');
		expect(decodeDoctorCode(/(CLD1-\S+)\n$/.exec(k8s.stdout)![1]!)).toEqual({exitCode: 2, learner: [], facilitator: ['context']});
		// On an AKS track the lessons make the cluster and set the context: not yet is a note, not a problem.
		const aks = doctor(['--target', 'real', '--track', 'aks-byocni'], {PATH: bin, KUBECONFIG: kubeconfig});
		expect(aks.code).toBe(0);
		expect(aks.stdout).toContain('! no kube context yet');
		expect(aks.stdout).toContain('az aks get-credentials sets it');

		writeFileSync(
			kubeconfig,
			'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:9"}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: workshop\n  context: {cluster: c, user: u}\ncurrent-context: workshop\n',
		);
		const wrong = doctor(['--target', 'real', '--track', 'k8s', '--context', 'wokshop'], {PATH: bin, KUBECONFIG: kubeconfig});
		expect(wrong.code).toBe(1);
		expect(wrong.stdout).toContain(`✘ the context wokshop is not in the kubeconfig (${kubeconfig})`);
		expect(wrong.stdout).toContain('fix: kubectl config get-contexts lists the names');
	});

	it('is honest about Hangul fonts: what fc-list found, a hint and never a problem; not checked without fc-list', () => {
		const withFonts = path.join(work, 'bin-fonts');
		fakeTool(withFonts, 'kubectl', 'echo "Client Version: v1.31.2"');
		// fontconfig's own output shape for `fc-list :lang=ko family`: families, comma-separated localized names.
		fakeTool(withFonts, 'fc-list', 'test "$1" = ":lang=ko" && test "$2" = family || exit 9\nprintf "Noto Sans CJK KR,Noto Sans CJK KR Regular\\nNanumGothic,나눔고딕\\nNoto Sans CJK KR,Noto Sans CJK KR Bold\\n"');
		const found = doctor(['--target', 'practice', '--track', 'k8s'], {PATH: withFonts});
		expect(found.code).toBe(0);
		expect(found.stdout).toContain('✔ fonts with Hangul installed: 2 (fc-list, e.g. NanumGothic); whether the terminal uses one cannot be checked from here');

		const noFonts = path.join(work, 'bin-nofonts');
		fakeTool(noFonts, 'kubectl', 'echo "Client Version: v1.31.2"');
		fakeTool(noFonts, 'fc-list', 'exit 0');
		const none = doctor(['--target', 'practice', '--track', 'k8s'], {PATH: noFonts});
		expect(none.code).toBe(0);
		expect(none.stdout).toContain('! fc-list found no font with Hangul (a hint');
		expect(none.stdout).toContain('fix: if Hangul shows as boxes, install a font that has it');

		const unchecked = doctor(['--target', 'practice', '--track', 'k8s'], {PATH: path.join(work, 'bin-ok')});
		expect(unchecked.stdout).toContain('✔ fonts not checked (no fc-list here)');
		const ko = doctor(['--target', 'practice', '--track', 'k8s', '--lang', 'ko'], {PATH: withFonts});
		expect(ko.stdout).toContain('한글 글꼴 2개 설치됨 (fc-list, 예: NanumGothic)');
	});
});
