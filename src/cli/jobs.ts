// `cilium-lab jobs [list]` and `cilium-lab jobs stop [NAME…]`: the background jobs the lab started (a
// port-forward…), from its own pid files under the lab home, whichever app instance or run started them. Stopping
// goes through those records only, so it never touches a process the lab did not start (unlike `pkill -f`).
import {msg} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';
import {recordedProcesses, stopRecorded} from '../run/jobs.js';
import {EXIT, UserError} from '../errors.js';

export async function jobsCommand(options: {home: string; lang: Lang; args: string[]; json: boolean; out: NodeJS.WritableStream}): Promise<number> {
	const [verb = 'list', ...names] = options.args;
	const jobs = recordedProcesses(options.home).filter((record) => record.kind !== 'step');
	if (verb === 'list') {
		if (options.json) options.out.write(`${JSON.stringify(jobs.map(({name, pid, command, since}) => ({name, pid, command, since})), null, 2)}\n`);
		else if (jobs.length === 0) options.out.write(`${msg(options.lang, 'jobsCli.none')}\n`);
		else for (const job of jobs) options.out.write(`${job.name}  pid ${job.pid}  ${job.since}  ${job.command.split('\n')[0]}\n`);
		return EXIT.ok;
	}
	if (verb !== 'stop') throw new UserError(`jobs ${verb}: expected list or stop`, 'cilium-lab jobs stop port-forward');
	const chosen = names.length === 0 ? jobs : jobs.filter((job) => names.includes(job.name));
	await stopRecorded(options.home, chosen);
	for (const job of chosen) options.out.write(`${msg(options.lang, 'jobsCli.stopped', {name: job.name, pid: job.pid})}\n`);
	const missing = names.filter((name) => !chosen.some((job) => job.name === name));
	for (const name of missing) options.out.write(`${msg(options.lang, 'jobsCli.notRunning', {name})}\n`);
	if (chosen.length === 0 && names.length === 0) options.out.write(`${msg(options.lang, 'jobsCli.none')}\n`);
	return EXIT.ok;
}
