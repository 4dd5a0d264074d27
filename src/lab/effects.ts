// What a step does to the world beyond the lab: `effects:` (costly, irreversible, destructive) and the
// `resources:` it acts on. Lint requires them on every step whose command matches a known costly, irreversible or
// destructive command (so a lesson cannot forget one), and the confirmation on the real target
// (src/session/confirm.ts) reads them. Pure.
import {expandText} from './expand.js';
import type {StepEffect, StepResource} from './types.js';

export {RESOURCE_KINDS, STEP_EFFECTS} from './types.js';

interface KnownCommand {
	pattern: RegExp;
	effect: StepEffect;
	/** What it is, for the lint message. */
	what: string;
}

/** Commands whose effect a step must declare (matched on its run and solve scripts, not its cleanup). */
export const KNOWN_COMMANDS: readonly KnownCommand[] = [
	{pattern: /\baz\s+aks\s+create\b/, effect: 'costly', what: 'az aks create'},
	{pattern: /\baz\s+aks\s+update\b[^\n]*(?:\\\n[^\n]*)*--network-dataplane\s+\S*cilium/, effect: 'irreversible', what: 'az aks update --network-dataplane cilium'},
	{pattern: /\baz\s+aks\s+update\b[^\n]*(?:\\\n[^\n]*)*--enable-acns\b/, effect: 'costly', what: 'az aks update --enable-acns'},
	{pattern: /\baz\s+aks\s+delete\b/, effect: 'destructive', what: 'az aks delete'},
	{pattern: /\baz\s+group\s+delete\b/, effect: 'destructive', what: 'az group delete'},
	{pattern: /\bhelm\b[^\n;&|]*\s(?:delete|uninstall|del|un)\s/, effect: 'destructive', what: 'helm delete'},
	{pattern: /\bkubectl\b[^\n;&|]*\sdelete\s+(?:ns|namespaces?)\b/, effect: 'destructive', what: 'kubectl delete namespace'},
];

/**
 * Commands that change or delete an Azure resource which, in a shared subscription, may be someone else's of the same
 * name: a step whose run, solve or cleanup runs one must carry `guard: labTags` (src/session/ownership.ts).
 */
export const GUARDED_COMMANDS: ReadonlyArray<{pattern: RegExp; what: string}> = [
	{pattern: /\baz\s+aks\s+delete\b/, what: 'az aks delete'},
	{pattern: /\baz\s+group\s+delete\b/, what: 'az group delete'},
	{pattern: /\baz\s+aks\s+update\b/, what: 'az aks update'},
];

/** The guarded commands a script runs (see GUARDED_COMMANDS). */
export function guardedCommands(script: string): string[] {
	return GUARDED_COMMANDS.filter((known) => known.pattern.test(script)).map((known) => known.what);
}

/** The effects a script's known commands have (each with the command that has it). */
export function requiredEffects(script: string): Array<{effect: StepEffect; what: string}> {
	return KNOWN_COMMANDS.filter((known) => known.pattern.test(script)).map(({effect, what}) => ({effect, what}));
}

/** destructive and irreversible steps need the resource's name typed; costly ones a yes. */
export function needsTypedName(effects: readonly StepEffect[]): boolean {
	return effects.includes('destructive') || effects.includes('irreversible');
}

/** A step's resources with the lab's variables filled in. */
export function expandResources(resources: readonly StepResource[], variables: Record<string, string>): StepResource[] {
	return resources.map((resource) => ({
		kind: resource.kind,
		name: expandText(resource.name, variables),
		...(resource.group !== undefined ? {group: expandText(resource.group, variables)} : {}),
		...(resource.namespace !== undefined ? {namespace: expandText(resource.namespace, variables)} : {}),
		...(resource.location !== undefined ? {location: expandText(resource.location, variables)} : {}),
		...(resource.vmSize !== undefined ? {vmSize: expandText(resource.vmSize, variables)} : {}),
		...(resource.nodeCount !== undefined ? {nodeCount: expandText(resource.nodeCount, variables)} : {}),
	}));
}
