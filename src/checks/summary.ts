// Pieces of a check's one-line summary: a script or command shortened for the line, and the output
// line worth showing.

/** `text` on one line, at most `max` characters, cut at a word boundary with an ellipsis. */
export function shortenAtWord(text: string, max: number): string {
	const line = text.trim().split('\n')[0]!.trim();
	const more = line !== text.trim();
	if (line.length <= max && !more) return line;
	if (line.length <= max - 2) return `${line} …`;
	const room = line.slice(0, max - 1);
	const boundary = room.search(/\s\S*$/);
	// A single word longer than the room is cut where it must be.
	const cut = boundary > max / 3 ? room.slice(0, boundary) : room;
	return `${cut.trimEnd()}…`;
}

/**
 * The output line a summary shows: the first line the `pattern` matched (what the check looked for),
 * else the last line (usually the error). Shortened to `max` characters.
 */
export function lineToShow(output: string, pattern: string | undefined, max = 120): string {
	const lines = output.split('\n').map(line => line.trimEnd()).filter(line => line.trim() !== '');
	if (lines.length === 0) return '';
	let chosen = lines.at(-1)!;
	if (pattern !== undefined) {
		const regex = new RegExp(pattern, 'm');
		const match = regex.exec(output);
		if (match) {
			const start = output.lastIndexOf('\n', match.index) + 1;
			const end = output.indexOf('\n', match.index + Math.max(match[0].length - 1, 0));
			const matched = output.slice(start, end === -1 ? undefined : end).trim();
			// A match of only line breaks (or across lines) falls back to its first non-empty line.
			chosen = matched.split('\n').find(line => line.trim() !== '') ?? chosen;
		}
	}
	return chosen.trim().length > max ? `${chosen.trim().slice(0, max - 1)}…` : chosen.trim();
}
