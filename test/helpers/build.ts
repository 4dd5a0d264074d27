// The built app for tests that run it as a person does: the CLI, the practice daemon and the tool shims run from
// dist/, built once before the tests by test/global/build.ts.
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
