// The OpenAPI v2 document in the protobuf encoding kubectl 1.27 and 1.28 ask for (Accept:
// application/com.github.proto-openapi.spec.v2@v1.0+protobuf, nothing else) before `apply`: they parse the
// answer as protobuf whatever its Content-Type says, so JSON there fails with "proto: cannot parse".
// The messages are a subset of gnostic's openapiv2/OpenAPIv2.proto (github.com/google/gnostic, package
// openapi.v2), field numbers as there; vendor extensions carry their value as YAML (Any.yaml), which is how
// kube-openapi reads x-kubernetes-group-version-kind back.
import protobuf from 'protobufjs';

export const OPENAPI_V2_PROTOBUF_MEDIA_TYPE = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** What kube-apiserver answers with: the '@' is not valid in a media type, and client-go's mime parser refuses it. */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const OPENAPI_V2_PROTO = `
syntax = "proto3";
package openapi.v2;
message Any { string yaml = 2; }
message NamedAny { string name = 1; Any value = 2; }
message Info { string title = 1; string version = 2; string description = 3; repeated NamedAny vendor_extension = 7; }
message Document {
  string swagger = 1; Info info = 2; string host = 3; string base_path = 4; repeated string schemes = 5;
  repeated string consumes = 6; repeated string produces = 7; Paths paths = 8; Definitions definitions = 9;
  repeated NamedAny vendor_extension = 16;
}
message Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message PathItem {
  string _ref = 1; Operation get = 2; Operation put = 3; Operation post = 4; Operation delete = 5; Operation options = 6;
  Operation head = 7; Operation patch = 8; repeated ParametersItem parameters = 9; repeated NamedAny vendor_extension = 10;
}
message Operation {
  repeated string tags = 1; string summary = 2; string description = 3; string operation_id = 5; repeated string produces = 6;
  repeated string consumes = 7; repeated ParametersItem parameters = 8; Responses responses = 9; repeated string schemes = 10;
  bool deprecated = 11; repeated NamedAny vendor_extension = 13;
}
message ParametersItem { oneof oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }
message JsonReference { string _ref = 1; string description = 2; }
message Parameter { oneof oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
message BodyParameter { string description = 1; string name = 2; string in = 3; bool required = 4; Schema schema = 5; repeated NamedAny vendor_extension = 6; }
message NonBodyParameter {
  oneof oneof { HeaderParameterSubSchema header_parameter_sub_schema = 1; QueryParameterSubSchema query_parameter_sub_schema = 3; PathParameterSubSchema path_parameter_sub_schema = 4; }
}
message HeaderParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 5; bool unique_items = 19; repeated NamedAny vendor_extension = 22; }
message QueryParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 6; bool unique_items = 20; repeated NamedAny vendor_extension = 23; }
message PathParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 5; bool unique_items = 19; repeated NamedAny vendor_extension = 22; }
message Responses { repeated NamedResponseValue response_code = 1; repeated NamedAny vendor_extension = 2; }
message NamedResponseValue { string name = 1; ResponseValue value = 2; }
message ResponseValue { oneof oneof { Response response = 1; JsonReference json_reference = 2; } }
message Response { string description = 1; SchemaItem schema = 2; repeated NamedAny vendor_extension = 5; }
message SchemaItem { oneof oneof { Schema schema = 1; } }
message Definitions { repeated NamedSchema additional_properties = 1; }
message NamedSchema { string name = 1; Schema value = 2; }
message Schema {
  string _ref = 1; string format = 2; string title = 3; string description = 4; repeated string required = 19;
  AdditionalPropertiesItem additional_properties = 21; TypeItem type = 22; ItemsItem items = 23; Properties properties = 25;
  repeated NamedAny vendor_extension = 31;
}
message AdditionalPropertiesItem { oneof oneof { Schema schema = 1; bool boolean = 2; } }
message TypeItem { repeated string value = 1; }
message ItemsItem { repeated Schema schema = 1; }
message Properties { repeated NamedSchema additional_properties = 1; }
`;

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

let documentType: protobuf.Type | undefined;
function documentMessage(): protobuf.Type {
	documentType ??= protobuf.parse(OPENAPI_V2_PROTO, {keepCase: true}).root.lookupType('openapi.v2.Document');
	return documentType;
}

function vendorExtensions(value: JsonObject): JsonObject[] {
	return Object.entries(value)
		.filter(([key]) => key.startsWith('x-'))
		.map(([name, extension]) => ({name, value: {yaml: `${JSON.stringify(extension)}\n`}}));
}

function schema(value: JsonObject): JsonObject {
	const type = value.type === undefined ? undefined : {value: Array.isArray(value.type) ? value.type : [value.type]};
	const additional = value.additionalProperties;
	return {
		_ref: value.$ref,
		format: value.format,
		title: value.title,
		description: value.description,
		required: value.required,
		type,
		items: isObject(value.items) ? {schema: [schema(value.items)]} : undefined,
		properties: isObject(value.properties) ? {additional_properties: Object.entries(value.properties).map(([name, property]) => ({name, value: schema(property as JsonObject)}))} : undefined,
		additional_properties: additional === undefined ? undefined : isObject(additional) ? {schema: schema(additional)} : {boolean: Boolean(additional)},
		vendor_extension: vendorExtensions(value),
	};
}

function parameter(value: JsonObject): JsonObject {
	if (typeof value.$ref === 'string') return {json_reference: {_ref: value.$ref}};
	const common = {required: value.required, in: value.in, description: value.description, name: value.name, type: value.type, unique_items: value.uniqueItems, vendor_extension: vendorExtensions(value)};
	if (value.in === 'body') return {parameter: {body_parameter: {description: value.description, name: value.name, in: value.in, required: value.required, schema: isObject(value.schema) ? schema(value.schema) : undefined}}};
	const kind = value.in === 'path' ? 'path_parameter_sub_schema' : value.in === 'header' ? 'header_parameter_sub_schema' : 'query_parameter_sub_schema';
	return {parameter: {non_body_parameter: {[kind]: common}}};
}

function operation(value: JsonObject): JsonObject {
	const responses = isObject(value.responses) ? value.responses : {};
	return {
		tags: value.tags,
		summary: value.summary,
		description: value.description,
		operation_id: value.operationId,
		produces: value.produces,
		consumes: value.consumes,
		parameters: Array.isArray(value.parameters) ? value.parameters.map((item) => parameter(item as JsonObject)) : undefined,
		responses: {
			response_code: Object.entries(responses).map(([code, response]) => {
				const body = response as JsonObject;
				return {name: code, value: {response: {description: body.description ?? '', schema: isObject(body.schema) ? {schema: schema(body.schema)} : undefined}}};
			}),
		},
		schemes: value.schemes,
		deprecated: value.deprecated,
		vendor_extension: vendorExtensions(value),
	};
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

/** Encodes a Swagger 2.0 document (the JSON /openapi/v2 serves) as gnostic's openapi.v2.Document. */
export function encodeOpenApiV2(document: JsonObject): Uint8Array {
	const info = isObject(document.info) ? document.info : {};
	const paths = isObject(document.paths) ? document.paths : {};
	const definitions = isObject(document.definitions) ? document.definitions : {};
	const message = {
		swagger: document.swagger,
		info: {title: info.title, version: info.version, description: info.description, vendor_extension: vendorExtensions(info)},
		host: document.host,
		base_path: document.basePath,
		schemes: document.schemes,
		consumes: document.consumes,
		produces: document.produces,
		paths: {
			vendor_extension: vendorExtensions(paths),
			path: Object.entries(paths)
				.filter(([name]) => name.startsWith('/'))
				.map(([name, item]) => {
					const pathItem = item as JsonObject;
					const value: JsonObject = {_ref: pathItem.$ref, vendor_extension: vendorExtensions(pathItem)};
					for (const method of METHODS) if (isObject(pathItem[method])) value[method] = operation(pathItem[method] as JsonObject);
					if (Array.isArray(pathItem.parameters)) value.parameters = pathItem.parameters.map((entry) => parameter(entry as JsonObject));
					return {name, value};
				}),
		},
		definitions: {additional_properties: Object.entries(definitions).map(([name, value]) => ({name, value: schema(value as JsonObject)}))},
		vendor_extension: vendorExtensions(document),
	};
	const type = documentMessage();
	return type.encode(type.fromObject(message)).finish();
}

const encoded = new WeakMap<object, Buffer>();
/** The encoding of a document object, kept while the object lives (discovery caches it per registry generation). */
export function openApiV2Protobuf(document: object): Buffer {
	let bytes = encoded.get(document);
	if (!bytes) {
		bytes = Buffer.from(encodeOpenApiV2(document as JsonObject));
		encoded.set(document, bytes);
	}
	return bytes;
}

/** True when the client asks for the protobuf form (kubectl up to 1.28 asks for nothing else). */
export function wantsOpenApiV2Protobuf(accept: string | undefined): boolean {
	if (!accept) return false;
	const types = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
	const protobufAt = types.indexOf(OPENAPI_V2_PROTOBUF_MEDIA_TYPE);
	const jsonAt = types.findIndex((type) => type === 'application/json' || type === '*/*');
	return protobufAt >= 0 && (jsonAt < 0 || protobufAt < jsonAt);
}
