import { readInstrumentationScope, readPointAttributes, readResource } from './decode-common.js';
import type { DecodeLimits } from './decode-service.js';
import { ProtoReader } from './proto-reader.js';
import { WIRE_I64, WIRE_LEN, WIRE_VARINT } from './wire-format.js';
import type { InstrumentationScope, KeyValue, Resource } from './types.js';
import type { ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse, ResourceSpans, ScopeSpans, Span } from './types-traces.js';

const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;
const EMPTY: Uint8Array = new Uint8Array(0);

/**
 * Decodes a protobuf `ExportTraceServiceRequest` (the body of OTLP/HTTP
 * `POST /v1/traces` with `application/x-protobuf`, or a gRPC Export message).
 *
 * Keeps only what span metrics read (see types-traces.ts); every other field,
 * events and links included, is skipped by its wire type without being
 * decoded, so the work is linear in the input's size. Parsing follows the
 * same rules and limits as {@link decodeMetricsRequest}: with
 * `limits.maxAttributesPerList`, a resource, scope or span whose attribute
 * list passes it stops the decoding there, with an
 * {@link OtlpAttributeLimitError}.
 *
 * @throws {OtlpDecodeError} for malformed input, as the metrics decoder, and
 *   for a trace id that is not 16 bytes or a span id that is not 8 (empty is
 *   allowed: proto3 leaves a default field out). The message gives the byte
 *   offset and field, never the bytes.
 */
export function decodeTraceRequest(bytes: Uint8Array, limits: DecodeLimits = {}): ExportTraceServiceRequest {
  const r = new ProtoReader(bytes);
  r.maxAttributes = limits.maxAttributesPerList ?? Infinity;
  const resourceSpans: ResourceSpans[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag('ExportTraceServiceRequest');
    if (tag >>> 3 === 1) {
      r.expectWire(tag, WIRE_LEN, 'ExportTraceServiceRequest.resource_spans');
      resourceSpans.push(readResourceSpans(r));
    } else {
      r.skip(tag, 'ExportTraceServiceRequest');
    }
  }
  return { resourceSpans };
}

function readResourceSpans(r: ProtoReader): ResourceSpans {
  const outer = r.enter('ResourceSpans');
  let resource: Resource | undefined;
  const scopeSpans: ScopeSpans[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag('ResourceSpans');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'ResourceSpans.resource');
        resource = readResource(r);
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'ResourceSpans.scope_spans');
        scopeSpans.push(readScopeSpans(r));
        break;
      default:
        r.skip(tag, 'ResourceSpans');
    }
  }
  r.leave(outer);
  return resource === undefined ? { scopeSpans } : { resource, scopeSpans };
}

function readScopeSpans(r: ProtoReader): ScopeSpans {
  const outer = r.enter('ScopeSpans');
  let scope: InstrumentationScope | undefined;
  const spans: Span[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag('ScopeSpans');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'ScopeSpans.scope');
        scope = readInstrumentationScope(r);
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'ScopeSpans.spans');
        spans.push(readSpan(r));
        break;
      default:
        r.skip(tag, 'ScopeSpans');
    }
  }
  r.leave(outer);
  return scope === undefined ? { spans } : { scope, spans };
}

function readSpan(r: ProtoReader): Span {
  const outer = r.enter('Span');
  let traceId: Uint8Array = EMPTY;
  let spanId: Uint8Array = EMPTY;
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  let attributes: KeyValue[] = [];
  let statusCode = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('Span');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'Span.trace_id');
        traceId = readId(r, TRACE_ID_BYTES, 'Span.trace_id');
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'Span.span_id');
        spanId = readId(r, SPAN_ID_BYTES, 'Span.span_id');
        break;
      case 5:
        r.expectWire(tag, WIRE_LEN, 'Span.name');
        name = r.string('Span.name');
        break;
      case 6:
        r.expectWire(tag, WIRE_VARINT, 'Span.kind');
        kind = r.int32('Span.kind');
        break;
      case 7:
        r.expectWire(tag, WIRE_I64, 'Span.start_time_unix_nano');
        startTimeUnixNano = r.fixed64('Span.start_time_unix_nano');
        break;
      case 8:
        r.expectWire(tag, WIRE_I64, 'Span.end_time_unix_nano');
        endTimeUnixNano = r.fixed64('Span.end_time_unix_nano');
        break;
      case 9:
        r.expectWire(tag, WIRE_LEN, 'Span.attributes');
        attributes = readPointAttributes(r, tag, attributes, 'Span.attributes');
        break;
      case 15:
        r.expectWire(tag, WIRE_LEN, 'Span.status');
        statusCode = readStatusCode(r);
        break;
      default:
        r.skip(tag, 'Span');
    }
  }
  r.leave(outer);
  return { traceId, spanId, name, kind, startTimeUnixNano, endTimeUnixNano, attributes, statusCode };
}

function readId(r: ProtoReader, size: number, where: string): Uint8Array {
  const at = r.pos;
  const id = r.bytes(where);
  if (id.length !== size && id.length !== 0) r.fail(`id of ${id.length} bytes where ${size} are expected`, where, at);
  return id;
}

function readStatusCode(r: ProtoReader): number {
  const outer = r.enter('Status');
  let code = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('Status');
    if (tag >>> 3 === 3) {
      r.expectWire(tag, WIRE_VARINT, 'Status.code');
      code = r.int32('Status.code');
    } else {
      r.skip(tag, 'Status');
    }
  }
  r.leave(outer);
  return code;
}

/**
 * Decodes a protobuf `ExportTraceServiceResponse`; `partialSuccess` stays
 * undefined when the server left it out (full success).
 *
 * @throws {OtlpDecodeError} for malformed input.
 */
export function decodeTraceResponse(bytes: Uint8Array): ExportTraceServiceResponse {
  const r = new ProtoReader(bytes);
  let partialSuccess: ExportTracePartialSuccess | undefined;
  while (r.pos < r.limit) {
    const tag = r.tag('ExportTraceServiceResponse');
    if (tag >>> 3 === 1) {
      r.expectWire(tag, WIRE_LEN, 'ExportTraceServiceResponse.partial_success');
      partialSuccess = readPartialSuccess(r);
    } else {
      r.skip(tag, 'ExportTraceServiceResponse');
    }
  }
  return partialSuccess === undefined ? {} : { partialSuccess };
}

function readPartialSuccess(r: ProtoReader): ExportTracePartialSuccess {
  const outer = r.enter('ExportTracePartialSuccess');
  let rejectedSpans = 0n;
  let errorMessage = '';
  while (r.pos < r.limit) {
    const tag = r.tag('ExportTracePartialSuccess');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_VARINT, 'ExportTracePartialSuccess.rejected_spans');
        rejectedSpans = r.int64('ExportTracePartialSuccess.rejected_spans');
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'ExportTracePartialSuccess.error_message');
        errorMessage = r.string('ExportTracePartialSuccess.error_message');
        break;
      default:
        r.skip(tag, 'ExportTracePartialSuccess');
    }
  }
  r.leave(outer);
  return { rejectedSpans, errorMessage };
}

