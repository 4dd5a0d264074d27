// The datapath part of the practice daemon: flows for the Hubble UI page and the CiliumEndpoint / CiliumIdentity
// reconciler. (Exec finds the programs in pods through programs/index.ts lookupPodProgram.)
import {setHubbleFlowSource} from '../api/streams/hubble-ui.js';
import type {PracticeContext} from '../types.js';
import {startDatapathControllers} from './controller.js';
import {formatCompact} from './flows.js';
import {Datapath} from './runtime.js';

export function start(ctx: PracticeContext): () => void {
	const datapath = Datapath.for(ctx);
	setHubbleFlowSource((limit) => datapath.allFlows().slice(-limit).map((flow) => formatCompact(flow)));
	const stop = startDatapathControllers(ctx);
	return () => {
		stop();
		setHubbleFlowSource(undefined);
	};
}

export {startDatapathControllers};
export {lookupPodProgram} from './programs/index.js';
export {validateCiliumPolicy} from './policy.js';
