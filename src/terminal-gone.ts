// The controlling terminal going away under the app (the window closed, ssh dropped, `tmux kill-server`): the kernel
// sends SIGHUP, and from then on every write to the terminal fails with EIO, a read ends (or fails with EIO/ENXIO)
// and every ioctl (raw mode) fails with EIO. Unhandled, the first frame Ink renders after it threw "write EIO" out of
// the stream's 'error' event: the app died with a stack trace before it stopped the running step's process tree.
//
// markTerminalGone() turns the terminal's streams into sinks (writes succeed and go nowhere, raw mode is a no-op) and
// tells the listeners once, so the TUI stops what runs (as on SIGINT) and leaves. releaseTerminal() is for the very
// end: Node 20 restores the terminal's settings at exit and aborts ("Assertion failed … ResetStdio") when that
// fails with EIO (nodejs/node#51519, fixed by nodejs/node#58200 in later lines), so the standard descriptors that
// still name the dead terminal are pointed at /dev/null, which Node's exit then leaves alone. watchTerminal() (called
// by src/cli.tsx for every command, headless ones too) does that at any exit.
import fs from 'node:fs';
import tty from 'node:tty';

const listeners = new Set<() => void>();
let gone = false;

/** The errors a stream of a terminal that went away fails with. */
export function isTerminalGoneError(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	return code === 'EIO' || code === 'ENXIO';
}

export function terminalGone(): boolean {
	return gone;
}

/** Called once, when the terminal goes (at once when it already went). Returns the function that stops listening. */
export function onTerminalGone(listener: () => void): () => void {
	if (gone) {
		listener();
		return () => {};
	}
	listeners.add(listener);
	return () => listeners.delete(listener);
}

/** The terminal is gone: its streams take writes into nowhere and raw mode is left alone; the listeners hear it once. */
export function markTerminalGone(): void {
	if (gone) return;
	gone = true;
	for (const stream of [process.stdout, process.stderr]) {
		if (stream.isTTY) stream.write = () => true;
	}
	const stdin = process.stdin as NodeJS.ReadStream;
	if (stdin.isTTY) stdin.setRawMode = () => stdin;
	for (const listener of [...listeners]) {
		listeners.delete(listener);
		listener();
	}
}

/** Which standard descriptors were terminals when the app started (watchTerminal). */
let startedOnTerminal: boolean[] = [];

/**
 * Call once at start: remembers which standard descriptors are terminals, and at exit (any exit: a return, process.exit,
 * a signal's handler) releases those that stopped being one (releaseTerminal).
 */
export function watchTerminal(): void {
	startedOnTerminal = [0, 1, 2].map((fd) => tty.isatty(fd));
	process.once('exit', releaseTerminal);
}

/** A descriptor that was a terminal at start no longer is one: its terminal hung up (isatty's ioctl fails with EIO). */
export function terminalHungUp(): boolean {
	return startedOnTerminal.some((was, fd) => was && !tty.isatty(fd));
}

/**
 * At exit: each standard descriptor whose terminal hung up is replaced by /dev/null (closing it frees the number, and
 * open takes the lowest free one), so Node's exit does not try, and fail, to restore that terminal's settings. A
 * terminal that is still there is left alone (its settings are restored as usual).
 */
export function releaseTerminal(): void {
	for (const fd of [0, 1, 2]) {
		if (!startedOnTerminal[fd] || tty.isatty(fd)) continue;
		try {
			if (fd === 0) process.stdin.destroy();
			fs.closeSync(fd);
			const opened = fs.openSync('/dev/null', fd === 0 ? 'r' : 'w');
			// Another descriptor freed meanwhile took a lower number: this one is not needed.
			if (opened !== fd) fs.closeSync(opened);
		} catch {
			// Nothing more can be done for that descriptor.
		}
	}
}
