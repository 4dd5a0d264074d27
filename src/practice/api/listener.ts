// An HTTPS listener on 127.0.0.1 that answers plain HTTP the way kube-apiserver does, instead of
// leaving the client with a TLS alert it cannot read.
import net from 'node:net';
import https from 'node:https';
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';

export interface TlsMaterial {
	key: string;
	cert: string;
}

export interface HttpsListener {
	port: number;
	close(): Promise<void>;
}

const PLAIN_HTTP_REPLY = 'HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';

export async function listenHttps(options: {
	tls: TlsMaterial;
	port?: number;
	host?: string;
	onRequest: (req: IncomingMessage, res: ServerResponse) => void;
	onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}): Promise<HttpsListener> {
	const server = https.createServer({key: options.tls.key, cert: options.tls.cert, requestTimeout: 0, keepAliveTimeout: 30_000}, options.onRequest);
	if (options.onUpgrade) server.on('upgrade', options.onUpgrade);
	server.on('tlsClientError', (_error, socket) => socket.destroy());
	server.on('clientError', (_error, socket) => {
		if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
		else socket.destroy();
	});
	const sockets = new Set<net.Socket>();
	const front = net.createServer({pauseOnConnect: true}, (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
		socket.once('readable', () => {
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
	await new Promise<void>((resolve, reject) => {
		front.once('error', reject);
		front.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const address = front.address() as net.AddressInfo;
	return {
		port: address.port,
		close: () =>
			new Promise<void>((resolve) => {
				front.close(() => resolve());
				server.close();
				for (const socket of sockets) socket.destroy();
			}),
	};
}
