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
	'effect.costly': {ko: '비용 발생', en: 'costs money'},
	'effect.irreversible': {ko: '되돌릴 수 없음', en: 'irreversible'},
	'effect.destructive': {ko: '삭제함', en: 'deletes'},
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
	'checks.seen': {ko: '실제: {text}', en: 'seen: {text}'},
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

	// the step driver: going back, reset, track switch
	'driver.needsTerminal': {ko: '대화형 단계는 터미널이 필요합니다 (TUI에서 실행하세요)', en: 'an interactive step needs a terminal (run it in the TUI)'},
	'driver.targetNotReady': {ko: '대상이 준비되지 않았습니다', en: 'the target is not ready'},
	'driver.cancelled': {ko: '취소했습니다', en: 'cancelled'},
	'driver.busy': {ko: '이 단계의 명령이 이미 실행 중입니다', en: "this step's command is already running"},
	'driver.cannotPass': {ko: '명령이 기다려도 바뀌지 않는 오류로 끝나 한 번만 확인했습니다: {line}', en: 'its command failed with an error waiting does not fix, so the checks ran once: {line}'},
	'goback.confirm': {
		ko: '이후 단계 {count}개({steps})가 클러스터를 바꿨습니다. 이 단계 시점으로 되돌릴까요 (정리 스크립트를 역순으로 실행하고 그 단계들의 진행을 지웁니다)? y 되돌리고 실행 · n 그대로 실행 · Esc 취소',
		en: 'Later steps ({count}: {steps}) changed the cluster. Put it back to this step (their cleanups in reverse, their progress cleared)? y put back and run · n run as it is · Esc cancel',
	},
	'handover.failed': {ko: '터미널을 명령에 넘기지 못했습니다', en: 'the terminal could not be handed over'},
	'progress.notSaved': {ko: '진행을 저장하지 못했습니다: {error}', en: 'progress not saved: {error}'},
	'outcome.exit': {ko: '종료 코드 {code}', en: 'exit {code}'},
	'outcome.timedOut': {ko: '{seconds}초 제한 시간 초과', en: 'timed out after {seconds}s'},
	'outcome.cancelled': {ko: '취소됨', en: 'cancelled'},
	'goback.running': {ko: '되돌리는 중: {step} 의 {what} 실행…', en: 'Putting the cluster back: {what} of {step}…'},
	'goback.done': {ko: '클러스터를 이 단계 시점으로 되돌렸습니다 (정리 {count}개). 이제 실행합니다.', en: 'The cluster is back where this step stood ({count} cleanup(s)); running it now.'},
	'goback.failed': {ko: '되돌리지 못했습니다: {step} 실패 ({outcome}). 출력을 확인하세요.', en: 'Could not put the cluster back: {step} failed ({outcome}); see the output.'},
	'reset.confirm': {
		ko: '{from}부터 진행을 지우고 해당 단계들의 정리 스크립트를 역순으로 실행할까요? (y/n)',
		en: 'Clear progress from {from} on, running those steps\' cleanups in reverse? (y/n)',
	},
	'reset.confirmReal': {
		ko: '{target}에서 진행을 지우고 단계들의 정리 스크립트(삭제 명령)를 실행합니다. 계속할까요? [y/N] ',
		en: "This clears progress and runs the steps' cleanup scripts (deletions) against {target}. Continue? [y/N] ",
	},
	'reset.everything': {ko: '처음', en: 'the beginning'},
	'reset.done': {ko: '진행을 지웠습니다: 단계 {count}개, 정리 {cleanups}개', en: 'Progress cleared: {count} step(s), {cleanups} cleanup(s) run'},
	'reset.cleanupFailed': {ko: '정리 실패: {step} ({outcome}); 나머지는 계속했습니다', en: 'a cleanup failed: {step} ({outcome}); the rest went on'},
	'reset.nothing': {ko: '지울 진행이 없습니다', en: 'no progress to clear'},
	'key.reset': {ko: '여기부터 진행 초기화', en: 'reset progress from here'},
	'key.any-close': {ko: '닫기', en: 'close'},
	'track.switchConfirm': {
		ko: '{track} 트랙에서 완료한 단계 {count}개가 클러스터에 남아 있습니다. 트랙을 바꾸기 전에 진행을 지우고 정리할까요? y 정리 후 전환 · n 그대로 전환 · Esc 취소',
		en: 'You completed {count} step(s) on the {track} track and the cluster they made is still there. Reset (cleanups in reverse) before switching? y reset and switch · n switch as it is · Esc cancel',
	},
	// ── check results (src/checks): summaries, details and hints ──
	'check.cancelled': {ko: '확인이 취소되었습니다', en: 'check cancelled'},
	'check.exited': {ko: '{command} 종료 코드 {code}', en: '{command} exited {code}'},
	'check.expect.exit': {ko: '종료 코드 {code}', en: 'exit {code}'},
	'check.expect.output': {ko: '출력 /{pattern}/', en: 'output /{pattern}/'},
	'check.output-more': {ko: '… ({count}줄 더)', en: '… ({count} more lines)'},
	// clusterReachable
	'check.clusterReachable.summary': {ko: '클러스터에 연결됨 (Kubernetes {version})', en: 'cluster reachable (Kubernetes {version})'},
	'check.clusterReachable.detail': {ko: '{server} · 컨텍스트 {context}', en: '{server} · context {context}'},
	// command
	'check.command.cancelled': {ko: '{command}: 취소됨', en: '{command}: cancelled'},
	'check.command.timed-out': {ko: '{command}: {seconds}초 안에 끝나지 않음', en: '{command}: no result within {seconds} s'},
	'check.command.hint': {ko: '셸(`o`)에서 직접 실행해 비교해 보세요', en: 'run it yourself in a shell (`o`) and compare'},
	// crds
	'check.crds.summary': {ko: 'CRD {found}/{total}개 있음', en: '{found}/{total} CRDs present'},
	'check.crds.missing': {ko: '없음: {names}', en: 'missing: {names}'},
	'check.crds.hint': {
		ko: 'Cilium은 operator가 시작할 때 CRD를 등록합니다: cilium-operator가 실행 중인가요? (`kubectl -n kube-system get deploy cilium-operator`)',
		en: 'Cilium registers its CRDs when the operator starts: is cilium-operator running? (`kubectl -n kube-system get deploy cilium-operator`)',
	},
	// egress
	'check.egress.allowed': {ko: '허용됨', en: 'allowed'},
	'check.egress.blocked': {ko: '차단됨', en: 'blocked'},
	'check.egress.dnsRefused': {ko: 'DNS 거부됨', en: 'DNS refused'},
	'check.egress.other': {ko: '다른 이유로 실패', en: 'failed otherwise'},
	'check.egress.exec-failed': {ko: '{pod}에서 curl을 실행하지 못했습니다: {error}', en: 'could not run curl in {pod}: {error}'},
	'check.egress.hint-needs-curl': {ko: 'Pod에 curl이 있어야 합니다 (예: alpine/curl 이미지)', en: 'the pod needs curl (for example the image alpine/curl)'},
	'check.egress.hint-still-allowed': {
		ko: '트래픽이 아직 통과합니다: 정책이 이 Pod의 라벨에 적용되었나요? (`kubectl get cnp -A`, `hubble observe --verdict FORWARDED`)',
		en: "traffic still goes through: is the policy applied to this pod's labels? (`kubectl get cnp -A`, `hubble observe --verdict FORWARDED`)",
	},
	'check.egress.hint-dropped': {ko: '정책이 트래픽을 버립니다: 어느 정책인지 `hubble observe --verdict DROPPED`로 확인하세요', en: 'a policy drops it: `hubble observe --verdict DROPPED` shows which'},
	'check.egress.hint-dns-refused': {
		ko: '이름을 조회하지 못합니다: FQDN 정책에는 DNS 조회를 허용하는 규칙(53번 포트의 rules.dns)이 필요합니다',
		en: 'the name does not resolve: an FQDN policy needs a DNS rule that lets the lookup through (toPorts 53 with rules.dns)',
	},
	'check.egress.hint-expect-dns-refused': {
		ko: 'DNS 거부가 되려면 dns 규칙의 matchPattern에 이 이름이 들어가지 않아야 합니다',
		en: 'a DNS-refused name needs a dns rule whose matchPattern leaves this name out',
	},
	'check.egress.hint-compare': {ko: '이 Pod의 `hubble observe` 결과와 비교해 보세요', en: 'compare with `hubble observe` for this pod'},
	'check.curl.exit': {ko: 'curl 종료 코드 {code}', en: 'curl exit {code}'},
	'check.curl.exit-0': {ko: 'HTTP 응답을 받았습니다', en: 'an HTTP answer came'},
	'check.curl.exit-6': {ko: '호스트 이름을 조회하지 못했습니다', en: 'could not resolve the host name'},
	'check.curl.exit-7': {ko: '연결하지 못했습니다', en: 'could not connect'},
	'check.curl.exit-28': {ko: '시간이 초과되었습니다', en: 'timed out'},
	'check.curl.exit-35': {ko: 'TLS 핸드셰이크에 실패했습니다', en: 'TLS handshake failed'},
	'check.curl.exit-52': {ko: '서버가 아무 응답도 보내지 않았습니다', en: 'the server replied nothing'},
	'check.curl.exit-56': {ko: '받는 중에 연결이 끊겼습니다', en: 'the connection was reset while receiving'},
	'check.curl.exit-127': {ko: 'Pod에 curl이 없습니다', en: 'curl is not installed in the pod'},
	// httpGet
	'check.httpGet.refused': {ko: '연결 거부됨', en: 'connection refused'},
	'check.httpGet.no-answer': {ko: '{seconds}초 안에 응답 없음', en: 'no answer within {seconds} s'},
	'check.httpGet.hint-unreachable': {
		ko: 'port-forward(또는 로컬 서버)가 아직 실행 중인가요? 백그라운드 작업은 상태 표시줄에 나옵니다',
		en: 'is the port-forward (or the local server) still running? background jobs are listed in the status bar',
	},
	'check.httpGet.contains': {ko: '"{text}" 포함', en: 'contains "{text}"'},
	'check.httpGet.lacks': {ko: '"{text}" 없음', en: 'without "{text}"'},
	'check.httpGet.expected-with': {ko: '{status}, "{text}" 포함', en: '{status} with "{text}"'},
	'check.httpGet.seen': {ko: '{status}, {bytes}바이트', en: '{status}, {bytes} bytes'},
	'check.httpGet.hint': {ko: '직접 열어 보세요: `curl -i {url}`', en: 'open it yourself: `curl -i {url}`'},
	// hubbleFlows
	'check.hubbleFlows.no-agent': {ko: 'kube-system에 실행 중인 cilium 에이전트 Pod가 없습니다', en: 'no running cilium agent pod in kube-system'},
	'check.hubbleFlows.hint-no-agent': {
		ko: 'Hubble은 cilium 에이전트 안에서 동작합니다: Cilium이 설치되었나요? (`kubectl -n kube-system get pods -l k8s-app=cilium`)',
		en: 'Hubble runs in the cilium agent: is Cilium installed? (`kubectl -n kube-system get pods -l k8s-app=cilium`)',
	},
	'check.hubbleFlows.exited': {ko: '{pod}: hubble observe 종료 코드 {code}: {error}', en: '{pod}: hubble observe exited {code}: {error}'},
	'check.hubbleFlows.failed': {ko: 'hubble observe를 실행하지 못했습니다: {error}', en: 'could not run hubble observe: {error}'},
	'check.hubbleFlows.hint-enable': {ko: 'Hubble이 켜져 있나요? (`cilium hubble enable`)', en: 'is Hubble enabled? (`cilium hubble enable`)'},
	'check.hubbleFlows.seen': {ko: '흐름 확인됨: {flow}', en: 'flow seen: {flow}'},
	'check.hubbleFlows.none': {ko: '{verdict} 흐름 {count}개 중 {wanted} 흐름이 없습니다', en: 'no {wanted} flow among {count} {verdict} flows'},
	'check.hubbleFlows.latest': {ko: '최근 흐름:', en: 'latest seen:'},
	'check.hubbleFlows.hint-by-name': {
		ko: '먼저 트래픽을 만드세요 (이 단계의 curl 실행). 흐름에 DNS 이름이 붙는 것은 DNS 규칙이 Pod의 조회를 Cilium의 DNS 프록시로 보낼 때뿐입니다',
		en: "make the traffic happen first (run the step's curl). Flows carry DNS names only while a DNS rule sends the pod's lookups through Cilium's DNS proxy",
	},
	'check.hubbleFlows.hint': {ko: '먼저 트래픽을 만든 뒤 (이 단계의 curl 실행) 다시 확인하세요', en: "make the traffic happen first (run the step's curl), then check again"},
	// nodes
	'check.nodes.summary': {ko: '노드 {total}개, Ready {ready}개', en: '{total} nodes, {ready} Ready'},
	'check.nodes.count': {ko: '노드 {count}개를 기대했지만 {total}개입니다', en: 'expected {count} nodes, found {total}'},
	'check.nodes.min-count': {ko: '노드가 {count}개 이상이어야 하지만 {total}개입니다', en: 'expected at least {count} nodes, found {total}'},
	'check.nodes.none': {ko: '클러스터에 노드가 없습니다', en: 'the cluster has no nodes'},
	'check.nodes.not-ready': {ko: 'Ready가 아닌 노드: {nodes}', en: 'not Ready: {nodes}'},
	'check.nodes.ready': {ko: 'NotReady여야 하지만 Ready인 노드: {nodes}', en: 'expected NotReady, but Ready: {nodes}'},
	'check.nodes.hint-no-cni': {
		ko: 'CNI가 없으면 노드는 NotReady로 남습니다: Cilium이 설치되었고 Pod가 실행 중인가요? (`kubectl -n kube-system get pods -l k8s-app=cilium`)',
		en: 'nodes without a CNI stay NotReady: is Cilium installed and its pods running? (`kubectl -n kube-system get pods -l k8s-app=cilium`)',
	},
	'check.nodes.hint': {ko: '`kubectl get nodes -o wide`로 노드를 확인하세요', en: 'see the nodes with `kubectl get nodes -o wide`'},
	// the pod a check runs in (podExec, egress)
	'check.pod.phase': {ko: '{pod} Pod의 상태: {phase}', en: 'pod {pod} is {phase}'},
	'check.pod.not-running': {ko: '{pod} Pod가 실행 중이 아닙니다', en: 'pod {pod} is not running'},
	'check.pod.hint-describe': {ko: '이유는 `kubectl -n {namespace} describe pod {pod}`에 나옵니다', en: '`kubectl -n {namespace} describe pod {pod}` says why'},
	'check.pod.missing': {ko: '{pod} Pod가 없습니다', en: 'no pod {pod}'},
	'check.pod.hint-create': {ko: '먼저 이 단계의 명령으로 만드세요', en: "create it with the step's command first"},
	'check.pod.no-match': {ko: '{namespace}에 셀렉터 {selector}와 맞는 Pod가 없습니다', en: 'no pod matches {selector} in {namespace}'},
	'check.pod.no-running-match': {ko: '{namespace}에 셀렉터 {selector}와 맞는 Running Pod가 없습니다', en: 'no Running pod matches {selector} in {namespace}'},
	// podExec
	'check.podExec.exec-failed': {ko: '{command} 실행 실패: {error}', en: 'could not run {command}: {error}'},
	'check.podExec.hint-missing': {ko: '컨테이너에 이 명령이 설치되어 있나요?', en: 'is the command installed in the container?'},
	'check.podExec.hint': {ko: '직접 해 보세요: `kubectl -n {namespace} exec {pod} -- {command}`', en: 'try it yourself: `kubectl -n {namespace} exec {pod} -- {command}`'},
	// podReady
	'check.podReady.summary': {ko: '{namespace}의 Pod {selector}: {ready}/{of} Ready', en: 'pods {selector} in {namespace}: {ready}/{of} Ready'},
	'check.podReady.hint-create': {
		ko: '이 단계의 명령을 실행한 뒤 `kubectl -n {namespace} get pods --show-labels`로 확인하세요',
		en: "run the step's command, then `kubectl -n {namespace} get pods --show-labels`",
	},
	'check.podReady.hint-describe': {ko: '{reason}인 이유는 `kubectl -n {namespace} describe pod {pod}`에 나옵니다', en: '`kubectl -n {namespace} describe pod {pod}` says why it is {reason}'},
	'check.podReady.hint-too-few': {
		ko: '셀렉터와 맞는 Pod가 {count}개보다 적습니다: `kubectl -n {namespace} get pods -l {selector}`',
		en: 'fewer than {count} pods match: `kubectl -n {namespace} get pods -l {selector}`',
	},
	// resource
	'check.resource.in-namespace': {ko: '{namespace}의 {kind}', en: '{kind} in {namespace}'},
	'check.resource.unknown-kind': {ko: '클러스터에 {kind} ({apiVersion}) 리소스 종류가 없습니다', en: 'the cluster does not know {kind} ({apiVersion})'},
	'check.resource.hint-crd': {
		ko: '사용자 정의 리소스에는 CRD가 필요합니다: 그 CRD를 제공하는 구성 요소가 설치되었나요? (`kubectl api-resources`)',
		en: 'a custom resource needs its CRD: is the component that brings it installed? (`kubectl api-resources`)',
	},
	'check.resource.absent': {ko: '{what}: 없음', en: '{what}: absent'},
	'check.resource.still-exists': {ko: '{what}: 아직 있습니다 ({names})', en: '{what} still exists ({names})'},
	'check.resource.hint-deleting': {
		ko: '삭제에는 시간이 걸릴 수 있습니다 (finalizer): 남은 것은 `kubectl get`으로 확인하세요',
		en: 'deleting can take a moment (finalizers); `kubectl get` shows what is left',
	},
	'check.resource.present': {ko: '{what}: {count}개 있음', en: '{what}: {count} present'},
	'check.resource.not-found': {ko: '{what}: 없음', en: '{what}: not found'},
	'check.resource.partial-match': {ko: '{what}: {total}개 중 {matching}개 일치 (필요: {needed}개)', en: '{what}: {matching} of {total} match (need {needed})'},
	'check.resource.hint-apply': {ko: 'apply가 성공했나요? `kubectl get … -o yaml`과 비교해 보세요', en: 'did the apply succeed? compare with `kubectl get … -o yaml`'},
	// rollout
	'check.rollout.summary': {ko: '{label} {ready}/{desired} 준비됨', en: '{label} {ready}/{desired} ready'},
	'check.rollout.not-found': {ko: '{label}: {namespace}에 없습니다', en: '{label} not found in {namespace}'},
	'check.rollout.hint-install': {ko: '아직 설치되지 않았나요? `kubectl -n {namespace} get {resource}`', en: 'has it been installed yet? `kubectl -n {namespace} get {resource}`'},
	'check.rollout.expected': {ko: '{desired}개 모두 업데이트되고 사용 가능', en: 'all {desired} updated and available'},
	'check.rollout.seen': {ko: '업데이트 {updated}, 사용 가능 {available}, 준비 {ready}', en: '{updated} updated, {available} available, {ready} ready'},
	'check.rollout.not-observed': {ko: '컨트롤러가 아직 최신 변경을 반영하지 않음', en: 'the controller has not seen the latest change yet'},
	'check.rollout.hint-watch': {
		ko: '`kubectl -n {namespace} rollout status {resource}/{name}`로 지켜보세요. 시작하지 않는 Pod는 `kubectl -n {namespace} describe pod`에 이유가 나옵니다',
		en: 'watch it with `kubectl -n {namespace} rollout status {resource}/{name}`; pods that do not start say why in `kubectl -n {namespace} describe pod`',
	},

	// ── cluster errors (src/kube) ──
	'kube.no-cluster': {ko: '설정된 클러스터가 없습니다 (찾아본 곳: {files})', en: 'no cluster configured (looked in {files})'},
	'kube.hint-get-cluster': {
		ko: '`cilium-lab practice start`로 실습 클러스터를 시작하거나, `az aks get-credentials --resource-group "$RESOURCE_GROUP_NAME" --name "$CLUSTER_NAME"`로 AKS 클러스터의 자격 증명을 가져오세요',
		en: 'start the practice cluster with `cilium-lab practice start`, or fetch an AKS cluster\'s credentials with `az aks get-credentials --resource-group "$RESOURCE_GROUP_NAME" --name "$CLUSTER_NAME"`',
	},
	'kube.unknown-context': {ko: 'kube 컨텍스트 "{context}"가 없습니다 (있는 것: {known})', en: 'no kube context "{context}" (known: {known})'},
	'kube.no-contexts': {ko: '없음', en: 'none'},
	'kube.hint-list-contexts': {ko: '`kubectl config get-contexts`로 이름을 확인하세요', en: 'list them with `kubectl config get-contexts`'},
	'kube.no-current-context': {ko: '현재 kube 컨텍스트가 설정되지 않았습니다 ({files})', en: 'no current kube context is set ({files})'},
	'kube.hint-use-context': {ko: '`kubectl config use-context NAME`을 실행하거나 --context NAME을 주세요', en: 'run `kubectl config use-context NAME`, or pass --context NAME'},
	'kube.no-server': {ko: '컨텍스트 "{context}"에 서버 주소가 있는 클러스터가 없습니다', en: 'context "{context}" names no cluster with a server address'},
	'kube.unreadable-kubeconfig': {ko: 'kubeconfig 파일 {file}을 읽을 수 없습니다: {error}', en: 'cannot read the kubeconfig {file}: {error}'},
	'kube.unauthorized': {ko: '클러스터가 자격 증명을 거부했습니다 (401 Unauthorized)', en: 'the cluster refused the credentials (401 Unauthorized)'},
	'kube.unauthorized-at': {ko: '클러스터({server})가 자격 증명을 거부했습니다 (401 Unauthorized)', en: 'the cluster at {server} refused the credentials (401 Unauthorized)'},
	'kube.hint-credentials': {
		ko: '자격 증명을 다시 받으세요: `az aks get-credentials …` 또는 `cilium-lab practice start`',
		en: 'fetch fresh credentials: `az aks get-credentials …`, or `cilium-lab practice start`',
	},
	'kube.forbidden': {ko: '권한이 없습니다 (403 Forbidden)', en: 'not allowed (403 Forbidden)'},
	'kube.hint-rbac': {ko: '이 kube 사용자에게 이 단계에 필요한 RBAC 권한이 있는지 확인하세요', en: 'check that this kube user has the RBAC permissions the step needs'},
	'kube.not-found': {ko: '찾을 수 없습니다 (404)', en: 'not found (404)'},
	'kube.server-error': {ko: 'API 서버 오류 {status}', en: 'API server error {status}'},
	'kube.unreachable': {ko: '클러스터에 연결할 수 없습니다: {reason}', en: 'cannot reach the cluster: {reason}'},
	'kube.unreachable-at': {ko: '클러스터({server})에 연결할 수 없습니다: {reason}', en: 'cannot reach the cluster at {server}: {reason}'},
	'kube.hint-unreachable': {
		ko: '클러스터가 실행 중인지, kube 컨텍스트가 맞는지 확인하세요 (`kubectl cluster-info`)',
		en: 'check that the cluster runs and the kube context is the right one (`kubectl cluster-info`)',
	},
	'kube.untrusted': {ko: '클러스터의 인증서를 신뢰할 수 없습니다 ({code})', en: "the cluster's certificate is not trusted ({code})"},
	'kube.untrusted-at': {ko: '클러스터({server})의 인증서를 신뢰할 수 없습니다 ({code})', en: "the cluster's certificate at {server} is not trusted ({code})"},
	'kube.hint-untrusted': {
		ko: 'kubeconfig의 certificate-authority-data가 이 클러스터의 것인지 확인하세요',
		en: "check that the kubeconfig's certificate-authority-data belongs to this cluster",
	},
	'kube.connection.ECONNREFUSED': {ko: '연결이 거부되었습니다', en: 'connection refused'},
	'kube.connection.ENOTFOUND': {ko: '호스트를 찾을 수 없습니다', en: 'host not found'},
	'kube.connection.EAI_AGAIN': {ko: '호스트 이름을 조회하지 못했습니다', en: 'host name lookup failed'},
	'kube.connection.ETIMEDOUT': {ko: '연결 시간이 초과되었습니다', en: 'connection timed out'},
	'kube.connection.ECONNRESET': {ko: '연결이 끊겼습니다', en: 'connection reset'},
	'kube.connection.EHOSTUNREACH': {ko: '호스트에 도달할 수 없습니다', en: 'host unreachable'},
	'kube.connection.ENETUNREACH': {ko: '네트워크에 도달할 수 없습니다', en: 'network unreachable'},
	// the target (src/target.ts)
	'target.no-contexts': {ko: '설정된 클러스터가 없습니다: {files}에 kube 컨텍스트가 없습니다', en: 'no cluster configured: no kube contexts in {files}'},
	'target.hint-no-contexts': {
		ko: '클러스터를 만들고 자격 증명을 가져오거나(az aks get-credentials …), 실습 클러스터를 쓰세요 (--target practice)',
		en: 'create a cluster and get its credentials (az aks get-credentials …), or use the practice cluster (--target practice)',
	},
	'target.practice-failed': {ko: '실습 클러스터를 시작하지 못했습니다: {error}', en: 'the practice cluster could not start: {error}'},

	// ── policy explain (src/practice/datapath/explain*.ts): what the CLI prints and the TUI shows after `e` ──
	'explain.policies': {ko: '정책: {policies}', en: 'Policies: {policies}'},
	'explain.from-labels': {ko: '출발: {namespace}의 Pod, 라벨 {labels}', en: 'From: a pod in {namespace} with labels {labels}'},
	'explain.no-labels': {ko: '(없음)', en: '(none)'},
	'explain.from-pod': {ko: '출발: {pod} (identity {identity}, 노드 {node})', en: 'From: {pod} (identity {identity}, node {node})'},
	'explain.to': {ko: '목적지: {target}', en: 'To: {target}'},
	'explain.not-endpoint': {ko: '{pod} Pod는 Cilium 엔드포인트가 아닙니다 ({reason}): 어떤 정책도 적용되지 않습니다', en: '{pod} is not a Cilium endpoint ({reason}): no policy applies to it'},
	'explain.not-endpoint-pod': {
		ko: '실행 중이 아니거나, 호스트 네트워크를 쓰거나, cilium 에이전트가 실행 중이지 않은 노드에 있음',
		en: 'not running, host network, or on a node without a running cilium agent',
	},
	'explain.not-endpoint-no-cilium': {ko: '이 클러스터에서 Cilium이 실행 중이 아님', en: 'Cilium is not running in this cluster'},
	'explain.pod-not-found': {ko: 'policy explain: {pod} Pod가 없습니다', en: 'policy explain: pod {pod} not found'},
	'explain.unreachable': {ko: '실습 클러스터에 연결할 수 없습니다 ({kubeconfig})', en: 'the practice cluster is not reachable ({kubeconfig})'},
	'explain.listing-failed': {ko: '{kind} 목록을 가져오지 못했습니다: {error}', en: 'listing {kind}: {error}'},
	// the DNS lookup
	'explain.dns.no-server': {
		ko: 'DNS: kube-system에 실행 중인 kube-dns Pod가 없어 {host} 이름을 조회할 수 없습니다',
		en: 'DNS: kube-dns has no running pod in kube-system, so {host} cannot be resolved',
	},
	'explain.dns.dropped': {
		ko: 'DNS: kube-dns(UDP 53)로 가는 {host} 조회가 드롭되어, 클라이언트는 이름을 조회하다 시간 초과됩니다',
		en: 'DNS: the lookup of {host} to kube-dns (UDP 53) is dropped, so the client times out resolving it',
	},
	'explain.dns.refused-by-rule': {
		ko: 'DNS: DNS 프록시가 {name} 조회에 {rcode}로 답합니다: 허용한 규칙의 rules.dns 항목 중 이 이름과 맞는 것이 없습니다',
		en: 'DNS: the DNS proxy answers {rcode} to {name}: no rules.dns entry of the allowing rule matches it',
	},
	'explain.dns.refused-by-policy': {
		ko: 'DNS: DNS 프록시가 {name} 조회에 {rcode}로 답합니다: 정책의 rules.dns 항목 중 이 이름과 맞는 것이 없습니다',
		en: 'DNS: the DNS proxy answers {rcode} to {name}: no rules.dns entry of the policy matches it',
	},
	'explain.dns.search-list': {
		ko: '(alpine/musl은 search 목록의 이름부터 조회하고 처음 받은 {rcode}에서 멈춥니다: 그 이름들도 허용하거나(예: matchPattern "*.*.svc.cluster.local") 끝에 점을 붙인 완전한 이름을 쓰세요)',
		en: '(alpine/musl asks for the search-list names first and gives up at the first {rcode}: allow them, e.g. matchPattern "*.*.svc.cluster.local", or use a fully qualified name with a trailing dot)',
	},
	'explain.dns.through-proxy': {
		ko: 'DNS: {name} → {ips}, DNS 프록시를 거치며 프록시가 이 응답을 노드의 FQDN 캐시에 기록합니다 (TTL {ttl}초)',
		en: "DNS: {name} → {ips} through the DNS proxy, which learns the answer into the node's FQDN cache (TTL {ttl} s)",
	},
	'explain.dns.answer': {ko: 'DNS: {name} → {ips}', en: 'DNS: {name} → {ips}'},
	'explain.dns.answer-not-proxied': {
		ko: 'DNS: {name} → {ips} (L4에서 허용되었고 DNS 프록시를 거치지 않음: toFQDNs에 쓰일 IP는 기록되지 않습니다)',
		en: 'DNS: {name} → {ips} (allowed at L4, not through the DNS proxy: nothing is learned for toFQDNs)',
	},
	'explain.dns.nxdomain': {ko: 'DNS: {host} 이름이 없습니다 (NXDOMAIN)', en: 'DNS: {host} does not exist (NXDOMAIN)'},
	// the connection
	'explain.connection': {ko: '연결: {from} → {to}', en: 'Connection: {from} → {to}'},
	'explain.connection.no-backend': {
		ko: '연결: {address}: 이 포트에 준비된 백엔드가 없는 Service라 패킷이 드롭됩니다 (Service backend not found)',
		en: 'Connection: {address} is a service without a ready backend for that port: the packet is dropped (Service backend not found)',
	},
	'explain.connection.no-cilium': {ko: 'ALLOWED: Cilium이 실행 중이 아니어서 정책을 적용하는 것이 없습니다', en: 'ALLOWED: Cilium is not running, nothing enforces policy'},
	// one direction's verdict (after "EGRESS " or "INGRESS ")
	'explain.policy-refused': {ko: '참고: {policy} 정책이 {subject} Pod를 선택하지만 에이전트가 이 정책을 거부했습니다: {error}', en: 'note: {policy} selects {subject} but the agent refused it: {error}'},
	'explain.enforcement-disabled': {ko: 'ALLOWED: 정책 적용이 꺼져 있습니다 (policyEnforcementMode=never)', en: 'ALLOWED: policy enforcement is disabled (policyEnforcementMode=never)'},
	'explain.not-selected': {ko: 'ALLOWED: {subject} Pod를 선택하는 정책이 없어 {direction} 방향은 적용되지 않습니다', en: 'ALLOWED: no policy selects {subject}, so {direction} is not enforced'},
	'explain.no-direction-rules': {
		ko: 'ALLOWED: {subject} Pod를 선택하는 정책({policies})에 {direction} 규칙이 없어 {direction} 방향은 적용되지 않습니다',
		en: 'ALLOWED: the policies selecting {subject} ({policies}) have no {direction} rules, so {direction} is not enforced',
	},
	'explain.host-allowed': {ko: 'ALLOWED: 로컬 호스트에서 그 노드의 Pod로 가는 트래픽은 항상 허용됩니다', en: 'ALLOWED: traffic from the local host to its pods is always allowed'},
	'explain.allowed-by': {ko: 'ALLOWED (policy-verdict:{match}), 허용한 규칙: {rules}', en: 'ALLOWED (policy-verdict:{match}) by {rules}'},
	'explain.dns-proxy-inspects': {ko: 'DNS 프록시가 이 트래픽을 검사합니다 ({rules}의 rules.dns)', en: 'the DNS proxy inspects this traffic (rules.dns in {rules})'},
	'explain.dns-proxy-allows-all': {
		ko: 'DNS 프록시가 이 트래픽을 검사합니다 ({rules}의 rules.dns): 모든 이름이 허용됩니다',
		en: 'the DNS proxy inspects this traffic (rules.dns in {rules}): every name is allowed',
	},
	'explain.no-default-deny': {
		ko: 'ALLOWED: {direction} 방향은 적용되지만 이 Pod를 선택하는 모든 정책이 enableDefaultDeny.{direction}: false를 설정합니다',
		en: 'ALLOWED: {direction} is enforced but every selecting policy sets enableDefaultDeny.{direction}: false',
	},
	'explain.denied-by': {ko: 'DROPPED (Policy denied by denylist), 거부한 규칙: {rule}', en: 'DROPPED (Policy denied by denylist) by {rule}'},
	'explain.fqdn-not-learned': {ko: 'DROPPED (Policy denied): DNS 프록시가 이 IP를 본 적이 없습니다', en: 'DROPPED (Policy denied): the IP was never seen by the DNS proxy'},
	'explain.fqdn-learned-only': {
		ko: '{rule} 규칙은 {selector} 대상을 허용하지만, 프록시를 거친 DNS 응답에서 알게 된 IP에만 적용됩니다 (53번 포트에 rules.dns를 추가한 뒤 이름을 다시 조회하세요)',
		en: '{rule} allows {selector}, but only for IPs learned from DNS answers that passed through the proxy (add rules.dns on port 53, then resolve the name again)',
	},
	'explain.no-matching-rule': {ko: 'DROPPED (Policy denied): 기본 거부(default deny), {policies}의 어떤 규칙과도 맞지 않습니다', en: 'DROPPED (Policy denied): default deny, no rule of {policies} matches'},
	'explain.fqdn-near-misses': {ko: '이 포트의 toFQDNs: {selectors}; 이 이름과 맞는 것이 없습니다', en: 'toFQDNs on this port: {selectors}; none matches the name'},
	'explain.wildcard-needs-label': {
		ko: '("*.example.com"은 점 앞에 라벨이 하나 있어야 맞습니다: example.com 자체와는 맞지 않으니, 그 이름은 matchName으로 추가하세요)',
		en: '("*.example.com" needs a label before the dot: it does not match example.com itself; add matchName for that)',
	},
	// the last line of `policy explain`
	'explain.envoy-inspects': {ko: 'Envoy가 HTTP 요청마다 검사합니다 ({rules}의 rules.http)', en: 'Envoy inspects each HTTP request (rules.http in {rules})'},
	'explain.envoy-allows-all': {
		ko: 'Envoy가 HTTP 요청마다 검사합니다 ({rules}의 rules.http): 모든 요청이 허용됩니다 (HTTP 규칙 없는 허용이 이 포트를 덮습니다)',
		en: 'Envoy inspects each HTTP request (rules.http in {rules}): every request is allowed (an allow without HTTP rules covers this port)',
	},
	'explain.envoy-allows': {ko: '허용: {rule}', en: 'allows {rule}'},
	'explain.http.egress-of': {ko: '{pod}의 egress', en: 'egress of {pod}'},
	'explain.http.ingress-of': {ko: '{pod}의 ingress', en: 'ingress of {pod}'},
	'explain.http.allowed-by': {ko: 'HTTP: {request} 요청이 {side} Envoy를 통과합니다: {rule} 규칙이 {allows} 허용', en: 'HTTP: {request} passes Envoy on the {side}: {rule} allows {allows}'},
	'explain.http.allowed-all': {ko: 'HTTP: {request} 요청이 {side} Envoy를 통과합니다: 모든 요청이 허용됩니다', en: 'HTTP: {request} passes Envoy on the {side}: every request is allowed'},
	'explain.http.denied': {
		ko: 'HTTP: {request} 요청을 {side} Envoy가 거부합니다: 맞는 rules.http 항목이 없습니다 (method, path, host는 값 전체와 맞춰 보는 정규식이고, path에는 쿼리 문자열도 포함됩니다)',
		en: 'HTTP: {request} is denied by Envoy on the {side}: no rules.http entry matches (method, path and host are regexes matched against the whole value; the path includes the query string)',
	},
	'explain.verdict.http-denied': {ko: '판정: Envoy가 HTTP 403 응답 (curl은 "Access denied" 출력; 종료 코드 0, -f를 주면 22)', en: 'Verdict: HTTP 403 from Envoy (curl prints "Access denied"; exit 0, or 22 with -f)'},
	'explain.verdict.allowed': {ko: '판정: ALLOWED', en: 'Verdict: ALLOWED'},
	'explain.verdict.dropped': {ko: '판정: DROPPED (클라이언트는 시간 초과: curl 종료 코드 28)', en: 'Verdict: DROPPED (the client times out: curl exit 28)'},
	'explain.verdict.dns-dropped': {
		ko: '판정: DNS에서 DROPPED (조회가 시간 초과: curl 종료 코드 6, -m을 주면 28)',
		en: 'Verdict: DROPPED at DNS (the lookup times out: curl exit 6, or 28 with -m)',
	},
	'explain.verdict.dns-refused': {ko: '판정: DNS REFUSED (curl 종료 코드 6: Could not resolve host)', en: 'Verdict: DNS REFUSED (curl exit 6: Could not resolve host)'},
	'explain.verdict.dns-nxdomain': {ko: '판정: 없는 이름 (curl 종료 코드 6)', en: 'Verdict: the name does not exist (curl exit 6)'},
	'explain.verdict.no-dns-server': {ko: '판정: DNS 서버 없음 (curl 종료 코드 6, -m을 주면 28)', en: 'Verdict: no DNS server (curl exit 6, or 28 with -m)'},
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
	// One pass, so a value that itself contains "{name}" (a regex such as \d{3}) stays as it is.
	return messages[key][lang].replace(/\{(\w+)\}/g, (placeholder, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : placeholder));
}
