// `cilium-lab doctor`, the pure part: what each probe found becomes a finding (ok, a warning, a problem the learner
// fixes, or one for the facilitator), the exit code (0 ready, 1 the learner can fix it, 2 it needs the facilitator),
// and the short result code a learner pastes into the room's chat (`decodeDoctorCode` reads it back).
import {msg, type MessageKey} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';
import {behaviourDifferences, CILIUM_RELEASES, compareMinor, GUIDE_CILIUM_VERSION, minorOf, type CiliumBehaviourFlag} from '../practice/versions.js';

/** Every check in a fixed order: a check's index is its bit in the result code. Append only. */
export const DOCTOR_CHECKS = ['node', 'terminal', 'utf8', 'kubectl', 'az', 'helm', 'cilium', 'hubble', 'context', 'cluster', 'ports', 'disk', 'home', 'versions', 'network', 'fonts'] as const;
export type DoctorCheckId = (typeof DOCTOR_CHECKS)[number];

/** ok; warn: worth knowing, not blocking; learner: the learner can fix it; facilitator: it needs the facilitator. */
export type FindingStatus = 'ok' | 'warn' | 'learner' | 'facilitator';

export interface Finding {
	id: DoctorCheckId;
	status: FindingStatus;
	/** The one-line summary, a catalogue key and its parameters. */
	summary: {key: MessageKey; params?: Record<string, string | number>};
	/** What to do about it (learner and facilitator findings always have one). */
	fix?: {key: MessageKey; params?: Record<string, string | number>};
}

export interface DoctorResult {
	exitCode: 0 | 1 | 2;
	findings: Finding[];
	code: string;
}

export function exitCodeOf(findings: Finding[]): 0 | 1 | 2 {
	if (findings.some((finding) => finding.status === 'facilitator')) return 2;
	if (findings.some((finding) => finding.status === 'learner')) return 1;
	return 0;
}

const CODE_PREFIX = 'CLD1';

/** A one-character check of the rest, so a mistyped code is noticed. */
function checksum(text: string): string {
	let sum = 0;
	for (const char of text) sum = (sum * 31 + char.charCodeAt(0)) % 36;
	return sum.toString(36).toUpperCase();
}

/** CLD1-<exit>-<learner problems' bits, base 36>-<facilitator problems' bits>-<checksum>: "CLD1-0-0-0-X" is ready. */
export function encodeDoctorCode(findings: Finding[]): string {
	const bits = (status: FindingStatus) =>
		findings.reduce((mask, finding) => (finding.status === status ? mask | (1 << DOCTOR_CHECKS.indexOf(finding.id)) : mask), 0).toString(36).toUpperCase();
	const body = `${CODE_PREFIX}-${exitCodeOf(findings)}-${bits('learner')}-${bits('facilitator')}`;
	return `${body}-${checksum(body)}`;
}

export interface DecodedDoctorCode {
	exitCode: 0 | 1 | 2;
	learner: DoctorCheckId[];
	facilitator: DoctorCheckId[];
}

/** The result a code stands for, or undefined when it is not one (or was mistyped). */
export function decodeDoctorCode(code: string): DecodedDoctorCode | undefined {
	const match = /^CLD1-([012])-([0-9A-Z]{1,4})-([0-9A-Z]{1,4})-([0-9A-Z])$/.exec(code.trim().toUpperCase());
	if (!match) return undefined;
	const body = `${CODE_PREFIX}-${match[1]}-${match[2]}-${match[3]}`;
	if (checksum(body) !== match[4]) return undefined;
	const ids = (mask: number) => DOCTOR_CHECKS.filter((_, index) => (mask & (1 << index)) !== 0);
	return {exitCode: Number(match[1]) as 0 | 1 | 2, learner: ids(parseInt(match[2]!, 36)), facilitator: ids(parseInt(match[3]!, 36))};
}

/** The checks of a program by its name: the same in every language. */
const PROGRAM_CHECK_NAMES: Partial<Record<DoctorCheckId, string>> = {
	node: 'Node.js',
	kubectl: 'kubectl',
	az: 'az (Azure CLI)',
	helm: 'helm',
	cilium: 'cilium CLI',
	hubble: 'hubble CLI',
};

const CHECK_NAME_KEYS: Record<Exclude<DoctorCheckId, 'node' | 'kubectl' | 'az' | 'helm' | 'cilium' | 'hubble'>, MessageKey> = {
	terminal: 'doctor.check.terminal',
	utf8: 'doctor.check.utf8',
	context: 'doctor.check.context',
	cluster: 'doctor.check.cluster',
	ports: 'doctor.check.ports',
	disk: 'doctor.check.disk',
	home: 'doctor.check.home',
	versions: 'doctor.check.versions',
	network: 'doctor.check.network',
	fonts: 'doctor.check.fonts',
};

/** Each check's short name, as a facilitator reads a decoded result (the dashboard, the room's CSV). */
export function doctorCheckName(id: DoctorCheckId, lang: Lang): string {
	return PROGRAM_CHECK_NAMES[id] ?? msg(lang, CHECK_NAME_KEYS[id as keyof typeof CHECK_NAME_KEYS]);
}

/**
 * A result code as plain words for a CSV: "ready", or who has what to fix by check id ("facilitator: context;
 * learner: kubectl, ports"); "not a result code" for one that does not decode (mistyped).
 */
export function doctorCodeText(code: string | undefined): string {
	if (!code) return '';
	const decoded = decodeDoctorCode(code);
	if (!decoded) return 'not a result code';
	if (decoded.exitCode === 0 && decoded.learner.length === 0 && decoded.facilitator.length === 0) return 'ready';
	return [decoded.facilitator.length > 0 ? `facilitator: ${decoded.facilitator.join(', ')}` : '', decoded.learner.length > 0 ? `learner: ${decoded.learner.join(', ')}` : '']
		.filter(Boolean)
		.join('; ');
}

export function doctorResult(findings: Finding[]): DoctorResult {
	const ordered = [...findings].sort((a, b) => DOCTOR_CHECKS.indexOf(a.id) - DOCTOR_CHECKS.indexOf(b.id));
	return {exitCode: exitCodeOf(ordered), findings: ordered, code: encodeDoctorCode(ordered)};
}

/**
 * What the cluster's versions mean for the chosen track and version (warnings, never blocking: the facilitator may
 * have reasons). `cilium` is the agent image's version ('-' when no cilium DaemonSet, '?' when unreadable); `chosen`
 * is CILIUM_VERSION on the tracks that install Cilium themselves. Sources: src/practice/versions.ts.
 */
export function versionFindings(options: {track: string; kubernetes: string; cilium: string; chosen?: string; acns?: boolean}): Finding[] {
	const findings: Finding[] = [];
	const ciliumMinor = minorOf(options.cilium);
	const kubernetesMinor = minorOf(options.kubernetes);
	if (options.chosen && ciliumMinor && options.track !== 'aks-managed' && options.cilium.replace(/^v/, '') !== options.chosen) {
		findings.push({id: 'versions', status: 'warn', summary: {key: 'doctor.versions.mismatch', params: {running: options.cilium, chosen: options.chosen}}});
	}
	// The project maintains the newest three minors; the lab offers exactly those besides the guide's.
	const oldestMaintained = CILIUM_RELEASES.filter((release) => !release.endOfLife).map((release) => release.minor).sort(compareMinor)[0];
	if (ciliumMinor && oldestMaintained && options.track !== 'aks-managed' && compareMinor(ciliumMinor, oldestMaintained) < 0) {
		findings.push({id: 'versions', status: 'warn', summary: {key: 'doctor.versions.eol', params: {cilium: options.cilium}}});
	}
	// Before Cilium is installed, the version that will be: the chosen one.
	const testedVersion = ciliumMinor ? options.cilium : options.chosen;
	const tested = CILIUM_RELEASES.find((release) => release.minor === minorOf(testedVersion ?? ''))?.kubernetesTested;
	if (tested && testedVersion && kubernetesMinor && (compareMinor(kubernetesMinor, tested.from) < 0 || compareMinor(kubernetesMinor, tested.to) > 0)) {
		findings.push({id: 'versions', status: 'warn', summary: {key: 'doctor.versions.untested', params: {cilium: testedVersion, kubernetes: options.kubernetes, from: tested.from, to: tested.to}}});
	}
	if (options.track === 'aks-managed' && options.acns === false) {
		findings.push({id: 'network', status: 'warn', summary: {key: 'doctor.network.noAcns'}});
	}
	return findings;
}

/** What each version difference means for a learner following the guide (one catalogue line per CiliumBehaviour flag). */
export const DIFFERENCE_MESSAGES: Record<CiliumBehaviourFlag, MessageKey> = {
	multiLabelWildcard: 'doctor.diff.multiLabelWildcard',
	requiresFieldsRemoved: 'doctor.diff.requiresFieldsRemoved',
	relayTlsWarning: 'doctor.diff.relayTlsWarning',
	notesWarningsBlock: 'doctor.diff.notesWarningsBlock',
	hubblePolicyNames: 'doctor.diff.hubblePolicyNames',
	hubbleFieldMaskRenamed: 'doctor.diff.hubbleFieldMaskRenamed',
};

/**
 * The guide's version against the one the learner meets: the cluster's Cilium when it runs one (`cilium`, as
 * versionFindings takes it), else the chosen CILIUM_VERSION. One line says which is which, then one line per
 * behaviour in which that version departs from the guide's (src/practice/versions.ts, each with its source).
 */
export function guideDifferenceFindings(options: {cilium?: string; chosen?: string}): Finding[] {
	const running = options.cilium && minorOf(options.cilium) ? options.cilium.replace(/^v/, '') : undefined;
	const compared = running ?? options.chosen;
	const findings: Finding[] = [
		{
			id: 'versions',
			status: 'ok',
			summary: {
				key: running ? 'doctor.guide.running' : options.chosen ? 'doctor.guide.chosen' : 'doctor.guide.none',
				params: {guide: GUIDE_CILIUM_VERSION, running: running ?? '-', chosen: options.chosen ?? '-'},
			},
		},
	];
	if (!compared || !minorOf(compared)) return findings;
	const differences = behaviourDifferences(GUIDE_CILIUM_VERSION, compared);
	if (differences.length === 0) {
		findings.push({id: 'versions', status: 'ok', summary: {key: 'doctor.guide.same', params: {version: compared, guide: GUIDE_CILIUM_VERSION}}});
	}
	for (const flag of differences) findings.push({id: 'versions', status: 'warn', summary: {key: DIFFERENCE_MESSAGES[flag], params: {version: compared}}});
	return findings;
}
