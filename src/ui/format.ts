/** "0.4s", "12s", "3m05s": elapsed and run times as a person reads them. */
export function formatDuration(ms: number): string {
	if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
	const seconds = Math.floor(ms / 1000);
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** Splits text into lines, dropping one trailing newline. */
export function lines(text: string): string[] {
	return text.replace(/\n$/, '').split('\n');
}
