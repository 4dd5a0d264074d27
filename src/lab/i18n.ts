// The app's own words, in Korean and English: the headless commands' and the TUI's (one catalogue, so a word
// exists once and a test checks both languages of every entry), and the choice of language: --lang, else LC_ALL / LC_MESSAGES / LANG (ko_* → ko, anything else → en).
import type {Lang, Localized} from './types.js';
import {LANGS} from './types.js';

export function parseLang(value: string | undefined): Lang | undefined {
	return value !== undefined && (LANGS as readonly string[]).includes(value) ? (value as Lang) : undefined;
}

/** The language the locale asks for: the first of LC_ALL, LC_MESSAGES, LANG that is set decides. */
export function langFromEnv(env: Record<string, string | undefined> = process.env): Lang {
	const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
	return /^ko(_|$|\.)/i.test(locale) ? 'ko' : 'en';
}

/** A lesson's text in the learner's language. */
export function t(lang: Lang, text: Localized): string {
	return text[lang];
}

export const messages = {
	'lint.clean': {ko: '{dir}: 레슨 {lessons}개, 단계 {steps}개, 문제 없음', en: '{dir}: {lessons} lessons, {steps} steps, no problems'},
	'lint.problems': {ko: '문제 {count}개', en: '{count} problem(s)'},
	'list.header': {ko: '{title} · 트랙 {track} · {target}', en: '{title} · track {track} · {target}'},
	'list.done': {ko: '완료', en: 'done'},
	'list.inProgress': {ko: '진행 중', en: 'in progress'},
	'list.ready': {ko: '시작 가능', en: 'ready'},
	'list.stale': {ko: '다시 확인 필요', en: 'needs a re-check'},
	'list.locked': {ko: '잠김: "{lesson}" 레슨을 먼저 마치세요', en: 'locked: finish "{lesson}" first'},
	'list.steps': {ko: '{done}/{total} 단계', en: '{done}/{total} steps'},
	'target.practice': {ko: '실습 클러스터', en: 'practice cluster'},
	'target.real': {ko: 'kube 컨텍스트 {context}', en: 'kube context {context}'},
	'target.currentContext': {ko: '(현재)', en: '(current)'},
	'check.none': {ko: '{step}: 확인할 항목이 없습니다', en: '{step}: nothing to check'},
	'check.allPassed': {ko: '모든 확인 통과', en: 'all checks passed'},
	'check.failed': {ko: '확인 실패 {count}개', en: '{count} check(s) failed'},
	'check.hint': {ko: '시도해 보기: {hint}', en: 'try: {hint}'},
	'run.confirm': {
		ko: '{target}에서 {count}개 레슨의 명령을 실행합니다. 계속할까요? [y/N] ',
		en: 'This runs the commands of {count} lesson(s) against {target}. Continue? [y/N] ',
	},
	'run.confirmNeedsYes': {
		ko: '실제 클러스터에서 명령을 실행하려면 터미널에서 확인하거나 --yes를 주세요',
		en: 'running commands against a real cluster needs a confirmation: run it in a terminal or pass --yes',
	},
	'run.declined': {ko: '실행하지 않았습니다', en: 'nothing was run'},
	'run.step': {ko: '▸ {lesson}/{step}: {title}', en: '▸ {lesson}/{step}: {title}'},
	'run.solving': {ko: '  풀이 스크립트 실행', en: '  running the solve script'},
	'run.exited': {ko: '  종료 코드 {code} ({seconds}초)', en: '  exit code {code} ({seconds}s)'},
	'run.timedOut': {ko: '  {seconds}초 제한 시간이 지나 명령을 멈췄습니다', en: '  stopped after the {seconds}s timeout'},
	'run.cancelled': {ko: '  취소했습니다', en: '  cancelled'},
	'run.failedToStart': {ko: '  시작하지 못했습니다: {message}', en: '  could not start: {message}'},
	'run.log': {ko: '  전체 출력: {file}', en: '  full output: {file}'},
	'run.background': {ko: '  백그라운드에서 계속 실행 중', en: '  keeps running in the background'},
	'run.read': {ko: '  읽기 단계', en: '  a reading step'},
	'run.alreadyDone': {ko: '  이미 완료 ({at}), 건너뜀 (다시 하려면 --redo)', en: '  already complete ({at}), skipped (--redo runs it again)'},
	'run.stale': {ko: '  완료했던 상태가 사라져 다시 실행합니다: {reason}', en: '  its state has gone, running it again: {reason}'},
	'run.interactiveSkipped': {
		ko: '  대화형 단계이고 풀이 스크립트가 없어 건너뜁니다 (TUI에서 직접 해 보세요)',
		en: '  an interactive step without a solve script: skipped (try it in the TUI)',
	},
	'run.interactiveSolve': {ko: '  대화형 단계: 풀이 스크립트로 대신합니다', en: '  an interactive step: its solve script stands in for it'},
	'run.noSolve': {ko: '  풀이 스크립트가 없어 명령을 실행합니다', en: '  no solve script: running its command'},
	'run.optionalFailed': {ko: '  선택 단계가 실패했지만 계속합니다', en: '  an optional step failed; going on'},
	'run.passed': {ko: '  ✔ {status}', en: '  ✔ {status}'},
	'run.stepFailed': {ko: '"{lesson}/{step}" 단계 실패: {reason}', en: 'step "{lesson}/{step}" failed: {reason}'},
	'run.exitReason': {ko: '명령이 종료 코드 {code}로 끝났습니다', en: 'its command exited with code {code}'},
	'run.timeoutReason': {ko: '명령이 {seconds}초 안에 끝나지 않았습니다', en: 'its command did not finish within {seconds}s'},
	'run.lessonLocked': {ko: '"{lesson}" 레슨은 "{required}" 레슨이 끝나야 열립니다', en: 'lesson "{lesson}" opens once "{required}" is done'},
	'run.stepLocked': {ko: '"{step}" 단계는 "{required}" 단계가 끝나야 열립니다', en: 'step "{step}" opens once "{required}" is done'},
	'run.allDone': {ko: '완료: {count}개 단계', en: 'finished: {count} step(s)'},
	'status.done': {ko: '완료', en: 'done'},
	'status.solved': {ko: '풀이로 완료', en: 'solved'},
	'error.unknownLesson': {ko: '"{lesson}" 레슨이 없습니다{suggestion}', en: 'no lesson "{lesson}"{suggestion}'},
	'error.unknownStep': {ko: '"{lesson}" 레슨에 "{step}" 단계가 없습니다{suggestion}', en: 'lesson "{lesson}" has no step "{step}"{suggestion}'},
	'error.notOnTrack': {ko: '"{lesson}"은(는) {track} 트랙에 없습니다', en: '"{lesson}" is not on the {track} track'},
	'progress.movedAside': {ko: '진행 기록을 읽지 못해 옮겨 두었습니다: {notice}', en: 'progress could not be read: {notice}'},

	// ── the TUI ──
	// keys in the footer and help
	'key.up-down': {ko: '이동', en: 'move'},
	'key.scroll': {ko: '스크롤', en: 'scroll'},
	'key.enter-open': {ko: '열기', en: 'open'},
	'key.enter-choose': {ko: '선택', en: 'choose'},
	'key.enter-edit': {ko: '편집', en: 'edit'},
	'key.enter-save': {ko: '저장', en: 'save'},
	'key.esc-cancel': {ko: '취소', en: 'cancel'},
	'key.esc-back': {ko: '돌아가기', en: 'back'},
	'key.run': {ko: '실행', en: 'run'},
	'key.check': {ko: '확인', en: 'check'},
	'key.solve': {ko: '풀이', en: 'solve'},
	'key.hint': {ko: '힌트', en: 'hint'},
	'key.shell': {ko: '셸', en: 'shell'},
	'key.next': {ko: '다음', en: 'next'},
	'key.back': {ko: '이전', en: 'back'},
	'key.lessons': {ko: '레슨 목록', en: 'lessons'},
	'key.variables': {ko: '변수', en: 'variables'},
	'key.track': {ko: '트랙', en: 'track'},
	'key.help': {ko: '도움말', en: 'help'},
	'key.quit': {ko: '종료', en: 'quit'},
	'key.cancel-run': {ko: '명령 취소', en: 'cancel command'},
	'key.cancel-or-stop': {ko: '명령 취소, 없으면 백그라운드 작업 중지', en: 'cancel the command, else stop a background job'},
	'key.done-reading': {ko: '읽음', en: 'mark read'},
	'key.yes': {ko: '예', en: 'yes'},
	'key.stop-job': {ko: '백그라운드 작업 중지', en: 'stop background job'},
	'key.explain': {ko: '이유 설명', en: 'explain'},
	'key.no': {ko: '아니요', en: 'no'},

	// status bar
	'status.target-practice': {ko: '실습 클러스터 (시뮬레이션)', en: 'practice cluster (simulated)'},
	'status.target-real': {ko: 'kube 컨텍스트: {context}', en: 'kube context: {context}'},
	'status.current-context': {ko: '현재 컨텍스트', en: 'current context'},
	'status.progress': {ko: '{done}/{total} 단계', en: '{done}/{total} steps'},
	'status.jobs': {ko: '백그라운드:', en: 'background:'},
	'status.job': {ko: '{name} ({since})', en: '{name} ({since})'},
	'status.target-starting': {ko: '실습 클러스터 시작 중…', en: 'starting the practice cluster…'},
	'status.target-failed': {ko: '대상을 준비하지 못했습니다: {error}', en: 'the target is not ready: {error}'},
	'jobs.stopping': {ko: '백그라운드 작업 {name}을(를) 멈춥니다', en: 'stopping the background job {name}'},
	'jobs.reaped': {ko: '지난번에 남은 백그라운드 작업을 멈췄습니다: {names}', en: 'stopped background jobs left from last time: {names}'},
	'explain.title': {ko: '왜 이렇게 되었나 (cilium-lab policy explain)', en: 'Why (cilium-lab policy explain)'},
	'explain.loading': {ko: '정책을 살펴보는 중…', en: 'looking at the policies…'},
	'tracks.practice-note': {
		ko: '실습 클러스터는 이 컴퓨터 안의 시뮬레이션입니다: Azure에 아무것도 만들지 않고 비용도 들지 않습니다. 비용은 실제 AKS 클러스터에서만 듭니다.',
		en: 'The practice cluster is simulated on this computer: nothing is created in Azure and nothing is billed. Costs apply only on a real AKS cluster.',
	},
	'lessons.stale': {ko: '상태 사라짐 {count}', en: '{count} state gone'},

	// lesson list
	'lessons.title': {ko: '레슨', en: 'Lessons'},
	'lessons.track': {ko: '트랙: {track}', en: 'track: {track}'},
	'lessons.steps': {ko: '{done}/{total}', en: '{done}/{total}'},
	'lessons.requires': {ko: '필요: {lesson}', en: 'requires: {lesson}'},
	'lessons.previous-step': {ko: '이전 단계 필요: {step}', en: 'requires step: {step}'},
	'lessons.not-on-track': {ko: '{track} 트랙에 없음', en: 'not on the {track} track'},
	'lessons.locked': {ko: '잠김: {reason}', en: 'locked: {reason}'},

	// step view
	'step.counter': {ko: '단계 {index}/{total}', en: 'step {index}/{total}'},
	'step.command': {ko: '실행할 명령', en: 'Command'},
	'step.command-more': {ko: '… ({count}줄 더)', en: '… ({count} more lines)'},
	'step.no-command': {ko: '실행할 명령 없음: 읽고 Enter', en: 'nothing to run: read, then Enter'},
	'step.mode-background': {ko: '백그라운드로 실행됨', en: 'runs in the background'},
	'step.mode-interactive': {ko: '터미널을 넘겨줌: 명령이 끝나면 여기로 돌아옴', en: 'takes over the terminal; back here when it exits'},
	'handover.shell': {
		ko: 'cilium-lab 셸: 실습 변수와 도구(kubectl, az, helm, cilium, hubble)가 준비되어 있습니다.\nexit 를 입력하면 실습으로 돌아갑니다.',
		en: "cilium-lab shell: the lab's variables and tools (kubectl, az, helm, cilium, hubble) are set.\nType exit to go back to the lab.",
	},
	'handover.shell-target': {ko: '이 셸의 대상: {target}', en: 'This shell points at: {target}'},
	'handover.step': {ko: 'cilium-lab: 이 명령이 끝나면 실습으로 돌아갑니다.', en: 'cilium-lab: back to the lab when this command exits.'},
	'step.more-below': {ko: '↓ 더 있음 ({percent}%)', en: '↓ more ({percent}%)'},
	'step.status.locked': {ko: '잠김', en: 'locked'},
	'step.status.ready': {ko: '준비', en: 'ready'},
	'step.status.running': {ko: '실행 중', en: 'running'},
	'step.status.checking': {ko: '확인 중', en: 'checking'},
	'step.status.done': {ko: '완료', en: 'done'},
	'step.status.solved': {ko: '풀이로 완료', en: 'solved'},
	'step.status.failed': {ko: '실패', en: 'failed'},
	'step.status.stale': {ko: '상태 사라짐', en: 'state gone'},
	'step.stale': {ko: '완료했던 상태가 사라졌습니다: {reason}', en: 'This step was complete, but its state is gone: {reason}'},

	// output pane
	'output.title': {ko: '출력', en: 'Output'},
	'output.running': {ko: '실행 중 {elapsed}', en: 'running {elapsed}'},
	'output.solving': {ko: '풀이 스크립트 실행 중 {elapsed}', en: 'running the solve script {elapsed}'},
	'output.exited': {ko: '종료 코드 {code} · {duration}', en: 'exit code {code} · {duration}'},
	'output.cancelled': {ko: '취소됨 · {duration}', en: 'cancelled · {duration}'},
	'output.timed-out': {ko: '시간 초과 ({timeout}) · 명령을 종료함', en: 'timed out after {timeout} · the command was stopped'},
	'output.failed-to-start': {ko: '시작 실패: {message}', en: 'could not start: {message}'},
	'output.background': {ko: '백그라운드에서 실행 중 {elapsed}', en: 'running in the background {elapsed}'},
	'output.log': {ko: '전체 로그: {path}', en: 'full log: {path}'},
	'output.hidden-lines': {ko: '… {count}줄 생략 (전체는 로그에)', en: '… {count} lines above (all in the log)'},
	'output.empty': {ko: '(출력 없음)', en: '(no output)'},

	// checks
	'checks.title': {ko: '확인', en: 'Checks'},
	'checks.pending': {ko: '대기 중', en: 'waiting'},
	// what a check looks for, before it has reported
	'check.describe.clusterReachable': {ko: '클러스터가 응답함', en: 'the cluster answers'},
	'check.describe.nodes': {ko: '노드 {count}개{ready}', en: '{count} node(s){ready}'},
	'check.describe.nodes-all': {ko: '모든', en: 'all'},
	'check.describe.rollout': {ko: '{kind} {namespace}/{name} 롤아웃 완료', en: '{kind} {namespace}/{name} fully rolled out'},
	'check.describe.crds': {ko: 'CRD 설치됨: {names}', en: 'CRDs installed: {names}'},
	'check.describe.resource-present': {ko: '{kind} {name} 있음', en: '{kind} {name} exists'},
	'check.describe.resource-absent': {ko: '{kind} {name} 없음', en: '{kind} {name} is gone'},
	'check.describe.podReady': {ko: '{namespace}의 {selector} 파드가 Ready', en: 'pods {selector} in {namespace} are Ready'},
	'check.describe.podExec': {ko: '{pod} 안에서 {command} 실행: {expect}', en: 'in {pod}, {command} {expect}'},
	'check.describe.egress-allowed': {ko: '{pod}에서 {url} 접속 허용', en: '{pod} can reach {url}'},
	'check.describe.egress-blocked': {ko: '{pod}에서 {url} 접속 차단', en: '{pod} is blocked from {url}'},
	'check.describe.egress-dnsRefused': {ko: '{pod}에서 {url} DNS 조회 거부', en: "{pod} gets {url}'s DNS lookup refused"},
	'check.describe.hubbleFlows': {ko: 'Hubble에 {verdict} 흐름{to}', en: 'Hubble shows a {verdict} flow{to}'},
	'check.describe.to': {ko: ' ({to} 방향)', en: ' to {to}'},
	'check.describe.httpGet': {ko: '{url} 응답 {status}', en: '{url} answers {status}'},
	'check.describe.command': {ko: '명령: {expect}', en: 'command {expect}'},
	'check.describe.exits': {ko: '종료 코드 {code}', en: 'exits {code}'},
	'check.describe.prints': {ko: "종료 코드 {code}, 출력에 '{pattern}'", en: "exits {code} and prints '{pattern}'"},
	'checks.polling': {ko: '확인 중… {elapsed} / 제한 {deadline}', en: 'checking… {elapsed} of {deadline}'},
	'checks.after-exit': {
		ko: '명령은 종료 코드 {code}로 끝났지만, 확인은 제한 시간까지 계속 기다립니다 (x로 멈춤)',
		en: 'The command exited with code {code}; the checks still get until the deadline to pass (x stops them)',
	},
	'checks.after-timeout': {
		ko: '명령이 제한 시간 안에 끝나지 않았지만, 확인은 제한 시간까지 계속 기다립니다 (x로 멈춤)',
		en: 'The command timed out; the checks still get until the deadline to pass (x stops them)',
	},
	'checks.expected': {ko: '기대: {text}', en: 'expected: {text}'},
	'checks.hint': {ko: '힌트: {text}', en: 'try: {text}'},

	// hints
	'hints.title': {ko: '힌트 {index}/{total}', en: 'hint {index}/{total}'},
	'hints.none-left': {ko: '더 이상 힌트가 없습니다', en: 'no more hints'},

	// variables
	'variables.title': {ko: '변수', en: 'Variables'},
	'variables.intro': {
		ko: '명령은 이 값을 환경 변수로 받습니다. Enter로 편집, 저장하면 진행 상황과 함께 보관됩니다.',
		en: 'Commands receive these as environment variables. Enter edits; values are saved with your progress.',
	},
	'variables.invalid': {ko: '{name}={value} 거부됨: 값은 패턴 {pattern} 과 맞아야 합니다', en: '{name}={value} is refused: it must match the pattern {pattern}'},
	'variables.saved': {ko: '저장됨', en: 'saved'},
	'variables.continue': {ko: '계속', en: 'continue'},

	// track chooser
	'tracks.title': {ko: '트랙을 고르세요', en: 'Choose a track'},
	'tracks.changeable': {ko: '나중에 레슨 목록에서 t로 바꿀 수 있습니다', en: 'You can change it later with t in the lesson list'},

	// help, quit, notices
	'help.title': {ko: '키', en: 'Keys'},
	'help.close': {ko: '아무 키나 누르면 닫힘', en: 'press any key to close'},
	'quit.confirm': {ko: '명령이 실행 중입니다. 종료하면 멈춥니다. 종료할까요? (y/n)', en: 'A command is running; quitting stops it. Quit? (y/n)'},
	'quit.confirm-jobs': {ko: '백그라운드 작업 {count}개를 멈추고 종료할까요? (y/n)', en: 'Stop {count} background job(s) and quit? (y/n)'},
	'notice.lesson-locked': {ko: '이 레슨은 잠겨 있습니다: {reason}', en: 'This lesson is locked: {reason}'},
	'notice.step-locked': {ko: '이 단계는 잠겨 있습니다: {reason}', en: 'This step is locked: {reason}'},
	'notice.finish-this-step': {
		ko: '이 단계를 먼저 마치세요: r 실행, c 확인{solve}. 확인을 통과하면 다음으로 넘어갑니다',
		en: 'Finish this step first: r runs it, c checks it{solve}; the next step opens once its checks pass',
	},
	'notice.finish-this-step-solve': {ko: ', s 풀이', en: ', s solves it'},
	'notice.finish-this-step-read': {ko: '이 단계를 먼저 마치세요: 읽고 Enter', en: 'Finish this step first: read it, then press Enter'},
	'notice.finish-step': {ko: '이 레슨의 "{step}" 단계를 먼저 마치세요 (b로 돌아가기)', en: 'Finish the step "{step}" of this lesson first (b goes back)'},
	'notice.busy': {ko: '명령이 실행 중입니다 (x로 취소)', en: 'A command is running (x cancels it)'},
	'notice.end-of-lab': {ko: '마지막 단계입니다', en: 'This is the last step'},
	'notice.start-of-lab': {ko: '첫 단계입니다', en: 'This is the first step'},
	'notice.shell': {ko: '셸을 엽니다. exit 하면 돌아옵니다.', en: 'Opening a shell with the lab environment. Type exit to come back.'},

	// screens that fit: the step view's budgets, the full view, the too-small screen, lesson and course summaries
	'layout.too-small-title': {ko: '터미널을 키워 주세요', en: 'Make the terminal larger'},
	'layout.too-small': {
		ko: '지금 터미널은 {columns}×{rows} 입니다. 이 실습은 {minColumns}×{minRows} 이상에서 그려집니다. 창을 키우면 바로 다시 그립니다. q 는 종료.',
		en: 'This terminal is {columns}×{rows}; the lab needs at least {minColumns}×{minRows}. Make the window larger and it redraws at once. q quits.',
	},
	'layout.more-rows': {ko: '… {count}줄 더 있음 (f 전체 보기)', en: '… {count} more rows (f shows all)'},
	'key.full-view': {ko: '전체 보기', en: 'full view'},
	'key.full-close': {ko: '닫기', en: 'close'},
	'key.full-scroll': {ko: '스크롤 (PgUp/PgDn 한 쪽)', en: 'scroll (PgUp/PgDn a page)'},
	'full.title': {ko: '전체 보기: {step}', en: 'Full view: {step}'},
	'full.position': {ko: '{total}줄 중 {first}–{last}', en: 'rows {first}–{last} of {total}'},
	'full.output': {ko: '출력 ({path})', en: 'Output ({path})'},
	'full.output-tail': {ko: '출력 (화면에 남은 마지막 줄)', en: 'Output (the last lines kept on screen)'},
	'full.no-output': {ko: '(아직 실행하지 않음)', en: '(not run yet)'},
	'full.log-unreadable': {ko: '로그 파일을 읽을 수 없습니다: {error}', en: 'the log file could not be read: {error}'},
	'full.log-cut': {ko: '… 앞부분 {size} 생략 (전체는 로그 파일에)', en: '… the first {size} left out (all in the log file)'},
	'full.hints': {ko: '힌트', en: 'Hints'},
	'summary.lesson': {ko: '✔ 레슨 완료: {title}', en: '✔ Lesson complete: {title}'},
	'summary.course': {ko: '✔ 코스 완료: {track} 트랙의 레슨 {lessons}개를 모두 마쳤습니다', en: '✔ Course complete: all {lessons} lessons of {track}'},
	'summary.stats': {
		ko: '{steps}단계: 직접 완료 {done}, s 로 풀이 {solved} · 사용한 힌트 {hints}개 · 걸린 시간 {time}',
		en: '{steps} steps: {done} done by you, {solved} solved with s · hints used: {hints} · time: {time}',
	},
	'summary.next-lesson': {ko: 'n 으로 다음 레슨을 엽니다', en: 'n opens the next lesson'},
} as const satisfies Record<string, Localized>;

export type MessageKey = keyof typeof messages;

/** One of the app's messages in `lang`, with {name} placeholders filled in. */
export function msg(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
	let text: string = messages[key][lang];
	for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, String(value));
	return text;
}
