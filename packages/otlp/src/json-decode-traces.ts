import { jsonInstrumentationScope, jsonKeyValues, jsonList, jsonNested, jsonResource } from './json-decode-common.js';
import { decodeWith } from './json-decode-service.js';
import { jsonEnum, JsonFieldError, jsonHexBytes, jsonInt64, jsonString, jsonUint64, type JsonObject } from './json-scalars.js';
import type { ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse, ResourceSpans, ScopeSpans, Span } from './types-traces.js';

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` (the body of OTLP/HTTP
 * `POST /v1/traces` with `application/json`), given as text or UTF-8 bytes.
 *
 * The OTLP/JSON mapping, as for metrics: lowerCamelCase keys, 64-bit
 * integers as decimal strings or numbers, null as absent. Trace and span ids
 * are hex (32 and 16 digits, either case, or empty). `kind` and
 * `status.code` are integers or, as proto3 JSON allows, their enum names
 * (`SPAN_KIND_SERVER`, `STATUS_CODE_ERROR`). Only the fields span metrics
 * read are kept (see types-traces.ts); the others are ignored.
 *
 * @throws {OtlpDecodeError} for invalid UTF-8 or JSON, or a field of the
 *   wrong type, range or length, with the field path
 *   (`resourceSpans[0].scopeSpans[0].spans[3].traceId`) and never its value.
 */
export function decodeTraceRequestJson(body: string | Uint8Array): ExportTraceServiceRequest {
  return decodeWith(body, 'ExportTraceServiceRequest', jsonRequest);
}

function jsonRequest(o: JsonObject): ExportTraceServiceRequest {
  return { resourceSpans: jsonList(o.resourceSpans, 'resourceSpans', jsonResourceSpans) };
}

function jsonResourceSpans(o: JsonObject): ResourceSpans {
  const resource = jsonNested(o.resource, 'resource', jsonResource);
  const scopeSpans = jsonList(o.scopeSpans, 'scopeSpans', jsonScopeSpans);
  return resource === undefined ? { scopeSpans } : { resource, scopeSpans };
}

function jsonScopeSpans(o: JsonObject): ScopeSpans {
  const scope = jsonNested(o.scope, 'scope', jsonInstrumentationScope);
  const spans = jsonList(o.spans, 'spans', jsonSpan);
  return scope === undefined ? { spans } : { scope, spans };
}

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

function jsonSpan(o: JsonObject): Span {
  return {
    traceId: jsonId(o.traceId, 'traceId', 16),
    spanId: jsonId(o.spanId, 'spanId', 8),
    name: jsonString(o.name, 'name'),
    kind: jsonNamedEnum(o.kind, 'kind', SPAN_KINDS),
    startTimeUnixNano: jsonUint64(o.startTimeUnixNano, 'startTimeUnixNano'),
    endTimeUnixNano: jsonUint64(o.endTimeUnixNano, 'endTimeUnixNano'),
    attributes: jsonKeyValues(o.attributes, 'attributes'),
    statusCode: jsonNested(o.status, 'status', jsonStatusCode) ?? 0,
  };
}

function jsonStatusCode(o: JsonObject): number {
  return jsonNamedEnum(o.code, 'code', STATUS_CODES);
}

function jsonId(v: unknown, field: string, size: number): Uint8Array {
  const id = jsonHexBytes(v, field);
  if (id.length !== size && id.length !== 0) {
    throw new JsonFieldError(field, `expected ${2 * size} hex digits, got ${2 * id.length}`);
  }
  return id;
}

/** An enum as its integer or its name; a name outside the list is refused. */
function jsonNamedEnum(v: unknown, field: string, names: readonly string[]): number {
  if (typeof v !== 'string') return jsonEnum(v, field);
  const i = names.indexOf(v);
  if (i < 0) throw new JsonFieldError(field, `expected an integer or one of ${names[0]}…${names[names.length - 1]}, got another string`);
  return i;
}

/**
 * Decodes an OTLP/JSON `ExportTraceServiceResponse`.
 *
 * @throws {OtlpDecodeError} as {@link decodeTraceRequestJson}.
 */
export function decodeTraceResponseJson(body: string | Uint8Array): ExportTraceServiceResponse {
  return decodeWith(body, 'ExportTraceServiceResponse', jsonResponse);
}

function jsonResponse(o: JsonObject): ExportTraceServiceResponse {
  const partialSuccess = jsonNested(o.partialSuccess, 'partialSuccess', jsonPartialSuccess);
  return partialSuccess === undefined ? {} : { partialSuccess };
}

function jsonPartialSuccess(o: JsonObject): ExportTracePartialSuccess {
  return {
    rejectedSpans: jsonInt64(o.rejectedSpans, 'rejectedSpans'),
    errorMessage: jsonString(o.errorMessage, 'errorMessage'),
  };
}
