// The API clients the checks use, made once per (kubeconfig environment, context).
import {AppsV1Api, ApiextensionsV1Api, CoreV1Api, KubernetesObjectApi, VersionApi, type KubeConfig} from '@kubernetes/client-node';
import type {Lang} from '../lab/types.js';
import fs from 'node:fs';
import {kubeconfigFiles, loadKubeConfig} from './config.js';

export interface KubeClients {
	kc: KubeConfig;
	server: string;
	core: CoreV1Api;
	apps: AppsV1Api;
	apiextensions: ApiextensionsV1Api;
	version: VersionApi;
	objects: KubernetesObjectApi;
}

const cache = new Map<string, KubeClients>();

export function kubeClients(options: {env: Record<string, string | undefined>; context?: string; lang?: Lang}): KubeClients {
	// A changed file (e.g. `az aks get-credentials` merged a new cluster in) means new clients.
	const files = kubeconfigFiles(options.env).files.map(file => `${file}@${fs.statSync(file, {throwIfNoEntry: false})?.mtimeMs}`);
	const key = JSON.stringify([files, options.context]);
	const cached = cache.get(key);
	if (cached) return cached;
	const kc = loadKubeConfig(options);
	const clients: KubeClients = {
		kc,
		server: kc.getCurrentCluster()!.server,
		core: kc.makeApiClient(CoreV1Api),
		apps: kc.makeApiClient(AppsV1Api),
		apiextensions: kc.makeApiClient(ApiextensionsV1Api),
		version: kc.makeApiClient(VersionApi),
		objects: KubernetesObjectApi.makeApiClient(kc),
	};
	cache.set(key, clients);
	return clients;
}
