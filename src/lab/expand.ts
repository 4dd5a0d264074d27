// `${NAME}` in check parameters: replaced by the lab variable's validated value right before a check runs
// (and by its default when the lessons are linted). Plain text substitution, never a shell: a `shell` parameter
// (the `command` check's script) is left as written, since its shell reads the variables from the environment.
import {checkParamRoles, type ParamRole} from '../checks/param-roles.js';
import type {CheckSpec} from './types.js';
import {VARIABLE_NAME_PATTERN} from './types.js';

/** `${…}`, or `$${…}`: the escape for a literal `${…}`. */
const REFERENCE = /\$(\$?)\{([^}]*)\}/g;

export type ParamPath = Array<string | number>;

export interface VariableReference {
	name: string;
	/** The reference as written, e.g. `${HUBBLE_UI_PORT}`. */
	text: string;
	/** False when the braces hold something that cannot be a variable name (`${port}`, `${A:-b}`). */
	wellFormed: boolean;
}

/** The references a text makes (escaped ones left out). */
export function variableReferences(text: string): VariableReference[] {
	const found: VariableReference[] = [];
	for (const match of text.matchAll(REFERENCE)) {
		if (match[1]) continue;
		found.push({name: match[2]!, text: match[0], wellFormed: VARIABLE_NAME_PATTERN.test(match[2]!)});
	}
	return found;
}

function escapeRegex(value: string): string {
	return value.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** The text with each known `${NAME}` replaced (escaped for a regex), `$${` turned into `${`; unknown names left as written. */
export function expandText(text: string, values: Record<string, string>, role?: ParamRole): string {
	return text.replace(REFERENCE, (whole, escape: string, name: string) => {
		if (escape) return whole.slice(1);
		if (!Object.hasOwn(values, name)) return whole;
		return role === 'regex' ? escapeRegex(values[name]!) : values[name]!;
	});
}

/** Every string of a check's parameters that `${NAME}` expansion applies to, with its path and role. */
export function expandableStrings(spec: Record<string, unknown>): Array<{path: ParamPath; text: string; role?: ParamRole}> {
	const roles = (checkParamRoles as Record<string, Record<string, ParamRole> | undefined>)[String(spec.kind)] ?? {};
	const out: Array<{path: ParamPath; text: string; role?: ParamRole}> = [];
	const walk = (value: unknown, at: ParamPath, role: ParamRole | undefined) => {
		if (typeof value === 'string') out.push({path: at, text: value, ...(role ? {role} : {})});
		else if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...at, index], role));
		else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, [...at, key], role);
	};
	for (const [key, value] of Object.entries(spec)) {
		if (key === 'kind' || roles[key] === 'shell') continue;
		walk(value, [key], roles[key]);
	}
	return out;
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
	if (typeof value === 'string') return map(value);
	if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
	if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
	return value;
}

export interface ExpandedCheck {
	spec: CheckSpec;
	/** References to names `values` does not hold (left as written in `spec`). */
	unknown: string[];
}

/** A copy of the check with `${NAME}` in its parameters replaced from `values` (the lab's validated variables). */
export function expandCheckSpec(spec: CheckSpec, values: Record<string, string>): ExpandedCheck {
	const roles = (checkParamRoles as Record<string, Record<string, ParamRole> | undefined>)[spec.kind] ?? {};
	const unknown = new Set<string>();
	for (const {text} of expandableStrings(spec)) {
		for (const reference of variableReferences(text)) if (!Object.hasOwn(values, reference.name)) unknown.add(reference.text);
	}
	const expanded: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(spec)) {
		const role = roles[key];
		expanded[key] = key === 'kind' || role === 'shell' ? value : mapStrings(value, (text) => expandText(text, values, role));
	}
	return {spec: expanded as CheckSpec, unknown: [...unknown]};
}
