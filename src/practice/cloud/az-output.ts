// az's output: --output json|jsonc|table|tsv|yaml|none, after its JMESPath --query.
import {stringify as toYaml} from 'yaml';
import jmespath from 'jmespath';
import {alignedTable} from './text.js';

export const outputFormats = ['json', 'jsonc', 'table', 'tsv', 'yaml', 'yamlc', 'none'];

/** az's JSON: indent 2, keys sorted (knack's json.dumps(sort_keys=True)). */
export function azJson(value: unknown): string {
	return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.keys(value)
				.sort()
				.map(key => [key, sortKeys((value as Record<string, unknown>)[key])]),
		);
	}
	return value;
}

/** az's --query: a JMESPath expression (az evaluates it with Python's jmespath; this is the same spec). */
export function applyQuery(value: unknown, query: string): unknown {
	try {
		return jmespath.search(JSON.parse(JSON.stringify(value ?? null)), query);
	} catch (error) {
		const {name, message} = error as Error;
		// A malformed expression is argparse's type error; a well-formed one can still fail while it runs (a function's argument type).
		if (name === 'ParserError' || name === 'LexerError') throw new QueryError(`argument --query: invalid jmespath_type value: '${query}'`, message);
		throw new QueryError(message, message);
	}
}

export class QueryError extends Error {
	constructor(
		message: string,
		readonly reason: string,
	) {
		super(message);
	}
}

function scalarText(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'boolean') return value ? 'True' : 'False';
	return String(value);
}

function capitalize(key: string): string {
	return key.charAt(0).toUpperCase() + key.slice(1);
}

/** knack's automatic table: scalar fields (not id, type, etag), sorted, headers capitalised. */
function autoTableRows(items: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
	return items.map(item =>
		Object.fromEntries(
			Object.keys(item)
				.sort()
				.filter(key => !['id', 'type', 'etag'].includes(key.toLowerCase()))
				.filter(key => item[key] === null || typeof item[key] !== 'object')
				.map(key => [capitalize(key), item[key]]),
		),
	);
}

export function azTable(rows: Array<Record<string, unknown>>): string {
	if (rows.length === 0) return '';
	const headers = Object.keys(rows[0]!);
	const cells = rows.map(row => headers.map(header => scalarText(row[header])));
	const widths = headers.map((header, column) => Math.max(header.length, ...cells.map(row => row[column]!.length)));
	return alignedTable([headers, widths.map(width => '-'.repeat(width)), ...cells]);
}

export function azTsv(value: unknown): string {
	const line = (item: unknown): string => {
		if (item && typeof item === 'object' && !Array.isArray(item)) {
			return Object.keys(item)
				.sort()
				.map(key => (item as Record<string, unknown>)[key])
				.filter(field => field === null || typeof field !== 'object')
				.map(scalarText)
				.join('\t');
		}
		return scalarText(item);
	};
	if (Array.isArray(value)) return value.map(line).join('\n');
	return line(value);
}

/**
 * Formats a command's result. `tableRows` turns the (unqueried) result into the rows a command's
 * own table transformer prints (aks show/list have one); with --query or without a transformer
 * the automatic table is used.
 */
export function formatAzOutput(
	result: unknown,
	options: {output: string; query?: string; tableRows?: (value: unknown) => Array<Record<string, unknown>>},
): string {
	let value = result;
	if (options.query) value = applyQuery(result, options.query);
	// knack (cli.py, CLI.invoke) hands a result to the output producer only when it is not None: `--query tags` of an
	// untagged resource prints nothing, in every format.
	if (value === null || value === undefined) return '';
	switch (options.output) {
		case 'none':
			return '';
		case 'tsv':
			return `${azTsv(value)}\n`;
		case 'yaml':
		case 'yamlc':
			return toYaml(sortKeys(value));
		case 'table': {
			let rows: Array<Record<string, unknown>>;
			if (!options.query && options.tableRows) rows = options.tableRows(value);
			else {
				const list = Array.isArray(value) ? value : [value];
				rows = list.every(item => item && typeof item === 'object')
					? autoTableRows(list as Array<Record<string, unknown>>)
					: list.map(item => ({Result: item}));
			}
			const text = azTable(rows);
			return text ? `${text}\n` : '';
		}
		default:
			return `${azJson(value)}\n`;
	}
}
