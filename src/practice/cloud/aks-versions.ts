// The Kubernetes versions the simulated AKS offers (`az aks get-versions`, the default of `az aks create`).
//
// Source: the AKS release notes, github.com/Azure/AKS CHANGELOG.md (stored snapshot of 2026-08-07, commit 8d1c890), release
// 2026-07-17 (v20260717): "Kubernetes patch versions 1.36.2, 1.35.6, 1.34.9, and 1.33.13 are now available"; "Kubernetes
// version 1.30 is now deprecated"; "Kubernetes version 1.33 is now available only under long-term support (LTS)". Release
// 2026-06-19: "Kubernetes version 1.36 is now generally available and supported as a Long Term Support (LTS) version".
// Release 2026-05-29 names 1.35.5 / 1.34.8 / 1.33.12. So the data is AKS's as of mid-July 2026; the Microsoft Learn page
// "Supported Kubernetes versions" in the stored sources is older (its calendar ends at 1.32) and was not used.
//
// Not in the sources: which version AKS marks `isDefault`. AKS has defaulted to the newest minor but one (CHANGELOG
// 2024-01: "AKS patch versions 1.27.9 and 1.28.5 are now available with 1.27.9 used as the default version for new
// clusters"), so 1.35 is the default here. 1.32 and 1.31 are still offered under LTS, but their current patches are not
// named in the stored notes, so they are left out rather than guessed.
import {compareMinor, minorOf} from '../versions.js';

export type AksSupportPlan = 'KubernetesOfficial' | 'AKSLongTermSupport';

interface AksMinor {
	version: string;
	patches: string[];
	supportPlan: AksSupportPlan[];
	isDefault?: boolean;
}

/** Oldest first; each minor's patches oldest first. */
export const AKS_KUBERNETES_VERSIONS: readonly AksMinor[] = [
	{version: '1.33', patches: ['1.33.12', '1.33.13'], supportPlan: ['AKSLongTermSupport']},
	{version: '1.34', patches: ['1.34.8', '1.34.9'], supportPlan: ['KubernetesOfficial']},
	{version: '1.35', patches: ['1.35.5', '1.35.6'], supportPlan: ['KubernetesOfficial'], isDefault: true},
	{version: '1.36', patches: ['1.36.2'], supportPlan: ['KubernetesOfficial', 'AKSLongTermSupport']},
];

const defaultMinor = AKS_KUBERNETES_VERSIONS.find((minor) => minor.isDefault)!;
/** `az aks create` without `--kubernetes-version`: the default minor's newest patch. */
export const DEFAULT_AKS_KUBERNETES_VERSION = defaultMinor.patches.at(-1)!;

/**
 * What a patch may upgrade to: a newer patch of its minor, or any patch of the next minor (AKS does not skip minors).
 */
function upgradesOf(patch: string): string[] {
	const minor = minorOf(patch)!;
	const [, , own] = patch.split('.').map(Number);
	const upgrades: string[] = [];
	for (const entry of AKS_KUBERNETES_VERSIONS) {
		const step = compareMinor(entry.version, minor);
		if (step === 0) upgrades.push(...entry.patches.filter((candidate) => Number(candidate.split('.')[2]) > own!));
		else if (step > 0 && AKS_KUBERNETES_VERSIONS.filter((other) => compareMinor(other.version, minor) > 0 && compareMinor(other.version, entry.version) < 0).length === 0) upgrades.push(...entry.patches);
	}
	return upgrades;
}

/** The body `az aks get-versions` prints (KubernetesVersionListResult). */
export function aksVersionsJson(): {values: Array<Record<string, unknown>>} {
	return {
		values: [...AKS_KUBERNETES_VERSIONS].reverse().map((minor) => ({
			capabilities: {supportPlan: minor.supportPlan},
			isDefault: minor.isDefault ?? null,
			isPreview: null,
			patchVersions: Object.fromEntries(minor.patches.map((patch) => [patch, {upgrades: upgradesOf(patch)}])),
			version: minor.version,
		})),
	};
}

/**
 * `-o table`: azure-cli aks _format.py aks_versions_table_format / flatten_version_table: one row per patch, newest
 * first, `None available` without upgrades; knack leaves out a column whose values are all null (IsPreview here).
 */
export function aksVersionsTableRows(): Array<Record<string, unknown>> {
	const rows = AKS_KUBERNETES_VERSIONS.flatMap((minor) =>
		minor.patches.map((patch) => {
			const upgrades = upgradesOf(patch);
			return {KubernetesVersion: patch, Upgrades: upgrades.length > 0 ? upgrades.join(', ') : 'None available', SupportPlan: minor.supportPlan.join(', ')};
		}),
	);
	const tuple = (version: string) => version.split('.').map(Number);
	return rows.sort((a, b) => {
		const [x, y] = [tuple(a.KubernetesVersion), tuple(b.KubernetesVersion)];
		return y[0]! - x[0]! || y[1]! - x[1]! || y[2]! - x[2]!;
	});
}

/** Whether `az aks create -k VERSION` names an offered version: a listed patch, or a listed minor (alias minor version). */
export function resolveAksKubernetesVersion(requested: string): string | undefined {
	for (const minor of AKS_KUBERNETES_VERSIONS) {
		if (minor.patches.includes(requested)) return requested;
		if (minor.version === requested) return minor.patches.at(-1);
	}
	return undefined;
}
