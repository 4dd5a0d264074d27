// vitest setupFiles: names the test file in the environment, so a practice daemon it starts (through
// the CLI or the client) carries it, and practice-daemons.ts can say which file left one running.
import {expect} from 'vitest';
import {FILE_ENV} from './practice-daemons.js';

const testPath = expect.getState().testPath;
if (testPath) process.env[FILE_ENV] = testPath;
