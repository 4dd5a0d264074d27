// `hubble observe` / `hubble status` over a set of flows: used by hubble inside a cilium pod (local node) and
// by the host tool through hubble-relay (every node). Flags follow hubble/cmd/observe.
import {cobraKnows, cobraUnknownCommand, HUBBLE_ROOT} from '../cloud/cobra.js';
import type {ProgramIO} from '../types.js';
import {ciliumBehaviour, GUIDE_CILIUM_VERSION, type CiliumBehaviour} from '../versions.js';
import {BOOLEAN_FILTER_FLAGS, FILTER_FLAGS, HubbleFilterError, HubbleFilters, UNSIMULATED_FILTER_FLAGS} from './hubble-filter.js';
import {flowMatches, formatCompact, formatJson, stampMilli, type Flow, type FlowFilter} from './flows.js';

export interface FlowSource {
	flows(): readonly Flow[];
	subscribe(listener: (flow: Flow) => void): () => void;
	now(): number;
	maxFlows: number;
	/** "unix:///var/run/cilium/hubble.sock" or "localhost:4245". */
	address: string;
	connectedNodes?: {connected: number; total: number};
	/** The Cilium version the agents run: the in-pod hubble is that version's, and the host CLI is taken to match it. */
	ciliumVersion?: string;
}

/** Go-style durations (`5m`, `1h30m`, `90s`) or RFC 3339 timestamps, as --since/--until take them. */
export function parseSince(value: string, now: number): number | undefined {
	const duration = /^(\d+(?:\.\d+)?(ms|s|m|h))+$/.test(value);
	if (duration) {
		let total = 0;
		for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[unit as 'ms']!;
		return now - total;
	}
	const parsed = Date.parse(value);
	return Number.isNaN(parsed) ? undefined : parsed;
}

function observeHelp(behaviour: CiliumBehaviour): string {
	const lines = OBSERVE_HELP.replace('hubble v1.16.4', `hubble v${behaviour.version}`);
	const added = [
		...(behaviour.hubblePolicyNames ? ['      --print-policy-names (from 1.18: policy names after ALLOWED/DENIED)'] : []),
		...(behaviour.hubbleFieldMaskRenamed
			? ['      --field-mask, --use-default-field-masks (1.18 and before: --experimental-field-mask,', '      --experimental-use-default-field-masks), --encrypted, --unencrypted: not simulated']
			: ['      --experimental-field-mask, --experimental-use-default-field-masks: not simulated']),
	];
	return `${lines}${added.join('\n')}\n`;
}

/** Flags of hubble observe that exist only in some versions: the version that has them, and whether the practice cluster simulates them. */
function versionedFlag(flag: string, behaviour: CiliumBehaviour): 'simulated' | 'not-simulated' | 'unknown' | undefined {
	switch (flag) {
		case 'print-policy-names':
			return behaviour.hubblePolicyNames ? 'simulated' : 'unknown';
		case 'experimental-field-mask':
		case 'experimental-use-default-field-masks':
			return behaviour.hubbleFieldMaskRenamed ? 'unknown' : 'not-simulated';
		case 'field-mask':
		case 'use-default-field-masks':
		case 'encrypted':
		case 'unencrypted':
			return behaviour.hubbleFieldMaskRenamed ? 'not-simulated' : 'unknown';
		default:
			return undefined;
	}
}

const OBSERVE_HELP = `Observe provides visibility into flow information on the network and
application level. Rich filtering enable observing specific flows related to
individual pods, services, TCP connections, DNS queries, HTTP requests and
more.

Usage:
  hubble observe [flags]

Flags (simulated; their semantics are hubble v1.16.4's):
      --not, --label/-l, --from-label, --to-label, --pod, --from-pod, --to-pod,
      --ip, --from-ip, --to-ip, --fqdn, --from-fqdn, --to-fqdn, -n/--namespace,
      --from-namespace, --to-namespace, -A/--all-namespaces, --port, --from-port,
      --to-port, --identity, --from-identity, --to-identity, --verdict, -t/--type,
      --protocol, --node-name, --last N, --since, --until, -f/--follow,
      -o compact|json|jsonpb, --print-node-name
`;

export async function hubbleObserve(argv: string[], io: ProgramIO, source: FlowSource): Promise<number> {
	const filter: FlowFilter = {};
	const filters = new HubbleFilters();
	let last: number | undefined;
	let follow = false;
	let output = 'compact';
	let nodeName = false;
	let policyNames = false;
	const behaviour = ciliumBehaviour(source.ciliumVersion ?? GUIDE_CILIUM_VERSION);
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index]!;
		const [flag, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
		const value = () => {
			const found = inline ?? argv[++index];
			if (found === undefined) throw new ObserveError(`flag needs an argument: ${arg}`);
			return found;
		};
		if (arg === '-h' || arg === '--help') {
			io.stdout.write(observeHelp(behaviour));
			return 0;
		}
		if (!arg.startsWith('-')) throw new ObserveError(`unknown command "${arg}" for "hubble observe"`);
		const versioned = versionedFlag(flag, behaviour);
		if (versioned === 'unknown') throw new ObserveError(`unknown flag: ${arg.split('=')[0]}`);
		if (versioned === 'not-simulated') {
			io.stderr.write(`hubble observe --${flag} is not simulated by the practice cluster\n`);
			return 1;
		}
		if (flag === 'print-policy-names') policyNames = true;
		else if (flag === 'f' || flag === 'follow') follow = true;
		else if (flag === 'last') last = Number(value());
		else if (flag === 'o' || flag === 'output') output = value();
		else if (flag === 'print-node-name') nodeName = true;
		else if (flag === 'since' || flag === 'until') {
			const text = value();
			const time = parseSince(text, source.now());
			if (time === undefined) throw new ObserveError(`invalid --${flag} value: ${text}`);
			filter[flag] = time;
		} else if (BOOLEAN_FILTER_FLAGS.has(flag)) {
			setFilter(filters, flag, 'true');
		} else if (FILTER_FLAGS.has(flag)) {
			setFilter(filters, flag, value());
		} else if (UNSIMULATED_FILTER_FLAGS.has(flag)) {
			io.stderr.write(`hubble observe --${flag} is not simulated by the practice cluster\n`);
			return 1;
		} else if (['all', 'a', 'first', 'color', 'time-format', 'server', 'tls', 'tls-allow-insecure', 'P', 'port-forward'].includes(flag)) {
			if (['first', 'color', 'time-format', 'server'].includes(flag)) value();
		} else {
			throw new ObserveError(`unknown flag: ${arg}`);
		}
	}
	if (!['compact', 'json', 'jsonpb'].includes(output)) {
		io.stderr.write(`hubble: output format "${output}" is not simulated by the practice cluster (use compact or json)\n`);
		return 1;
	}
	const print = (flow: Flow) => io.stdout.write(`${output === 'compact' ? formatCompact(flow, {nodeName, policyNames}) : formatJson(flow)}\n`);
	if (last === undefined && !follow && filter.since === undefined) last = 20;
	const passes = filters.compile();
	const history = source.flows().filter((flow) => flowMatches(flow, filter) && passes(flow));
	const shown = follow && last === undefined && filter.since === undefined ? [] : last === undefined ? history : history.slice(-last);
	for (const flow of shown) print(flow);
	if (!follow) return 0;
	let interrupted = false;
	await new Promise<void>((resolve) => {
		const unsubscribe = source.subscribe((flow) => {
			if (flowMatches(flow, {...filter, since: undefined}) && passes(flow)) print(flow);
		});
		const stop = () => {
			unsubscribe();
			resolve();
		};
		if (io.signal.aborted) stop();
		else io.signal.addEventListener('abort', stop, {once: true});
		void consumeStdinUntilClosed(io, () => {
			interrupted = true;
			stop();
		});
	});
	return interrupted ? 130 : 0;
}

/** An interactive ^C (on a tty) ends --follow as it ends the real one. */
async function consumeStdinUntilClosed(io: ProgramIO, stop: () => void): Promise<void> {
	if (!io.stdin || !io.tty) return;
	for await (const chunk of io.stdin) {
		if (chunk.includes('\x03')) {
			io.stdout.write('^C\n');
			stop();
			return;
		}
	}
}

class ObserveError extends Error {}

const SHORTHANDS: Record<string, string> = {label: 'l', namespace: 'n', type: 't', 'all-namespaces': 'A'};
const LONG_NAMES: Record<string, string> = {l: 'label', n: 'namespace', t: 'type', A: 'all-namespaces'};

/** pflag FlagSet.set: a Value.Set error comes back as `invalid argument "V" for "-s, --name" flag: …`. */
function setFilter(filters: HubbleFilters, flag: string, value: string): void {
	try {
		filters.set(flag, value);
	} catch (error) {
		if (!(error instanceof HubbleFilterError)) throw error;
		const name = LONG_NAMES[flag] ?? flag;
		const shorthand = SHORTHANDS[name];
		throw new HubbleFilterError(`invalid argument ${JSON.stringify(value)} for "${shorthand ? `-${shorthand}, ` : ''}--${name}" flag: ${error.message}`);
	}
}

export function hubbleStatus(io: ProgramIO, source: FlowSource): number {
	const count = source.flows().length;
	const flows = source.flows();
	const window = flows.slice(-200);
	let rate = 0;
	if (window.length > 1) {
		const seconds = (Date.parse(window.at(-1)!.time) - Date.parse(window[0]!.time)) / 1000;
		rate = seconds > 0 ? window.length / seconds : 0;
	}
	const format = (value: number) => value.toLocaleString('en-US');
	io.stdout.write(`Healthcheck (via ${source.address}): Ok\n`);
	io.stdout.write(`Current/Max Flows: ${format(count)}/${format(source.maxFlows)} (${((count / source.maxFlows) * 100).toFixed(2)}%)\n`);
	io.stdout.write(`Flows/s: ${rate.toFixed(2)}\n`);
	if (source.connectedNodes) io.stdout.write(`Connected Nodes: ${source.connectedNodes.connected}/${source.connectedNodes.total}\n`);
	return 0;
}

/** `hubble <command> …` dispatch shared by the in-pod and host binaries. */
export async function runHubble(argv: string[], io: ProgramIO, source: FlowSource): Promise<number> {
	const [command, ...rest] = argv;
	try {
		switch (command) {
			case 'observe':
				return await hubbleObserve(rest, io, source);
			case 'status':
				return hubbleStatus(io, source);
			case 'version':
			case '--version':
				io.stdout.write('hubble v1.16.4 compiled with go1.22.10 on linux/amd64\n');
				return 0;
			case undefined:
			case 'help':
			case '-h':
			case '--help':
				io.stdout.write('Hubble is a utility to observe and inspect recent Cilium routed traffic in a cluster.\n\nUsage:\n  hubble [command]\n\nAvailable Commands (simulated):\n  observe     Observe flows of a Hubble server\n  status      Display status of Hubble server\n  version     Display detailed version information\n');
				return 0;
			default:
				if (!cobraKnows(HUBBLE_ROOT, command)) return cobraUnknownCommand(io, HUBBLE_ROOT, command);
				io.stderr.write(`hubble ${command} is not simulated by the practice cluster (observe, status and version are)\n`);
				return 1;
		}
	} catch (error) {
		if (error instanceof ObserveError || error instanceof HubbleFilterError) {
			// hubble's root silences cobra's errors; main.go prints err.Error() alone (hubble v1.16.4 main.go).
			io.stderr.write(`${error.message}\n`);
			return 1;
		}
		throw error;
	}
}

export {stampMilli};
