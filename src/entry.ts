#!/usr/bin/env node
// Entry of dist/cilium-lab.js. `cilium-lab practice start` spawns the practice daemon before the rest of the CLI
// loads, so the CLI's own loading overlaps the daemon's start instead of coming before it (src/practice/cli.ts,
// spawnPracticeEarly); every other command goes straight on to the CLI (src/cli.tsx).
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const argv = process.argv.slice(2);
if (argv[0] === 'practice' && argv[1] === 'start') {
	try {
		(await import('./practice/cli.js')).spawnPracticeEarly(argv.slice(1));
	} catch {
		// The CLI starts it as it would have, and says what went wrong.
	}
}
const {runCli} = await import('./cli.js');
runCli(argv, path.join(path.dirname(fileURLToPath(import.meta.url)), 'lab-snapshot.json'));
