// Helm values: `--set` parsing (helm's strvals for the forms people type) and merging.
export type Values = Record<string, unknown>;

export class ValuesError extends Error {}

function isObject(value: unknown): value is Values {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Helm's coalesce: `over` wins; nested maps merge; null in `over` deletes the key. */
export function mergeValues(base: Values, over: Values): Values {
	const result: Values = {...base};
	for (const [key, value] of Object.entries(over)) {
		if (value === null) delete result[key];
		else if (isObject(value) && isObject(result[key])) result[key] = mergeValues(result[key] as Values, value);
		else result[key] = structuredClone(value);
	}
	return result;
}

/** strvals typing for --set: true/false, integers, null; everything else a string. */
function typed(text: string): unknown {
	if (text === 'true') return true;
	if (text === 'false') return false;
	if (text === 'null') return null;
	if (/^-?(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
	return text;
}

function splitUnescaped(text: string, separator: string): string[] {
	const parts: string[] = [];
	let current = '';
	for (let index = 0; index < text.length; index++) {
		const char = text[index]!;
		if (char === '\\' && index + 1 < text.length) {
			current += text[index + 1];
			index++;
		} else if (char === separator) {
			parts.push(current);
			current = '';
		} else current += char;
	}
	parts.push(current);
	return parts;
}

/** Applies one `--set` argument (`a.b=c,d[0]=e`) to `values`; `asString` is --set-string. */
export function applySet(values: Values, expression: string, asString = false): Values {
	const result = structuredClone(values);
	for (const assignment of splitUnescaped(expression, ',')) {
		const equals = assignment.indexOf('=');
		if (equals <= 0) throw new ValuesError(`failed parsing --set data: key "${assignment}" has no value`);
		const key = assignment.slice(0, equals);
		const rawValue = assignment.slice(equals + 1);
		const value = asString ? rawValue : rawValue.startsWith('{') && rawValue.endsWith('}') ? rawValue.slice(1, -1).split(',').map(typed) : typed(rawValue);
		const path = key.split('.');
		let cursor: Values = result;
		for (let index = 0; index < path.length; index++) {
			const part = path[index]!;
			const arrayMatch = /^([^[\]]+)\[(\d+)\]$/.exec(part);
			const last = index === path.length - 1;
			if (arrayMatch) {
				const [, name, position] = arrayMatch;
				if (!Array.isArray(cursor[name!])) cursor[name!] = [];
				const list = cursor[name!] as unknown[];
				if (last) list[Number(position)] = value;
				else {
					if (!isObject(list[Number(position)])) list[Number(position)] = {};
					cursor = list[Number(position)] as Values;
				}
			} else if (last) {
				if (value === null) delete cursor[part];
				else cursor[part] = value;
			} else {
				if (!isObject(cursor[part])) cursor[part] = {};
				cursor = cursor[part] as Values;
			}
		}
	}
	return result;
}

export function getPath(values: Values, path: string): unknown {
	let cursor: unknown = values;
	for (const part of path.split('.')) {
		if (!isObject(cursor)) return undefined;
		cursor = cursor[part];
	}
	return cursor;
}

export function isTrue(values: Values, path: string): boolean {
	const value = getPath(values, path);
	return value === true || value === 'true';
}
