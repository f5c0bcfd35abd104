import { readInstrumentationScope, readPointAttributes, readResource } from './decode-common.js';
import type { DecodeLimits } from './decode-service.js';
import { ProtoReader } from './proto-reader.js';
import { SelectedSpanAttributes, type SpanAttributeSelection } from './span-attribute-selection.js';
import { WIRE_I64, WIRE_LEN, WIRE_VARINT } from './wire-format.js';
import type { InstrumentationScope, KeyValue, Resource } from './types.js';
import type { ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse, ResourceSpans, ScopeSpans, Span } from './types-traces.js';

const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;
const EMPTY: Uint8Array = new Uint8Array(0);
/** A span's attributes until a field gives some: frozen, so that nothing adds to the one shared list. */
const NO_ATTRIBUTES: KeyValue[] = Object.freeze([]) as unknown as KeyValue[];
/** Selections made ready once: a receiver hands the same one with every request. */
const readySelections = new WeakMap<SpanAttributeSelection, SelectedSpanAttributes>();

export interface TraceDecodeOptions extends DecodeLimits {
  /** The span attributes read; without it, every span attribute and both ids are kept. */
  spanAttributes?: SpanAttributeSelection;
}

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
 * With `options.spanAttributes`, each span keeps only the selected
 * attributes and its ids are checked but left empty. A span holding an
 * attribute whose decoding could fail or that a receiver limit could refuse
 * (see {@link SelectedSpanAttributes}) is decoded whole: a request decodes,
 * or fails with the same error, as without a selection.
 *
 * @throws {OtlpDecodeError} for malformed input, as the metrics decoder, and
 *   for a trace id that is not 16 bytes or a span id that is not 8 (empty is
 *   allowed: proto3 leaves a default field out). The message gives the byte
 *   offset and field, never the bytes.
 */
export function decodeTraceRequest(bytes: Uint8Array, options: TraceDecodeOptions = {}): ExportTraceServiceRequest {
  const r = new ProtoReader(bytes);
  r.maxAttributes = options.maxAttributesPerList ?? Infinity;
  const selected = options.spanAttributes === undefined ? undefined : readySelection(options.spanAttributes);
  const resourceSpans: ResourceSpans[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag('ExportTraceServiceRequest');
    if (tag >>> 3 === 1) {
      r.expectWire(tag, WIRE_LEN, 'ExportTraceServiceRequest.resource_spans');
      resourceSpans.push(readResourceSpans(r, selected));
    } else {
      r.skip(tag, 'ExportTraceServiceRequest');
    }
  }
  return { resourceSpans };
}

function readResourceSpans(r: ProtoReader, selected: SelectedSpanAttributes | undefined): ResourceSpans {
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
        scopeSpans.push(readScopeSpans(r, selected));
        break;
      default:
        r.skip(tag, 'ResourceSpans');
    }
  }
  r.leave(outer);
  return resource === undefined ? { scopeSpans } : { resource, scopeSpans };
}

function readScopeSpans(r: ProtoReader, selected: SelectedSpanAttributes | undefined): ScopeSpans {
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
        spans.push(selected === undefined ? readWholeSpan(r) : readSelectedSpan(r, selected));
        break;
      default:
        r.skip(tag, 'ScopeSpans');
    }
  }
  r.leave(outer);
  return scope === undefined ? { spans } : { scope, spans };
}

function readySelection(selection: SpanAttributeSelection): SelectedSpanAttributes {
  let ready = readySelections.get(selection);
  if (ready === undefined) readySelections.set(selection, (ready = new SelectedSpanAttributes(selection)));
  return ready;
}

/** A span with the selected attributes and no ids, or decoded whole when one of its attributes needs it. */
function readSelectedSpan(r: ProtoReader, selected: SelectedSpanAttributes): Span {
  const start = r.pos;
  const limit = r.limit;
  const span = readSpan(r, selected);
  if (span !== undefined) return span;
  r.pos = start;
  r.limit = limit;
  return readWholeSpan(r);
}

function readWholeSpan(r: ProtoReader): Span {
  // Without a selection nothing makes readSpan give up.
  return readSpan(r, undefined)!;
}

/** The span at `r.pos`; with `selected`, undefined as soon as it must be decoded whole. */
function readSpan(r: ProtoReader, selected: SelectedSpanAttributes | undefined): Span | undefined {
  const outer = r.enter('Span');
  const keepIds = selected === undefined;
  let attributeCount = 0;
  let traceId: Uint8Array = EMPTY;
  let spanId: Uint8Array = EMPTY;
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  let attributes = NO_ATTRIBUTES;
  let statusCode = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('Span');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'Span.trace_id');
        traceId = readId(r, TRACE_ID_BYTES, 'Span.trace_id', keepIds);
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'Span.span_id');
        spanId = readId(r, SPAN_ID_BYTES, 'Span.span_id', keepIds);
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
        if (selected === undefined) attributes = readPointAttributes(r, tag, attributes, 'Span.attributes');
        else {
          const kept = ++attributeCount > r.maxAttributes ? undefined : selected.read(r, attributes);
          if (kept === undefined) return undefined;
          attributes = kept;
        }
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

/** An id, checked; a copy when kept. */
function readId(r: ProtoReader, size: number, where: string, keep: boolean): Uint8Array {
  const at = r.pos;
  const n = r.length(where);
  if (n !== size && n !== 0) r.fail(`id of ${n} bytes where ${size} are expected`, where, at);
  const start = r.pos;
  r.pos = start + n;
  return keep && n > 0 ? r.buf.slice(start, start + n) : EMPTY;
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

