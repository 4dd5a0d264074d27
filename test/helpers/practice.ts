// A practice daemon for a test file: build the bundle it runs from, start it in a temp lab home, run the
// learner's tools (kubectl and the az/helm/cilium/hubble shims) with its environment, and stop it after.
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import type {PracticeSpeed} from '../../src/practice/daemon/clock.js';
import {startPractice, stopPractice, type PracticeInfo} from '../../src/practice/daemon/client.js';

export interface ToolResult {
	code: number | undefined;
	stdout: string;
	stderr: string;
}

export class TestPractice {
	home = '';
	private started: PracticeInfo | undefined;

	/** `homePrefix` names the temp lab home; `track: 'k8s'` gets a ready-made cluster. */
	constructor(private readonly options: {homePrefix: string; speed: PracticeSpeed; track?: string}) {}

	get info(): PracticeInfo {
		if (!this.started) throw new Error('the practice daemon is not started: call start() in beforeAll');
		return this.started;
	}

	/** Makes the lab home and starts the daemon there (dist/ is built once by test/global/build.ts). */
	async start(): Promise<void> {
			this.home = mkdtempSync(path.join(os.tmpdir(), this.options.homePrefix));
		this.started = await startPractice({home: this.home, speed: this.options.speed, track: this.options.track});
	}

	/** Stops the daemon and removes the lab home; safe when start() never ran or failed. */
	async stop(): Promise<void> {
		if (!this.home) return;
		await stopPractice(this.home);
		rmSync(this.home, {recursive: true, force: true});
	}

	/** The environment the learner's shell has: the practice tools first on PATH, its KUBECONFIG, the lab home. */
	get env(): Record<string, string | undefined> {
		return {...process.env, ...this.info.env, CILIUM_LAB_HOME: this.home};
	}

	/** Runs a tool as the learner's shell would (practice env, cwd the lab home); never throws on a non-zero exit. */
	readonly run = async (command: string, args: string[], options: {input?: string} = {}): Promise<ToolResult> => {
		const result = await execa(command, args, {env: this.env, reject: false, cwd: this.home, input: options.input, timeout: 60_000});
		return {code: result.exitCode, stdout: result.stdout, stderr: result.stderr};
	};
}
