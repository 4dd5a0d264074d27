// Walks one track of the lab through the built app, step by step, as a facilitator would: before each step,
// `cilium-lab check LESSON/STEP` once (its checks must fail: the step has not run yet), then
// `cilium-lab run LESSON/STEP --yes --solve` (its solve script, then its checks until they pass).
import {execFile} from 'node:child_process';
import {cpSync, mkdtempSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {loadLab} from '../../src/lab/loader.js';
import type {Step, TrackId} from '../../src/lab/types.js';
import {visibleSteps} from '../../src/session/gating.js';

export const BUILT_CLI = path.resolve('dist/cilium-lab.js');
export const lab = loadLab(path.resolve('lessons'));

/**
 * The built app as an installed package (package.json, dist without source maps, lessons, assets) in a temp dir:
 * a rebuild of dist/ while the walk runs (others build in the same checkout) would swap the chunks under it.
 */
export function installSnapshot(): {root: string; cli: string} {
	const root = mkdtempSync(path.join(os.tmpdir(), 'lessons-walk-app-'));
	for (const entry of ['package.json', 'dist', 'lessons', 'assets']) {
		cpSync(path.resolve(entry), path.join(root, entry), {recursive: true, filter: (source) => !source.endsWith('.map')});
	}
	return {root, cli: path.join(root, 'dist', 'cilium-lab.js')};
}

let cli = BUILT_CLI;
/** Which built app the walk runs (default: dist/ of the checkout). */
export function useCli(file: string): void {
	cli = file;
}

export interface StepWalk {
	ref: string;
	/** The checks evaluated once before the step ran: did they all pass? undefined when the step has no checks. */
	passedBefore?: boolean;
	before?: string;
	exitCode: number;
	status?: string;
	failure?: string;
	ms: number;
}

export interface Invocation {
	code: number;
	stdout: string;
	stderr: string;
}

export function ciliumLab(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Invocation> {
	return new Promise((resolve) => {
		execFile(process.execPath, [cli, ...args], {env, timeout: timeoutMs, killSignal: 'SIGTERM', maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
			resolve({code, stdout, stderr});
		});
	});
}

/** A port free on 127.0.0.1 right now (for a variable such as HUBBLE_UI_PORT, so walks and an open lab do not collide). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export function walkEnv(): {home: string; env: NodeJS.ProcessEnv} {
	const home = mkdtempSync(path.join(os.tmpdir(), 'lessons-walk-'));
	const env: NodeJS.ProcessEnv = {...process.env, CILIUM_LAB_HOME: home, CILIUM_LAB_PRACTICE_SPEED: 'instant', LANG: 'en_US.UTF-8', LC_ALL: '', CI: 'false'};
	for (const name of ['KUBECONFIG', 'XDG_DATA_HOME']) delete env[name];
	return {home, env};
}

function summarize(json: string, fallback: string): {status?: string; failure?: string} {
	try {
		const report = JSON.parse(json) as {failed?: {reason: string}; steps: Array<{status: string; checks?: Array<{ok: boolean; summary: string}>; outcome?: unknown}>};
		const step = report.steps.at(-1);
		return {status: step?.status, failure: report.failed?.reason};
	} catch {
		return {failure: fallback.slice(-2000)};
	}
}

/**
 * Walks every visible step of the track in lab order. Stops at the first step that does not pass (what follows
 * would fail for that reason alone). `stepTimeoutMs` bounds one `run` so a broken step fails the walk quickly.
 */
export async function walkTrack(
	track: TrackId,
	env: NodeJS.ProcessEnv,
	options: {
		stepTimeoutMs: number;
		log?: (line: string) => void;
		solve?: boolean;
		/** `--set NAME=VALUE` for every invocation (e.g. a free HUBBLE_UI_PORT). */
		set?: string[];
		/** Runs before a step is checked and run (e.g. to wait for a fixed port the step needs). */
		beforeStep?: (step: Step, ref: string) => Promise<void>;
	},
): Promise<StepWalk[]> {
	const walked: StepWalk[] = [];
	const common = ['--track', track, '--lang', 'en', '--json', ...(options.set ?? []).flatMap((value) => ['--set', value])];
	// A headless run's background jobs end with it, so each per-step run of a step that reads the Hubble UI through its
	// port-forward runs that port-forward step again in the same invocation, as `cilium-lab run hubble` would have it.
	const uiForward = lab.lessons.flatMap((lesson) => visibleSteps(lesson, track).filter((step) => step.mode === 'background' && /svc\/hubble-ui/.test(step.run ?? '')).map((step) => `${lesson.id}/${step.id}`))[0];
	const readsUi = (step: Step) => step.mode !== 'background' && step.expect.some((spec) => /\$\{?HUBBLE_UI_PORT\b/.test(JSON.stringify(spec)));
	for (const lesson of lab.lessons) {
		for (const step of visibleSteps(lesson, track)) {
			const ref = `${lesson.id}/${step.id}`;
			await options.beforeStep?.(step, ref);
			const started = Date.now();
			const result: StepWalk = {ref, exitCode: -1, ms: 0};
			if (step.expect.length > 0) {
				const check = await ciliumLab(['check', ref, ...common], env, 60_000);
				try {
					const parsed = JSON.parse(check.stdout) as {ok: boolean; steps: Array<{checks: Array<{ok: boolean; summary: string}>}>};
					result.passedBefore = parsed.ok;
					result.before = parsed.steps.flatMap((s) => s.checks.map((c) => `${c.ok ? '✔' : '✘'} ${c.summary}`)).join('; ');
				} catch {
					result.passedBefore = undefined;
					result.before = `check did not answer JSON (exit ${check.code}): ${check.stderr.slice(-500)}`;
				}
			}
			const refs = uiForward && uiForward !== ref && readsUi(step) ? [uiForward, ref, '--redo'] : [ref];
			let run = await ciliumLab(['run', ...refs, '--yes', ...(options.solve === false ? [] : ['--solve']), ...common], env, options.stepTimeoutMs);
			if (run.code !== 0 && options.solve === false) {
				// An exercise's command is not its fix (the learner fixes by hand): note it, then solve it and go on.
				options.log?.(`[${track}] ${ref}: its command alone did not pass (${summarize(run.stdout, run.stderr).failure ?? run.code}); solving it`);
				run = await ciliumLab(['run', ...refs, '--yes', '--solve', ...common], env, options.stepTimeoutMs);
			}
			result.exitCode = run.code;
			Object.assign(result, summarize(run.stdout, `${run.stdout}\n${run.stderr}`));
			result.ms = Date.now() - started;
			walked.push(result);
			options.log?.(`[${track}] ${ref}: exit ${run.code} ${result.status ?? ''} ${result.ms}ms${result.passedBefore ? ' (passed before)' : ''}${result.failure ? ` ✘ ${result.failure}` : ''}`);
			if (run.code !== 0 && !step.optional) return walked;
		}
	}
	return walked;
}
