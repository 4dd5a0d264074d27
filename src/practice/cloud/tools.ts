// The simulated host tools, by the name the shims call them with.
import type {HostTool} from '../types.js';
import {az} from './az.js';
import {helm} from './helm.js';
import {cilium} from './cilium.js';

const hubblePending: HostTool = async (_argv, io) => {
	io.stderr.write('hubble: not simulated yet by the cilium-lab practice cluster\n');
	return 2;
};

export const hostTools: Record<string, HostTool> = {az, helm, cilium, hubble: hubblePending};

/**
 * Lets another part of the daemon provide a host tool (the datapath's `hubble`, which reads its
 * flows): call it from the part's `start(ctx)`.
 */
export function registerHostTool(name: string, tool: HostTool): void {
	hostTools[name] = tool;
}
