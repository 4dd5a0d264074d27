// `cilium-lab policy explain -f …`: policy files alone, the verdict and its reasons, and bad files refused with
// file:line field: message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {policyExplainCommand} from '../../../src/practice/datapath/explain-cli.js';
import {DOCUMENT_POLICIES} from './document-policies.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'explain-'));
const write = (name: string, text: string) => {
	const file = path.join(dir, name);
	fs.writeFileSync(file, text);
	return file;
};

const documentPolicies = write('policies.yaml', DOCUMENT_POLICIES);

/** English unless argv says --lang (the locale of the machine running the tests does not matter). */
async function explain(argv: string[], lang: 'en' | 'ko' = 'en') {
	let out = '';
	const code = await policyExplainCommand(argv, {write: (text) => void (out += text)}, lang);
	return {code, out};
}

describe('policy explain -f', () => {
	test('an allowed name names the policy and rule', async () => {
		const {code, out} = await explain(['-f', documentPolicies, '--to', 'https://www.google.com']);
		expect(code).toBe(0);
		expect(out).toContain('EGRESS ALLOWED (policy-verdict:L3-L4) by CiliumNetworkPolicy demo/allow-egress-to-specific-domain spec.egress[0]');
		expect(out).toContain('Verdict: ALLOWED');
	});
	test('github.com: dropped, and why *.github.com does not cover it', async () => {
		const {code, out} = await explain(['-f', documentPolicies, '--to', 'github.com:443']);
		expect(code).toBe(2);
		expect(out).toContain('EGRESS DROPPED (Policy denied): default deny');
		expect(out).toContain('matchPattern: "*.github.com"');
		expect(out).toContain('does not match example.com itself');
	});
	test('no policy selects the pod', async () => {
		const {code, out} = await explain(['-f', documentPolicies, '--from-labels', 'app=other', '--to', 'naver.com:443']);
		expect(out).toContain('DNS: naver.com');
		expect(out).toContain('EGRESS DROPPED');
		expect(code).toBe(2);
		const elsewhere = await explain(['-f', documentPolicies, '--namespace', 'demo', '--from', 'other/pod', '--to', 'naver.com:443']);
		expect(elsewhere.out).toContain('EGRESS ALLOWED: no policy selects other/pod, so egress is not enforced');
		expect(elsewhere.code).toBe(0);
	});
	test('DNS without rules.dns: the IP was never seen by the DNS proxy', async () => {
		const file = write('no-proxy.yaml', fs.readFileSync(documentPolicies, 'utf8').replace(/\n {10}rules:\n {12}dns:\n {12}- matchPattern: "\*"/, ''));
		const {code, out} = await explain(['-f', file, '--to', 'google.com:443']);
		expect(code).toBe(2);
		expect(out).toContain('the IP was never seen by the DNS proxy');
		expect(out).toContain('allows matchName: google.com, but only for IPs learned from DNS answers that passed through the proxy');
	});
	test('denied by a deny rule names it', async () => {
		const file = write('deny.yaml', `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: no-google-dns, namespace: demo}
spec:
  endpointSelector: {}
  egress: [{toEntities: [all]}]
  egressDeny: [{toCIDR: [8.8.8.8/32]}]
`);
		const {code, out} = await explain(['-f', file, '--to', '8.8.8.8:53', '--protocol', 'udp']);
		expect(code).toBe(2);
		expect(out).toContain('EGRESS DROPPED (Policy denied by denylist) by CiliumNetworkPolicy demo/no-google-dns spec.egressDeny[0]');
	});
	test('a bad pattern is refused with file, line, field and the API server message', async () => {
		const file = write('bad.yaml', `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: bad
spec:
  endpointSelector: {}
  egress:
    - toFQDNs:
        - matchPattern: "*.git hub.com"
`);
		await expect(explain(['-f', file, '--to', 'github.com'])).rejects.toThrow(`${file}:9 spec.egress[0].toFQDNs[0].matchPattern: Invalid value: "*.git hub.com": spec.egress[0].toFQDNs[0].matchPattern in body should match '^([-a-zA-Z0-9_*]+[.]?)+$'`);
	});
	// The CRDs of the chosen release (assets/crds): spec.log is in crds/v2/ciliumnetworkpolicies.yaml from v1.18.0-rc.0
	// ("policy/api: add LogConfig field"), not at v1.16.4; a 1.16.4 API server refuses it by strict field validation.
	const logged = () =>
		write(
			'logged.yaml',
			`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: logged
spec:
  endpointSelector: {}
  log:
    value: audit
  egress:
    - toEntities: [all]
`,
		);
	test('checked against the chosen Cilium\'s CRD: spec.log is unknown to 1.16.4 (the default), known to 1.20.0 (--cilium-version)', async () => {
		const file = logged();
		await expect(explain(['-f', file, '--to', '1.1.1.1:443'])).rejects.toThrow(`the policy files would be refused by Cilium 1.16.4's CRDs:\n  ${file}:7 strict decoding error: unknown field "spec.log"`);
		const newer = await explain(['-f', file, '--to', '1.1.1.1:443', '--cilium-version', '1.20.0']);
		expect(newer.code).toBe(0);
		expect(newer.out).toContain('Verdict: ALLOWED');
	});
	test('CILIUM_VERSION (the lab variable) chooses the release when --cilium-version is not given; a patch not offered stands for its line', async () => {
		const file = logged();
		const saved = process.env.CILIUM_VERSION;
		try {
			process.env.CILIUM_VERSION = '1.19.5';
			expect((await explain(['-f', file, '--to', '1.1.1.1:443'])).code).toBe(0);
			process.env.CILIUM_VERSION = 'newest';
			await expect(explain(['-f', file, '--to', '1.1.1.1:443'])).rejects.toThrow('CILIUM_VERSION=newest: expected a version such as 1.16.4');
		} finally {
			if (saved === undefined) delete process.env.CILIUM_VERSION;
			else process.env.CILIUM_VERSION = saved;
		}
		await expect(explain(['-f', file, '--to', 'a.com', '--cilium-version', 'x'])).rejects.toThrow('--cilium-version x: expected a version such as 1.16.4');
	});
	test('a rule-less policy: stored by 1.16.4, refused from 1.18 by the spec\'s anyOf (crds/v2/ciliumnetworkpolicies.yaml @ v1.18.0-rc.0)', async () => {
		const file = write('ruleless.yaml', 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: ruleless\nspec:\n  endpointSelector: {}\n');
		expect((await explain(['-f', file, '--to', 'a.com', '--cilium-version', '1.16.4'])).out).toContain('Verdict:');
		await expect(explain(['-f', file, '--to', 'a.com', '--cilium-version', '1.18.12'])).rejects.toThrow(`${file}:6 spec: Invalid value: "object": spec in body must validate at least one schema (anyOf)`);
	});
	test('in Korean with --lang ko (or the language the CLI passes), the same verdict and reasons', async () => {
		const english = await explain(['-f', documentPolicies, '--to', 'github.com:443']);
		const korean = await explain(['-f', documentPolicies, '--to', 'github.com:443', '--lang', 'ko']);
		expect(korean.code).toBe(english.code);
		expect(korean.out.split('\n')).toHaveLength(english.out.split('\n').length);
		expect(korean.out).toContain('출발: demo의 Pod, 라벨 app=client');
		expect(korean.out).toContain('목적지: github.com:443/TCP');
		expect(korean.out).toContain('EGRESS DROPPED (Policy denied): 기본 거부(default deny), CiliumNetworkPolicy demo/allow-dns, CiliumNetworkPolicy demo/allow-egress-to-specific-domain의 어떤 규칙과도 맞지 않습니다');
		expect(korean.out).toContain('("*.example.com"은 점 앞에 라벨이 하나 있어야 맞습니다');
		expect(korean.out).toContain('판정: DROPPED (클라이언트는 시간 초과: curl 종료 코드 28)');
		expect(korean.out).not.toMatch(/Verdict|From:|To:|default deny, no rule/);
		expect((await explain(['-f', documentPolicies, '--to', 'github.com:443'], 'ko')).out).toBe(korean.out);
		expect((await explain(['-f', documentPolicies, '--to', 'github.com:443', '--lang', 'en'], 'ko')).out).toBe(english.out);
		await expect(explain(['-f', documentPolicies, '--to', 'a.com', '--lang', 'de'])).rejects.toThrow('--lang de: expected ko or en');
	});
	test('usage errors', async () => {
		await expect(explain(['-f', documentPolicies])).rejects.toThrow('--to HOST[:PORT] is required');
		await expect(explain(['-f', documentPolicies, '--to', 'a:99999'])).rejects.toThrow('no valid port');
		await expect(explain(['-f', path.join(dir, 'missing.yaml'), '--to', 'a.com'])).rejects.toThrow('cannot read: ENOENT');
		await expect(explain(['-f', documentPolicies, '--to', 'a.com', '--protocol', 'icmp'])).rejects.toThrow('expected tcp or udp');
	});
});
