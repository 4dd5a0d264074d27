// The frame of a walk test file: the built app's snapshot installed before its tests, and after them every practice
// daemon the walks started stopped, their homes and the snapshot removed.
import {existsSync, rmSync} from 'node:fs';
import {afterAll, beforeAll, expect} from 'vitest';
import {BUILT_CLI, ciliumLab, installSnapshot, useCli} from './walk.js';

/** Registers the file's hooks; push each walk's lab (its home and environment) onto the list it returns. */
export function walkFileLifecycle(afterAllTimeoutMs = 90_000): Array<{home: string; env: NodeJS.ProcessEnv}> {
	const started: Array<{home: string; env: NodeJS.ProcessEnv}> = [];
	let app: {root: string; cli: string} | undefined;
	beforeAll(() => {
		expect(existsSync(BUILT_CLI), 'dist/cilium-lab.js: run `npm run build` first').toBe(true);
		app = installSnapshot();
		useCli(app.cli);
	});
	afterAll(async () => {
		for (const {home, env} of started) {
			await ciliumLab(['practice', 'stop'], env, 30_000);
			rmSync(home, {recursive: true, force: true});
		}
		if (app) rmSync(app.root, {recursive: true, force: true});
	}, afterAllTimeoutMs);
	return started;
}
