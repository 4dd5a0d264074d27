import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Ink renders only the last frame when CI is set; screens are tested as a person sees them.
		env: {CI: 'false', FORCE_COLOR: '0'},
		pool: 'forks',
		// Two files at a time even on 2 cores (vitest's default there is one): most of a file's time is spent waiting on
		// the processes it drives (kubectl, the practice daemon, tmux), so the suite takes ~7 min instead of ~13.
		maxWorkers: 2,
		// Practice daemons a test leaves running are reported (with the test file), killed, and fail the run.
		// dist/ is built once, before every file (test/global/build.ts).
		globalSetup: ['test/global/build.ts', 'test/global/practice-daemons.ts'],
		setupFiles: ['test/global/test-file.ts'],
	},
});
