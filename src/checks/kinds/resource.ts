import type {CheckParams} from '../specs.js';
import type {CheckContext, CheckResult} from '../types.js';
import {apiStatus, clusterFailure, withCluster} from '../cluster.js';
import {parseLabelSelector} from '../../label-selector.js';
import {matchObject, say, show, type Loose, type Mismatch} from '../logic.js';

export async function run(params: CheckParams<'resource'>, ctx: CheckContext): Promise<CheckResult> {
	const wantPresent = (params.state ?? 'present') === 'present';
	const what = describeTarget(params);
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
			const summary = say(ctx.lang, `the cluster does not know ${params.resourceKind} (${params.apiVersion})`, `클러스터가 ${params.resourceKind} (${params.apiVersion})를 모릅니다`);
			if (!wantPresent) return {ok: true, summary};
			return {ok: false, summary, hint: say(ctx.lang, 'a custom resource needs its CRD: is the component that brings it installed? (`kubectl api-resources`)', '사용자 정의 리소스에는 CRD가 필요합니다: 그것을 제공하는 구성 요소가 설치되었나요? (`kubectl api-resources`)')};
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
			if (matching.length === 0) return {ok: true, summary: say(ctx.lang, `${what}: absent`, `${what}: 없음`)};
			return {
				ok: false,
				summary: say(ctx.lang, `${what} still exists (${names})`, `${what}이(가) 아직 있습니다 (${names})`),
				hint: say(ctx.lang, 'deleting can take a moment (finalizers); `kubectl get` shows what is left', '삭제에는 시간이 걸릴 수 있습니다 (finalizer); `kubectl get`으로 남은 것을 확인하세요'),
			};
		}
		if (present) {
			return {ok: true, summary: say(ctx.lang, `${what}: ${matching.length} present${names ? ` (${names})` : ''}`, `${what}: ${matching.length}개 있음${names ? ` (${names})` : ''}`)};
		}
		const detail = [
			params.match ? say(ctx.lang, `expected: ${Object.entries(params.match).map(([path, value]) => `${path} = ${show(value)}`).join(', ')}`, `기대: ${Object.entries(params.match).map(([path, value]) => `${path} = ${show(value)}`).join(', ')}`) : undefined,
			...mismatches.slice(0, 5).map(({name, mismatches: list}) => `${name}: ${list.map(m => `${m.path} = ${show(m.seen)}`).join(', ')}`),
		].filter(Boolean).join('\n');
		return {
			ok: false,
			summary:
				objects.length === 0
					? say(ctx.lang, `${what}: not found`, `${what}: 없음`)
					: say(ctx.lang, `${what}: ${matching.length} of ${objects.length} match (need ${needed})`, `${what}: ${objects.length}개 중 ${matching.length}개 일치 (필요: ${needed})`),
			detail: detail || undefined,
			hint: say(ctx.lang, 'did the apply succeed? compare with `kubectl get … -o yaml`', 'apply가 성공했나요? `kubectl get … -o yaml`과 비교해 보세요'),
		};
	});
}

function describeTarget(params: CheckParams<'resource'>): string {
	const scope = params.namespace ? `${params.namespace}/` : '';
	if (params.name) return `${params.resourceKind} ${scope}${params.name}`;
	if (params.selector) return `${params.resourceKind} ${scope}(${params.selector})`;
	return `${params.resourceKind}${params.namespace ? ` in ${params.namespace}` : ''}`;
}
