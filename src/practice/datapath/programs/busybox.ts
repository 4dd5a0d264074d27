// BusyBox 1.36 applets of the lab's alpine-based images (alpine/curl, busybox, netshoot): ls, cat, grep, wc, head,
// env, hostname, over a small read-only model of the pod's files. Messages and exit codes follow the applets'
// sources at tag 1_36_1 (coreutils/{ls,cat,wc,head}.c, findutils/grep.c, libbb/wfopen.c: "<applet>: <file>: No such
// file or directory"; libbb open_or_warn: "can't open '<file>'"). What the model does not know is refused plainly.
import type {KubeObject, PodProgram, ProgramIO} from '../../types.js';
import {podFields} from '../view.js';

/** alpine's root directory (the minirootfs) as `ls /` lists it. */
const ROOT_ENTRIES = ['bin', 'dev', 'etc', 'home', 'lib', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var'];

type Node = {kind: 'file'; content: (pod: KubeObject) => string} | {kind: 'dir'; entries?: string[]};

const podIp = (pod: KubeObject) => String(podFields(pod).status?.podIP ?? '');

/** The files the practice cluster knows in a pod: the kubelet's mounts and the directories alpine ships. */
const FILES: Record<string, Node> = {
	'/': {kind: 'dir', entries: ROOT_ENTRIES},
	'/etc/resolv.conf': {kind: 'file', content: (pod) => `search ${pod.metadata.namespace ?? 'default'}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.0.0.10\noptions ndots:5\n`},
	'/etc/hostname': {kind: 'file', content: (pod) => `${pod.metadata.name}\n`},
	'/etc/hosts': {kind: 'file', content: (pod) => `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${podIp(pod)}\t${pod.metadata.name}\n`},
	'/var/run/secrets/kubernetes.io/serviceaccount': {kind: 'dir', entries: ['ca.crt', 'namespace', 'token']},
	'/var/run/secrets/kubernetes.io/serviceaccount/namespace': {kind: 'file', content: (pod) => pod.metadata.namespace ?? 'default'},
	'/tmp': {kind: 'dir', entries: []},
	'/root': {kind: 'dir', entries: []},
	'/home': {kind: 'dir', entries: []},
	'/etc': {kind: 'dir'},
	'/var': {kind: 'dir'},
	'/usr': {kind: 'dir'},
	'/bin': {kind: 'dir'},
	'/proc': {kind: 'dir'},
};

export function resolvePath(path: string, cwd = '/'): string {
	const parts: string[] = [];
	for (const part of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
		if (part === '' || part === '.') continue;
		if (part === '..') parts.pop();
		else parts.push(part);
	}
	return `/${parts.join('/')}`;
}

export type FileLookup = {kind: 'file'; text: string} | {kind: 'dir'; entries?: string[]} | {kind: 'missing'} | {kind: 'unknown'};

/** A path in the pod: a known file or directory, one that does not exist, or one the model does not know. */
export function lookupFile(pod: KubeObject, path: string, cwd = '/'): FileLookup {
	const absolute = resolvePath(path, cwd);
	const node = FILES[absolute];
	if (node?.kind === 'file') return {kind: 'file', text: node.content(pod)};
	if (node?.kind === 'dir') return {kind: 'dir', entries: node.entries};
	// Inside a directory whose whole listing is known, anything else does not exist.
	const parent = absolute.slice(0, absolute.lastIndexOf('/')) || '/';
	const parentNode = FILES[parent];
	if (parentNode?.kind === 'dir' && parentNode.entries && !parentNode.entries.includes(absolute.slice(parent.length + (parent === '/' ? 0 : 1)))) return {kind: 'missing'};
	return {kind: 'unknown'};
}

const NOT_SIMULATED = 'not simulated by the practice cluster';

async function readStdin(io: ProgramIO): Promise<string> {
	if (!io.stdin) return '';
	let text = '';
	for await (const chunk of io.stdin) text += chunk;
	return text;
}

/** Short options as getopt32 takes them: `-abc`, `-n 5`, `-n5`; `--` ends them. */
function options(argv: string[], withValue: string): {flags: Set<string>; values: Record<string, string>; rest: string[]; bad?: string} {
	const flags = new Set<string>();
	const values: Record<string, string> = {};
	const rest: string[] = [];
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index]!;
		if (arg === '--') {
			rest.push(...argv.slice(index + 1));
			break;
		}
		if (!arg.startsWith('-') || arg === '-') {
			rest.push(arg);
			continue;
		}
		for (let position = 1; position < arg.length; position++) {
			const flag = arg[position]!;
			if (withValue.includes(flag)) {
				const value = position + 1 < arg.length ? arg.slice(position + 1) : argv[++index];
				if (value === undefined) return {flags, values, rest, bad: flag};
				values[flag] = value;
				break;
			}
			flags.add(flag);
		}
	}
	return {flags, values, rest};
}

/** Reads each operand (stdin when none or `-`); `report` prints the applet's message for a missing file. */
async function inputs(argv: string[], io: ProgramIO, pod: KubeObject, applet: string, style: 'perror' | 'open'): Promise<{texts: Array<{name: string; text: string}>; status: number}> {
	const texts: Array<{name: string; text: string}> = [];
	let status = 0;
	if (argv.length === 0) return {texts: [{name: '(standard input)', text: await readStdin(io)}], status};
	for (const name of argv) {
		if (name === '-') {
			texts.push({name: '(standard input)', text: await readStdin(io)});
			continue;
		}
		const found = lookupFile(pod, name, io.cwd ?? '/');
		if (found.kind === 'file') texts.push({name, text: found.text});
		else {
			const reason = found.kind === 'dir' ? 'Is a directory' : found.kind === 'missing' ? 'No such file or directory' : `reading this file is ${NOT_SIMULATED}`;
			io.stderr.write(style === 'open' ? `${applet}: can't open '${name}': ${reason}\n` : `${applet}: ${name}: ${reason}\n`);
			status = 1;
		}
	}
	return {texts, status};
}

export const cat: PodProgram = async (argv, io, pod) => {
	const {rest} = options(argv.slice(1), '');
	const {texts, status} = await inputs(rest, io, pod, 'cat', 'open');
	for (const {text} of texts) io.stdout.write(text);
	return status;
};

export const ls: PodProgram = async (argv, io, pod) => {
	const {flags, rest} = options(argv.slice(1), '');
	const unsupported = [...flags].find((flag) => !'1aA'.includes(flag));
	if (unsupported) {
		io.stderr.write(`ls: option -${unsupported} is ${NOT_SIMULATED} (file sizes, owners and times are not modelled); plain ls, -1, -a and -A are\n`);
		return 1;
	}
	const targets = rest.length > 0 ? rest : ['.'];
	let status = 0;
	const blocks: string[] = [];
	for (const target of targets) {
		const found = lookupFile(pod, target, io.cwd ?? '/');
		if (found.kind === 'missing') {
			io.stderr.write(`ls: ${target}: No such file or directory\n`);
			status = 1;
			continue;
		}
		if (found.kind === 'file') {
			blocks.push(`${target}\n`);
			continue;
		}
		if (found.kind === 'unknown' || !found.entries) {
			io.stderr.write(`ls: listing ${resolvePath(target, io.cwd ?? '/')} is ${NOT_SIMULATED}\n`);
			status = 1;
			continue;
		}
		const entries = [...(flags.has('a') ? ['.', '..'] : []), ...found.entries].sort();
		const header = targets.length > 1 ? `${target}:\n` : '';
		// Not a terminal: one name a line (coreutils/ls.c: OPT_1 unless isatty); a terminal gets columns.
		const body = io.tty && !flags.has('1') ? (entries.length > 0 ? `${entries.join('  ')}\n` : '') : entries.map((entry) => `${entry}\n`).join('');
		blocks.push(header + body);
	}
	io.stdout.write(blocks.join(targets.length > 1 ? '\n' : ''));
	return status;
};

/** POSIX BRE (grep without -E) as a JS regex: \( \) \{ \} \| \+ \? are the operators, ( ) { } | + ? literals. */
function breToJs(pattern: string): string {
	let out = '';
	for (let index = 0; index < pattern.length; index++) {
		const char = pattern[index]!;
		if (char === '\\' && index + 1 < pattern.length) {
			const next = pattern[++index]!;
			out += '(){}|+?'.includes(next) ? next : `\\${next}`;
		} else out += '(){}|+?'.includes(char) ? `\\${char}` : char;
	}
	return out;
}

export const grep: PodProgram = async (argv, io, pod) => {
	const parsed = options(argv.slice(1), 'em');
	const unsupported = [...parsed.flags].find((flag) => !'ivcnqEFwlhHos'.includes(flag));
	if (parsed.bad || unsupported) {
		io.stderr.write(unsupported ? `grep: option -${unsupported} is ${NOT_SIMULATED}\n` : `grep: option requires an argument -- ${parsed.bad}\n`);
		return 2;
	}
	const rest = [...parsed.rest];
	const pattern = parsed.values.e ?? rest.shift();
	if (pattern === undefined) {
		io.stderr.write('BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n');
		return 2;
	}
	const flags = parsed.flags;
	let source = flags.has('F') ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : flags.has('E') ? pattern : breToJs(pattern);
	if (flags.has('w')) source = `(?<![A-Za-z0-9_])(?:${source})(?![A-Za-z0-9_])`;
	let regex: RegExp;
	try {
		regex = new RegExp(source, flags.has('i') ? 'i' : '');
	} catch {
		io.stderr.write(`grep: bad regex '${pattern}'\n`);
		return 2;
	}
	const {texts, status: readStatus} = await inputs(rest, io, pod, 'grep', 'perror');
	const prefixNames = flags.has('H') || (rest.length > 1 && !flags.has('h'));
	let matched = false;
	for (const {name, text} of texts) {
		const lines = text.split('\n');
		if (lines.at(-1) === '') lines.pop();
		let count = 0;
		for (const [index, line] of lines.entries()) {
			if (regex.test(line) === flags.has('v')) continue;
			count++;
			matched = true;
			if (flags.has('q')) return 0;
			if (flags.has('c') || flags.has('l')) continue;
			const prefix = `${prefixNames ? `${name}:` : ''}${flags.has('n') ? `${index + 1}:` : ''}`;
			if (flags.has('o') && !flags.has('v')) {
				for (const match of line.matchAll(new RegExp(regex.source, `${regex.flags}g`))) if (match[0] !== '') io.stdout.write(`${prefix}${match[0]}\n`);
			} else io.stdout.write(`${prefix}${line}\n`);
		}
		if (flags.has('c')) io.stdout.write(`${prefixNames ? `${name}:` : ''}${count}\n`);
		if (flags.has('l') && count > 0) io.stdout.write(`${name}\n`);
	}
	if (readStatus !== 0 && !flags.has('s')) return 2;
	return matched ? 0 : 1;
};

/** coreutils/wc.c @1_36_1: counts in the order lines, words, chars (-m), bytes (-c), longest line (-L); one count of one input is printed bare. */
export const wc: PodProgram = async (argv, io, pod) => {
	const parsed = options(argv.slice(1), '');
	const unsupported = [...parsed.flags].find((flag) => !'lwmcL'.includes(flag));
	if (unsupported) {
		io.stderr.write(`wc: invalid option -- '${unsupported}'\nBusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n\nUsage: wc [-cmlwL] [FILE]...\n`);
		return 1;
	}
	const order = ['l', 'w', 'm', 'c', 'L'].filter((flag) => parsed.flags.has(flag));
	const wanted = order.length > 0 ? order : ['l', 'w', 'c'];
	const stdin = parsed.rest.length === 0;
	const {texts, status} = await inputs(parsed.rest, io, pod, 'wc', 'perror');
	const bare = parsed.rest.length <= 1 && wanted.length === 1;
	const totals: Record<string, number> = {l: 0, w: 0, m: 0, c: 0, L: 0};
	const print = (counts: Record<string, number>, name: string) => {
		const cells = wanted.map((flag, index) => (bare && index === 0 ? String(counts[flag]) : `${index === 0 ? '' : ' '}${String(counts[flag]).padStart(9)}`));
		io.stdout.write(`${cells.join('')}${stdin ? '\n' : ` ${name}\n`}`);
	};
	for (const {name, text} of texts) {
		const counts: Record<string, number> = {
			l: (text.match(/\n/g) ?? []).length,
			w: text.split(/\s+/).filter(Boolean).length,
			m: [...text].length,
			c: Buffer.byteLength(text),
			L: Math.max(0, ...text.split('\n').map((line) => [...line].length)),
		};
		for (const flag of Object.keys(totals)) totals[flag] = flag === 'L' ? Math.max(totals[flag]!, counts[flag]!) : totals[flag]! + counts[flag]!;
		print(counts, name);
	}
	if (parsed.rest.length > 1) print(totals, 'total');
	return status;
};

/** coreutils/head.c @1_36_1: -n N (or -N), default 10; "==> name <==" headers for several files. */
export const head: PodProgram = async (argv, io, pod) => {
	const args = argv.slice(1).map((arg) => (/^-\d+$/.test(arg) ? `-n${arg.slice(1)}` : arg));
	const parsed = options(args, 'nc');
	const count = Number(parsed.values.n ?? 10);
	if (!Number.isInteger(count) || count < 0) {
		io.stderr.write(`head: invalid number '${parsed.values.n}'\n`);
		return 1;
	}
	if (parsed.values.c !== undefined || [...parsed.flags].some((flag) => !'qv'.includes(flag))) {
		io.stderr.write(`head: this option is ${NOT_SIMULATED}; -n N is\n`);
		return 1;
	}
	const {texts, status} = await inputs(parsed.rest, io, pod, 'head', 'perror');
	texts.forEach(({name, text}, index) => {
		if (texts.length > 1) io.stdout.write(`${index > 0 ? '\n' : ''}==> ${name} <==\n`);
		const lines = text.split(/(?<=\n)/);
		io.stdout.write(lines.slice(0, count).join(''));
	});
	return status;
};

export const hostname: PodProgram = async (_argv, io, pod) => {
	io.stdout.write(`${pod.metadata.name}\n`);
	return 0;
};

/** env with no arguments: the environment the shell exported (io.env); `env NAME=value cmd` is the shell's job. */
export const env: PodProgram = async (argv, io) => {
	if (argv.length > 1) {
		io.stderr.write(`env: running a command through env is ${NOT_SIMULATED}; run it directly (NAME=value command works in sh)\n`);
		return 1;
	}
	io.stdout.write(Object.entries(io.env).map(([key, value]) => `${key}=${value}\n`).join(''));
	return 0;
};

/**
 * Applets BusyBox has in these images that the practice cluster does not run: refused by name, never "not found"
 * (the real image has them).
 */
export const UNSIMULATED_APPLETS = new Set([
	'awk', 'base64', 'basename', 'cp', 'cut', 'df', 'dirname', 'du', 'expr', 'find', 'free', 'gzip', 'id', 'ip', 'ifconfig', 'kill', 'less', 'ln', 'md5sum', 'mkdir',
	'more', 'mount', 'mv', 'nc', 'netstat', 'printf', 'ps', 'readlink', 'realpath', 'rm', 'route', 'sed', 'seq', 'sha256sum', 'sort', 'stat', 'tail', 'tar', 'tee',
	'test', '[', 'timeout', 'top', 'touch', 'tr', 'traceroute', 'uname', 'uniq', 'uptime', 'vi', 'watch', 'which', 'xargs', 'yes', 'chmod', 'telnet', 'nproc', 'tac', 'od', 'hexdump',
]);
