// An HTTPS listener on 127.0.0.1 that answers plain HTTP the way kube-apiserver does, instead of
// leaving the client with a TLS alert it cannot read, and that no local process can hold hostage:
// the first byte, the TLS handshake and the request headers each have a deadline, idle keep-alive
// connections close, and connections that have not (yet) sent an authenticated request are capped,
// the oldest closed first. A connection that has sent one (a watch, exec, logs -f, a port-forward,
// a tool's call) is never counted, so nothing unauthenticated can crowd it out.
import net from 'node:net';
import https from 'node:https';
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';
import {tokenMatches} from './auth.js';

export interface TlsMaterial {
	key: string;
	cert: string;
}

export interface HttpsListener {
	port: number;
	/** Connections that have not sent an authenticated request (for tests and the status). */
	unauthenticated(): number;
	close(): Promise<void>;
}

export interface ListenerLimits {
	/** From the connection (or the end of the last request) until the request's headers are in. */
	headersTimeoutMs: number;
	/** Until the whole request (headers and body) is in; 0: none (the control port streams a tool's stdin in its body). */
	requestTimeoutMs: number;
	/** An idle keep-alive connection closes after this long. */
	keepAliveTimeoutMs: number;
	/** From the connection until the first byte, and then until the TLS handshake is done. */
	handshakeTimeoutMs: number;
	/** Connections that have not sent an authenticated request; beyond it, the oldest of them is closed. */
	maxUnauthenticated: number;
}

export const DEFAULT_LIMITS: ListenerLimits = {
	headersTimeoutMs: 10_000,
	requestTimeoutMs: 60_000,
	keepAliveTimeoutMs: 30_000,
	handshakeTimeoutMs: 10_000,
	maxUnauthenticated: 128,
};

const PLAIN_HTTP_REPLY = 'HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';

export async function listenHttps(options: {
	tls: TlsMaterial;
	port?: number;
	host?: string;
	onRequest: (req: IncomingMessage, res: ServerResponse) => void;
	onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
	/** The daemon's bearer token: a connection whose request carries it stops counting as unauthenticated. */
	token?: string;
	limits?: Partial<ListenerLimits>;
}): Promise<HttpsListener> {
	const limits = {...DEFAULT_LIMITS, ...options.limits};
	/** Raw sockets not yet authenticated, oldest first (a Map keeps insertion order), by their client port. */
	const unauthenticated = new Map<number, net.Socket>();
	const trust = (req: IncomingMessage) => {
		const port = req.socket.remotePort;
		if (port !== undefined && unauthenticated.has(port) && options.token !== undefined && tokenMatches(req.headers.authorization, options.token)) unauthenticated.delete(port);
	};
	const server = https.createServer(
		{
			key: options.tls.key,
			cert: options.tls.cert,
			handshakeTimeout: limits.handshakeTimeoutMs,
			headersTimeout: limits.headersTimeoutMs,
			requestTimeout: limits.requestTimeoutMs,
			keepAliveTimeout: limits.keepAliveTimeoutMs,
			// How often Node looks for connections past headersTimeout/requestTimeout (default 30 s would triple the deadline).
			connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
		},
		(req, res) => {
			trust(req);
			options.onRequest(req, res);
		},
	);
	if (options.onUpgrade) {
		const onUpgrade = options.onUpgrade;
		server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
			trust(req);
			onUpgrade(req, socket, head);
		});
	}
	server.on('tlsClientError', (_error, socket) => socket.destroy());
	// A malformed request, or one past headersTimeout/requestTimeout: answer, then close the connection for real (a
	// half-close alone lets a client that keeps writing hold it open).
	server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
		if (!socket.writable) return socket.destroy();
		const reply = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
		socket.end(`HTTP/1.1 ${reply}\r\nConnection: close\r\n\r\n`, () => socket.destroy());
	});
	const sockets = new Set<net.Socket>();
	const front = net.createServer({pauseOnConnect: true}, (socket) => {
		sockets.add(socket);
		const port = socket.remotePort;
		if (port !== undefined) {
			unauthenticated.set(port, socket);
			while (unauthenticated.size > limits.maxUnauthenticated) {
				const [oldestPort, oldest] = unauthenticated.entries().next().value as [number, net.Socket];
				unauthenticated.delete(oldestPort);
				oldest.destroy();
			}
		}
		const silent = setTimeout(() => socket.destroy(), limits.handshakeTimeoutMs);
		socket.on('close', () => {
			clearTimeout(silent);
			sockets.delete(socket);
			if (port !== undefined && unauthenticated.get(port) === socket) unauthenticated.delete(port);
		});
		socket.on('error', () => socket.destroy());
		socket.once('readable', () => {
			clearTimeout(silent);
			const first: Buffer | null = socket.read(1);
			if (first === null) return;
			socket.unshift(first);
			// 0x16 is a TLS handshake record; anything else is a client speaking plain HTTP (or noise).
			if (first[0] === 0x16) server.emit('connection', socket);
			else socket.end(PLAIN_HTTP_REPLY);
		});
		socket.resume();
		socket.pause();
	});
	// Out of file descriptors (EMFILE) or another accept error: the listener stays up and tries the next one.
	front.on('error', () => undefined);
	await new Promise<void>((resolve, reject) => {
		front.once('error', reject);
		front.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	// The HTTPS server never listens itself (connections are handed to it), and Node starts checking headersTimeout and
	// requestTimeout when a server emits 'listening': without this, a client could take forever to send its headers.
	server.emit('listening');
	const address = front.address() as net.AddressInfo;
	return {
		port: address.port,
		unauthenticated: () => unauthenticated.size,
		close: () =>
			new Promise<void>((resolve) => {
				front.close(() => resolve());
				server.close();
				for (const socket of sockets) socket.destroy();
			}),
	};
}
