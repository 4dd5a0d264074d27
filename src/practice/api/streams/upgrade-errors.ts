import {STATUS_CODES} from 'node:http';
import type {Duplex} from 'node:stream';

/** A Kubernetes Status body. */
export function statusBody(code: number, reason: string, message: string, details?: Record<string, unknown>): string {
	return JSON.stringify({
		kind: 'Status',
		apiVersion: 'v1',
		metadata: {},
		status: 'Failure',
		message,
		reason,
		...(details ? {details} : {}),
		code,
	});
}

/** Refuses an upgrade request on its raw socket with a Status, as the API server does before switching protocols. */
export function refuseUpgrade(socket: Duplex, code: number, reason: string, message: string): void {
	const body = statusBody(code, reason, message);
	socket.end(
		`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\n`
		+ 'Content-Type: application/json\r\n'
		+ `Content-Length: ${Buffer.byteLength(body)}\r\n`
		+ 'Connection: close\r\n\r\n'
		+ body,
	);
}
