// toFQDNs selectors and DNS L7 rule names, as the running Cilium matches them (pkg/fqdn/matchpattern,
// pkg/fqdn/dns, pkg/policy/api/fqdn.go): see cilium-semantics.md §1. What differs by version is in
// src/practice/versions.ts (CiliumBehaviour.multiLabelWildcard).
import {ciliumBehaviour, type CiliumBehaviour} from '../versions.js';

/** Lower-cases and dot-terminates a name seen on the wire or written in matchName. */
export function canonicalName(name: string): string {
	const lower = name.trim().toLowerCase();
	return lower.endsWith('.') ? lower : `${lower}.`;
}

const LABEL_CHARS = '[-a-zA-Z0-9_]';
/** One or more whole labels and their dot (matchpattern.go dnsWildcardREGroup, 1.19+). */
const LABELS_GROUP = `(${LABEL_CHARS}+([.]${LABEL_CHARS}+){0,})[.]`;

const escapeLiteral = (char: string) => (char === '.' ? '[.]' : char.replace(/[\\^$+?()[\]{}|]/g, '\\$&'));

/**
 * Whether a matchPattern selects every name. 1.16–1.18: only a lone `*` (`pattern == "*"`). From 1.19 any run of stars
 * with an optional trailing dot (`*`, `**`, `*.`, `**.`: matchpattern.go dnsWildcardRegex `^[*]{1,}[.]?$`).
 */
export function matchesEveryName(pattern: string, behaviour: CiliumBehaviour = ciliumBehaviour()): boolean {
	const sanitized = pattern.trim().toLowerCase();
	return behaviour.multiLabelWildcard ? /^\*+\.?$/.test(sanitized) : sanitized === '*';
}

/**
 * The regex a matchPattern compiles to (matchpattern.ToAnchoredRegexp after Sanitize). 1.16–1.18: each `*` is zero or more
 * label characters, never a dot, so `**.` is the same as `*.`. From 1.19 a leading `**.` is one or more whole labels and
 * any other run of stars is one `*`.
 */
export function patternRegExp(pattern: string, context: 'toFQDNs' | 'dns' = 'toFQDNs', behaviour: CiliumBehaviour = ciliumBehaviour()): RegExp {
	const sanitized = pattern.trim().toLowerCase();
	if (matchesEveryName(pattern, behaviour)) {
		return context === 'dns' ? /^.*$/ : new RegExp(`^(${LABEL_CHARS}+[.])+$|^[.]$`);
	}
	const dotted = sanitized.endsWith('.') ? sanitized : `${sanitized}.`;
	if (!behaviour.multiLabelWildcard) {
		return new RegExp(`^${dotted.split('').map((char) => (char === '*' ? `${LABEL_CHARS}*` : escapeLiteral(char))).join('')}$`);
	}
	const prefix = /^\*{2,}\./.exec(dotted);
	const rest = prefix ? dotted.slice(prefix[0].length) : dotted;
	const body = rest.replace(/\*+|[^*]/g, (token) => (token.startsWith('*') ? `${LABEL_CHARS}*` : escapeLiteral(token)));
	return new RegExp(`^${prefix ? LABELS_GROUP : ''}${body}$`);
}

export type FqdnSelector = {matchName: string; matchPattern?: undefined} | {matchPattern: string; matchName?: undefined};

export interface CompiledFqdnSelector {
	/** As written, for explanations: `matchName: google.com` / `matchPattern: *.github.com`. */
	text: string;
	matches(canonical: string): boolean;
	/** The lone `*` in toFQDNs: every name the proxy has seen. */
	matchesEverything: boolean;
}

export function compileFqdnSelector(selector: FqdnSelector, context: 'toFQDNs' | 'dns' = 'toFQDNs', behaviour: CiliumBehaviour = ciliumBehaviour()): CompiledFqdnSelector {
	if (selector.matchName !== undefined) {
		const wanted = canonicalName(selector.matchName);
		return {text: `matchName: ${selector.matchName}`, matches: (name) => name === wanted, matchesEverything: false};
	}
	const regex = patternRegExp(selector.matchPattern ?? '', context, behaviour);
	return {
		text: `matchPattern: ${JSON.stringify(selector.matchPattern)}`,
		matches: (name) => regex.test(name),
		matchesEverything: matchesEveryName(selector.matchPattern ?? '', behaviour),
	};
}

/** The CRD's OpenAPI patterns (kubebuilder markers in pkg/policy/api/fqdn.go @v1.16.0). */
export const MATCH_NAME_SCHEMA_PATTERN = '^([-a-zA-Z0-9_]+[.]?)+$';
export const MATCH_PATTERN_SCHEMA_PATTERN = '^([-a-zA-Z0-9_*]+[.]?)+$';
const matchNameSchema = new RegExp(MATCH_NAME_SCHEMA_PATTERN);
const matchPatternSchema = new RegExp(MATCH_PATTERN_SCHEMA_PATTERN);

export interface SchemaCause {
	reason: string;
	message: string;
	field: string;
}

/** What the API server says about one FQDN selector (CRD schema, then oneOf). */
export function validateFqdnSelectorSchema(selector: unknown, field: string): SchemaCause[] {
	if (!selector || typeof selector !== 'object' || Array.isArray(selector)) {
		return [{reason: 'FieldValueInvalid', field, message: `Invalid value: "${typeof selector}": ${field} in body must be of type object: "${typeof selector}"`}];
	}
	const {matchName, matchPattern} = selector as Record<string, unknown>;
	const causes: SchemaCause[] = [];
	for (const [key, value, schema, source] of [
		['matchName', matchName, matchNameSchema, MATCH_NAME_SCHEMA_PATTERN],
		['matchPattern', matchPattern, matchPatternSchema, MATCH_PATTERN_SCHEMA_PATTERN],
	] as const) {
		if (value === undefined) continue;
		const path = `${field}.${key}`;
		if (typeof value !== 'string') {
			causes.push({reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: "${typeof value}": ${path} in body must be of type string: "${typeof value}"`});
		} else if (!schema.test(value)) {
			causes.push({reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${JSON.stringify(value)}: ${path} in body should match '${source}'`});
		}
	}
	const present = (matchName !== undefined ? 1 : 0) + (matchPattern !== undefined ? 1 : 0);
	if (present !== 1 && causes.length === 0) {
		causes.push({
			reason: 'FieldValueInvalid',
			field,
			message: `Invalid value: "object": ${field} in body must validate one and only one schema (oneOf). Found ${present === 0 ? 'none valid' : '2 valid alternatives'}`,
		});
	}
	return causes;
}

/** The agent's own sanitize (FQDNSelector.sanitize): an error refuses the rule even though the API server stored it. */
export function sanitizeFqdnSelector(selector: FqdnSelector): string | undefined {
	if (selector.matchName !== undefined && selector.matchPattern !== undefined) {
		return 'only one of MatchName or MatchPattern is allowed in an FQDNSelector';
	}
	if (selector.matchName !== undefined && !/^[-a-zA-Z0-9_.]*$/.test(selector.matchName)) {
		return `Invalid characters in MatchName: "${selector.matchName}". Only 0-9, a-z, A-Z and . and - characters are allowed`;
	}
	if (selector.matchPattern !== undefined && !/^[-a-zA-Z0-9_.*]*$/.test(selector.matchPattern)) {
		return `Invalid characters in MatchPattern: "${selector.matchPattern}". Only 0-9, a-z, A-Z and ., - and * characters are allowed`;
	}
	return undefined;
}
