#!/usr/bin/env node
// Entry of the app (dist/cilium-lab.js): runs the app itself, one CommonJS bundle (dist/cilium-lab.cjs, from
// src/entry.ts), through a V8 code cache, as the practice daemon's loader does (src/practice/daemon/load.ts). Node 20
// compiles ES modules without a cache: compiling the ~600 KB of modules before the first frame was the largest part of
// it. Libraries that load only later (@kubernetes/client-node, the Markdown renderer) are bundles of their own under
// dist/vendor/, required when first used (scripts/build.mjs).
//
// The cache (dist/cilium-lab.cjs.code-cache) is written by the build (a first frame of the TUI) and again by a TUI
// start that found none it could use, right after its first frame (src/ui/main.tsx; src/code-cache.ts says what is
// checked before V8 sees it). CILIUM_LAB_NO_CODE_CACHE=1: neither read nor write it.
//
// `cilium-lab practice start` spawns the practice daemon here, before the app has loaded, so the app's loading
// overlaps the daemon's start instead of coming before it (src/practice/cli.ts, spawnPracticeEarly; the app's
// startPractice waits for that daemon). `--version` alone is answered here.
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {runWithCodeCache} from './code-cache.js';
import {spawnPracticeEarly} from './practice/cli.js';

declare const __VERSION__: string | undefined;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
	// As the app prints it (src/cli.tsx), without loading the app and its cache: as fast as node itself.
	process.stdout.on('error', () => {});
	process.stdout.write(`${typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev'}\n`);
} else {
	start();
}

function start(): void {
	if (argv[0] === 'practice' && argv[1] === 'start') {
		try {
			spawnPracticeEarly(argv.slice(1));
		} catch {
			// The app starts it as it would have, and says what went wrong.
		}
	}
	const bundle = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cilium-lab.cjs');
	runWithCodeCache(bundle, `${bundle}.code-cache`, process.env.CILIUM_LAB_NO_CODE_CACHE !== '1', {writeWhenAsked: true});
}
