// `cilium-lab report` as a person (or a CI) runs it: the built binary on a lab home's progress file, in JSON, JUnit
// XML (parsed by a real XML parser) and Markdown; a signed certificate, verified on another home, and an edited one
// refused.
import {spawnSync} from 'node:child_process';
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {loadLab} from '../../src/lab/loader.js';
import {certificatePayload, signCertificate, verifyCertificate} from '../../src/workshop/certificate.js';
import {buildReport, reportJunit} from '../../src/workshop/records.js';
import {generateKeyPairSync} from 'node:crypto';

const root = path.resolve('.');
const fixture = path.join(root, 'test/fixtures/lessons-basic');
let work: string;
let home: string;

function cli(args: string[], options: {env?: Record<string, string>; home?: string} = {}) {
	const result = spawnSync('node', [path.join(root, 'dist/cilium-lab.js'), ...args, '--lessons', 'lessons'], {
		cwd: work,
		encoding: 'utf8',
		env: {...process.env, CILIUM_LAB_HOME: options.home ?? home, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', ...options.env},
		timeout: 20_000,
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

const record = (status: 'done' | 'solved', extra: Record<string, number> = {}) => ({status, at: '2026-12-01T10:00:00.000Z', context: 'practice', ...extra});
function writeProgress(lessons: Record<string, {steps: Record<string, unknown>}>) {
	writeFileSync(path.join(home, 'progress.json'), JSON.stringify({version: 1, track: 'k8s', variables: {}, target: {kind: 'practice'}, lessons}));
}

/** Python's XML parser (expat) reads the JUnit file and answers with its structure: a real consumer, not a regex. */
function parseJunit(xml: string): {suites: Array<{name: string; tests: string; failures: string; skipped: string; cases: Array<{name: string; classname: string; time: string; failure?: string; failureText?: string; skipped?: string}>}>} {
	const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
assert root.tag == 'testsuites', root.tag
out = {'suites': []}
for s in root.findall('testsuite'):
    cases = []
    for c in s.findall('testcase'):
        case = {'name': c.get('name'), 'classname': c.get('classname'), 'time': c.get('time')}
        f = c.find('failure'); k = c.find('skipped')
        if f is not None: case['failure'] = f.get('message')
        if f is not None and f.text: case['failureText'] = f.text
        if k is not None: case['skipped'] = k.get('message')
        cases.append(case)
    out['suites'].append({'name': s.get('name'), 'tests': s.get('tests'), 'failures': s.get('failures'), 'skipped': s.get('skipped'), 'cases': cases})
print(json.dumps(out))
`;
	const result = spawnSync('python3', ['-c', script], {input: xml, encoding: 'utf8'});
	if (result.status !== 0) throw new Error(`not well-formed XML: ${result.stderr}`);
	return JSON.parse(result.stdout);
}

beforeAll(() => {
	work = mkdtempSync(path.join(os.tmpdir(), 'report-work-'));
	home = mkdtempSync(path.join(os.tmpdir(), 'report-home-'));
	cpSync(fixture, work, {recursive: true});
});

afterAll(() => {
	rmSync(work, {recursive: true, force: true});
	rmSync(home, {recursive: true, force: true});
});

describe('cilium-lab report', () => {
	it('JSON: per step done or solved, attempts, hints and time; a progress file from before records were kept reads too', () => {
		writeProgress({files: {steps: {write: record('solved', {attempts: 3, hints: 1, timeMs: 95_000}), 'read-it': record('done')}}});
		const result = cli(['report', '--format', 'json']);
		expect(result.code).toBe(0);
		const report = JSON.parse(result.stdout);
		expect(report).toMatchObject({kind: 'cilium-lab-report', track: 'k8s', lessonsHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/)});
		expect(report.lessons[0].steps).toEqual([
			{id: 'write', title: 'Write', optional: false, status: 'solved', at: '2026-12-01T10:00:00.000Z', attempts: 3, hints: 1, timeMs: 95_000},
			{id: 'read-it', title: 'Read', optional: false, status: 'done', at: '2026-12-01T10:00:00.000Z'},
		]);
		expect(report.lessons[1].steps.map((step: {status: string}) => step.status)).toEqual(['not-done', 'not-done']);
		expect(report.totals).toMatchObject({steps: 4, done: 1, solved: 1, notDone: 2, hints: 1, attempts: 3, timeMs: 95_000});
	});

	it('JUnit: well-formed XML, a testsuite per lesson and a testcase per step; a required step not completed fails', () => {
		writeProgress({files: {steps: {write: record('solved', {attempts: 1, hints: 0, timeMs: 2500}), 'read-it': record('done', {attempts: 0, hints: 0})}}, more: {steps: {second: record('done', {attempts: 2, timeMs: 1000})}}});
		const result = cli(['report', '--format', 'junit']);
		expect(result.code).toBe(0);
		expect(result.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
		const parsed = parseJunit(result.stdout);
		expect(parsed.suites.map((suite) => [suite.name, suite.tests, suite.failures, suite.skipped])).toEqual([
			['files: Making files', '2', '0', '0'],
			['more: More', '2', '1', '0'],
		]);
		expect(parsed.suites[0]!.cases[0]).toEqual({name: 'write: Write', classname: 'cilium-lab.files', time: '2.500'});
		expect(parsed.suites[1]!.cases[1]).toEqual({name: 'fails: Failing', classname: 'cilium-lab.more', time: '0.000', failure: 'step more/fails was not completed'});
		// LESSON narrows it to what a track test ran
		expect(parseJunit(cli(['report', 'files', '--format', 'junit']).stdout).suites).toHaveLength(1);
	});

	it("JUnit after a headless run (a CI's track test): the failing step's failure carries the check's reason and the log's tail", () => {
		const ciHome = mkdtempSync(path.join(os.tmpdir(), 'report-ci-'));
		try {
			const ran = cli(['run', 'files', 'more', '--target', 'real', '--yes', '--track', 'k8s'], {home: ciHome});
			expect(ran.code, ran.stderr).toBe(2);
			const result = cli(['report', '--format', 'junit'], {home: ciHome});
			expect(result.code).toBe(0);
			const failing = parseJunit(result.stdout).suites[1]!.cases[1]!;
			expect(failing.failure).toBe('step more/fails was not completed — command: test -f "$LAB_HOME/never.txt" exited 1');
			const text = failing.failureText!.split('\n');
			expect(text[0]).toMatch(/^last failed at \d{4}-\d\d-\d\dT/);
			expect(text[1]).toMatch(new RegExp(`^log: ${ciHome.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/logs/.*-more-fails\\.log$`));
			// The command's own output, from its log: `echo nothing`.
			expect(text.slice(2)).toContain('nothing');
			expect(readFileSync(path.join(ciHome, 'failures.json'), 'utf8')).toContain('"more/fails"');
			// JSON says it too.
			const json = JSON.parse(cli(['report', '--format', 'json'], {home: ciHome}).stdout);
			expect(json.lessons[1].steps[1].failure).toMatchObject({reason: 'command: test -f "$LAB_HOME/never.txt" exited 1', logTail: expect.arrayContaining(['nothing'])});
		} finally {
			rmSync(ciHome, {recursive: true, force: true});
		}
	});

	it('JUnit: an optional step not completed is skipped; names with markup and control characters stay well-formed', () => {
		const lab = loadLab(path.join(fixture, 'lessons'));
		lab.lessons[1]!.steps[1]!.optional = true;
		lab.lessons[0]!.title = {en: 'A <b>&"\'\u0007 lesson', ko: 'x'};
		const report = buildReport({lab, track: 'k8s', lang: 'en', progress: {}, labVersion: '1.0.0', lessonsHash: 'sha256:0', learner: 'Kim <script>', now: new Date('2026-12-01T00:00:00Z')});
		const parsed = parseJunit(reportJunit(report, 'en'));
		expect(parsed.suites[0]!.name).toBe('files: A <b>&"\' lesson');
		expect(parsed.suites[1]!.cases[1]!.skipped).toBe('optional step, not completed');
		expect(parsed.suites[1]!.failures).toBe('1');
	});

	it('Markdown, in Korean too', () => {
		writeProgress({files: {steps: {write: record('done', {attempts: 2, hints: 1, timeMs: 61_000})}}});
		const en = cli(['report', '--format', 'md']);
		expect(en.stdout).toContain('| write: Write | done | 2 | 1 | 1:01 | 2026-12-01T10:00:00.000Z |');
		const ko = cli(['report', '--format', 'md', '--lang', 'ko']);
		expect(ko.stdout).toContain('# 실습 기록');
		expect(ko.stdout).toContain('| write: 쓰기 | 직접 완료 | 2 | 1 | 1:01 |');
	});

	it('refuses a bad format, a step ref and a home without progress with a sentence', () => {
		expect(cli(['report', '--format', 'xml'])).toMatchObject({code: 1, stderr: 'cilium-lab: --format xml: expected json, junit, md\n'});
		expect(cli(['report', 'files/write']).stderr).toContain('expected a LESSON, not a step');
		const empty = mkdtempSync(path.join(os.tmpdir(), 'report-empty-'));
		try {
			const result = cli(['report'], {home: empty});
			expect(result.code).toBe(1);
			expect(result.stderr).toContain('no progress in');
			expect(result.stderr).not.toMatch(/\n\s+at /);
		} finally {
			rmSync(empty, {recursive: true, force: true});
		}
	});
});

describe('the certificate', () => {
	const complete = () =>
		writeProgress({
			files: {steps: {write: record('done', {attempts: 1, hints: 0, timeMs: 30_000}), 'read-it': record('done')}},
			more: {steps: {second: record('solved', {attempts: 1, hints: 2, timeMs: 10_000}), fails: record('done', {attempts: 4, timeMs: 5000})}},
		});

	it('is refused until every required step is complete, naming what is left', () => {
		writeProgress({files: {steps: {write: record('done')}}});
		const result = cli(['report', '--certificate', '--name', 'Kim']);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('a certificate needs every required step of track k8s complete: 3 left (the first: files/read-it)');
		complete();
		expect(cli(['report', '--certificate']).stderr).toContain('a certificate needs --name NAME');
	});

	it('names the learner, the version and the lessons hash; verifies on another home; an edit is found', () => {
		complete();
		const made = cli(['report', '--certificate', '--name', 'Kim Yujin']);
		expect(made.code).toBe(0);
		expect(made.stdout).toContain('**Kim Yujin** completed the lab on track k8s.');
		const hash = JSON.parse(cli(['report', '--format', 'json']).stdout).lessonsHash;
		expect(made.stdout).toContain(`Lessons hash: ${hash}`);
		const fingerprint = /key ([0-9a-f ]{39})/.exec(made.stderr)![1]!;
		expect(readFileSync(path.join(home, 'certificate-key.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
		const file = path.join(work, 'certificate.md');
		writeFileSync(file, made.stdout);
		// Another machine: a fresh home with no key of its own.
		const other = mkdtempSync(path.join(os.tmpdir(), 'report-other-'));
		try {
			const verified = cli(['report', '--verify', file], {home: other});
			expect(verified.code).toBe(0);
			expect(verified.stdout).toContain(`valid: Kim Yujin · cilium-lab `);
			expect(verified.stdout).toContain(`signed with the key ${fingerprint}`);
			expect(verified.stdout).toContain('the same lessons as this lab');
			// One character changed in the visible text.
			writeFileSync(file, made.stdout.replace('Kim Yujin', 'Kim Yujln'));
			const edited = cli(['report', '--verify', file], {home: other});
			expect(edited.code).toBe(2);
			expect(edited.stdout).toContain('NOT valid: the document was changed after it was signed');
			// Lessons changed since: still valid, but said to be another edition.
			writeFileSync(file, made.stdout);
			writeFileSync(path.join(work, 'lessons/02-more.yaml'), `${readFileSync(path.join(work, 'lessons/02-more.yaml'), 'utf8')}\n# edited\n`);
			expect(cli(['report', '--verify', file], {home: other}).stdout).toContain("not this lab's lessons");
			cpSync(path.join(fixture, 'lessons/02-more.yaml'), path.join(work, 'lessons/02-more.yaml'));
			writeFileSync(file, 'just a note\n');
			expect(cli(['report', '--verify', file], {home: other})).toMatchObject({code: 1, stderr: expect.stringContaining('not a cilium-lab certificate')});
		} finally {
			rmSync(other, {recursive: true, force: true});
		}
	});

	it('HTML, in Korean; a copy re-signed with another key verifies only under another fingerprint', () => {
		complete();
		const made = cli(['report', '--certificate', '--name', '김유진 <b>', '--format', 'html', '--lang', 'ko']);
		expect(made.code).toBe(0);
		expect(made.stdout).toContain('<strong>김유진 &#60;b&#62;</strong> 님이 트랙 k8s의 실습을 마쳤습니다.');
		const verified = verifyCertificate(made.stdout);
		expect(verified).toMatchObject({ok: true, payload: {learner: '김유진 <b>', track: 'k8s'}});
		// Re-signing an edited body with another key gives a valid document with another fingerprint: the trust model
		// (the fingerprint names who signed) is what tells them apart.
		const {privateKey} = generateKeyPairSync('ed25519');
		const payload = {...(verified as {payload: ReturnType<typeof certificatePayload>}).payload, learner: 'Mallory'};
		const forged = verifyCertificate(signCertificate(payload, 'html', 'ko', privateKey).text);
		expect(forged.ok).toBe(true);
		expect(forged.ok && verified.ok && forged.fingerprint !== verified.fingerprint).toBe(true);
	});
});
