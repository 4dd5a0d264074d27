// The confirmation a step with effects (costly, irreversible, destructive: src/lab/effects.ts) needs before it
// runs on the real target, decided here and nowhere else: the TUI, `cilium-lab run` and the step driver ask this
// module. On the practice target nothing is real and nothing asks. A costly step needs a yes; a destructive or
// irreversible one needs each resource's name typed (TUI, a terminal) or given with `--confirm NAME` (headless).
// Headless, `--yes` covers costly steps but never a name. Pure.
import {expandResources, needsTypedName} from '../lab/effects.js';
import {costLines} from '../cost/estimate.js';
import {msg, type MessageKey} from '../lab/i18n.js';
import type {Lang, Step, StepEffect, StepResource} from '../lab/types.js';
import type {Cursor, Target} from './types.js';

/** Where the step would run: the Azure subscription (`az account show`) and the kube context (and its server). */
export interface TargetIdentity {
	account?: {name: string; id: string; user?: string};
	/** Why the subscription is unknown (az not logged in, not installed…). */
	accountError?: string;
	context?: string;
	server?: string;
	kubeError?: string;
}

export interface EffectConfirmation extends Cursor {
	/** cleanup: the step's `cleanup:` (reset, going back), with its `cleanupEffects`. */
	activity: 'run' | 'solve' | 'cleanup';
	effects: StepEffect[];
	/** With the lab's variables filled in. */
	resources: StepResource[];
	/** Names the learner must type (or give with --confirm); empty: a yes is enough. */
	typedNames: string[];
	/** Filled in by the driver (its `identify` port) before it asks. */
	identity?: TargetIdentity;
}

/** What a step run on `target` needs confirmed; undefined when it runs without asking. */
export function confirmationFor(input: {step: Step; ref: Cursor; activity: 'run' | 'solve' | 'cleanup'; target: Target; variables: Record<string, string>}): EffectConfirmation | undefined {
	const {step, target} = input;
	const effects = input.activity === 'cleanup' ? step.cleanupEffects : step.effects;
	if (target.kind !== 'real' || !effects || effects.length === 0) return undefined;
	const resources = expandResources(step.resources ?? [], input.variables);
	return {
		...input.ref,
		activity: input.activity,
		effects: [...effects],
		resources,
		typedNames: needsTypedName(effects) ? [...new Set(resources.map((resource) => resource.name))] : [],
	};
}

/** Whether the confirmation touches Azure (then the subscription is shown). */
export function involvesAzure(need: Pick<EffectConfirmation, 'resources'>): boolean {
	return need.resources.some((resource) => resource.kind === 'aksCluster' || resource.kind === 'resourceGroup');
}

export type HeadlessVerdict =
	/** Confirmed by the flags. */
	| {kind: 'go'}
	/** A terminal: ask y/N. */
	| {kind: 'ask-yes'}
	/** A terminal: ask for these names typed. */
	| {kind: 'ask-names'; names: string[]}
	/** No terminal and not confirmed: these names are missing (`--confirm NAME`), or a `--yes` (names empty). */
	| {kind: 'refuse'; missing: string[]};

/** `cilium-lab run`: what the flags (`--yes`, `--confirm NAME`…) and a terminal make of a step's confirmation. */
export function headlessVerdict(need: EffectConfirmation, flags: {yes: boolean; confirmed: readonly string[]; interactive: boolean}): HeadlessVerdict {
	if (need.typedNames.length > 0) {
		const missing = need.typedNames.filter((name) => !flags.confirmed.includes(name));
		if (missing.length === 0) return {kind: 'go'};
		return flags.interactive ? {kind: 'ask-names', names: missing} : {kind: 'refuse', missing};
	}
	if (flags.yes) return {kind: 'go'};
	return flags.interactive ? {kind: 'ask-yes'} : {kind: 'refuse', missing: []};
}

/** A typed answer confirms when it is the names, in order, separated by spaces (surrounding blanks ignored). */
export function typedConfirms(names: readonly string[], typed: string): boolean {
	return names.length > 0 && typed.trim().split(/\s+/).join(' ') === names.join(' ');
}

const RESOURCE_KEYS: Record<StepResource['kind'], MessageKey> = {
	aksCluster: 'confirm.resource.aksCluster',
	resourceGroup: 'confirm.resource.resourceGroup',
	helmRelease: 'confirm.resource.helmRelease',
	namespace: 'confirm.resource.namespace',
};

export function describeResource(lang: Lang, resource: StepResource): string {
	return msg(lang, RESOURCE_KEYS[resource.kind], {name: resource.name, group: resource.group ?? '', namespace: resource.namespace ?? ''});
}

/**
 * The confirmation in the learner's words, one line each: what the step does, the subscription, the kube context
 * and server, the resources, and what to answer (`how`: 'keys' for the TUI, 'terminal' headless).
 */
export function describeConfirmation(lang: Lang, need: EffectConfirmation, how: 'keys' | 'terminal'): string[] {
	const identity = need.identity ?? {};
	const effects = need.effects.map((effect) => msg(lang, `effect.${effect}`)).join(' · ');
	const lines = [msg(lang, need.activity === 'cleanup' ? 'confirm.titleCleanup' : 'confirm.title', {step: `${need.lessonId}/${need.stepId}`, effects})];
	if (involvesAzure(need)) {
		lines.push(
			identity.account
				? msg(lang, 'confirm.subscription', {name: identity.account.name, id: identity.account.id})
				: msg(lang, 'confirm.subscriptionUnknown', {error: identity.accountError ?? '?'}),
		);
	}
	lines.push(
		identity.context
			? msg(lang, 'confirm.kube', {context: identity.context, server: identity.server ?? '?'})
			: msg(lang, 'confirm.kubeUnknown', {error: identity.kubeError ?? '?'}),
	);
	for (const resource of need.resources) {
		lines.push(`  • ${describeResource(lang, resource)}`);
		if (need.effects.includes('costly') && need.activity !== 'cleanup') lines.push(...costLines(lang, resource).map((line) => `    ${line}`));
	}
	if (need.typedNames.length > 0) lines.push(msg(lang, how === 'keys' ? 'confirm.typeNames' : 'confirm.typeNamesTerminal', {names: need.typedNames.join(' ')}));
	else lines.push(msg(lang, how === 'keys' ? 'confirm.yesNo' : 'confirm.yesNoTerminal'));
	return lines;
}

/** Headless without a terminal: why the step did not run, and the flags that would run it. */
export function refusalText(lang: Lang, need: EffectConfirmation, missing: readonly string[]): string {
	if (missing.length > 0) return msg(lang, 'confirm.needsConfirm', {step: `${need.lessonId}/${need.stepId}`, flags: missing.map((name) => `--confirm ${name}`).join(' ')});
	return msg(lang, 'confirm.needsYes', {step: `${need.lessonId}/${need.stepId}`});
}
