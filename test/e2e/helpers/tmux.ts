// Drives a program in a real terminal: a private tmux server (its own socket), keys by name, and the screen read
// back with capture-pane, polled until the expected text shows or a deadline passes.
import {execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {readdirSync, readFileSync} from 'node:fs';

export interface Terminal {
	socket: string;
	screen(): string;
	waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
	waitUntil(predicate: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
	press(...keys: string[]): void;
	type(text: string): void;
	alive(): boolean;
	stop(): void;
}

export function startTerminal(command: string, {columns = 100, rows = 30} = {}): Terminal {
	const socket = `cilium-lab-e2e-${process.pid}-${randomBytes(4).toString('hex')}`;
	const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
	// remain-on-exit keeps the pane (and its last screen) after the program exits.
	tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'lab', '-x', String(columns), '-y', String(rows), command);
	tmux('set-option', '-t', 'lab', 'remain-on-exit', 'on');
	const screen = () => tmux('capture-pane', '-p', '-t', 'lab');
	const waitUntil = async (predicate: (screen: string) => boolean, what: string, timeoutMs = 10_000) => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const current = screen();
			if (predicate(current)) return current;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen was:\n${current}`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	};
	return {
		socket,
		screen,
		waitUntil,
		waitFor: (text, timeoutMs) =>
			waitUntil((current) => (typeof text === 'string' ? current.includes(text) : text.test(current)), JSON.stringify(String(text)), timeoutMs),
		press: (...keys) => void tmux('send-keys', '-t', 'lab', ...keys),
		type: (text) => void tmux('send-keys', '-t', 'lab', '-l', text),
		alive: () => tmux('display-message', '-p', '-t', 'lab', '#{pane_dead}').trim() === '0',
		stop: () => killTmuxServer(socket),
	};
}

function sessionMembers(session: number): number[] {
	const members: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			// pid (comm) state ppid pgrp session …; comm may hold spaces and parentheses, so read after the last ')'.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[3]) === session && fields[0] !== 'Z') members.push(Number(entry));
		} catch {
			// gone meanwhile
		}
	}
	return members;
}

/**
 * Kills the tmux server on `socket` and waits (10 s at most) until nothing of its panes' sessions is left: the app
 * answers the hangup by stopping what it runs, and may still write to its lab home (or spawn a practice daemon)
 * meanwhile, so a test's `practice stop`, unmount or removal of the home afterwards sees it all.
 */
export function killTmuxServer(socket: string): void {
	let sessions: number[] = [];
	try {
		sessions = execFileSync('tmux', ['-L', socket, 'list-panes', '-a', '-F', '#{pane_pid}'], {encoding: 'utf8'}).split('\n').filter(Boolean).map(Number);
		execFileSync('tmux', ['-L', socket, 'kill-server'], {stdio: 'ignore'});
	} catch {
		// already gone
	}
	for (const session of sessions) waitForSessionEnd(session, 10_000);
}

function waitForSessionEnd(session: number, timeoutMs: number): void {
	const pause = new Int32Array(new SharedArrayBuffer(4));
	for (const deadline = Date.now() + timeoutMs; Date.now() < deadline && sessionMembers(session).length > 0; ) Atomics.wait(pause, 0, 0, 50);
}

/**
 * A first start on the practice cluster as a learner makes it: keep the track the chooser offers, accept the
 * variables, and wait on the lesson list until the practice cluster is up. Resolves with that screen.
 */
export async function firstStartOnPractice(terminal: Terminal): Promise<string> {
	await terminal.waitFor('Choose a track', 20_000);
	terminal.press('Enter');
	await terminal.waitFor('Variables');
	terminal.press('Escape');
	await terminal.waitFor('Lessons');
	return terminal.waitUntil((current) => !current.includes('starting the practice cluster'), 'the practice cluster ready', 30_000);
}
