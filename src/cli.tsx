#!/usr/bin/env node
// Composition root: parses arguments, builds the real adapters, maps outcomes to exit codes.
import {parseArgs} from 'node:util';
import {EXIT, LabError} from './errors.js';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

const HELP = `cilium-lab: learn Cilium on AKS hands-on, step by step, with checks.

Usage:
  cilium-lab                     open the lab (practice cluster by default)
  cilium-lab --help | --version
`;

async function main(argv: string[]): Promise<number> {
	const {values} = parseArgs({
		args: argv,
		options: {
			help: {type: 'boolean', short: 'h'},
			version: {type: 'boolean', short: 'V'},
		},
		allowPositionals: true,
		strict: false,
	});
	if (values.version) {
		process.stdout.write(`${VERSION}\n`);
		return EXIT.ok;
	}
	process.stdout.write(HELP);
	return EXIT.ok;
}

main(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		if (error instanceof LabError) {
			process.stderr.write(`cilium-lab: ${error.message}\n${error.tryHint ? `  try: ${error.tryHint}\n` : ''}`);
			process.exitCode = error.exitCode;
			return;
		}
		process.stderr.write(`cilium-lab: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exitCode = 70;
	},
);
