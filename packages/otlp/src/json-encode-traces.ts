import { Buffer } from 'node:buffer';
import { jsonKeyValueOf, jsonResourceOf, jsonScopeOf } from './json-encode.js';
import type { ExportTraceServiceRequest, Span } from './types-traces.js';

/**
 * Encodes an `ExportTraceServiceRequest` as OTLP/JSON, as a trace exporter
 * would: ids as lowercase hex, times as decimal strings, `kind` and
 * `status.code` as integers, proto3 defaults left out.
 */
export function encodeTraceRequestJson(request: ExportTraceServiceRequest): string {
  return JSON.stringify({
    resourceSpans: request.resourceSpans.map((resourceSpans) => ({
      ...(resourceSpans.resource === undefined ? {} : { resource: jsonResourceOf(resourceSpans.resource) }),
      scopeSpans: resourceSpans.scopeSpans.map((scopeSpans) => ({
        ...(scopeSpans.scope === undefined ? {} : { scope: jsonScopeOf(scopeSpans.scope) }),
        spans: scopeSpans.spans.map(jsonSpan),
      })),
    })),
  });
}

function jsonSpan(span: Span): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (span.traceId.length > 0) o.traceId = Buffer.from(span.traceId).toString('hex');
  if (span.spanId.length > 0) o.spanId = Buffer.from(span.spanId).toString('hex');
  if (span.name !== '') o.name = span.name;
  if (span.kind !== 0) o.kind = span.kind;
  if (span.startTimeUnixNano !== 0n) o.startTimeUnixNano = span.startTimeUnixNano.toString();
  if (span.endTimeUnixNano !== 0n) o.endTimeUnixNano = span.endTimeUnixNano.toString();
  if (span.attributes.length > 0) o.attributes = span.attributes.map(jsonKeyValueOf);
  if (span.statusCode !== 0) o.status = { code: span.statusCode };
  return o;
}
