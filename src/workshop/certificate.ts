// The completion certificate: a Markdown or HTML document naming the learner, the lab's version, the track and a
// hash of the lessons it was earned on, signed with Ed25519 (node:crypto) so `cilium-lab report --verify FILE`
// finds any edit.
//
// Trust model, plainly: each lab home has its own Ed25519 key (<home>/certificate-key.pem, made on the first
// certificate, 0600). The certificate carries the public key and the signature over every byte before its
// signature line, so anyone, on any machine, can check that the document was not changed after it was signed by
// the holder of that key, and the verify output names the key's fingerprint. It does NOT prove who holds the key:
// anyone can make a key and sign a certificate of their own. A facilitator who wants that takes note of the
// learner's fingerprint in the room (the learner's `report --certificate` prints it) and checks verify names the
// same one. (An HMAC with a per-home secret would verify only on the machine that made it.)
import {createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from '../atomic-write.js';
import {msg} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';
import {formatDuration, type LearnerReport} from './records.js';

export interface CertificatePayload {
	kind: 'cilium-lab-certificate';
	version: 1;
	learner: string;
	labVersion: string;
	track: string;
	lessonsHash: string;
	lessons: Array<{id: string; title: string}>;
	steps: {total: number; done: number; solved: number; hints: number};
	timeMs: number;
	issuedAt: string;
}

export type CertificateFormat = 'md' | 'html';

const PAYLOAD_PREFIX = '<!-- cilium-lab-certificate ';
const SIGNATURE_PREFIX = '<!-- cilium-lab-signature ed25519 ';
const COMMENT_END = ' -->';

export function certificateKeyPath(home: string): string {
	return path.join(home, 'certificate-key.pem');
}

/** The home's signing key, made on first use. */
export function homeSigningKey(home: string): KeyObject {
	const file = certificateKeyPath(home);
	if (existsSync(file)) return createPrivateKey(readFileSync(file, 'utf8'));
	const {privateKey} = generateKeyPairSync('ed25519');
	mkdirSync(home, {recursive: true, mode: 0o700});
	writeFileAtomic(file, privateKey.export({type: 'pkcs8', format: 'pem'}) as string, {mode: 0o600});
	return privateKey;
}

/** sha256 of the raw public key, grouped for reading aloud: "ab12 cd34 …" (first 128 bits). */
export function keyFingerprint(publicKey: KeyObject): string {
	const der = publicKey.export({type: 'spki', format: 'der'});
	const hex = createHash('sha256').update(der).digest('hex').slice(0, 32);
	return hex.match(/.{4}/g)!.join(' ');
}

export function certificatePayload(report: LearnerReport, learner: string, now: Date): CertificatePayload {
	return {
		kind: 'cilium-lab-certificate',
		version: 1,
		learner,
		labVersion: report.labVersion,
		track: report.track,
		lessonsHash: report.lessonsHash,
		lessons: report.lessons.map((lesson) => ({id: lesson.id, title: lesson.title})),
		steps: {total: report.totals.steps, done: report.totals.done, solved: report.totals.solved, hints: report.totals.hints},
		timeMs: report.totals.timeMs,
		issuedAt: now.toISOString(),
	};
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const mdText = (text: string) => text.replace(/[\\`*_[\]<>#|]/g, (char) => `\\${char}`).replace(/\s+/g, ' ');

function body(payload: CertificatePayload, format: CertificateFormat, lang: Lang, fingerprint: string): string {
	const params = {
		learner: payload.learner,
		version: payload.labVersion,
		track: payload.track,
		done: payload.steps.done,
		solved: payload.steps.solved,
		total: payload.steps.total,
		hints: payload.steps.hints,
		time: formatDuration(payload.timeMs),
		at: payload.issuedAt.slice(0, 10),
	};
	const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
	if (format === 'md') {
		const escaped = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, typeof value === 'string' ? mdText(value) : value]));
		return [
			`# ${msg(lang, 'cert.title')}`,
			'',
			msg(lang, 'cert.awarded', escaped),
			'',
			msg(lang, 'cert.summary', escaped),
			'',
			...payload.lessons.map((lesson) => `- ${mdText(lesson.id)}: ${mdText(lesson.title)}`),
			'',
			msg(lang, 'cert.lab', escaped),
			'',
			msg(lang, 'cert.hash', {hash: payload.lessonsHash}),
			'',
			msg(lang, 'cert.key', {fingerprint}),
			'',
			msg(lang, 'cert.verifyWith'),
			'',
			`${PAYLOAD_PREFIX}${encoded}${COMMENT_END}`,
			'',
		].join('\n');
	}
	const escaped = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, escapeHtml(String(value))]));
	return [
		'<!doctype html>',
		`<html lang="${lang}">`,
		'<head><meta charset="utf-8"><title>' + escapeHtml(msg(lang, 'cert.title')) + '</title>',
		'<style>body{font:16px/1.5 system-ui,"Noto Sans KR",sans-serif;max-width:42em;margin:3em auto;padding:2em;border:3px double #1f6feb}h1{text-align:center}code{font-size:12px;word-break:break-all}</style></head>',
		'<body>',
		`<h1>${escapeHtml(msg(lang, 'cert.title'))}</h1>`,
		`<p>${msg(lang, 'cert.awarded', escaped).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')}</p>`,
		`<p>${msg(lang, 'cert.summary', escaped)}</p>`,
		'<ul>',
		...payload.lessons.map((lesson) => `<li>${escapeHtml(lesson.id)}: ${escapeHtml(lesson.title)}</li>`),
		'</ul>',
		`<p>${msg(lang, 'cert.lab', escaped)}</p>`,
		`<p><code>${escapeHtml(msg(lang, 'cert.hash', {hash: payload.lessonsHash}))}</code></p>`,
		`<p><code>${escapeHtml(msg(lang, 'cert.key', {fingerprint}))}</code></p>`,
		`<p>${escapeHtml(msg(lang, 'cert.verifyWith'))}</p>`,
		`${PAYLOAD_PREFIX}${encoded}${COMMENT_END}`,
		'</body>',
		'</html>',
		'',
	].join('\n');
}

/** The signed document: the body, then one line with the public key and the signature over the body's bytes. */
export function signCertificate(payload: CertificatePayload, format: CertificateFormat, lang: Lang, privateKey: KeyObject): {text: string; fingerprint: string} {
	const publicKey = createPublicKey(privateKey);
	const fingerprint = keyFingerprint(publicKey);
	const text = body(payload, format, lang, fingerprint);
	const signature = sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64');
	const spki = publicKey.export({type: 'spki', format: 'der'}).toString('base64');
	return {text: `${text}${SIGNATURE_PREFIX}${spki} ${signature}${COMMENT_END}\n`, fingerprint};
}

export type VerifyResult =
	| {ok: true; payload: CertificatePayload; fingerprint: string}
	| {ok: false; reason: 'not-a-certificate' | 'edited'; fingerprint?: string};

export function verifyCertificate(text: string): VerifyResult {
	const at = text.lastIndexOf(SIGNATURE_PREFIX);
	if (at < 0) return {ok: false, reason: 'not-a-certificate'};
	const signed = text.slice(0, at);
	const line = text.slice(at + SIGNATURE_PREFIX.length);
	const match = /^([A-Za-z0-9+/=]+) ([A-Za-z0-9+/=]+) -->\n?$/.exec(line);
	if (!match) return {ok: false, reason: 'not-a-certificate'};
	let publicKey: KeyObject;
	try {
		publicKey = createPublicKey({key: Buffer.from(match[1]!, 'base64'), format: 'der', type: 'spki'});
		if (publicKey.asymmetricKeyType !== 'ed25519') return {ok: false, reason: 'not-a-certificate'};
	} catch {
		return {ok: false, reason: 'not-a-certificate'};
	}
	const fingerprint = keyFingerprint(publicKey);
	if (!verify(null, Buffer.from(signed, 'utf8'), publicKey, Buffer.from(match[2]!, 'base64'))) return {ok: false, reason: 'edited', fingerprint};
	const start = signed.lastIndexOf(PAYLOAD_PREFIX);
	const end = start < 0 ? -1 : signed.indexOf(COMMENT_END, start);
	if (start < 0 || end < 0) return {ok: false, reason: 'not-a-certificate', fingerprint};
	try {
		const payload = JSON.parse(Buffer.from(signed.slice(start + PAYLOAD_PREFIX.length, end), 'base64url').toString('utf8')) as CertificatePayload;
		if (payload.kind !== 'cilium-lab-certificate') return {ok: false, reason: 'not-a-certificate', fingerprint};
		return {ok: true, payload, fingerprint};
	} catch {
		return {ok: false, reason: 'not-a-certificate', fingerprint};
	}
}
