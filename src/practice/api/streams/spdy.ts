import type {IncomingMessage} from 'node:http';
import type {Duplex} from 'node:stream';
import spdyTransport, {type SpdyConnection, type SpdyStream, type WindowSide} from 'spdy-transport';
import {refuseUpgrade} from './upgrade-errors.js';

export type {SpdyConnection, SpdyStream};

/**
 * The kubelet's and kubectl's SPDY (moby/spdystream) do no flow control: they never send WINDOW_UPDATE. spdy-transport
 * would stop sending once 64 KiB had gone out on the session (every forwarded connection stalls after one large
 * response), so the server's send windows never shrink, as spdystream's do not.
 */
function ignoreSendWindow(side: WindowSide): void {
	const update = side.update.bind(side);
	side.update = (size, callback) => update(Math.max(0, size), callback);
}

/** The protocols a client offers in X-Stream-Protocol-Version, in its order of preference. */
export function offeredStreamProtocols(request: IncomingMessage): string[] {
	const header = request.headers['x-stream-protocol-version'];
	const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
	return values.flatMap(value => value.split(',')).map(value => value.trim()).filter(Boolean);
}

export function isSpdyUpgrade(request: IncomingMessage): boolean {
	return (request.headers.upgrade ?? '').toLowerCase().startsWith('spdy/3.1');
}

/**
 * Switches an upgrade request to SPDY/3.1 with the first of the client's protocols the server
 * speaks (the kubelet's negotiation), or refuses it as the API server does. Streams the client
 * opens are answered and handed to `onStream` with their headers.
 */
export function acceptSpdy(
	request: IncomingMessage,
	socket: Duplex,
	head: Buffer,
	serverProtocols: string[],
	onStream: (stream: SpdyStream, headers: Record<string, string>) => void,
): {connection: SpdyConnection; protocol: string} | undefined {
	const offered = offeredStreamProtocols(request);
	const protocol = offered.find(candidate => serverProtocols.includes(candidate));
	if (!protocol) {
		refuseUpgrade(socket, 403, 'Forbidden',
			`unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(offered)}, server accepts ${JSON.stringify(serverProtocols)}`);
		return undefined;
	}
	socket.write(
		'HTTP/1.1 101 Switching Protocols\r\n'
		+ 'Connection: Upgrade\r\n'
		+ 'Upgrade: SPDY/3.1\r\n'
		+ `X-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
	);
	if (head.length > 0) socket.unshift(head);
	const connection = serveSpdy(socket, onStream);
	return {connection, protocol};
}

/** Runs a SPDY/3.1 server session over any byte stream (a socket, or a WebSocket tunnel). */
export function serveSpdy(socket: Duplex, onStream: (stream: SpdyStream, headers: Record<string, string>) => void): SpdyConnection {
	const connection = spdyTransport.connection.create(socket, {protocol: 'spdy', isServer: true});
	// Kubernetes' raw streams carry no HTTP pseudo-headers, which spdy-transport's parser insists on.
	const parser = connection._spdyState.parser;
	const parseKVs = parser.parseKVs.bind(parser);
	parser.parseKVs = (buffer, callback) => {
		parseKVs(buffer, (error, headers) => {
			if (headers && headers[':method'] === undefined && headers[':status'] === undefined) {
				headers[':method'] = 'POST';
				headers[':path'] = '/';
			}
			callback(error, headers);
		});
	};
	ignoreSendWindow(connection._spdyState.window.send);
	connection.start(3.1);
	connection.on('error', () => socket.destroy());
	socket.on('error', () => connection.destroyStreams());
	connection.on('stream', stream => {
		stream.on('error', () => {});
		ignoreSendWindow(stream._spdyState.window.send);
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(stream.headers)) {
			if (!key.startsWith(':')) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : String(value);
		}
		// The reply is compressed asynchronously; a stream is usable once the client has it.
		stream.respond(200, {}, () => onStream(stream, headers));
	});
	return connection;
}
