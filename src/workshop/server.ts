// `cilium-lab workshop serve`: the facilitator's server. Learners join with the join code and get a token of their
// own; their labs post progress events (src/workshop/protocol.ts) into the room (src/workshop/room.ts); the
// facilitator's dashboard (a page this server serves, nothing from the internet) follows the room live over
// server-sent events. It listens on 127.0.0.1 unless told otherwise, refuses malformed and oversized bodies, and
// rate-limits joins and events. It has no way to reach into a learner's machine.
import {randomBytes, randomUUID, timingSafeEqual} from 'node:crypto';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {dashboardHtml, type DashboardLabels} from './dashboard.js';
import {eventBatchSchema, joinRequestSchema, MAX_BODY_BYTES, pacingCommandSchema, RateLimiter, type JoinAnswer, type PacingMessage} from './protocol.js';
import {decodeDoctorCode, doctorCheckName, type DoctorCheckId} from '../doctor/assess.js';
import {msg, parseLang} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';
import {Room, RoomFullError, roomCsv, type DoctorDescription, type RoomOptions, type RoomOutline, type RoomSnapshot} from './room.js';
import {hashToken, saveRoom, type SavedRoom} from './room-store.js';

/** The pacing channels one learner may hold open at once (a TUI and a headless run on one home); the oldest goes. */
const MAX_PACING_STREAMS_PER_LEARNER = 2;
/** Dashboards and learners' pacing channels the server keeps open at most. */
const MAX_STREAMS = 2000;
/** Hints waiting for a learner who is not listening. */
const MAX_PENDING_HINTS = 10;
/** IP addresses whose join rate is remembered (the oldest is forgotten beyond this). */
const MAX_JOIN_LIMITERS = 10_000;

export interface WorkshopServerOptions {
	outline: RoomOutline;
	labels: DashboardLabels;
	lang: string;
	host?: string;
	port?: number;
	/** The join code (default: a random one). */
	code?: string;
	room?: RoomOptions;
	/**
	 * A room saved by an earlier server (src/workshop/room-store.ts): its join code, key, learners, tokens and pacing
	 * carry on. `code` is ignored when this is given.
	 */
	restore?: SavedRoom;
	/** Where the room is saved as it changes (at most once a second, and on close); nowhere when not given. */
	stateFile?: string;
	/** Events a second a learner may send, and the burst (default 5 and 100). */
	eventRate?: {rate: number; burst: number};
	now?: () => number;
}

export interface WorkshopServer {
	code: string;
	/** The dashboard's address, with the facilitator's key. */
	dashboardUrl: string;
	/** What learners pass to --join. */
	joinUrl: string;
	room: Room;
	/** The room as dashboards see it: the learners, the hold and the last message, who listens for pacing. */
	snapshot(): WorkshopSnapshot;
	close(): Promise<void>;
}

export interface PacingState {
	hold: string | null;
	message?: {text: string; at: string};
	/** Learners whose lab listens for pacing now. */
	listening: string[];
}

export type WorkshopSnapshot = RoomSnapshot & {pacing: PacingState};

/** A doctor's result code (`cilium-lab doctor`'s last line) as the facilitator reads it, in `lang`. */
export function describeDoctor(code: string, lang: Lang): DoctorDescription {
	const decoded = decodeDoctorCode(code);
	const trimmed = code.trim().toUpperCase();
	if (!decoded) return {code: trimmed, valid: false, learner: [], facilitator: [], lines: [msg(lang, 'doctor.decoded.invalid')]};
	const names = (ids: DoctorCheckId[]) => ids.map((id) => doctorCheckName(id, lang)).join(', ');
	const lines = [
		...(decoded.facilitator.length > 0 ? [msg(lang, 'doctor.decoded.facilitator', {checks: names(decoded.facilitator)})] : []),
		...(decoded.learner.length > 0 ? [msg(lang, 'doctor.decoded.learner', {checks: names(decoded.learner)})] : []),
	];
	return {code: trimmed, valid: true, exitCode: decoded.exitCode, learner: decoded.learner, facilitator: decoded.facilitator, lines: lines.length > 0 ? lines : [msg(lang, 'doctor.decoded.ready')]};
}

const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function newJoinCode(): string {
	const bytes = randomBytes(8);
	const chars = [...bytes].map((byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]!);
	return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

class BodyError extends Error {
	constructor(readonly status: number) {
		super(String(status));
	}
}

function readBody(request: http.IncomingMessage): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const declared = Number(request.headers['content-length'] ?? 0);
		if (declared > MAX_BODY_BYTES) {
			reject(new BodyError(413));
			return;
		}
		const chunks: Buffer[] = [];
		let size = 0;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(new BodyError(413));
				request.pause();
				return;
			}
			chunks.push(chunk);
		});
		request.on('end', () => {
			try {
				resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
			} catch {
				reject(new BodyError(400));
			}
		});
		request.on('error', reject);
	});
}

function send(response: http.ServerResponse, status: number, body?: unknown) {
	if (response.headersSent) return;
	const text = body === undefined ? '' : JSON.stringify(body);
	response.writeHead(status, {'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...(status === 413 || status === 415 ? {connection: 'close'} : {})});
	response.end(text);
}

export async function startWorkshopServer(options: WorkshopServerOptions): Promise<WorkshopServer> {
	const now = options.now ?? Date.now;
	const restored = options.restore;
	const code = restored?.code ?? options.code ?? newJoinCode();
	const key = restored?.key ?? randomBytes(18).toString('base64url');
	const room = new Room(options.outline, options.room);
	/** SHA-256 of a token → learner id */
	const tokens = new Map<string, string>(Object.entries(restored?.tokens ?? {}));
	if (restored) room.restore(restored.learners);
	const limits = new Map<string, RateLimiter>();
	const joinLimits = new Map<string, RateLimiter>();
	const streams = new Set<http.ServerResponse>();
	const eventRate = options.eventRate ?? {rate: 5, burst: 100};
	/** learner id → their labs' open pacing channels. */
	const pacingStreams = new Map<string, Set<http.ServerResponse>>();
	const pendingHints = new Map<string, PacingMessage[]>(Object.entries(restored?.pendingHints ?? {}));
	const pacingOpens = new Map<string, RateLimiter>();
	let hold: string | null = restored && (restored.hold === null || options.outline.lessons.some((lesson) => lesson.id === restored.hold)) ? restored.hold : null;
	let lastMessage: PacingMessage | undefined = restored?.lastMessage;
	const openStreams = () => streams.size + [...pacingStreams.values()].reduce((sum, set) => sum + set.size, 0);

	const lang: Lang = parseLang(options.lang) ?? 'en';
	/** Doctor codes in words, decoded once each (every push of the room to the dashboards shows them). */
	const doctorWords = new Map<string, DoctorDescription>();
	const doctorWordsOf = (code: string) => doctorWords.get(code) ?? doctorWords.set(code, describeDoctor(code, lang)).get(code)!;
	const snapshot = (): WorkshopSnapshot => {
		const current = room.snapshot(now());
		return {
			...current,
			learners: current.learners.map((learner) => (learner.doctor ? {...learner, doctorResult: doctorWordsOf(learner.doctor)} : learner)),
			pacing: pacingState(),
		};
	};
	const pacingState = (): PacingState => ({
		hold,
		...(lastMessage?.type === 'message' ? {message: {text: lastMessage.text, at: lastMessage.at}} : {}),
		listening: [...pacingStreams.keys()],
	});
	const frame = (message: PacingMessage) => `event: pacing\ndata: ${JSON.stringify(message)}\n\n`;
	/** Sends a pacing message to one learner's open channels; false when none is open. */
	const tell = (learnerId: string, message: PacingMessage): boolean => {
		const open = pacingStreams.get(learnerId);
		if (!open || open.size === 0) return false;
		for (const stream of open) stream.write(frame(message));
		return true;
	};

	const savedRoom = (): SavedRoom => ({
		kind: 'cilium-lab-workshop-room',
		version: 1,
		title: options.outline.title,
		code,
		key,
		savedAt: new Date(now()).toISOString(),
		tokens: Object.fromEntries(tokens),
		learners: room.saved(),
		hold,
		...(lastMessage ? {lastMessage} : {}),
		pendingHints: Object.fromEntries(pendingHints),
	});
	let saveTimer: NodeJS.Timeout | undefined;
	let saveFailed = false;
	const saveNow = () => {
		saveTimer = undefined;
		if (!options.stateFile) return;
		try {
			saveRoom(options.stateFile, savedRoom());
			saveFailed = false;
		} catch (error) {
			// The room goes on in memory; said once on stderr, not on every event.
			if (!saveFailed) process.stderr.write(`cilium-lab: cannot save the room to ${options.stateFile}: ${(error as Error).message}\n`);
			saveFailed = true;
		}
	};
	if (options.stateFile) saveNow();

	let pushTimer: NodeJS.Timeout | undefined;
	const pushNow = () => {
		pushTimer = undefined;
		const data = `event: room\ndata: ${JSON.stringify(snapshot())}\n\n`;
		for (const stream of streams) stream.write(data);
	};
	/** Changes reach the dashboards at most every 100 ms (a room of 100 learners sends many). */
	const changed = () => {
		pushTimer ??= setTimeout(pushNow, 100);
		if (options.stateFile) saveTimer ??= setTimeout(saveNow, 1000);
	};
	// Every 15 s the room goes out again even without events: a learner becomes stuck by time alone.
	// Learners' pacing channels get a comment line too, so a lab can tell a quiet server from a gone one.
	const keepAlive = setInterval(() => {
		if (streams.size > 0) changed();
		for (const open of pacingStreams.values()) for (const stream of open) stream.write(': ping\n\n');
	}, 15_000);
	keepAlive.unref();

	/** The facilitator's key: in the query for what the browser loads (the dashboard's address, exports). */
	const facilitator = (url: URL) => sameSecret(url.searchParams.get('key') ?? '', key);
	/**
	 * For pacing, only in a header: a page elsewhere cannot send one without a CORS preflight this server never
	 * answers, so a link or a form on another site cannot pace the room even with the key in its address.
	 */
	const facilitatorHeader = (request: http.IncomingMessage) => {
		const header = request.headers['x-workshop-key'];
		return typeof header === 'string' && sameSecret(header, key);
	};
	const bearer = (request: http.IncomingMessage) => /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];

	const server = http.createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		const handle = async () => {
			// Every body is JSON, said so: a form or a text/plain post from another page is refused before it is read.
			if (request.method === 'POST' && !/^application\/json(;|$)/i.test(request.headers['content-type'] ?? '')) return send(response, 415, {error: 'expected application/json'});
			if (request.method === 'POST' && url.pathname === '/join') {
				const ip = request.socket.remoteAddress ?? '?';
				const limiter = joinLimits.get(ip) ?? new RateLimiter(5, 40, now());
				joinLimits.delete(ip);
				joinLimits.set(ip, limiter);
				if (joinLimits.size > MAX_JOIN_LIMITERS) joinLimits.delete(joinLimits.keys().next().value!);
				if (!limiter.take(1, now())) return send(response, 429, {error: 'too many joins'});
				const parsed = joinRequestSchema.safeParse(await readBody(request));
				if (!parsed.success) return send(response, 400, {error: 'malformed join'});
				if (!sameSecret(parsed.data.code.toUpperCase(), code)) return send(response, 403, {error: 'wrong join code'});
				const previous = bearer(request);
				const known = previous ? tokens.get(hashToken(previous)) : undefined;
				const learnerId = known ?? randomUUID();
				const token = known ? previous! : randomBytes(24).toString('base64url');
				try {
					room.join(learnerId, parsed.data, now());
				} catch (error) {
					if (error instanceof RoomFullError) return send(response, 503, {error: error.message});
					throw error;
				}
				tokens.set(hashToken(token), learnerId);
				changed();
				const answer: JoinAnswer = {learnerId, token};
				return send(response, 200, answer);
			}
			if (request.method === 'POST' && url.pathname === '/events') {
				const token = bearer(request);
				const learnerId = token ? tokens.get(hashToken(token)) : undefined;
				if (!learnerId) return send(response, 401, {error: 'join first'});
				const parsed = eventBatchSchema.safeParse(await readBody(request));
				if (!parsed.success) return send(response, 400, {error: 'malformed events'});
				const limiter = limits.get(learnerId) ?? new RateLimiter(eventRate.rate, eventRate.burst, now());
				limits.set(learnerId, limiter);
				if (!limiter.take(parsed.data.events.length, now())) return send(response, 429, {error: 'too many events'});
				room.apply(learnerId, parsed.data.seq, parsed.data.events, now());
				changed();
				return send(response, 204);
			}
			if (request.method === 'POST' && url.pathname === '/api/pacing') {
				if (!facilitatorHeader(request)) return send(response, 403, {error: 'pacing needs the dashboard key (x-workshop-key)'});
				const parsed = pacingCommandSchema.safeParse(await readBody(request));
				if (!parsed.success) return send(response, 400, {error: 'malformed pacing command'});
				const command = parsed.data;
				const at = new Date(now()).toISOString();
				if (command.type === 'hold') {
					if (command.lesson !== null && !options.outline.lessons.some((lesson) => lesson.id === command.lesson)) return send(response, 404, {error: `no lesson ${command.lesson}`});
					hold = command.lesson;
					for (const learnerId of pacingStreams.keys()) tell(learnerId, {type: 'hold', lesson: hold, at});
				} else if (command.type === 'message') {
					lastMessage = {type: 'message', text: command.text, at};
					for (const learnerId of pacingStreams.keys()) tell(learnerId, lastMessage);
				} else {
					if (!room.has(command.learnerId)) return send(response, 404, {error: 'no such learner'});
					const hint: PacingMessage = {type: 'hint', text: command.text, at};
					if (!tell(command.learnerId, hint)) {
						const pending = pendingHints.get(command.learnerId) ?? [];
						pending.push(hint);
						pendingHints.set(command.learnerId, pending.slice(-MAX_PENDING_HINTS));
					}
				}
				changed();
				return send(response, 204);
			}
			if (request.method !== 'GET') return send(response, 405, {error: 'method not allowed'});
			if (url.pathname === '/pacing') {
				const token = bearer(request);
				const learnerId = token ? tokens.get(hashToken(token)) : undefined;
				if (!learnerId) return send(response, 401, {error: 'join first'});
				// A lab reopens its channel after a backoff; one that loops is refused, not served.
				const opens = pacingOpens.get(learnerId) ?? new RateLimiter(1, 10, now());
				pacingOpens.set(learnerId, opens);
				if (!opens.take(1, now())) return send(response, 429, {error: 'too many pacing channels opened'});
				if (openStreams() >= MAX_STREAMS) return send(response, 503, {error: 'too many open channels'});
				const open = pacingStreams.get(learnerId) ?? new Set();
				while (open.size >= MAX_PACING_STREAMS_PER_LEARNER) {
					const oldest = open.values().next().value!;
					open.delete(oldest);
					oldest.end();
				}
				response.writeHead(200, {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive'});
				// The hold first (released or not), so a lab that joins late knows where the room is.
				response.write(`retry: 2000\n\n${frame({type: 'hold', lesson: hold, at: new Date(now()).toISOString()})}`);
				if (lastMessage) response.write(frame(lastMessage));
				for (const hint of pendingHints.get(learnerId) ?? []) response.write(frame(hint));
				pendingHints.delete(learnerId);
				open.add(response);
				pacingStreams.set(learnerId, open);
				changed();
				request.on('close', () => {
					open.delete(response);
					if (open.size === 0 && pacingStreams.get(learnerId) === open) pacingStreams.delete(learnerId);
					changed();
				});
				return;
			}
			if (url.pathname === '/dashboard' || url.pathname.startsWith('/api/')) {
				if (!facilitator(url)) return send(response, 403, {error: 'the dashboard needs its key'});
			}
			if (url.pathname === '/dashboard') {
				const nonce = randomBytes(16).toString('base64');
				response.writeHead(200, {
					'content-type': 'text/html; charset=utf-8',
					'cache-control': 'no-store',
					'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'`,
					'x-content-type-options': 'nosniff',
					'referrer-policy': 'no-referrer',
				});
				response.end(dashboardHtml({nonce, lang: options.lang, title: options.outline.title, labels: options.labels}));
				return;
			}
			if (url.pathname === '/api/room') return send(response, 200, snapshot());
			if (url.pathname === '/api/doctor') {
				// A code a learner pasted in the chat, decoded: which checks failed and who fixes them.
				const code = (url.searchParams.get('code') ?? '').slice(0, 64);
				const described = describeDoctor(code, lang);
				return send(response, described.valid ? 200 : 400, described.valid ? described : {error: described.lines[0], ...described});
			}
			if (url.pathname === '/api/export.json' || url.pathname === '/api/export.csv') {
				const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
				const csv = url.pathname.endsWith('.csv');
				const current = snapshot();
				response.writeHead(200, {
					'content-type': csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
					'content-disposition': `attachment; filename="cilium-lab-room-${stamp}.${csv ? 'csv' : 'json'}"`,
					'cache-control': 'no-store',
					'x-content-type-options': 'nosniff',
				});
				response.end(csv ? roomCsv(current) : `${JSON.stringify({kind: 'cilium-lab-room', exportedAt: new Date(now()).toISOString(), ...current}, null, 2)}\n`);
				return;
			}
			if (url.pathname === '/api/stream') {
				if (openStreams() >= MAX_STREAMS) return send(response, 503, {error: 'too many open channels'});
				response.writeHead(200, {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive'});
				response.write(`retry: 1000\nevent: room\ndata: ${JSON.stringify(snapshot())}\n\n`);
				streams.add(response);
				request.on('close', () => streams.delete(response));
				return;
			}
			if (url.pathname.startsWith('/join/')) return send(response, 200, {hint: 'cilium-lab --join <this URL> --name <your name>'});
			return send(response, 404, {error: 'not found'});
		};
		handle().catch((error: unknown) => {
			if (error instanceof BodyError) send(response, error.status, {error: error.status === 413 ? 'body too large' : 'malformed JSON'});
			else send(response, 500, {error: 'internal error'});
		});
	});
	server.headersTimeout = 10_000;
	server.requestTimeout = 15_000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const address = server.address() as AddressInfo;
	const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	const base = `http://${host}:${address.port}`;
	return {
		code,
		dashboardUrl: `${base}/dashboard?key=${key}`,
		joinUrl: `${base}/join/${code}`,
		room,
		snapshot,
		close: async () => {
			clearInterval(keepAlive);
			if (pushTimer) clearTimeout(pushTimer);
			if (saveTimer) clearTimeout(saveTimer);
			saveNow();
			for (const stream of streams) stream.end();
			for (const open of pacingStreams.values()) for (const stream of open) stream.end();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
