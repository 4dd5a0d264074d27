import {Duplex} from 'node:stream';
import type {IncomingMessage} from 'node:http';
import {WebSocketServer, createWebSocketStream, type WebSocket} from 'ws';
import type {KubeObject, PracticeContext} from '../../types.js';
import type {PodUpgradeRequest} from './exec-handlers.js';
import {findPodServer, serveForwardedConnection} from './pod-servers.js';
import {acceptSpdy, isSpdyUpgrade, serveSpdy, type SpdyStream} from './spdy.js';
import {refuseUpgrade} from './upgrade-errors.js';
import {ChannelSocket, acceptWebSocket, isWebSocketUpgrade} from './websocket.js';

export const portForwardProtocol = 'portforward.k8s.io';
/** kubectl 1.31+ tunnels the same SPDY session through a WebSocket with this subprotocol. */
export const tunneledPortForwardProtocol = 'SPDY/3.1+portforward.k8s.io';

/** What the kubelet (through containerd) reports when nothing listens on the port inside the pod. */
export function connectionRefusedMessage(pod: KubeObject, port: number): string {
	const uid = pod.metadata.uid ?? '';
	const sandbox = uid.replace(/-/g, '').padEnd(64, '0').slice(0, 64);
	return `error forwarding port ${port} to pod ${sandbox}, uid : failed to execute portforward in network namespace "/var/run/netns/cni-${uid}": `
		+ `failed to connect to localhost:${port} inside namespace "${sandbox}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused `
		+ `IPv6 dial tcp6 [::1]:${port}: connect: connection refused `;
}

/** `pods/{name}/portforward`: SPDY/3.1, SPDY tunneled in a WebSocket, or the WebSocket channel form. */
export async function handlePodPortForward(upgrade: PodUpgradeRequest): Promise<void> {
	const {request, socket, head, pod, query, ctx} = upgrade;
	const phase = (pod.status as {phase?: string} | undefined)?.phase;
	if (phase !== 'Running') {
		refuseUpgrade(socket, 400, 'BadRequest', `unable to do port forwarding: pod ${pod.metadata.name} is not running (phase ${phase ?? 'Unknown'})`);
		return;
	}
	if (isSpdyUpgrade(request)) {
		acceptSpdy(request, socket, head, [portForwardProtocol], spdyPairing(pod, ctx));
		return;
	}
	if (!isWebSocketUpgrade(request)) {
		refuseUpgrade(socket, 400, 'BadRequest', 'Upgrade request required');
		return;
	}
	const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map(value => value.trim());
	if (offered.includes(tunneledPortForwardProtocol)) {
		const webSocket = await acceptTunnel(request, socket, head);
		const tunnel = createWebSocketStream(webSocket);
		tunnel.on('error', () => webSocket.terminate());
		serveSpdy(tunnel, spdyPairing(pod, ctx));
		return;
	}
	await channelPortForward(upgrade, query.getAll('ports').flatMap(value => value.split(',')).map(Number));
}

// ws refuses "SPDY/3.1+portforward.k8s.io" as a subprotocol ("/" is not a token character), so the
// tunnel server takes the upgrade without it and names it in the reply itself, as the API server does.
const tunnelServer = new WebSocketServer({noServer: true, perMessageDeflate: false});
tunnelServer.on('headers', headers => headers.push(`Sec-WebSocket-Protocol: ${tunneledPortForwardProtocol}`));

function acceptTunnel(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<WebSocket> {
	delete request.headers['sec-websocket-protocol'];
	return new Promise(resolve => tunnelServer.handleUpgrade(request, socket, head, resolve));
}

/** Pairs each forwarded connection's `error` and `data` streams by requestid, then serves it. */
function spdyPairing(pod: KubeObject, ctx: PracticeContext) {
	const pending = new Map<string, {error?: SpdyStream; data?: SpdyStream; port: number}>();
	return (stream: SpdyStream, headers: Record<string, string>) => {
		const port = Number(headers.port);
		const requestId = headers.requestid ?? headers.port ?? '';
		const pair = pending.get(requestId) ?? {port};
		if (headers.streamtype === 'error') pair.error = stream;
		else if (headers.streamtype === 'data') pair.data = stream;
		else {
			stream.abort();
			return;
		}
		pending.set(requestId, pair);
		if (!pair.error || !pair.data) return;
		pending.delete(requestId);
		void forwardPair(pod, ctx, pair.port, pair.data, pair.error);
	};
}

async function forwardPair(pod: KubeObject, ctx: PracticeContext, port: number, data: SpdyStream, error: SpdyStream): Promise<void> {
	error.resume();
	const handler = Number.isInteger(port) && port > 0 ? findPodServer(pod, port) : undefined;
	if (!handler) {
		const message = Number.isInteger(port) && port > 0 ? connectionRefusedMessage(pod, port) : `invalid port ${JSON.stringify(String(port))}`;
		error.end(message);
		data.end();
		return;
	}
	await serveForwardedConnection(data, handler, pod, ctx);
	if (!data.writableEnded) data.end();
	if (!error.writableEnded) error.end();
}

/**
 * The WebSocket channel form (client-node's PortForward, and kubelets reached with `?ports=`):
 * port i uses channel 2i for data and 2i+1 for errors, and each channel starts with its port
 * number in two little-endian bytes.
 */
async function channelPortForward(upgrade: PodUpgradeRequest, ports: number[]): Promise<void> {
	const {request, socket, head, pod, ctx} = upgrade;
	if (ports.length === 0 || ports.some(port => !Number.isInteger(port) || port <= 0 || port > 65_535)) {
		refuseUpgrade(socket, 400, 'BadRequest', 'query parameter "port" is required');
		return;
	}
	const channels = new ChannelSocket(await acceptWebSocket(request, socket, head, ['v4.channel.k8s.io', 'channel.k8s.io', 'v4.base64.channel.k8s.io', 'base64.channel.k8s.io']));
	const portBytes = (port: number) => Buffer.from([port & 0xFF, port >> 8]);
	const connections = ports.map((port, index) => {
		channels.send(index * 2, portBytes(port));
		channels.send(index * 2 + 1, portBytes(port));
		const handler = findPodServer(pod, port);
		if (!handler) {
			channels.send(index * 2 + 1, connectionRefusedMessage(pod, port));
			return undefined;
		}
		const inside = new Duplex({
			read() {},
			write(chunk: Buffer, _encoding, callback) {
				channels.send(index * 2, chunk);
				callback();
			},
		});
		void serveForwardedConnection(inside, handler, pod, ctx);
		return inside;
	});
	channels.onMessage((channel, data) => {
		if (channel % 2 !== 0) return;
		connections[channel / 2]?.push(data);
	});
	channels.socket.on('close', () => {
		for (const connection of connections) connection?.push(null);
	});
}
