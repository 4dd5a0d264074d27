// Walks one track by hand, printing each step as it goes (what the walk test does, for finding out why a step
// fails): npm run build && npx tsx test/walk/walk-track.mts aks-byocni|aks-managed|k8s [--commands]
// --commands runs each step's command as a learner types it instead of its solve script; --set NAME=VALUE (repeatable)
// sets a lab variable, e.g. --set CILIUM_VERSION=1.20.0.
// The lab home is kept (its logs/ has every step's output); the practice daemon is stopped at the end.
import type {TrackId} from '../../src/lab/types.js';
import {ciliumLab, freePort, walkEnv, walkTrack} from './walk.js';

const track = process.argv[2] as TrackId;
const {home, env} = walkEnv();
console.log(`lab home: ${home}`);
const started = Date.now();
// As the walk test: free ports for the Hubble UI and Hubble Relay.
try {
	await walkTrack(track, env, {
		stepTimeoutMs: 120_000,
		log: (line) => console.log(line),
		solve: !process.argv.includes('--commands'),
		set: [`HUBBLE_UI_PORT=${await freePort()}`, `HUBBLE_RELAY_PORT=${await freePort()}`, ...process.argv.flatMap((arg, index) => (process.argv[index - 1] === '--set' ? [arg] : []))],
	});
} finally {
	await ciliumLab(['practice', 'stop'], env, 30_000);
	console.log(`walked in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
