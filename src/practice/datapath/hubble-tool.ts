// The `hubble` CLI on the host: it reaches Hubble Relay through `cilium hubble port-forward` (127.0.0.1:4245),
// and sees the flows of every node, as hubble-relay serves them.
import net from 'node:net';
import type {HostTool, PracticeContext} from '../types.js';
import {runHubble, type FlowSource} from './hubble-cli.js';
import {relayForwardPorts} from '../cloud/cilium.js';
import {Datapath} from './runtime.js';
import {podFields} from './view.js';

const DEFAULT_SERVER = 'localhost:4245';

function relayRunning(ctx: PracticeContext): boolean {
	return ctx.store
		.list('v1', 'Pod', {namespace: 'kube-system'})
		.some((pod) => pod.metadata.labels?.['k8s-app'] === 'hubble-relay' && podFields(pod).status?.phase === 'Running' && !pod.metadata.deletionTimestamp);
}

function probe(host: string, port: number): Promise<string | undefined> {
	return new Promise((resolve) => {
		const socket = net.connect({host: host === 'localhost' ? '127.0.0.1' : host, port});
		socket.setTimeout(2000);
		socket.once('connect', () => {
			socket.destroy();
			resolve(undefined);
		});
		socket.once('timeout', () => {
			socket.destroy();
			resolve('i/o timeout');
		});
		socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'connect: connection refused' : error.message));
	});
}

function splitServer(server: string): {host: string; port: number} {
	const trimmed = server.replace(/^[a-z]+:\/\//, '');
	const colon = trimmed.lastIndexOf(':');
	return colon > 0 ? {host: trimmed.slice(0, colon), port: Number(trimmed.slice(colon + 1))} : {host: trimmed, port: 4245};
}

/** Pulls `--server X` / `--server=X` out of argv (hubble's global flag), with HUBBLE_SERVER as the default. */
function takeServer(argv: string[], env: Record<string, string>): {server: string; rest: string[]} {
	const rest: string[] = [];
	let server = env.HUBBLE_SERVER || DEFAULT_SERVER;
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index]!;
		if (arg === '--server') server = argv[++index] ?? server;
		else if (arg.startsWith('--server=')) server = arg.slice('--server='.length);
		else rest.push(arg);
	}
	return {server, rest};
}

export const hubble: HostTool = async (argv, io, ctx) => {
	const {server, rest} = takeServer(argv, io.env);
	const [command] = rest;
	if (command === 'observe' || command === 'status') {
		const {host, port} = splitServer(server);
		const ipForMessage = host === 'localhost' ? '127.0.0.1' : host;
		// Something answering on the port is not enough: it must be this practice cluster's port-forward (another
		// learner's relay on a shared host is another cluster), as a real hubble would fail its handshake there.
		const local = host === 'localhost' || host === '127.0.0.1';
		const problem =
			(await probe(host, port)) ?? (local && !relayForwardPorts.has(port) ? 'connection reset by peer (not this practice cluster\'s Hubble Relay)' : undefined) ?? (relayRunning(ctx) ? undefined : 'connection reset by peer');
		if (problem) {
			const verb = command === 'status' ? 'failed to connect to' : 'failed to connect to';
			io.stderr.write(`${verb} '${server}': context deadline exceeded: connection error: desc = "transport: error while dialing: dial tcp ${ipForMessage}:${port}: ${problem}"\n`);
			return 1;
		}
	}
	const datapath = Datapath.for(ctx);
	const view = datapath.view();
	const source: FlowSource = {
		flows: () => datapath.allFlows(),
		subscribe: (listener) => datapath.onFlow(listener),
		now: () => datapath.now(),
		maxFlows: 4095 * Math.max(1, view.ciliumNodes.size),
		address: server,
		connectedNodes: {connected: view.ciliumNodes.size, total: view.nodes.length},
		ciliumVersion: view.behaviour.version,
	};
	return runHubble(rest, io, source);
};
