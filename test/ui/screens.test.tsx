// Screens that fit, on Ink's fake terminal at 80×24 and 100×30 in English and Korean: after every key the frame is
// the terminal's height, the status bar first and the key footer last, no row wider than the terminal.
import {describe, expect, it, afterEach} from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import stringWidth from 'string-width';
import {App} from '../../src/ui/App.js';
import {TuiController, type CheckRequest, type TuiDeps} from '../../src/ui/controller.js';
import {JobManager} from '../../src/run/jobs.js';
import {KEYS, renderSized, settle, waitFor, type Rendered} from './helpers/render.js';
import {step, testLab} from './helpers/lab.js';
import type {Lab, Lang} from '../../src/lab/types.js';
import type {OutputLine, RunOutcome} from '../../src/run/types.js';

const managers: JobManager[] = [];
const instances: Rendered[] = [];
afterEach(async () => {
	for (const instance of instances.splice(0)) instance.unmount();
	for (const manager of managers.splice(0)) await manager.dispose();
});

const STATUS = {en: 'practice cluster (simulated)', ko: '실습 클러스터 (시뮬레이션)'};
const QUIT = {en: /q quit$/, ko: /q 종료$/};

function screensLab(): Lab {
	const lab = testLab();
	const long = (lang: Lang) =>
		lang === 'en'
			? 'This paragraph was broken by hand\ninside the YAML, and the screen joins it\nbefore wrapping it once. '.repeat(4) + '\n\n* `kubectl -n demo get cnp allow-egress` lists it.\n'
			: '이 문단은 YAML 안에서\n손으로 줄을 바꿨고 화면은 한 번만\n감싼다. '.repeat(6) + '\n\n* `kubectl -n demo get cnp allow-egress` 로 본다.\n';
	lab.lessons[0]!.steps[0] = step('hello', {
		title: {ko: '긴 단계', en: 'A long step'},
		body: {ko: long('ko'), en: long('en')},
		run: 'az aks create --resource-group "$RESOURCE_GROUP_NAME" --name "$CLUSTER_NAME" --location "$LOCATION" --network-plugin none --generate-ssh-keys\nhelm search repo cilium/cilium',
		expect: [
			{kind: 'egress', namespace: 'demo', selector: 'app=client', url: 'https://github.com', expect: 'blocked'},
			{kind: 'command', script: 'echo Running', output: '^Succeeded\\s*$'},
		],
		hints: [
			{ko: '**정책**을 `kubectl -n demo get cnp` 로 본다.', en: 'List the **policies** with `kubectl -n demo get cnp`.'},
			{ko: '둘째 힌트', en: 'second hint'},
		],
		solve: 'echo solved',
	});
	return lab;
}

function setup(lang: Lang, size: {columns: number; rows: number}, {checksPass = false} = {}) {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-ui-screens-'));
	const jobs = new JobManager(home);
	managers.push(jobs);
	const logFile = path.join(home, 'hello.log');
	const output = ['NAME\tCHART VERSION\tAPP VERSION\tDESCRIPTION', 'cilium/cilium\t1.16.4\t1.16.4\teBPF-based Networking', ...Array.from({length: 40}, (_, i) => `line ${i + 1}: status.policy.egress.enforcing = true`)];
	let finish: ((outcome: RunOutcome) => void) | undefined;
	const deps: TuiDeps = {
		runCommand: (request) => {
			fs.writeFileSync(logFile, output.join('\n') + '\n');
			request.onLines(output.map((text): OutputLine => ({stream: 'output', text})), 0);
			return new Promise<RunOutcome>((resolve) => {
				finish = resolve;
				request.signal.addEventListener('abort', () => resolve({kind: 'cancelled', durationMs: 5}));
			});
		},
		runChecks: async (request: CheckRequest) => {
			const results = request.specs.map((spec) =>
				checksPass
					? {ok: true, summary: 'as expected'}
					: spec.kind === 'egress'
						? {ok: false, summary: 'curl → https://github.com: allowed', detail: 'expected: blocked\nseen: curl exit 0 (an HTTP answer came)', hint: 'is the policy applied to `app=client`?'}
						: {ok: false, summary: 'echo Running exited 0: Running', detail: 'expected: exit 0, output /^Succeeded\\s*$/\nseen: Running'},
			);
			results.forEach((result, index) => request.onUpdate(index, result, true));
			return results;
		},
		runInteractive: async () => ({kind: 'exited', exitCode: 0, durationMs: 1}),
		jobs,
		explainEgress: async () => Array.from({length: 30}, (_, i) => `explain line ${i + 1}: EGRESS ALLOWED: no policy selects demo/curl`),
		saveProgress: async () => {},
		readAsset: () => 'kind: CiliumNetworkPolicy\n',
		logFileFor: async () => logFile,
	};
	const controller = new TuiController({
		lab: screensLab(),
		lang,
		target: {kind: 'practice'},
		baseEnv: {PATH: '/usr/bin:/bin'},
		home,
		track: 'k8s',
		variables: {CLUSTER_NAME: 'yj-aks', LOCATION: 'koreacentral'},
		deps,
	});
	const instance = renderSized(<App controller={controller} />, size);
	instances.push(instance);
	return {controller, instance, finish: (outcome: RunOutcome) => finish?.(outcome)};
}

/** The frame fits: exactly `rows` rows, none wider than `columns`, the status bar first, the footer last. */
function expectFits(frame: string, lang: Lang, {columns, rows}: {columns: number; rows: number}, after: string) {
	const lines = frame.split('\n');
	expect(lines.length, `after ${after}:\n${frame}`).toBe(rows);
	expect(lines[0], `after ${after}:\n${frame}`).toContain(STATUS[lang]);
	expect(lines.at(-1)!.trimEnd(), `after ${after}:\n${frame}`).toMatch(QUIT[lang]);
	for (const line of lines) expect(stringWidth(line), `after ${after}: ${line}`).toBeLessThanOrEqual(columns);
}

async function key(instance: Rendered, input: string, until?: (frame: string) => boolean): Promise<string> {
	await settle();
	instance.stdin.write(input);
	await settle();
	return until ? waitFor(instance, until) : (instance.lastFrame() ?? '');
}

describe('screens that fit', () => {
	for (const size of [
		{columns: 80, rows: 24},
		{columns: 100, rows: 30},
	]) {
		for (const lang of ['en', 'ko'] as const) {
			it(`at ${size.columns}×${size.rows} in ${lang}: status bar first and footer last after every key, a failed check, e, f and hints`, async () => {
				const {instance, finish} = setup(lang, size);
				let frame = await waitFor(instance, (text) => text.includes(lang === 'en' ? 'Lessons' : '레슨'));
				expectFits(frame, lang, size, 'start');
				frame = await key(instance, KEYS.enter, (text) => text.includes('$ az aks create'));
				expectFits(frame, lang, size, 'Enter');
				// The long command wraps between words with a continuation, never cut with "…".
				expect(frame).toMatch(/ \\$/m);
				frame = await key(instance, 'r', (text) => text.includes('line 40'));
				expectFits(frame, lang, size, 'r');
				expect(frame).not.toContain('\t');
				frame = await key(instance, 'r', (text) => text.includes(lang === 'en' ? 'A command is running' : '명령이 실행 중입니다'));
				expectFits(frame, lang, size, 'r again');
				finish({kind: 'exited', exitCode: 0, durationMs: 300});
				frame = await waitFor(instance, (text) => text.includes('✘'));
				expectFits(frame, lang, size, 'a failed check');
				// The notice went with the command.
				expect(frame).not.toContain(lang === 'en' ? 'A command is running' : '명령이 실행 중입니다');
				frame = await key(instance, 'e', (text) => text.includes('explain line 1:'));
				expectFits(frame, lang, size, 'e');
				frame = await key(instance, 'h', (text) => text.includes(lang === 'en' ? 'hint 1/2' : '힌트 1/2'));
				expectFits(frame, lang, size, 'h');
				frame = await key(instance, 'h');
				expectFits(frame, lang, size, 'h h');
				frame = await key(instance, KEYS.down);
				expectFits(frame, lang, size, '↓');
				frame = await key(instance, 'f', (text) => text.includes(lang === 'en' ? 'Full view:' : '전체 보기:'));
				expectFits(frame, lang, size, 'f');
				for (let page = 0; page < 12; page += 1) frame = await key(instance, '\u001B[6~');
				expectFits(frame, lang, size, 'PgDn in the full view');
				// The end of the page: the last hint, whole, without its Markdown.
				expect(frame).toContain(lang === 'en' ? 'second hint' : '둘째 힌트');
				expect(frame).not.toContain('**');
				frame = await key(instance, KEYS.escape, (text) => !text.includes(lang === 'en' ? 'Full view:' : '전체 보기:'));
				expectFits(frame, lang, size, 'Esc');
			});
		}
	}

	it('the full view shows the whole output from the log file, the command whole, the regex as written', async () => {
		const size = {columns: 80, rows: 24};
		const {instance, finish} = setup('en', size);
		await waitFor(instance, (text) => text.includes('Lessons'));
		await key(instance, KEYS.enter, (text) => text.includes('$ az aks create'));
		await key(instance, 'r', (text) => text.includes('line 40'));
		finish({kind: 'exited', exitCode: 0, durationMs: 300});
		await waitFor(instance, (text) => text.includes('✘'));
		let frame = await key(instance, 'f', (text) => text.includes('Full view:'));
		expect(frame).toMatch(/NAME {4}CHART VERSION {3}APP VERSION/);
		expect(frame).toContain('line 1: status');
		const seen = new Set<string>();
		for (let page = 0; page < 8; page += 1) {
			for (const line of frame.split('\n')) seen.add(line.trim());
			frame = await key(instance, '\u001B[6~');
		}
		for (const line of frame.split('\n')) seen.add(line.trim());
		for (let index = 1; index <= 40; index += 1) expect([...seen].some((line) => line.startsWith(`line ${index}: `)), `line ${index}`).toBe(true);
		expect([...seen].some((line) => line.includes('/^Succeeded\\s*$/'))).toBe(true);
		expect([...seen].some((line) => line.includes('is the policy applied to app=client?'))).toBe(true);
	});

	it('below 80×24 says to make the terminal larger, in both languages', async () => {
		for (const lang of ['en', 'ko'] as const) {
			const {instance} = setup(lang, {columns: 79, rows: 24});
			const frame = await waitFor(instance, (text) => text.includes('79×24'));
			expect(frame).toContain(lang === 'en' ? 'Make the terminal larger' : '터미널을 키워 주세요');
			expect(frame).toContain('80×24');
			for (const line of frame.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(79);
		}
	});

	it('a finished lesson shows its summary: steps done by the learner, hints used, time', async () => {
		const size = {columns: 80, rows: 24};
		const {instance, finish} = setup('en', size, {checksPass: true});
		await waitFor(instance, (text) => text.includes('Lessons'));
		await key(instance, KEYS.enter, (text) => text.includes('$ az aks create'));
		await key(instance, 'h', (text) => text.includes('hint 1/2'));
		await key(instance, 'r', (text) => text.includes('line 40'));
		finish({kind: 'exited', exitCode: 0, durationMs: 300});
		await waitFor(instance, (text) => text.includes('[done]'));
		await key(instance, 'n', (text) => text.includes('read-me step'));
		const frame = await key(instance, KEYS.enter, (text) => text.includes('Lesson complete'));
		expectFits(frame, 'en', size, 'Enter on the last step');
		expect(frame).toContain('✔ Lesson complete: Basics');
		expect(frame).toMatch(/2 step\(s\): 2 done by you, 0 solved with s · hints used: 1 · time: \d/);
	});
});
