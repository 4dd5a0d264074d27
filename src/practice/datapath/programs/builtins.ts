// The programs every image has (true, echo, date, env, cat, sleep…), which need nothing but the pod, and the
// environment a container sees. The image's own programs are in index.ts, which looks here last.
import {setTimeout as delay} from 'node:timers/promises';
import type {KubeObject, PodProgram} from '../../types.js';

export const builtinPrograms: Record<string, PodProgram> = {
	true: async () => 0,
	false: async () => 1,
	echo: async (argv, io) => {
		let words = argv.slice(1);
		let newline = true;
		if (words[0] === '-n') {
			newline = false;
			words = words.slice(1);
		}
		io.stdout.write(words.join(' ') + (newline ? '\n' : ''));
		return 0;
	},
	hostname: async (_argv, io, pod) => {
		io.stdout.write(`${pod.metadata.name}\n`);
		return 0;
	},
	date: async (argv, io, _pod, ctx) => {
		const now = new Date(ctx.clock.now());
		io.stdout.write((argv[1] === '-u' || argv.length === 1 ? busyboxDate(now) : now.toISOString()) + '\n');
		return 0;
	},
	env: async (_argv, io, pod) => {
		const environment = {...podEnvironment(pod), ...io.env};
		io.stdout.write(Object.entries(environment).map(([key, value]) => `${key}=${value}\n`).join(''));
		return 0;
	},
	printenv: async (argv, io, pod) => {
		const environment = {...podEnvironment(pod), ...io.env};
		if (argv[1] === undefined) {
			io.stdout.write(Object.entries(environment).map(([key, value]) => `${key}=${value}\n`).join(''));
			return 0;
		}
		const value = environment[argv[1]];
		if (value === undefined) return 1;
		io.stdout.write(`${value}\n`);
		return 0;
	},
	cat: async (argv, io) => {
		if (argv.length > 1 && argv[1] !== '-') {
			io.stderr.write(`cat: can't open '${argv[1]}': the practice cluster does not simulate files in containers\n`);
			return 1;
		}
		if (!io.stdin) return 0;
		for await (const chunk of io.stdin) {
			if (io.signal.aborted) return 130;
			io.stdout.write(chunk);
		}
		return 0;
	},
	sleep: async (argv, io) => {
		const seconds = parseSleepDuration(argv[1]);
		if (seconds === undefined) {
			io.stderr.write(argv[1] === undefined ? 'sleep: missing operand\n' : `sleep: invalid number '${argv[1]}'\n`);
			return 1;
		}
		try {
			// Timers cap at about 24.8 days; longer sleeps simply wait in slices.
			let remaining = seconds * 1000;
			while (remaining > 0) {
				const slice = Math.min(remaining, 2 ** 31 - 1);
				await delay(slice, undefined, {signal: io.signal});
				remaining -= slice;
			}
			return 0;
		} catch {
			return 130;
		}
	},
};

/** `sleep 5`, `sleep 1.5`, `sleep 365d`, `sleep infinity`; undefined when busybox would refuse it. */
export function parseSleepDuration(text: string | undefined): number | undefined {
	if (text === undefined) return undefined;
	if (text === 'infinity' || text === 'inf') return Number.POSITIVE_INFINITY;
	const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text);
	if (!match) return undefined;
	const unit = {'': 1, s: 1, m: 60, h: 3600, d: 86_400}[match[2] as '' | 's' | 'm' | 'h' | 'd'];
	return Number(match[1]) * unit;
}

/** The environment a container sees: its spec's env plus what the kubelet adds. */
export function podEnvironment(pod: KubeObject, containerName?: string): Record<string, string> {
	const spec = pod.spec as {containers?: Array<{name: string; env?: Array<{name: string; value?: string}>}>} | undefined;
	const container = spec?.containers?.find(candidate => candidate.name === containerName) ?? spec?.containers?.[0];
	const environment: Record<string, string> = {
		PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
		HOSTNAME: pod.metadata.name,
	};
	for (const variable of container?.env ?? []) {
		if (variable.value !== undefined) environment[variable.name] = variable.value;
	}
	environment.KUBERNETES_SERVICE_HOST = '10.0.0.1';
	environment.KUBERNETES_SERVICE_PORT = '443';
	environment.KUBERNETES_PORT = 'tcp://10.0.0.1:443';
	environment.HOME = '/root';
	return environment;
}

function busyboxDate(date: Date): string {
	const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
	const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
	const pad = (value: number) => String(value).padStart(2, '0');
	return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} `
		+ `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

