// The practice cluster's controllers: scheduler and kubelet (pods), node readiness, ReplicaSets and
// Deployments, DaemonSets, and Endpoints. They watch the store and write back through it.
import {forgetPodLogs} from '../api/streams/logs.js';
import type {PracticeContext, StoreEvent} from '../types.js';
import type {PracticeStore} from '../api/store.js';
import {reconcileEndpoints, reconcileLoadBalancers} from './endpoints.js';
import {writeStartupLogs} from './logs.js';
import {listView} from './objects.js';
import {reconcileNodes} from './nodes.js';
import {reconcileCiliumNodes} from './ipam.js';
import {onContainerStarted, PodLifecycle} from './pods.js';
import {reconcileDaemonSets, reconcileDeployments, reconcileReplicaSets} from './workloads.js';

export {cniAnnotation, networkNotReadyMessage} from './nodes.js';
export {podStartTimings, onContainerStarted, type ContainerStartedListener} from './pods.js';

const watchedKinds = new Set(['Pod', 'Node', 'Deployment', 'ReplicaSet', 'DaemonSet', 'Service', 'CustomResourceDefinition']);

/** The daemon starts every part through its `start` (a PracticePart). */
export const start = (ctx: PracticeContext) => startControllers(ctx);

/** Starts the controllers; returns the function that stops them (pending pod starts are abandoned). */
export function startControllers(ctx: PracticeContext): () => void {
	const abort = new AbortController();
	let scheduled = false;
	let running = false;
	let again = false;
	const pods = new PodLifecycle(ctx, abort.signal, () => schedule());
	const graceful = ctx.store as Partial<PracticeStore>;
	const stopGracefulDeletion = typeof graceful.enableGracefulPodDeletion === 'function' ? graceful.enableGracefulPodDeletion() : () => {};
	const stopLogs = onContainerStarted(writeStartupLogs);

	const reconcileAll = () => {
		if (abort.signal.aborted) return;
		if (running) {
			again = true;
			return;
		}
		running = true;
		try {
			// A pass can cause more work (a Deployment's ReplicaSet then its pods); passes repeat until quiet.
			for (let pass = 0; pass < 5; pass++) {
				again = false;
				reconcileDeployments(ctx);
				reconcileReplicaSets(ctx, listView(ctx.store, 'v1', 'Pod'));
				reconcileDaemonSets(ctx, listView(ctx.store, 'v1', 'Pod'));
				pods.reconcile(listView(ctx.store, 'v1', 'Pod'));
				reconcileNodes(ctx);
				reconcileCiliumNodes(ctx);
				reconcileEndpoints(ctx, listView(ctx.store, 'v1', 'Pod'));
				reconcileLoadBalancers(ctx);
				if (!again) break;
			}
		} finally {
			running = false;
		}
	};

	function schedule(): void {
		if (scheduled || abort.signal.aborted) return;
		scheduled = true;
		setImmediate(() => {
			scheduled = false;
			try {
				reconcileAll();
			} catch (error) {
				// A controller error must not stop the daemon; the next change retries.
				process.emitWarning(`practice controllers: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
			}
		});
	}

	const unsubscribe = ctx.store.subscribe((event: StoreEvent) => {
		if (!watchedKinds.has(event.object.kind)) return;
		if (event.type === 'DELETED' && event.object.kind === 'Pod') {
			forgetPodLogs(event.object);
			pods.forget(event.object);
		}
		again = true;
		schedule();
	});
	schedule();
	return () => {
		abort.abort();
		unsubscribe();
		stopGracefulDeletion();
		stopLogs();
	};
}
