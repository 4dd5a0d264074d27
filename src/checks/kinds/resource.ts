import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {apiStatus, clusterFailure, withCluster} from '../cluster.js';
import {parseLabelSelector} from '../../label-selector.js';
import {msg} from '../../lab/i18n.js';
import type {Lang} from '../../lab/types.js';
import {matchObject, show, type Loose, type Mismatch} from '../logic.js';

export async function run(params: CheckParams<'resource'>, ctx: CheckContext): Promise<CheckResult> {
	const wantPresent = (params.state ?? 'present') === 'present';
	const what = describeTarget(params, ctx.lang);
	return withCluster(ctx, async clients => {
		let known: unknown;
		try {
			// Discovery of the group/version (cached by client-node); protected in its typings, public in its docs.
			const discovery = clients.objects as unknown as {resource(apiVersion: string, kind: string): Promise<unknown>};
			known = await discovery.resource(params.apiVersion, params.resourceKind);
		} catch (error) {
			if (apiStatus(error) !== 404) return clusterFailure(error, ctx);
		}
		if (!known) {
			const summary = msg(ctx.lang, 'check.resource.unknown-kind', {kind: params.resourceKind, apiVersion: params.apiVersion});
			if (!wantPresent) return {ok: true, summary};
			return {ok: false, summary, hint: msg(ctx.lang, 'check.resource.hint-crd')};
		}

		let objects: Loose[];
		if (params.name) {
			try {
				objects = [await clients.objects.read({apiVersion: params.apiVersion, kind: params.resourceKind, metadata: {name: params.name, namespace: params.namespace}})];
			} catch (error) {
				if (apiStatus(error) !== 404) return clusterFailure(error, ctx);
				objects = [];
			}
		} else {
			const list = await clients.objects.list(params.apiVersion, params.resourceKind, params.namespace, undefined, undefined, undefined, undefined, params.selector);
			objects = list.items as Loose[];
		}
		// A read by name ignores the selector: it still has to pick the object, as a list's labelSelector does.
		if (params.selector && params.name) {
			const matchesSelector = parseLabelSelector(params.selector);
			objects = objects.filter(object => matchesSelector(object.metadata?.labels));
		}

		const matching: Loose[] = [];
		const mismatches: Array<{name: string; mismatches: Mismatch[]}> = [];
		for (const object of objects) {
			const found = params.match ? matchObject(object, params.match) : [];
			if (found.length === 0) matching.push(object);
			else mismatches.push({name: object.metadata?.name, mismatches: found});
		}
		const needed = params.minCount ?? 1;
		const present = matching.length >= needed;
		const names = matching.map(object => object.metadata?.name).join(', ');

		if (!wantPresent) {
			if (matching.length === 0) return {ok: true, summary: msg(ctx.lang, 'check.resource.absent', {what})};
			return {ok: false, summary: msg(ctx.lang, 'check.resource.still-exists', {what, names}), hint: msg(ctx.lang, 'check.resource.hint-deleting')};
		}
		if (present) {
			return {ok: true, summary: `${msg(ctx.lang, 'check.resource.present', {what, count: matching.length})}${names ? ` (${names})` : ''}`};
		}
		const detail = [
			params.match ? msg(ctx.lang, 'checks.expected', {text: Object.entries(params.match).map(([path, value]) => `${path} = ${show(value)}`).join(', ')}) : undefined,
			...mismatches.slice(0, 5).map(({name, mismatches: list}) => `${name}: ${list.map(m => `${m.path} = ${show(m.seen)}`).join(', ')}`),
		].filter(Boolean).join('\n');
		return {
			ok: false,
			summary:
				objects.length === 0
					? msg(ctx.lang, 'check.resource.not-found', {what})
					: msg(ctx.lang, 'check.resource.partial-match', {what, matching: matching.length, total: objects.length, needed}),
			detail: detail || undefined,
			hint: msg(ctx.lang, 'check.resource.hint-apply'),
		};
	});
}

function describeTarget(params: CheckParams<'resource'>, lang: Lang): string {
	const scope = params.namespace ? `${params.namespace}/` : '';
	if (params.name) return `${params.resourceKind} ${scope}${params.name}`;
	if (params.selector) return `${params.resourceKind} ${scope}(${params.selector})`;
	return params.namespace ? msg(lang, 'check.resource.in-namespace', {kind: params.resourceKind, namespace: params.namespace}) : params.resourceKind;
}
