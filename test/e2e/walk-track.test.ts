// The whole k8s track walked in a real 80×24 terminal (tmux) on the practice cluster, as a learner who solves every
// step would: for each step, s (or Enter on a reading step), e and e again where the footer offers explain, f and
// Esc for the full view, then n (which also opens the next lesson from a lesson-complete summary). After every key
// the first row is the status bar and the last non-empty row the key footer. Then going back, reset and a track
// switch on the practice cluster: b and r on a step later steps built on (their cleanups run on the cluster),
// R (progress and cluster state cleared from there), and t with progress (the warning, and Esc keeps the track).
//
// Time: the whole track (9 lessons, 51 steps) in both languages fits: the two walks and the going-back test run at
// the same time, each with its own lab home and practice daemon, about 2.5 minutes on a 2-core machine. The
// troubleshooting lesson's `cilium hubble port-forward` needs the fixed port 4245, so the second walk to reach it
// waits there for the first to finish (the port lock other test files take too).
import {afterAll, describe, expect, it} from 'vitest';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {loadLab} from '../../src/lab/loader.js';
import type {Lang} from '../../src/lab/types.js';
import {visibleSteps} from '../../src/session/gating.js';
import {acquirePortLock, HUBBLE_RELAY_PORT} from '../helpers/port-lock.js';
import {startTerminal, type Terminal} from './helpers/tmux.js';

const root = path.resolve(import.meta.dirname, '../..');
const app = path.join(root, 'dist/cilium-lab.js');
const lab = loadLab(path.join(root, 'lessons'));
const COLUMNS = 80;
const ROWS = 24;
/** How long one step may take from its key to done (solve scripts at instant speed take a second or two). */
const STEP_TIMEOUT_MS = 60_000;
/** How long one language's walk may take in all. */
const WALK_TIMEOUT_MS = 200_000;

const terminals: Terminal[] = [];
const homes: string[] = [];

afterAll(() => {
	for (const terminal of terminals.splice(0)) terminal.stop();
	for (const home of homes.splice(0)) {
		try {
			execFileSync('node', [app, 'practice', 'stop'], {env: {...process.env, CILIUM_LAB_HOME: home}, stdio: 'ignore', timeout: 20_000});
		} catch {
			// not running
		}
		fs.rmSync(home, {recursive: true, force: true});
	}
});

const words = {
	en: {
		status: 'practice cluster (simulated)',
		quit: 'q quit',
		variables: 'Variables',
		lessons: 'Lessons',
		starting: 'starting the practice cluster',
		full: 'Full view:',
		why: 'Why (cilium-lab policy explain)',
		explaining: 'looking at the policies',
		solveKey: 's solve',
		readKey: 'Enter mark read',
		explainKey: 'e explain',
		complete: ['done', 'solved'],
		failed: 'failed',
		lessonComplete: '✔ Lesson complete:',
	},
	ko: {
		status: '실습 클러스터 (시뮬레이션)',
		quit: 'q 종료',
		variables: '변수',
		lessons: '레슨',
		starting: '실습 클러스터 시작 중',
		full: '전체 보기:',
		why: '왜 이렇게 되었나',
		explaining: '정책을 살펴보는 중',
		solveKey: 's 풀이',
		readKey: 'Enter 읽음',
		explainKey: 'e 이유 설명',
		complete: ['완료', '풀이로 완료'],
		failed: '실패',
		lessonComplete: '✔ 레슨 완료:',
	},
} as const;

/** The pane's rows, exactly as many as the terminal has. */
function rowsOf(screen: string): string[] {
	const rows = screen.replace(/\n$/, '').split('\n');
	while (rows.length < ROWS) rows.push('');
	return rows;
}

function lastNonEmpty(rows: string[]): string {
	return [...rows].reverse().find((row) => row.trim() !== '') ?? '';
}

/** The step view's title row: "Lesson › Step … step 3/5 [ready]". */
/** The row under the status bar (which takes a second row, "⟳ background: …", while a background job runs). */
function titleRow(screen: string): string | undefined {
	const rows = rowsOf(screen);
	return rows[1]?.startsWith('⟳') ? rows[2] : rows[1];
}

function header(screen: string): {index: number; total: number; status: string} | undefined {
	const match = /(?:step|단계) (\d+)\/(\d+) \[([^\]]+)\]\s*$/.exec(titleRow(screen) ?? '');
	return match ? {index: Number(match[1]), total: Number(match[2]), status: match[3]!} : undefined;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** The practice cluster's kubectl environment for a lab home (what `cilium-lab practice env` prints). */
function practiceEnv(home: string): NodeJS.ProcessEnv {
	const dir = path.join(home, 'practice');
	return {...process.env, KUBECONFIG: path.join(dir, 'kubeconfig'), KUBECACHEDIR: path.join(dir, 'kube-cache'), PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`};
}

function kubectl(home: string, args: string[]): {code: number; output: string} {
	try {
		return {code: 0, output: execFileSync('kubectl', args, {env: practiceEnv(home), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000})};
	} catch (error) {
		const failed = error as {status?: number; stdout?: string; stderr?: string};
		return {code: failed.status ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`};
	}
}

function readProgress(home: string): {track: string; lessons: Record<string, {steps: Record<string, {status: string}>}>} {
	return JSON.parse(fs.readFileSync(path.join(home, 'progress.json'), 'utf8'));
}

/**
 * The lab in tmux at 80×24, with `key` pressing keys and waiting for a settled screen that fits: the status bar on the
 * first row and the key footer on the last non-empty one. `where` names the place in the walk for failures.
 */
function openLab(home: string, lang: Lang, extra: string) {
	homes.push(home);
	const terminal = startTerminal(
		`env CI=false CILIUM_LAB_HOME=${home} CILIUM_LAB_PRACTICE_SPEED=instant node ${app} --lang ${lang} ${extra}; echo "[exit $?]"`,
		{columns: COLUMNS, rows: ROWS},
	);
	terminals.push(terminal);
	const w = words[lang];
	let where = 'starting';

	/** Waits for `until` and then for a screen that stops changing (spinners and clocks masked). */
	const settle = async (until: (screen: string) => boolean, what: string, timeoutMs: number): Promise<string> => {
		let previous = '';
		try {
			return await terminal.waitUntil(
				(current) => {
					if (!until(current)) return false;
					const masked = current.replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g, '*').replace(/\d+(\.\d)?s\b/g, 'Ns').replace(/\(\d+[smh]\)/g, '(N)');
					const same = masked === previous;
					previous = masked;
					return same;
				},
				what,
				timeoutMs,
			);
		} catch (error) {
			throw new Error(`${where}: ${(error as Error).message}`);
		}
	};

	/** The frame fits: status bar first, footer last (`footer` for dialogs, whose footer is their answers). */
	const assertFrame = (screen: string, keys: string[], footer: string = w.quit) => {
		const rows = rowsOf(screen);
		const context = `${where}, after ${keys.join(' ') || '(no key)'}:\n${screen}`;
		expect(rows.length, context).toBe(ROWS);
		expect(rows[0], context).toContain(w.status);
		expect(lastNonEmpty(rows), context).toContain(footer);
		expect(rows.filter((row) => row.includes(w.status)).length, context).toBe(1);
	};

	const key = async (keys: string[], until: (screen: string) => boolean, what: string, {timeoutMs = 10_000, footer}: {timeoutMs?: number; footer?: string} = {}) => {
		if (keys.length > 0) terminal.press(...keys);
		const screen = await settle(until, what, timeoutMs);
		assertFrame(screen, keys, footer);
		return screen;
	};

	return {
		terminal,
		w,
		key,
		settle,
		setWhere: (place: string) => {
			where = place;
		},
		/** From the first frame to the lesson list with the practice cluster up (the track is given with --track). */
		async start() {
			await settle((screen) => screen.includes(w.variables), 'the variables', 40_000);
			await key(['Escape'], (screen) => rowsOf(screen)[2] === w.lessons && !screen.includes(w.starting), 'the lesson list with the practice cluster ready', {timeoutMs: 40_000});
		},
	};
}

describe.concurrent('walking the k8s track in an 80×24 terminal', () => {
	const walk = async (lang: Lang, lessonIds: string[]) => {
		const started = Date.now();
		const home = fs.mkdtempSync(path.join(os.tmpdir(), `cilium-lab-e2e-walk-${lang}-`));
		const lessons = lab.lessons.filter((lesson) => lesson.tracks.includes('k8s') && lessonIds.includes(lesson.id));
		expect(lessons.map((lesson) => lesson.id)).toEqual(lessonIds);
		const steps = lessons.flatMap((lesson) => visibleSteps(lesson, 'k8s').map((step, index, all) => ({lesson, step, index: index + 1, total: all.length})));
		// The Hubble UI port-forward gets a free port; `cilium hubble port-forward` needs the fixed 4245, held by one test at a time.
		const startsRelay = (script?: string) => script !== undefined && /^(?!.*pkill).*\bcilium hubble port-forward\b/m.test(script);
		let releaseRelay: (() => void) | undefined;
		const lab_ = openLab(home, lang, `--track k8s --set HUBBLE_UI_PORT=${await freePort()}`);
		const {key, w, setWhere, terminal} = lab_;
		try {
			await lab_.start();
			const deadline = () => Math.max(1_000, Math.min(STEP_TIMEOUT_MS, started + WALK_TIMEOUT_MS - Date.now()));
			const isStepView = (screen: string) => header(screen) !== undefined && !screen.includes(w.full);
			let screen = await key(['Enter'], isStepView, 'the first step');
			for (const [position, {lesson, step, index, total}] of steps.entries()) {
				const name = `${lang} ${lesson.id}/${step.id} (step ${position + 1} of ${steps.length})`;
				setWhere(name);
				if (Date.now() - started > WALK_TIMEOUT_MS) throw new Error(`${name}: the walk took longer than ${WALK_TIMEOUT_MS / 1000} s; the screen was:\n${terminal.screen()}`);
				const at = header(screen);
				expect(at, `${name}: the step view\n${screen}`).toMatchObject({index, total});
				expect(titleRow(screen), `${name}: the lesson's title\n${screen}`).toContain(lesson.title[lang].slice(0, 12));

				// Solve it (or mark it read), unless it is already complete.
				const complete = (current: string) => (w.complete as readonly string[]).includes(header(current)?.status ?? '');
				if (!(w.complete as readonly string[]).includes(at!.status)) {
					const footer = rowsOf(screen).slice(-3).join(' ');
					let keyToPass: string;
					if (footer.includes(w.solveKey)) keyToPass = 's';
					else if (footer.includes(w.readKey)) keyToPass = 'Enter';
					else throw new Error(`${name}: the step can neither be solved nor marked read; the screen was:\n${screen}`);
					if (startsRelay(step.solve) && !releaseRelay) releaseRelay = await acquirePortLock(HUBBLE_RELAY_PORT, {holder: `test/e2e/walk-track.test.ts (${lang})`});
					screen = await key(
						[keyToPass],
						(current) => {
							if (header(current)?.status === w.failed) throw new Error(`${name}: the step failed after ${keyToPass}; the screen was:\n${current}`);
							// The last step of a lesson passes with the lesson-complete summary under its checks.
							return complete(current) && (index < total || current.includes(w.lessonComplete));
						},
						`${name} done or solved`,
						{timeoutMs: deadline()},
					);
				}
				if (index === total) expect(screen, `${name}: the lesson-complete summary\n${screen}`).toContain(w.lessonComplete);

				// Explain, where the footer offers it: shown under the checks, then hidden again.
				if (lastFooterRows(screen).includes(w.explainKey)) {
					screen = await key(['e'], (current) => current.includes(w.why) && !current.includes(w.explaining), `${name}: explain`, {timeoutMs: 20_000});
					screen = await key(['e'], (current) => !current.includes(w.why) && complete(current), `${name}: explain hidden`);
				}

				// The full view, and back.
				screen = await key(['f'], (current) => titleRow(current)!.startsWith(w.full), `${name}: the full view`);
				expect(screen, `${name}: the full view shows the step\n${screen}`).toContain(step.title[lang].slice(0, 10));
				screen = await key(['Escape'], (current) => isStepView(current) && complete(current), `${name}: the step view again`);

				// On to the next step (from a lesson-complete summary, n opens the next lesson).
				const next = steps[position + 1];
				if (!next) break;
				screen = await key(
					['n'],
					(current) => {
						const moved = header(current);
						return isStepView(current) && moved?.index === next.index && moved.total === next.total && titleRow(current)!.includes(next.lesson.title[lang].slice(0, 12));
					},
					`${name}: n to ${next.lesson.id}/${next.step.id}`,
				);
			}
			setWhere(`${lang}: quitting`);
			terminal.press('q');
			// Background port-forwards are still running: the lab asks before stopping them.
			screen = await lab_.settle((current) => current.includes('[exit') || current.includes('(y/n)'), 'quit', 10_000);
			if (!screen.includes('[exit')) terminal.press('y');
			screen = await terminal.waitFor('[exit ', 20_000);
			expect(screen).toContain('[exit 0]');
			const progress = readProgress(home);
			for (const {lesson, step} of steps) {
				expect(progress.lessons[lesson.id]?.steps[step.id]?.status, `${lesson.id}/${step.id} in progress.json`).toMatch(/^(done|solved)$/);
			}
			return Date.now() - started;
		} finally {
			releaseRelay?.();
		}
	};

	const lastFooterRows = (screen: string) => rowsOf(screen).slice(-2).join(' ');
	const allLessons = lab.lessons.filter((lesson) => lesson.tracks.includes('k8s')).map((lesson) => lesson.id);

	for (const lang of ['en', 'ko'] as const) {
		it(
			`${lang}: every step of the track solved, explained and shown in full; the status bar first and the footer last after every key`,
			async () => {
				const ms = await walk(lang, allLessons);
				console.log(`walk-track: ${lang}, ${allLessons.length} lessons in ${(ms / 1000).toFixed(1)} s`);
			},
			WALK_TIMEOUT_MS + 60_000,
		);
	}
});

describe.concurrent('going back, reset and track switch on the practice cluster, in an 80×24 terminal', () => {
	it('b and r put the cluster back (later cleanups run), R clears progress and state, t with progress warns and Esc keeps the track', async () => {
		const started = Date.now();
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-lab-e2e-goback-'));
		homes.push(home);
		const port = await freePort();
		// The lessons up to dns-policy done headless (solve scripts), as a learner who went that far.
		execFileSync('node', [app, 'run', 'preflight', 'cluster', 'install', 'hubble', 'dns-policy', '--solve', '--track', 'k8s', '--yes', '--set', `HUBBLE_UI_PORT=${port}`], {
			env: {...process.env, CI: 'false', CILIUM_LAB_HOME: home, CILIUM_LAB_PRACTICE_SPEED: 'instant'},
			stdio: 'ignore',
			timeout: 90_000,
		});
		let progress = readProgress(home);
		expect(Object.keys(progress.lessons['dns-policy']?.steps ?? {}).sort()).toEqual(['about', 'allow-dns', 'client-pod', 'namespace']);
		expect(kubectl(home, ['-n', 'demo', 'get', 'cnp', 'allow-dns', '-o', 'name']).output).toContain('allow-dns');

		const lab_ = openLab(home, 'en', '');
		const {key, w, setWhere, terminal} = lab_;
		const lessonsReady = (screen: string) => rowsOf(screen)[2] === w.lessons && !screen.includes(w.starting);
		const dnsRow = (screen: string) => rowsOf(screen).find((row) => row.includes('04 Domain-based filtering 1')) ?? '';
		let screen = await lab_.settle(lessonsReady, 'the lesson list', 40_000);
		expect(dnsRow(screen)).toMatch(/✔ .*4\/4$/);

		setWhere('opening dns-policy');
		screen = await key(['Up'], (current) => dnsRow(current).startsWith('›'), 'dns-policy selected');
		screen = await key(['Enter'], (current) => header(current)?.index === 1 && header(current)?.total === 4, 'dns-policy step 1');
		for (const index of [2, 3, 4]) screen = await key(['n'], (current) => header(current)?.index === index, `dns-policy step ${index}`);
		expect(titleRow(screen)).toContain('CiliumNetworkPolic');
		expect(header(screen)?.status).toBe('solved');

		setWhere('b to client-pod, r');
		screen = await key(['b'], (current) => header(current)?.index === 3, 'back to client-pod');
		expect(titleRow(screen)).toContain('The client pod');
		screen = await key(['r'], (current) => current.includes('Later steps (1: allow-dns) changed the cluster. Put it back'), 'the go-back question', {footer: 'Esc cancel'});
		screen = await key(
			['y'],
			// ("The cluster is back where this step stood (1 cleanup(s)); running it now." shows while it runs, and goes with the run.)
			(current) => header(current)?.status === 'done' && current.includes('✔ curl → https://naver.com: allowed') && !current.includes('running it now'),
			'client-pod run again and passed',
			{timeoutMs: 60_000},
		);
		expect(screen).toMatch(/exit code 0/);
		// allow-dns's cleanup ran on the cluster: the policy is gone, and so is its progress.
		const cnp = kubectl(home, ['-n', 'demo', 'get', 'cnp', 'allow-dns']);
		expect(cnp.code, cnp.output).not.toBe(0);
		expect(cnp.output).toContain('NotFound');
		progress = readProgress(home);
		expect(progress.lessons['dns-policy']?.steps['client-pod']?.status).toBe('done');
		expect(progress.lessons['dns-policy']?.steps['allow-dns']).toBeUndefined();

		setWhere('R on client-pod');
		screen = await key(['R'], (current) => current.includes('Clear progress from dns-policy/client-pod on'), 'the reset question', {footer: 'n no'});
		screen = await key(['y'], (current) => header(current)?.status === 'ready' && current.includes('Progress cleared: 1 step(s), 1 cleanup(s) run'), 'progress cleared', {timeoutMs: 30_000});
		// client-pod's cleanup ran: the pod is gone; the namespace (an earlier step) stays.
		const pod = kubectl(home, ['-n', 'demo', 'get', 'pod', 'curl']);
		expect(pod.output).toContain('NotFound');
		expect(kubectl(home, ['get', 'ns', 'demo', '-o', 'name']).output).toContain('namespace/demo');
		progress = readProgress(home);
		expect(Object.keys(progress.lessons['dns-policy']?.steps ?? {}).sort()).toEqual(['about', 'namespace']);
		screen = await key(['l'], lessonsReady, 'the lesson list');
		expect(dnsRow(screen)).toMatch(/2\/4$/);

		setWhere('t with progress');
		screen = await key(['t'], (current) => titleRow(current) === 'Choose a track', 'the track chooser');
		screen = await key(['Up'], (current) => current.includes('› AKS + Azure CNI Powered by Cilium'), 'another track selected');
		screen = await key(['Enter'], (current) => /You completed \d+ step\(s\) on the k8s track and the cluster they made is still/.test(current), 'the switch warning', {footer: 'Esc cancel'});
		screen = await key(['Escape'], (current) => !current.includes('You completed') && titleRow(current) === 'Choose a track', 'the warning cancelled');
		screen = await key(['Escape'], lessonsReady, 'back to the lesson list');
		// At 80 columns the status bar names the track by its id next to the Cilium version (CILIUM_VERSION).
		expect(rowsOf(screen)[0]).toContain('│ k8s │ Cilium 1.16.4 EOL │');
		expect(dnsRow(screen)).toMatch(/2\/4$/);
		progress = readProgress(home);
		expect(progress.track).toBe('k8s');
		expect(Object.keys(progress.lessons['dns-policy']?.steps ?? {}).sort()).toEqual(['about', 'namespace']);
		expect(kubectl(home, ['get', 'ns', 'demo', '-o', 'name']).output).toContain('namespace/demo');

		setWhere('quitting');
		terminal.press('q');
		await terminal.waitFor('[exit 0]', 20_000);
		console.log(`walk-track: going back, reset and track switch in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}, 180_000);
});
