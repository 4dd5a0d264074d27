// The shape of lessons/lab.yaml and lessons/NN-name.yaml. Defaults (mode, timeout…) are applied by
// the loader, so these schemas stay plain objects that issue messages can be read against.
// Cross-file rules (ids unique, requires, tracks declared, files present, check parameters) live in loader.ts.
import {z} from 'zod';
import {RESOURCE_KINDS, STEP_EFFECTS, STEP_GUARDS, TRACK_IDS, VARIABLE_NAME_PATTERN} from './types.js';

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export {VARIABLE_NAME_PATTERN};
export const LESSON_FILE_PATTERN = /^(\d+)-[a-z0-9][a-z0-9-]*\.ya?ml$/;
export const STEP_MODES = ['command', 'background', 'interactive', 'read'] as const;
export const DEFAULT_STEP_TIMEOUT = 60;

const text = z.string().min(1);
export const localizedSchema = z.strictObject({ko: text, en: text});
const id = z.string().regex(ID_PATTERN, {message: 'expected an id of lowercase letters, digits and dashes (e.g. "fqdn-policy")'});

export const trackSchema = z.strictObject({
	id: z.enum(TRACK_IDS as [string, ...string[]]),
	title: localizedSchema,
	description: localizedSchema,
});

export const variableSchema = z.strictObject({
	name: z.string().regex(VARIABLE_NAME_PATTERN, {message: 'expected an upper-case name like CLUSTER_NAME ([A-Z][A-Z0-9_]*)'}),
	default: z.string(),
	pattern: z.string().min(1),
	description: localizedSchema,
	tracks: z.array(z.string()).optional(),
	/** The only values the variable takes, each with a short note shown next to it (the variables screen, the status bar). */
	choices: z.array(z.strictObject({value: z.string().min(1), note: localizedSchema})).min(2).optional(),
});

export const labFileSchema = z.strictObject({
	title: localizedSchema,
	tracks: z.array(trackSchema).min(1),
	variables: z.array(variableSchema).optional(),
});

export const resourceSchema = z.strictObject({
	kind: z.enum(RESOURCE_KINDS),
	name: text,
	group: text.optional(),
	namespace: text.optional(),
	location: text.optional(),
	vmSize: text.optional(),
	nodeCount: text.optional(),
});

export const stepSchema = z.strictObject({
	id,
	title: localizedSchema,
	body: localizedSchema,
	mode: z.enum(STEP_MODES).optional(),
	run: text.optional(),
	timeout: z.number().positive().max(7200).optional(),
	tracks: z.array(z.string()).min(1).optional(),
	optional: z.boolean().optional(),
	recheck: z.boolean().optional(),
	files: z.array(text).optional(),
	// Each entry's kind picks its parameter schema from src/checks/specs.ts (checked in loader.ts).
	expect: z.array(z.record(z.string(), z.unknown())).optional(),
	hints: z.array(localizedSchema).optional(),
	solve: text.optional(),
	cleanup: text.optional(),
	effects: z.array(z.enum(STEP_EFFECTS)).min(1).optional(),
	cleanupEffects: z.array(z.enum(STEP_EFFECTS)).min(1).optional(),
	guard: z.enum(STEP_GUARDS).optional(),
	listens: z.array(text).min(1).optional(),
	resources: z.array(resourceSchema).min(1).optional(),
});

export const lessonFileSchema = z.strictObject({
	id,
	title: localizedSchema,
	body: localizedSchema,
	tracks: z.array(z.string()).min(1),
	requires: z.array(id).optional(),
	steps: z.array(stepSchema).min(1),
});

export type LabFile = z.infer<typeof labFileSchema>;
export type LessonFile = z.infer<typeof lessonFileSchema>;
export type StepFile = z.infer<typeof stepSchema>;
