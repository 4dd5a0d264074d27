// A small busybox-like sh: `sh -c '…'`, scripts on stdin, and the interactive prompt `kubectl exec -it … -- sh` gives.
import type {KubeObject, PodProgram, PracticeContext, ProgramIO} from '../../types.js';
import {lookupFile, resolvePath, UNSIMULATED_APPLETS} from './busybox.js';

export type ProgramLookup = (name: string, pod: KubeObject) => PodProgram | undefined;

interface ShellState {
	/** Exported variables: the environment of the commands the shell runs. */
	env: Record<string, string>;
	/** Variables set with NAME=value and not exported. */
	vars: Record<string, string>;
	cwd: string;
	status: number;
	exitRequested?: number;
	interactive: boolean;
	line: number;
}

const NOT_SIMULATED = 'not simulated by the practice cluster';

/** A construct the practice shell does not run: the shell says which, and the line fails (status 2). */
class Unsupported extends Error {}

class ShellSyntaxError extends Error {}

type Token = {kind: 'word'; raw: string} | {kind: 'op'; op: string};

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', '{', '}', '!', '[[']);

/** Reads a `$(…)` starting at `index` (the `$`); returns the index of its `)`. */
function skipSubstitution(text: string, index: number): number {
	let depth = 0;
	let quote: string | undefined;
	for (let position = index + 1; position < text.length; position++) {
		const char = text[position]!;
		if (quote) {
			if (char === '\\' && quote === '"') position++;
			else if (char === quote) quote = undefined;
			continue;
		}
		if (char === "'" || char === '"') quote = char;
		else if (char === '\\') position++;
		else if (char === '(') depth++;
		else if (char === ')' && --depth === 0) return position;
	}
	throw new ShellSyntaxError('unterminated $(');
}

/** ash's tokens: words (quotes kept, expanded later) and the operators ; && || | & ( ) and redirections. */
function tokenize(line: string): Token[] {
	const tokens: Token[] = [];
	let index = 0;
	while (index < line.length) {
		const char = line[index]!;
		if (char === ' ' || char === '\t') {
			index++;
			continue;
		}
		if (char === '#') break;
		const three = line.slice(index, index + 3);
		const two = line.slice(index, index + 2);
		if (three === '<<<' || two === '<<') throw new Unsupported('here-documents (<<) are');
		if (['&&', '||', '>>', '>&', '&>'].includes(two)) {
			tokens.push({kind: 'op', op: two});
			index += 2;
			continue;
		}
		if (';|&()<>'.includes(char)) {
			tokens.push({kind: 'op', op: char});
			index++;
			continue;
		}
		let raw = '';
		while (index < line.length) {
			const c = line[index]!;
			if (c === ' ' || c === '\t' || ';|&()<>'.includes(c)) {
				// `2>` is a redirection of fd 2, not a word 2.
				break;
			}
			if (c === "'") {
				const end = line.indexOf("'", index + 1);
				if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
				raw += line.slice(index, end + 1);
				index = end + 1;
			} else if (c === '"') {
				let position = index + 1;
				for (; position < line.length && line[position] !== '"'; position++) {
					if (line[position] === '\\') position++;
					else if (line[position] === '$' && line[position + 1] === '(') position = skipSubstitution(line, position);
					else if (line[position] === '`') {
						const close = line.indexOf('`', position + 1);
						if (close < 0) throw new ShellSyntaxError('unterminated quoted string');
						position = close;
					}
				}
				if (position >= line.length) throw new ShellSyntaxError('unterminated quoted string');
				raw += line.slice(index, position + 1);
				index = position + 1;
			} else if (c === '\\') {
				raw += line.slice(index, index + 2);
				index += 2;
			} else if (c === '$' && line[index + 1] === '(') {
				if (line[index + 2] === '(') throw new Unsupported('arithmetic expansion $((…)) is');
				const end = skipSubstitution(line, index);
				raw += line.slice(index, end + 1);
				index = end + 1;
			} else if (c === '`') {
				const end = line.indexOf('`', index + 1);
				if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
				raw += line.slice(index, end + 1);
				index = end + 1;
			} else {
				raw += c;
				index++;
			}
		}
		if (/^\d$/.test(raw) && (line[index] === '>' || line[index] === '<')) {
			const op = line.slice(index, index + 2) === '>&' ? '>&' : line.slice(index, index + 2) === '>>' ? '>>' : line[index]!;
			tokens.push({kind: 'op', op: `${raw}${op}`});
			index += op.length;
			continue;
		}
		tokens.push({kind: 'word', raw});
	}
	return tokens;
}

interface Redirect {
	fd: number;
	op: '>' | '>>' | '<' | '>&';
	target: string;
}

interface SimpleCommand {
	words: string[];
	redirects: Redirect[];
}

type Pipeline = SimpleCommand[];
type AndOr = Array<{pipeline: Pipeline; joiner: ';' | '&&' | '||'}>;

/** Parses one line into and-or lists of pipelines; control structures and subshells are refused by name. */
function parse(line: string): AndOr {
	const tokens = tokenize(line);
	const list: AndOr = [];
	let joiner: ';' | '&&' | '||' = ';';
	let pipeline: Pipeline = [];
	let command: SimpleCommand = {words: [], redirects: []};
	const endCommand = (op: string) => {
		if (command.words.length === 0 && command.redirects.length === 0) throw new ShellSyntaxError(`unexpected "${op}"`);
		pipeline.push(command);
		command = {words: [], redirects: []};
	};
	for (let index = 0; index < tokens.length; index++) {
		const token = tokens[index]!;
		if (token.kind === 'word') {
			if (command.words.length === 0 && RESERVED.has(token.raw)) throw new Unsupported(`'${token.raw}' (compound commands: if, for, while, case, { … }) is`);
			if (command.words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*\(\)$/.test(token.raw)) throw new Unsupported('defining functions is');
			command.words.push(token.raw);
			continue;
		}
		const op = token.op;
		if (op === '(' || op === ')') throw new Unsupported('subshells ( … ) are');
		if (op === '&') throw new Unsupported('running commands in the background (&) is');
		const redirect = /^(\d?)(>>|>&|>|<|&>)$/.exec(op);
		if (redirect) {
			const next = tokens[++index];
			if (!next || next.kind !== 'word') throw new ShellSyntaxError(`unexpected ${next ? `"${next.op}"` : 'newline'}`);
			if (redirect[2] === '&>') {
				command.redirects.push({fd: 1, op: '>', target: next.raw}, {fd: 2, op: '>&', target: '1'});
				continue;
			}
			const fd = redirect[1] ? Number(redirect[1]) : redirect[2] === '<' ? 0 : 1;
			command.redirects.push({fd, op: redirect[2] as Redirect['op'], target: next.raw});
			continue;
		}
		if (op === '|') {
			endCommand(op);
			continue;
		}
		endCommand(op);
		list.push({pipeline, joiner});
		pipeline = [];
		joiner = op as ';' | '&&' | '||';
	}
	if (command.words.length > 0 || command.redirects.length > 0) pipeline.push(command);
	else if (pipeline.length > 0 || joiner !== ';') throw new ShellSyntaxError('unexpected end of file');
	if (pipeline.length > 0) list.push({pipeline, joiner});
	return list;
}

type Runner = (text: string, io: ProgramIO) => Promise<number>;

function variable(state: ShellState, name: string): string {
	if (name === '?') return String(state.status);
	if (name === '$') return '1';
	if (name === 'PWD') return state.cwd;
	return state.vars[name] ?? state.env[name] ?? '';
}

/** Captures what a command writes to stdout (command substitution, the left side of a pipe). */
function captureIo(io: ProgramIO): {io: ProgramIO; text: () => string} {
	let text = '';
	return {io: {...io, stdout: {write: (chunk: string) => void (text += chunk)}}, text: () => text};
}

/**
 * Expands one word as ash does: quotes removed, $VAR ${VAR} $? $(…) `…` replaced; unquoted expansions split into
 * fields at blanks (IFS). Globs stay literal (the files are not modelled).
 */
async function expandWord(raw: string, state: ShellState, io: ProgramIO, runSub: Runner): Promise<string[]> {
	const fields: string[] = [];
	let current = '';
	let hasContent = false;
	const substitute = async (text: string) => {
		const captured = captureIo(io);
		state.status = await runSub(text, captured.io);
		return captured.text().replace(/\n+$/, '');
	};
	const pushUnquoted = (value: string) => {
		const parts = value.split(/[ \t\n]+/);
		parts.forEach((part, index) => {
			if (index > 0) {
				if (hasContent || current !== '') fields.push(current);
				current = '';
				hasContent = false;
			}
			current += part;
			if (part !== '') hasContent = true;
		});
	};
	const readVariable = (text: string, index: number): [string, number] | undefined => {
		if (text[index + 1] === '{') {
			const end = text.indexOf('}', index);
			const inner = text.slice(index + 2, end);
			if (!/^([A-Za-z_][A-Za-z0-9_]*|[?$#])$/.test(inner)) throw new Unsupported(`the expansion \${${inner}} is`);
			return [variable(state, inner), end];
		}
		const match = /^([A-Za-z_][A-Za-z0-9_]*|[?$])/.exec(text.slice(index + 1));
		if (!match) return undefined;
		return [variable(state, match[1]!), index + match[1]!.length];
	};
	for (let index = 0; index < raw.length; index++) {
		const char = raw[index]!;
		if (char === "'") {
			const end = raw.indexOf("'", index + 1);
			current += raw.slice(index + 1, end);
			hasContent = true;
			index = end;
		} else if (char === '"') {
			hasContent = true;
			for (index++; raw[index] !== '"'; index++) {
				const inner = raw[index]!;
				if (inner === '\\' && '"\\$`'.includes(raw[index + 1] ?? '')) current += raw[++index];
				else if (inner === '$' && raw[index + 1] === '(') {
					const end = skipSubstitution(raw, index);
					current += await substitute(raw.slice(index + 2, end));
					index = end;
				} else if (inner === '`') {
					const end = raw.indexOf('`', index + 1);
					current += await substitute(raw.slice(index + 1, end));
					index = end;
				} else if (inner === '$') {
					const read = readVariable(raw, index);
					if (read) {
						current += read[0];
						index = read[1];
					} else current += '$';
				} else current += inner;
			}
		} else if (char === '\\') {
			current += raw[++index] ?? '';
			hasContent = true;
		} else if (char === '$' && raw[index + 1] === '(') {
			const end = skipSubstitution(raw, index);
			pushUnquoted(await substitute(raw.slice(index + 2, end)));
			index = end;
		} else if (char === '`') {
			const end = raw.indexOf('`', index + 1);
			pushUnquoted(await substitute(raw.slice(index + 1, end)));
			index = end;
		} else if (char === '$') {
			const read = readVariable(raw, index);
			if (read) {
				pushUnquoted(read[0]);
				index = read[1];
			} else {
				current += '$';
				hasContent = true;
			}
		} else {
			current += char;
			hasContent = true;
		}
	}
	if (hasContent || current !== '') fields.push(current);
	return fields;
}

function builtinError(state: ShellState, io: ProgramIO, name: string, message: string): void {
	// ash_vmsg: "sh: NAME: " then "line N: " when not interactive.
	io.stderr.write(`sh: ${name}: ${state.interactive ? '' : `line ${state.line}: `}${message}\n`);
}

const KNOWN_DIRECTORIES = new Set(['/', '/root', '/tmp', '/etc', '/home', '/var', '/usr', '/bin', '/proc', '/var/run/secrets/kubernetes.io/serviceaccount']);

async function runBuiltin(name: string, args: string[], io: ProgramIO, state: ShellState): Promise<number | undefined> {
	switch (name) {
		case 'exit':
			state.exitRequested = args[0] === undefined ? state.status : Number(args[0]) & 255;
			return state.exitRequested;
		case 'echo': {
			let words = args;
			let newline = true;
			let escapes = false;
			while (words[0] && /^-[neE]+$/.test(words[0])) {
				if (words[0].includes('n')) newline = false;
				if (words[0].includes('e')) escapes = true;
				words = words.slice(1);
			}
			let text = words.join(' ');
			if (escapes) text = text.replace(/\\(n|t|\\)/g, (_, code: string) => (code === 'n' ? '\n' : code === 't' ? '\t' : '\\'));
			io.stdout.write(`${text}${newline ? '\n' : ''}`);
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
		case 'cd': {
			const target = args[0] === undefined ? (state.env.HOME ?? '/') : args[0] === '-' ? (state.vars.OLDPWD ?? state.env.OLDPWD ?? state.cwd) : args[0];
			const absolute = resolvePath(target, state.cwd);
			if (!KNOWN_DIRECTORIES.has(absolute)) {
				const found = lookupFile({metadata: {name: ''}} as KubeObject, absolute);
				builtinError(state, io, 'cd', found.kind === 'missing' || found.kind === 'file' ? `can't cd to ${target}: ${found.kind === 'file' ? 'Not a directory' : 'No such file or directory'}` : `can't cd to ${target}: that directory is ${NOT_SIMULATED}`);
				return found.kind === 'missing' || found.kind === 'file' ? 2 : 1;
			}
			state.vars.OLDPWD = state.cwd;
			state.cwd = absolute;
			return 0;
		}
		case 'export':
			for (const assignment of args) {
				const equals = assignment.indexOf('=');
				const key = equals < 0 ? assignment : assignment.slice(0, equals);
				state.env[key] = equals < 0 ? (state.vars[key] ?? state.env[key] ?? '') : assignment.slice(equals + 1);
				delete state.vars[key];
			}
			return 0;
		case 'unset':
			for (const key of args) {
				delete state.vars[key];
				delete state.env[key];
			}
			return 0;
		case 'set':
		case 'read':
		case 'source':
		case '.':
		case 'eval':
		case 'exec':
		case 'trap':
		case 'alias':
		case 'local':
		case 'shift':
		case 'wait':
			throw new Unsupported(`the builtin '${name}' is`);
	}
	return undefined;
}


const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

async function runCommand(command: SimpleCommand, io: ProgramIO, pod: KubeObject, ctx: PracticeContext, state: ShellState, lookup: ProgramLookup, runSub: Runner): Promise<number> {
	// Assignments before the command name: NAME=value.
	const assignments: Array<[string, string]> = [];
	let index = 0;
	for (; index < command.words.length && ASSIGNMENT.test(command.words[index]!); index++) {
		const raw = command.words[index]!;
		const equals = raw.indexOf('=');
		assignments.push([raw.slice(0, equals), (await expandWord(raw.slice(equals + 1), state, io, runSub)).join(' ')]);
	}
	const words: string[] = [];
	for (const raw of command.words.slice(index)) words.push(...(await expandWord(raw, state, io, runSub)));
	// Redirections: /dev/null, the other descriptor, and reading a known file.
	let commandIo = io;
	const discard = {write() {}};
	for (const redirect of command.redirects) {
		const target = (await expandWord(redirect.target, state, io, runSub)).join(' ');
		if (redirect.op === '>&') {
			if (target !== '1' && target !== '2') throw new Unsupported(`redirecting to descriptor ${target} is`);
			const to = target === '1' ? commandIo.stdout : commandIo.stderr;
			commandIo = redirect.fd === 2 ? {...commandIo, stderr: to} : {...commandIo, stdout: to};
		} else if (redirect.op === '<') {
			const found = lookupFile(pod, target, state.cwd);
			if (found.kind !== 'file') {
				io.stderr.write(`sh: can't open ${target}: ${found.kind === 'missing' ? 'no such file' : found.kind === 'dir' ? 'Is a directory' : `reading that file is ${NOT_SIMULATED}`}\n`);
				return found.kind === 'unknown' ? 1 : 2;
			}
			const text = found.text;
			commandIo = {...commandIo, stdin: (async function* () {
				yield text;
			})()};
		} else if (target === '/dev/null') {
			commandIo = redirect.fd === 2 ? {...commandIo, stderr: discard} : {...commandIo, stdout: discard};
		} else {
			io.stderr.write(`sh: can't create ${target}: writing files is ${NOT_SIMULATED}\n`);
			return 1;
		}
	}
	if (words.length === 0) {
		for (const [key, value] of assignments) {
			if (key in state.env) state.env[key] = value;
			else state.vars[key] = value;
		}
		return 0;
	}
	const [name, ...args] = words as [string, ...string[]];
	const builtin = await runBuiltin(name, args, commandIo, state);
	if (builtin !== undefined) return builtin;
	const base = name.replace(/^.*\//, '');
	const program = lookup(base, pod);
	if (!program) {
		if (UNSIMULATED_APPLETS.has(base)) {
			commandIo.stderr.write(`sh: ${name}: ${NOT_SIMULATED} (the image has it; ls, cat, grep, wc, head, env, hostname, sleep, curl, wget, nslookup are simulated)\n`);
			return 127;
		}
		commandIo.stderr.write(`sh: ${name}: not found\n`);
		return 127;
	}
	const env = {...state.env, ...Object.fromEntries(assignments)};
	return program([base, ...args], {...commandIo, env, cwd: state.cwd}, pod, ctx);
}

/** A pipeline: each command's output is the next one's input (run one after the other); the status is the last one's. */
async function runPipeline(pipeline: Pipeline, io: ProgramIO, pod: KubeObject, ctx: PracticeContext, state: ShellState, lookup: ProgramLookup, runSub: Runner): Promise<number> {
	let input: string | undefined;
	let status = 0;
	for (const [position, command] of pipeline.entries()) {
		const last = position === pipeline.length - 1;
		const captured = captureIo(io);
		const text = input;
		const stageIo: ProgramIO = {
			...(last ? io : captured.io),
			...(position > 0 ? {stdin: (async function* () {
				if (text) yield text;
			})()} : {}),
		};
		status = await runCommand(command, stageIo, pod, ctx, state, lookup, runSub);
		if (state.exitRequested !== undefined && pipeline.length === 1) return status;
		state.exitRequested = pipeline.length > 1 ? undefined : state.exitRequested;
		input = captured.text();
	}
	return status;
}

/** Runs one line of shell text; returns its status. */
export async function runLine(line: string, io: ProgramIO, pod: KubeObject, ctx: PracticeContext, state: ShellState, lookup: ProgramLookup): Promise<number> {
	const runSub: Runner = async (text, subIo) => {
		// $(…) runs in a subshell: its variables and exit do not leak out.
		const sub: ShellState = {...state, env: {...state.env}, vars: {...state.vars}, exitRequested: undefined};
		return runLine(text, subIo, pod, ctx, sub, lookup);
	};
	let list: AndOr;
	try {
		list = parse(line);
	} catch (error) {
		if (error instanceof Unsupported) io.stderr.write(`sh: ${error.message} ${NOT_SIMULATED}\n`);
		// Parsing runs with no commandname, so ash_vmsg prints no "line N:" (shell/ash.c @1_36_1).
		else if (error instanceof ShellSyntaxError) io.stderr.write(`sh: syntax error: ${error.message}\n`);
		else throw error;
		state.status = 2;
		return state.status;
	}
	for (const {pipeline, joiner} of list) {
		if (joiner === '&&' && state.status !== 0) continue;
		if (joiner === '||' && state.status === 0) continue;
		try {
			state.status = await runPipeline(pipeline, io, pod, ctx, state, lookup, runSub);
		} catch (error) {
			if (!(error instanceof Unsupported)) throw error;
			io.stderr.write(`sh: ${error.message} ${NOT_SIMULATED}\n`);
			state.status = 2;
		}
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
			vars: {},
			cwd: '/',
			status: 0,
			interactive: io.tty && !argv.slice(1).includes('-c'),
			line: 0,
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
				state.line++;
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
					state.line++;
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
