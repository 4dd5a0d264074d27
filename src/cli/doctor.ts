// `cilium-lab doctor`: the pre-flight check, printed (each problem with its fix, the short result code last) or as JSON.
import path from 'node:path';
import {writeFileAtomic} from '../atomic-write.js';
import {msg} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';
import {doctorResult, type DoctorResult} from '../doctor/assess.js';
import {probe, probeVersions, type DoctorOptions} from '../doctor/probe.js';
import {describeTarget} from './list.js';

const MARK = {ok: '✔', warn: '!', learner: '✘', facilitator: '✘'} as const;

export function formatDoctor(lang: Lang, result: DoctorResult, header: string): string {
	const lines = [header];
	for (const finding of result.findings) {
		lines.push(`  ${MARK[finding.status]} ${msg(lang, finding.summary.key, finding.summary.params)}`);
		if (finding.fix) lines.push(`      ${msg(lang, 'doctor.fixLine', {fix: msg(lang, finding.fix.key, finding.fix.params)})}`);
	}
	const count = (status: 'learner' | 'facilitator') => result.findings.filter((finding) => finding.status === status).length;
	lines.push(result.exitCode === 0 ? msg(lang, 'doctor.ready') : msg(lang, 'doctor.problems', {learner: count('learner'), facilitator: count('facilitator')}));
	lines.push(msg(lang, 'doctor.code', {code: result.code}));
	return `${lines.join('\n')}\n`;
}

/**
 * `cilium-lab doctor versions`: the target's part only (context, cluster, Kubernetes and Cilium versions, AKS network) and
 * where the version the learner meets departs from the guide's; no result code (it is not the pre-flight's verdict).
 */
export async function doctorVersionsCommand(options: DoctorOptions & {lang: Lang; json: boolean; out?: NodeJS.WritableStream}): Promise<number> {
	const out = options.out ?? process.stdout;
	const result = doctorResult(await probeVersions(options));
	if (options.json) {
		const checks = result.findings.map((finding) => ({id: finding.id, status: finding.status, summary: msg(options.lang, finding.summary.key, finding.summary.params)}));
		out.write(`${JSON.stringify({exitCode: result.exitCode, target: options.target, track: options.track, checks}, null, 2)}\n`);
		return result.exitCode;
	}
	const where = describeTarget(options.lang, {kind: options.target, context: options.context});
	const lines = [msg(options.lang, 'doctor.versionsHeader', {track: options.track, target: where})];
	for (const finding of result.findings) {
		lines.push(`  ${MARK[finding.status]} ${msg(options.lang, finding.summary.key, finding.summary.params)}`);
		if (finding.fix) lines.push(`      ${msg(options.lang, 'doctor.fixLine', {fix: msg(options.lang, finding.fix.key, finding.fix.params)})}`);
	}
	out.write(`${lines.join('\n')}\n`);
	return result.exitCode;
}

export async function doctorCommand(options: DoctorOptions & {lang: Lang; json: boolean; out?: NodeJS.WritableStream}): Promise<number> {
	const out = options.out ?? process.stdout;
	const result = doctorResult(await probe(options));
	// The last result, for a workshop the learner joins later (src/workshop/reporter.ts sends its code).
	try {
		writeFileAtomic(path.join(options.home, 'doctor.json'), JSON.stringify({code: result.code, at: new Date().toISOString()}));
	} catch {
		// the home check above already says why it cannot be written
	}
	if (options.json) {
		const checks = result.findings.map((finding) => ({
			id: finding.id,
			status: finding.status,
			summary: msg(options.lang, finding.summary.key, finding.summary.params),
			...(finding.fix ? {fix: msg(options.lang, finding.fix.key, finding.fix.params)} : {}),
		}));
		out.write(`${JSON.stringify({ok: result.exitCode === 0, exitCode: result.exitCode, code: result.code, target: options.target, track: options.track, checks}, null, 2)}\n`);
	} else {
		const where = describeTarget(options.lang, {kind: options.target, context: options.context});
		out.write(formatDoctor(options.lang, result, msg(options.lang, 'doctor.header', {track: options.track, target: where})));
	}
	return result.exitCode;
}
