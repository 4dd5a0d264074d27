// curl as alpine/curl (curl 8.x) behaves in a pod: real exit codes and messages, and the time the real one takes.
import type {KubeObject, PodProgram, ProgramIO} from '../../types.js';
import type {HttpRequest} from '../engine.js';
import {Datapath, KERNEL_CONNECT_TIMEOUT_MS, type ConnectResult} from '../runtime.js';
import {podFields, type PodFields} from '../view.js';
import {podResponse, siteResponse, type HttpResponse} from './sites.js';

export const CURL_VERSION = '8.11.1';

interface CurlOptions {
	urls: string[];
	include: boolean;
	head: boolean;
	silent: boolean;
	showError: boolean;
	verbose: boolean;
	location: boolean;
	fail: boolean;
	output?: string;
	writeOut?: string;
	maxTimeMs?: number;
	connectTimeoutMs?: number;
	method?: string;
	http1: boolean;
	/** -H values as given ("Name: value"). */
	headers: string[];
	userAgent?: string;
	/** -d / --data…: the request is a POST unless -X says otherwise. */
	data: boolean;
}

class UsageError extends Error {}

const VALUE_SHORT = new Set(['m', 'o', 'w', 'X', 'H', 'A', 'd', 'u', 'x', 'e', 'b', 'c', 'T', 'F', 'r', 'E', 'K', 'U', 'Y', 'y', 'z', 'C']);
const VALUE_LONG = new Set(['max-time', 'connect-timeout', 'output', 'write-out', 'request', 'header', 'user-agent', 'data', 'data-raw', 'user', 'proxy', 'referer', 'retry', 'retry-delay', 'retry-max-time', 'resolve', 'cacert', 'cert', 'key', 'interface', 'dns-servers', 'connect-to', 'range', 'limit-rate']);

function seconds(value: string, flag: string): number {
	const parsed = Number(value);
	if (!Number.isFinite(parsed) || parsed < 0) throw new UsageError(`curl: option ${flag}: expected a proper numerical parameter`);
	return Math.round(parsed * 1000);
}

export function parseCurlArgs(argv: string[]): CurlOptions {
	const options: CurlOptions = {urls: [], include: false, head: false, silent: false, showError: false, verbose: false, location: false, fail: false, http1: false, headers: [], data: false};
	const apply = (flag: string, value: string | undefined) => {
		switch (flag) {
			case 'i':
			case 'include':
				options.include = true;
				break;
			case 'I':
			case 'head':
				options.head = true;
				break;
			case 's':
			case 'silent':
				options.silent = true;
				break;
			case 'S':
			case 'show-error':
				options.showError = true;
				break;
			case 'v':
			case 'verbose':
				options.verbose = true;
				break;
			case 'L':
			case 'location':
				options.location = true;
				break;
			case 'f':
			case 'fail':
				options.fail = true;
				break;
			case 'o':
			case 'output':
				options.output = value;
				break;
			case 'w':
			case 'write-out':
				options.writeOut = value;
				break;
			case 'm':
			case 'max-time':
				options.maxTimeMs = seconds(value ?? '', `-m, --max-time`);
				break;
			case 'connect-timeout':
				options.connectTimeoutMs = seconds(value ?? '', '--connect-timeout');
				break;
			case 'X':
			case 'request':
				options.method = value;
				break;
			case 'H':
			case 'header':
				options.headers.push(value ?? '');
				break;
			case 'A':
			case 'user-agent':
				options.userAgent = value;
				break;
			case 'd':
			case 'data':
			case 'data-raw':
				options.data = true;
				break;
			default:
				break;
		}
	};
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index]!;
		if (arg.startsWith('--')) {
			const [flag, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
			const known = VALUE_LONG.has(flag) || ['include', 'head', 'silent', 'show-error', 'verbose', 'location', 'fail', 'insecure', 'http1.1', 'http2', 'compressed', 'ipv4', 'ipv6', 'no-progress-meter', 'progress-bar', 'fail-with-body', 'globoff', 'remote-name', 'remote-name-all', 'no-keepalive', 'tcp-nodelay', 'raw', 'no-buffer', 'tlsv1.2', 'tlsv1.3', 'ssl-no-revoke'].includes(flag);
			if (!known) throw new UsageError(`curl: option ${arg}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information`);
			if (flag === 'no-progress-meter') options.silent ||= false;
			if (flag === 'fail-with-body') options.fail = true;
			if (flag === 'http1.1') options.http1 = true;
			const value = VALUE_LONG.has(flag) ? (inline ?? argv[++index]) : undefined;
			if (VALUE_LONG.has(flag) && value === undefined) throw new UsageError(`curl: option ${arg}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information`);
			apply(flag, value);
		} else if (arg.startsWith('-') && arg.length > 1) {
			for (let position = 1; position < arg.length; position++) {
				const flag = arg[position]!;
				if (VALUE_SHORT.has(flag)) {
					const value = position + 1 < arg.length ? arg.slice(position + 1) : argv[++index];
					if (value === undefined) throw new UsageError(`curl: option -${flag}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information`);
					apply(flag, value);
					break;
				}
				if (!'iIsSvLfk4602qN#'.includes(flag)) throw new UsageError(`curl: option -${flag}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information`);
				apply(flag, undefined);
			}
		} else {
			options.urls.push(arg);
		}
	}
	return options;
}

interface ParsedUrl {
	scheme: 'http' | 'https';
	host: string;
	port: number;
	path: string;
}

function parseUrl(raw: string): ParsedUrl | undefined {
	const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
	let url: URL;
	try {
		url = new URL(withScheme);
	} catch {
		return undefined;
	}
	const scheme = url.protocol.replace(':', '');
	if (scheme !== 'http' && scheme !== 'https') return undefined;
	return {scheme, host: url.hostname, port: url.port ? Number(url.port) : scheme === 'https' ? 443 : 80, path: `${url.pathname}${url.search}`};
}

/** Something the practice cluster does not simulate: said plainly, exit 1, never a made-up success. */
class NotSimulated extends Error {}

class CurlFailure extends Error {
	constructor(
		readonly code: number,
		message: string,
	) {
		super(message);
	}
}

interface Transfer {
	response: HttpResponse;
	httpVersion: string;
	remoteIp: string;
	url: ParsedUrl;
	localIp: string;
	localPort: number;
}

function statusLine(transfer: Transfer): string {
	return transfer.httpVersion === '2' ? `HTTP/2 ${transfer.response.status}` : `HTTP/1.1 ${transfer.response.status} ${transfer.response.reason}`;
}

function headerBlock(transfer: Transfer): string {
	const lines = [statusLine(transfer), ...transfer.response.headers.map(([name, value]) => `${name}: ${value}`)];
	return `${lines.join('\r\n')}\r\n\r\n`;
}

/** curl's progress meter (printed on stderr when stdout is not a terminal and -s is not given). */
function progressMeter(bytes: number, elapsedMs: number): string {
	const seconds = elapsedMs / 1000;
	const clock = (value: number) => {
		const total = Math.round(value);
		return `${Math.floor(total / 3600)}:${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`.padStart(8);
	};
	const speed = seconds > 0 ? Math.round(bytes / seconds) : 0;
	const percent = bytes > 0 ? '100' : '0';
	const header = '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n';
	const spent = seconds >= 1 ? clock(seconds) : '--:--:--';
	const line = `${percent.padStart(3)} ${String(bytes).padStart(5)}  ${percent.padStart(3)} ${String(bytes).padStart(5)}    0     0 ${String(speed).padStart(6)}      0 --:--:-- ${spent} --:--:-- ${String(speed).padStart(5)}\n`;
	return header + line;
}

async function runCurl(argv: string[], io: ProgramIO, pod: KubeObject, datapath: Datapath): Promise<number> {
	let options: CurlOptions;
	try {
		options = parseCurlArgs(argv);
	} catch (error) {
		if (error instanceof UsageError) {
			io.stderr.write(`${error.message}\n`);
			return 2;
		}
		throw error;
	}
	if (options.urls.length === 0) {
		io.stderr.write("curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
		return 2;
	}
	const clock = datapath.ctx.clock;
	const showErrors = !options.silent || options.showError;
	const progress = !options.silent && !io.tty && !options.verbose;
	const verbose = (line: string) => options.verbose && io.stderr.write(`${line}\n`);
	let elapsedMs = 0;
	let exitCode = 0;
	let transfer: Transfer | undefined;
	let urlText = options.urls[0]!;
	const budgetLeft = () => (options.maxTimeMs === undefined ? undefined : Math.max(0, options.maxTimeMs - elapsedMs));
	try {
		for (let hop = 0; hop < 50; hop++) {
			const url = parseUrl(urlText);
			if (!url) throw new CurlFailure(3, `URL rejected: Malformed input to a URL function`);
			const resolved = await datapath.resolveHost(pod, url.host, {signal: io.signal, budgetMs: budgetLeft()});
			elapsedMs += resolved.elapsedMs;
			if (!resolved.ok && resolved.error === 'BUDGET') throw new CurlFailure(28, `Resolving timed out after ${elapsedMs + 1} milliseconds`);
			if (!resolved.ok) throw new CurlFailure(6, `Could not resolve host: ${url.host}`);
			const ip = resolved.ips[0]!;
			verbose(`* Host ${url.host}:${url.port} was resolved.\n* IPv6: (none)\n* IPv4: ${resolved.ips.join(', ')}\n*   Trying ${ip}:${url.port}...`);
			const maxBudget = budgetLeft();
			const connectBudget = Math.min(maxBudget ?? Number.POSITIVE_INFINITY, options.connectTimeoutMs ?? Number.POSITIVE_INFINITY);
			const connection: ConnectResult = await datapath.tcpConnect(pod, ip, url.port, {signal: io.signal, budgetMs: Number.isFinite(connectBudget) ? connectBudget : undefined});
			elapsedMs += connection.elapsedMs;
			if (connection.result === 'timeout') {
				const byMaxTime = maxBudget !== undefined && maxBudget <= (options.connectTimeoutMs ?? Number.POSITIVE_INFINITY);
				throw byMaxTime
					? new CurlFailure(28, `Connection timed out after ${elapsedMs + 2} milliseconds`)
					: new CurlFailure(28, `Failed to connect to ${url.host} port ${url.port} after ${elapsedMs + 2} ms: Timeout was reached`);
			}
			if (connection.result === 'kernel-timeout') {
				elapsedMs = Math.max(elapsedMs, KERNEL_CONNECT_TIMEOUT_MS);
				throw new CurlFailure(28, `Failed to connect to ${url.host} port ${url.port} after ${elapsedMs + 2247} ms: Couldn't connect to server`);
			}
			if (connection.result !== 'connected') throw new CurlFailure(7, `Failed to connect to ${url.host} port ${url.port} after ${Math.max(1, elapsedMs)} ms: Couldn't connect to server`);
			verbose(`* Connected to ${url.host} (${ip}) port ${url.port}`);
			if (url.scheme === 'https') verbose(`* ALPN: curl offers h2,http/1.1\n* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / x25519 / RSASSA-PSS\n* ALPN: server accepted h2\n* Server certificate:\n*  subject: CN=${url.host}\n*  SSL certificate verify ok.`);
			const remaining = budgetLeft();
			if (remaining !== undefined && remaining <= connection.elapsedMs * 2) {
				await clock.sleep(remaining, io.signal);
				elapsedMs = options.maxTimeMs!;
				throw new CurlFailure(28, `Operation timed out after ${elapsedMs + 1} milliseconds with 0 bytes received`);
			}
			if (url.scheme === 'https' && Datapath.httpProxied(connection)) {
				throw new NotSimulated('TLS to a port with HTTP L7 rules (Envoy without TLS interception) is not simulated by the practice cluster; use http:// or a policy without rules.http on this port');
			}
			const method = options.head ? 'HEAD' : (options.method ?? (options.data ? 'POST' : 'GET'));
			const authority = `${url.host}${url.port === (url.scheme === 'https' ? 443 : 80) ? '' : `:${url.port}`}`;
			const userAgent = options.userAgent ?? `curl/${CURL_VERSION}`;
			// What curl sends: Host, User-Agent, Accept, then -H (a -H of the same name replaces curl's own; "Name:" removes it).
			const extraHeaders = options.headers.flatMap((header): Array<[string, string]> => {
				const colon = header.indexOf(':');
				return colon > 0 ? [[header.slice(0, colon).trim(), header.slice(colon + 1).trim()]] : [];
			});
			const overridden = new Set(extraHeaders.map(([name]) => name.toLowerCase()));
			const sent: Array<[string, string]> = [
				...(overridden.has('host') ? [] : [['Host', authority] as [string, string]]),
				...(overridden.has('user-agent') || userAgent === '' ? [] : [['User-Agent', userAgent] as [string, string]]),
				...(overridden.has('accept') ? [] : [['Accept', '*/*'] as [string, string]]),
				...extraHeaders.filter(([, value]) => value !== ''),
			];
			const request: HttpRequest = {
				method,
				path: url.path || '/',
				authority: sent.find(([name]) => name.toLowerCase() === 'host')?.[1] ?? authority,
				headers: sent.filter(([name]) => name.toLowerCase() !== 'host').map(([name, value]) => [name.toLowerCase(), value]),
			};
			const serve = () => {
				const peerPod = connection.peer?.endpoint ? datapath.view().pods.get(`${connection.peer.endpoint.namespace}/${connection.peer.endpoint.name}`) : undefined;
				const image = String((peerPod as PodFields | undefined)?.spec?.containers?.[0]?.image ?? '');
				return connection.peer?.inCluster ? podResponse(image) : siteResponse(/^\d+\.\d+\.\d+\.\d+$/.test(url.host) ? ip : url.host, url.scheme, url.path || '/');
			};
			const exchange = await datapath.httpExchange(pod, connection, url.port, request, serve, io.signal);
			elapsedMs += exchange.elapsedMs;
			const response = exchange.answer;
			const httpVersion = url.scheme === 'https' && !connection.peer?.inCluster && !options.http1 ? '2' : '1.1';
			transfer = {response, httpVersion, remoteIp: ip, url, localIp: String(podFields(pod).status?.podIP ?? ''), localPort: connection.sourcePort ?? 0};
			verbose(`> ${method} ${url.path || '/'} HTTP/${httpVersion === '2' ? '2' : '1.1'}\n${sent.map(([name, value]) => `> ${name}: ${value}`).join('\n')}\n> `);
			verbose(`< ${statusLine(transfer)}\n${response.headers.map(([name, value]) => `< ${name}: ${value}`).join('\n')}\n< `);
			const location = response.headers.find(([name]) => name === 'location')?.[1];
			if (options.location && location && response.status >= 300 && response.status < 400) {
				if (options.include || options.head) writeOutput(io, options, headerBlock(transfer));
				urlText = location;
				continue;
			}
			break;
		}
		if (!transfer) throw new CurlFailure(47, 'Maximum (50) redirects followed');
		if (options.fail && transfer.response.status >= 400) throw new CurlFailure(22, `The requested URL returned error: ${transfer.response.status}`);
		let output = '';
		if (options.include || options.head) output += headerBlock(transfer);
		if (!options.head) output += transfer.response.body;
		writeOutput(io, options, output);
		if (progress) io.stderr.write(progressMeter(transfer.response.body.length, elapsedMs));
	} catch (error) {
		if (error instanceof NotSimulated) {
			io.stderr.write(`curl: ${error.message}\n`);
			return 1;
		}
		if (!(error instanceof CurlFailure)) {
			if (io.signal.aborted) return 130;
			throw error;
		}
		exitCode = error.code;
		if (progress) io.stderr.write(progressMeter(0, elapsedMs));
		if (showErrors) io.stderr.write(`curl: (${error.code}) ${error.message}\n`);
		if (options.writeOut) io.stdout.write(writeOut(options.writeOut, undefined, elapsedMs, exitCode, error.message));
		return exitCode;
	}
	if (options.writeOut) io.stdout.write(writeOut(options.writeOut, transfer, elapsedMs, 0, ''));
	return exitCode;
}

function writeOutput(io: ProgramIO, options: CurlOptions, text: string): void {
	if (options.output === undefined || options.output === '-') io.stdout.write(text);
}

function writeOut(format: string, transfer: Transfer | undefined, elapsedMs: number, exitCode: number, errorMessage: string): string {
	const variables: Record<string, string> = {
		http_code: String(transfer?.response.status ?? 0).padStart(3, '0'),
		response_code: String(transfer?.response.status ?? 0).padStart(3, '0'),
		time_total: (elapsedMs / 1000).toFixed(6),
		time_connect: (elapsedMs / 1000).toFixed(6),
		// Without a connection curl has no addresses: `:0 -> :0` (lib/getinfo.c: the ports are longs, 0 when unset).
		remote_ip: transfer?.remoteIp ?? '',
		remote_port: String(transfer?.url.port ?? 0),
		local_ip: transfer?.localIp ?? '',
		local_port: String(transfer?.localPort ?? 0),
		exitcode: String(exitCode),
		errormsg: errorMessage,
		http_version: transfer?.httpVersion ?? '0',
		size_download: String(transfer?.response.body.length ?? 0),
		url_effective: transfer ? `${transfer.url.scheme}://${transfer.url.host}${transfer.url.path || '/'}` : '',
		redirect_url: transfer?.response.headers.find(([name]) => name === 'location')?.[1] ?? '',
		content_type: transfer?.response.headers.find(([name]) => name === 'content-type')?.[1] ?? '',
	};
	return format
		.replace(/%\{([a-z_]+)\}/g, (_, name: string) => variables[name] ?? '')
		.replaceAll('\\n', '\n')
		.replaceAll('\\t', '\t')
		.replaceAll('\\r', '\r');
}

export const curl: PodProgram = (argv, io, pod, ctx) => runCurl(argv.slice(1), io, pod, Datapath.for(ctx));
