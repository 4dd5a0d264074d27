// The lab's variables: validated against their patterns, set from --set NAME=VALUE, and handed to
// commands as environment variables. Values are never spliced into command text.
import type {Lab, TrackId, Variable} from './types.js';
import {didYouMean} from './suggest.js';

/** Names the lab sets itself or that would change how every command runs: a lab may not declare them. */
export const RESERVED_VARIABLE_NAMES = new Set([
	'LAB_ASSETS',
	'LAB_HOME',
	'LAB_HOME_ID',
	'LAB_KUBE_CONTEXT',
	'PATH',
	'HOME',
	'KUBECONFIG',
	'SHELL',
	'IFS',
	'BASH_ENV',
	'ENV',
	'PS4',
	'LD_PRELOAD',
	'LD_LIBRARY_PATH',
	'NODE_OPTIONS',
]);

/** The pattern as a RegExp that must match the whole value (an unanchored pattern is anchored here). */
export function compileVariablePattern(pattern: string): RegExp {
	return new RegExp(`^(?:${pattern})$`);
}

export function patternError(pattern: string): string | undefined {
	try {
		compileVariablePattern(pattern);
		return undefined;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

/** A reason the value is refused, or undefined when it is accepted. */
export function checkVariableValue(variable: Variable, value: string): string | undefined {
	if (value === '') return `${variable.name} must not be empty; it must match ${variable.pattern}`;
	if (!compileVariablePattern(variable.pattern).test(value)) {
		return `${variable.name}=${JSON.stringify(value)} is refused: it must match ${variable.pattern}`;
	}
	if (variable.choices && !variable.choices.some((choice) => choice.value === value)) {
		return `${variable.name}=${JSON.stringify(value)} is refused: it must be one of ${variable.choices.map((choice) => choice.value).join(', ')}`;
	}
	return undefined;
}

/** The choice after `value` (the first after the last, or when `value` is not a choice). */
export function nextChoice(variable: Variable, value: string): string | undefined {
	if (!variable.choices) return undefined;
	const index = variable.choices.findIndex((choice) => choice.value === value);
	return variable.choices[(index + 1) % variable.choices.length]?.value;
}

/** The note of the value's choice, when the variable has choices and the value is one. */
export function choiceNote(variable: Variable, value: string): Variable['description'] | undefined {
	return variable.choices?.find((choice) => choice.value === value)?.note;
}

export function variablesOnTrack(lab: Lab, track: TrackId): Variable[] {
	return lab.variables.filter((variable) => !variable.tracks || variable.tracks.includes(track));
}

/** Parses one `--set NAME=VALUE`. Returns the pair or the reason it is refused. */
export function parseSetArgument(argument: string): {name: string; value: string} | {error: string} {
	const equals = argument.indexOf('=');
	if (equals <= 0) return {error: `--set ${argument}: expected NAME=VALUE (e.g. --set CLUSTER_NAME=my-aks)`};
	return {name: argument.slice(0, equals), value: argument.slice(equals + 1)};
}

export interface ResolvedVariables {
	values: Record<string, string>;
	errors: string[];
}

/**
 * The variables' values: defaults, overridden by stored values (that still match), overridden by --set.
 * Unknown names and values that do not match are reported, never silently dropped into the environment.
 */
export function resolveVariables(lab: Lab, options: {stored?: Record<string, string>; set?: string[]}): ResolvedVariables {
	const byName = new Map(lab.variables.map((variable) => [variable.name, variable]));
	const values: Record<string, string> = Object.fromEntries(lab.variables.map((variable) => [variable.name, variable.default]));
	const errors: string[] = [];
	for (const [name, value] of Object.entries(options.stored ?? {})) {
		const variable = byName.get(name);
		// A stored value the lab no longer declares, or that its (new) pattern refuses, keeps the default; say so.
		if (!variable) continue;
		const problem = checkVariableValue(variable, value);
		if (problem) errors.push(`stored value ignored: ${problem}`);
		else values[name] = value;
	}
	for (const argument of options.set ?? []) {
		const parsed = parseSetArgument(argument);
		if ('error' in parsed) {
			errors.push(parsed.error);
			continue;
		}
		const variable = byName.get(parsed.name);
		if (!variable) {
			const known = [...byName.keys()];
			errors.push(`--set ${parsed.name}: no such variable${didYouMean(parsed.name, known)}; the lab's variables are ${known.join(', ') || '(none)'}`);
			continue;
		}
		const problem = checkVariableValue(variable, parsed.value);
		if (problem) errors.push(`--set ${problem}`);
		else values[parsed.name] = parsed.value;
	}
	return {values, errors};
}

/**
 * The environment a step's command runs with: the target's environment (PATH, KUBECONFIG…), then the lab's
 * variables, then LAB_ASSETS, LAB_HOME and LAB_HOME_ID (this home's id, src/home.ts labHomeId: the tag the lessons put
 * on what they create). Values go in as environment variables only.
 */
export function commandEnvironment(options: {
	base: Record<string, string | undefined>;
	variables: Record<string, string>;
	assetsDir: string;
	home: string;
	homeId?: string;
}): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(options.base)) if (value !== undefined) env[name] = value;
	for (const [name, value] of Object.entries(options.variables)) if (!RESERVED_VARIABLE_NAMES.has(name)) env[name] = value;
	env.LAB_ASSETS = options.assetsDir;
	env.LAB_HOME = options.home;
	if (options.homeId !== undefined) env.LAB_HOME_ID = options.homeId;
	// <lab home>/bin holds `cilium-lab` itself (src/launcher.ts), for the lab's own verbs such as `cilium-lab jobs stop`.
	if (env.PATH !== undefined) env.PATH = `${options.home}/bin:${env.PATH}`;
	return env;
}
