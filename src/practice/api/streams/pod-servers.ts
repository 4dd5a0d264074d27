import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';
import type {KubeObject, PracticeContext} from '../../types.js';

/** Which pods a server runs in: a label selector (all must match) or a predicate. */
export type PodMatch = Record<string, string> | ((pod: KubeObject) => boolean);

export type PodHttpHandler = (request: IncomingMessage, response: ServerResponse, pod: KubeObject, ctx: PracticeContext) => void;

interface Registration {
	match: PodMatch;
	port: number;
	handler: PodHttpHandler;
}

const registrations: Registration[] = [];

/**
 * Declares an HTTP server listening on `port` inside every pod that `match` selects, reachable
 * through `kubectl port-forward`. Returns the function that removes it.
 */
export function registerPodServer(match: PodMatch, port: number, handler: PodHttpHandler): () => void {
	const registration = {match, port, handler};
	registrations.push(registration);
	return () => {
		const index = registrations.indexOf(registration);
		if (index !== -1) registrations.splice(index, 1);
	};
}

function matches(match: PodMatch, pod: KubeObject): boolean {
	if (typeof match === 'function') return match(pod);
	const labels = pod.metadata.labels ?? {};
	return Object.entries(match).every(([key, value]) => labels[key] === value);
}

export function findPodServer(pod: KubeObject, port: number): PodHttpHandler | undefined {
	return registrations.find(registration => registration.port === port && matches(registration.match, pod))?.handler;
}

/**
 * Serves one forwarded connection: the bytes the client sends through port-forward reach an
 * HTTP server that lives only in memory. Resolves when the connection is over.
 */
export function serveForwardedConnection(connection: Duplex, handler: PodHttpHandler, pod: KubeObject, ctx: PracticeContext): Promise<void> {
	const server: Server = createServer((request, response) => handler(request, response, pod, ctx));
	return new Promise(resolve => {
		connection.on('close', () => resolve());
		connection.on('finish', () => {
			if (connection.readableEnded) resolve();
		});
		connection.on('end', () => {
			if (connection.writableFinished) resolve();
		});
		connection.on('error', () => resolve());
		server.emit('connection', connection);
	});
}
