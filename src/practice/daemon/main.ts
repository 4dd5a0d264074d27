// Entry of the practice daemon (bundled as dist/practice-daemon.js): one per lab home.
//   node practice-daemon.js --home <lab home> [--speed fast]
// Tells the process that started it it is ready by writing one JSON line to fd 3 (when open).
import fs from 'node:fs';
import {parseArgs} from 'node:util';
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';
import type {PracticeContext, PracticePart} from '../types.js';
import {createStore} from '../api/store.js';
import {createApiHandler, readBody, statusBody, tokenMatches} from '../api/server.js';
import {listenHttps, type HttpsListener} from '../api/listener.js';
import {handleToolRequest} from '../bin/rpc-server.js';
import {start as startControllers} from '../controllers/index.js';
import {start as startDatapath} from '../datapath/index.js';
import {writeFileAtomic} from '../../atomic-write.js';
import {ensureCredentials} from './tls.js';
import {createClock, parseSpeed} from './clock.js';
import {createLifecycle, repointKubeconfig} from './cluster.js';
import {practicePaths, type DaemonInfo} from './paths.js';
import {isAlive} from './pid.js';
import {createActivity, parseIdleExit, watchLifetime} from './lifetime.js';
import {createDaemonLog} from './log.js';
import {traceStartup} from '../../startup-trace.js';

declare const __VERSION__: string | undefined;

/** The parts that run inside the daemon, in the order they start (the datapath registers validators the API uses). */
const PARTS: Array<{name: string; start: PracticePart}> = [
	{name: 'controllers', start: startControllers},
	{name: 'datapath', start: startDatapath},
];

/** The control port's requests are a few small JSON fields (tools stream theirs in frames of their own). */
const CONTROL_BODY_LIMIT = 64 * 1024;

function signalReady(message: object): void {
	try {
		fs.writeSync(3, `${JSON.stringify(message)}\n`);
		fs.closeSync(3);
	} catch {
		// Started by hand, without the pipe: nothing to tell.
	}
}

/** One daemon per home: an exclusive lock file holding the pid; a stale one (dead pid) is taken over. */
function takeLock(lockFile: string): boolean {
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = fs.openSync(lockFile, 'wx', 0o600);
			fs.writeSync(fd, String(process.pid));
			fs.closeSync(fd);
			return true;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const holder = Number(fs.readFileSync(lockFile, 'utf8').trim());
			if (holder && holder !== process.pid && isAlive(holder)) return false;
			fs.rmSync(lockFile, {force: true});
		}
	}
	return false;
}

function readPid(file: string, parse: (text: string) => number): number | undefined {
	try {
		return parse(fs.readFileSync(file, 'utf8').trim());
	} catch {
		return undefined;
	}
}

async function main(): Promise<void> {
	traceStartup('daemon: loaded');
	const {values} = parseArgs({options: {home: {type: 'string'}, speed: {type: 'string'}}, strict: true});
	if (!values.home) throw new Error('--home is required');
	const paths = practicePaths(values.home);
	fs.mkdirSync(paths.dir, {recursive: true, mode: 0o700});
	const log = createDaemonLog();
	// Node's own warnings go through process.stderr: a failed write there must not become an uncaught error either.
	process.stderr.on('error', () => undefined);
	const idleExitMs = parseIdleExit(process.env.CILIUM_LAB_PRACTICE_IDLE_EXIT_SECONDS);
	if (!takeLock(paths.lock)) {
		signalReady({alreadyRunning: true});
		return;
	}
	// However it ends (a part that did not start included), the lock goes with the process.
	process.on('exit', () => {
		if (readPid(paths.lock, Number) === process.pid) fs.rmSync(paths.lock, {force: true});
	});
	const speed = parseSpeed(values.speed ?? process.env.CILIUM_LAB_PRACTICE_SPEED);
	// Every request and stream (watch, exec, attach, port-forward, a tool's call) keeps the daemon from idling out.
	const activity = createActivity();
	const credentials = await ensureCredentials(paths.dir);
	traceStartup('daemon: credentials');
	const store = createStore({statePath: paths.state, log});
	traceStartup('daemon: store');
	const clock = createClock(speed);

	let apiListener: HttpsListener | undefined;
	let controlListener: HttpsListener | undefined;
	const lastApiPort = () => store.sections.read<number | null>('practice.apiPort', null) ?? undefined;
	const context = {} as PracticeContext;
	const apiHandler = createApiHandler({store, token: credentials.token, context, log, serverAddress: () => `127.0.0.1:${apiListener?.port ?? 0}`});
	const stopParts: Array<() => void> = [];
	const api = {
		handleRequest: (req: IncomingMessage, res: ServerResponse) => {
			res.once('close', activity.begin());
			apiHandler.handleRequest(req, res);
		},
		handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => {
			socket.once('close', activity.begin());
			apiHandler.handleUpgrade(req, socket, head);
		},
	};

	const writeInfo = () => {
		const info: DaemonInfo = {
			pid: process.pid,
			controlPort: controlListener!.port,
			apiPort: apiListener?.port ?? null,
			token: credentials.token,
			caFile: credentials.caFile,
			home: values.home!,
			practiceDir: paths.dir,
			speed,
			version: typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev',
			startedAt: startedAt,
			idleExitSeconds: idleExitMs === undefined ? null : idleExitMs / 1000,
		};
		// Where this running daemon listens: gone with it, so it needs no fsync (a crash leaves a stale pid, which readers check).
		writeFileAtomic(paths.info, JSON.stringify(info, null, 2), {durable: false});
	};
	const startedAt = new Date().toISOString();

	const openApi = async (): Promise<number> => {
		if (apiListener) return apiListener.port;
		const wanted = lastApiPort();
		const listen = (port?: number) => listenHttps({tls: credentials, token: credentials.token, port, onRequest: api.handleRequest, onUpgrade: api.handleUpgrade});
		try {
			apiListener = await listen(wanted);
		} catch {
			apiListener = await listen(0);
		}
		if (apiListener.port !== wanted) {
			store.sections.write('practice.apiPort', apiListener.port);
			repointKubeconfig(paths.kubeconfig, apiListener.port);
		}
		return apiListener.port;
	};
	const closeApi = async () => {
		apiHandler.closeWatches();
		await apiListener?.close();
		apiListener = undefined;
	};
	const cluster = createLifecycle({
		store,
		openApi,
		closeApi,
		apiPort: () => apiListener?.port,
		caPem: credentials.caPem,
		token: credentials.token,
		kubeconfigPath: paths.kubeconfig,
		onChange: () => writeInfo(),
	});
	Object.assign(context, {store, clock, sections: store.sections, cluster});
	// Before the listeners open, so no request finds a cluster without its controllers, datapath or validators.
	for (const part of PARTS) {
		try {
			const stop = await part.start(context);
			if (typeof stop === 'function') stopParts.push(stop);
		} catch (error) {
			throw new Error(`the practice ${part.name} did not start: ${(error as Error)?.message ?? error}`, {cause: error});
		}
	}

	traceStartup('daemon: parts started');
	const json = (res: ServerResponse, code: number, body: unknown) => {
		const text = JSON.stringify(body);
		res.writeHead(code, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)});
		res.end(text);
	};

	let stopping = false;
	const shutdown = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		for (const stop of stopParts) {
			try {
				stop();
			} catch (error) {
				log(`stopping a part failed: ${(error as Error).message}`);
			}
		}
		await closeApi();
		await controlListener?.close();
		try {
			store.close();
		} catch (error) {
			// The practice directory was deleted under us: there is nowhere left to keep the state.
			log(`the state was not saved: ${(error as Error).message}`);
		}
		// Only our own files: a practice directory made again at the same path may have its own daemon by now.
		if (readPid(paths.info, (text) => (JSON.parse(text) as DaemonInfo).pid) === process.pid) fs.rmSync(paths.info, {force: true});
		if (readPid(paths.lock, Number) === process.pid) fs.rmSync(paths.lock, {force: true});
		process.exit(code);
	};

	const control = async (req: IncomingMessage, res: ServerResponse) => {
		const url = new URL(req.url ?? '/', 'https://localhost');
		if (!tokenMatches(req.headers.authorization, credentials.token)) return json(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
		if (url.pathname.startsWith('/practice/v1/tools/')) return handleToolRequest(req, res, context);
		switch (`${req.method} ${url.pathname}`) {
			case 'GET /practice/v1/status': {
				const record = cluster.record();
				return json(res, 200, {
					pid: process.pid,
					home: values.home,
					speed,
					startedAt,
					cluster: record ? {...record, apiPort: apiListener?.port ?? null} : null,
					resourceVersion: store.resourceVersion(),
					recovery: store.recovery ?? null,
					logLinesDropped: log.dropped(),
				});
			}
			case 'POST /practice/v1/cluster': {
				let text: string;
				try {
					text = (await readBody(req, CONTROL_BODY_LIMIT)).toString('utf8');
				} catch (error) {
					// Too large: answer, and let the rest of the body drain without keeping it.
					req.resume();
					const status = error as {code: number; reason: string; message: string};
					return json(res, status.code, statusBody(status.code, status.reason, status.message));
				}
				let body: {name?: string; nodeCount?: number; writeKubeconfig?: boolean; cni?: 'none' | 'azure' | 'kubenet'; platform?: 'aks' | 'k8s'};
				try {
					body = JSON.parse(text || '{}');
					if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not a JSON object');
				} catch (error) {
					return json(res, 400, statusBody(400, 'BadRequest', `the body must be a JSON object: ${(error as Error).message}`));
				}
				if (body.cni !== undefined && !['none', 'azure', 'kubenet'].includes(body.cni)) return json(res, 400, statusBody(400, 'BadRequest', `unknown cni "${String(body.cni)}": use none, azure or kubenet`));
				if (body.platform !== undefined && body.platform !== 'aks' && body.platform !== 'k8s') return json(res, 400, statusBody(400, 'BadRequest', `unknown platform "${String(body.platform)}": use aks or k8s`));
				if (!cluster.record()) await cluster.create({name: body.name ?? 'practice', nodeCount: body.nodeCount ?? 3, cni: body.cni, platform: body.platform});
				if (body.writeKubeconfig) writeFileAtomic(paths.kubeconfig, cluster.kubeconfig(body.name ?? cluster.record()!.name));
				return json(res, 200, {apiPort: apiListener?.port, kubeconfig: paths.kubeconfig});
			}
			case 'DELETE /practice/v1/cluster':
				if (cluster.record()) await cluster.remove();
				return json(res, 200, {removed: true});
			case 'POST /practice/v1/shutdown':
				json(res, 200, {stopping: true});
				setImmediate(() => void shutdown(0));
				return;
			default:
				return json(res, 404, statusBody(404, 'NotFound', `no such practice endpoint: ${req.method} ${url.pathname}`));
		}
	};

	controlListener = await listenHttps({
		tls: credentials,
		token: credentials.token,
		// A tool's call streams its stdin in the request body for as long as the tool runs.
		limits: {requestTimeoutMs: 0},
		onRequest: (req, res) => {
			res.once('close', activity.begin());
			control(req, res).catch((error: unknown) => {
				log(`control request failed: ${(error as Error).stack ?? error}`);
				if (!res.headersSent) json(res, 500, {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: (error as Error).message, reason: 'InternalError', code: 500});
				else res.end();
			});
		},
	});
	if (cluster.record()) await openApi();
	writeInfo();

	watchLifetime({
		practiceDir: paths.dir,
		activity,
		idleExitMs,
		onExit: (reason, detail) => {
			log(`stopping (${reason}): ${detail}`);
			void shutdown(0);
		},
	});
	process.on('SIGTERM', () => void shutdown(0));
	process.on('SIGINT', () => void shutdown(0));
	process.on('uncaughtException', (error) => log(`uncaught: ${error.stack ?? error}`));
	process.on('unhandledRejection', (error) => log(`unhandled rejection: ${(error as Error)?.stack ?? error}`));
	const record = cluster.record();
	traceStartup('daemon: ready');
	// The status `practice start` prints, so it need not ask for it.
	signalReady({ready: true, pid: process.pid, controlPort: controlListener.port, apiPort: apiListener?.port ?? null, speed, startedAt, cluster: record ? {...record, apiPort: apiListener?.port ?? null} : null, recovery: store.recovery ?? null});
}

main().catch((error: unknown) => {
	const message = (error as Error)?.message ?? String(error);
	createDaemonLog()(`practice daemon: ${(error as Error)?.stack ?? message}`);
	signalReady({error: message});
	process.exit(1);
});
