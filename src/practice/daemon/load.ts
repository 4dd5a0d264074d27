// Entry of the practice daemon as the CLI spawns it (bundled as dist/practice-daemon.js): loads the daemon itself,
// one CommonJS bundle (dist/practice-daemon.cjs, from main.ts), through a V8 code cache, so a start does not compile
// its ~1.2 MB again: spawn → ready went from ~2.1× to ~1.5× `node -e 0` (bench/README.md). Node 20 has no code cache
// for ES modules, hence CommonJS and vm.Script with cachedData.
//
// The cache (dist/practice-daemon.cjs.code-cache) is written by the build and again by any daemon that found none it
// could use (another Node version or V8 flags: V8 rejects it; a new bundle; a damaged file), a while after it started
// or when it stops before that.
// V8 itself only compares the source's length, its own version and flags, so the file carries a CRC-32 of the source
// it was made from and of its own bytes: a cache of another bundle or a damaged one is never handed to V8, and a
// start without a usable cache is only slower. CILIUM_LAB_NO_CODE_CACHE=1: neither read nor write it.
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {runWithCodeCache} from '../../code-cache.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const bundle = path.join(here, 'practice-daemon.cjs');
runWithCodeCache(bundle, `${bundle}.code-cache`, process.env.CILIUM_LAB_NO_CODE_CACHE !== '1', {writeOnExit: true});
