// ink-testing-library with the waiting the project's tests need: poll the last frame, never sleep a fixed time.
import {render as inkRender} from 'ink-testing-library';
import type {ReactElement} from 'react';
import {EventEmitter} from 'node:events';
import {render as inkRenderRaw} from 'ink';

export const KEYS = {up: '\u001B[A', down: '\u001B[B', enter: '\r', escape: '\u001B', backspace: '\u007F', ctrlC: '\u0003'} as const;

export type Rendered = ReturnType<typeof inkRender>;

export function render(element: ReactElement): Rendered {
	return inkRender(element);
}

export async function waitFor(
	instance: Rendered,
	predicate: (frame: string) => boolean,
	{timeoutMs = 5000, what = 'the expected frame'} = {},
): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const frame = instance.lastFrame() ?? '';
		if (predicate(frame)) return frame;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${frame}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

export function waitForText(instance: Rendered, text: string, options: {timeoutMs?: number} = {}): Promise<string> {
	return waitFor(instance, (frame) => frame.includes(text), {...options, what: JSON.stringify(text)});
}

/** Lets React and Ink's input subscription settle (useInput subscribes in an effect). */
export async function settle(): Promise<void> {
	await new Promise((resolve) => setImmediate(resolve));
	await new Promise((resolve) => setTimeout(resolve, 0));
}

export async function press(instance: Rendered, key: string): Promise<void> {
	await settle();
	instance.stdin.write(key);
	await settle();
}

/** Ink on a fake terminal of a given size (ink-testing-library's is always 100 columns and has no rows). */
export function renderSized(element: ReactElement, {columns, rows}: {columns: number; rows: number}): Rendered {
	const stdout = Object.assign(new EventEmitter(), {
		columns,
		rows,
		frames: [] as string[],
		lastFrame: undefined as string | undefined,
		write(frame: string) {
			stdout.frames.push(frame);
			stdout.lastFrame = frame;
			return true;
		},
	});
	const stderr = Object.assign(new EventEmitter(), {write: () => true});
	const stdin = Object.assign(new EventEmitter(), {
		isTTY: true,
		data: null as string | null,
		write(data: string) {
			stdin.data = data;
			stdin.emit('readable');
			stdin.emit('data', data);
		},
		setEncoding() {},
		setRawMode() {},
		resume() {},
		pause() {},
		ref() {},
		unref() {},
		read() {
			const {data} = stdin;
			stdin.data = null;
			return data;
		},
	});
	const instance = inkRenderRaw(element, {stdout: stdout as never, stderr: stderr as never, stdin: stdin as never, debug: true, exitOnCtrlC: false, patchConsole: false});
	return {
		rerender: instance.rerender,
		unmount: instance.unmount,
		cleanup: instance.cleanup,
		stdout: stdout as never,
		stderr: stderr as never,
		stdin: stdin as never,
		frames: stdout.frames,
		lastFrame: () => stdout.lastFrame,
	} as Rendered;
}
