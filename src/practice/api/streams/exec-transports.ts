import type {IncomingMessage} from 'node:http';
import type {Duplex} from 'node:stream';
import {ByteQueue, type ExecChannels, type StreamStatus} from './exec.js';
import {acceptSpdy, type SpdyStream} from './spdy.js';
import {ChannelSocket, acceptWebSocket, channelProtocols, streamCloseChannel} from './websocket.js';

export interface StreamSelection {
	stdin: boolean;
	stdout: boolean;
	stderr: boolean;
	tty: boolean;
}

const enum Channel {
	Stdin = 0,
	Stdout = 1,
	Stderr = 2,
	Error = 3,
	Resize = 4,
}

function parseResize(data: Buffer): {cols: number; rows: number} | undefined {
	try {
		const size = JSON.parse(data.toString()) as {Width?: number; Height?: number};
		if (typeof size.Width === 'number' && typeof size.Height === 'number') return {cols: size.Width, rows: size.Height};
	} catch {}
	return undefined;
}

/** Exec and attach over the WebSocket channel protocols (kubectl 1.30+, client-node). */
export async function channelsOverWebSocket(
	request: IncomingMessage,
	socket: Duplex,
	head: Buffer,
	selection: StreamSelection,
): Promise<ExecChannels> {
	const channels = new ChannelSocket(await acceptWebSocket(request, socket, head, channelProtocols));
	const closed = new AbortController();
	const stdin = selection.stdin ? new ByteQueue() : undefined;
	const resizeListeners: Array<(size: {cols: number; rows: number}) => void> = [];
	channels.onMessage((channel, data) => {
		if (channel === Channel.Stdin) stdin?.push(data);
		else if (channel === Channel.Resize) {
			const size = parseResize(data);
			if (size) for (const listener of resizeListeners) listener(size);
		} else if (channel === streamCloseChannel && channels.supportsStreamClose && data[0] === Channel.Stdin) stdin?.end();
	});
	channels.socket.on('close', () => {
		stdin?.end();
		closed.abort();
	});
	// kubectl 1.30–1.33 (client-go's wsStreamExecutor before its readyChan fix) starts reading the connection
	// before it has registered its streams, and drops a frame for a stream it has not registered yet ("Unknown
	// stream id 2, discarding message"). A real API server proxies exec to the kubelet, which takes round trips
	// before the first output; output held for a moment after the upgrade gives kubectl the same head start.
	let held: Array<[Channel, string]> | undefined = [];
	const released = new Promise<void>(resolve => setTimeout(resolve, firstOutputHoldMs));
	void released.then(() => {
		for (const [channel, text] of held ?? []) channels.send(channel, text);
		held = undefined;
	});
	const send = (channel: Channel, text: string) => (held ? held.push([channel, text]) : channels.send(channel, text));
	return {
		stdin,
		writeStdout: text => send(Channel.Stdout, text),
		writeStderr: text => send(Channel.Stderr, text),
		onResize: listener => resizeListeners.push(listener),
		closed: closed.signal,
		async finish(status: StreamStatus) {
			await released;
			channels.send(Channel.Error, JSON.stringify(status));
			await channels.close();
		},
	};
}

/** How long output waits after a WebSocket exec's upgrade (see channelsOverWebSocket). */
const firstOutputHoldMs = 60;

/** The protocols the kubelet speaks over SPDY for exec and attach. */
export const spdyExecProtocols = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

/**
 * Exec and attach over SPDY/3.1 (kubectl 1.27–1.29, and newer ones falling back): the client
 * opens one stream per channel, named by its `streamtype` header, and the kubelet starts the
 * command once all the streams the request asked for exist.
 */
export function channelsOverSpdy(
	request: IncomingMessage,
	socket: Duplex,
	head: Buffer,
	selection: StreamSelection,
): Promise<ExecChannels | undefined> {
	return new Promise(resolve => {
		const expected = new Set(['error']);
		if (selection.stdin) expected.add('stdin');
		if (selection.stdout) expected.add('stdout');
		if (selection.stderr && !selection.tty) expected.add('stderr');
		const streams = new Map<string, SpdyStream>();
		const stdin = selection.stdin ? new ByteQueue() : undefined;
		const resizeListeners: Array<(size: {cols: number; rows: number}) => void> = [];
		const closed = new AbortController();
		let resolved = false;

		const accepted = acceptSpdy(request, socket, head, spdyExecProtocols, (stream, headers) => {
			const type = headers.streamtype ?? '';
			streams.set(type, stream);
			if (type === 'stdin') {
				stream.on('data', (chunk: Buffer) => stdin?.push(chunk));
				stream.on('end', () => stdin?.end());
			} else if (type === 'resize') {
				// One JSON object per resize, back to back on the stream.
				let pending = '';
				stream.on('data', (chunk: Buffer) => {
					pending += chunk.toString();
					let end: number;
					while ((end = pending.indexOf('}')) !== -1) {
						const size = parseResize(Buffer.from(pending.slice(0, end + 1)));
						pending = pending.slice(end + 1);
						if (size) for (const listener of resizeListeners) listener(size);
					}
				});
			} else {
				stream.resume();
			}
			if (!resolved && [...expected].every(name => streams.has(name))) {
				resolved = true;
				clearTimeout(timer);
				resolve(channelsFor());
			}
		});
		if (!accepted) {
			resolve(undefined);
			return;
		}
		const {connection} = accepted;
		connection.on('close', () => {
			stdin?.end();
			closed.abort();
		});
		socket.on('close', () => {
			stdin?.end();
			closed.abort();
		});
		// The kubelet gives up on a client that does not open its streams in time.
		const timer = setTimeout(() => {
			if (resolved) return;
			resolved = true;
			connection.end();
			socket.destroy();
			resolve(undefined);
		}, 30_000);

		const write = (type: string, text: string) => {
			const stream = streams.get(type);
			if (stream && !stream.writableEnded) stream.write(text);
		};
		const channelsFor = (): ExecChannels => ({
			stdin,
			writeStdout: text => write('stdout', text),
			writeStderr: text => write('stderr', text),
			onResize: listener => resizeListeners.push(listener),
			closed: closed.signal,
			async finish(status: StreamStatus) {
				const ends: Array<Promise<void>> = [];
				for (const type of ['stdout', 'stderr']) {
					const stream = streams.get(type);
					if (stream && !stream.writableEnded) ends.push(new Promise(done => stream.end(done)));
				}
				await Promise.all(ends);
				const errorStream = streams.get('error');
				if (errorStream) {
					await new Promise<void>(done => errorStream.end(JSON.stringify(status), done));
				}
				await new Promise<void>(done => {
					const timeout = setTimeout(done, 2000);
					timeout.unref();
					connection.end(() => {
						clearTimeout(timeout);
						done();
					});
				});
				socket.end();
			},
		});
	});
}
