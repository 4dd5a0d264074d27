// Command-line parsing for the simulated tools, in the two dialects they speak: az's (Python
// argparse: `--name/-n`, "unrecognized arguments: …") and helm's/cilium's (Go cobra/pflag:
// "unknown flag: --foo").

export interface OptionSpec {
	/** Long names first (as printed in errors), then short ones: ['--resource-group', '-g']. */
	names: string[];
	/**
	 * 'value' takes one argument; 'flag' takes none; 'list' may repeat (and az's nargs='+' for a single use);
	 * 'values' is argparse's nargs='*': every following argument up to the next option (az's `--tags a=b c=d`).
	 */
	type: 'value' | 'flag' | 'list' | 'values';
	required?: boolean;
	choices?: string[];
	/** pflag booleans accept `--wait=false`. */
	boolean?: boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface ParsedArgs {
	options: Record<string, string | boolean | string[] | undefined>;
	positionals: string[];
}

export class ArgsError extends Error {
	constructor(
		message: string,
		readonly kind: 'unknown' | 'missing' | 'expected-value' | 'invalid-choice' | 'other',
	) {
		super(message);
	}
}

function displayName(spec: OptionSpec): string {
	return spec.names.join('/');
}

/**
 * Parses argv against the specs. az style collects every unknown argument before failing (as
 * argparse's "unrecognized arguments: a b"); pflag style fails on the first unknown flag.
 */
export function parseArgs(argv: string[], specs: OptionSpecs, style: 'az' | 'pflag'): ParsedArgs {
	const byName = new Map<string, [string, OptionSpec]>();
	for (const [key, spec] of Object.entries(specs)) for (const name of spec.names) byName.set(name, [key, spec]);
	const options: ParsedArgs['options'] = {};
	const positionals: string[] = [];
	const unrecognized: string[] = [];
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index]!;
		if (arg === '--') {
			positionals.push(...argv.slice(index + 1));
			break;
		}
		if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
			if (style === 'az') unrecognized.push(arg);
			else positionals.push(arg);
			continue;
		}
		let name = arg;
		let inlineValue: string | undefined;
		const equals = arg.indexOf('=');
		if (equals > 0) {
			name = arg.slice(0, equals);
			inlineValue = arg.slice(equals + 1);
		} else if (style === 'pflag' && /^-[A-Za-z]./.test(arg) && !arg.startsWith('--')) {
			// pflag: -nkube-system
			name = arg.slice(0, 2);
			inlineValue = arg.slice(2);
		}
		const found = byName.get(name);
		if (!found) {
			if (style === 'pflag') {
				throw new ArgsError(
					name.startsWith('--') ? `unknown flag: ${name}` : `unknown shorthand flag: '${name.slice(1, 2)}' in ${arg}`,
					'unknown',
				);
			}
			unrecognized.push(arg);
			continue;
		}
		const [key, spec] = found;
		if (spec.type === 'flag') {
			if (inlineValue !== undefined) {
				if (spec.boolean && /^(true|false|1|0)$/i.test(inlineValue)) {
					options[key] = /^(true|1)$/i.test(inlineValue);
					continue;
				}
				if (style === 'az') {
					unrecognized.push(arg);
					continue;
				}
				throw new ArgsError(`invalid argument "${inlineValue}" for "${spec.names.join(', ')}" flag: strconv.ParseBool: parsing "${inlineValue}": invalid syntax`, 'other');
			}
			options[key] = true;
			continue;
		}
		if (spec.type === 'values') {
			const values = inlineValue !== undefined ? [inlineValue] : [];
			while (inlineValue === undefined && index + 1 < argv.length && !(argv[index + 1]!.startsWith('-') && argv[index + 1]!.length > 1 && !/^-\d/.test(argv[index + 1]!))) {
				values.push(argv[++index]!);
			}
			options[key] = values;
			continue;
		}
		let value = inlineValue;
		if (value === undefined) {
			const next = argv[index + 1];
			if (next === undefined || (style === 'az' && next.startsWith('-') && next.length > 1 && !/^-\d/.test(next))) {
				throw new ArgsError(
					style === 'az' ? `argument ${displayName(spec)}: expected one argument` : `flag needs an argument: ${name.startsWith('--') ? name : `'${name.slice(1)}' in ${name}`}`,
					'expected-value',
				);
			}
			value = next;
			index++;
		}
		if (spec.choices && !spec.choices.includes(value)) {
			throw new ArgsError(
				`argument ${displayName(spec)}: invalid choice: '${value}' (choose from ${spec.choices.map(choice => `'${choice}'`).join(', ')})`,
				'invalid-choice',
			);
		}
		if (spec.type === 'list') {
			const list = (options[key] as string[] | undefined) ?? [];
			list.push(value);
			options[key] = list;
		} else {
			options[key] = value;
		}
	}
	const missing = Object.entries(specs)
		.filter(([key, spec]) => spec.required && options[key] === undefined)
		.map(([, spec]) => spec);
	if (missing.length > 0) {
		throw new ArgsError(`the following arguments are required: ${missing.map(displayName).join(', ')}`, 'missing');
	}
	if (unrecognized.length > 0) throw new ArgsError(`unrecognized arguments: ${unrecognized.join(' ')}`, 'unknown');
	return {options, positionals};
}

export function stringOption(parsed: ParsedArgs, key: string): string | undefined {
	const value = parsed.options[key];
	return typeof value === 'string' ? value : undefined;
}

export function listOption(parsed: ParsedArgs, key: string): string[] {
	const value = parsed.options[key];
	return Array.isArray(value) ? value : [];
}

export function flagOption(parsed: ParsedArgs, key: string): boolean {
	return parsed.options[key] === true;
}

/** Go's time.ParseDuration for the simple forms flags use: 5m0s, 30s, 1h, 1m30s, 500ms. */
export function parseGoDuration(text: string): number | undefined {
	if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(text)) return /^0$/.test(text) ? 0 : undefined;
	let total = 0;
	for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
		const amount = Number(match[1]);
		total += amount * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[match[2] as 'ms' | 's' | 'm' | 'h'];
	}
	return total;
}
