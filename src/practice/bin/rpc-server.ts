// The daemon's side of the simulated tools. The shims on PATH (az, helm, cilium, hubble) run
// `node dist/practice-tool.js <tool> args…`, which opens one full-duplex HTTPS request to the
// daemon's control port:
//
//   POST /practice/v1/tools/run            Authorization: Bearer <token> (checked by the daemon)
//   request body, NDJSON frames:           {"tool":"az","argv":[…],"env":{…},"cwd":"/…","tty":false,"columns":80}
//                                          then, only after the server asked: {"stdin":"text"}… {"stdinEnd":true}
//   response 200, NDJSON frames:           {"stdout":"…"} {"stderr":"…"} {"readStdin":true} … and last {"exit":N}
//
// The tool's output streams live. Ctrl-C or SIGTERM in the shim closes the request; the server
// sees the connection close and aborts the tool's signal. stdin is read by the shim only when the
// tool first reads it, so a tool that never reads stdin does not swallow what the user types.
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {HostTool, PracticeContext, ProgramIO} from '../types.js';
import {hostTools} from '../cloud/tools.js';
import {ensureCiliumOperatorSimulation} from '../cloud/operator.js';

export const toolsPathPrefix = '/practice/v1/tools/';

export interface ToolRequestFrame {
	tool: string;
	argv: string[];
	env: Record<string, string>;
	cwd?: string;
	tty: boolean;
	columns?: number;
}

export type ToolResponseFrame = {stdout: string} | {stderr: string} | {readStdin: true} | {exit: number};

const maxFirstFrameBytes = 1024 * 1024;

/** A queue that turns pushed stdin chunks into the AsyncIterable a tool reads. */
class StdinQueue implements AsyncIterable<string> {
	private chunks: string[] = [];
	private ended = false;
	private wake: (() => void) | undefined;
	constructor(private readonly onFirstRead: () => void) {}
	push(chunk: string): void {
		this.chunks.push(chunk);
		this.wake?.();
	}
	end(): void {
		this.ended = true;
		this.wake?.();
	}
	async *[Symbol.asyncIterator](): AsyncIterator<string> {
		this.onFirstRead();
		for (;;) {
			const chunk = this.chunks.shift();
			if (chunk !== undefined) {
				yield chunk;
				continue;
			}
			if (this.ended) return;
			await new Promise<void>(resolve => (this.wake = resolve));
			this.wake = undefined;
		}
	}
}

/** Splits a byte stream into NDJSON frames. */
async function* readFrames(request: IncomingMessage): AsyncGenerator<Record<string, unknown>> {
	let buffer = '';
	request.setEncoding('utf8');
	for await (const chunk of request as AsyncIterable<string>) {
		buffer += chunk;
		if (buffer.length > maxFirstFrameBytes && !buffer.includes('\n')) throw new Error('frame too large');
		let newline: number;
		while ((newline = buffer.indexOf('\n')) >= 0) {
			const line = buffer.slice(0, newline);
			buffer = buffer.slice(newline + 1);
			if (line.trim() !== '') yield JSON.parse(line) as Record<string, unknown>;
		}
	}
	if (buffer.trim() !== '') yield JSON.parse(buffer) as Record<string, unknown>;
}

function isStartFrame(frame: Record<string, unknown>): frame is Record<string, unknown> & ToolRequestFrame {
	return (
		typeof frame.tool === 'string' &&
		Array.isArray(frame.argv) &&
		frame.argv.every(arg => typeof arg === 'string') &&
		typeof frame.env === 'object' &&
		frame.env !== null
	);
}

function badRequest(response: ServerResponse, message: string): void {
	response.writeHead(400, {'content-type': 'application/json'});
	response.end(JSON.stringify({error: message}));
}

/**
 * Handles `POST /practice/v1/tools/run` (the daemon has already checked the token). Resolves when
 * the tool has finished or the client went away.
 */
export async function handleToolRequest(
	request: IncomingMessage,
	response: ServerResponse,
	ctx: PracticeContext,
	tools: Record<string, HostTool> = hostTools,
): Promise<void> {
	const url = new URL(request.url ?? '/', 'https://localhost');
	if (url.pathname !== `${toolsPathPrefix}run`) {
		response.writeHead(404, {'content-type': 'application/json'});
		response.end(JSON.stringify({error: `no such tools endpoint: ${url.pathname}`}));
		return;
	}
	if (request.method !== 'POST') {
		response.writeHead(405, {allow: 'POST', 'content-type': 'application/json'});
		response.end(JSON.stringify({error: 'use POST'}));
		return;
	}
	// The operator's CRD registration watches the store from the first tool call on (idempotent).
	ensureCiliumOperatorSimulation(ctx);
	const frames = readFrames(request);
	let start: ToolRequestFrame;
	try {
		const first = await frames.next();
		if (first.done || !isStartFrame(first.value)) {
			badRequest(response, 'the first frame must be {"tool","argv","env","cwd","tty"}');
			return;
		}
		start = first.value;
	} catch (error) {
		badRequest(response, `malformed frame: ${(error as Error).message}`);
		return;
	}

	const abort = new AbortController();
	let finished = false;
	response.on('close', () => {
		if (!finished) abort.abort(new Error('the tool was interrupted'));
	});
	response.writeHead(200, {'content-type': 'application/x-ndjson', 'cache-control': 'no-store'});
	response.flushHeaders();
	const send = (frame: ToolResponseFrame) => {
		if (!response.writableEnded && !response.destroyed) response.write(`${JSON.stringify(frame)}\n`);
	};

	const stdin = new StdinQueue(() => send({readStdin: true}));
	void (async () => {
		try {
			for await (const frame of frames) {
				if (typeof frame.stdin === 'string') stdin.push(frame.stdin);
				if (frame.stdinEnd === true) stdin.end();
			}
		} catch {
			// A malformed stdin frame or a dropped connection ends stdin.
		}
		stdin.end();
	})();

	const env = Object.fromEntries(Object.entries(start.env).filter(([, value]) => typeof value === 'string')) as Record<string, string>;
	const io: ProgramIO = {
		stdout: {write: text => send({stdout: text})},
		stderr: {write: text => send({stderr: text})},
		stdin,
		tty: start.tty === true,
		signal: abort.signal,
		env: start.columns ? {...env, COLUMNS: env.COLUMNS ?? String(start.columns)} : env,
		cwd: typeof start.cwd === 'string' ? start.cwd : undefined,
	};
	const tool = tools[start.tool];
	let exitCode: number;
	if (!tool) {
		io.stderr.write(`${start.tool}: not simulated by the cilium-lab practice cluster\n`);
		exitCode = 127;
	} else {
		try {
			exitCode = await tool(start.argv, io, ctx);
		} catch (error) {
			if (abort.signal.aborted) exitCode = 130;
			else {
				io.stderr.write(`${start.tool}: internal error in the practice cluster: ${(error as Error).message}\n`);
				exitCode = 1;
			}
		}
	}
	finished = true;
	send({exit: exitCode});
	response.end();
}
