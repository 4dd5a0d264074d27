// Start-up timing marks for finding what delays the first frame: with CILIUM_LAB_TRACE_STARTUP=FILE, each mark
// appends "label ms-since-process-start cpu-ms monotonic-µs" to FILE: the CPU time (user + system) the process used
// so far varies far less than wall time on a loaded machine; the µs match the timestamps of node --cpu-prof.
// Without it, a mark costs one property read.
import {appendFileSync} from 'node:fs';

export function traceStartup(label: string): void {
	const file = process.env.CILIUM_LAB_TRACE_STARTUP;
	if (!file) return;
	const cpu = process.cpuUsage();
	appendFileSync(file, `${label} ${performance.now().toFixed(1)} ${((cpu.user + cpu.system) / 1000).toFixed(1)} ${process.hrtime.bigint() / 1000n}\n`);
}
