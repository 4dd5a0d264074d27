// `<lab home>/bin/cilium-lab`: this very app, for the lab's own commands (lesson 08's `cilium-lab jobs stop …`).
// The lab's commands get <lab home>/bin first on PATH (src/lab/variables.ts commandEnvironment), so they reach the
// app that keeps the job records, with the same lab home, whether or not cilium-lab is installed on PATH.
import fs from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from './atomic-write.js';

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function writeLauncher(home: string, entry: string | undefined = process.argv[1]): void {
	if (!entry) return;
	const command = [process.execPath, ...process.execArgv, path.resolve(entry)].map(quote).join(' ');
	const script = `#!/bin/sh\n# Written by cilium-lab: the app, with this lab home.\nCILIUM_LAB_HOME=\${CILIUM_LAB_HOME:-${quote(home)}} exec ${command} "$@"\n`;
	try {
		fs.mkdirSync(path.join(home, 'bin'), {recursive: true, mode: 0o700});
		writeFileAtomic(path.join(home, 'bin', 'cilium-lab'), script, {mode: 0o700, durable: false});
	} catch {
		// Without it only `cilium-lab` inside the lab's commands is missing (when it is not installed).
	}
}
