// The TUI's background jobs: src/run/jobs.ts's JobManager, loaded after the first frame (it brings execa), with the
// JobsPort the controller uses. Until it has loaded there are no jobs to list; starting one waits for it.
import type {JobInfo, JobManager, StartJobOptions} from '../run/jobs.js';
import type {RunOutcome} from '../run/types.js';
import type {JobsPort} from './controller.js';

export class LazyJobs implements JobsPort {
	private manager?: JobManager;
	private loading?: Promise<JobManager>;
	private readonly listeners = new Set<() => void>();

	constructor(private readonly home: string) {}

	load(): Promise<JobManager> {
		this.loading ??= import('../run/jobs.js').then(({JobManager}) => {
			const manager = new JobManager(this.home);
			manager.subscribe(() => {
				for (const listener of this.listeners) listener();
			});
			this.manager = manager;
			return manager;
		});
		return this.loading;
	}

	async ready(): Promise<void> {
		await this.load();
	}

	/** Stops jobs a killed app left behind (pid files under <home>/jobs). */
	async reapOrphans() {
		return (await this.load()).reapOrphans();
	}

	start(options: StartJobOptions): JobInfo {
		if (!this.manager) throw new Error('background jobs are not loaded yet (await ready())');
		return this.manager.start(options);
	}

	list(): JobInfo[] {
		return this.manager?.list() ?? [];
	}

	running(): JobInfo[] {
		return this.manager?.running() ?? [];
	}

	stop(id: number): Promise<RunOutcome | undefined> {
		return this.manager ? this.manager.stop(id) : Promise.resolve(undefined);
	}

	stopAll(): Promise<void> {
		return this.manager ? this.manager.stopAll() : Promise.resolve();
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	async dispose(): Promise<void> {
		await this.manager?.dispose();
	}
}
