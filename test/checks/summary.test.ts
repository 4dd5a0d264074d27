import {describe, expect, it} from 'vitest';
import {lineToShow, shortenAtWord} from '../../src/checks/summary.js';
import {run as runCommandCheck} from '../../src/checks/kinds/command.js';
import type {CheckContext} from '../../src/checks/types.js';

describe('shortenAtWord', () => {
	it('keeps short one-line text as it is', () => {
		expect(shortenAtWord('  kubectl version --client  ', 60)).toBe('kubectl version --client');
	});

	it('cuts long text at a word boundary with an ellipsis, never mid-word', () => {
		const script = 'az aks show -g "$RESOURCE_GROUP" -n "$CLUSTER_NAME" --query properties.networkProfile -o tsv';
		const short = shortenAtWord(script, 60);
		expect(short).toBe('az aks show -g "$RESOURCE_GROUP" -n "$CLUSTER_NAME"…');
		expect(short.length).toBeLessThanOrEqual(60);
		expect(script.startsWith(short.slice(0, -1))).toBe(true);
	});

	it('marks a script that goes on past its first line', () => {
		expect(shortenAtWord('set -e\naz login', 60)).toBe('set -e …');
	});

	it('cuts a single word longer than the room where it must', () => {
		expect(shortenAtWord('x'.repeat(80), 20)).toBe(`${'x'.repeat(19)}…`);
	});
});

describe('lineToShow', () => {
	const output = 'Client Version: v1.31.2\nKustomize Version: v5.4.2';

	it('shows the line the pattern matched, not the last line', () => {
		expect(lineToShow(output, 'Client Version: v1\\.3\\d')).toBe('Client Version: v1.31.2');
	});

	it('shows the last line without a pattern or without a match', () => {
		expect(lineToShow(output, undefined)).toBe('Kustomize Version: v5.4.2');
		expect(lineToShow(output, 'Server Version')).toBe('Kustomize Version: v5.4.2');
	});

	it('handles anchored, multi-line and empty matches', () => {
		expect(lineToShow('a\nSucceeded\nz\n', '^Succeeded$')).toBe('Succeeded');
		expect(lineToShow('first\nsecond\nthird', 'first\\nsecond')).toBe('first');
		expect(lineToShow('', 'x')).toBe('');
		expect(lineToShow(`${'y'.repeat(200)}`, 'y', 50)).toBe(`${'y'.repeat(49)}…`);
	});
});

describe('the command check summary', () => {
	const ctx: CheckContext = {lang: 'en', env: {PATH: process.env.PATH!}, signal: new AbortController().signal};

	it('shows the line its output pattern matched when it passes', async () => {
		const result = await runCommandCheck({kind: 'command', script: "printf 'Client Version: v1.31.2\\nKustomize Version: v5.4.2\\n'", output: 'Client Version'} as never, ctx);
		expect(result.ok).toBe(true);
		expect(result.summary).toMatch(/ exited 0: Client Version: v1\.31\.2$/);
	});

	it('shows the last line (the error) when it fails, and cuts a long script at a word', async () => {
		const script = 'echo "provisioningState is Creating"; echo "still waiting for the cluster to finish" >&2; exit 3';
		const result = await runCommandCheck({kind: 'command', script, output: 'Succeeded'} as never, ctx);
		expect(result.ok).toBe(false);
		expect(result.summary).toBe('echo "provisioningState is Creating"; echo "still waiting… exited 3: still waiting for the cluster to finish');
	});
});
