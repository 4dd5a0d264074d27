// Helm values: `--set` / `--set-string` / `--set-json` parsing (helm's strvals, ported) and merging.
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

/**
 * helm's pkg/strvals (parser.go @v3.16.3), ported: `--set a.b=c,d[0].e=f,list={x,y}` with `\\` escapes, typed values
 * (true/false/null in any case, decimal int64 without a leading 0, else a string), `--set-string` (every value a
 * string) and `--set-json` (each value JSON). Parses into a copy of `values` as ParseInto parses into helm's base map.
 */
export function applySet(values: Values, expression: string, mode: 'set' | 'string' | 'json' = 'set'): Values {
	const result = structuredClone(values);
	const parser = new StrvalsParser(expression, mode);
	try {
		parser.parse(result);
	} catch (error) {
		if (error instanceof StrvalsError) throw new ValuesError(`failed parsing --${mode === 'set' ? 'set' : mode === 'string' ? 'set-string' : 'set-json'} data: ${error.message}`);
		throw error;
	}
	return result;
}

class StrvalsError extends Error {}
/** io.EOF: the end of the text, which ends parsing without an error where the Go code returns it. */
class EndOfInput extends Error {}
class NotAList extends Error {}

const MAX_INDEX = 65536;
const MAX_NESTED_NAME_LEVEL = 30;

/** strvals typedVal. */
function typedVal(text: string, asString: boolean): unknown {
	if (asString) return text;
	const lower = text.toLowerCase();
	if (lower === 'true') return true;
	if (lower === 'false') return false;
	if (lower === 'null') return null;
	if (text === '0') return 0;
	if (text.length > 0 && text[0] !== '0' && /^[+-]?\d+$/.test(text)) {
		const big = BigInt(text);
		if (big <= 9223372036854775807n && big >= -9223372036854775808n) return Number(text);
	}
	return text;
}

class StrvalsParser {
	private position = 0;

	constructor(
		private readonly text: string,
		private readonly mode: 'set' | 'string' | 'json',
	) {}

	parse(data: Values): void {
		for (;;) {
			try {
				this.key(data, 0);
			} catch (error) {
				if (error instanceof EndOfInput) return;
				throw error;
			}
		}
	}

	private read(): string | undefined {
		if (this.position >= this.text.length) return undefined;
		const char = String.fromCodePoint(this.text.codePointAt(this.position)!);
		this.position += char.length;
		return char;
	}

	private unread(char: string): void {
		this.position -= char.length;
	}

	/** runesUntil: the text up to a stop rune (backslash escapes the next rune); `last` undefined at the end. */
	private until(stop: string): {text: string; last: string | undefined} {
		let text = '';
		for (;;) {
			const char = this.read();
			if (char === undefined) return {text, last: undefined};
			if (stop.includes(char)) return {text, last: char};
			if (char === '\\') {
				const next = this.read();
				if (next === undefined) return {text, last: undefined};
				text += next;
			} else text += char;
		}
	}

	private typed(text: string): unknown {
		return typedVal(text, this.mode === 'string');
	}

	private key(data: Values, nestedNameLevel: number): void {
		const {text: key, last} = this.until('=[,.');
		if (last === undefined) {
			if (key.length === 0) throw new EndOfInput();
			throw new StrvalsError(`key ${JSON.stringify(key)} has no value`);
		}
		if (last === '[') {
			const index = this.keyIndex();
			const existing = data[key];
			const list = Array.isArray(existing) ? existing : [];
			const updated = this.listItem(list, index, nestedNameLevel);
			if (key) data[key] = updated.list;
			if (updated.error) throw updated.error;
			return;
		}
		if (last === '=') {
			if (this.mode === 'json') {
				if (key) data[key] = this.jsonValue();
				return;
			}
			let list: unknown[];
			try {
				list = this.valList();
			} catch (error) {
				if (error instanceof EndOfInput) {
					if (key) data[key] = '';
					throw error;
				}
				if (!(error instanceof NotAList)) throw error;
				// val() may reach the end; key() still returns nil (parser.go: only reader's error is returned).
				const {text} = this.until(',');
				if (key) data[key] = this.typed(text);
				return;
			}
			if (key) data[key] = list;
			return;
		}
		if (last === ',') {
			if (key) data[key] = '';
			throw new StrvalsError(`key ${JSON.stringify(key)} has no value (cannot end with ,)`);
		}
		// last === '.'
		if (nestedNameLevel + 1 > MAX_NESTED_NAME_LEVEL) throw new StrvalsError(`value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`);
		const existing = data[key];
		if (existing !== undefined && !isObject(existing)) throw new StrvalsError(`unable to parse key: interface conversion: interface {} is ${goTypeName(existing)}, not map[string]interface {}`);
		const inner: Values = isObject(existing) ? existing : {};
		let failure: unknown;
		try {
			this.key(inner, nestedNameLevel + 1);
		} catch (error) {
			failure = error;
		}
		if (failure === undefined && Object.keys(inner).length === 0) throw new StrvalsError(`key map ${JSON.stringify(key)} has no value`);
		if (Object.keys(inner).length !== 0 && key) data[key] = inner;
		if (failure !== undefined) throw failure;
	}

	private keyIndex(): number {
		const {text, last} = this.until(']');
		if (last === undefined) throw new StrvalsError('error parsing index: EOF');
		if (!/^[+-]?\d+$/.test(text)) throw new StrvalsError(`error parsing index: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
		return Number(text);
	}

	private setIndex(list: unknown[], index: number, value: unknown): unknown[] {
		if (index < 0) throw new StrvalsError(`negative ${index} index not allowed`);
		if (index > MAX_INDEX) throw new StrvalsError(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`);
		const result = [...list];
		while (result.length <= index) result.push(null);
		result[index] = value;
		return result;
	}

	private listItem(list: unknown[], index: number, nestedNameLevel: number): {list: unknown[]; error?: unknown} {
		if (index < 0) throw new StrvalsError(`negative ${index} index not allowed`);
		const {text, last} = this.until('[.=');
		if (text.length > 0) throw new StrvalsError(`unexpected data at end of array index: ${JSON.stringify(text)}`);
		if (last === undefined) throw new EndOfInput();
		if (last === '=') {
			if (this.mode === 'json') return {list: this.setIndex(list, index, this.jsonValue())};
			try {
				return {list: this.setIndex(list, index, this.valList())};
			} catch (error) {
				if (error instanceof EndOfInput) return {list: this.setIndex(list, index, '')};
				if (!(error instanceof NotAList)) throw error;
				const {text: value} = this.until(',');
				return {list: this.setIndex(list, index, this.typed(value))};
			}
		}
		if (last === '[') {
			const next = this.keyIndex();
			const existing = list[index];
			const inner = Array.isArray(existing) ? existing : [];
			const updated = this.listItem(inner, next, nestedNameLevel);
			if (updated.error) return {list, error: updated.error};
			return {list: this.setIndex(list, index, updated.list)};
		}
		// last === '.'
		const existing = list[index];
		const inner: Values = isObject(existing) ? existing : {};
		try {
			this.key(inner, nestedNameLevel);
		} catch (error) {
			return {list, error};
		}
		return {list: this.setIndex(list, index, inner)};
	}

	/** valList: `{a,b}` (the rune after "}" is consumed when it is a comma). */
	private valList(): unknown[] {
		const first = this.read();
		if (first === undefined) throw new EndOfInput();
		if (first !== '{') {
			this.unread(first);
			throw new NotAList();
		}
		const list: unknown[] = [];
		for (;;) {
			const {text, last} = this.until(',}');
			if (last === undefined) throw new StrvalsError("list must terminate with '}'");
			list.push(this.typed(text));
			if (last === '}') {
				const next = this.read();
				if (next !== undefined && next !== ',') this.unread(next);
				return list;
			}
		}
	}

	/** --set-json: an empty value is null; else one JSON value, then optional spaces and a comma. */
	private jsonValue(): unknown {
		if (this.emptyVal()) return null;
		const rest = this.text.slice(this.position);
		const {value, length} = decodeFirstJson(rest);
		this.position += length;
		this.emptyVal();
		return value;
	}

	private emptyVal(): boolean {
		for (;;) {
			const char = this.read();
			if (char === undefined || char === ',') return true;
			if (!/\s/.test(char)) {
				this.unread(char);
				return false;
			}
		}
	}
}

/** The first JSON value of `text` and how many characters it took (encoding/json Decoder.Decode + InputOffset). */
function decodeFirstJson(text: string): {value: unknown; length: number} {
	for (let end = 1; end <= text.length; end++) {
		const candidate = text.slice(0, end);
		try {
			const value: unknown = JSON.parse(candidate);
			const next = text[end];
			// A number or literal could go on ("12" of "123"): take the longest that parses up to a delimiter.
			if (next !== undefined && /[0-9.eE+\-a-z]/.test(next) && typeof value !== 'object') continue;
			return {value, length: end};
		} catch {
			// keep reading
		}
	}
	throw new StrvalsError(`invalid character in JSON value ${JSON.stringify(text)}`);
}

function goTypeName(value: unknown): string {
	if (typeof value === 'string') return 'string';
	if (typeof value === 'boolean') return 'bool';
	if (typeof value === 'number') return 'int64';
	if (Array.isArray(value)) return '[]interface {}';
	return 'nil';
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
