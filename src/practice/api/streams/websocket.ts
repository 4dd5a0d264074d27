import type {IncomingMessage} from 'node:http';
import type {Duplex} from 'node:stream';
import {WebSocketServer, type WebSocket} from 'ws';

/** Kubernetes' WebSocket channel protocols, most capable first (the API server's preference). */
export const channelProtocols = [
	'v5.channel.k8s.io',
	'v4.channel.k8s.io',
	'v4.base64.channel.k8s.io',
	'channel.k8s.io',
	'base64.channel.k8s.io',
];

export function isWebSocketUpgrade(request: IncomingMessage): boolean {
	return (request.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

const servers = new Map<string, WebSocketServer>();

function serverFor(protocols: string[]): WebSocketServer {
	const key = protocols.join(',');
	let server = servers.get(key);
	if (!server) {
		server = new WebSocketServer({
			noServer: true,
			perMessageDeflate: false,
			handleProtocols: offered => protocols.find(protocol => offered.has(protocol)) ?? false,
		});
		servers.set(key, server);
	}
	return server;
}

/** Upgrades to a WebSocket speaking one of `protocols` (a client offering none gets no subprotocol). */
export function acceptWebSocket(
	request: IncomingMessage,
	socket: Duplex,
	head: Buffer,
	protocols: string[],
): Promise<WebSocket> {
	return new Promise(resolve => {
		serverFor(protocols).handleUpgrade(request, socket, head, resolve);
	});
}

/** Framing of the channel protocols: one channel byte then data, or a digit then base64 for the base64 forms. */
export class ChannelSocket {
	readonly base64: boolean;
	readonly supportsStreamClose: boolean;

	constructor(readonly socket: WebSocket) {
		this.base64 = socket.protocol.includes('base64');
		this.supportsStreamClose = socket.protocol.startsWith('v5.');
	}

	send(channel: number, data: Buffer | string): void {
		if (this.socket.readyState !== this.socket.OPEN) return;
		const bytes = typeof data === 'string' ? Buffer.from(data) : data;
		if (this.base64) this.socket.send(String(channel) + bytes.toString('base64'));
		else this.socket.send(Buffer.concat([Buffer.from([channel]), bytes]));
	}

	onMessage(listener: (channel: number, data: Buffer) => void): void {
		this.socket.on('message', (message: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
			const bytes = Buffer.isBuffer(message) ? message : Array.isArray(message) ? Buffer.concat(message) : Buffer.from(message);
			if (bytes.length === 0) return;
			if (this.base64 && !isBinary) {
				const channel = bytes[0]! - 0x30;
				listener(channel, Buffer.from(bytes.subarray(1).toString(), 'base64'));
				return;
			}
			listener(bytes[0]!, bytes.subarray(1));
		});
	}

	close(): Promise<void> {
		return new Promise(resolve => {
			if (this.socket.readyState === this.socket.CLOSED) {
				resolve();
				return;
			}
			this.socket.once('close', () => resolve());
			this.socket.close(1000);
			// A client that never answers the close handshake does not hold the stream open.
			setTimeout(() => {
				this.socket.terminate();
				resolve();
			}, 2000).unref();
		});
	}
}

/** The channel byte v5 uses to say "this channel of mine is closed" (stdin's EOF). */
export const streamCloseChannel = 255;
