// The module src/cli/checks.ts loads lazily (it names this file).
export {pollChecks} from './poll.js';
