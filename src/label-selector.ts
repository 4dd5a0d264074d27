// Label selectors in their text form, as the Kubernetes API server reads them (k8s.io/apimachinery labels.Parse):
//   app=web, app==web, app!=web (also true without the label), tier in (a,b), tier notin (a,b) (also true without
//   the label), canary (has the label), !canary (has not), replicas>2, replicas<5 (the value read as an integer).
// Terms are joined by commas (all must hold); the empty selector matches everything. The one parser for the checks
// and the practice cluster's API server (which turns a LabelSelectorError into its 400 BadRequest).
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

type Requirement =
	| {key: string; op: 'in' | 'notin'; values: string[]}
	| {key: string; op: 'exists' | 'doesnotexist'}
	| {key: string; op: 'gt' | 'lt'; value: number};

/** A selector the API server would refuse; `why` is the reason in its words. */
export class LabelSelectorError extends Error {
	constructor(
		readonly selector: string,
		readonly why: string,
	) {
		super(`unable to parse requirement: ${why} (in "${selector}")`);
		this.name = 'LabelSelectorError';
	}
}

// A qualified name with an optional DNS-subdomain prefix (app.kubernetes.io/name), and a label value.
const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Parses `selector`; throws LabelSelectorError for what the API server would refuse. */
export function parseLabelSelector(selector: string | undefined | null): LabelMatcher {
	if (!selector || selector.trim() === '') return () => true;
	const requirements = splitTerms(selector).map((term) => parseRequirement(selector, term));
	return (labels) => requirements.every((requirement) => matches(requirement, labels ?? {}));
}

/** Splits on the commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
	const terms: string[] = [];
	let depth = 0;
	let current = '';
	for (const char of selector) {
		if (char === '(') depth++;
		if (char === ')') depth--;
		if (char === ',' && depth === 0) {
			terms.push(current);
			current = '';
		} else current += char;
	}
	terms.push(current);
	return terms.map((term, index) => {
		const trimmed = term.trim();
		if (trimmed === '') throw new LabelSelectorError(selector, index === 0 ? "found ',', expected: !, identifier, or 'end of string'" : "found ',' or 'end of string', expected: identifier after ','");
		return trimmed;
	});
}

function parseRequirement(selector: string, term: string): Requirement {
	let match: RegExpExecArray | null;
	if ((match = /^!\s*(\S+)$/.exec(term))) return {key: checkKey(selector, match[1]!), op: 'doesnotexist'};
	if ((match = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(term))) {
		if (match[3]!.trim() === '') throw new LabelSelectorError(selector, `for 'in', 'notin' operators, values set can't be empty`);
		const values = match[3]!.split(',').map((value) => checkValue(selector, value.trim()));
		return {key: checkKey(selector, match[1]!), op: match[2] as 'in' | 'notin', values};
	}
	if ((match = /^([^=!<>\s(),]+)\s*(==|=|!=)\s*([^=!<>\s(),]*)$/.exec(term))) {
		return {key: checkKey(selector, match[1]!), op: match[2] === '!=' ? 'notin' : 'in', values: [checkValue(selector, match[3]!)]};
	}
	if ((match = /^([^=!<>\s(),]+)\s*([<>])\s*(\S*)$/.exec(term))) {
		if (!/^-?\d+$/.test(match[3]!)) throw new LabelSelectorError(selector, `for 'Gt', 'Lt' operators, the value must be an integer, not "${match[3]}"`);
		return {key: checkKey(selector, match[1]!), op: match[2] === '>' ? 'gt' : 'lt', value: Number(match[3])};
	}
	if ((match = /^([^=!<>\s(),]+)$/.exec(term))) return {key: checkKey(selector, match[1]!), op: 'exists'};
	throw new LabelSelectorError(selector, `found '${term}', expected: key, !key, key=value, key!=value, key in (…), key notin (…), key>N or key<N`);
}

function checkKey(selector: string, key: string): string {
	const name = key.slice(key.indexOf('/') + 1);
	if (!KEY.test(key) || name.length > 63 || key.length - name.length > 254) throw new LabelSelectorError(selector, `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
	return key;
}

function checkValue(selector: string, value: string): string {
	if (!VALUE.test(value) || value.length > 63) throw new LabelSelectorError(selector, `invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
	return value;
}

function matches(requirement: Requirement, labels: Record<string, string>): boolean {
	const has = Object.hasOwn(labels, requirement.key);
	const value = labels[requirement.key];
	switch (requirement.op) {
		case 'in':
			return has && requirement.values.includes(value!);
		case 'notin':
			return !has || !requirement.values.includes(value!);
		case 'exists':
			return has;
		case 'doesnotexist':
			return !has;
		case 'gt':
			return has && /^-?\d+$/.test(value!) && Number(value) > requirement.value;
		case 'lt':
			return has && /^-?\d+$/.test(value!) && Number(value) < requirement.value;
	}
}
