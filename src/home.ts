import os from 'node:os';
import path from 'node:path';

/** Where the lab keeps progress, logs and the practice cluster: $CILIUM_LAB_HOME, else the XDG data directory. */
export function labHome(env: NodeJS.ProcessEnv = process.env): string {
	if (env.CILIUM_LAB_HOME) return path.resolve(env.CILIUM_LAB_HOME);
	const dataHome = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
	return path.join(dataHome, 'cilium-lab');
}
