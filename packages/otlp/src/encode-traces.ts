import { writeInstrumentationScope, writeKeyValues, writeResource } from './encode-common.js';
import { encodeExportResponse } from './encode-service.js';
import { ProtoWriter } from './proto-writer.js';
import type { ExportTraceServiceRequest, ExportTraceServiceResponse, ResourceSpans, ScopeSpans, Span } from './types-traces.js';
import { fieldTag, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './wire-format.js';

/** Requests are encoded by clients, tests and the bench, never on the receiving path. */
const requestWriter = new ProtoWriter();

const RESOURCE_SPANS = fieldTag(1, WIRE_LEN);
const RESOURCE = fieldTag(1, WIRE_LEN);
const SCOPE_SPANS = fieldTag(2, WIRE_LEN);
const SCOPE = fieldTag(1, WIRE_LEN);
const SPANS = fieldTag(2, WIRE_LEN);
const TRACE_ID = fieldTag(1, WIRE_LEN);
const SPAN_ID = fieldTag(2, WIRE_LEN);
const NAME = fieldTag(5, WIRE_LEN);
const KIND = fieldTag(6, WIRE_VARINT);
const START = fieldTag(7, WIRE_I64);
const END = fieldTag(8, WIRE_I64);
const ATTRIBUTES = fieldTag(9, WIRE_LEN);
const STATUS = fieldTag(15, WIRE_LEN);
const STATUS_CODE = fieldTag(3, WIRE_VARINT);

/**
 * Encodes an `ExportTraceServiceRequest` as canonical proto3 (fields in
 * number order, defaults left out), with the fields of types-traces.ts: what
 * a trace exporter sends minus the fields the decoder skips.
 *
 * @returns a new Uint8Array the caller owns.
 */
export function encodeTraceRequest(request: ExportTraceServiceRequest): Uint8Array {
  const w = requestWriter;
  w.reset();
  for (const resourceSpans of request.resourceSpans) {
    w.varint32(RESOURCE_SPANS);
    const start = w.fork();
    writeResourceSpans(w, resourceSpans);
    w.join(start);
  }
  return w.finish();
}

function writeResourceSpans(w: ProtoWriter, resourceSpans: ResourceSpans): void {
  if (resourceSpans.resource !== undefined) {
    w.varint32(RESOURCE);
    const start = w.fork();
    writeResource(w, resourceSpans.resource);
    w.join(start);
  }
  for (const scopeSpans of resourceSpans.scopeSpans) {
    w.varint32(SCOPE_SPANS);
    const start = w.fork();
    writeScopeSpans(w, scopeSpans);
    w.join(start);
  }
}

function writeScopeSpans(w: ProtoWriter, scopeSpans: ScopeSpans): void {
  if (scopeSpans.scope !== undefined) {
    w.varint32(SCOPE);
    const start = w.fork();
    writeInstrumentationScope(w, scopeSpans.scope);
    w.join(start);
  }
  for (const span of scopeSpans.spans) {
    w.varint32(SPANS);
    const start = w.fork();
    writeSpan(w, span);
    w.join(start);
  }
}

function writeSpan(w: ProtoWriter, span: Span): void {
  if (span.traceId.length > 0) {
    w.varint32(TRACE_ID);
    w.bytes(span.traceId);
  }
  if (span.spanId.length > 0) {
    w.varint32(SPAN_ID);
    w.bytes(span.spanId);
  }
  if (span.name !== '') {
    w.varint32(NAME);
    w.string(span.name);
  }
  if (span.kind !== 0) {
    w.varint32(KIND);
    w.int32(span.kind);
  }
  if (span.startTimeUnixNano !== 0n) {
    w.varint32(START);
    w.fixed64(span.startTimeUnixNano);
  }
  if (span.endTimeUnixNano !== 0n) {
    w.varint32(END);
    w.fixed64(span.endTimeUnixNano);
  }
  writeKeyValues(w, ATTRIBUTES, span.attributes);
  if (span.statusCode !== 0) {
    w.varint32(STATUS);
    const start = w.fork();
    w.varint32(STATUS_CODE);
    w.int32(span.statusCode);
    w.join(start);
  }
}

/**
 * Encodes an `ExportTraceServiceResponse` as canonical proto3. A present
 * `partialSuccess` is written even when both its fields are defaults, so the
 * client sees it.
 *
 * @returns a new Uint8Array the caller owns.
 */
export function encodeTraceResponse(response: ExportTraceServiceResponse): Uint8Array {
  const partial = response.partialSuccess;
  return partial === undefined ? encodeExportResponse() : encodeExportResponse(partial.rejectedSpans, partial.errorMessage);
}

/**
 * Encodes an `ExportTraceServiceResponse` as OTLP/JSON: `rejectedSpans` as a
 * decimal string (proto3 JSON's int64), defaults left out.
 */
export function encodeTraceResponseJson(response: ExportTraceServiceResponse): string {
  const partial = response.partialSuccess;
  if (partial === undefined) return '{}';
  const p: { rejectedSpans?: string; errorMessage?: string } = {};
  if (partial.rejectedSpans !== 0n) p.rejectedSpans = BigInt.asIntN(64, partial.rejectedSpans).toString();
  if (partial.errorMessage !== '') p.errorMessage = partial.errorMessage;
  return JSON.stringify({ partialSuccess: p });
}
