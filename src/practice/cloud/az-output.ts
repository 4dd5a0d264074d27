// az's output: --output json|jsonc|table|tsv|yaml|none and the simple JMESPath --query forms the
// lessons use (field paths, [] projections, [N], {alias: path} multi-select hashes).
import {stringify as toYaml} from 'yaml';
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

export class QueryError extends Error {}

type Segment = {field: string} | {index: number} | {project: true} | {hash: Array<[string, Segment[]]>};

function parsePath(text: string): Segment[] {
	const segments: Segment[] = [];
	let rest = text.trim();
	while (rest.length > 0) {
		let match: RegExpMatchArray | null;
		if ((match = rest.match(/^\.?([A-Za-z_][A-Za-z0-9_]*)/))) {
			segments.push({field: match[1]!});
		} else if ((match = rest.match(/^\.?"([^"]+)"/))) {
			segments.push({field: match[1]!});
		} else if ((match = rest.match(/^\[\]/))) {
			segments.push({project: true});
		} else if ((match = rest.match(/^\[(-?\d+)\]/))) {
			segments.push({index: Number(match[1])});
		} else if ((match = rest.match(/^\.?\{([^{}]*)\}/))) {
			const pairs: Array<[string, Segment[]]> = match[1]!.split(',').map(pair => {
				const colon = pair.indexOf(':');
				if (colon < 0) throw new QueryError(`not simulated: ${text}`);
				return [pair.slice(0, colon).trim(), parsePath(pair.slice(colon + 1))];
			});
			segments.push({hash: pairs});
		} else {
			throw new QueryError(`not simulated: ${text}`);
		}
		rest = rest.slice(match[0].length);
	}
	return segments;
}

function evaluate(value: unknown, segments: Segment[]): unknown {
	if (segments.length === 0) return value;
	const [segment, ...rest] = segments;
	if (value === null || value === undefined) return null;
	if ('field' in segment!) {
		if (typeof value !== 'object' || Array.isArray(value)) return null;
		return evaluate((value as Record<string, unknown>)[segment.field] ?? null, rest);
	}
	if ('index' in segment!) {
		if (!Array.isArray(value)) return null;
		const item = value.at(segment.index);
		return evaluate(item ?? null, rest);
	}
	if ('project' in segment!) {
		if (!Array.isArray(value)) return null;
		return value.map(item => evaluate(item, rest)).filter(item => item !== null);
	}
	if (typeof value !== 'object') return null;
	const result = Object.fromEntries(segment!.hash.map(([alias, path]) => [alias, evaluate(value, path)]));
	return evaluate(result, rest);
}

export function applyQuery(value: unknown, query: string): unknown {
	return evaluate(value, parsePath(query));
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
