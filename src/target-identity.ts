// Where the real target is, for a confirmation (src/session/confirm.ts): the Azure subscription from
// `az account show` and the kube context and its API server from `kubectl config view --minify`, with the
// environment the lab's commands run with (so the lab's --context overlay and the learner's PATH apply).
import {execFile} from 'node:child_process';
import type {StepResource} from './lab/types.js';
import type {TargetIdentity} from './session/confirm.js';
import type {ObservedResource} from './session/ownership.js';

function run(command: string, args: string[], env: Record<string, string>): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(command, args, {env, timeout: 20_000, maxBuffer: 4 * 1024 * 1024}, (error, stdout, stderr) => {
			if (error) {
				const code = (error as NodeJS.ErrnoException).code;
				const firstLine = String(stderr).trim().split('\n').find((line) => line.trim()) ?? '';
				reject(new Error(code === 'ENOENT' ? `${command}: not found` : firstLine || error.message.split('\n')[0]!));
			} else resolve(String(stdout));
		});
	});
}

export async function identifyTarget(request: {env: Record<string, string>; context?: string; azure: boolean}): Promise<TargetIdentity> {
	const identity: TargetIdentity = {};
	const kube = run('kubectl', ['config', 'view', '--minify', '-o', 'json', ...(request.context ? ['--context', request.context] : [])], request.env).then(
		(text) => {
			const config = JSON.parse(text) as {'current-context'?: string; contexts?: Array<{name: string}>; clusters?: Array<{cluster?: {server?: string}}>};
			identity.context = request.context ?? config['current-context'] ?? config.contexts?.[0]?.name;
			identity.server = config.clusters?.[0]?.cluster?.server;
			if (!identity.context) identity.kubeError = 'no current context';
		},
		(error: Error) => {
			identity.kubeError = error.message;
		},
	);
	const azure = request.azure
		? run('az', ['account', 'show', '-o', 'json'], request.env).then(
				(text) => {
					const account = JSON.parse(text) as {name?: string; id?: string; user?: {name?: string}};
					if (account.id) identity.account = {name: account.name ?? '?', id: account.id, ...(account.user?.name ? {user: account.user.name} : {})};
					else identity.accountError = 'az account show: no subscription';
				},
				(error: Error) => {
					identity.accountError = error.message;
				},
			)
		: Promise.resolve();
	await Promise.all([kube, azure]);
	return identity;
}

/**
 * A resource group's or AKS cluster's tags, as `az group show` / `az aks show --query tags -o json` print them (nothing
 * for an untagged one): absent when az says it is not found, an error when az cannot tell.
 */
export async function inspectAzureResource(request: {env: Record<string, string>; resource: StepResource; contents?: boolean}): Promise<ObservedResource> {
	const {resource} = request;
	const args =
		resource.kind === 'aksCluster'
			? ['aks', 'show', '--resource-group', resource.group ?? '', '--name', resource.name, '--query', 'tags', '-o', 'json']
			: ['group', 'show', '--name', resource.name, '--query', 'tags', '-o', 'json'];
	try {
		const text = (await run('az', args, request.env)).trim();
		const tags = text ? (JSON.parse(text) as Record<string, string> | null) : null;
		if (!request.contents || resource.kind !== 'resourceGroup') return {exists: true, tags};
		// What deleting the group would delete with it (az resource list: ARM's GenericResourceExpanded).
		const listed = JSON.parse((await run('az', ['resource', 'list', '--resource-group', resource.name, '-o', 'json'], request.env)).trim() || '[]') as Array<{name?: string; type?: string; tags?: Record<string, string> | null}>;
		return {exists: true, tags, contents: listed.map((item) => ({name: item.name ?? '?', type: item.type ?? '?', tags: item.tags ?? null}))};
	} catch (error) {
		const message = (error as Error).message;
		// ARM's not-found codes: the group (for either) or the cluster.
		if (/\((ResourceGroupNotFound|ResourceNotFound|NotFound)\)|could not be found|was not found/.test(message)) return {exists: false};
		return {error: message};
	}
}
