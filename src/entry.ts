// The app's entry, bundled as one CommonJS file (dist/cilium-lab.cjs) that dist/cilium-lab.js runs through a V8 code
// cache (src/load.ts; `cilium-lab practice start` has spawned the practice daemon there already). No top-level
// await: CommonJS cannot hold one.
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {runCli} from './cli.js';

runCli(process.argv.slice(2), path.join(path.dirname(fileURLToPath(import.meta.url)), 'lab-snapshot.json'));
