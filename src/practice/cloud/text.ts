// Text layout shared by the simulated tools: Go's text/tabwriter (cilium, helm), az's tables.

const ansiPattern = /\u001B\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
	return text.replace(ansiPattern, '');
}

/** Width as a terminal shows it: ANSI colours take no room; every code point one cell (as Go's tabwriter counts runes). */
export function visibleWidth(text: string): number {
	return [...stripAnsi(text)].length;
}

/**
 * Go's text/tabwriter with minwidth 0, the given padding and ' ' as pad character. Cells are
 * tab-terminated; the text after a line's last tab is not part of any column. A column is aligned
 * over a block of consecutive lines that all have a terminated cell in it, as in Go.
 */
export function tabwrite(text: string, padding = 4, minWidth = 0): string {
	const lines = text.split('\n');
	const cells = lines.map(line => line.split('\t'));
	const widths: number[][] = cells.map(row => new Array(Math.max(0, row.length - 1)).fill(0));
	const columnCount = Math.max(0, ...cells.map(row => row.length - 1));
	for (let column = 0; column < columnCount; column++) {
		let line = 0;
		while (line < cells.length) {
			if (cells[line]!.length - 1 <= column) {
				line++;
				continue;
			}
			const start = line;
			let width = 0;
			while (line < cells.length && cells[line]!.length - 1 > column) {
				width = Math.max(width, visibleWidth(cells[line]![column]!) + padding, minWidth);
				line++;
			}
			for (let row = start; row < line; row++) widths[row]![column] = width;
		}
	}
	return cells
		.map((row, index) =>
			row
				.map((cell, column) => (column < row.length - 1 ? cell + ' '.repeat(widths[index]![column]! - visibleWidth(cell)) : cell))
				.join(''),
		)
		.join('\n');
}

/** A table whose columns are as wide as their widest cell plus `gap` spaces (az -o table, kubectl-like). */
export function alignedTable(rows: string[][], gap = 2): string {
	const widths: number[] = [];
	for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, visibleWidth(cell))));
	return rows
		.map(row =>
			row
				.map((cell, column) => (column < row.length - 1 ? cell + ' '.repeat(widths[column]! - visibleWidth(cell) + gap) : cell))
				.join('')
				.trimEnd(),
		)
		.join('\n');
}

export const color = {
	green: (text: string) => `\u001B[32m${text}\u001B[0m`,
	red: (text: string) => `\u001B[31m${text}\u001B[0m`,
	yellow: (text: string) => `\u001B[33m${text}\u001B[0m`,
	cyan: (text: string) => `\u001B[36m${text}\u001B[0m`,
};

/** The date format helm prints (Go's time.ANSIC with the local zone, as `Mon Jan  2 15:04:05 2006`). */
export function ansicDate(ms: number): string {
	const date = new Date(ms);
	const day = date.toLocaleString('en-US', {weekday: 'short'});
	const month = date.toLocaleString('en-US', {month: 'short'});
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${day} ${month} ${String(date.getDate()).padStart(2, ' ')} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${date.getFullYear()}`;
}
