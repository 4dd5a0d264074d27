// Start-up timing marks for finding what delays the first frame: with CILIUM_LAB_TRACE_STARTUP=FILE, each mark
// appends "label ms-since-process-start monotonic-µs" to FILE (the µs match the timestamps of node --cpu-prof). Without it, a mark costs one property read.
import {appendFileSync} from 'node:fs';

export function traceStartup(label: string): void {
	const file = process.env.CILIUM_LAB_TRACE_STARTUP;
	if (file) appendFileSync(file, `${label} ${performance.now().toFixed(1)} ${process.hrtime.bigint() / 1000n}\n`);
}
