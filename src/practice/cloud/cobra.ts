// What a cobra CLI (spf13/cobra v1.8.1, the version cilium-cli v0.16.21, hubble v1.16.4 and helm v3.16.3 build
// with) answers for a subcommand its root does not have: legacyArgs' "unknown command %q for %q" with
// findSuggestions' "Did you mean this?" list (SuggestionsFor: Levenshtein distance ≤ 2 ignoring case, or a
// prefix of the name; hidden commands and help are not suggested). A root with SilenceErrors (cilium-cli, hubble)
// leaves the printing to its main (fmt.Fprintln(os.Stderr, err)); helm's root lets ExecuteC print it with the
// "Error:" prefix and "Run 'helm --help' for usage.".
import type {ProgramIO} from '../types.js';

export interface CobraRoot {
	/** The root's command path: "cilium", "hubble", "helm". */
	path: string;
	/** The available (not hidden) subcommands, plus the "completion" cobra adds. */
	commands: string[];
	/** The commands a root has but hides (never suggested, still not unknown). */
	hidden?: string[];
	silenceErrors: boolean;
}

/** cobra's ld(): Levenshtein distance, case-insensitive. */
function levenshtein(a: string, b: string): number {
	const s = a.toLowerCase();
	const t = b.toLowerCase();
	let previous = Array.from({length: t.length + 1}, (_, index) => index);
	for (let i = 1; i <= s.length; i++) {
		const current = [i];
		for (let j = 1; j <= t.length; j++) {
			current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
		}
		previous = current;
	}
	return previous[t.length]!;
}

/** command.go SuggestionsFor (SuggestionsMinimumDistance 2), over the commands in cobra's sorted order. */
export function cobraSuggestions(root: CobraRoot, typed: string): string[] {
	return [...root.commands].sort().filter((name) => levenshtein(typed, name) <= 2 || name.toLowerCase().startsWith(typed.toLowerCase()));
}

/** Whether the root has this subcommand at all (simulated or not). */
export function cobraKnows(root: CobraRoot, name: string): boolean {
	return root.commands.includes(name) || (root.hidden ?? []).includes(name) || name === 'help';
}

/** Writes the unknown-command error as the tool prints it; returns the exit code (1). */
export function cobraUnknownCommand(io: ProgramIO, root: CobraRoot, typed: string): number {
	const suggestions = cobraSuggestions(root, typed);
	const message = `unknown command ${JSON.stringify(typed)} for ${JSON.stringify(root.path)}${suggestions.length > 0 ? `\n\nDid you mean this?\n${suggestions.map((name) => `\t${name}\n`).join('')}` : ''}`;
	if (root.silenceErrors) io.stderr.write(`${message}\n`);
	else io.stderr.write(`Error: ${message}\nRun '${root.path} --help' for usage.\n`);
	return 1;
}

/** cilium-cli v0.16.21 (cilium/cilium cilium-cli/cli/cmd.go NewCiliumCommand): SilenceErrors, main prints the error. */
export const CILIUM_CLI_ROOT: CobraRoot = {
	path: 'cilium',
	commands: ['bgp', 'clustermesh', 'completion', 'config', 'connectivity', 'context', 'encryption', 'features', 'hubble', 'install', 'multicast', 'status', 'sysdump', 'uninstall', 'upgrade', 'version'],
	silenceErrors: true,
};

/** hubble v1.16.4 (cilium/cilium hubble/cmd/root.go): record, reflect and watch are hidden; SilenceErrors. */
export const HUBBLE_ROOT: CobraRoot = {
	path: 'hubble',
	commands: ['completion', 'config', 'list', 'observe', 'status', 'version'],
	hidden: ['record', 'reflect', 'watch'],
	silenceErrors: true,
};

/** helm v3.16.3 (cmd/helm/root.go newRootCmd): SilenceUsage only, so cobra prints "Error: …" and the --help hint. */
export const HELM_ROOT: CobraRoot = {
	path: 'helm',
	commands: ['completion', 'create', 'dependency', 'env', 'get', 'history', 'install', 'lint', 'list', 'package', 'plugin', 'pull', 'push', 'registry', 'repo', 'rollback', 'search', 'show', 'status', 'template', 'test', 'uninstall', 'upgrade', 'verify', 'version'],
	// Aliases: found by cobra's Find, never suggested.
	hidden: ['dep', 'dependencies', 'ls', 'hist', 'inspect', 'un', 'del', 'delete', 'fetch'],
	silenceErrors: false,
};
