// Screens that fit, in a real 80×24 terminal (tmux) on the practice cluster, in English and Korean: after every key
// on the step view (run, a failed check, e, f and its scrolling, hints, scrolling, next, back) the first row is the
// status bar and the last row is the key footer, and no row is left over from an earlier frame.
import {describe, expect, it, afterEach} from 'vitest';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import stringWidth from 'string-width';
import {startTerminal, type Terminal} from './helpers/tmux.js';

const root = path.resolve(import.meta.dirname, '../..');
const app = path.join(root, 'dist/cilium-lab.js');
const lessons = path.join(root, 'test/fixtures/lessons-screens/lessons');
let terminal: Terminal | undefined;
const homes: string[] = [];


afterEach(() => {
	terminal?.stop();
	terminal = undefined;
	for (const home of homes.splice(0)) {
		try {
			execFileSync('node', [app, 'practice', 'stop'], {env: {...process.env, CILIUM_LAB_HOME: home}, stdio: 'ignore', timeout: 20_000});
		} catch {
			// not running
		}
	}
});

const words = {
	en: {status: 'practice cluster (simulated)', quit: /q quit$/, track: 'Choose a track', variables: 'Variables', lessons: 'Lessons', why: 'Why (cilium-lab policy explain)', full: 'Full view:', hint: 'hint 1/2', done: '[done]', failed: '[failed]'},
	ko: {status: '실습 클러스터 (시뮬레이션)', quit: /q 종료$/, track: '트랙을 고르세요', variables: '변수', lessons: '레슨', why: '왜 이렇게 되었나', full: '전체 보기:', hint: '힌트 1/2', done: '[완료]', failed: '[실패]'},
} as const;

/** The pane's rows, exactly as many as the terminal has. */
function rowsOf(screen: string, height: number): string[] {
	const rows = screen.replace(/\n$/, '').split('\n');
	while (rows.length < height) rows.push('');
	return rows;
}

describe('screens that fit an 80×24 terminal', () => {
	for (const lang of ['en', 'ko'] as const) {
		it(`keeps the status bar first and the footer last after every key on the step view (${lang})`, async () => {
			const w = words[lang];
			const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-screens-'));
			homes.push(home);
			terminal = startTerminal(
				`env CI=false CILIUM_LAB_HOME=${home} CILIUM_LAB_PRACTICE_SPEED=instant node ${app} --lessons ${lessons} --lang ${lang}; echo "[exit $?]"`,
				{columns: 80, rows: 24},
			);
			const t = terminal;
			/** Presses keys, waits for `until` (and a screen that stops changing), then checks the frame's first and last rows. */
			const step = async (keys: string[], until?: string | RegExp, timeoutMs = 20_000): Promise<string> => {
				if (keys.length > 0) t.press(...keys);
				if (until) await t.waitFor(until, timeoutMs);
				let previous = '';
				const screen = await t.waitUntil(
					(current) => {
						// Spinners and clocks tick: compare with them masked.
						const masked = current.replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g, '*').replace(/\d+(\.\d)?s\b/g, 'Ns');
						const same = masked === previous;
						previous = masked;
						return same;
					},
					'a settled screen',
					timeoutMs,
				);
				const rows = rowsOf(screen, 24);
				expect(rows.length, screen).toBe(24);
				expect(rows[0], `after ${keys.join(' ')}:\n${screen}`).toContain(w.status);
				expect(rows[23]!.trimEnd(), `after ${keys.join(' ')}:\n${screen}`).toMatch(w.quit);
				// One status bar, one footer: nothing of an earlier frame scrolled into view.
				expect(rows.filter((row) => row.includes(w.status)).length, screen).toBe(1);
				for (const row of rows) expect(row, screen).not.toMatch(/truefalse|falsetrue/);
				return screen;
			};

			await t.waitFor(w.track, 20_000);
			await step(['Enter'], w.variables);
			await step(['Escape'], w.lessons);
			await t.waitUntil((screen) => !screen.includes('starting the practice cluster') && !screen.includes('실습 클러스터 시작 중'), 'the practice cluster', 30_000);
			let screen = await step(['Enter'], '$ helm repo add cilium');
			// Hard-wrapped Markdown is joined, then wrapped once; the tab-separated helm table becomes spaces.
			screen = await step(['r'], w.done, 60_000);
			expect(screen).not.toContain('\t');
			screen = await step(['f'], w.full);
			expect(screen).toMatch(/NAME\s+CHART VERSION\s+APP VERSION/);
			await step(['PageDown']);
			await step(['Escape']);
			await step(['n'], '$ kubectl get ns demo');
			screen = await step(['r'], w.done, 60_000);
			// The long printf line continues with " \" and the rest of the command is one "more" row away.
			expect(screen).toMatch(/--command \\$/m);
			await step(['h'], w.hint.replace('2', '1'));
			await step(['Down']);
			await step(['Down']);
			await step(['Up']);
			screen = await step(['f'], w.full);
			expect(screen).toContain('line 1 of the long output'.slice(0, 10));
			for (let page = 0; page < 6; page += 1) await step(['PageDown']);
			screen = t.screen();
			expect(screen).toContain('line 40 of the long output');
			await step(['f']);
			await step(['n'], '$ kubectl -n demo get pods -o wide');
			screen = await step(['r'], w.failed, 60_000);
			expect(screen).toContain('✘');
			await step(['e'], w.why);
			await t.waitUntil((current) => !current.includes('looking at the policies') && !current.includes('정책을 살펴보는 중'), 'policy explain', 20_000);
			await step([]);
			screen = await step(['h'], w.hint);
			await step(['h']);
			await step(['f'], w.full);
			for (let page = 0; page < 3; page += 1) await step(['PageDown']);
			screen = t.screen();
			expect(screen).toContain(w.why);
			expect(screen).toMatch(/EGRESS ALLOWED/);
			await step(['Escape']);
			await step(['b'], '$ kubectl get ns demo');
			await step(['n'], '$ kubectl -n demo get pods -o wide');
			t.press('q');
			await t.waitFor('[exit 0]');
		}, 240_000);
	}

	it('says to make the terminal larger below 80×24, and draws the lab once it is', async () => {
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-screens-'));
		homes.push(home);
		terminal = startTerminal(`env CI=false CILIUM_LAB_HOME=${home} CILIUM_LAB_PRACTICE_SPEED=instant node ${app} --lessons ${lessons} --lang en; echo "[exit $?]"`, {
			columns: 70,
			rows: 20,
		});
		const screen = await terminal.waitFor('Make the terminal larger', 20_000);
		expect(screen).toContain('70×20');
		expect(screen).toContain('80×24');
		execFileSync('tmux', ['-L', terminal.socket, 'resize-window', '-t', 'lab', '-x', '80', '-y', '24']);
		await terminal.waitFor('Choose a track');
		terminal.press('q');
		await terminal.waitFor('[exit 0]');
	}, 60_000);
});

describe('Korean text cut to the width', () => {
	it('the variables screen at 80 columns: no row wider than the terminal, and a cut Korean description ends in "…" (cli-truncate#28, patched in scripts/build.mjs)', async () => {
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-screens-'));
		homes.push(home);
		terminal = startTerminal(`env CI=false CILIUM_LAB_HOME=${home} CILIUM_LAB_PRACTICE_SPEED=instant node ${app} --lang ko; echo "[exit $?]"`, {columns: 80, rows: 24});
		await terminal.waitFor(words.ko.track, 20_000);
		terminal.press('Enter');
		const screen = await terminal.waitFor('NODE_COUNT', 20_000);
		const rows = rowsOf(screen, 24);
		for (const row of rows) expect(stringWidth(row), screen).toBeLessThanOrEqual(80);
		// "AKS 노드 수 (AKS 의 기본값: 3). 1–100. 비용은 노드 수에 비례한다." is cut at a Hangul syllable.
		const nodeCount = rows[rows.findIndex((row) => row.includes('NODE_COUNT')) + 1]!.trimEnd();
		expect(nodeCount, screen).toMatch(/노드 수.*…$/);
	});
});
