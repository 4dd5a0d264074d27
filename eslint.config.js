// Lint run by `npm test` (after tsc): typescript-eslint's recommended rules, and the boundary that keeps the pure
// core (the lab, the session and its step driver, the check specs) free of the terminal, processes and the cluster
// client, so most of the lab is tested with plain function calls.
import tseslint from 'typescript-eslint';

const IMPURE = ['ink', 'ink-*', 'react', 'react/*', 'execa', '@kubernetes/client-node', 'node:child_process', 'child_process'];

export default tseslint.config(
	{ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.lab-home/**']},
	...tseslint.configs.recommended,
	{
		rules: {
			// A `let` read by a closure before its one assignment (a listener's port, known once it listens).
			'prefer-const': ['error', {ignoreReadBeforeAssign: true}],
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true}],
		},
	},
	{
		files: ['src/lab/**/*.ts', 'src/session/**/*.ts', 'src/checks/specs.ts'],
		rules: {
			'no-restricted-imports': ['error', {patterns: [{group: IMPURE, message: 'src/lab, src/session and src/checks/specs.ts stay pure: pass the effect in through a port (src/session/ports.ts).'}]}],
		},
	},
);
