// A small busybox-like sh: `sh -c '…'`, scripts on stdin, and the interactive prompt `kubectl exec -it … -- sh` gives.
import type {KubeObject, PodProgram, PracticeContext, ProgramIO} from '../../types.js';

export type ProgramLookup = (name: string, pod: KubeObject) => PodProgram | undefined;

interface ShellState {
	env: Record<string, string>;
	cwd: string;
	status: number;
	exitRequested?: number;
}

/** Splits one command line into words, honouring quotes and expanding $VAR / $?. */
export function splitWords(line: string, state: Pick<ShellState, 'env' | 'status'>): string[] {
	const words: string[] = [];
	let current = '';
	let inWord = false;
	let quote: '"' | "'" | undefined;
	const expand = (text: string, index: number): [string, number] => {
		if (text[index + 1] === '?') return [String(state.status), index + 1];
		const match = /^\$(\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(index));
		if (!match) return ['$', index];
		return [state.env[match[2] ?? match[3] ?? ''] ?? '', index + match[0].length - 1];
	};
	for (let index = 0; index < line.length; index++) {
		const char = line[index]!;
		if (quote === "'") {
			if (char === "'") quote = undefined;
			else current += char;
			continue;
		}
		if (quote === '"') {
			if (char === '"') quote = undefined;
			else if (char === '\\' && index + 1 < line.length && '"\\$'.includes(line[index + 1]!)) current += line[++index];
			else if (char === '$') {
				const [value, end] = expand(line, index);
				current += value;
				index = end;
			} else current += char;
			continue;
		}
		if (char === "'" || char === '"') {
			quote = char;
			inWord = true;
		} else if (char === '\\' && index + 1 < line.length) {
			current += line[++index];
			inWord = true;
		} else if (char === '$') {
			const [value, end] = expand(line, index);
			current += value;
			index = end;
			inWord = true;
		} else if (/\s/.test(char)) {
			if (inWord) words.push(current);
			current = '';
			inWord = false;
		} else {
			current += char;
			inWord = true;
		}
	}
	if (quote) throw new SyntaxError('unterminated quoted string');
	if (inWord) words.push(current);
	return words;
}

/** Splits a line at ;, && and || outside quotes. */
function splitCommands(line: string): Array<{text: string; joiner: ';' | '&&' | '||'}> {
	const parts: Array<{text: string; joiner: ';' | '&&' | '||'}> = [];
	let quote: string | undefined;
	let start = 0;
	let joiner: ';' | '&&' | '||' = ';';
	for (let index = 0; index < line.length; index++) {
		const char = line[index]!;
		if (quote) {
			if (char === quote) quote = undefined;
			continue;
		}
		if (char === '"' || char === "'") quote = char;
		else if (char === '#' && (index === 0 || /\s/.test(line[index - 1]!))) {
			break;
		} else if (char === ';' || (char === '&' && line[index + 1] === '&') || (char === '|' && line[index + 1] === '|')) {
			parts.push({text: line.slice(start, index), joiner});
			joiner = char === ';' ? ';' : char === '&' ? '&&' : '||';
			if (char !== ';') index++;
			start = index + 1;
		}
	}
	const rest = line.slice(start).replace(/(^|\s)#.*$/, '');
	parts.push({text: rest, joiner});
	return parts.filter((part) => part.text.trim() !== '');
}

const FILES: Record<string, (pod: KubeObject) => string> = {
	'/etc/resolv.conf': (pod) => `search ${pod.metadata.namespace ?? 'default'}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.0.0.10\noptions ndots:5\n`,
	'/etc/hostname': (pod) => `${pod.metadata.name}\n`,
	'/etc/hosts': (pod) =>
		`# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${(pod as Record<string, any>).status?.podIP ?? ''}\t${pod.metadata.name}\n`,
};

async function runSimple(words: string[], io: ProgramIO, pod: KubeObject, ctx: PracticeContext, state: ShellState, lookup: ProgramLookup): Promise<number> {
	const [name, ...args] = words;
	if (!name) return state.status;
	switch (name) {
		case 'exit':
			state.exitRequested = args[0] === undefined ? state.status : Number(args[0]) & 255;
			return state.exitRequested;
		case 'echo': {
			const noNewline = args[0] === '-n';
			io.stdout.write(`${(noNewline ? args.slice(1) : args).join(' ')}${noNewline ? '' : '\n'}`);
			return 0;
		}
		case 'true':
		case ':':
			return 0;
		case 'false':
			return 1;
		case 'pwd':
			io.stdout.write(`${state.cwd}\n`);
			return 0;
		case 'cd':
			state.cwd = args[0] ?? '/root';
			return 0;
		case 'export':
			for (const assignment of args) {
				const [key, ...value] = assignment.split('=');
				if (key && value.length > 0) state.env[key] = value.join('=');
			}
			return 0;
		case 'env':
			io.stdout.write(Object.entries(state.env).map(([key, value]) => `${key}=${value}\n`).join(''));
			return 0;
		case 'hostname':
			io.stdout.write(`${pod.metadata.name}\n`);
			return 0;
		case 'whoami':
			io.stdout.write('root\n');
			return 0;
		case 'cat': {
			let status = 0;
			for (const file of args) {
				const content = FILES[file];
				if (content) io.stdout.write(content(pod));
				else {
					io.stderr.write(`cat: can't open '${file}': ${file.startsWith('/') ? 'not simulated in the practice cluster' : 'No such file or directory'}\n`);
					status = 1;
				}
			}
			return status;
		}
		case 'clear':
			io.stdout.write('\x1b[H\x1b[J');
			return 0;
	}
	const program = lookup(name.replace(/^.*\//, ''), pod);
	if (!program) {
		io.stderr.write(`sh: ${name}: not found\n`);
		return 127;
	}
	return program([name.replace(/^.*\//, ''), ...args], io, pod, ctx);
}

/** Runs one line of shell text; returns its status. Pipes and redirections beyond `> /dev/null` are not simulated. */
export async function runLine(line: string, io: ProgramIO, pod: KubeObject, ctx: PracticeContext, state: ShellState, lookup: ProgramLookup): Promise<number> {
	for (const {text, joiner} of splitCommands(line)) {
		if (joiner === '&&' && state.status !== 0) continue;
		if (joiner === '||' && state.status === 0) continue;
		if (/(^|[^|])\|([^|]|$)/.test(text.replace(/(['"]).*?\1/g, ''))) {
			io.stderr.write('sh: pipes are not simulated in the practice cluster; run the command on its own\n');
			state.status = 2;
			continue;
		}
		let words: string[];
		try {
			words = splitWords(text, state);
		} catch {
			io.stderr.write('sh: syntax error: unterminated quoted string\n');
			state.status = 2;
			continue;
		}
		let commandIo = io;
		const redirect = words.findIndex((word) => /^(\d?>|&>)/.test(word));
		if (redirect >= 0) {
			const target = words[redirect]!.replace(/^(\d?>|&>)/, '') || words[redirect + 1];
			const descriptor = words[redirect]!.startsWith('2') ? 'stderr' : words[redirect]!.startsWith('&') ? 'both' : 'stdout';
			words = words.filter((_, index) => index !== redirect && !(index === redirect + 1 && words[redirect]!.replace(/^(\d?>|&>)/, '') === ''));
			if (target !== '/dev/null') {
				io.stderr.write('sh: redirection to files is not simulated in the practice cluster\n');
				state.status = 1;
				continue;
			}
			const discard = {write() {}};
			commandIo = {...io, stdout: descriptor === 'stderr' ? io.stdout : discard, stderr: descriptor === 'stdout' ? io.stderr : discard};
		}
		state.status = await runSimple(words, commandIo, pod, ctx, state, lookup);
		if (state.exitRequested !== undefined) return state.exitRequested;
	}
	return state.status;
}

/** Line-buffered characters from a raw tty, with the ^C of a running command delivered as an abort. */
class TerminalInput {
	private buffer = '';
	private waiter: (() => void) | undefined;
	private closed = false;
	running: AbortController | undefined;

	constructor(stdin: AsyncIterable<string>) {
		void (async () => {
			for await (const chunk of stdin) {
				if (this.running && chunk.includes('\x03')) {
					this.running.abort();
					continue;
				}
				this.buffer += chunk;
				this.waiter?.();
			}
			this.closed = true;
			this.waiter?.();
		})();
	}

	async nextChar(): Promise<string | undefined> {
		while (this.buffer.length === 0) {
			if (this.closed) return undefined;
			await new Promise<void>((resolve) => (this.waiter = resolve));
			this.waiter = undefined;
		}
		const char = this.buffer[0]!;
		this.buffer = this.buffer.slice(1);
		return char;
	}
}

function ttyWriter(target: {write(text: string): void}) {
	return {write: (text: string) => target.write(text.replace(/\r?\n/g, '\r\n'))};
}

export function makeShell(lookup: ProgramLookup): PodProgram {
	return async (argv, io, pod, ctx) => {
		const state: ShellState = {
			env: {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOSTNAME: pod.metadata.name, HOME: '/root', ...io.env},
			cwd: '/',
			status: 0,
		};
		const args = argv.slice(1);
		const commandIndex = args.indexOf('-c');
		if (commandIndex >= 0) {
			const script = args[commandIndex + 1];
			if (script === undefined) {
				io.stderr.write('sh: -c requires an argument\n');
				return 2;
			}
			for (const line of script.split('\n')) {
				const status = await runLine(line, io, pod, ctx, state, lookup);
				if (state.exitRequested !== undefined) return status;
			}
			return state.status;
		}
		if (!io.stdin) return 0;
		if (!io.tty) {
			let pending = '';
			for await (const chunk of io.stdin) {
				pending += chunk;
				let newline: number;
				while ((newline = pending.indexOf('\n')) >= 0) {
					const line = pending.slice(0, newline);
					pending = pending.slice(newline + 1);
					const status = await runLine(line, io, pod, ctx, state, lookup);
					if (state.exitRequested !== undefined) return status;
				}
			}
			if (pending.trim()) await runLine(pending, io, pod, ctx, state, lookup);
			return state.exitRequested ?? state.status;
		}
		const terminal = new TerminalInput(io.stdin);
		const out = ttyWriter(io.stdout);
		const ttyIo = (signal: AbortSignal): ProgramIO => ({...io, stdout: out, stderr: out, signal, stdin: undefined});
		for (;;) {
			out.write(`${state.cwd === '/root' ? '~' : state.cwd} # `);
			let line = '';
			let finished = false;
			while (!finished) {
				const char = await terminal.nextChar();
				if (char === undefined || (char === '\x04' && line === '')) {
					out.write('\n');
					return state.status;
				}
				if (char === '\r' || char === '\n') {
					out.write('\n');
					finished = true;
				} else if (char === '\x7f' || char === '\b') {
					if (line.length > 0) {
						line = line.slice(0, -1);
						out.write('\b \b');
					}
				} else if (char === '\x03') {
					out.write('^C\n');
					line = '';
					finished = true;
					state.status = 130;
				} else if (char === '\x15') {
					out.write('\b \b'.repeat(line.length));
					line = '';
				} else if (char === '\x1b') {
					// Arrow keys and other escape sequences: history is not simulated; swallow the sequence.
					const next = await terminal.nextChar();
					if (next === '[') await terminal.nextChar();
				} else if (char >= ' ') {
					line += char;
					out.write(char);
				}
			}
			if (!line.trim()) continue;
			const controller = new AbortController();
			const forward = () => controller.abort();
			io.signal.addEventListener('abort', forward, {once: true});
			terminal.running = controller;
			try {
				await runLine(line, ttyIo(controller.signal), pod, ctx, state, lookup);
			} finally {
				terminal.running = undefined;
				io.signal.removeEventListener('abort', forward);
			}
			if (controller.signal.aborted && !io.signal.aborted) {
				out.write('^C\n');
				state.status = 130;
			}
			if (state.exitRequested !== undefined) return state.exitRequested;
			if (io.signal.aborted) return 130;
		}
	};
}
