// `cilium-lab practice start|stop|status|reset|env`: the practice cluster from a shell.
import fs from 'node:fs';
import {parseArgs} from 'node:util';
import {labHome} from '../home.js';
import {parseSpeed} from './daemon/clock.js';
import {practiceEnv, practiceStatus, spawnDaemonEarly, startPractice, stopPractice} from './daemon/client.js';
import {practicePaths} from './daemon/paths.js';
import type {StateRecovery} from './api/persistence.js';

const USAGE = `Usage: cilium-lab practice <command> [--speed realtime|fast|instant] [--track k8s]

  start    start the practice daemon for this lab home (a ready-made cluster with --track k8s)
  stop     stop it; its state stays for the next start
  status   whether it runs, and the cluster in it
  reset    stop it and delete its state (objects, cluster, kubeconfig); asks whether to clear
           the progress made on it too (--progress clears it, --keep-progress keeps it)
  env      print the exports that point a shell at it: eval "$(cilium-lab practice env)"
`;

/** What the daemon could not read back from the saved state when it started: the learner must see it, not only daemon.log. */
function writeRecovery(out: NodeJS.WritableStream, recovery: StateRecovery | null | undefined): void {
	if (!recovery) return;
	out.write('warning: the saved practice cluster was damaged; what could be read was kept:\n');
	for (const line of recovery.lines) out.write(`  - ${line}\n`);
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

const OPTIONS = {speed: {type: 'string'}, track: {type: 'string'}, progress: {type: 'boolean'}, 'keep-progress': {type: 'boolean'}, help: {type: 'boolean', short: 'h'}} as const;

/**
 * `practice start` as soon as the app's loader sees it (src/load.ts): spawns the daemon exactly when practiceCommand would
 * (the arguments parse, a valid speed, no daemon running), and startPractice then waits for that one. Throws what
 * practiceCommand reports itself.
 */
export function spawnPracticeEarly(argv: string[]): void {
	const {values, positionals} = parseArgs({args: argv, options: OPTIONS, allowPositionals: true, strict: true});
	if (values.help || positionals[0] !== 'start') return;
	spawnDaemonEarly(labHome(), parseSpeed(values.speed ?? process.env.CILIUM_LAB_PRACTICE_SPEED));
}

export async function practiceCommand(argv: string[], io: {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream} = process): Promise<number> {
	let parsed;
	try {
		parsed = parseArgs({args: argv, options: OPTIONS, allowPositionals: true, strict: true});
	} catch (error) {
		io.stderr.write(`cilium-lab practice: ${(error as Error).message}\n${USAGE}`);
		return 1;
	}
	const {values, positionals} = parsed;
	const command = positionals[0];
	if (values.help || !command) {
		(values.help ? io.stdout : io.stderr).write(USAGE);
		return values.help ? 0 : 1;
	}
	const home = labHome();
	let speed;
	try {
		speed = parseSpeed(values.speed ?? process.env.CILIUM_LAB_PRACTICE_SPEED);
	} catch (error) {
		io.stderr.write(`cilium-lab practice: ${(error as Error).message}\n`);
		return 1;
	}
	try {
		switch (command) {
			case 'start': {
				const info = await startPractice({home, speed, track: values.track});
				const status = info.status ?? (await practiceStatus(home));
				io.stdout.write(`practice cluster (simulated) running: pid ${status.pid}, speed ${status.speed}\n`);
				io.stdout.write(status.cluster ? `cluster ${status.cluster.name}: ${status.cluster.nodeCount} nodes, API https://127.0.0.1:${status.cluster.apiPort}\n` : 'no cluster yet: `az aks create` makes one\n');
				io.stdout.write(`to use it from your shell: eval "$(cilium-lab practice env)"   (KUBECONFIG=${info.kubeconfig})\n`);
				writeRecovery(io.stderr, status.recovery);
				return 0;
			}
			case 'stop':
				await stopPractice(home);
				io.stdout.write('practice cluster stopped\n');
				return 0;
			case 'status': {
				const status = await practiceStatus(home);
				if (status.unresponsive) {
					io.stdout.write(`practice cluster: running but not answering, pid ${status.unresponsive.pid}: ${status.unresponsive.reason}\n(\`cilium-lab practice stop\` ends it)\n`);
					return 4;
				}
				if (!status.running) {
					io.stdout.write('practice cluster: not running\n');
					return 3;
				}
				io.stdout.write(`practice cluster (simulated): running, pid ${status.pid}, speed ${status.speed}, since ${status.startedAt}\n`);
				io.stdout.write(status.cluster ? `cluster ${status.cluster.name}: ${status.cluster.nodeCount} nodes, Kubernetes ${status.cluster.kubernetesVersion}, API https://127.0.0.1:${status.cluster.apiPort}\n` : 'no cluster (az aks create makes one)\n');
				writeRecovery(io.stdout, status.recovery);
				return 0;
			}
			case 'reset': {
				await stopPractice(home);
				const paths = practicePaths(home);
				for (const file of [paths.state, `${paths.state}.journal`, paths.kubeconfig, paths.info, paths.lock]) fs.rmSync(file, {force: true});
				fs.rmSync(paths.kubeCache, {recursive: true, force: true});
				io.stdout.write('practice cluster reset: its objects, cluster and kubeconfig are gone\n');
				return resetPracticeProgress(home, {clear: values.progress, keep: values['keep-progress']}, io);
			}
			case 'env': {
				const {env} = practiceEnv(home);
				for (const [name, value] of Object.entries(env)) {
					io.stdout.write(name === 'PATH' ? `export PATH=${shellQuote(practicePaths(home).bin)}:"$PATH"\n` : `export ${name}=${shellQuote(value)}\n`);
				}
				return 0;
			}
			default:
				io.stderr.write(`cilium-lab practice: unknown command "${command}"\n${USAGE}`);
				return 1;
		}
	} catch (error) {
		io.stderr.write(`cilium-lab practice ${command}: ${(error as Error).message}\n`);
		return 2;
	}
}

/** The steps completed on the practice cluster describe a cluster that is gone: ask whether to forget them too. */
async function resetPracticeProgress(home: string, answer: {clear?: boolean; keep?: boolean}, io: {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream}): Promise<number> {
	const {completedSteps, loadProgress, forgetProgressOn} = await import('../progress/store.js');
	const made = completedSteps((await loadProgress(home)).progress).filter((step) => step.context === 'practice').length;
	if (made === 0 || answer.keep) return 0;
	let clear = answer.clear === true;
	if (!clear && process.stdin.isTTY && process.stdout.isTTY) {
		const {createInterface} = await import('node:readline/promises');
		const rl = createInterface({input: process.stdin, output: process.stdout});
		try {
			clear = /^(y|yes|예|네|ㅇ)$/i.test((await rl.question(`Also clear the progress of the ${made} step(s) completed on it? [y/N] `)).trim());
		} finally {
			rl.close();
		}
	}
	if (!clear) {
		io.stdout.write(`progress kept: ${made} step(s) completed on the practice cluster still show as done (the lab re-checks them and flags what is gone; \`cilium-lab practice reset --progress\` or \`cilium-lab reset\` clears them)\n`);
		return 0;
	}
	io.stdout.write(`progress cleared: ${await forgetProgressOn(home, 'practice')} step(s) completed on the practice cluster\n`);
	return 0;
}
