// toFQDNs selectors and DNS L7 rule names, as Cilium v1.16 matches them
// (pkg/fqdn/matchpattern, pkg/fqdn/dns, pkg/policy/api/fqdn.go): see cilium-semantics.md §1.

/** Lower-cases and dot-terminates a name seen on the wire or written in matchName. */
export function canonicalName(name: string): string {
	const lower = name.trim().toLowerCase();
	return lower.endsWith('.') ? lower : `${lower}.`;
}

const LABEL_CHARS = '[-a-zA-Z0-9_]';

/** The regex a matchPattern compiles to: `*` is zero or more label characters, never a dot; a lone `*` is any name or the root. */
export function patternRegExp(pattern: string, context: 'toFQDNs' | 'dns' = 'toFQDNs'): RegExp {
	const sanitized = pattern.trim().toLowerCase();
	if (sanitized === '*') {
		return context === 'dns' ? /^.*$/ : new RegExp(`^(${LABEL_CHARS}+[.])+$|^[.]$`);
	}
	const dotted = sanitized.endsWith('.') ? sanitized : `${sanitized}.`;
	const body = dotted
		.split('')
		.map((char) => (char === '*' ? `${LABEL_CHARS}*` : char === '.' ? '[.]' : char.replace(/[\\^$+?()[\]{}|]/g, '\\$&')))
		.join('');
	return new RegExp(`^${body}$`);
}

export type FqdnSelector = {matchName: string; matchPattern?: undefined} | {matchPattern: string; matchName?: undefined};

export interface CompiledFqdnSelector {
	/** As written, for explanations: `matchName: google.com` / `matchPattern: *.github.com`. */
	text: string;
	matches(canonical: string): boolean;
	/** The lone `*` in toFQDNs: every name the proxy has seen. */
	matchesEverything: boolean;
}

export function compileFqdnSelector(selector: FqdnSelector, context: 'toFQDNs' | 'dns' = 'toFQDNs'): CompiledFqdnSelector {
	if (selector.matchName !== undefined) {
		const wanted = canonicalName(selector.matchName);
		return {text: `matchName: ${selector.matchName}`, matches: (name) => name === wanted, matchesEverything: false};
	}
	const regex = patternRegExp(selector.matchPattern ?? '', context);
	return {
		text: `matchPattern: ${JSON.stringify(selector.matchPattern)}`,
		matches: (name) => regex.test(name),
		matchesEverything: (selector.matchPattern ?? '').trim() === '*',
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
