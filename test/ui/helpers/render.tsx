// ink-testing-library with the waiting the project's tests need: poll the last frame, never sleep a fixed time.
import {render as inkRender} from 'ink-testing-library';
import type {ReactElement} from 'react';

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
