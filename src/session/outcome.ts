// How a command ended, in a few words of the learner's language ("exit 1", "timed out after 60s"): the driver's
// failed background jobs, the TUI's and `cilium-lab reset`'s failed cleanups.
import {msg} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';
import type {RunOutcome} from '../run/types.js';

export function describeOutcome(lang: Lang, outcome: RunOutcome): string {
	switch (outcome.kind) {
		case 'exited':
			return msg(lang, 'outcome.exit', {code: outcome.exitCode});
		case 'timedOut':
			return msg(lang, 'outcome.timedOut', {seconds: Math.round(outcome.timeoutMs / 1000)});
		case 'cancelled':
			return msg(lang, 'outcome.cancelled');
		case 'failedToStart':
			return outcome.message;
	}
}
