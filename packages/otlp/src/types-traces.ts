import type { InstrumentationScope, KeyValue, Resource } from './types.js';

// The part of opentelemetry.proto.trace.v1 that span metrics read. The
// decoders skip every other field (trace_state, parent_span_id, flags,
// events, links, dropped counts, the status message) as unknown fields: no
// consumer here may see them, and not keeping them saves their allocation.

export interface ExportTraceServiceRequest {
  resourceSpans: ResourceSpans[];
}

export interface ResourceSpans {
  resource?: Resource;
  scopeSpans: ScopeSpans[];
}

export interface ScopeSpans {
  scope?: InstrumentationScope;
  spans: Span[];
}

/** `Span.SpanKind`. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

/** `Status.StatusCode`. */
export const StatusCode = {
  UNSET: 0,
  OK: 1,
  ERROR: 2,
} as const;

export interface Span {
  /** 16 bytes, or empty when the producer left it out or the decoder was given a span attribute selection. */
  traceId: Uint8Array;
  /** 8 bytes, or empty as `traceId`. */
  spanId: Uint8Array;
  name: string;
  /** A `SpanKind` value; unknown values are kept as sent, as proto3 open enums are. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: KeyValue[];
  /** `status.code`, a `StatusCode` value; 0 (unset) when there is no status. */
  statusCode: number;
}

export interface ExportTracePartialSuccess {
  rejectedSpans: bigint;
  errorMessage: string;
}

export interface ExportTraceServiceResponse {
  partialSuccess?: ExportTracePartialSuccess;
}
