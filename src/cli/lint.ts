// `cilium-lab lint [DIR]`: every problem in the lesson files, with file:line and field path.
import path from 'node:path';
import {EXIT} from '../errors.js';
import {msg} from '../lab/i18n.js';
import {formatIssue, lintLab} from '../lab/loader.js';
import type {Lang} from '../lab/types.js';

export function lintCommand(dir: string, lang: Lang, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
	const result = lintLab(dir);
	if (result.lab) {
		const steps = result.lab.lessons.reduce((sum, lesson) => sum + lesson.steps.length, 0);
		const relative = path.relative(process.cwd(), result.lab.lessonsDir);
		const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : result.lab.lessonsDir;
		out.write(`${msg(lang, 'lint.clean', {dir: shown, lessons: result.lab.lessons.length, steps})}\n`);
		return EXIT.ok;
	}
	for (const issue of result.issues) err.write(`${formatIssue(issue)}\n`);
	err.write(`${msg(lang, 'lint.problems', {count: result.issues.length})}\n`);
	return EXIT.user;
}
