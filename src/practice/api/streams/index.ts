// The stream subresources of pods, as the API server hands them over:
//   pods/{name}/exec, attach, portforward: upgrade requests → handlePodExec / handlePodAttach / handlePodPortForward
//     ({request, socket, head, pod, query, ctx}); without an Upgrade header → respondUpgradeRequired(response)
//   pods/{name}/log → handlePodLog({request, response, pod, query, ctx})
export {handlePodAttach, handlePodExec, respondUpgradeRequired, type PodUpgradeRequest} from './exec-handlers.js';
export {appendPodLog, forgetPodLogs, handlePodLog, podLogLines, type PodLogRequest} from './logs.js';
export {handlePodPortForward} from './portforward.js';
export {registerPodServer, type PodHttpHandler, type PodMatch} from './pod-servers.js';
export {registerHubbleUi, setHubbleFlowSource} from './hubble-ui.js';
export {runInContainer, exitStatus, type ExecChannels, type ProgramLookup, type StreamStatus} from './exec.js';

import {registerHubbleUi} from './hubble-ui.js';

// The simulated Hubble UI exists wherever a hubble-ui pod runs.
registerHubbleUi();
