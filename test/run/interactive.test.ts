import {execa} from 'execa';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runInteractive} from '../../src/run/interactive.js';

const root = path.join(import.meta.dirname, '..', '..');

describe('runInteractive', () => {
	it('gives the command this process’s stdin and stdout, and resolves with its exit code', async () => {
		// A child node process plays the app; its stdio is what the command inherits.
		const program = `
			import {runInteractive} from './src/run/interactive.ts';
			const outcome = await runInteractive({script: 'read name; echo "hello $name from $CLUSTER_NAME"; exit 3', env: {PATH: process.env.PATH, CLUSTER_NAME: 'yj-cluster'}});
			console.log(JSON.stringify(outcome));
		`;
		const result = await execa('node', ['--import', 'tsx', '--input-type=module', '-e', program], {cwd: root, input: 'learner\n', reject: false});
		const [greeting, json] = result.stdout.split('\n');
		expect(greeting).toBe('hello learner from yj-cluster');
		expect(JSON.parse(json!)).toMatchObject({kind: 'exited', exitCode: 3});
	});

	it('the app survives a Ctrl-C meant for the command', async () => {
		const program = `
			import {runInteractive} from './src/run/interactive.ts';
			const outcome = await runInteractive({script: 'kill -INT $PPID; sleep 0.3; exit 0', env: {PATH: process.env.PATH}});
			console.log('still here', outcome.kind);
		`;
		const result = await execa('node', ['--import', 'tsx', '--input-type=module', '-e', program], {cwd: root, reject: false});
		expect(result.stdout).toBe('still here exited');
		expect(result.exitCode).toBe(0);
	});

	it('says when the command cannot start', async () => {
		const outcome = await runInteractive({script: 'true', env: {PATH: process.env.PATH!}, cwd: '/does/not/exist'});
		expect(outcome.kind).toBe('failedToStart');
	});
});
