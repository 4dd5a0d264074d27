// `cilium-lab run`'s answer to a step's confirmation on the real target (src/session/confirm.ts decides): the
// subscription, kube context, server and resources printed, then `--yes` / `--confirm NAME`, else a question in a
// terminal, else a refusal that names the flags.
import {msg} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';
import {describeConfirmation, headlessVerdict, refusalText, typedConfirms, type EffectConfirmation} from '../session/confirm.js';

export interface HeadlessConfirmOptions {
	lang: Lang;
	yes: boolean;
	/** `--confirm NAME`, each. */
	confirmed: readonly string[];
	/** stdin and stdout are a terminal: questions can be asked. */
	interactive: boolean;
	out: NodeJS.WritableStream;
	ask(question: string): Promise<string>;
	/** Told why a step was refused (no terminal, flags missing). */
	onRefused?(need: EffectConfirmation, text: string): void;
}

export function headlessConfirmer(options: HeadlessConfirmOptions): (need: EffectConfirmation) => Promise<boolean> {
	return async (need) => {
		const lines = describeConfirmation(options.lang, need, 'terminal');
		const question = lines.pop()!;
		for (const line of lines) options.out.write(`  ${line}\n`);
		const verdict = headlessVerdict(need, {yes: options.yes, confirmed: options.confirmed, interactive: options.interactive});
		switch (verdict.kind) {
			case 'go':
				options.out.write(`${msg(options.lang, 'confirm.byFlags')}\n`);
				return true;
			case 'ask-yes':
				return /^(y|yes|예|네|ㅇ)$/i.test((await options.ask(`  ${question}`)).trim());
			case 'ask-names': {
				const typed = await options.ask(`  ${msg(options.lang, 'confirm.typeNamesTerminal', {names: verdict.names.join(' ')})}`);
				if (typedConfirms(verdict.names, typed)) return true;
				options.out.write(`  ${msg(options.lang, 'confirm.mismatch', {names: verdict.names.join(' ')})}\n`);
				return false;
			}
			case 'refuse': {
				const text = refusalText(options.lang, need, verdict.missing);
				options.onRefused?.(need, text);
				return false;
			}
		}
	};
}

/** One line read from the terminal. */
export async function askLine(question: string): Promise<string> {
	const {createInterface} = await import('node:readline/promises');
	const rl = createInterface({input: process.stdin, output: process.stdout});
	try {
		return await rl.question(question);
	} finally {
		rl.close();
	}
}
