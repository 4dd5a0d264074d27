// The HTTPS listener against clients that connect and say nothing, stop halfway through their headers, idle on a
// keep-alive connection, or open more connections than they should; with short deadlines so each case takes a
// second, loopback only. An authenticated stream is never cut by any of it.
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {listenHttps, type HttpsListener} from '../../../src/practice/api/listener.js';
import {ensureCredentials, type DaemonCredentials} from '../../../src/practice/daemon/tls.js';

let dir: string;
let credentials: DaemonCredentials;
let listener: HttpsListener;
const limits = {headersTimeoutMs: 1_500, requestTimeoutMs: 5_000, keepAliveTimeoutMs: 500, handshakeTimeoutMs: 700, maxUnauthenticated: 5};

beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-listener-'));
	credentials = await ensureCredentials(dir);
	listener = await listenHttps({
		tls: credentials,
		token: credentials.token,
		limits,
		onRequest: (req, res) => {
			if (req.url === '/stream') {
				// A watch: headers, then an event every 100 ms, never ending by itself.
				res.writeHead(200, {'Content-Type': 'application/json'});
				const timer = setInterval(() => res.write('{"type":"BOOKMARK"}\n'), 100);
				res.on('close', () => clearInterval(timer));
				return;
			}
			res.writeHead(200, {'Content-Type': 'text/plain'});
			res.end('ok');
		},
	});
});
afterAll(async () => {
	await listener?.close();
	fs.rmSync(dir, {recursive: true, force: true});
});

/** Milliseconds until the server closes the socket (bounded: gives up after `maxMs`). */
function closedAfter(socket: net.Socket, maxMs: number): Promise<number> {
	const started = Date.now();
	return new Promise((resolve) => {
		const giveUp = setTimeout(() => {
			socket.destroy();
			resolve(Infinity);
		}, maxMs);
		socket.on('error', () => undefined);
		socket.on('close', () => {
			clearTimeout(giveUp);
			resolve(Date.now() - started);
		});
		socket.resume();
	});
}

const connectTls = () =>
	new Promise<tls.TLSSocket>((resolve, reject) => {
		const socket = tls.connect({host: '127.0.0.1', port: listener.port, ca: credentials.caPem, servername: 'localhost'}, () => resolve(socket));
		socket.on('error', reject);
	});

describe('https listener', () => {
	it('closes a connection that never sends a byte', async () => {
		const socket = net.connect(listener.port, '127.0.0.1');
		expect(await closedAfter(socket, 5_000)).toBeLessThan(2_500);
	});

	it('closes a connection whose headers do not arrive in time, however slowly they trickle in', async () => {
		const socket = await connectTls();
		socket.write('GET /slow HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
		// One byte every 100 ms, at most 60 of them (each byte keeps the socket busy): the deadline must cut it first.
		let sent = 0;
		const drip = setInterval(() => {
			if (sent++ >= 60 || socket.destroyed) clearInterval(drip);
			else socket.write('a');
		}, 100);
		let answer = '';
		socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
		const ms = await closedAfter(socket, 8_000);
		clearInterval(drip);
		expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
		expect(ms).toBeGreaterThanOrEqual(1_400);
		expect(ms).toBeLessThan(3_500);
	});

	it('closes an idle keep-alive connection after its answer', async () => {
		// A raw TLS client: an HTTP agent would close the socket itself on the server's `Keep-Alive: timeout=0` hint.
		const socket = await connectTls();
		let text = '';
		socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
		socket.write(`GET / HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\nAuthorization: Bearer ${credentials.token}\r\n\r\n`);
		const ms = await closedAfter(socket, 5_000);
		expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Connection: keep-alive/);
		expect(ms).toBeGreaterThanOrEqual(400);
		expect(ms).toBeLessThan(2_500);
	});

	it('caps connections without an authenticated request, closing the oldest, and never an authenticated stream', async () => {
		const chunks: string[] = [];
		const stream = https.get({host: '127.0.0.1', port: listener.port, path: '/stream', ca: credentials.caPem, servername: 'localhost', headers: {Authorization: `Bearer ${credentials.token}`}, agent: false});
		const response = await new Promise<import('node:http').IncomingMessage>((resolve) => stream.on('response', resolve));
		response.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
		let streamClosed = false;
		response.on('close', () => (streamClosed = true));

		const idle = Array.from({length: 12}, () => net.connect(listener.port, '127.0.0.1'));
		const closes = idle.map((socket) => closedAfter(socket, 5_000));
		await new Promise((resolve) => setTimeout(resolve, 300));
		// 12 silent sockets, room for 5: the 7 oldest are gone at once, the newest 5 wait for their deadline.
		expect(listener.unauthenticated()).toBe(5);
		const times = await Promise.all(closes);
		expect(times.slice(0, 7).every((ms) => ms < 300)).toBe(true);
		expect(times.slice(7).every((ms) => ms >= 500 && ms < 2_500)).toBe(true);
		const before = chunks.length;
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(streamClosed).toBe(false);
		expect(chunks.length).toBeGreaterThan(before);
		stream.destroy();
	});
});
