import {describe, expect, it, afterEach} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Box} from 'ink';
import {render, waitFor, waitForText} from './helpers/render.js';
import {LangProvider} from '../../src/ui/i18n.js';
import {fitLessonRow, LessonList} from '../../src/ui/components/LessonList.js';
import {OutputPane} from '../../src/ui/components/OutputPane.js';
import {CheckList, detailRows} from '../../src/ui/components/CheckList.js';
import stringWidth from 'string-width';
import {StatusBar} from '../../src/ui/components/StatusBar.js';
import {KeyHints} from '../../src/ui/components/KeyHints.js';
import {renderMarkdown} from '../../src/ui/markdown.js';
import {stripVTControlCharacters} from 'node:util';
import type {StepRun} from '../../src/session/index.js';

afterEach(() => cleanup());

describe('LessonList', () => {
	it('marks done, current and locked lessons, with the reason a lesson is locked', async () => {
		const instance = render(
			<LangProvider lang="en">
				<LessonList
					labTitle="Cilium on AKS"
					trackTitle="AKS BYOCNI"
					selected={1}
					height={10}
					width={100}
					rows={[
						{id: 'cluster', order: 1, title: 'Create the cluster', state: 'done', done: 3, total: 3},
						{id: 'install', order: 2, title: 'Install Cilium', state: 'current', done: 1, total: 4},
						{id: 'fqdn', order: 3, title: 'FQDN policy', state: 'locked', lockedReason: 'requires: dns-policy', done: 0, total: 5},
					]}
				/>
			</LangProvider>,
		);
		const frame = await waitForText(instance, 'FQDN policy');
		expect(frame).toMatch(/✔ 01 Create the cluster\s+3\/3/);
		expect(frame).toMatch(/› ▶ 02 Install Cilium\s+1\/4/);
		expect(frame).toMatch(/· 03 FQDN policy\s+0\/5 \(requires: dns-policy\)/);
		expect(frame).toContain('track: AKS BYOCNI');
	});

	it('scrolls to keep the selected lesson visible', async () => {
		const rows = Array.from({length: 20}, (_, index) => ({id: `l${index}`, order: index, title: `Lesson ${index}`, state: 'open' as const, done: 0, total: 1}));
		const instance = render(<LessonList labTitle="Lab" trackTitle="k8s" selected={15} height={8} width={100} rows={rows} />);
		const frame = await waitForText(instance, 'Lesson 15');
		expect(frame).not.toContain('Lesson 0 ');
	});

	it('fits a locked row with a long Korean reason in 80 columns, its title and reason each cut with …', async () => {
		const held = '진행자가 3번 레슨에서 기다리게 했습니다';
		const titles = ['도메인 기반 필터링 1: DNS 허용 정책', 'Default-Deny 와 모든 egress 허용', 'Trouble Shooting: Hubble 로 원인 찾기', '정리'];
		const rows = titles.map((title, index) => ({id: `l${index}`, order: 4 + index, title, state: 'locked' as const, lockedReason: held, done: 0, total: 11}));
		const instance = render(
			<LangProvider lang="ko">
				<LessonList labTitle="Lab" trackTitle="k8s" selected={0} height={8} width={80} rows={rows} />
			</LangProvider>,
		);
		const frame = await waitForText(instance, '07 정리');
		const lessonRows = frame.split('\n').filter((row) => /· 0[4-6] /.test(row));
		expect(lessonRows).toHaveLength(3);
		for (const row of lessonRows) {
			expect(stringWidth(row)).toBeLessThanOrEqual(80);
			expect(row).toMatch(/0\/11 \(진행자가 .*…$/);
		}
		// A short title keeps its whole reason.
		expect(frame).toContain(`07 정리 0/11 (${held})`);
	});

	it('fitLessonRow gives the title at least half and the reason the rest', () => {
		expect(fitLessonRow(40, 10, 'short', 'why')).toEqual({title: 'short', reason: '(why)'});
		const long = fitLessonRow(40, 10, 'a'.repeat(40), 'b'.repeat(40));
		expect(long.title).toBe(`${'a'.repeat(14)}…`);
		expect(stringWidth(long.title) + 1 + stringWidth(long.reason!)).toBe(30);
		expect(fitLessonRow(40, 10, 'x'.repeat(50), undefined).title).toBe(`${'x'.repeat(29)}…`);
	});
});

describe('OutputPane', () => {
	const lines = Array.from({length: 50}, (_, index) => ({stream: 'output' as const, text: `line ${index + 1}`}));

	it('shows a spinner and the elapsed time while running, and only the tail', async () => {
		const run: StepRun = {activity: 'run', startedAt: new Date(Date.now() - 3200).toISOString(), background: false, logFile: '/tmp/lab/logs/x.log'};
		const instance = render(<OutputPane run={run} lines={lines} totalLines={5000} height={5} />);
		const frame = await waitForText(instance, 'line 50');
		expect(frame).toMatch(/running \d+\.\ds/);
		expect(frame).toContain('4995 lines above (all in the log)');
		expect(frame).not.toContain('line 45\n');
		expect(frame).toContain('full log: /tmp/lab/logs/x.log');
	});

	it('says the log is incomplete (a full disk) instead of "all in the log", in both languages', async () => {
		const run: StepRun = {activity: 'run', startedAt: new Date().toISOString(), background: false, logFile: '/tmp/lab/logs/x.log', outcome: {kind: 'exited', exitCode: 0, durationMs: 10, logIncomplete: 'ENOSPC'}};
		const instance = render(<OutputPane run={run} lines={lines} totalLines={5000} height={5} />);
		const frame = await waitForText(instance, 'line 50');
		expect(frame).toContain('4995 lines above (the log is incomplete: no space left on the device)');
		expect(frame).not.toContain('all in the log');
		expect(frame).toContain('incomplete log (no space left on the device): /tmp/lab/logs/x.log');
		const ko = render(
			<LangProvider lang="ko">
				<OutputPane run={run} lines={lines} totalLines={5000} height={5} width={90} />
			</LangProvider>,
		);
		const koFrame = await waitForText(ko, 'line 50');
		expect(koFrame).toContain('4995줄 생략 (로그가 불완전합니다: 디스크에 남은 공간이 없습니다)');
		expect(koFrame).toContain('불완전한 로그 (디스크에 남은 공간이 없습니다): /tmp/lab/logs/x.log');
	});

	it('shows the exit code and duration when the command ended, and says a timeout ended it', async () => {
		const exited: StepRun = {activity: 'run', startedAt: new Date().toISOString(), background: false, outcome: {kind: 'exited', exitCode: 3, durationMs: 1234}};
		const instance = render(<OutputPane run={exited} lines={lines.slice(0, 2)} totalLines={2} height={5} />);
		expect(await waitForText(instance, 'exit code 3')).toContain('exit code 3 · 1.2s');
		instance.rerender(
			<OutputPane run={{...exited, outcome: {kind: 'timedOut', timeoutMs: 60_000, durationMs: 60_010}}} lines={[]} totalLines={0} height={5} />,
		);
		expect(await waitForText(instance, 'timed out')).toContain('timed out after 1m00s · the command was stopped');
	});
});

describe('OutputPane wrapping', () => {
	it('wraps the last lines and error lines instead of cutting them, and cuts earlier lines to keep the pane bounded', async () => {
		const run: StepRun = {activity: 'run', startedAt: new Date().toISOString(), background: false, outcome: {kind: 'exited', exitCode: 1, durationMs: 900}};
		const long = (label: string) => `${label} ${'word '.repeat(14)}end-of-${label}`;
		const lines = [
			{stream: 'output' as const, text: long('early')},
			{stream: 'output' as const, text: 'ERROR: (Conflict) a cluster named yj-aks already exists; delete it first (az aks delete -g yj-rg -n yj-aks)'},
			{stream: 'output' as const, text: long('middle')},
			{stream: 'output' as const, text: 'short one'},
			{stream: 'output' as const, text: long('second-last')},
			{stream: 'output' as const, text: 'To go on, delete it first (az aks delete --resource-group yj-rg --name yj-aks --yes) and run again'},
		];
		const instance = render(
			<Box width={44}>
				<OutputPane run={run} lines={lines} totalLines={lines.length} height={14} width={40} />
			</Box>,
		);
		const frame = await waitForText(instance, 'exit code 1');
		const text = frame.split('\n').map((line) => line.replace(/^│ ?| ?│$/g, '').trim()).join(' ').replace(/\s+/g, ' ');
		expect(text).toContain('delete it first (az aks delete --resource-group yj-rg --name yj-aks --yes) and run again');
		expect(text).toContain('end-of-second-last');
		expect(text).toContain('delete it first (az aks delete -g yj-rg -n yj-aks)');
		expect(text).not.toContain('end-of-middle');
		expect(frame).toMatch(/middle word.*…/);
		for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(44);
		// Bounded: with less room, the oldest lines go first and the newest stay whole.
		instance.rerender(
			<Box width={44}>
				<OutputPane run={run} lines={lines} totalLines={lines.length} height={4} width={40} />
			</Box>,
		);
		const small = await waitForText(instance, 'lines above');
		expect(small.split('\n').length).toBeLessThanOrEqual(4 + 4);
		expect(small.replace(/[│\s]+/g, ' ')).toContain('--yes) and run again');
	});
});

describe('CheckList', () => {
	it('describes a waiting check in the learner\'s words, its pattern readable, wrapped at word boundaries', async () => {
		const pending = (spec: Parameters<typeof CheckList>[0]['rows'][number]['spec']) => ({spec, state: 'pending' as const});
		const rows = [
			pending({kind: 'command', script: 'kubectl version --client', output: '^Client Version: v1\\.'}),
			pending({kind: 'egress', namespace: 'demo', selector: 'app=curl', url: 'https://api.github.com', expect: 'blocked'}),
			pending({kind: 'rollout', namespace: 'kube-system', resourceKind: 'DaemonSet', name: 'cilium'}),
		];
		const instance = render(
			<Box width={40}>
				<CheckList rows={rows} width={40} />
			</Box>,
		);
		const frame = await waitForText(instance, 'Checks');
		const flat = frame.replace(/\s+/g, ' ');
		expect(flat).toContain("command exits 0 and prints 'Client Version: v1.' (waiting)");
		expect(flat).toContain('demo/app=curl is blocked from https://api.github.com');
		expect(flat).toContain('DaemonSet kube-system/cilium fully rolled out');
		expect(frame).not.toContain('\\.');
		// Wrapped, never cut: every word of the description is whole on some line.
		for (const word of ['command', 'prints', "'Client", 'Version:', "v1.'"]) expect(frame.split(/\s+/)).toContain(word);
		const ko = render(
			<LangProvider lang="ko">
				<CheckList rows={rows.slice(0, 1)} />
			</LangProvider>,
		);
		expect(await waitForText(ko, '확인')).toContain("명령: 종료 코드 0, 출력에 'Client Version: v1.'");
	});

	it('shows a spinner while polling, then ✔ or ✘ with what was expected, what was seen and the hint', async () => {
		const instance = render(
			<Box width={90}>
				<CheckList
					rows={[
						{spec: {kind: 'rollout', namespace: 'kube-system', resourceKind: 'DaemonSet', name: 'cilium'}, state: 'passed', result: {ok: true, summary: 'cilium DaemonSet 3/3 ready'}},
						{
							spec: {kind: 'egress', namespace: 'demo', url: 'https://api.github.com', expect: 'allowed'},
							state: 'failed',
							result: {ok: false, summary: 'curl https://api.github.com: blocked (exit 28)', detail: 'expected: allowed\nseen: blocked', hint: 'apply the FQDN policy'},
						},
						{spec: {kind: 'podReady', namespace: 'demo', selector: 'app=client'}, state: 'running', result: {ok: false, summary: '0/1 pods ready'}},
						{spec: {kind: 'crds', names: ['ciliumnetworkpolicies.cilium.io']}, state: 'pending'},
					]}
				/>
			</Box>,
		);
		const frame = await waitForText(instance, 'apply the FQDN policy');
		expect(frame).toContain('✔ cilium DaemonSet 3/3 ready');
		expect(frame).toContain('✘ curl https://api.github.com: blocked (exit 28)');
		expect(frame).toContain('expected: allowed');
		expect(frame).toContain('seen: blocked');
		expect(frame).toContain('try: apply the FQDN policy');
		expect(frame).toContain('0/1 pods ready');
		expect(frame).toContain('CRDs installed: ciliumnetworkpolicies.cilium.io (waiting)');
	});

	it('wraps a failed check\'s long detail lines at 80 columns instead of cutting them, at most 4 rows a line', async () => {
		const pattern = '/^Client Version: v1\\.(2[7-9]|3[0-3])\\.[0-9]+ Kustomize Version: v5\\.[0-9]+\\.[0-9]+ Server Version: v1\\.3[0-3]\\.[0-9]+$/';
		const seen = 'seen: Client Version: v1.26.15 Kustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3 Server Version: v1.29.2';
		const flood = `seen: ${Array.from({length: 60}, (_, index) => `word${index}`).join(' ')}`;
		const failed = (detail: string) => ({
			spec: {kind: 'command' as const, script: 'kubectl version', output: '^Client'},
			state: 'failed' as const,
			result: {ok: false, summary: 'kubectl version exited 0: Client Version: v1.26.15', detail},
		});
		const instance = render(<CheckList rows={[failed(`expected: ${pattern}\n${seen}`), failed(`expected: ok\n${flood}`)]} width={80} />);
		const frame = await waitForText(instance, 'word');
		const rows = frame.split('\n');
		for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(80);
		// Every word of both lines is on the screen, whole, on rows indented under the check.
		const words = frame.split(/\s+/);
		for (const word of `expected: ${pattern} ${seen}`.split(' ')) expect(words).toContain(word);
		const start = rows.findIndex((row) => row.startsWith('  expected: /^Client'));
		expect(start).toBeGreaterThan(0);
		expect(rows.slice(start, start + 4).every((row) => row.startsWith('  '))).toBe(true);
		// A line longer than 4 rows ends its fourth row with an ellipsis; nothing of it is shown after that.
		const floodStart = rows.findIndex((row) => row.startsWith('  seen: word0 '));
		expect(rows[floodStart + 3]).toMatch(/…$/);
		expect(frame).not.toContain('word59');
		expect(rows.length - floodStart).toBe(4);
		expect(frame).not.toMatch(/\/\^Client[^\n]*…/);
	});

	it('a detail row budget: at most 8 rows for a failed check however many long lines it has', () => {
		const long = Array.from({length: 40}, (_, index) => `w${index}`).join(' ');
		const rows = detailRows([long, long, long, long].join('\n'), 30);
		expect(rows).toHaveLength(8);
		expect(rows[3]).toMatch(/…$/);
		expect(rows[7]).toMatch(/…$/);
		for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(30);
		expect(detailRows('expected: allowed\nseen: blocked', 78)).toEqual(['expected: allowed', 'seen: blocked']);
	});
});

describe('StatusBar', () => {
	it('shortens a long track title at a word boundary with an ellipsis at 80 columns, and falls back to the track id', async () => {
		const title = 'AKS + Bring your own CNI (you install Cilium)';
		const instance = render(
			<Box width={80}>
				<StatusBar target={{kind: 'practice'}} trackTitle={title} trackId="aks-byocni" lang="en" done={0} total={46} jobs={[]} width={80} />
			</Box>,
		);
		const frame = await waitForText(instance, '0/46 steps');
		expect(frame).toContain('practice cluster (simulated) │ AKS + Bring your own CNI… │ en │ 0/46 steps');
		instance.rerender(
			<Box width={60}>
				<StatusBar target={{kind: 'practice'}} trackTitle={title} trackId="aks-byocni" lang="en" done={0} total={46} jobs={[]} width={60} />
			</Box>,
		);
		expect(await waitForText(instance, 'aks-byocni')).toContain('│ aks-byocni │ en │');
	});

	it('names the target, track, language, progress and background jobs', async () => {
		const instance = render(
			<LangProvider lang="ko">
				<StatusBar target={{kind: 'practice'}} trackTitle="AKS BYOCNI" lang="ko" done={3} total={12} jobs={[{id: 1, name: 'port-forward', since: new Date(Date.now() - 75_000)}]} />
			</LangProvider>,
		);
		const frame = await waitForText(instance, '3/12');
		expect(frame).toContain('실습 클러스터 (시뮬레이션)');
		expect(frame).toContain('AKS BYOCNI');
		expect(frame).toMatch(/백그라운드: port-forward \(1m1\ds\)/);
		instance.rerender(<StatusBar target={{kind: 'real', context: 'yj-aks'}} trackTitle="k8s" lang="en" done={0} total={1} jobs={[]} />);
		await waitFor(instance, (text) => text.includes('kube context: yj-aks') && !text.includes('background'));
	});
});

describe('StatusBar: the Cilium version', () => {
	it("marks the guide's version as end of life, and the track title gives way to it at 80 columns (en and ko)", async () => {
		const title = 'AKS + Bring your own CNI (you install Cilium)';
		const instance = render(
			<Box width={80}>
				<StatusBar target={{kind: 'practice'}} trackTitle={title} trackId="aks-byocni" lang="en" done={0} total={46} jobs={[]} width={80} cilium={{version: '1.16.4', guide: true}} />
			</Box>,
		);
		const frame = await waitForText(instance, '0/46 steps');
		// 80 columns leave no room for the long form and the track id: the short form keeps the id.
		expect(frame).toContain('practice cluster (simulated) │ aks-byocni │ Cilium 1.16.4 EOL │ en │ 0/46 steps');
		instance.rerender(<StatusBar target={{kind: 'practice'}} trackTitle="k8s" lang="en" done={0} total={46} jobs={[]} cilium={{version: '1.16.4', guide: true}} />);
		expect(await waitForText(instance, 'end of life')).toContain("│ k8s │ Cilium 1.16.4 (the guide's, end of life) │ en │ 0/46 steps");
		instance.rerender(
			<Box width={80}>
				<StatusBar target={{kind: 'practice'}} trackTitle={title} trackId="aks-byocni" lang="en" done={0} total={46} jobs={[]} width={80} cilium={{version: '1.20.0', guide: false}} />
			</Box>,
		);
		const newer = await waitForText(instance, 'Cilium 1.20.0 (maintained) │');
		expect(newer).not.toContain('end of life');
		const ko = render(
			<LangProvider lang="ko">
				<StatusBar target={{kind: 'practice'}} trackTitle="AKS BYOCNI" lang="ko" done={3} total={12} jobs={[]} cilium={{version: '1.16.4', guide: true}} />
			</LangProvider>,
		);
		expect(await waitForText(ko, '3/12')).toContain('Cilium 1.16.4 (문서 버전, 지원 종료)');
	});
});

describe('StatusBar with a workshop facilitator', () => {
	it('takes short forms, one by one, until the row fits 80 columns (a real target, the guide version, --join)', async () => {
		const title = 'AKS + Bring your own CNI (Cilium installed by you)';
		const bar = (workshop: 'connected' | 'offline', context?: string) => (
			<Box width={80}>
				<StatusBar target={{kind: 'real', context}} trackTitle={title} trackId="aks-byocni" lang="en" done={3} total={52} jobs={[]} width={80} workshop={workshop} cilium={{version: '1.16.4', guide: true}} />
			</Box>
		);
		const instance = render(bar('connected'));
		let row = (await waitForText(instance, 'workshop')).split('\n')[0]!;
		expect(row).toMatch(/^kube: current │ AKS \+ Bring… │ Cilium 1\.16\.4 EOL │ en │ 3\/52 steps │ workshop ✔$/);
		expect(stringWidth(row)).toBeLessThanOrEqual(80);
		instance.rerender(bar('offline', 'aks-workshop-admin'));
		row = (await waitForText(instance, 'offline')).split('\n')[0]!;
		// A long context name and the longer offline form: every short form, the track cut to a few columns.
		expect(row).toBe('kube: aks-workshop-admin │ aks-b… │ Cilium 1.16.4 │ en │ 3/52 │ workshop offline');
		expect(stringWidth(row)).toBeLessThanOrEqual(80);
		instance.unmount();
	});

	it('without a workshop, a row that fitted keeps its words: Korean, the practice cluster, the guide version, 52/52', async () => {
		for (const done of [0, 12, 52]) {
			const instance = render(
				<LangProvider lang="ko">
					<Box width={80}>
						<StatusBar target={{kind: 'practice'}} trackTitle="AKS + Bring your own CNI (Cilium 직접 설치)" trackId="aks-byocni" lang="ko" done={done} total={52} jobs={[]} width={80} cilium={{version: '1.16.4', guide: true}} />
					</Box>
				</LangProvider>,
			);
			const row = (await waitForText(instance, '단계')).split('\n')[0]!;
			expect(row, row).toMatch(new RegExp(`^실습 클러스터 \\(시뮬레이션\\) │ .+ │ Cilium 1\\.16\\.4 지원 종료 │ ko │ ${done}/52 단계$`));
			expect(stringWidth(row)).toBeLessThanOrEqual(80);
			instance.unmount();
		}
	});

	it("shows the facilitator's last word on a line of its own, cut to the width, in Korean too", async () => {
		const instance = render(
			<Box width={60}>
				<StatusBar target={{kind: 'practice'}} trackTitle="k8s" lang="en" done={0} total={4} jobs={[]} width={60} workshop="connected" facilitator={{kind: 'message', text: 'Break until 11:00, then lesson 5 together. '.repeat(3)}} />
			</Box>,
		);
		const frame = await waitForText(instance, 'facilitator');
		const line = frame.split('\n').find((row) => row.includes('facilitator'))!;
		expect(line.startsWith('✉ facilitator: Break until 11:00')).toBe(true);
		expect(stringWidth(line)).toBeLessThanOrEqual(60);
		instance.rerender(
			<LangProvider lang="ko">
				<StatusBar target={{kind: 'practice'}} trackTitle="k8s" lang="ko" done={0} total={4} jobs={[]} workshop="connected" facilitator={{kind: 'held', text: '진행자가 2번 레슨에서 기다리게 했습니다'}} />
			</LangProvider>,
		);
		expect(await waitForText(instance, '기다리게')).toContain('■ 워크숍: 진행자가 2번 레슨에서 기다리게 했습니다');
	});
});

describe('KeyHints', () => {
	it('lists the keys given', async () => {
		const instance = render(<KeyHints hints={[{keys: 'r', label: 'run'}, {keys: 'q', label: 'quit'}]} />);
		expect(await waitForText(instance, 'q quit')).toContain('r run');
	});
});

describe('renderMarkdown', () => {
	it('renders headings, emphasis, lists with inline code, and fenced YAML and shell', () => {
		const markdown = '# Install\n\nSome *emphasis* and `kubectl get pods`.\n\n- run `cilium status`\n- then **wait**\n\n```yaml\nkind: Pod\n```\n\n```bash\necho "$CLUSTER_NAME"\n```\n';
		const plain = renderMarkdown(markdown, 60, false);
		expect(plain).toContain('# Install');
		expect(plain).toContain('run `cilium status`');
		expect(plain).not.toContain('**wait**');
		expect(plain).toContain('kind: Pod');
		expect(plain).toContain('echo "$CLUSTER_NAME"');
		const colored = renderMarkdown(markdown, 60, true);
		// With colours the heading loses its '#', and inline code inside a list item is rendered as code, not left
		// as Markdown (marked-terminal#371, worked around in markdown.ts).
		expect(colored).not.toContain('# Install');
		expect(colored).not.toContain('`cilium status`');
		expect(colored).toContain('cilium status');
	});

	it('wraps list items under their text and code lines indented, at word boundaries, in both colour modes', () => {
		const markdown = [
			'- Bring your own CNI',
			'  - the administrator fully controls the installation, which gives more flexibility and more to handle',
			'',
			'```bash',
			'curl -L --fail --remote-name-all https://github.com/cilium/cilium-cli/releases/download/${CILIUM_CLI_VERSION}/cilium.tar.gz',
			'echo "version ${CILIUM_CLI_VERSION} installed into the bin directory of the user"',
			'```',
		].join('\n');
		for (const colors of [false, true]) {
			const lines = stripVTControlCharacters(renderMarkdown(markdown, 50, colors)).split('\n');
			for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(50);
			const item = lines.findIndex((line) => line.includes('the administrator fully'));
			const itemColumn = lines[item]!.indexOf('the administrator');
			expect(lines[item + 1]!.search(/\S/), 'a nested item continues under its text').toBe(itemColumn);
			const code = lines.findIndex((line) => line.includes('curl -L'));
			const codeColumn = lines[code]!.indexOf('curl');
			expect(lines[code + 1]!.search(/\S/), 'a code line continues indented').toBeGreaterThan(codeColumn);
			// Words that fit are never split: ${CILIUM_CLI_VERSION} stays whole in the echo line.
			const echo = lines.slice(lines.findIndex((line) => line.includes('echo "version'))).join(' ').replace(/\s+/g, ' ');
			expect(echo).toMatch(/\$\{CILIUM_CLI_VERSION\} installed/);
			for (const word of ['administrator', 'installation,', 'flexibility', 'directory']) expect(lines.some((line) => line.includes(word)), word).toBe(true);
		}
	});
});

describe('VariablesForm', () => {
	it('shows the selected variable\'s description whole at 80 columns (the others keep one row), in both languages, within its height', async () => {
		const {VariablesForm} = await import('../../src/ui/components/VariablesForm.js');
		const {loadLab} = await import('../../src/lab/loader.js');
		const lab = await loadLab(new URL('../../lessons', import.meta.url).pathname);
		const variables = lab.variables.filter((variable) => !variable.tracks || variable.tracks.includes('aks-byocni'));
		const selected = variables.findIndex((variable) => variable.name === 'CILIUM_VERSION');
		for (const lang of ['en', 'ko'] as const) {
			const instance = render(
				<LangProvider lang={lang}>
					<Box width={80}>
						<VariablesForm variables={variables} values={{}} lang={lang} selected={selected} width={80} height={20} />
					</Box>
				</LangProvider>,
			);
			const frame = stripVTControlCharacters(await waitForText(instance, 'CILIUM_VERSION'));
			const rows = frame.split('\n');
			expect(rows.length).toBeLessThanOrEqual(20);
			for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(80);
			const shown = rows.map((row) => row.trim()).join(' ');
			// The last words of the description are on screen, not cut at the first row.
			const lastWords = lang === 'en' ? 'Enter picks the next version.' : 'Enter 로 다음 버전.';
			expect(shown.replace(/\s+/g, ' ')).toContain(lastWords);
			expect(frame).toMatch(/› CILIUM_VERSION/);
			cleanup();
		}
	});
});
