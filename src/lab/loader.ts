// Loads lessons/lab.yaml and lessons/NN-name.yaml into a Lab, collecting every problem with its
// file, line and field path (`lessons/05-fqdn.yaml:41 steps[2].expect[0].kind: unknown check …`).
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node as YamlNode} from 'yaml';
import {z} from 'zod';
import {checkSpecs} from '../checks/specs.js';
import {UserError} from '../errors.js';
import {
	DEFAULT_STEP_TIMEOUT,
	labFileSchema,
	LESSON_FILE_PATTERN,
	lessonFileSchema,
	localizedSchema,
	type LabFile,
	type LessonFile,
} from './schema.js';
import {expandableStrings, expandCheckSpec, variableReferences} from './expand.js';
import {guardedCommands, needsTypedName, requiredEffects} from './effects.js';
import {didYouMean} from './suggest.js';
import type {CheckSpec, Lab, Lesson, Step, TrackId, Variable} from './types.js';
import {compileVariablePattern, patternError, RESERVED_VARIABLE_NAMES} from './variables.js';

export type FieldPath = Array<string | number>;

export interface LabIssue {
	/** As shown: relative to the working directory when inside it. */
	file: string;
	line: number;
	/** e.g. steps[2].expect[0].kind; empty for the file as a whole. */
	path: string;
	message: string;
}

export function formatIssue(issue: LabIssue): string {
	return `${issue.file}:${issue.line} ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

/** The lessons directory has problems; the message lists every one of them. */
export class LabLoadError extends UserError {
	constructor(readonly issues: LabIssue[]) {
		super(`${issues.map(formatIssue).join('\n')}\n${issues.length} problem${issues.length === 1 ? '' : 's'} in the lessons`, 'cilium-lab lint');
	}
}

export function formatPath(fieldPath: FieldPath): string {
	let out = '';
	for (const segment of fieldPath) {
		if (typeof segment === 'number') out += `[${segment}]`;
		else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out ? `.${segment}` : segment;
		else out += `[${JSON.stringify(segment)}]`;
	}
	return out;
}

function displayPath(file: string, cwd: string): string {
	const relative = path.relative(cwd, file);
	return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** One parsed YAML file, able to say on which line a field path is. */
class Source {
	readonly issues: LabIssue[] = [];
	readonly doc: Document.Parsed;
	private readonly counter = new LineCounter();

	constructor(
		readonly file: string,
		readonly display: string,
		text: string,
	) {
		this.doc = parseDocument(text, {lineCounter: this.counter, prettyErrors: false, uniqueKeys: true});
		for (const error of this.doc.errors) {
			const line = error.linePos?.[0]?.line ?? this.counter.linePos(error.pos[0]).line;
			this.issues.push({file: display, line, path: '', message: `YAML: ${error.message.split('\n')[0]}`});
		}
	}

	/** The line of the field (its key, for a map entry), or of the nearest enclosing node that exists. */
	lineOf(fieldPath: FieldPath): number {
		let node: unknown = this.doc.contents;
		let line = node && (node as YamlNode).range ? this.lineAt((node as YamlNode).range![0]) : 1;
		for (const segment of fieldPath) {
			if (isMap(node)) {
				const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === segment);
				if (!pair) break;
				const keyNode = pair.key as YamlNode | undefined;
				if (keyNode?.range) line = this.lineAt(keyNode.range[0]);
				node = pair.value;
			} else if (isSeq(node) && typeof segment === 'number') {
				const item = node.items[segment] as YamlNode | undefined;
				if (!item) break;
				if (item.range) line = this.lineAt(item.range[0]);
				node = item;
			} else {
				break;
			}
		}
		return line;
	}

	/** The line of the first alias (`*name`), where an alias limit is exceeded. */
	firstAliasLine(): number {
		let line = 1;
		visit(this.doc, {
			Alias: (_key, node) => {
				if (node.range) line = this.lineAt(node.range[0]);
				return visit.BREAK;
			},
		});
		return line;
	}

	add(fieldPath: FieldPath, message: string): void {
		this.issues.push({file: this.display, line: this.lineOf(fieldPath), path: formatPath(fieldPath), message});
	}

	private lineAt(offset: number): number {
		return this.counter.linePos(offset).line;
	}
}

// ---- zod issues as messages a lesson author can act on --------------------------------------------

function unwrap(schema: z.ZodType): z.ZodType {
	let current: z.ZodType = schema;
	while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
		current = current.unwrap() as z.ZodType;
	}
	return current;
}

/** The schema that describes the value at a path, to name what was expected there. */
function schemaAt(root: z.ZodType, fieldPath: FieldPath): z.ZodType | undefined {
	let current: z.ZodType | undefined = root;
	for (const segment of fieldPath) {
		if (!current) return undefined;
		const plain = unwrap(current);
		if (plain instanceof z.ZodObject) current = (plain.shape as Record<string, z.ZodType>)[segment as string];
		else if (plain instanceof z.ZodArray) current = plain.element as z.ZodType;
		else if (plain instanceof z.ZodRecord) current = plain.valueType as z.ZodType;
		else return undefined;
	}
	return current;
}

function describeExpected(schema: z.ZodType | undefined, fallback: string): string {
	if (schema) {
		const plain = unwrap(schema);
		if (plain === localizedSchema) return 'text in both languages, {ko: …, en: …}';
		if (plain instanceof z.ZodEnum) return `one of ${plain.options.map((option) => JSON.stringify(option)).join(' | ')}`;
		if (plain instanceof z.ZodObject) return `a mapping with ${Object.keys(plain.shape).join(', ')}`;
	}
	const names: Record<string, string> = {string: 'text', number: 'a number', boolean: 'true or false', array: 'a list', object: 'a mapping', record: 'a mapping'};
	return names[fallback] ?? fallback;
}

function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'a mapping';
	if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
	return `${typeof value === 'number' ? 'the number' : typeof value} ${String(value)}`;
}

function valueAt(root: unknown, fieldPath: FieldPath): unknown {
	let current = root;
	for (const segment of fieldPath) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string | number, unknown>)[segment];
	}
	return current;
}

function reportZodIssues(source: Source, schema: z.ZodType, value: unknown, error: z.ZodError, prefix: FieldPath = []): void {
	for (const issue of error.issues) {
		const local = issue.path as FieldPath;
		const at = [...prefix, ...local];
		const seen = valueAt(value, local);
		switch (issue.code) {
			case 'invalid_type': {
				const expected = describeExpected(schemaAt(schema, local), issue.expected);
				source.add(at, seen === undefined ? `required: expected ${expected}` : `expected ${expected}, got ${describeValue(seen)}`);
				break;
			}
			case 'invalid_value': {
				const options = issue.values.map((option) => JSON.stringify(option));
				const hint = typeof seen === 'string' ? didYouMean(seen, issue.values.map(String)) : '';
				source.add(at, `expected one of ${options.join(' | ')}, got ${describeValue(seen)}${hint}`);
				break;
			}
			case 'unrecognized_keys': {
				const objectSchema = schemaAt(schema, local);
				const plain = objectSchema ? unwrap(objectSchema) : undefined;
				const known = plain instanceof z.ZodObject ? Object.keys(plain.shape) : [];
				for (const key of issue.keys) {
					source.add([...at, key], `unknown field${didYouMean(key, known)}${known.length ? `; expected one of ${known.join(', ')}` : ''}`);
				}
				break;
			}
			case 'too_small':
				if (issue.origin === 'string') source.add(at, 'must not be empty');
				else if (issue.origin === 'array') source.add(at, `expected at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`);
				else source.add(at, `expected a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}, got ${describeValue(seen)}`);
				break;
			case 'too_big':
				if (issue.origin === 'array' || issue.origin === 'string') source.add(at, `too long: at most ${issue.maximum}`);
				else source.add(at, `expected a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}, got ${describeValue(seen)}`);
				break;
			case 'invalid_format':
				source.add(at, `${issue.message.replace(/^Invalid/, 'expected a valid').replace(/: must match.*$/, '')}, got ${describeValue(seen)}`);
				break;
			case 'invalid_union':
				source.add(at, `expected ${describeExpected(schemaAt(schema, local), 'a different value')}, got ${describeValue(seen)}`);
				break;
			default:
				source.add(at, issue.message);
		}
	}
}

// ---- the lab -------------------------------------------------------------------------------------

interface ParsedLesson {
	source: Source;
	order: number;
	data: LessonFile;
}

export interface LintResult {
	/** Present only when there are no issues. */
	lab?: Lab;
	issues: LabIssue[];
	/** How many lesson files were read (for the lint summary). */
	lessonFiles: number;
}

/** A lesson file larger than this is refused before it is parsed (the lab's largest is ~40 KB). */
export const MAX_LESSON_FILE_BYTES = 1024 * 1024;
/** YAML aliases a lesson file may use (an alias bomb expands exponentially). */
export const MAX_YAML_ALIASES = 50;

function readSource(file: string, cwd: string): Source | LabIssue {
	const display = displayPath(file, cwd);
	try {
		const size = statSync(file).size;
		if (size > MAX_LESSON_FILE_BYTES) {
			return {file: display, line: 1, path: '', message: `too large: ${size} bytes; a lesson file may have at most ${MAX_LESSON_FILE_BYTES} (split it into lessons)`};
		}
		return new Source(file, display, readFileSync(file, 'utf8'));
	} catch (error) {
		return {file: display, line: 1, path: '', message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`};
	}
}

function parseWith<T>(source: Source, schema: z.ZodType<T>): T | undefined {
	if (source.issues.length > 0) return undefined; // YAML errors first; the data would be partial.
	let value: unknown;
	try {
		value = source.doc.toJS({maxAliasCount: MAX_YAML_ALIASES}) as unknown;
	} catch (error) {
		source.issues.push({file: source.display, line: source.firstAliasLine(), path: '', message: `YAML: ${(error as Error).message.split('\n')[0]} (at most ${MAX_YAML_ALIASES} aliases are expanded; write the text out instead)`});
		return undefined;
	}
	const result = schema.safeParse(value);
	if (!result.success) {
		reportZodIssues(source, schema, value, result.error);
		return undefined;
	}
	return result.data;
}

/** Reads and validates a lessons directory. Never throws for a problem in the files; it returns them all. */
export function lintLab(lessonsDir: string, options: {cwd?: string} = {}): LintResult {
	const cwd = options.cwd ?? process.cwd();
	const dir = path.resolve(cwd, lessonsDir);
	if (!existsSync(dir) || !statSync(dir).isDirectory()) {
		throw new UserError(`no lessons directory at ${displayPath(dir, cwd)}`, 'give the directory that holds lab.yaml with --lessons DIR');
	}
	const assetsDir = path.resolve(dir, '..', 'assets');
	const issues: LabIssue[] = [];
	const sources: Source[] = [];

	const labPath = path.join(dir, 'lab.yaml');
	let labData: LabFile | undefined;
	let labSource: Source | undefined;
	if (!existsSync(labPath)) {
		issues.push({file: displayPath(labPath, cwd), line: 1, path: '', message: 'missing: every lessons directory needs a lab.yaml (title, tracks, variables)'});
	} else {
		const read = readSource(labPath, cwd);
		if ('message' in read) issues.push(read);
		else {
			labSource = read;
			sources.push(read);
			labData = parseWith(read, labFileSchema);
		}
	}

	const lessons: ParsedLesson[] = [];
	const fileNames = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name) && name !== 'lab.yaml').sort();
	const byOrder = new Map<number, string>();
	const brokenLessonIds = new Set<string>();
	for (const name of fileNames) {
		const file = path.join(dir, name);
		const match = LESSON_FILE_PATTERN.exec(name);
		if (!match) {
			issues.push({file: displayPath(file, cwd), line: 1, path: '', message: 'not a lesson file name: expected NN-name.yaml (e.g. 05-fqdn-policy.yaml)'});
			continue;
		}
		const read = readSource(file, cwd);
		if ('message' in read) {
			issues.push(read);
			continue;
		}
		sources.push(read);
		const order = Number(match[1]);
		const data = parseWith(read, lessonFileSchema);
		if (data) lessons.push({source: read, order, data});
		else {
			// A lesson that fails its own checks still names its id, so others requiring it are not told it does not exist.
			const rawId = read.doc.get('id');
			if (typeof rawId === 'string') brokenLessonIds.add(rawId);
		}
		const sameOrder = byOrder.get(order);
		if (sameOrder) read.add([], `the number ${match[1]} is also used by ${displayPath(sameOrder, cwd)}; the NN prefix orders the lessons, so each needs its own`);
		else byOrder.set(order, file);
	}
	if (fileNames.length === 0) {
		issues.push({file: displayPath(dir, cwd), line: 1, path: '', message: 'no lesson files: expected lessons named NN-name.yaml next to lab.yaml'});
	}

	const declaredTracks = labData ? labData.tracks.map((track) => track.id) : undefined;
	if (labData && labSource) validateLabFile(labSource, labData);
	// Undefined when lab.yaml itself is broken: `${NAME}` in checks cannot be judged then.
	const declaredVariables = labData ? (labData.variables ?? []) : undefined;
	for (const lesson of lessons) validateLesson(lesson, declaredTracks, declaredVariables, assetsDir);
	validateLessonGraph(lessons, brokenLessonIds, cwd);

	for (const source of sources) issues.push(...source.issues);
	issues.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
	if (issues.length > 0 || !labData) return {issues, lessonFiles: fileNames.length};

	const lab: Lab = {
		title: labData.title,
		tracks: labData.tracks.map((track) => ({...track, id: track.id as TrackId})),
		variables: (labData.variables ?? []).map((variable): Variable => ({...variable, tracks: variable.tracks as TrackId[] | undefined})),
		lessons: lessons
			.sort((a, b) => a.order - b.order)
			.map(({source, order, data}): Lesson => ({
				id: data.id,
				order,
				title: data.title,
				body: data.body,
				tracks: data.tracks as TrackId[],
				requires: data.requires ?? [],
				file: source.file,
				steps: data.steps.map((step, index): Step => ({
					id: step.id,
					title: step.title,
					body: step.body,
					...(step.run !== undefined ? {run: step.run} : {}),
					mode: step.mode ?? 'command',
					timeout: step.timeout ?? DEFAULT_STEP_TIMEOUT,
					...(step.tracks ? {tracks: step.tracks as TrackId[]} : {}),
					optional: step.optional ?? false,
					...(step.recheck === false ? {recheck: false} : {}),
					...(step.files ? {files: step.files} : {}),
					expect: (step.expect ?? []) as CheckSpec[],
					hints: step.hints ?? [],
					...(step.solve !== undefined ? {solve: step.solve} : {}),
					...(step.cleanup !== undefined ? {cleanup: step.cleanup} : {}),
					...(step.effects ? {effects: step.effects} : {}),
					...(step.cleanupEffects ? {cleanupEffects: step.cleanupEffects} : {}),
					...(step.resources ? {resources: step.resources} : {}),
					...(step.guard ? {guard: step.guard} : {}),
					...(step.listens ? {listens: step.listens} : {}),
					line: source.lineOf(['steps', index]),
				})),
			})),
		lessonsDir: dir,
		assetsDir,
	};
	return {lab, issues: [], lessonFiles: fileNames.length};
}

/** Loads a lessons directory, or throws a LabLoadError listing every problem. */
export function loadLab(lessonsDir: string, options: {cwd?: string} = {}): Lab {
	const result = lintLab(lessonsDir, options);
	if (!result.lab) throw new LabLoadError(result.issues);
	return result.lab;
}

function validateLabFile(source: Source, data: LabFile): void {
	const trackIds = new Map<string, number>();
	data.tracks.forEach((track, index) => {
		if (trackIds.has(track.id)) source.add(['tracks', index, 'id'], `duplicate track "${track.id}" (first at line ${source.lineOf(['tracks', trackIds.get(track.id)!])})`);
		else trackIds.set(track.id, index);
	});
	const names = new Map<string, number>();
	(data.variables ?? []).forEach((variable, index) => {
		const at: FieldPath = ['variables', index];
		if (names.has(variable.name)) source.add([...at, 'name'], `duplicate variable "${variable.name}" (first at line ${source.lineOf(['variables', names.get(variable.name)!])})`);
		else names.set(variable.name, index);
		if (RESERVED_VARIABLE_NAMES.has(variable.name)) source.add([...at, 'name'], `"${variable.name}" is reserved: the lab sets it (or it changes how every command runs); pick another name`);
		const problem = patternError(variable.pattern);
		if (problem) source.add([...at, 'pattern'], `not a valid regular expression: ${problem}`);
		else if (!compileVariablePattern(variable.pattern).test(variable.default)) {
			source.add([...at, 'default'], `${JSON.stringify(variable.default)} does not match the variable's own pattern ${variable.pattern}`);
		}
		if (variable.choices) {
			const values = variable.choices.map((choice) => choice.value);
			if (!values.includes(variable.default)) source.add([...at, 'default'], `${JSON.stringify(variable.default)} is not one of the variable's choices (${values.join(', ')})`);
			variable.choices.forEach((choice, choiceIndex) => {
				if (values.indexOf(choice.value) !== choiceIndex) source.add([...at, 'choices', choiceIndex, 'value'], `duplicate choice ${JSON.stringify(choice.value)}`);
				else if (!problem && !compileVariablePattern(variable.pattern).test(choice.value)) {
					source.add([...at, 'choices', choiceIndex, 'value'], `${JSON.stringify(choice.value)} does not match the variable's own pattern ${variable.pattern}`);
				}
			});
		}
		variable.tracks?.forEach((track, trackIndex) => {
			if (!trackIds.has(track)) source.add([...at, 'tracks', trackIndex], `unknown track "${track}"${didYouMean(track, trackIds.keys())}; lab.yaml declares ${[...trackIds.keys()].join(', ')}`);
		});
	});
}

type DeclaredVariable = NonNullable<LabFile['variables']>[number];

/**
 * `${NAME}` in a check's parameters must name a declared variable the step's tracks have. Returns the parameters
 * expanded with the variables' defaults (so the kind's schema judges what will run), or undefined when a reference
 * is wrong (reported here) or cannot be judged.
 */
function expandForLint(
	source: Source,
	check: Record<string, unknown>,
	checkAt: FieldPath,
	variables: DeclaredVariable[] | undefined,
	stepTracks: string[],
): {params: Record<string, unknown>; expandedPaths: Set<string>} | undefined {
	const byName = new Map((variables ?? []).map((variable) => [variable.name, variable]));
	const expandedPaths = new Set<string>();
	let wrong = false;
	for (const {path: at, text} of expandableStrings(check)) {
		for (const reference of variableReferences(text)) {
			const fieldAt = [...checkAt, ...at];
			if (!reference.wellFormed) {
				source.add(fieldAt, `${reference.text} is not a variable reference (names are like HUBBLE_UI_PORT); write $${reference.text} for the text itself`);
				wrong = true;
				continue;
			}
			if (!variables) return undefined;
			const variable = byName.get(reference.name);
			if (!variable) {
				const known = [...byName.keys()];
				source.add(fieldAt, `${reference.text} names no variable${didYouMean(reference.name, known)}; lab.yaml declares ${known.join(', ') || '(none)'}`);
				wrong = true;
				continue;
			}
			const missing = variable.tracks ? stepTracks.filter((track) => !variable.tracks!.includes(track)) : [];
			if (missing.length > 0) {
				source.add(fieldAt, `${reference.text}: the variable is only on ${variable.tracks!.join(', ')}, but this step runs on ${missing.join(', ')} too`);
				wrong = true;
				continue;
			}
			expandedPaths.add(formatPath(fieldAt));
		}
	}
	if (wrong) return undefined;
	const defaults = Object.fromEntries((variables ?? []).map((variable) => [variable.name, variable.default]));
	const {kind: _kind, ...params} = expandCheckSpec(check as CheckSpec, defaults).spec;
	return {params, expandedPaths};
}

function validateLesson({source, data}: ParsedLesson, declaredTracks: string[] | undefined, variables: DeclaredVariable[] | undefined, assetsDir: string): void {
	if (declaredTracks) {
		data.tracks.forEach((track, index) => {
			if (!declaredTracks.includes(track)) source.add(['tracks', index], `unknown track "${track}"${didYouMean(track, declaredTracks)}; lab.yaml declares ${declaredTracks.join(', ')}`);
		});
	}
	const stepIds = new Map<string, number>();
	const kinds = Object.keys(checkSpecs);
	data.steps.forEach((step, stepIndex) => {
		const at: FieldPath = ['steps', stepIndex];
		if (stepIds.has(step.id)) source.add([...at, 'id'], `duplicate step id "${step.id}" (first at line ${source.lineOf(['steps', stepIds.get(step.id)!])})`);
		else stepIds.set(step.id, stepIndex);
		const mode = step.mode ?? 'command';
		if (mode !== 'read' && step.run === undefined) source.add([...at, 'run'], `required for a ${mode} step: the shell text to run (only mode: read steps may leave it out)`);
		validateEffects(source, step, at, variables, step.tracks ?? data.tracks);
		validateListens(source, step, at, variables, step.tracks ?? data.tracks);
		step.tracks?.forEach((track, index) => {
			if (!data.tracks.includes(track)) source.add([...at, 'tracks', index], `"${track}" is not one of the lesson's tracks (${data.tracks.join(', ')})${didYouMean(track, data.tracks)}`);
		});
		step.files?.forEach((file, index) => {
			const normal = path.normalize(file);
			if (path.isAbsolute(normal) || normal.startsWith('..')) {
				source.add([...at, 'files', index], `expected a path inside assets/, got ${JSON.stringify(file)}`);
			} else if (!existsSync(path.join(assetsDir, normal)) || !statSync(path.join(assetsDir, normal)).isFile()) {
				source.add([...at, 'files', index], `no such file: assets/${normal}`);
			}
		});
		step.expect?.forEach((check, checkIndex) => {
			const checkAt: FieldPath = [...at, 'expect', checkIndex];
			const {kind} = check;
			if (kind === undefined) {
				source.add(checkAt, `missing kind: expected one of ${kinds.join(', ')}`);
				return;
			}
			if (typeof kind !== 'string' || !(kind in checkSpecs)) {
				source.add([...checkAt, 'kind'], `unknown check ${JSON.stringify(kind)}${typeof kind === 'string' ? didYouMean(kind, kinds) : ''}`);
				return;
			}
			const spec = checkSpecs[kind]!;
			const expanded = expandForLint(source, check, checkAt, variables, step.tracks ?? data.tracks);
			if (!expanded) return;
			const result = spec.safeParse(expanded.params);
			if (!result.success) {
				const before = source.issues.length;
				reportZodIssues(source, spec, expanded.params, result.error, checkAt);
				for (const issue of source.issues.slice(before)) {
					if (expanded.expandedPaths.has(issue.path)) issue.message += ' (with the variables at their defaults)';
				}
			}
		});
	});
}

/** effects: every known costly, irreversible or destructive command declared; resources named where a name must be typed. */
function validateEffects(source: Source, step: LessonFile['steps'][number], at: FieldPath, variables: DeclaredVariable[] | undefined, stepTracks: string[]): void {
	const declared = step.effects ?? [];
	const scripts = [step.run, step.solve].filter((script): script is string => script !== undefined).join('\n');
	for (const {effect, what} of requiredEffects(scripts)) {
		if (!declared.includes(effect)) {
			source.add(step.effects ? [...at, 'effects'] : at, `runs ${what}, so the step needs effects: [${[...new Set([...declared, effect])].join(', ')}] (the real target asks before it runs)`);
		}
	}
	if (needsTypedName(declared) && !step.resources) {
		source.add([...at, 'effects'], `a ${declared.filter((effect) => effect !== 'costly').join(' and ')} step needs resources: (kind, name) — the learner types the name before it runs on a real cluster`);
	}
	// A cleanup runs on reset and going back, where a deletion is as real as in a step's command.
	const cleanupDeclared = step.cleanupEffects ?? [];
	for (const {effect, what} of requiredEffects(step.cleanup ?? '')) {
		if (!cleanupDeclared.includes(effect)) {
			source.add(step.cleanupEffects ? [...at, 'cleanupEffects'] : [...at, 'cleanup'], `the cleanup runs ${what}, so the step needs cleanupEffects: [${[...new Set([...cleanupDeclared, effect])].join(', ')}] (reset and going back ask first on the real target)`);
		}
	}
	if (step.cleanupEffects && !step.cleanup) source.add([...at, 'cleanupEffects'], 'cleanupEffects describe the cleanup: script; add one or remove them');
	if (needsTypedName(cleanupDeclared) && !step.resources) {
		source.add([...at, 'cleanupEffects'], 'a destructive or irreversible cleanup needs resources: (kind, name) — the learner types the name before it runs on a real cluster');
	}
	if (step.resources && !step.effects && !step.cleanupEffects && !step.guard) source.add([...at, 'resources'], 'resources are what a step with effects (or a guard) acts on; add effects:, cleanupEffects: or guard:, or remove them');
	const guarded = guardedCommands([scripts, step.cleanup ?? ''].join('\n'));
	if (guarded.length > 0 && step.guard !== 'labTags') {
		source.add(at, `runs ${guarded.join(' and ')}, which changes or deletes an Azure resource that may be someone else's of the same name, so the step needs guard: labTags (it acts only on what this lab home made)`);
	}
	if (step.guard === 'labTags' && !step.resources?.some((resource) => resource.kind === 'aksCluster' || resource.kind === 'resourceGroup')) {
		source.add([...at, 'guard'], 'guard: labTags checks the tags of the Azure resources in resources: (an aksCluster or resourceGroup); name one');
	}
	step.resources?.forEach((resource, index) => {
		if ((resource.kind === 'aksCluster') !== (resource.group !== undefined)) {
			source.add([...at, 'resources', index], resource.kind === 'aksCluster' ? 'an aksCluster needs group: (its resource group)' : `group: is only for an aksCluster`);
		}
		if (resource.namespace !== undefined && resource.kind !== 'helmRelease') source.add([...at, 'resources', index, 'namespace'], 'namespace: is only for a helmRelease');
		for (const field of ['location', 'vmSize', 'nodeCount'] as const) {
			if (resource[field] !== undefined && resource.kind !== 'aksCluster') source.add([...at, 'resources', index, field], `${field}: is only for an aksCluster (its estimated cost)`);
		}
		expandForLint(source, {...resource, kind: 'resource'}, [...at, 'resources', index], variables, stepTracks);
	});
}

/** listens: ports (usually a port variable); a background port-forward must say which, so a busy one is found first. */
function validateListens(source: Source, step: LessonFile['steps'][number], at: FieldPath, variables: DeclaredVariable[] | undefined, stepTracks: string[]): void {
	// A fixed local port (`8080:80`, `$PORT:80`, cilium's 4245): `:80` lets kubectl pick a free one, nothing to declare.
	const fixedPort = (run: string) => /(?:^|[\s"'])(?:\$\{?[A-Z][A-Z0-9_]*\}?|\d+):\d+/.test(run) || /\bcilium\s+hubble\s+port-forward\b/.test(run);
	if (step.mode === 'background' && step.run && /\bport-forward\b/.test(step.run) && fixedPort(step.run) && !step.listens) {
		source.add([...at, 'run'], 'a background port-forward needs listens: [the local port, e.g. "${HUBBLE_UI_PORT}"], so a busy port is found before it runs');
	}
	for (const field of ['run', 'solve', 'cleanup'] as const) {
		if (/\b(?:pkill|killall)\b/.test(step[field] ?? '')) {
			source.add([...at, field], 'pkill/killall stop every matching process of the user (other terminals, other learners); stop the lab\'s own jobs with `cilium-lab jobs stop NAME`');
		}
	}
	step.listens?.forEach((entry, index) => {
		const expanded = expandForLint(source, {kind: 'resource', port: entry}, [...at, 'listens', index], variables, stepTracks);
		const value = expanded?.params.port;
		if (expanded && !(typeof value === 'string' && /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535)) {
			source.add([...at, 'listens', index], `expected a port 1–65535 (or a port variable), got ${JSON.stringify(entry)}`);
		}
	});
}

function validateLessonGraph(lessons: ParsedLesson[], brokenLessonIds: Set<string>, cwd: string): void {
	const byId = new Map<string, ParsedLesson>();
	for (const lesson of lessons) {
		const first = byId.get(lesson.data.id);
		if (first) lesson.source.add(['id'], `duplicate lesson id "${lesson.data.id}" (also in ${displayPath(first.source.file, cwd)}:${first.source.lineOf(['id'])})`);
		else byId.set(lesson.data.id, lesson);
	}
	for (const lesson of lessons) {
		(lesson.data.requires ?? []).forEach((required, index) => {
			if (!byId.has(required) && !brokenLessonIds.has(required)) {
				lesson.source.add(['requires', index], `no lesson has id "${required}"${didYouMean(required, [...byId.keys(), ...brokenLessonIds])}`);
			}
		});
	}
	// Cycles: depth-first, reporting each cycle once, at the `requires` entry that closes it.
	const state = new Map<string, 'visiting' | 'done'>();
	const stack: string[] = [];
	const visit = (id: string): void => {
		state.set(id, 'visiting');
		stack.push(id);
		const lesson = byId.get(id)!;
		(lesson.data.requires ?? []).forEach((required, index) => {
			if (!byId.has(required)) return;
			const seen = state.get(required);
			if (seen === 'visiting') {
				const cycle = [...stack.slice(stack.indexOf(required)), required];
				lesson.source.add(['requires', index], `requirements go round in a circle: ${cycle.map((entry) => `"${entry}"`).join(' → ')}`);
			} else if (seen === undefined) {
				visit(required);
			}
		});
		stack.pop();
		state.set(id, 'done');
	};
	for (const id of byId.keys()) if (!state.has(id)) visit(id);
}
