// Conformance table: containers on the practice cluster (k8s track, instant speed) probed with the real kubectl.
// Sources: pkg/kubelet/images/image_manager.go (EnsureImageExists: Pulling, Failed "Failed to pull image", "Back-off
// pulling image"), pkg/kubelet/kuberuntime/kuberuntime_container.go ("Error: %v" Failed events: ErrImagePull,
// ImagePullBackOff), kuberuntime_manager.go doBackOff ("Back-off restarting failed container %s in pod %s", waiting
// message "back-off %s restarting failed container=%s pod=%s", format.Pod = name_namespace(uid)), flowcontrol.Backoff
// (10s doubling to MaxContainerBackOff 5m), kubelet_pods.go validateContainerLogStatus (logs / --previous), containerd's
// pull errors ("failed to pull and unpack image … not found" / "pull access denied, repository does not exist or may
// require authorization"), and the images' Dockerfiles (nginx ENTRYPOINT /docker-entrypoint.sh CMD nginx -g 'daemon
// off;'; alpine CMD /bin/sh; busybox CMD sh; alpine/curl and curlimages/curl ENTRYPOINT /entrypoint.sh CMD curl;
// nicolaka/netshoot CMD zsh).
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TestPractice} from '../../helpers/practice.js';

const practice = new TestPractice({homePrefix: 'cilium-lab-conformance-containers-', speed: 'instant', track: 'k8s'});
const {run} = practice;
const kubectl = (...args: string[]) => run('kubectl', ['-n', 'box', ...args]);

const jsonpath = async (pod: string, path: string) => (await kubectl('get', 'pod', pod, '-o', `jsonpath=${path}`)).stdout;
const statusColumn = async (pod: string) => (await kubectl('get', 'pod', pod, '--no-headers')).stdout.split(/\s+/)[2];
const waitFor = async (pod: string, path: string, predicate: (value: string) => boolean) => {
	for (let attempt = 0; attempt < 120; attempt++) {
		const value = await jsonpath(pod, path);
		if (predicate(value)) return value;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`pod ${pod}: ${path} never matched (last: ${await jsonpath(pod, path)})`);
};
/** The pod's events as "Type Reason Message", oldest first (kubectl sorts by time; ties keep creation order). */
const events = async (pod: string) => {
	const result = await kubectl('get', 'events', '--field-selector', `involvedObject.name=${pod}`, '-o', 'jsonpath={range .items[*]}{.type} {.reason} {.message}{"\\n"}{end}');
	return result.stdout.split('\n').filter(Boolean);
};

beforeAll(async () => {
	await practice.start();
	expect((await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
	expect((await run('helm', ['install', 'cilium', 'cilium/cilium', '--version', '1.16.4', '--namespace', 'kube-system'])).code).toBe(0);
	expect((await run('kubectl', ['create', 'ns', 'box'])).code).toBe(0);
	const pods: string[][] = [
		['web', '--image=nginx'],
		['web127', '--image=nginx:1.27'],
		['notag', '--image=nginx:nosuchtag'],
		['norepo', '--image=nosuchimage-cilium-lab'],
		['hello', '--image=busybox:1.36', '--restart=Never', '--', 'echo', 'hello'],
		['nope', '--image=busybox:1.36', '--restart=Never', '--', 'false'],
		['onfail', '--image=busybox:1.36', '--restart=OnFailure', '--', 'echo', 'done'],
		['crash', '--image=busybox:1.36', '--', 'sh', '-c', 'echo starting; exit 3'],
		['alpine', '--image=alpine'],
		['curlhelp', '--image=alpine/curl'],
		['curlimg', '--image=curlimages/curl'],
		['netshoot', '--image=nicolaka/netshoot'],
		['sleeper', '--image=alpine/curl', '--command', '--', 'sleep', '365d'],
		['looper', '--image=busybox:1.36', '--', 'sh', '-c', 'while true; do sleep 1; done'],
		['shortsleep', '--image=busybox:1.36', '--restart=Never', '--', 'sleep', '5'],
		['ciliumtag', '--image=quay.io/cilium/cilium:v9.9.9'],
	];
	for (const [name, ...args] of pods) expect((await kubectl('run', name!, ...args)).code).toBe(0);
	// kubectl run checks the reference itself ("Invalid image name"); a manifest reaches the kubelet with it.
	const manifest = 'apiVersion: v1\nkind: Pod\nmetadata: {name: badname, namespace: box}\nspec:\n  containers: [{name: badname, image: NGINX}]\n';
	expect((await run('kubectl', ['apply', '-f', '-'], {input: manifest})).code).toBe(0);
}, 180_000);

afterAll(() => practice.stop());

describe('images: pulls that work and pulls that do not', () => {
	it('nginx (no tag = :latest) pulls and runs: events Scheduled, Pulling, Pulled, Created, Started in that order', async () => {
		await waitFor('web', '{.status.phase}', (phase) => phase === 'Running');
		const reasons = (await events('web')).map((line) => line.split(' ')[1]);
		expect(reasons).toEqual(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']);
		expect((await events('web'))[1]).toBe('Normal Pulling Pulling image "nginx"');
	});

	it('nginx:1.27 is a tag Docker Hub has', async () => {
		expect(await waitFor('web127', '{.status.phase}', (phase) => phase === 'Running')).toBe('Running');
	});

	it('a tag that does not exist: ErrImagePull with containerd\'s NotFound error in the container status', async () => {
		const message = await waitFor('notag', '{.status.containerStatuses[0].state.waiting.message}', (value) => value.startsWith('rpc error') || value.startsWith('Back-off'));
		const events = (await kubectl('get', 'events', '--field-selector', 'involvedObject.name=notag', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}')).stdout;
		expect(events).toContain(
			'Failed to pull image "nginx:nosuchtag": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:nosuchtag": failed to resolve reference "docker.io/library/nginx:nosuchtag": docker.io/library/nginx:nosuchtag: not found',
		);
		expect(message).toMatch(/^(rpc error: code = NotFound desc = failed to pull and unpack image "docker\.io\/library\/nginx:nosuchtag"|Back-off pulling image "nginx:nosuchtag")/);
	});

	it('then ImagePullBackOff: STATUS column, waiting message "Back-off pulling image", phase Pending', async () => {
		const waiting = await waitFor('notag', '{.status.containerStatuses[0].state.waiting.reason}: {.status.containerStatuses[0].state.waiting.message}', (value) => value.startsWith('ImagePullBackOff'));
		expect(waiting).toBe('ImagePullBackOff: Back-off pulling image "nginx:nosuchtag"');
		expect(await jsonpath('notag', '{.status.phase}')).toBe('Pending');
		expect(['ImagePullBackOff', 'ErrImagePull']).toContain(await statusColumn('notag'));
	});

	it('events in causal order: Scheduled, Pulling, Failed (pull), Failed "Error: ErrImagePull", BackOff "Back-off pulling image", Failed "Error: ImagePullBackOff"', async () => {
		await waitFor('notag', '{.status.containerStatuses[0].state.waiting.reason}', (reason) => reason === 'ImagePullBackOff');
		const lines = await events('notag');
		expect(lines.slice(0, 6).map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['Normal Scheduled', 'Normal Pulling', 'Warning Failed', 'Warning Failed', 'Normal BackOff', 'Warning Failed']);
		expect(lines).toContain('Warning Failed Error: ErrImagePull');
		expect(lines).toContain('Normal BackOff Back-off pulling image "nginx:nosuchtag"');
		expect(lines).toContain('Warning Failed Error: ImagePullBackOff');
	});

	it('a repository Docker Hub does not have: "pull access denied, repository does not exist or may require authorization"', async () => {
		await waitFor('norepo', '{.status.containerStatuses[0].state.waiting.reason}', (reason) => reason === 'ImagePullBackOff' || reason === 'ErrImagePull');
		const lines = await events('norepo');
		expect(lines).toContain(
			'Warning Failed Failed to pull image "nosuchimage-cilium-lab": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/nosuchimage-cilium-lab:latest": failed to resolve reference "docker.io/library/nosuchimage-cilium-lab:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
		);
	});

	it('a Cilium tag quay.io does not have (v9.9.9) fails the same way: not found', async () => {
		await waitFor('ciliumtag', '{.status.containerStatuses[0].state.waiting.reason}', (reason) => reason === 'ImagePullBackOff' || reason === 'ErrImagePull');
		expect((await events('ciliumtag')).join('\n')).toContain('quay.io/cilium/cilium:v9.9.9: not found');
	});

	it('an image name that is no reference (upper case) is InvalidImageName, never pulled', async () => {
		await waitFor('badname', '{.status.containerStatuses[0].state.waiting.reason}', (reason) => reason === 'InvalidImageName');
		const lines = await events('badname');
		expect(lines).toContain('Warning InspectFailed Failed to apply default image tag "NGINX": couldn\'t parse image reference "NGINX": invalid reference format');
		expect(lines).toContain('Warning Failed Error: InvalidImageName');
		expect(lines.some((line) => line.includes(' Pulling '))).toBe(false);
	});

	it('kubectl logs of a pod whose image cannot be pulled: "is waiting to start: trying and failing to pull image" (validateContainerLogStatus)', async () => {
		await waitFor('notag', '{.status.containerStatuses[0].state.waiting.reason}', (reason) => reason === 'ImagePullBackOff');
		const result = await kubectl('logs', 'notag');
		expect(result.code).toBe(1);
		// The pod goes on trying: between tries it is ImagePullBackOff, during one ErrImagePull ("image can't be pulled").
		expect(result.stderr).toMatch(/^Error from server \(BadRequest\): container "notag" in pod "notag" is waiting to start: (trying and failing to pull image|image can't be pulled)$/);
	});

	it('fixing the image (kubectl set image) lets the next try pull it and the pod runs', async () => {
		expect((await kubectl('set', 'image', 'pod/notag', 'notag=nginx:1.27')).code).toBe(0);
		expect(await waitFor('notag', '{.status.phase}', (phase) => phase === 'Running')).toBe('Running');
	});
});

describe('processes that exit: Completed, Error, CrashLoopBackOff', () => {
	it('--restart=Never echo hello: Completed, phase Succeeded, exit 0, and the log says hello', async () => {
		expect(await waitFor('hello', '{.status.phase}', (phase) => phase === 'Succeeded')).toBe('Succeeded');
		expect(await jsonpath('hello', '{.status.containerStatuses[0].state.terminated.reason} {.status.containerStatuses[0].state.terminated.exitCode}')).toBe('Completed 0');
		expect(await statusColumn('hello')).toBe('Completed');
		expect((await kubectl('logs', 'hello')).stdout).toBe('hello');
	});

	it('--restart=Never false: Error, phase Failed, exit code 1', async () => {
		expect(await waitFor('nope', '{.status.phase}', (phase) => phase === 'Failed')).toBe('Failed');
		expect(await jsonpath('nope', '{.status.containerStatuses[0].state.terminated.reason} {.status.containerStatuses[0].state.terminated.exitCode}')).toBe('Error 1');
		expect(await statusColumn('nope')).toBe('Error');
	});

	it('--restart=OnFailure and exit 0: not restarted, Succeeded', async () => {
		expect(await waitFor('onfail', '{.status.phase}', (phase) => phase === 'Succeeded')).toBe('Succeeded');
		expect(await jsonpath('onfail', '{.status.containerStatuses[0].restartCount}')).toBe('0');
	});

	it('sleep 5 ends after its five (simulated) seconds: Completed', async () => {
		expect(await waitFor('shortsleep', '{.status.phase}', (phase) => phase === 'Succeeded')).toBe('Succeeded');
	});

	it('restartPolicy Always and exit 3: restarted, then CrashLoopBackOff with the kubelet\'s back-off message', async () => {
		const message = await waitFor('crash', '{.status.containerStatuses[0].state.waiting.message}', (value) => value.startsWith('back-off'));
		const uid = await jsonpath('crash', '{.metadata.uid}');
		expect(message).toMatch(new RegExp(`^back-off (10s|20s|40s|1m20s|2m40s|5m0s) restarting failed container=crash pod=crash_box\\(${uid}\\)$`));
		expect(await jsonpath('crash', '{.status.containerStatuses[0].state.waiting.reason}')).toBe('CrashLoopBackOff');
	});

	it('the back-off starts at 10s: the first wait says "back-off 10s" (flowcontrol.Backoff initial 10s)', async () => {
		const uid = await jsonpath('crash', '{.metadata.uid}');
		await waitFor('crash', '{.status.containerStatuses[0].restartCount}', (count) => Number(count) >= 1);
		const firstBackOff = (await events('crash')).find((line) => line.startsWith('Warning BackOff'));
		expect(firstBackOff).toBe(`Warning BackOff Back-off restarting failed container crash in pod crash_box(${uid})`);
	});

	it('the restart count grows and lastState keeps the exit: Error, exit code 3', async () => {
		await waitFor('crash', '{.status.containerStatuses[0].restartCount}', (count) => Number(count) >= 2);
		expect(await jsonpath('crash', '{.status.containerStatuses[0].lastState.terminated.reason} {.status.containerStatuses[0].lastState.terminated.exitCode}')).toBe('Error 3');
		expect(await jsonpath('crash', '{.status.phase}')).toBe('Running');
	});

	it('kubectl get pods: STATUS CrashLoopBackOff (or Error between tries) and RESTARTS counting', async () => {
		await waitFor('crash', '{.status.containerStatuses[0].state.waiting.reason}', (reason) => reason === 'CrashLoopBackOff');
		const row = (await kubectl('get', 'pod', 'crash', '--no-headers')).stdout.split(/\s+/);
		expect(row[1]).toBe('0/1');
		expect(['CrashLoopBackOff', 'Error']).toContain(row[2]);
		expect(Number(row[3])).toBeGreaterThanOrEqual(2);
	});

	it('a restart pulls nothing: "Container image … already present on machine", then Created and Started again', async () => {
		await waitFor('crash', '{.status.containerStatuses[0].restartCount}', (count) => Number(count) >= 1);
		expect(await events('crash')).toContain('Normal Pulled Container image "busybox:1.36" already present on machine');
	});

	it('kubectl logs --previous reads the last terminated run; kubectl logs during the back-off reads it too (validateContainerLogStatus)', async () => {
		await waitFor('crash', '{.status.containerStatuses[0].restartCount}', (count) => Number(count) >= 1);
		expect((await kubectl('logs', 'crash', '--previous')).stdout).toBe('starting');
		expect((await kubectl('logs', 'crash')).stdout).toBe('starting');
	});

	it('kubectl logs --previous of a container never restarted: previous terminated container … not found', async () => {
		const result = await kubectl('logs', 'web', '--previous');
		expect(result.code).toBe(1);
		expect(result.stderr).toBe('Error from server (BadRequest): previous terminated container "web" in pod "web" not found');
	});
});

describe('images\' default commands', () => {
	it('alpine runs /bin/sh, which has no terminal and exits 0: Completed, then CrashLoopBackOff', async () => {
		await waitFor('alpine', '{.status.containerStatuses[0].restartCount}', (count) => Number(count) >= 1);
		expect(await jsonpath('alpine', '{.status.containerStatuses[0].lastState.terminated.reason} {.status.containerStatuses[0].lastState.terminated.exitCode}')).toBe('Completed 0');
	});

	it('alpine/curl runs curl with no URL: exit 2 (Error) and curl\'s hint in the log', async () => {
		await waitFor('curlhelp', '{.status.containerStatuses[0].restartCount}', (count) => Number(count) >= 1);
		expect(await jsonpath('curlhelp', '{.status.containerStatuses[0].lastState.terminated.exitCode}')).toBe('2');
		expect((await kubectl('logs', 'curlhelp', '--previous')).stdout).toBe("curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information");
	});

	it('curlimages/curl does the same (ENTRYPOINT /entrypoint.sh, CMD curl)', async () => {
		await waitFor('curlimg', '{.status.containerStatuses[0].restartCount}', (count) => Number(count) >= 1);
		expect(await jsonpath('curlimg', '{.status.containerStatuses[0].lastState.terminated.reason}')).toBe('Error');
	});

	it('nicolaka/netshoot runs zsh without a terminal: Completed, restarted', async () => {
		await waitFor('netshoot', '{.status.containerStatuses[0].restartCount}', (count) => Number(count) >= 1);
		expect(await jsonpath('netshoot', '{.status.containerStatuses[0].lastState.terminated.reason}')).toBe('Completed');
	});

	it('alpine/curl with --command -- sleep 365d keeps running, no restarts (the lessons\' client pod)', async () => {
		await waitFor('sleeper', '{.status.phase}', (phase) => phase === 'Running');
		await new Promise((resolve) => setTimeout(resolve, 600));
		expect(await jsonpath('sleeper', '{.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].ready}')).toBe('0 true');
	});

	it('a shell loop keeps the container running', async () => {
		await waitFor('looper', '{.status.phase}', (phase) => phase === 'Running');
		await new Promise((resolve) => setTimeout(resolve, 600));
		expect(await jsonpath('looper', '{.status.containerStatuses[0].restartCount}')).toBe('0');
	});

	it('nginx keeps running: no restarts, Ready', async () => {
		await waitFor('web', '{.status.conditions[?(@.type=="Ready")].status}', (status) => status === 'True');
		expect(await jsonpath('web', '{.status.containerStatuses[0].restartCount}')).toBe('0');
	});
});
