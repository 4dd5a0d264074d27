// busybox nslookup / wget / ping / sleep and bind's dig, as they behave in a pod of the practice cluster.
import type {KubeObject, PodProgram, ProgramIO} from '../../types.js';
import {canonicalName} from '../fqdn.js';
import {Datapath} from '../runtime.js';
import {podFields, type PodFields} from '../view.js';
import {podResponse, siteResponse} from './sites.js';

function parseDuration(text: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text);
	if (!match) return undefined;
	return Number(match[1]) * {'': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}[match[2] as 's']!;
}

export const sleep: PodProgram = async (argv, io, _pod, ctx) => {
	if (argv.length < 2) {
		io.stderr.write('BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\nUsage: sleep [N]...\n');
		return 1;
	}
	let total = 0;
	for (const arg of argv.slice(1)) {
		const ms = parseDuration(arg);
		if (ms === undefined) {
			io.stderr.write(`sleep: invalid number '${arg}'\n`);
			return 1;
		}
		total += ms;
	}
	try {
		await ctx.clock.sleep(total, io.signal);
	} catch {
		return 130;
	}
	return 0;
};

function dnsServer(datapath: Datapath): string {
	return datapath.view().kubeDnsIp ?? '10.0.0.10';
}

const NSLOOKUP_USAGE = 'BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n';
/** networking/nslookup.c @1_36_1 qtypes[], in its order (the order the queries go out for several -type options). */
const NSLOOKUP_QTYPES = ['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'PTR', 'ANY'];
const NSLOOKUP_OPTIONS = ['type', 'querytype', 'port', 'retry', 'debug', 't', 'timeout'];

/**
 * busybox nslookup (networking/nslookup.c @1_36_1): options before HOST (-type= / -querytype=, each adding a query
 * type; no type means A then AAAA); add_query_with_search asks a name without a dot as NAME.DOMAIN for each search
 * domain of resolv.conf. Each reply is printed as it comes: "** server can't find NAME: RCODE" for an error, else
 * "Non-authoritative answer:" (unless the server is authoritative, as CoreDNS is for cluster.local) and a
 * "Name:/Address:" pair per record (nothing for an empty answer), then a blank line. Exit 1 when any reply was an error.
 */
export const nslookup: PodProgram = async (argv, io, pod, ctx) => {
	const datapath = Datapath.for(ctx);
	const args = argv.slice(1);
	const types: string[] = [];
	while (args[0]?.startsWith('-')) {
		const option = args.shift()!.slice(1);
		const equals = option.indexOf('=');
		const key = equals < 0 ? option : option.slice(0, equals);
		const value = equals < 0 ? '' : option.slice(equals + 1);
		const index = NSLOOKUP_OPTIONS.indexOf(key);
		if (index < 0) {
			io.stderr.write(NSLOOKUP_USAGE);
			return 1;
		}
		if (index <= 1) {
			const type = NSLOOKUP_QTYPES.find((candidate) => candidate === value.toUpperCase());
			if (!type) {
				io.stderr.write(`nslookup: invalid query type "${value}"\n`);
				return 1;
			}
			if (!types.includes(type)) types.push(type);
		} else if (key === 'debug' || key === 'port') {
			io.stderr.write(`nslookup: -${key} is not simulated by the practice cluster\n`);
			return 1;
		}
	}
	const name = args[0];
	if (!name || args.length > 2) {
		io.stderr.write(NSLOOKUP_USAGE);
		return 1;
	}
	const unsupported = types.filter((type) => type !== 'A' && type !== 'AAAA');
	if (unsupported.length > 0 || (types.length === 0 && (isIPv4(name) || name.includes(':')))) {
		io.stderr.write(`nslookup: ${unsupported.length > 0 ? `query type ${unsupported[0]} is` : 'reverse lookups (PTR) are'} not simulated by the practice cluster (A and AAAA are)\n`);
		return 1;
	}
	const queryTypes = (types.length > 0 ? NSLOOKUP_QTYPES.filter((type) => types.includes(type)) : ['A', 'AAAA']) as Array<'A' | 'AAAA'>;
	const server = args[1] ?? dnsServer(datapath);
	io.stdout.write(`Server:\t\t${server}\nAddress:\t${server}:53\n\n`);
	const namespace = pod.metadata.namespace ?? 'default';
	const dnsPolicy = podFields(pod).spec?.dnsPolicy ?? 'ClusterFirst';
	const search = name.includes('.') || dnsPolicy === 'Default' ? [] : [`${namespace}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local'];
	const names = search.length > 0 ? search.map((domain) => `${name}.${domain}`) : [name];
	const queries = queryTypes.flatMap((type) => names.map((query) => ({type, name: query})));
	try {
		const answers = await Promise.all(queries.map((query) => datapath.dnsQuery(pod, query.name, query.type, {signal: io.signal, server, timeoutMs: 10_000, retryMs: 2000})));
		if (answers.every((answer) => answer.timedOut)) {
			io.stdout.write(';; connection timed out; no servers could be reached\n\n');
			return 1;
		}
		let status = 0;
		answers.forEach((answer, index) => {
			const query = queries[index]!;
			if (!answer.answer) return;
			if (answer.answer.rcode !== 'NOERROR') {
				io.stdout.write(`** server can't find ${query.name}: ${answer.answer.rcode}\n`);
				status = 1;
			} else {
				if (!canonicalName(query.name).endsWith('.cluster.local.')) io.stdout.write('Non-authoritative answer:\n');
				for (const ip of answer.answer.ips) io.stdout.write(`Name:\t${query.name.replace(/\.$/, '')}\nAddress: ${ip}\n`);
			}
			io.stdout.write('\n');
		});
		const unanswered = queries.filter((_query, index) => answers[index]!.timedOut);
		for (const query of unanswered) io.stdout.write(`*** Can't find ${query.name}: No answer\n`);
		if (unanswered.length > 0) io.stdout.write('\n');
		return status;
	} catch {
		return 130;
	}
};

const isIPv4 = (text: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(text);

/** dig (bind-tools): one A query for the name as given, no search list. */
export const dig: PodProgram = async (argv, io, pod, ctx) => {
	const datapath = Datapath.for(ctx);
	let server = dnsServer(datapath);
	let short = false;
	let type: 'A' | 'AAAA' = 'A';
	const names: string[] = [];
	for (const arg of argv.slice(1)) {
		if (arg.startsWith('@')) server = arg.slice(1);
		else if (arg === '+short') short = true;
		else if (arg === 'A' || arg === 'AAAA') type = arg;
		else if (!arg.startsWith('+') && !arg.startsWith('-')) names.push(arg);
	}
	const name = names[0] ?? '.';
	try {
		const started = datapath.now();
		const result = await datapath.dnsQuery(pod, name, type, {signal: io.signal, server, timeoutMs: 15_000, retryMs: 5000});
		if (result.timedOut) {
			io.stdout.write(`;; communications error to ${server}#53: timed out\n;; communications error to ${server}#53: timed out\n;; communications error to ${server}#53: timed out\n\n; <<>> DiG 9.18.27 <<>> ${argv.slice(1).join(' ')}\n;; global options: +cmd\n;; no servers could be reached\n`);
			return 9;
		}
		const answer = result.answer!;
		const canonical = canonicalName(name);
		if (short) {
			for (const ip of answer.ips) io.stdout.write(`${ip}\n`);
			return 0;
		}
		const status = answer.rcode;
		io.stdout.write(`\n; <<>> DiG 9.18.27 <<>> ${argv.slice(1).join(' ')}\n;; global options: +cmd\n;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: ${status}, id: ${(started % 65536) >>> 0}\n`);
		io.stdout.write(`;; flags: qr rd ra; QUERY: 1, ANSWER: ${answer.ips.length}, AUTHORITY: 0, ADDITIONAL: 1\n\n;; QUESTION SECTION:\n;${canonical}\t\t\tIN\t${type}\n\n`);
		if (answer.ips.length > 0) {
			io.stdout.write(';; ANSWER SECTION:\n');
			for (const ip of answer.ips) io.stdout.write(`${canonical}\t\t${answer.ttl}\tIN\t${type}\t${ip}\n`);
			io.stdout.write('\n');
		}
		io.stdout.write(`;; Query time: ${Math.max(1, result.elapsedMs)} msec\n;; SERVER: ${server}#53(${server}) (UDP)\n;; WHEN: ${new Date(started).toUTCString()}\n;; MSG SIZE  rcvd: ${48 + answer.ips.length * 16}\n\n`);
		return 0;
	} catch {
		return 130;
	}
};

/** busybox ping: echo requests a second apart, ^C or -c ends it. */
export const ping: PodProgram = async (argv, io, pod, ctx) => {
	const datapath = Datapath.for(ctx);
	let count = Number.POSITIVE_INFINITY;
	let waitSeconds: number | undefined;
	let host: string | undefined;
	const args = argv.slice(1);
	for (let index = 0; index < args.length; index++) {
		const arg = args[index]!;
		if (arg === '-c') count = Number(args[++index]);
		else if (arg.startsWith('-c')) count = Number(arg.slice(2));
		else if (arg === '-W' || arg === '-w') waitSeconds = Number(args[++index]);
		else if (!arg.startsWith('-')) host = arg;
	}
	if (!host) {
		io.stderr.write('BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n');
		return 1;
	}
	try {
		const resolved = await datapath.resolveHost(pod, host, {signal: io.signal});
		if (!resolved.ok) {
			io.stderr.write(`ping: bad address '${host}'\n`);
			return 1;
		}
		const ip = resolved.ips[0]!;
		io.stdout.write(`PING ${host} (${ip}): 56 data bytes\n`);
		let sent = 0;
		let received = 0;
		const times: number[] = [];
		const deadline = waitSeconds !== undefined ? waitSeconds * 1000 : Number.POSITIVE_INFINITY;
		while (sent < count && sent * 1000 < deadline && !io.signal.aborted) {
			const echo = await datapath.icmpEcho(pod, ip, {signal: io.signal, timeoutMs: 1000});
			if (echo.reply) {
				received++;
				times.push(echo.rttMs);
				io.stdout.write(`64 bytes from ${ip}: seq=${sent} ttl=${echo.rttMs < 1 ? 63 : 115} time=${echo.rttMs.toFixed(3)} ms\n`);
				await ctx.clock.sleep(1000 - Math.ceil(echo.rttMs), io.signal);
			}
			sent++;
		}
		printPingSummary(io, host, sent, received, times);
		return received > 0 ? 0 : 1;
	} catch {
		return 130;
	}
};

function printPingSummary(io: ProgramIO, host: string, sent: number, received: number, times: number[]): void {
	const loss = sent === 0 ? 0 : Math.round(((sent - received) / sent) * 100);
	io.stdout.write(`\n--- ${host} ping statistics ---\n${sent} packets transmitted, ${received} packets received, ${loss}% packet loss\n`);
	if (times.length > 0) {
		const min = Math.min(...times);
		const max = Math.max(...times);
		const avg = times.reduce((sum, value) => sum + value, 0) / times.length;
		io.stdout.write(`round-trip min/avg/max = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)} ms\n`);
	}
}

/** busybox wget: `-O -`, `-q`, `-T SEC`, `--spider`. */
export const wget: PodProgram = async (argv, io, pod, ctx) => {
	const datapath = Datapath.for(ctx);
	let quiet = false;
	let toStdout = false;
	let spider = false;
	let timeoutMs = 0;
	let target: string | undefined;
	const args = argv.slice(1);
	for (let index = 0; index < args.length; index++) {
		const arg = args[index]!;
		if (arg === '-q') quiet = true;
		else if (arg === '-O') toStdout = args[++index] === '-';
		else if (arg === '-O-') toStdout = true;
		else if (arg === '-qO-') {
			quiet = true;
			toStdout = true;
		} else if (arg === '-T') timeoutMs = Number(args[++index]) * 1000;
		else if (arg === '--spider') spider = true;
		else if (!arg.startsWith('-')) target = arg;
	}
	if (!target) {
		io.stderr.write('BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n');
		return 1;
	}
	const url = new URL(/^[a-z]+:\/\//.test(target) ? target : `http://${target}`);
	const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
	try {
		if (!quiet) io.stderr.write(`Connecting to ${url.host} `);
		const resolved = await datapath.resolveHost(pod, url.hostname, {signal: io.signal, budgetMs: timeoutMs || undefined});
		if (!resolved.ok) {
			if (!quiet) io.stderr.write('\n');
			io.stderr.write(`wget: bad address '${url.hostname}'\n`);
			return 1;
		}
		const ip = resolved.ips[0]!;
		if (!quiet) io.stderr.write(`(${ip}:${port})\n`);
		const connection = await datapath.tcpConnect(pod, ip, port, {signal: io.signal, budgetMs: timeoutMs || undefined});
		if (connection.result === 'timeout') {
			io.stderr.write('wget: download timed out\n');
			return 1;
		}
		if (connection.result !== 'connected') {
			io.stderr.write(`wget: can't connect to remote host (${ip}): ${connection.result === 'refused' ? 'Connection refused' : 'Connection timed out'}\n`);
			return 1;
		}
		await datapath.recordExchange(pod, connection, port, io.signal);
		const peerPod = connection.peer?.endpoint ? datapath.view().pods.get(`${connection.peer.endpoint.namespace}/${connection.peer.endpoint.name}`) : undefined;
		const image = String((peerPod as PodFields | undefined)?.spec?.containers?.[0]?.image ?? '');
		const response = connection.peer?.inCluster ? podResponse(image) : siteResponse(url.hostname, url.protocol === 'https:' ? 'https' : 'http', url.pathname);
		if (response.status >= 400) {
			io.stderr.write(`wget: server returned error: HTTP/1.1 ${response.status} ${response.reason}\n`);
			return 1;
		}
		if (spider) {
			if (!quiet) io.stderr.write('remote file exists\n');
			return 0;
		}
		if (toStdout) io.stdout.write(response.body);
		else if (!quiet) io.stderr.write(`saving to 'index.html'\nindex.html           100% |********************************|  ${response.body.length}  0:00:00 ETA\n'index.html' saved\n`);
		return 0;
	} catch {
		return 130;
	}
};

export function podNode(pod: KubeObject): string {
	return String(podFields(pod).spec?.nodeName ?? '');
}
