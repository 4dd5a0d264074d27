// Where the practice cluster keeps its files under a lab home.
import path from 'node:path';

export interface DaemonInfo {
	pid: number;
	controlPort: number;
	/** Up only while a cluster exists. */
	apiPort: number | null;
	token: string;
	caFile: string;
	home: string;
	practiceDir: string;
	speed: string;
	version: string;
	startedAt: string;
	/** It stops by itself after this many seconds with no request or open stream; null: never. */
	idleExitSeconds?: number | null;
}

export function practicePaths(home: string) {
	const dir = path.join(path.resolve(home), 'practice');
	return {
		dir,
		info: path.join(dir, 'daemon.json'),
		lock: path.join(dir, 'daemon.lock'),
		log: path.join(dir, 'daemon.log'),
		state: path.join(dir, 'state.json'),
		kubeconfig: path.join(dir, 'kubeconfig'),
		kubeCache: path.join(dir, 'kube-cache'),
		bin: path.join(dir, 'bin'),
		ca: path.join(dir, 'ca.crt'),
	};
}
