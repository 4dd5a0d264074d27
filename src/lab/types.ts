// The lab's data model, as lessons/*.yaml and lessons/lab.yaml describe it.
// Pure types: no Ink, execa or client-node here (the zod schema in schema.ts must produce these).

export type Lang = 'ko' | 'en';
export const LANGS: readonly Lang[] = ['ko', 'en'];

/** Text the learner reads, in Korean (the source) and English (its translation). */
export type Localized = Record<Lang, string>;

export type TrackId = 'aks-byocni' | 'aks-managed' | 'k8s';
/** A lesson variable's name (lab.yaml `variables`, `${NAME}` in text): here, not in schema.ts, so expansion needs no zod. */
export const VARIABLE_NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;
export const TRACK_IDS: readonly TrackId[] = ['aks-byocni', 'aks-managed', 'k8s'];

export type StepMode = 'command' | 'background' | 'interactive' | 'read';

/** What a step does beyond the lab (src/lab/effects.ts): costs money, cannot be undone, deletes something. */
export const STEP_EFFECTS = ['costly', 'irreversible', 'destructive'] as const;
export type StepEffect = (typeof STEP_EFFECTS)[number];
export const RESOURCE_KINDS = ['resourceGroup', 'aksCluster', 'helmRelease', 'namespace'] as const;
export const STEP_GUARDS = ['labTags'] as const;
export type StepGuard = (typeof STEP_GUARDS)[number];

/** A resource a step with effects acts on; `${NAME}` in its texts is a lab variable. */
export interface StepResource {
	kind: (typeof RESOURCE_KINDS)[number];
	name: string;
	/** The Azure resource group (an AKS cluster's). */
	group?: string;
	/** The kube namespace (a Helm release's). */
	namespace?: string;
	/** An aksCluster's region, node VM size and node count: the estimated cost a confirmation shows (src/cost). */
	location?: string;
	vmSize?: string;
	nodeCount?: string;
}

/** One named check with its parameters, e.g. {kind: 'podReady', namespace: 'demo', selector: 'app=client'}. */
export interface CheckSpec {
	kind: string;
	/** Seconds this check may keep polling before it fails (defaults to the step's timeout). */
	timeout?: number;
	[param: string]: unknown;
}

export interface Step {
	id: string;
	title: Localized;
	body: Localized; // Markdown
	/** Shell text exactly as a person types it; run with `bash -c`, variables arrive as environment variables. */
	run?: string;
	mode: StepMode;
	/** Seconds. */
	timeout: number;
	/** Only on these tracks (default: every track of the lesson). */
	tracks?: TrackId[];
	optional?: boolean;
	/**
	 * false when the step's checks describe a moment that later steps change on purpose (nodes NotReady
	 * before the CNI, egress open before the first policy): such a step is not checked again on resume.
	 */
	recheck?: boolean;
	/** Asset files (relative to assets/) shown under the body, e.g. the policy a step applies. */
	files?: string[];
	expect: CheckSpec[];
	hints: Localized[];
	/** Idempotent script that brings the cluster to the state the step expects. */
	solve?: string;
	cleanup?: string;
	/** What the step does beyond the lab; a confirmation on the real target names `resources`. */
	effects?: StepEffect[];
	/** What its `cleanup:` does beyond the lab (reset, going back): confirmed on the real target as `effects` are. */
	cleanupEffects?: StepEffect[];
	resources?: StepResource[];
	/**
	 * `labTags`: on the real target the Azure resources in `resources`, where they exist, must carry this lab home's tags
	 * (src/session/ownership.ts); else the step refuses, saying whose the resource looks like.
	 */
	guard?: StepGuard;
	/** Local ports the step's command listens on (`${NAME}` of a port variable): checked free before it runs. */
	listens?: string[];
	/** Where the step starts in its lesson file (1-based), for error messages. */
	line?: number;
}

export interface Lesson {
	id: string;
	/** From the file name's NN prefix. */
	order: number;
	title: Localized;
	body: Localized;
	tracks: TrackId[];
	requires: string[];
	steps: Step[];
	file: string;
}

export interface Variable {
	name: string; // e.g. CLUSTER_NAME
	default: string;
	/** A JavaScript regular expression the whole value must match. */
	pattern: string;
	description: Localized;
	tracks?: TrackId[];
	/** When present, the only values accepted, in the order the variables screen cycles through them. */
	choices?: VariableChoice[];
}

export interface VariableChoice {
	value: string;
	/** Shown next to the value, e.g. "the guide's version, end of life". */
	note: Localized;
}

export interface Track {
	id: TrackId;
	title: Localized;
	description: Localized;
}

export interface Lab {
	title: Localized;
	tracks: Track[];
	variables: Variable[];
	lessons: Lesson[];
	/** Absolute path of the lessons directory and of the assets directory next to it. */
	lessonsDir: string;
	assetsDir: string;
}
