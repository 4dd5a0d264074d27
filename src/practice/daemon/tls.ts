// The daemon's CA and server certificate (EC P-256, generated once per lab home), and its token.
// @peculiar/x509 builds certificates on WebCrypto, so EC keys take milliseconds; it is imported
// only when something must be generated, to keep later starts fast.
import {randomBytes, webcrypto} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from '../../atomic-write.js';

export interface DaemonCredentials {
	caPem: string;
	caFile: string;
	key: string;
	cert: string;
	token: string;
}

const TEN_YEARS_MS = 3650 * 24 * 3600 * 1000;

function pem(label: string, der: ArrayBuffer): string {
	const base64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
	return `-----BEGIN ${label}-----\n${base64.trimEnd()}\n-----END ${label}-----\n`;
}

async function generate(): Promise<{caPem: string; key: string; cert: string}> {
	await import('reflect-metadata');
	const imported = await import('@peculiar/x509');
	// Bundled, the CommonJS build arrives as the default export.
	const x509 = ((imported as {cryptoProvider?: unknown}).cryptoProvider ? imported : (imported as unknown as {default: typeof imported}).default) as typeof imported;
	x509.cryptoProvider.set(webcrypto as unknown as Crypto);
	const algorithm = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'};
	const notBefore = new Date(Date.now() - 60_000);
	const notAfter = new Date(Date.now() + TEN_YEARS_MS);
	const caKeys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
	const ca = await x509.X509CertificateGenerator.createSelfSigned({
		serialNumber: randomBytes(8).toString('hex'),
		name: 'CN=cilium-lab practice cluster CA',
		notBefore,
		notAfter,
		keys: caKeys as CryptoKeyPair,
		signingAlgorithm: algorithm,
		extensions: [
			new x509.BasicConstraintsExtension(true, undefined, true),
			new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
			await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey as CryptoKey),
		],
	});
	const serverKeys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
	const server = await x509.X509CertificateGenerator.create({
		serialNumber: randomBytes(8).toString('hex'),
		subject: 'CN=kube-apiserver',
		issuer: ca.subject,
		notBefore,
		notAfter,
		publicKey: serverKeys.publicKey as CryptoKey,
		signingKey: caKeys.privateKey as CryptoKey,
		signingAlgorithm: algorithm,
		extensions: [
			new x509.BasicConstraintsExtension(false, undefined, true),
			new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
			new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
			new x509.SubjectAlternativeNameExtension([
				{type: 'dns', value: 'localhost'},
				{type: 'dns', value: 'kubernetes'},
				{type: 'dns', value: 'kubernetes.default.svc'},
				{type: 'ip', value: '127.0.0.1'},
			]),
			await x509.AuthorityKeyIdentifierExtension.create(ca),
		],
	});
	const keyDer = await webcrypto.subtle.exportKey('pkcs8', serverKeys.privateKey as webcrypto.CryptoKey);
	return {caPem: ca.toString('pem') + '\n', key: pem('PRIVATE KEY', keyDer), cert: server.toString('pem') + '\n'};
}

/** Reads the credentials under `dir`, generating what is missing (the CA key is never kept: nothing else is ever signed). */
export async function ensureCredentials(dir: string): Promise<DaemonCredentials> {
	fs.mkdirSync(dir, {recursive: true, mode: 0o700});
	const files = {ca: path.join(dir, 'ca.crt'), cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key'), token: path.join(dir, 'token')};
	let material: {caPem: string; key: string; cert: string};
	try {
		material = {caPem: fs.readFileSync(files.ca, 'utf8'), cert: fs.readFileSync(files.cert, 'utf8'), key: fs.readFileSync(files.key, 'utf8')};
	} catch {
		material = await generate();
		writeFileAtomic(files.key, material.key, {mode: 0o600});
		writeFileAtomic(files.cert, material.cert, {mode: 0o644});
		writeFileAtomic(files.ca, material.caPem, {mode: 0o644});
	}
	let token: string;
	try {
		token = fs.readFileSync(files.token, 'utf8').trim();
		if (token.length < 32) throw new Error('short token');
	} catch {
		token = randomBytes(32).toString('base64url');
		writeFileAtomic(files.token, `${token}\n`, {mode: 0o600});
	}
	return {...material, caFile: files.ca, token};
}
