// The daemon's one credential: a bearer token, compared in constant time.
import {timingSafeEqual} from 'node:crypto';

export function tokenMatches(header: string | undefined, token: string): boolean {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
	if (!match) return false;
	const given = Buffer.from(match[1]!);
	const expected = Buffer.from(token);
	return given.length === expected.length && timingSafeEqual(given, expected);
}
