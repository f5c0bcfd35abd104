import type { ExportMetricsServiceRequest, ExportTraceServiceRequest, ResourceSpans, ScopeSpans } from '@otel-dp/otlp';
import { spanMetrics, type UntokenedPolicy } from '@otel-dp/processor-dp';
import type { SpanMetricsSettings } from '../span-metrics-config.js';

const NANOS_PER_MILLI = 1_000_000n;

export interface RecordedSpanOptions {
  windowMillis: number;
  tokenAttribute: string;
  untokened: UntokenedPolicy;
  settings: SpanMetricsSettings;
}

/** What became of the recorded spans. */
export interface RecordedSpanCounts {
  spans: number;
  counted: number;
  untokened: number;
  invalid: number;
  skipped: number;
}

/**
 * Recorded trace requests as the span metrics `otel-dp run` would have made
 * of them: each span in the window its end time falls in (a span is
 * exported when it ends), each window's spans through `spanMetrics()` with
 * the points stamped at the window's start, so that the replay puts them in
 * that window.
 */
export function recordedSpanMetrics(traces: readonly ExportTraceServiceRequest[], options: RecordedSpanOptions): { requests: ExportMetricsServiceRequest[]; counts: RecordedSpanCounts } {
  const counts: RecordedSpanCounts = { spans: 0, counted: 0, untokened: 0, invalid: 0, skipped: 0 };
  const requests: ExportMetricsServiceRequest[] = [];
  const window = BigInt(options.windowMillis) * NANOS_PER_MILLI;
  for (const request of traces) {
    for (const [start, byWindow] of splitByEndWindow(request, window)) {
      const result = spanMetrics(byWindow, { ...options.settings, tokenAttribute: options.tokenAttribute, untokened: options.untokened, timeUnixNano: start });
      counts.counted += result.counted;
      counts.untokened += result.untokened;
      counts.invalid += result.invalid;
      counts.skipped += result.skipped;
      if (result.metrics.resourceMetrics.length > 0) requests.push(result.metrics);
    }
    for (const resourceSpans of request.resourceSpans) for (const scopeSpans of resourceSpans.scopeSpans) counts.spans += scopeSpans.spans.length;
  }
  return { requests, counts };
}

/** The request's spans by the start of the window holding their end time, each part keeping its resource and scope. */
function splitByEndWindow(request: ExportTraceServiceRequest, window: bigint): Map<bigint, ExportTraceServiceRequest> {
  const parts = new Map<bigint, ExportTraceServiceRequest>();
  for (const resourceSpans of request.resourceSpans) {
    const resources = new Map<bigint, ResourceSpans>();
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const scopes = new Map<bigint, ScopeSpans>();
      for (const span of scopeSpans.spans) {
        const start = span.endTimeUnixNano - (span.endTimeUnixNano % window);
        let scope = scopes.get(start);
        if (scope === undefined) {
          scope = { ...scopeSpans, spans: [] };
          scopes.set(start, scope);
          let resource = resources.get(start);
          if (resource === undefined) {
            resource = { ...resourceSpans, scopeSpans: [] };
            resources.set(start, resource);
            let part = parts.get(start);
            if (part === undefined) parts.set(start, (part = { resourceSpans: [] }));
            part.resourceSpans.push(resource);
          }
          resource.scopeSpans.push(scope);
        }
        scope.spans.push(span);
      }
    }
  }
  return parts;
}
