// The WebSocket channel protocol byte by byte (what client-node and other clients rely on), and
// the pure pieces: the terminal's canonical mode and sleep's durations.
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import WebSocket from 'ws';
import {ByteQueue, cookedTerminalInput} from '../../../src/practice/api/streams/exec.js';
import {parseSleepDuration} from '../../../src/practice/datapath/programs/builtins.js';
import {findPodProgram} from '../../../src/practice/datapath/programs/index.js';
import type {PodProgram} from '../../../src/practice/types.js';
import {fixedContext, podObject, startTestApiServer, token, type TestApiServer} from './harness.js';

/** A program no image has: it waits for one resize of the terminal and reports it on stderr. */
const reportSize: PodProgram = async (_argv, io) => {
	await new Promise<void>(resolve => io.onResize?.(size => {
		io.stderr.write(`size ${size.cols}x${size.rows}\n`);
		resolve();
	}));
	return 0;
};

let server: TestApiServer;

beforeAll(async () => {
	server = await startTestApiServer(fixedContext([podObject('client')]), {
		findProgram: (command, pod) => (command === 'report-size' ? reportSize : findPodProgram(command, pod)),
	});
});

afterAll(async () => {
	await server?.close();
});

interface Frame {
	channel: number;
	data: string;
}

function execSocket(protocol: string, query: string): Promise<{frames: Frame[]; socket: WebSocket; closed: Promise<void>}> {
	const url = `${server.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/client/exec?${query}`;
	const socket = new WebSocket(url, [protocol], {headers: {Authorization: `Bearer ${token}`}, rejectUnauthorized: false});
	const frames: Frame[] = [];
	socket.on('message', (message: Buffer, isBinary: boolean) => {
		if (!isBinary) frames.push({channel: message[0]! - 0x30, data: Buffer.from(message.subarray(1).toString(), 'base64').toString()});
		else frames.push({channel: message[0]!, data: message.subarray(1).toString()});
	});
	const closed = new Promise<void>(resolve => socket.on('close', () => resolve()));
	return new Promise((resolve, reject) => {
		socket.on('open', () => resolve({frames, socket, closed}));
		socket.on('error', reject);
	});
}

describe('WebSocket channel protocol', () => {
	test('v5: stdout on channel 1, stderr on 2, the exit Status on 3, stdin closed with channel 255', async () => {
		const {frames, socket, closed} = await execSocket('v5.channel.k8s.io', 'command=cat&stdin=true&stdout=true&stderr=true');
		expect(socket.protocol).toBe('v5.channel.k8s.io');
		socket.send(Buffer.concat([Buffer.from([0]), Buffer.from('piped\n')]));
		socket.send(Buffer.from([255, 0]));
		await closed;
		expect(frames.filter(frame => frame.channel === 1).map(frame => frame.data).join('')).toBe('piped\n');
		expect(JSON.parse(frames.find(frame => frame.channel === 3)!.data)).toEqual({metadata: {}, status: 'Success'});
	});

	test('no frame in the first moment after the upgrade: kubectl 1.30–1.33 drops frames that beat its stream setup (client-go remotecommand/websocket.go before readyChan)', async () => {
		const {frames, closed} = await execSocket('v5.channel.k8s.io', 'command=echo&command=early&stdout=true&stderr=true');
		const upgradedAt = Date.now();
		while (frames.length === 0) await new Promise(resolve => setTimeout(resolve, 2));
		expect(Date.now() - upgradedAt).toBeGreaterThanOrEqual(40);
		await closed;
		expect(frames.filter(frame => frame.channel === 1).map(frame => frame.data).join('')).toBe('early\n');
	});

	test('base64: a digit then base64 text, and a non-zero exit as NonZeroExitCode with its ExitCode cause', async () => {
		const {frames, socket, closed} = await execSocket('v4.base64.channel.k8s.io', 'command=frobnicate&stdout=true&stderr=true');
		expect(socket.protocol).toBe('v4.base64.channel.k8s.io');
		await closed;
		expect(frames.filter(frame => frame.channel === 2).map(frame => frame.data).join('')).toBe('sh: frobnicate: command not simulated in the practice cluster\n');
		expect(JSON.parse(frames.find(frame => frame.channel === 3)!.data)).toMatchObject({
			status: 'Failure',
			reason: 'NonZeroExitCode',
			details: {causes: [{reason: 'ExitCode', message: '127'}]},
		});
	});

	test('a TTY merges stderr into stdout with CRLF and passes resizes on channel 4 to the program', async () => {
		const {frames, socket, closed} = await execSocket('v5.channel.k8s.io', 'command=report-size&stdin=true&stdout=true&tty=true');
		socket.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({Width: 120, Height: 40}))]));
		await closed;
		expect(frames.filter(frame => frame.channel === 1).map(frame => frame.data).join('')).toBe('size 120x40\r\n');
		expect(frames.some(frame => frame.channel === 2)).toBe(false);
	});
});

describe('terminal canonical mode', () => {
	async function typed(...chunks: string[]) {
		const queue = new ByteQueue();
		for (const chunk of chunks) queue.push(Buffer.from(chunk));
		queue.end();
		let echoed = '';
		let interrupted = false;
		const lines: string[] = [];
		for await (const line of cookedTerminalInput(queue, text => (echoed += text), () => (interrupted = true))) lines.push(line);
		return {lines, echoed, interrupted};
	}

	test('echoes, edits with backspace, hands over whole lines and skips escape sequences', async () => {
		const result = await typed('helo', '\u007F', 'lo\u001B[A\r', 'next\r');
		expect(result.lines).toEqual(['hello\n', 'next\n']);
		expect(result.echoed).toBe('helo\b \blo\r\nnext\r\n');
	});

	test('Ctrl-D on an empty line ends input; Ctrl-C interrupts', async () => {
		expect((await typed('done\r', '\u0004', 'ignored\r')).lines).toEqual(['done\n']);
		expect((await typed('\u0003')).interrupted).toBe(true);
	});
});

test('sleep durations as busybox reads them', () => {
	expect(parseSleepDuration('5')).toBe(5);
	expect(parseSleepDuration('1.5')).toBe(1.5);
	expect(parseSleepDuration('365d')).toBe(365 * 86_400);
	expect(parseSleepDuration('2m')).toBe(120);
	expect(parseSleepDuration('infinity')).toBe(Number.POSITIVE_INFINITY);
	expect(parseSleepDuration('soon')).toBeUndefined();
	expect(parseSleepDuration(undefined)).toBeUndefined();
});
