// The parameters of every check kind, as pure zod schemas: the lesson loader validates `expect`
// entries against these (without `kind`, which picks the schema). No client-node here.
import {z} from 'zod';

const seconds = z.number().positive().max(7200);
const name = z.string().min(1);
const namespace = z.string().min(1);
const selector = z.string().min(1);

/** Every check takes `timeout`: seconds of polling (default: the step's timeout). */
const common = {timeout: seconds.optional()};

function isRegex(source: string): boolean {
	try {
		new RegExp(source);
		return true;
	} catch {
		return false;
	}
}

const regex = z.string().min(1).refine(isRegex, {message: 'expected a valid regular expression'});

const podOrSelector = (value: {pod?: string; selector?: string}) => (value.pod === undefined) !== (value.selector === undefined);
const podOrSelectorMessage = {message: 'give exactly one of pod or selector'};

export const checkSchemas = {
	clusterReachable: z.strictObject({...common}),
	nodes: z.strictObject({
		...common,
		count: z.number().int().nonnegative().optional(),
		minCount: z.number().int().nonnegative().optional(),
		ready: z.boolean().optional(),
	}),
	rollout: z.strictObject({
		...common,
		namespace,
		resourceKind: z.enum(['DaemonSet', 'Deployment']),
		name,
	}),
	crds: z.strictObject({...common, names: z.array(name).min(1)}),
	resource: z.strictObject({
		...common,
		apiVersion: name,
		resourceKind: name,
		namespace: namespace.optional(),
		name: name.optional(),
		selector: selector.optional(),
		state: z.enum(['present', 'absent']).optional(),
		match: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
		minCount: z.number().int().nonnegative().optional(),
	}),
	podReady: z.strictObject({
		...common,
		namespace,
		selector,
		count: z.number().int().nonnegative().optional(),
	}),
	podExec: z
		.strictObject({
			...common,
			namespace,
			pod: name.optional(),
			selector: selector.optional(),
			container: name.optional(),
			command: z.array(z.string()).min(1),
			exitCode: z.number().int().min(0).max(255).optional(),
			output: regex.optional(),
		})
		.refine(podOrSelector, podOrSelectorMessage),
	egress: z
		.strictObject({
			...common,
			namespace,
			pod: name.optional(),
			selector: selector.optional(),
			url: z.string().min(1),
			expect: z.enum(['allowed', 'blocked', 'dnsRefused']),
			maxTime: seconds.optional(),
		})
		.refine(podOrSelector, podOrSelectorMessage),
	hubbleFlows: z.strictObject({
		...common,
		namespace: namespace.optional(),
		verdict: z.enum(['FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED']),
		to: z.string().min(1).optional(),
		port: z.number().int().min(1).max(65535).optional(),
		since: z.string().min(1).optional(),
	}),
	httpGet: z.strictObject({
		...common,
		url: z.url(),
		status: z.number().int().min(100).max(599).optional(),
		contains: z.string().optional(),
	}),
	command: z.strictObject({
		...common,
		script: z.string().min(1),
		exitCode: z.number().int().min(0).max(255).optional(),
		output: regex.optional(),
	}),
};

export {checkParamRoles, type ParamRole} from './param-roles.js';

/** What the lesson loader validates `expect` entries against (by `kind`). */
export const checkSpecs: Record<string, z.ZodType> = checkSchemas;

export type CheckKind = keyof typeof checkSchemas;
export const CHECK_KINDS = Object.keys(checkSchemas) as CheckKind[];

/** The parameters of one kind, as its schema produces them. */
export type CheckParams<K extends CheckKind> = z.infer<(typeof checkSchemas)[K]>;
