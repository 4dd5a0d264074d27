import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {handleToolRequest} from '../../../src/practice/bin/rpc-server.js';
import type {HostTool, PracticeContext} from '../../../src/practice/types.js';
import {createHarness} from './harness.js';

let server: http.Server | undefined;
afterEach(() => server?.close());

async function serve(tools: Record<string, HostTool>, ctx: PracticeContext): Promise<number> {
	server = http.createServer((req, res) => void handleToolRequest(req, res, ctx, tools));
	await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve));
	return (server.address() as AddressInfo).port;
}

function call(port: number, start: object, onFrame: (frame: Record<string, unknown>, request: http.ClientRequest) => void): Promise<Array<Record<string, unknown>>> {
	return new Promise((resolve, reject) => {
		const frames: Array<Record<string, unknown>> = [];
		const request = http.request({host: '127.0.0.1', port, method: 'POST', path: '/practice/v1/tools/run'});
		request.on('error', reject);
		request.on('response', response => {
			let buffer = '';
			response.setEncoding('utf8');
			response.on('data', chunk => {
				buffer += chunk;
				for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
					const frame = JSON.parse(buffer.slice(0, newline));
					buffer = buffer.slice(newline + 1);
					frames.push(frame);
					onFrame(frame, request);
				}
			});
			response.on('end', () => resolve(frames));
			response.on('error', reject);
		});
		request.write(`${JSON.stringify(start)}\n`);
	});
}

describe('the tool RPC protocol', () => {
	it('streams output, forwards stdin only when the tool reads it, and ends with the exit code', async () => {
		const echo: HostTool = async (argv, io) => {
			io.stdout.write(`args: ${argv.join(' ')}\n`);
			let text = '';
			for await (const chunk of io.stdin!) text += chunk;
			io.stderr.write(`read: ${text}`);
			return 7;
		};
		const port = await serve({echo}, createHarness().ctx);
		const frames = await call(port, {tool: 'echo', argv: ['a', 'b'], env: {}, tty: false}, (frame, request) => {
			if (frame.readStdin) request.end(`${JSON.stringify({stdin: 'hello\n'})}\n${JSON.stringify({stdinEnd: true})}\n`);
		});
		expect(frames).toEqual([{stdout: 'args: a b\n'}, {readStdin: true}, {stderr: 'read: hello\n'}, {exit: 7}]);
	});

	it('aborts the tool when the client goes away', async () => {
		let aborted = false;
		const wait: HostTool = async (_argv, io) => {
			io.stdout.write('waiting\n');
			await new Promise<void>(resolve => io.signal.addEventListener('abort', () => resolve()));
			aborted = true;
			return 130;
		};
		const port = await serve({wait}, createHarness().ctx);
		await call(port, {tool: 'wait', argv: [], env: {}, tty: false}, (frame, request) => {
			if (frame.stdout) request.destroy();
		}).catch(() => undefined);
		await expect.poll(() => aborted).toBe(true);
	});

	it('refuses a malformed first frame and names an unknown tool', async () => {
		const port = await serve({}, createHarness().ctx);
		const frames = await call(port, {tool: 'kubectl', argv: [], env: {}, tty: false}, () => undefined);
		expect(frames).toEqual([{stderr: 'kubectl: not simulated by the cilium-lab practice cluster\n'}, {exit: 127}]);
		const status = await new Promise<number>(resolve => {
			const request = http.request({host: '127.0.0.1', port, method: 'POST', path: '/practice/v1/tools/run'}, response => resolve(response.statusCode!));
			request.end('{not json\n');
		});
		expect(status).toBe(400);
	});
});
