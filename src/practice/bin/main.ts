// Entry of the simulated az, helm, cilium and hubble: `node dist/practice-tool.js <tool> args…`.
// A thin client: the tool runs in the practice daemon (see rpc-server.ts for the protocol); this
// process streams its output, forwards stdin when the tool reads it, and ends the request on
// Ctrl-C or SIGTERM.
import {readFileSync} from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import {labHome} from '../../home.js';
import type {ToolRequestFrame} from './rpc-server.js';

interface DaemonEndpoint {
	port: number;
	token: string;
	ca: string;
}

/** The practice directory: the daemon puts CILIUM_LAB_PRACTICE_DIR in the shims and in `practice env`. */
export function practiceDir(env: NodeJS.ProcessEnv = process.env): string {
	return env.CILIUM_LAB_PRACTICE_DIR ? path.resolve(env.CILIUM_LAB_PRACTICE_DIR) : path.join(labHome(env), 'practice');
}

/** The fields of daemon.json read here, in the spellings accepted; checked below before use. */
interface DaemonInfo {
	controlPort?: number;
	control?: {port?: number};
	token?: string;
	ca?: string;
	caPem?: string;
	caData?: string;
	caFile?: string;
	caPath?: string;
}

function readEndpoint(dir: string): DaemonEndpoint | string {
	const file = path.join(dir, 'daemon.json');
	let info: DaemonInfo;
	try {
		info = JSON.parse(readFileSync(file, 'utf8'));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'not-running';
		return `cannot read ${file}: ${(error as Error).message}`;
	}
	const port = info.controlPort ?? info.control?.port;
	const token = info.token;
	let ca: string | undefined = info.ca ?? info.caPem ?? info.caData;
	const caFile: string | undefined = info.caFile ?? info.caPath;
	if (!ca && caFile) {
		try {
			ca = readFileSync(path.resolve(dir, caFile), 'utf8');
		} catch (error) {
			return `cannot read the practice CA ${caFile}: ${(error as Error).message}`;
		}
	}
	if (typeof port !== 'number' || typeof token !== 'string' || typeof ca !== 'string') {
		return `${file} does not say where the practice daemon listens (controlPort, token, ca)`;
	}
	return {port, token, ca};
}

function notRunning(tool: string): never {
	process.stderr.write(
		`${tool}: the cilium-lab practice cluster is not running.\n` +
			`Start it with:  cilium-lab practice start\n` +
			`(or open the lab with \`npm start\`, which starts it for you)\n`,
	);
	process.exit(3);
}

function main(): void {
	const [tool, ...argv] = process.argv.slice(2);
	if (!tool) {
		process.stderr.write('usage: practice-tool <az|helm|cilium|hubble> [args…]\n');
		process.exit(2);
	}
	const endpoint = readEndpoint(practiceDir());
	if (endpoint === 'not-running') notRunning(tool);
	if (typeof endpoint === 'string') {
		process.stderr.write(`${tool}: ${endpoint}\n`);
		process.exit(3);
	}

	const start: ToolRequestFrame = {
		tool,
		argv,
		env: Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
		cwd: process.cwd(),
		tty: Boolean(process.stdout.isTTY),
		columns: process.stdout.columns,
	};
	const request = https.request({
		host: '127.0.0.1',
		port: endpoint.port,
		method: 'POST',
		path: '/practice/v1/tools/run',
		ca: endpoint.ca,
		headers: {authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/x-ndjson'},
	});
	let exitCode: number | undefined;
	let forwardingStdin = false;
	const finish = (code: number) => {
		// Let stdout and stderr drain before leaving, even when stdin is still open.
		process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
	};
	const interrupt = (code: number) => () => {
		request.destroy();
		finish(code);
	};
	process.on('SIGINT', interrupt(130));
	process.on('SIGTERM', interrupt(143));
	process.on('SIGHUP', interrupt(129));

	request.on('error', error => {
		if (exitCode !== undefined) return;
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ECONNREFUSED') notRunning(tool);
		process.stderr.write(`${tool}: cannot reach the practice daemon on 127.0.0.1:${endpoint.port}: ${error.message}\n`);
		finish(3);
	});
	request.on('response', response => {
		if (response.statusCode !== 200) {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', chunk => (body += chunk));
			response.on('end', () => {
				const hint = response.statusCode === 401 ? ' (the token in daemon.json was refused; restart with `cilium-lab practice stop` then `start`)' : '';
				process.stderr.write(`${tool}: the practice daemon answered ${response.statusCode}: ${body.trim()}${hint}\n`);
				finish(3);
			});
			return;
		}
		let buffer = '';
		response.setEncoding('utf8');
		response.on('data', (chunk: string) => {
			buffer += chunk;
			let newline: number;
			while ((newline = buffer.indexOf('\n')) >= 0) {
				const line = buffer.slice(0, newline);
				buffer = buffer.slice(newline + 1);
				if (line === '') continue;
				const frame = JSON.parse(line) as Record<string, unknown>;
				if (typeof frame.stdout === 'string') process.stdout.write(frame.stdout);
				else if (typeof frame.stderr === 'string') process.stderr.write(frame.stderr);
				else if (frame.readStdin === true && !forwardingStdin) {
					forwardingStdin = true;
					process.stdin.setEncoding('utf8');
					process.stdin.on('data', (text: string) => request.write(`${JSON.stringify({stdin: text})}\n`));
					process.stdin.on('end', () => request.end(`${JSON.stringify({stdinEnd: true})}\n`));
				} else if (typeof frame.exit === 'number') exitCode = frame.exit;
			}
		});
		response.on('end', () => {
			if (exitCode === undefined) {
				process.stderr.write(`${tool}: the practice daemon stopped before the command finished\n`);
				finish(3);
				return;
			}
			request.destroy();
			finish(exitCode);
		});
	});
	request.write(`${JSON.stringify(start)}\n`);
}

main();
