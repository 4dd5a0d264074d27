// The app's entry, bundled as one CommonJS file (dist/cilium-lab.cjs) that dist/cilium-lab.js runs through a V8 code
// cache (src/load.ts). `cilium-lab practice start` spawns the practice daemon before the rest of the CLI loads, so the
// CLI's own loading overlaps the daemon's start instead of coming before it (src/practice/cli.ts,
// spawnPracticeEarly); every other command goes straight on to the CLI (src/cli.tsx). No top-level await: CommonJS
// cannot hold one.
import path from 'node:path';
import {fileURLToPath} from 'node:url';

async function start(argv: string[]): Promise<void> {
	if (argv[0] === 'practice' && argv[1] === 'start') {
		try {
			(await import('./practice/cli.js')).spawnPracticeEarly(argv.slice(1));
		} catch {
			// The CLI starts it as it would have, and says what went wrong.
		}
	}
	const {runCli} = await import('./cli.js');
	runCli(argv, path.join(path.dirname(fileURLToPath(import.meta.url)), 'lab-snapshot.json'));
}

void start(process.argv.slice(2));
