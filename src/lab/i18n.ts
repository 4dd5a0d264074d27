// The app's own words outside the TUI (the headless commands), in Korean and English, and the choice of
// language: --lang, else LC_ALL / LC_MESSAGES / LANG (ko_* → ko, anything else → en).
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
	'run.allDone': {ko: '완료: {count}개 단계', en: 'finished: {count} step(s)'},
	'status.done': {ko: '완료', en: 'done'},
	'status.solved': {ko: '풀이로 완료', en: 'solved'},
	'error.unknownLesson': {ko: '"{lesson}" 레슨이 없습니다{suggestion}', en: 'no lesson "{lesson}"{suggestion}'},
	'error.unknownStep': {ko: '"{lesson}" 레슨에 "{step}" 단계가 없습니다{suggestion}', en: 'lesson "{lesson}" has no step "{step}"{suggestion}'},
	'error.notOnTrack': {ko: '"{lesson}"은(는) {track} 트랙에 없습니다', en: '"{lesson}" is not on the {track} track'},
	'progress.movedAside': {ko: '진행 기록을 읽지 못해 옮겨 두었습니다: {notice}', en: 'progress could not be read: {notice}'},
} as const satisfies Record<string, Localized>;

export type MessageKey = keyof typeof messages;

/** One of the app's messages in `lang`, with {name} placeholders filled in. */
export function msg(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
	let text: string = messages[key][lang];
	for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, String(value));
	return text;
}
