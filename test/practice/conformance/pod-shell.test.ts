// Conformance table: the shell and BusyBox applets in a pod (alpine/curl), probed with the real kubectl exec against
// the practice cluster (k8s track, instant speed). Expected outputs follow BusyBox 1.36.1 (tag 1_36_1): shell/ash.c,
// coreutils/{ls,cat,wc,head}.c, findutils/grep.c, libbb/wfopen.c; a construct the practice shell does not run is
// refused by name with a non-zero status.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TestPractice} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-sh-', speed: 'instant', track: 'k8s'});
const {run} = practice;

interface Probe {
	script: string;
	source: string;
	code: number;
	stdout?: string;
	stderr?: string | RegExp;
}

const sh = (script: string) => ['-n', 'demo', 'exec', 'curl', '--', 'sh', '-c', script];
const NOT_SIMULATED = 'not simulated by the practice cluster';
const exited = (code: number) => `\ncommand terminated with exit code ${code}`;

const PROBES: Probe[] = [
	{script: 'X=5; echo $X', source: 'shell/ash.c (assignment, parameter expansion)', code: 0, stdout: '5'},
	{script: 'X=5; echo "x is ${X}"', source: 'shell/ash.c (${NAME} in double quotes)', code: 0, stdout: 'x is 5'},
	{script: 'echo $(hostname)', source: 'shell/ash.c (command substitution); hostname applet', code: 0, stdout: 'curl'},
	{script: 'echo "node says: `hostname`"', source: 'shell/ash.c (backquote substitution inside double quotes)', code: 0, stdout: 'node says: curl'},
	{script: "echo '$X stays'", source: 'shell/ash.c (single quotes: no expansion)', code: 0, stdout: '$X stays'},
	{script: 'A="a  b"; echo $A; echo "$A"', source: 'shell/ash.c (field splitting of unquoted expansions)', code: 0, stdout: 'a b\na  b'},
	{script: 'foo', source: 'shell/ash.c shellexec: "%s: not found", exit 127', code: 127, stderr: `sh: foo: not found${exited(127)}`},
	{script: 'true; echo $?; false; echo $?', source: 'shell/ash.c ($?)', code: 0, stdout: '0\n1'},
	{script: 'false && echo yes || echo no', source: 'shell/ash.c (&& and ||)', code: 0, stdout: 'no'},
	{script: 'foo || echo "status $?"', source: 'shell/ash.c (127 from a missing command)', code: 0, stdout: 'status 127', stderr: 'sh: foo: not found'},
	{script: 'cat /etc/resolv.conf | grep nameserver', source: 'pipes; grep prints matching lines (findutils/grep.c)', code: 0, stdout: 'nameserver 10.0.0.10'},
	{script: 'echo one two three | wc -w', source: 'coreutils/wc.c: one count of stdin is printed bare', code: 0, stdout: '3'},
	{script: 'wc -l /etc/resolv.conf', source: 'coreutils/wc.c: " %s" after the count for a file', code: 0, stdout: '3 /etc/resolv.conf'},
	{script: 'wc /etc/resolv.conf', source: 'coreutils/wc.c: lines, words, bytes, each %9u (start_fmt " %9u" + 1)', code: 0, stdout: '        3         8        99 /etc/resolv.conf'},
	{script: 'head -n 1 /etc/resolv.conf', source: 'coreutils/head.c (-n)', code: 0, stdout: 'search demo.svc.cluster.local svc.cluster.local cluster.local'},
	{script: 'head -2 /etc/hosts', source: 'coreutils/head.c (-N)', code: 0, stdout: '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost'},
	{script: 'grep -c search /etc/resolv.conf', source: 'findutils/grep.c (-c)', code: 0, stdout: '1'},
	{script: 'grep -q nothing /etc/resolv.conf; echo $?', source: 'findutils/grep.c (no match: 1)', code: 0, stdout: '1'},
	{script: 'grep x /nope', source: 'libbb/wfopen.c: bb_simple_perror_msg; grep exits 2', code: 2, stderr: `grep: /nope: No such file or directory${exited(2)}`},
	{script: 'cat /nope', source: 'libbb open_or_warn: "can\'t open \'%s\'"', code: 1, stderr: `cat: can't open '/nope': No such file or directory${exited(1)}`},
	{script: 'ls /', source: 'coreutils/ls.c: one name a line when stdout is not a terminal; alpine minirootfs', code: 0, stdout: 'bin\ndev\netc\nhome\nlib\nmedia\nmnt\nopt\nproc\nroot\nrun\nsbin\nsrv\nsys\ntmp\nusr\nvar'},
	{script: 'ls /nope', source: 'coreutils/ls.c: bb_simple_perror_msg', code: 1, stderr: `ls: /nope: No such file or directory${exited(1)}`},
	{script: 'ls / | wc -l', source: 'pipes; coreutils/wc.c', code: 0, stdout: '17'},
	{script: 'cat /var/run/secrets/kubernetes.io/serviceaccount/namespace', source: 'kubelet service account mount', code: 0, stdout: 'demo'},
	{script: 'env | grep KUBERNETES_SERVICE_HOST', source: 'kubelet service environment; env applet', code: 0, stdout: 'KUBERNETES_SERVICE_HOST=10.0.0.1'},
	{script: 'export X=1; env | grep ^X=', source: 'shell/ash.c (export)', code: 0, stdout: 'X=1'},
	{script: 'Y=2 env | grep ^Y=', source: 'shell/ash.c (assignment before a command: its environment only)', code: 0, stdout: 'Y=2'},
	{script: 'Z=3; env | grep -c ^Z=', source: 'shell/ash.c (unexported variables stay in the shell)', code: 1, stdout: '0', stderr: exited(1).slice(1)},
	{script: 'cd /tmp && pwd', source: 'shell/ash.c (cd, pwd)', code: 0, stdout: '/tmp'},
	{script: 'cd /nope', source: 'shell/ash.c ash_vmsg: "sh: cd: line 1: can\'t cd to …" (commandname set for builtins, not interactive)', code: 2, stderr: `sh: cd: line 1: can't cd to /nope: No such file or directory${exited(2)}`},
	{script: 'echo "unterminated', source: 'shell/ash.c raise_error_syntax (no commandname while parsing)', code: 2, stderr: `sh: syntax error: unterminated quoted string${exited(2)}`},
	{script: 'echo hidden >/dev/null; echo shown', source: 'shell/ash.c (redirection to /dev/null)', code: 0, stdout: 'shown'},
	{script: 'grep x /nope 2>&1 | wc -l', source: 'shell/ash.c (2>&1 into a pipe)', code: 0, stdout: '1'},
	{script: 'if true; then echo y; fi', source: 'practice rule: compound commands are refused by name', code: 2, stderr: `sh: 'if' (compound commands: if, for, while, case, { … }) is ${NOT_SIMULATED}${exited(2)}`},
	{script: 'echo hi > /tmp/x', source: 'practice rule: writing files is refused by name', code: 1, stderr: `sh: can't create /tmp/x: writing files is ${NOT_SIMULATED}${exited(1)}`},
	{script: 'sed -n 1p /etc/hosts', source: 'practice rule: an applet the image has but the practice cluster does not run', code: 127, stderr: /^sh: sed: not simulated by the practice cluster \(the image has it;/},
	{script: 'sleep 1 &', source: 'practice rule: background jobs are refused by name', code: 2, stderr: `sh: running commands in the background (&) is ${NOT_SIMULATED}${exited(2)}`},
];

beforeAll(async () => {
	await practice.start();
	expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system'])).code).toBe(0);
	expect((await run('kubectl', ['create', 'ns', 'demo'])).code).toBe(0);
	expect((await run('kubectl', ['run', 'curl', '-n', 'demo', '--image=alpine/curl', '--labels=app=client', '--command', '--', 'sleep', '365d'])).code).toBe(0);
	expect((await run('kubectl', ['wait', '-n', 'demo', '--for=condition=Ready', 'pod/curl', '--timeout=60s'])).code).toBe(0);
}, 180_000);

afterAll(() => practice.stop());

describe('sh and BusyBox applets in a pod (conformance table)', () => {
	for (const probe of PROBES) {
		it(`sh -c '${probe.script}' — ${probe.source}`, async () => {
			const result = await run('kubectl', sh(probe.script));
			if (probe.stdout !== undefined) expect(result.stdout).toBe(probe.stdout);
			if (probe.stderr !== undefined) expect(result.stderr).toEqual(typeof probe.stderr === 'string' ? probe.stderr : expect.stringMatching(probe.stderr));
			expect(result.code).toBe(probe.code);
		});
	}

	it('the applets run directly through exec too — kubectl exec curl -- ls /tmp, cat, head', async () => {
		expect(await run('kubectl', ['-n', 'demo', 'exec', 'curl', '--', 'ls', '/tmp'])).toMatchObject({code: 0, stdout: ''});
		expect(await run('kubectl', ['-n', 'demo', 'exec', 'curl', '--', 'head', '-n', '1', '/etc/hostname'])).toMatchObject({code: 0, stdout: 'curl'});
	});
});
