// `cilium-lab run LESSON… --dry-run`: what the run would do, step by step: the command (or solve script) with the
// lab's variables shown filled in, its effects badge and the resources it acts on, and its checks with their
// parameters expanded. Nothing runs, no target is readied, no progress is recorded.
import {expandResources} from '../lab/effects.js';
import {expandCheckSpec} from '../lab/expand.js';
import {msg, t} from '../lab/i18n.js';
import type {Lab, Lang, Step, TrackId} from '../lab/types.js';
import {describeResource} from '../session/confirm.js';
import {visibleSteps} from '../session/gating.js';
import {findLessonStep} from './check.js';
import {EXIT} from '../errors.js';
import {existingLabHomeId} from '../home.js';
import {costLines} from '../cost/estimate.js';
import {CREATED_BY_TAG, CREATED_BY_VALUE, HOME_TAG} from '../session/ownership.js';

export interface DryRunOptions {
	lab: Lab;
	track: TrackId;
	lang: Lang;
	refs: string[];
	variables: Record<string, string>;
	home: string;
	target: 'practice' | 'real';
	solve?: boolean;
	json: boolean;
	out: NodeJS.WritableStream;
}

/** Shell text as it would run: `$NAME` and `${NAME}` of the lab's variables (and LAB_ASSETS, LAB_HOME) shown as their values. */
export function expandShellForDisplay(script: string, values: Record<string, string>): string {
	return script.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, bare: string | undefined) => {
		const name = (braced ?? bare)!;
		return Object.hasOwn(values, name) ? values[name]! : whole;
	});
}

function checkLine(spec: Record<string, unknown>, values: Record<string, string>): string {
	const {kind, ...params} = expandCheckSpec(spec as {kind: string}, values).spec;
	const text = Object.entries(params)
		.map(([key, value]) => `${key}=${typeof value === 'string' ? (key === 'script' ? expandShellForDisplay(value, values) : value) : JSON.stringify(value)}`)
		.join(' ');
	return `${kind}${text ? `: ${text}` : ''}`;
}

export function dryRun(options: DryRunOptions): number {
	const {lab, lang, out} = options;
	const homeId = existingLabHomeId(options.home);
	const values = {...options.variables, LAB_ASSETS: lab.assetsDir, LAB_HOME: options.home, ...(homeId ? {LAB_HOME_ID: homeId} : {})};
	const selected: Array<{lessonId: string; steps: Step[]}> = [];
	for (const ref of options.refs) {
		const {lesson, step} = findLessonStep(lab, options.track, lang, ref);
		const steps = visibleSteps(lesson, options.track).filter((candidate) => !step || candidate.id === step.id);
		const existing = selected.find((entry) => entry.lessonId === lesson.id);
		if (existing) existing.steps = [...new Set([...existing.steps, ...steps])];
		else selected.push({lessonId: lesson.id, steps});
	}
	const report = selected.flatMap(({lessonId, steps}) =>
		steps.map((step) => {
			const useSolve = step.solve !== undefined && (options.solve === true || step.mode === 'interactive');
			const script = useSolve ? step.solve : step.mode === 'read' ? undefined : step.run;
			return {
				lesson: lessonId,
				step: step.id,
				title: t(lang, step.title),
				mode: step.mode,
				...(script ? {command: expandShellForDisplay(script.trimEnd(), values), script: useSolve ? 'solve' : 'run'} : {}),
				effects: step.effects ?? [],
				resources: expandResources(step.resources ?? [], values),
				...(step.guard ? {guard: step.guard} : {}),
				checks: step.expect.map((spec) => checkLine(spec, values)),
			};
		}),
	);
	if (options.json) {
		out.write(`${JSON.stringify({dryRun: true, target: options.target, track: options.track, steps: report}, null, 2)}\n`);
		return EXIT.ok;
	}
	out.write(`${msg(lang, 'dryRun.header', {target: msg(lang, options.target === 'real' ? 'dryRun.real' : 'target.practice')})}\n`);
	let lessonShown: string | undefined;
	for (const entry of report) {
		if (entry.lesson !== lessonShown) {
			const lesson = lab.lessons.find((candidate) => candidate.id === entry.lesson)!;
			out.write(`== ${lesson.id}: ${t(lang, lesson.title)}\n`);
			lessonShown = entry.lesson;
		}
		out.write(`${msg(lang, 'run.step', {lesson: entry.lesson, step: entry.step, title: entry.title})}\n`);
		if (entry.effects.length > 0) {
			out.write(`  ⚠ ${entry.effects.map((effect) => msg(lang, `effect.${effect}`)).join(' · ')}${options.target === 'real' ? ` (${msg(lang, entry.effects.some((e) => e !== 'costly') ? 'dryRun.needsName' : 'dryRun.needsYes')})` : ''}\n`);
			for (const resource of entry.resources) {
				out.write(`    • ${describeResource(lang, resource)}\n`);
				if (entry.effects.includes('costly')) for (const line of costLines(lang, resource)) out.write(`      ${line}\n`);
			}
		}
		if (entry.guard === 'labTags') out.write(`  ${msg(lang, 'dryRun.guardLabTags', {tags: `${CREATED_BY_TAG}=${CREATED_BY_VALUE} ${HOME_TAG}=${homeId ?? '$LAB_HOME_ID'}`})}\n`);
		if (entry.command) {
			const label = entry.script === 'solve' ? msg(lang, 'dryRun.solve') : entry.mode === 'background' ? msg(lang, 'dryRun.background') : entry.mode === 'interactive' ? msg(lang, 'dryRun.interactive') : '';
			if (label) out.write(`  ${label}\n`);
			for (const [index, line] of entry.command.split('\n').entries()) out.write(`  ${index === 0 ? '$' : ' '} ${line}\n`);
		} else out.write(`  ${msg(lang, 'dryRun.read')}\n`);
		if (entry.checks.length > 0) {
			out.write(`  ${msg(lang, 'dryRun.checks')}\n`);
			for (const check of entry.checks) out.write(`    - ${check}\n`);
		}
	}
	out.write(`${msg(lang, 'dryRun.footer', {count: report.length})}\n`);
	return EXIT.ok;
}
