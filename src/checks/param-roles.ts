// Kept apart from specs.ts (and its zod schemas): `${NAME}` expansion runs in the TUI, whose first frame must not
// load zod (src/lab/expand.ts → session/driver.ts → ui/controller.ts).
import type {CheckKind} from './specs.js';

/**
 * Parameters that are not plain text, for `${NAME}` expansion (src/lab/expand.ts): a `shell` script is never
 * expanded (its shell reads the variables from the environment; values are not spliced into shell text), and a
 * `regex` gets the values escaped, so a value matches itself.
 */
export type ParamRole = 'shell' | 'regex';
export const checkParamRoles: Partial<Record<CheckKind, Record<string, ParamRole>>> = {
	podExec: {output: 'regex'},
	command: {script: 'shell', output: 'regex'},
};
