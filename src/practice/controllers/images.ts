// The images the lab's world knows: which references a registry would serve, and what a container of each runs by
// default (its ENTRYPOINT and CMD). A reference the model refuses fails to pull as containerd reports it; one it
// does not model in detail (other registries' images, the platform's own) is taken as a long-running server.

export interface ImageReference {
	/** As written in the pod spec. */
	raw: string;
	/** containerd's fully qualified name: docker.io/library/nginx:latest (the digest kept when given). */
	canonical: string;
	registry: string;
	repository: string;
	tag: string;
	digest?: string;
}

export interface ImageModel {
	/** Tags the registry has (a digest-only reference is taken as valid). */
	tags: RegExp;
	entrypoint: string[];
	cmd: string[];
	/** The default process serves until stopped (nginx, json-mock, the platform's images). */
	server: boolean;
}

/** reference.ParseNormalizedNamed (distribution/reference): docker.io and library/ for short names, :latest by default. */
export function parseImageReference(raw: string): ImageReference | undefined {
	const match = /^(?:([a-zA-Z0-9.-]+(?::\d+)?)\/)?([a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(raw);
	if (!match) return undefined;
	let registry = match[1];
	let repository = match[2]!;
	// The first part is a registry only when it looks like a host (a dot, a port, or localhost).
	if (registry && !/[.:]/.test(registry) && registry !== 'localhost') {
		repository = `${registry}/${repository}`;
		registry = undefined;
	}
	registry ??= 'docker.io';
	if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
	const tag = match[3] ?? (match[4] ? '' : 'latest');
	const digest = match[4];
	const canonical = `${registry}/${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
	return {raw, canonical, registry, repository, tag, digest};
}

const semver = (major: string) => new RegExp(`^(latest|${major}(\\.\\d+){0,2})$`);

/** Docker Hub repositories the lessons and the docs use, with their tags as a pattern and their ENTRYPOINT/CMD. */
const DOCKER_HUB: Record<string, ImageModel> = {
	// nginx's Dockerfile: ENTRYPOINT ["/docker-entrypoint.sh"], CMD ["nginx", "-g", "daemon off;"].
	'library/nginx': {
		tags: /^(latest|stable|mainline|alpine|alpine-slim|perl|bookworm|(stable|mainline)-(alpine|alpine-slim|perl|bookworm)|1\.\d+(\.\d+)?(-(alpine|alpine-slim|alpine-perl|perl|bookworm))?)$/,
		entrypoint: ['/docker-entrypoint.sh'],
		cmd: ['nginx', '-g', 'daemon off;'],
		server: true,
	},
	// alpine: CMD ["/bin/sh"]; busybox: CMD ["sh"] — a shell without a terminal reads end of input and exits 0.
	'library/alpine': {tags: /^(latest|edge|3(\.\d+){0,2})$/, entrypoint: [], cmd: ['/bin/sh'], server: false},
	'library/busybox': {tags: /^(latest|stable|musl|glibc|uclibc|1(\.\d+){1,2}(-(musl|glibc|uclibc))?)$/, entrypoint: [], cmd: ['sh'], server: false},
	'library/ubuntu': {tags: /^(latest|rolling|noble|jammy|focal|2[024]\.04)$/, entrypoint: [], cmd: ['/bin/bash'], server: false},
	'library/debian': {tags: /^(latest|stable|bookworm|bullseye|1[12](\.\d+)?)(-slim)?$/, entrypoint: [], cmd: ['bash'], server: false},
	'library/postgres': {tags: semver('1[2-7]'), entrypoint: ['docker-entrypoint.sh'], cmd: ['postgres'], server: true},
	'library/httpd': {tags: /^(latest|alpine|2(\.4(\.\d+)?)?(-alpine)?)$/, entrypoint: [], cmd: ['httpd-foreground'], server: true},
	// alpine-docker/multi-arch-docker-images curl/Dockerfile and curlimages/curl: ENTRYPOINT ["/entrypoint.sh"], CMD ["curl"].
	'alpine/curl': {tags: /^(latest|8\.\d+\.\d+(-r\d+)?)$/, entrypoint: ['/entrypoint.sh'], cmd: ['curl'], server: false},
	'curlimages/curl': {tags: /^(latest|[78]\.\d+\.\d+)$/, entrypoint: ['/entrypoint.sh'], cmd: ['curl'], server: false},
	// nicolaka/netshoot's Dockerfile: CMD ["zsh"].
	'nicolaka/netshoot': {tags: /^(latest|v0\.\d+)$/, entrypoint: [], cmd: ['zsh'], server: false},
	'cilium/starwars': {tags: /^(latest|v\d+\.\d+)$/, entrypoint: [], cmd: [], server: true},
	'cilium/json-mock': {tags: /^(latest|v?1\.\d+(\.\d+)?)$/, entrypoint: [], cmd: [], server: true},
	'coredns/coredns': {tags: /^(latest|v?1\.\d+\.\d+)$/, entrypoint: ['/coredns'], cmd: [], server: true},
	'hashicorp/http-echo': {tags: /^(latest|v?[01]\.\d+(\.\d+)?)$/, entrypoint: ['/http-echo'], cmd: [], server: true},
};

/** quay.io/cilium's repositories: Cilium's release tags v1.10–v1.20 (the lab offers 1.18–1.20 besides the guide's
 * 1.16: src/practice/versions.ts), hubble-ui's v0.x.y, latest and stable. */
const CILIUM_QUAY_TAG = /^(latest|stable|v1\.(1\d|20)\.\d{1,2}(-(pre|rc)\.\d+)?|v0\.\d{1,2}\.\d{1,2}|v1\.\d+\.\d+-\d+-[0-9a-f]{40}|[0-9a-f]{40}|\d{10}-[0-9a-f]{7})$/;
// (The last three: cilium-envoy's v1.30.7-<build>-<commit>, startup-script's commit tags, and its newer
// <unix time>-<short commit> tags, which the 1.18–1.20 charts use.)

export type ImageLookup = {ok: true; reference: ImageReference; model: ImageModel} | {ok: false; reference?: ImageReference; code: 'InvalidImageName' | 'NotFound' | 'Unknown'; message: string};

/** What a pull of `raw` gets: the image's model, or containerd's error as the kubelet reports it. */
export function lookupImage(raw: string): ImageLookup {
	const reference = parseImageReference(raw);
	if (!reference) return {ok: false, code: 'InvalidImageName', message: `Failed to apply default image tag "${raw}": couldn't parse image reference "${raw}": invalid reference format`};
	const notFound = (): ImageLookup => ({
		ok: false,
		reference,
		code: 'NotFound',
		message: `rpc error: code = NotFound desc = failed to pull and unpack image "${reference.canonical}": failed to resolve reference "${reference.canonical}": ${reference.canonical}: not found`,
	});
	const tagOk = (pattern: RegExp) => reference.tag === '' || pattern.test(reference.tag);
	if (reference.registry === 'docker.io') {
		const model = DOCKER_HUB[reference.repository];
		if (!model) {
			return {
				ok: false,
				reference,
				code: 'Unknown',
				message: `rpc error: code = Unknown desc = failed to pull and unpack image "${reference.canonical}": failed to resolve reference "${reference.canonical}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
			};
		}
		return tagOk(model.tags) ? {ok: true, reference, model} : notFound();
	}
	if (reference.registry === 'quay.io' && reference.repository.startsWith('cilium/')) {
		const model: ImageModel = reference.repository === 'cilium/alpine-curl'
			? {tags: /^(latest|v1\.\d+\.\d+)$/, entrypoint: [], cmd: ['/bin/sh'], server: false}
			: {tags: CILIUM_QUAY_TAG, entrypoint: [], cmd: [], server: true};
		if (reference.repository === 'cilium/json-mock') model.tags = /^(latest|v1\.\d+\.\d+)$/;
		return tagOk(model.tags) ? {ok: true, reference, model} : notFound();
	}
	// The platform's registries (mcr.microsoft.com, registry.k8s.io) and others: not modelled repository by repository.
	return {ok: true, reference, model: {tags: /.*/, entrypoint: [], cmd: [], server: true}};
}
