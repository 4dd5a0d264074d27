// The Cilium versions the lab offers, and what differs between them: one table the practice cluster's tools and
// datapath read (by the version the agent pods run), each entry with the source it was read from.
//
// Sources (stored snapshots, read at the tags below):
// - chart: github.com/cilium/charts, `cilium-<version>.tgz` (Chart.yaml, values.yaml, templates/NOTES.txt,
//   templates/warnings.txt) — the snapshot of 2026-08-03 lists 1.16.4 … 1.16.19, 1.18.12, 1.19.6 and 1.20.0 as the newest
//   patch of each line in index.yaml.
// - matchpattern: pkg/fqdn/matchpattern/matchpattern.go as vendored by cilium/cilium-cli: v0.18.8 vendors cilium
//   v1.19.0-pre.1 (no `**.`), v0.19.0 vendors v1.19.0-pre.4 (`**.` multi-label wildcard, wildcard-only patterns match
//   everything); unchanged through v0.19.7 (cilium v1.20.0-pre.4). v0.18.5 vendors v1.18.0-pre.3, same as 1.16.
// - policy API: pkg/policy/api/{ingress,egress}.go as vendored by cilium-cli: FromRequires/ToRequires are
//   []EndpointSelector up to v1.19.0-pre.1, and `Deprecated … +kubebuilder:validation:MaxItems=0` []string from
//   v1.19.0-pre.4 (cilium-cli v0.19.0) on.
// - Kubernetes tested: Documentation/network/kubernetes/compatibility.rst at the tag ("All Kubernetes versions listed
//   are e2e tested"); only the 1.18 page (v1.18.14) was found in the stored sources.

export type CiliumMinor = '1.16' | '1.18' | '1.19' | '1.20';

export interface CiliumImages {
	agent: string;
	envoy: string;
	operatorGeneric: string;
	operatorAzure: string;
	relay: string;
	ui: string;
	uiBackend: string;
	nodeInit: string;
}

export interface CiliumRelease {
	version: string;
	minor: CiliumMinor;
	/** Out of the project's maintenance (three stable lines at a time). */
	endOfLife: boolean;
	/** The chart's images (values.yaml `image`, `operator.image`, `hubble.relay.image`, … with `useDigest`). */
	images: CiliumImages;
	/**
	 * The Go release the agent and operator binaries were built with, as their start-up line prints it (`Cilium 1.16.4 go
	 * version go1.22.9 linux/amd64`), where known; the stored sources do not give it for the newer releases.
	 */
	goVersion?: string;
	/** Kubernetes minors the version's docs list as e2e tested, when the page was found. */
	kubernetesTested?: {from: string; to: string; source: string};
}

const quay = 'quay.io/cilium';

/** Offered in `CILIUM_VERSION` (lessons/lab.yaml), oldest first. 1.16.4 is the source document's. */
export const CILIUM_RELEASES: readonly CiliumRelease[] = [
	{
		version: '1.16.4',
		minor: '1.16',
		endOfLife: true,
		goVersion: 'go1.22.9',
		images: {
			agent: `${quay}/cilium:v1.16.4@sha256:d55ec38938854133e06739b1af237932b9c4dd4e75e9b7b2ca3acc72540a44bf`,
			envoy: `${quay}/cilium-envoy:v1.30.7-1731393961-97edc2815e2c6a174d3d12e71731d54f5d32ea16@sha256:0287b36f70cfbdf54f894160082f4f94d1ee1fb10389f3a95baa6c8e448586ed`,
			operatorGeneric: `${quay}/operator-generic:v1.16.4@sha256:c55a7cbe19fe0b6b28903a085334edb586a3201add9db56d2122c8485f7a51c5`,
			operatorAzure: `${quay}/operator-azure:v1.16.4@sha256:475594628af6d6a807d58fcb6b7d48f5a82e0289f54ae372972b1d0536c0b6de`,
			relay: `${quay}/hubble-relay:v1.16.4@sha256:fb2c7d127a1c809f6ba23c05973f3dd00f6b6a48e4aee2da95db925a4f0351d2`,
			ui: `${quay}/hubble-ui:v0.13.1@sha256:e2e9313eb7caf64b0061d9da0efbdad59c6c461f6ca1752768942bfeda0796c6`,
			uiBackend: `${quay}/hubble-ui-backend:v0.13.1@sha256:0e0eed917653441fded4e7cdb096b7be6a3bddded5a2dd10812a27b1fc6ed95b`,
			nodeInit: `${quay}/startup-script:c54c7edeab7fde4da68e59acd319ab24af242c3f@sha256:8d7b41c4ca45860254b3c19e20210462ef89479bb6331d6760c4e609d651b29c`,
		},
	},
	{
		version: '1.18.12',
		minor: '1.18',
		endOfLife: false,
		images: {
			agent: `${quay}/cilium:v1.18.12@sha256:94149589d9b77fe3a78f900121b36fab51b1ede0c4190924e2328facc37de210`,
			envoy: `${quay}/cilium-envoy:v1.36.9-1782267392-edeb3f2af56c37c407efa1f63f0b32f595399bbc@sha256:767101fb8a5e38f055778cb43b7aa8eed80450b37f8121effac3d9de9e06dc99`,
			operatorGeneric: `${quay}/operator-generic:v1.18.12@sha256:86899c73438812b2761ac6fa435ea4e65f68e70d1ae54ac806fec8805d1ce011`,
			operatorAzure: `${quay}/operator-azure:v1.18.12@sha256:b435e3e41629ffea2687e58c7be6dfb29b4862ca0b517990ae40fe1effb36044`,
			relay: `${quay}/hubble-relay:v1.18.12@sha256:308b186791faf8a8a9322ce64d2e12f66fa82a3f4659e7a79b31829b6195df61`,
			ui: `${quay}/hubble-ui:v0.13.5@sha256:f7d514fc54d784ed6df9d58cf0e97648b143f92b766dd1780ed3fc845bd4c516`,
			uiBackend: `${quay}/hubble-ui-backend:v0.13.5@sha256:fac0c300ae119274edca11fd89b1ad23c788792d8bc4ea2ba631c709e8d3c688`,
			nodeInit: `${quay}/startup-script:1755531540-60ee83e@sha256:5bdca3c2dec2c79f58d45a7a560bf1098c2126350c901379fe850b7f78d3d757`,
		},
		kubernetesTested: {from: '1.30', to: '1.33', source: 'cilium/cilium v1.18.14 Documentation/network/kubernetes/compatibility.rst'},
	},
	{
		version: '1.19.6',
		minor: '1.19',
		endOfLife: false,
		images: {
			agent: `${quay}/cilium:v1.19.6@sha256:0df5b2750b64c49843aba1d649e9eaf61467cb0645ad3171db6f6962c095ac92`,
			envoy: `${quay}/cilium-envoy:v1.36.9-1782267392-edeb3f2af56c37c407efa1f63f0b32f595399bbc@sha256:767101fb8a5e38f055778cb43b7aa8eed80450b37f8121effac3d9de9e06dc99`,
			operatorGeneric: `${quay}/operator-generic:v1.19.6@sha256:0db4ca4e06969d8904ee036617795d0e9c3228cf7b8d902ba74fc2bb98d2d665`,
			operatorAzure: `${quay}/operator-azure:v1.19.6@sha256:e555430b7f5e4c407daab1afbec3c431ec016a53f1f1b848f67b9242cd3adedd`,
			relay: `${quay}/hubble-relay:v1.19.6@sha256:6782a49e3f28eba015701c4410a5ec7fa096fe9a562f879b4372dbecd827ea44`,
			ui: `${quay}/hubble-ui:v0.13.5@sha256:f7d514fc54d784ed6df9d58cf0e97648b143f92b766dd1780ed3fc845bd4c516`,
			uiBackend: `${quay}/hubble-ui-backend:v0.13.5@sha256:fac0c300ae119274edca11fd89b1ad23c788792d8bc4ea2ba631c709e8d3c688`,
			nodeInit: `${quay}/startup-script:1763560095-8f36c34@sha256:50b9cf9c280096b59b80d2fc8ee6638facef79ac18998a22f0cbc40d5d28c16f`,
		},
	},
	{
		version: '1.20.0',
		minor: '1.20',
		endOfLife: false,
		images: {
			agent: `${quay}/cilium:v1.20.0@sha256:383968cd5e8873f7976fa76aa6196045643558f4cc9518a207b9335cb24a0e93`,
			envoy: `${quay}/cilium-envoy:v1.37.5-1782911245-7cffc778c923f68a77954a53b1a98d6b5353f004@sha256:583057dd4f7d54cd41efff3c413aa0b148ac201f522e2c3336851fa89c78b039`,
			operatorGeneric: `${quay}/operator-generic:v1.20.0@sha256:80744a8cc7c91c2f9e6347629406844eb35d79b30a732c6d41c15b17232a74f3`,
			operatorAzure: `${quay}/operator-azure:v1.20.0@sha256:4506f8d0c9f2dd187313f71b37a789986c1c1699f59c52973941df9eb5ccae0c`,
			relay: `${quay}/hubble-relay:v1.20.0@sha256:2ca16981c7eb98df0ba9c9d18896bb9ca628b5cbd40dc9801339f4741f91ee94`,
			ui: `${quay}/hubble-ui:v0.13.5@sha256:f7d514fc54d784ed6df9d58cf0e97648b143f92b766dd1780ed3fc845bd4c516`,
			uiBackend: `${quay}/hubble-ui-backend:v0.13.5@sha256:fac0c300ae119274edca11fd89b1ad23c788792d8bc4ea2ba631c709e8d3c688`,
			nodeInit: `${quay}/startup-script:1782916218-36ae25f@sha256:f99e2beda7324e93ba04d6240d9626a6b9ab023d7d56e3b029d3d9c823ce63ef`,
		},
	},
];

/** The source document's version: the default, and what the practice cluster assumes when it cannot tell. */
export const GUIDE_CILIUM_VERSION = '1.16.4';
export const NEWEST_CILIUM_VERSION = CILIUM_RELEASES.at(-1)!.version;

export function ciliumRelease(version: string): CiliumRelease | undefined {
	const bare = version.replace(/^v/, '');
	return CILIUM_RELEASES.find((release) => release.version === bare);
}

/** `1.19.6` → `1.19`; undefined for text that is not a version. */
export function minorOf(version: string): string | undefined {
	return /^v?(\d+)\.(\d+)(?:\.|$)/.exec(version)?.slice(1, 3).join('.');
}

/** Compares two `major.minor` strings numerically. */
export function compareMinor(a: string, b: string): number {
	const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
	const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
	return aMajor - bMajor || aMinor - bMinor;
}

function atLeast(version: string, minor: string): boolean {
	const own = minorOf(version);
	return own !== undefined && compareMinor(own, minor) >= 0;
}

/**
 * What a running Cilium version does differently where the lessons can see it. Each flag names the first minor that
 * has it and the source it was read from (the file header lists the sources).
 */
export interface CiliumBehaviour {
	version: string;
	/**
	 * A leading `**.` in a matchPattern matches one or more whole labels, and a pattern of stars only (`*`, `**`, `*.`,
	 * `**.`) matches every name. Before: each `*` is zero or more label characters, so `**.` acts as `*.`, and only a
	 * lone `*` matches every name. matchpattern.go: dnsWildcardREGroup / subdomainWildcardSpecifierPrefix /
	 * dnsWildcardRegex, first in cilium v1.19.0-pre.4 (vendored by cilium-cli v0.19.0); cilium/cilium PR 43420.
	 */
	multiLabelWildcard: boolean;
	/**
	 * `fromRequires`/`toRequires` are kept in the CRD as deprecated lists of at most 0 items: a policy that uses them
	 * is refused by the API server. pkg/policy/api/ingress.go, egress.go @ v1.19.0-pre.4 (`+kubebuilder:validation:MaxItems=0`).
	 */
	requiresFieldsRemoved: boolean;
	/**
	 * NOTES.txt prints `WARNINGS:` from templates/warnings.txt, and warns when Hubble Relay runs without a TLS server
	 * (`hubble.relay.tls.server.enabled=false`, the chart's default). cilium-1.19.6.tgz templates/warnings.txt (the
	 * Relay warning is absent from cilium-1.18.12.tgz's).
	 */
	relayTlsWarning: boolean;
	/** NOTES.txt includes the `cilium.warnings` block (cilium-1.18.12.tgz templates/NOTES.txt; absent from 1.16.4's). */
	notesWarningsBlock: boolean;
	/**
	 * `hubble observe --print-policy-names` exists and appends ` BY <name> (<kind>)` to policy-verdict ALLOWED/DENIED
	 * (cilium/hubble v1.18.6 vendor/github.com/cilium/cilium/hubble/cmd/observe/observe.go `print-policy-names`,
	 * hubble/pkg/printer/printer.go getVerdict/formatPolicyNames; absent at v1.16.4). The agent's flows name the policy's
	 * `kind` (flow.proto `Policy.kind = 5` at v1.18.6, absent at v1.16.4), and a drop by a deny rule names the deny
	 * policy in `*_denied_by` (pkg/hubble/parser/common policy correlation: the variant that fills `kind` also fills
	 * `denied_by` for DropReason POLICY_DENY; 1.16's variant, with no kind, correlates FORWARDED verdicts only).
	 */
	hubblePolicyNames: boolean;
	/**
	 * `hubble observe --experimental-field-mask` / `--experimental-use-default-field-masks` became `--field-mask` /
	 * `--use-default-field-masks` (default true), and the `--encrypted` / `--unencrypted` filters were added
	 * (cilium/hubble v1.19.4 vendor/…/hubble/cmd/observe/observe.go and flows.go, against v1.18.6).
	 */
	hubbleFieldMaskRenamed: boolean;
}

export function ciliumBehaviour(version: string = GUIDE_CILIUM_VERSION): CiliumBehaviour {
	return {
		version,
		multiLabelWildcard: atLeast(version, '1.19'),
		requiresFieldsRemoved: atLeast(version, '1.19'),
		relayTlsWarning: atLeast(version, '1.19'),
		notesWarningsBlock: atLeast(version, '1.18'),
		hubblePolicyNames: atLeast(version, '1.18'),
		hubbleFieldMaskRenamed: atLeast(version, '1.19'),
	};
}

export type CiliumBehaviourFlag = Exclude<keyof CiliumBehaviour, 'version'>;

/** The behaviours in which two versions differ (each flag is true from the minor that has it on). */
export function behaviourDifferences(a: string, b: string): CiliumBehaviourFlag[] {
	const left = ciliumBehaviour(a);
	const right = ciliumBehaviour(b);
	return (Object.keys(left) as Array<keyof CiliumBehaviour>).filter((flag): flag is CiliumBehaviourFlag => flag !== 'version' && left[flag] !== right[flag]);
}

/** The version in an image reference: `quay.io/cilium/cilium:v1.19.6@sha256:…` → `1.19.6`. */
export function versionFromImage(image: string | undefined): string | undefined {
	const tag = image?.split('@')[0]?.split('/').pop()?.split(':')[1];
	const match = tag ? /^v?(\d+\.\d+\.\d+)/.exec(tag) : null;
	return match?.[1];
}
