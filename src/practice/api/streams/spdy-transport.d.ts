// The parts of spdy-transport 3 (no published types) the practice API uses.
declare module 'spdy-transport' {
	import type {Duplex} from 'node:stream';
	import type {EventEmitter} from 'node:events';

	/** One direction of a flow-control window (lib/spdy-transport/window.js Side). */
	export interface WindowSide {
		update(size: number, callback?: () => void): void;
	}

	export interface SpdyStream extends Duplex {
		id: number;
		_spdyState: {window: {send: WindowSide}};
		headers: Record<string, string | string[]>;
		respond(status: number, headers: Record<string, string>, callback?: () => void): void;
		abort(callback?: () => void): void;
	}

	export interface SpdyConnection extends EventEmitter {
		_spdyState: {window: {send: WindowSide}; parser: {parseKVs: (buffer: unknown, callback: (error: Error | null, headers?: Record<string, unknown>) => void) => void}};
		start(version: number): void;
		end(callback?: () => void): void;
		destroyStreams(error?: Error): void;
		on(event: 'stream', listener: (stream: SpdyStream) => void): this;
		on(event: 'error' | 'close', listener: (error?: Error) => void): this;
	}

	export const connection: {create(socket: Duplex, options: {protocol: 'spdy'; isServer: boolean}): SpdyConnection};
}
