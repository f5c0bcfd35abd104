import { countSpans, encodeTraceRequest, type ExportTraceServiceRequest } from '@otel-dp/otlp';
import type { Payloads } from './payloads.js';

/**
 * Trace requests encoded once as OTLP/HTTP protobuf bodies. They go out as
 * built on every send: span metrics are delta points, so a span sent again
 * counts again, as the next request of the same client does, and nothing in
 * it needs a new time. `points` holds the spans of each body.
 */
export function encodeSpanPayloads(requests: readonly ExportTraceServiceRequest[]): Payloads {
  const bodies = requests.map((request) => Buffer.from(encodeTraceRequest(request)));
  const meanWireBytes = bodies.reduce((sum, body) => sum + body.length, 0) / Math.max(1, bodies.length);
  return {
    transport: 'http-protobuf-spans',
    gzip: false,
    bodies,
    points: requests.map((request) => countSpans(request)),
    meanWireBytes,
    timeOffsets: bodies.map(() => []),
    sends: bodies.map(() => 0),
    spares: bodies.map(() => []),
  };
}
