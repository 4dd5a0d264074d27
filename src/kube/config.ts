// Loading a kubeconfig the way kubectl does, from an explicit environment (not this process's), and refusing
// client-node's silent fallback to http://localhost:8080 when nothing is configured.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {KubeConfig} from '@kubernetes/client-node';
import {ClusterError} from '../errors.js';
import {msg} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';

export interface LoadKubeConfigOptions {
	/** The environment the lab's commands run with: KUBECONFIG and HOME are read from here. */
	env: Record<string, string | undefined>;
	/** --context: use this context instead of the current one. */
	context?: string;
	lang?: Lang;
}

/** The files kubectl would read: every existing file of KUBECONFIG, else ~/.kube/config. */
export function kubeconfigFiles(env: Record<string, string | undefined>): {files: string[]; listed: string[]} {
	if (env.KUBECONFIG) {
		const listed = env.KUBECONFIG.split(path.delimiter).filter(Boolean);
		return {files: listed.filter(file => fs.existsSync(file)), listed};
	}
	const home = env.HOME || os.homedir();
	const file = path.join(home, '.kube', 'config');
	return {files: fs.existsSync(file) ? [file] : [], listed: [file]};
}

export function loadKubeConfig(options: LoadKubeConfigOptions): KubeConfig {
	const lang = options.lang ?? 'en';
	const {files, listed} = kubeconfigFiles(options.env);
	const merged = new KubeConfig();
	if (files.length === 0) {
		const inCluster = options.env.KUBERNETES_SERVICE_HOST && fs.existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
		if (!inCluster) {
			throw new ClusterError(msg(lang, 'kube.no-cluster', {files: listed.join(', ')}), msg(lang, 'kube.hint-get-cluster'));
		}
		merged.loadFromCluster();
	} else {
		mergeFirstWins(merged, files, lang);
	}

	if (options.context) {
		if (!merged.getContextObject(options.context)) {
			const known = merged.getContexts().map(context => context.name);
			throw new ClusterError(
				msg(lang, 'kube.unknown-context', {context: options.context, known: known.join(', ') || msg(lang, 'kube.no-contexts')}),
				msg(lang, 'kube.hint-list-contexts'),
			);
		}
		merged.setCurrentContext(options.context);
	}
	if (!merged.getCurrentContext()) {
		throw new ClusterError(msg(lang, 'kube.no-current-context', {files: files.join(', ')}), msg(lang, 'kube.hint-use-context'));
	}
	const cluster = merged.getCurrentCluster();
	if (!cluster?.server) {
		throw new ClusterError(msg(lang, 'kube.no-server', {context: merged.getCurrentContext()}), msg(lang, 'kube.hint-get-cluster'));
	}
	return merged;
}

/**
 * client-go's rules for several files: the first file that sets current-context wins, and the first definition
 * of a cluster, user or context name wins (client-node's mergeConfig throws on a repeated name instead).
 */
function mergeFirstWins(target: KubeConfig, files: string[], lang: Lang): void {
	const clusters = new Map<string, unknown>();
	const users = new Map<string, unknown>();
	const contexts = new Map<string, unknown>();
	let currentContext = '';
	for (const file of files) {
		const one = new KubeConfig();
		try {
			one.loadFromFile(file);
		} catch (error) {
			throw new ClusterError(msg(lang, 'kube.unreadable-kubeconfig', {file, error: (error as Error).message}));
		}
		for (const cluster of one.getClusters()) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
		for (const user of one.getUsers()) if (!users.has(user.name)) users.set(user.name, user);
		for (const context of one.getContexts()) if (!contexts.has(context.name)) contexts.set(context.name, context);
		currentContext ||= one.getCurrentContext();
	}
	target.loadFromOptions({clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext});
}
