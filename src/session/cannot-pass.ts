// A command that failed with an error meaning "this will not change by waiting": polling the step's checks until
// its deadline (up to 30 minutes for a cluster) would only make the learner wait. The driver checks once instead
// and, when the checks fail, says which line of the output was the cause.
import type {OutputLine} from '../run/types.js';

/**
 * Errors the tools print that waiting does not fix. kubectl: `Error from server (Reason): …` (Status reasons,
 * k8s.io/apimachinery/pkg/apis/meta/v1/types.go StatusReason); az: `(Code) message` / `Code: …` (ARM error codes);
 * helm: `Error: INSTALLATION FAILED: …`; a shell: `…: command not found`.
 */
const CANNOT_PASS: RegExp[] = [
	/Error from server \((AlreadyExists|NotFound|Forbidden|Unauthorized|Invalid|BadRequest|MethodNotAllowed)\)/,
	/^error: (the server doesn't have a resource type|unable to recognize|resource mapping not found)/i,
	/\((AlreadyExists|ResourceGroupNotFound|ResourceNotFound|AuthorizationFailed|InvalidParameter|BadRequest|OperationNotAllowed|Conflict|SubscriptionNotFound)\)/,
	/^Error: (INSTALLATION|UPGRADE) FAILED: /,
	/: command not found$/,
	/^Please run 'az login'/,
];

/** The output line that says the step's checks cannot pass, if there is one (the last such line wins). */
export function cannotPassReason(lines: readonly OutputLine[]): string | undefined {
	for (let index = lines.length - 1; index >= 0; index--) {
		const text = lines[index]!.text.trim();
		if (CANNOT_PASS.some((pattern) => pattern.test(text))) return text.length > 240 ? `${text.slice(0, 239)}…` : text;
	}
	return undefined;
}
