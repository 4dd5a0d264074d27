// `cilium-lab workshop serve`: starts the facilitator's server for the lab's lessons and prints where the dashboard
// is and how learners join; runs until Ctrl-C (or SIGTERM).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {UserError} from '../errors.js';
import {msg, t} from '../lab/i18n.js';
import type {Lab, Lang} from '../lab/types.js';
import {dashboardLabels} from '../workshop/dashboard.js';
import type {RoomOutline} from '../workshop/room.js';
import {loadRoom, ROOM_FILE, RoomFileError, type SavedRoom} from '../workshop/room-store.js';
import {startWorkshopServer} from '../workshop/server.js';

export function roomOutline(lab: Lab, lang: Lang): RoomOutline {
	return {
		title: t(lang, lab.title),
		lessons: lab.lessons.map((lesson) => ({
			id: lesson.id,
			title: t(lang, lesson.title),
			steps: lesson.steps.map((step) => ({id: step.id, title: t(lang, step.title), ...(step.tracks ? {tracks: [...step.tracks]} : {})})),
		})),
	};
}

/** "ADDRESS:PORT", "[v6]:PORT" or ":PORT"; default 127.0.0.1 and any free port. */
export function parseListen(value: string | undefined): {host: string; port: number} {
	if (value === undefined) return {host: '127.0.0.1', port: 0};
	const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
	const port = Number(match?.[3]);
	if (!match || port > 65535) throw new UserError(`--listen ${value}: expected ADDRESS:PORT`, 'cilium-lab workshop serve --listen 0.0.0.0:8080');
	return {host: match[1] ?? (match[2] || '127.0.0.1'), port};
}

/**
 * The addresses learners can reach a server listening on `host` at: itself, or for an unspecified address (0.0.0.0,
 * ::) the machine's own non-loopback addresses (IPv6 ones too for ::, not link-local ones: those need a zone), or
 * 127.0.0.1 when it has none. Bracketed for a URL.
 */
export function reachableHosts(host: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string[] {
	const bracket = (address: string) => (address.includes(':') ? `[${address}]` : address);
	const v6 = host === '::' || host === '[::]';
	if (host !== '0.0.0.0' && !v6) return [bracket(host)];
	const found = Object.values(interfaces)
		.flatMap((list) => list ?? [])
		.filter((info) => !info.internal && (info.family === 'IPv4' || (v6 && !/^fe80:/i.test(info.address))))
		.map((info) => bracket(info.address));
	return found.length > 0 ? [...new Set(found)] : ['127.0.0.1'];
}

/**
 * --stuck-minutes / --stuck-failures: a whole number in range, or a sentence saying what is expected. The defaults
 * (10 minutes, 3 failures) are the room's (src/workshop/room.ts).
 */
export function parseStuck(option: '--stuck-minutes' | '--stuck-failures', value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const [min, max, example] = option === '--stuck-minutes' ? [1, 600, '15'] : [1, 100, '5'];
	const number = /^\d{1,4}$/.test(value.trim()) ? Number(value) : Number.NaN;
	if (!(number >= min && number <= max)) throw new UserError(`${option} ${value}: expected a whole number from ${min} to ${max}`, `cilium-lab workshop serve ${option} ${example}`);
	return number;
}

const isUnspecified = (host: string) => host === '0.0.0.0' || host === '::';

export interface WorkshopCommandOptions {
	subcommand?: string;
	lab: Lab;
	lang: Lang;
	listen?: string;
	/** The facilitator's lab home: the room is saved there (workshop-room.json). */
	home: string;
	newRoom?: boolean;
	stuckMinutes?: string;
	stuckFailures?: string;
	signal: AbortSignal;
	out?: NodeJS.WritableStream;
}

export async function workshopCommand(options: WorkshopCommandOptions): Promise<number> {
	if (options.subcommand !== 'serve') throw new UserError(`workshop: expected "workshop serve"`, 'cilium-lab workshop serve');
	const out = options.out ?? process.stdout;
	const {host, port} = parseListen(options.listen);
	const stuckMinutes = parseStuck('--stuck-minutes', options.stuckMinutes);
	const stuckFailures = parseStuck('--stuck-failures', options.stuckFailures);
	const stateFile = path.join(options.home, ROOM_FILE);
	let restore: SavedRoom | undefined;
	if (options.newRoom) fs.rmSync(stateFile, {force: true});
	else {
		try {
			restore = loadRoom(stateFile);
		} catch (error) {
			if (error instanceof RoomFileError) throw new UserError(error.message, 'cilium-lab workshop serve --new-room (starts a new room in its place)');
			throw error;
		}
	}
	let server;
	try {
		server = await startWorkshopServer({
			outline: roomOutline(options.lab, options.lang),
			labels: dashboardLabels(options.lang),
			lang: options.lang,
			host,
			port,
			restore,
			stateFile,
			room: {...(stuckMinutes ? {stuckAfterMs: stuckMinutes * 60_000} : {}), ...(stuckFailures ? {stuckFailures} : {})},
		});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EADDRINUSE') throw new UserError(`--listen ${host}:${port}: that port is taken by another program`, 'cilium-lab workshop serve --listen 127.0.0.1:0 (any free port)');
		if (code === 'EADDRNOTAVAIL') throw new UserError(`--listen ${host}:${port}: this machine has no such address`, 'cilium-lab workshop serve --listen 0.0.0.0:8080');
		if (code === 'EACCES') throw new UserError(`--listen ${host}:${port}: not allowed to listen there (ports below 1024 need root)`, 'cilium-lab workshop serve --listen 0.0.0.0:8080');
		throw error;
	}
	// Listening on every address: the URLs name this machine's real ones (a learner cannot join 0.0.0.0); the
	// dashboard, for the facilitator on this machine, its loopback.
	const at = (url: string, where: string) => {
		const parsed = new URL(url);
		parsed.hostname = where;
		return parsed.toString();
	};
	const joinUrls = isUnspecified(host) ? reachableHosts(host).map((where) => at(server.joinUrl, where)) : [server.joinUrl];
	const dashboardUrl = isUnspecified(host) ? at(server.dashboardUrl, '127.0.0.1') : server.dashboardUrl;
	out.write(
		[
			msg(options.lang, 'workshop.serve.heading', {title: t(options.lang, options.lab.title)}),
			msg(options.lang, 'workshop.serve.dashboard', {url: dashboardUrl}),
			msg(options.lang, 'workshop.serve.join', {url: joinUrls[0]!}),
			...joinUrls.slice(1).map((url) => msg(options.lang, 'workshop.serve.joinAlso', {url})),
			msg(options.lang, 'workshop.serve.code', {code: server.code}),
			restore
				? msg(options.lang, 'workshop.serve.restored', {learners: restore.learners.length, file: stateFile})
				: msg(options.lang, 'workshop.serve.saved', {file: stateFile}),
			msg(options.lang, 'workshop.serve.stuck', {minutes: stuckMinutes ?? 10, failures: stuckFailures ?? 3}),
			msg(options.lang, 'workshop.serve.stop'),
			'',
		].join('\n'),
	);
	await new Promise<void>((resolve) => {
		if (options.signal.aborted) resolve();
		options.signal.addEventListener('abort', () => resolve(), {once: true});
	});
	await server.close();
	return 0;
}
