// The TUI's own words, Korean and English. Keep keys sorted by screen.
export const uiWords = {
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
	'key.done-reading': {ko: '읽음', en: 'mark read'},
	'key.yes': {ko: '예', en: 'yes'},
	'key.no': {ko: '아니요', en: 'no'},

	// status bar
	'status.target-practice': {ko: '실습 클러스터 (시뮬레이션)', en: 'practice cluster (simulated)'},
	'status.target-real': {ko: 'kube 컨텍스트: {context}', en: 'kube context: {context}'},
	'status.current-context': {ko: '현재 컨텍스트', en: 'current context'},
	'status.progress': {ko: '{done}/{total} 단계', en: '{done}/{total} steps'},
	'status.jobs': {ko: '백그라운드: {names}', en: 'background: {names}'},

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
	'step.mode-interactive': {ko: '터미널을 넘겨줌 (끝나면 돌아옴)', en: 'takes over the terminal (back here when it exits)'},
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
	'variables.invalid': {ko: '{name} 값이 패턴 {pattern} 과 맞지 않습니다', en: '{name} must match the pattern {pattern}'},
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
	'notice.busy': {ko: '명령이 실행 중입니다 (x로 취소)', en: 'A command is running (x cancels it)'},
	'notice.end-of-lab': {ko: '마지막 단계입니다', en: 'This is the last step'},
	'notice.start-of-lab': {ko: '첫 단계입니다', en: 'This is the first step'},
	'notice.shell': {ko: '셸을 엽니다. exit 하면 돌아옵니다.', en: 'Opening a shell with the lab environment. Type exit to come back.'},
} as const satisfies Record<string, {ko: string; en: string}>;

export type UiWord = keyof typeof uiWords;
