// `cilium-lab workshop serve`: starts the facilitator's server for the lab's lessons and prints where the dashboard
// is and how learners join; runs until Ctrl-C (or SIGTERM).
import os from 'node:os';
import {UserError} from '../errors.js';
import {msg, t} from '../lab/i18n.js';
import type {Lab, Lang} from '../lab/types.js';
import {dashboardLabels} from '../workshop/dashboard.js';
import type {RoomOutline} from '../workshop/room.js';
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

const isUnspecified = (host: string) => host === '0.0.0.0' || host === '::';

export async function workshopCommand(options: {subcommand?: string; lab: Lab; lang: Lang; listen?: string; signal: AbortSignal; out?: NodeJS.WritableStream}): Promise<number> {
	if (options.subcommand !== 'serve') throw new UserError(`workshop: expected "workshop serve"`, 'cilium-lab workshop serve');
	const out = options.out ?? process.stdout;
	const {host, port} = parseListen(options.listen);
	const server = await startWorkshopServer({outline: roomOutline(options.lab, options.lang), labels: dashboardLabels(options.lang), lang: options.lang, host, port});
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
