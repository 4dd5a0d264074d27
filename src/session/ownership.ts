// "Only what the lab made": the Azure resources a lesson creates carry two tags, `createdBy=cilium-lab` and
// `cilium-lab-home=<this lab home's id>` (LAB_HOME_ID, src/home.ts). A step with `guard: labTags` acts, on the real
// target, only on resources that carry both or do not exist yet: lesson 01 does not adopt someone else's cluster of the
// same name, lesson 08 does not delete it. What a resource's tags say is read with `az … show --query tags`
// (src/target-identity.ts, the driver's `inspectAzure` port); the verdict and its words are decided here. Pure.
import {msg} from '../lab/i18n.js';
import type {Lang, StepResource} from '../lab/types.js';
import {describeResource} from './confirm.js';

export const CREATED_BY_TAG = 'createdBy';
export const CREATED_BY_VALUE = 'cilium-lab';
export const HOME_TAG = 'cilium-lab-home';

/** What `az group show` / `az aks show --query tags` said about a resource. */
export type ObservedResource =
	| {exists: false}
	/** tags null: the resource has none. */
	| {exists: true; tags: Record<string, string> | null; /** A resource group's resources (`az resource list`), read when it is to be deleted. */ contents?: AzureResource[]}
	/** az could not tell (not signed in, not installed, another error). */
	| {error: string};

/** One resource in a resource group, as `az resource list -g GROUP` lists it. */
export interface AzureResource {
	name: string;
	type: string;
	tags: Record<string, string> | null;
}

/** Tag names that usually say who made a resource, in the order they are trusted. */
const OWNER_TAGS = ['createdby', 'created-by', 'created_by', 'owner', 'creator', 'author', 'contact', 'user'];

/** Whose a resource looks like, from its tags: the first owner-like tag, else its tags, else "no tags". */
export function whoseItLooksLike(lang: Lang, tags: Record<string, string> | null): string {
	const entries = Object.entries(tags ?? {});
	if (entries.length === 0) return msg(lang, 'guard.noTags');
	for (const wanted of OWNER_TAGS) {
		const found = entries.find(([name, value]) => name.toLowerCase() === wanted && value.trim() !== '');
		if (found) return msg(lang, 'guard.whose', {owner: found[1], tag: found[0]});
	}
	const shown = entries.slice(0, 5).map(([name, value]) => (value ? `${name}=${value}` : name));
	return msg(lang, 'guard.whoseTags', {tags: `${shown.join(', ')}${entries.length > 5 ? ', …' : ''}`});
}

export interface OwnershipInput {
	resource: StepResource;
	/** The lab variable the resource's name comes from (`${CLUSTER_NAME}`), to say how to pick another. */
	variable?: string;
	observed: ObservedResource;
	homeId: string;
	/** The step deletes (destructive): the advice is about deleting, not about another name. */
	deleting: boolean;
}

/** Why the step must not act on the resource, in the learner's words; undefined when it may (absent, or this home's). */
export function ownershipProblem(lang: Lang, input: OwnershipInput): string | undefined {
	const {observed, resource} = input;
	const what = describeResource(lang, resource);
	if ('error' in observed) return msg(lang, 'guard.unknown', {resource: what, error: observed.error});
	if (!observed.exists) return undefined;
	const tags = observed.tags ?? {};
	const ours = (candidate: Record<string, string> | null) => candidate?.[CREATED_BY_TAG] === CREATED_BY_VALUE && candidate[HOME_TAG] === input.homeId;
	if (ours(tags)) {
		// Deleting a group deletes everything in it: the lab's group may hold what someone else put there.
		const foreign = (observed.contents ?? []).filter((item) => !ours(item.tags));
		if (foreign.length === 0) return undefined;
		const items = foreign.slice(0, 5).map((item) => msg(lang, 'guard.foreignItem', {name: item.name, type: item.type, whose: whoseItLooksLike(lang, item.tags)}));
		return msg(lang, 'guard.foreignContents', {
			resource: what,
			count: foreign.length,
			items: `${items.join(' ')}${foreign.length > 5 ? ' …' : ''}`,
		});
	}
	const why =
		tags[CREATED_BY_TAG] === CREATED_BY_VALUE
			? msg(lang, 'guard.otherHome', {home: tags[HOME_TAG] ?? '?', mine: input.homeId})
			: `${msg(lang, 'guard.notLabMade', {tag: `${CREATED_BY_TAG}=${CREATED_BY_VALUE}`})} ${whoseItLooksLike(lang, observed.tags)}`;
	const advice = input.deleting
		? msg(lang, 'guard.adviceDelete', {variable: input.variable ?? '…'})
		: msg(lang, 'guard.adviceRename', {variable: input.variable ?? '…', name: otherName(resource.name, input.homeId)});
	return msg(lang, 'guard.refused', {resource: what, why, advice});
}

/**
 * A name the learner can take instead of one someone else holds: the name with this lab home's short id
 * (`yj-aks` → `yj-aks-0123ab`), unique to this home and within AKS's and resource groups' name rules (letters, digits,
 * hyphens; the id is hex).
 */
export function otherName(name: string, homeId: string): string {
	const suffix = `-${(homeId || 'lab').slice(0, 6)}`;
	return name.endsWith(suffix) ? `${name}2` : `${name.slice(0, 63 - suffix.length)}${suffix}`;
}
