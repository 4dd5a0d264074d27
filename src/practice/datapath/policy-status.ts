// What the agents and the operator leave behind when a Cilium policy arrives:
// - each agent's log line (pkg/policy/k8s/cilium_network_policy.go addCiliumNetworkPolicyV2 @v1.16.4: Info
//   "Imported CiliumNetworkPolicy", or Warn "Unable to add CiliumNetworkPolicy" with the error cnp.Parse() returns,
//   "Invalid CiliumNetworkPolicy spec: <Sanitize error>"; logrus text with its fields sorted, subsys=policy-k8s-watcher);
// - the operator's validator condition (operator/pkg/networkpolicy: status.conditions type Valid, True "Policy
//   validation succeeded" or False with the Sanitize error).
// Refusals the practice cluster makes for what it does not simulate are not Cilium's: they get no agent line.
import {appendPodLog} from '../api/streams/logs.js';
import type {KubeObject, PracticeContext} from '../types.js';
import {compilePolicy} from './policy.js';

const POLICY_KINDS = new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);

function quote(value: string): string {
	return value === '' || /^[\w./:@-]+$/.test(value) ? value : JSON.stringify(value);
}

/** The policy's Sanitize error as the agent sees it (the first; undefined when valid or refused for the lab's own reasons). */
export function policySanitizeError(object: KubeObject): {error?: string; simulated: boolean} {
	const errors = compilePolicy(object)
		.map((compiled) => compiled.error)
		.filter((error): error is string => Boolean(error));
	const error = errors[0];
	return {error, simulated: !error || !error.includes('not simulated')};
}

export function agentPolicyLogLine(object: KubeObject, error: string | undefined): string {
	const name = object.metadata.name;
	const namespace = object.metadata.namespace ?? '';
	const fields = (extra: string) => `ciliumNetworkPolicyName=${quote(name)}${extra} k8sApiVersion= k8sNamespace=${quote(namespace)} subsys=policy-k8s-watcher`;
	return error
		? `level=warning msg="Unable to add CiliumNetworkPolicy" ${fields(` error=${quote(`Invalid CiliumNetworkPolicy spec: ${error}`)}`)}`
		: `level=info msg="Imported CiliumNetworkPolicy" ${fields('')}`;
}

function agentPods(ctx: PracticeContext): KubeObject[] {
	return ctx.store
		.list('v1', 'Pod', {namespace: 'kube-system', labelSelector: 'k8s-app=cilium'})
		.filter((pod) => (pod.status as {phase?: string} | undefined)?.phase === 'Running' && !pod.metadata.deletionTimestamp);
}

function operatorReady(ctx: PracticeContext): boolean {
	const operator = ctx.store.get('apps/v1', 'Deployment', 'kube-system', 'cilium-operator');
	return Number((operator?.status as {readyReplicas?: number} | undefined)?.readyReplicas ?? 0) >= 1;
}

type StatusWriter = {updateObject?(object: KubeObject, options: {subresource: 'status'}): unknown};

/** Watches Cilium policies: one agent log line per agent and a Valid condition per policy, for each spec change. */
export function startPolicyStatus(ctx: PracticeContext): () => void {
	const seen = new Map<string, string>();
	const handle = (object: KubeObject) => {
		const key = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}/${object.metadata.uid}`;
		const spec = JSON.stringify([(object as {spec?: unknown}).spec, (object as {specs?: unknown}).specs]);
		const {error, simulated} = policySanitizeError(object);
		if (seen.get(key) !== spec) {
			seen.set(key, spec);
			if (simulated) {
				const line = agentPolicyLogLine(object, error);
				for (const pod of agentPods(ctx)) appendPodLog(pod, 'cilium-agent', line, ctx.clock.now());
			}
		}
		if (!simulated || !operatorReady(ctx)) return;
		const status = (object.status ?? {}) as {conditions?: Array<{type: string; status: string; message: string; lastTransitionTime: string}>};
		const wanted = error ? {status: 'False', message: error} : {status: 'True', message: 'Policy validation succeeded'};
		const current = status.conditions?.find((condition) => condition.type === 'Valid');
		if (current && current.status === wanted.status && current.message === wanted.message) return;
		const condition = {type: 'Valid', status: wanted.status, lastTransitionTime: current && current.status === wanted.status ? current.lastTransitionTime : new Date(ctx.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'), message: wanted.message};
		const conditions = [...(status.conditions ?? []).filter((entry) => entry.type !== 'Valid'), condition];
		const writer = ctx.store as unknown as StatusWriter;
		try {
			const fresh = ctx.store.get(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
			if (!fresh || fresh.metadata.uid !== object.metadata.uid) return;
			const updated = {...fresh, status: {...((fresh.status ?? {}) as object), conditions}};
			if (typeof writer.updateObject === 'function') writer.updateObject(updated, {subresource: 'status'});
		} catch {
			// Changed or deleted meanwhile: the next event writes it.
		}
	};
	const unsubscribe = ctx.store.subscribe((event) => {
		if (event.type === 'DELETED') {
			if (POLICY_KINDS.has(event.object.kind)) for (const key of seen.keys()) if (key.endsWith(`/${event.object.metadata.uid}`)) seen.delete(key);
			return;
		}
		if (POLICY_KINDS.has(event.object.kind)) {
			const object = event.object;
			setImmediate(() => handle(object));
		} else if (event.object.kind === 'Deployment' && event.object.metadata.name === 'cilium-operator') {
			// The validator starts with the operator: it reconciles what is there.
			setImmediate(() => {
				if (!operatorReady(ctx)) return;
				for (const kind of POLICY_KINDS) {
					try {
						for (const policy of ctx.store.list('cilium.io/v2', kind)) handle(policy);
					} catch {
						// The CRD is not served yet.
					}
				}
			});
		}
	});
	return unsubscribe;
}
