// The datapath part of the practice daemon: flows for the Hubble UI page and the CiliumEndpoint / CiliumIdentity
// reconciler. (Exec finds the programs in pods through programs/index.ts findPodProgram.)
import {setHubbleFlowSource} from '../api/streams/hubble-ui.js';
import {registerHostTool} from '../cloud/tools.js';
import type {KubeObject, PracticeContext} from '../types.js';
import {startDatapathControllers} from './controller.js';
import {hubble} from './hubble-tool.js';
import {validateCiliumPolicy} from './policy.js';
import {Datapath} from './runtime.js';
import {startPolicyStatus} from './policy-status.js';
import {acnsUnsupportedPatternCauses, isAksManagedCilium} from './acns.js';

export function start(ctx: PracticeContext): () => void {
	const datapath = Datapath.for(ctx);
	setHubbleFlowSource(() => datapath.allFlows());
	registerHostTool('hubble', hubble);
	const unregister = registerPolicyValidators(ctx);
	const stop = startDatapathControllers(ctx);
	const stopPolicyStatus = startPolicyStatus(ctx);
	return () => {
		stop();
		stopPolicyStatus();
		for (const undo of unregister) undo();
		setHubbleFlowSource(undefined);
	};
}

type ValidatingStore = {registerValidator?(apiVersion: string, kind: string, validator: (object: KubeObject) => Array<{field: string; message: string}> | void): () => void};

/** The CRD schema checks of toFQDNs / rules.dns / ports / entities, so `kubectl apply` refuses what the API server would. */
export function registerPolicyValidators(ctx: PracticeContext): Array<() => void> {
	const store = ctx.store as unknown as ValidatingStore;
	if (typeof store.registerValidator !== 'function') return [];
	return ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'].map((kind) =>
		store.registerValidator!('cilium.io/v2', kind, (object) => {
			const causes = validateCiliumPolicy(object);
			// AKS's managed Cilium refuses a bare `*` DNS pattern (acns.ts cites the AKS page).
			if (isAksManagedCilium(ctx.store.list('apps/v1', 'DaemonSet', {namespace: 'kube-system'}))) causes.push(...acnsUnsupportedPatternCauses(object));
			// An L7 kind the practice cluster has no proxy for is refused, and a Warning event names the rule, so
			// `kubectl get events` tells the same story as the failed apply.
			const unsimulated = causes.filter((cause) => cause.reason === 'FieldValueForbidden' && cause.message.includes('not simulated'));
			if (unsimulated.length > 0) {
				setImmediate(() => {
					try {
						ctx.store.recordEvent(object, 'Warning', 'NotSimulated', `${unsimulated.map((cause) => `${cause.field}: ${cause.message.replace(/^Forbidden: /, '')}`).join('; ')}: the policy was refused`, 'cilium-lab');
					} catch {
						// The namespace went away meanwhile: nothing to attach the event to.
					}
				});
			}
			return causes;
		}),
	);
}

export {startDatapathControllers};
export {lookupPodProgram} from './programs/index.js';
export {validateCiliumPolicy};
