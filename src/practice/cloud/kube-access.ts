// helm and cilium reach the cluster through the caller's KUBECONFIG, as the real tools do: before
// `az aks get-credentials`, or with a kubeconfig pointing elsewhere, they fail the way the real
// ones fail instead of quietly using the practice cluster.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import {parse as parseYaml} from 'yaml';
import type {PracticeContext} from '../types.js';

export type KubeAccess = {ok: true; server: string} | {ok: false; reason: string};

interface KubeconfigFile {
	'current-context'?: string;
	contexts?: Array<{name: string; context?: {cluster?: string}}>;
	clusters?: Array<{name: string; cluster?: {server?: string}}>;
}

function readKubeconfigs(env: Record<string, string>, cwd?: string): KubeconfigFile[] {
	const home = env.HOME || os.homedir();
	const files = env.KUBECONFIG ? env.KUBECONFIG.split(path.delimiter).filter(Boolean) : [path.join(home, '.kube', 'config')];
	const configs: KubeconfigFile[] = [];
	for (const file of files) {
		try {
			const parsed = parseYaml(readFileSync(path.resolve(cwd ?? '/', file), 'utf8')) as KubeconfigFile | null;
			if (parsed && typeof parsed === 'object') configs.push(parsed);
		} catch {
			// kubectl and helm skip missing files in KUBECONFIG.
		}
	}
	return configs;
}

function practiceServer(ctx: PracticeContext): string | undefined {
	try {
		const config = parseYaml(ctx.cluster.kubeconfig('practice')) as KubeconfigFile;
		return config.clusters?.[0]?.cluster?.server;
	} catch {
		return undefined;
	}
}

/** The server the caller's current context points at, and whether the practice cluster answers there. */
export function kubeAccess(env: Record<string, string>, ctx: PracticeContext, cwd?: string): KubeAccess {
	const configs = readKubeconfigs(env, cwd);
	const currentContext = configs.map(config => config['current-context']).find(Boolean);
	const context = configs.flatMap(config => config.contexts ?? []).find(entry => entry.name === currentContext);
	const server = configs.flatMap(config => config.clusters ?? []).find(entry => entry.name === context?.context?.cluster)?.cluster?.server;
	if (!server) {
		return {ok: false, reason: 'Get "http://localhost:8080/version": dial tcp 127.0.0.1:8080: connect: connection refused'};
	}
	const refused = () => {
		const url = new URL(server);
		return `Get "${server.replace(/\/$/, '')}/version": dial tcp ${url.hostname}:${url.port || '443'}: connect: connection refused`;
	};
	if (!ctx.cluster.exists()) return {ok: false, reason: refused()};
	const practice = practiceServer(ctx);
	if (practice && practice.replace(/\/$/, '') !== server.replace(/\/$/, '')) {
		const url = new URL(server);
		if (['127.0.0.1', 'localhost'].includes(url.hostname)) return {ok: false, reason: refused()};
		return {
			ok: false,
			reason: `the current context points at ${server}, not at the practice cluster; the practice tools only reach the practice cluster (run \`az aks get-credentials\` to point KUBECONFIG at it)`,
		};
	}
	return {ok: true, server};
}
