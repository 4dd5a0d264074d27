// The pids a test step's processes append to "$LAB_HOME/pids" (each `echo $$ >> "$LAB_HOME/pids"`), and a kill that
// says whether the process was there: the process-tree tests (signals, a terminal that goes away) share them.
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';

export function pidsOf(home: string): number[] {
	const file = path.join(home, 'pids');
	return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
}

/** process.kill without the throw: false when no such process exists (signal 0 asks only that). */
export function kill(pid: number, signal: NodeJS.Signals | 0): boolean {
	try {
		process.kill(pid, signal);
		return true;
	} catch {
		return false;
	}
}
