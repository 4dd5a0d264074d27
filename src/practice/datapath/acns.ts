// What AKS's managed Cilium (Azure CNI Powered by Cilium, with Advanced Container Networking Services) does not accept
// in a Cilium policy, apart from the CRD schema that validation.ts / policy.ts check.
//
// Source: "Set up FQDN filtering feature for Container Network Security in Advanced Container Networking Services"
// (learn.microsoft.com/azure/aks/how-to-apply-fqdn-filtering-policies), "Limitations": "Wildcard FQDN policies are
// partially supported … you can't use a universal wildcard (*) to match all domains on the field
// spec.egress.toPorts.rules.dns.matchPattern"; "Unsupported Pattern: * This attempt to match any domain name, which
// isn't supported." Supported: `*.example.com`, `app*.example.com`.
//
// The page does not say HOW AKS refuses it (an admission error, or a policy stored but not enforced). The practice
// cluster refuses it at apply, the way a validating admission webhook would, so the learner sees at once what AKS
// does not accept rather than a policy that silently does nothing. The wording of the refusal is the lab's own.
import type {KubeObject} from '../types.js';
import type {SchemaCause} from './fqdn.js';

type Raw = Record<string, unknown>;
const asArray = (value: unknown): Raw[] => (Array.isArray(value) ? (value as Raw[]) : []);
const asRecord = (value: unknown): Raw | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : undefined);

export const ACNS_FQDN_DOC = 'learn.microsoft.com/azure/aks/how-to-apply-fqdn-filtering-policies';

/** The cilium DaemonSet in kube-system is AKS's own (managed-cilium.ts labels it `kubernetes.azure.com/managedby: aks`). */
export function isAksManagedCilium(daemonSets: KubeObject[]): boolean {
	return daemonSets.some((daemonSet) => daemonSet.metadata.name === 'cilium' && daemonSet.metadata.labels?.['kubernetes.azure.com/managedby'] === 'aks');
}

/** The `rules.dns[].matchPattern: "*"` entries of a CNP/CCNP (egress only: the field the AKS page names), as refusals. */
export function acnsUnsupportedPatternCauses(object: object): SchemaCause[] {
	const {spec: rawSpec, specs: rawSpecs} = object as {spec?: unknown; specs?: unknown};
	const causes: SchemaCause[] = [];
	const specs: Array<{spec: Raw; path: string}> = [];
	const spec = asRecord(rawSpec);
	if (spec) specs.push({spec, path: 'spec'});
	asArray(rawSpecs).forEach((entry, index) => {
		const record = asRecord(entry);
		if (record) specs.push({spec: record, path: `specs[${index}]`});
	});
	for (const {spec: policySpec, path} of specs) {
		asArray(policySpec.egress).forEach((rule, ruleIndex) => {
			asArray(rule?.toPorts).forEach((portRule, portRuleIndex) => {
				asArray(asRecord(portRule?.rules)?.dns).forEach((selector, index) => {
					if (typeof selector?.matchPattern === 'string' && selector.matchPattern.trim() === '*') {
						causes.push({
							reason: 'FieldValueForbidden',
							field: `${path}.egress[${ruleIndex}].toPorts[${portRuleIndex}].rules.dns[${index}].matchPattern`,
							message: `Forbidden: the universal wildcard "*" is not supported by Advanced Container Networking Services on AKS (use a pattern with a domain, such as "*.example.com"; ${ACNS_FQDN_DOC}, Limitations)`,
						});
					}
				});
			});
		});
	}
	return causes;
}
