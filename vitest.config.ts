import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Ink renders only the last frame when CI is set; screens are tested as a person sees them.
		env: {CI: 'false', FORCE_COLOR: '0'},
		pool: 'forks',
		// Practice daemons a test leaves running are reported (with the test file), killed, and fail the run.
		// dist/ is built once, before every file (test/global/build.ts).
		globalSetup: ['test/global/build.ts', 'test/global/practice-daemons.ts'],
		setupFiles: ['test/global/test-file.ts'],
	},
});
