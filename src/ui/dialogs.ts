// The TUI's y/n questions and the words for a housekeeping command's end, in the learner's language.
import {msg} from '../lab/i18n.js';
import type {Lang, TrackId} from '../lab/types.js';
import type {Confirm} from './types.js';
import {describeConfirmation} from '../session/confirm.js';

export function describeConfirm(confirm: Confirm, context: {lang: Lang; track: TrackId; jobs: number; lessonLabel: (id: string) => string}): string {
	const t = (key: Parameters<typeof msg>[1], params?: Record<string, string | number>) => msg(context.lang, key, params);
	switch (confirm.kind) {
		case 'quit-running':
			return t('quit.confirm');
		case 'quit-jobs':
			return t('quit.confirm-jobs', {count: context.jobs});
		case 'go-back':
			return t('goback.confirm', {count: confirm.later.length, steps: confirm.later.map((ref) => ref.stepId).join(', ')});
		case 'reset': {
			const from = confirm.from;
			return t('reset.confirm', {from: from ? ('stepId' in from ? `${from.lessonId}/${from.stepId}` : context.lessonLabel(from.lessonId)) : t('reset.everything')});
		}
		case 'track-switch':
			return t('track.switchConfirm', {count: confirm.passed, track: context.track});
		case 'effects': {
			const lines = describeConfirmation(context.lang, confirm.need, 'keys');
			if (confirm.need.typedNames.length > 0) lines.push(confirm.mismatch ? t('confirm.mismatch', {names: confirm.need.typedNames.join(' ')}) : t('confirm.typed', {typed: `${confirm.typed}▏`}));
			return lines.join('\n');
		}
	}
}
