// `cilium-lab workshop serve`: starts the facilitator's server for the lab's lessons and prints where the dashboard
// is and how learners join; runs until Ctrl-C (or SIGTERM).
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

export async function workshopCommand(options: {subcommand?: string; lab: Lab; lang: Lang; listen?: string; signal: AbortSignal; out?: NodeJS.WritableStream}): Promise<number> {
	if (options.subcommand !== 'serve') throw new UserError(`workshop: expected "workshop serve"`, 'cilium-lab workshop serve');
	const out = options.out ?? process.stdout;
	const {host, port} = parseListen(options.listen);
	const server = await startWorkshopServer({outline: roomOutline(options.lab, options.lang), labels: dashboardLabels(options.lang), lang: options.lang, host, port});
	out.write(
		[
			msg(options.lang, 'workshop.serve.heading', {title: t(options.lang, options.lab.title)}),
			msg(options.lang, 'workshop.serve.dashboard', {url: server.dashboardUrl}),
			msg(options.lang, 'workshop.serve.join', {url: server.joinUrl}),
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
