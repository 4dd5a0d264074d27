// Loading a kubeconfig the way kubectl does, from an explicit environment (not this process's), and refusing
// client-node's silent fallback to http://localhost:8080 when nothing is configured.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {KubeConfig} from '@kubernetes/client-node';
import {ClusterError} from '../errors.js';
import type {Lang} from '../lab/types.js';

export interface LoadKubeConfigOptions {
	/** The environment the lab's commands run with: KUBECONFIG and HOME are read from here. */
	env: Record<string, string | undefined>;
	/** --context: use this context instead of the current one. */
	context?: string;
	lang?: Lang;
}

const howToGetOne = {
	en: 'start the practice cluster with `cilium-lab practice start`, or fetch an AKS cluster\'s credentials with `az aks get-credentials --resource-group "$RESOURCE_GROUP_NAME" --name "$CLUSTER_NAME"`',
	ko: '`cilium-lab practice start`로 실습 클러스터를 시작하거나, `az aks get-credentials --resource-group "$RESOURCE_GROUP_NAME" --name "$CLUSTER_NAME"`로 AKS 클러스터의 자격 증명을 가져오세요',
};

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
			const where = lang === 'ko' ? `(찾아본 곳: ${listed.join(', ')})` : `(looked in ${listed.join(', ')})`;
			throw new ClusterError(lang === 'ko' ? `설정된 클러스터가 없습니다 ${where}` : `no cluster configured ${where}`, howToGetOne[lang]);
		}
		merged.loadFromCluster();
	} else {
		mergeFirstWins(merged, files, lang);
	}

	if (options.context) {
		if (!merged.getContextObject(options.context)) {
			const known = merged.getContexts().map(context => context.name);
			throw new ClusterError(
				lang === 'ko' ? `kube 컨텍스트 "${options.context}"가 없습니다 (있는 것: ${known.join(', ') || '없음'})` : `no kube context "${options.context}" (known: ${known.join(', ') || 'none'})`,
				lang === 'ko' ? '`kubectl config get-contexts`로 이름을 확인하세요' : 'list them with `kubectl config get-contexts`',
			);
		}
		merged.setCurrentContext(options.context);
	}
	if (!merged.getCurrentContext()) {
		throw new ClusterError(lang === 'ko' ? `현재 kube 컨텍스트가 설정되지 않았습니다 (${files.join(', ')})` : `no current kube context is set (${files.join(', ')})`, lang === 'ko' ? '`kubectl config use-context NAME` 또는 --context NAME' : 'run `kubectl config use-context NAME`, or pass --context NAME');
	}
	const cluster = merged.getCurrentCluster();
	if (!cluster?.server) {
		throw new ClusterError(
			lang === 'ko' ? `컨텍스트 "${merged.getCurrentContext()}"에 클러스터 주소가 없습니다` : `context "${merged.getCurrentContext()}" names no cluster with a server address`,
			howToGetOne[lang],
		);
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
			throw new ClusterError(
				lang === 'ko' ? `kubeconfig 파일 ${file}을 읽을 수 없습니다: ${(error as Error).message}` : `cannot read the kubeconfig ${file}: ${(error as Error).message}`,
			);
		}
		for (const cluster of one.getClusters()) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
		for (const user of one.getUsers()) if (!users.has(user.name)) users.set(user.name, user);
		for (const context of one.getContexts()) if (!contexts.has(context.name)) contexts.set(context.name, context);
		currentContext ||= one.getCurrentContext();
	}
	target.loadFromOptions({clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext});
}
