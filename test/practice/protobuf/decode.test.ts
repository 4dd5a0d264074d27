// The protobuf decoder on request bodies captured from kubectl 1.33 (`kubectl create …` through a logging proxy),
// and the OpenAPI v2 protobuf encoding read back with the same schema.
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import {describe, expect, it} from 'vitest';
import {decodeKubernetesProtobuf} from '../../../src/practice/api/protobuf/decode.js';
import {encodeOpenApiV2, wantsOpenApiV2Protobuf} from '../../../src/practice/api/protobuf/openapi-v2.js';
import {StatusError} from '../../../src/practice/types.js';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', `kubectl-1.33-${name}.bin`));

describe('decodeKubernetesProtobuf', () => {
	it('reads `kubectl create ns demo`', () => {
		expect(decodeKubernetesProtobuf(fixture('create-namespace'))).toEqual({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'demo'}, spec: {}, status: {}});
	});

	it('reads a configmap and a secret (bytes as base64, as JSON carries them)', () => {
		const configMap = decodeKubernetesProtobuf(fixture('create-configmap'));
		expect(configMap).toMatchObject({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c1', namespace: 'demo'}, data: {a: 'b'}});
		expect((configMap.data as Record<string, string>)['cm.yaml']).toContain('kind: ConfigMap\n');
		expect(decodeKubernetesProtobuf(fixture('create-secret'))).toEqual({apiVersion: 'v1', kind: 'Secret', metadata: {name: 's1', namespace: 'demo'}, data: {a: Buffer.from('b').toString('base64')}});
	});

	it('keeps a pointer field set to zero and drops the empty values Go writes for plain fields', () => {
		// kubectl create deployment web2 --image=nginx --replicas=0 --port=80
		expect(decodeKubernetesProtobuf(fixture('create-deployment'))).toEqual({
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: {name: 'web2', namespace: 'demo', labels: {app: 'web2'}},
			spec: {
				replicas: 0,
				selector: {matchLabels: {app: 'web2'}},
				template: {metadata: {labels: {app: 'web2'}}, spec: {containers: [{name: 'nginx', image: 'nginx', ports: [{containerPort: 80}], resources: {}}]}},
				strategy: {},
			},
			status: {},
		});
	});

	it('reads IntOrString, inline structs and lists with empty strings', () => {
		expect(decodeKubernetesProtobuf(fixture('create-service')).spec).toEqual({ports: [{name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080}], selector: {app: 'svc2'}, type: 'ClusterIP'});
		expect(decodeKubernetesProtobuf(fixture('create-ingress')).spec).toEqual({rules: [{host: 'foo.com', http: {paths: [{path: '/bar', pathType: 'Exact', backend: {service: {name: 'svc1', port: {number: 8080}}}}]}}]});
		expect(decodeKubernetesProtobuf(fixture('create-role')).rules).toEqual([{verbs: ['get'], apiGroups: [''], resources: ['pods']}]);
	});

	const refusal = (body: Buffer) => {
		try {
			decodeKubernetesProtobuf(body);
		} catch (error) {
			return error as StatusError;
		}
		throw new Error('accepted');
	};

	it('refuses a body with fields it does not know rather than dropping them', () => {
		const body = fixture('create-namespace');
		// Append field 9 (an unknown string) to the Namespace inside runtime.Unknown.raw: rebuild the envelope.
		const envelope = protobuf.Reader.create(body.subarray(4));
		const parts: Buffer[] = [];
		while (envelope.pos < envelope.len) {
			const tag = envelope.uint32();
			if (tag >>> 3 === 2) {
				const raw = Buffer.concat([Buffer.from(envelope.bytes()), Buffer.from([(9 << 3) | 2, 1, 0x78])]);
				parts.push(Buffer.from(protobuf.Writer.create().uint32(tag).bytes(raw).finish()));
			} else {
				const start = envelope.pos;
				envelope.skipType(tag & 7);
				parts.push(Buffer.concat([Buffer.from(protobuf.Writer.create().uint32(tag).finish()), body.subarray(4 + start, 4 + envelope.pos)]));
			}
		}
		const error = refusal(Buffer.concat([body.subarray(0, 4), ...parts]));
		expect(error.code).toBe(415);
		expect(error.message).toContain('<field 9 of Namespace>');
	});

	it('answers a clear error for a wrong prefix, truncated bytes and an unknown kind', () => {
		expect(refusal(Buffer.from('{"kind":"Namespace"}')).message).toMatch(/does not start with the "k8s\\x00" prefix/);
		const truncated = refusal(fixture('create-deployment').subarray(0, 60));
		expect(truncated.code).toBe(400);
		const unknownKind = Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from(protobuf.Writer.create().uint32(10).fork().uint32(10).string('v1').uint32(18).string('Binding').ldelim().finish())]);
		expect(refusal(unknownKind)).toMatchObject({code: 415, reason: 'UnsupportedMediaType'});
		expect(refusal(unknownKind).message).toContain('does not read Binding (v1)');
	});
});

describe('OpenAPI v2 as protobuf', () => {
	it('encodes the document kubectl 1.27 and 1.28 ask for, readable with gnostic field numbers', () => {
		const document = {
			swagger: '2.0',
			info: {title: 'Kubernetes', version: 'v1.30.6'},
			paths: {'/api/v1/namespaces/{namespace}/configmaps/{name}': {patch: {operationId: 'patchConfigMap', parameters: [{name: 'fieldValidation', in: 'query', type: 'string', uniqueItems: true}], responses: {'200': {description: 'OK'}}, 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': {group: '', version: 'v1', kind: 'ConfigMap'}}}},
			definitions: {},
		};
		const bytes = encodeOpenApiV2(document);
		// Document.swagger = 1, Document.info = 2 {title = 1, version = 2}, Document.paths = 8 {path = 2 {name = 1, value = 2}}.
		const reader = protobuf.Reader.create(bytes);
		const fields = new Map<number, Uint8Array>();
		while (reader.pos < reader.len) {
			const tag = reader.uint32();
			fields.set(tag >>> 3, reader.bytes());
		}
		expect(Buffer.from(fields.get(1)!).toString()).toBe('2.0');
		expect(Buffer.from(fields.get(2)!).toString()).toContain('Kubernetes');
		const paths = Buffer.from(fields.get(8)!).toString('latin1');
		expect(paths).toContain('/api/v1/namespaces/{namespace}/configmaps/{name}');
		expect(paths).toContain('x-kubernetes-group-version-kind');
		expect(paths).toContain('{"group":"","version":"v1","kind":"ConfigMap"}');
	});

	it('is chosen only when the client prefers it', () => {
		expect(wantsOpenApiV2Protobuf('application/com.github.proto-openapi.spec.v2@v1.0+protobuf')).toBe(true);
		expect(wantsOpenApiV2Protobuf('application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf')).toBe(false);
		expect(wantsOpenApiV2Protobuf('application/json')).toBe(false);
		expect(wantsOpenApiV2Protobuf(undefined)).toBe(false);
	});
});
