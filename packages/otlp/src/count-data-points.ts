import type { ExportMetricsServiceRequest } from './types.js';

/**
 * The number of data points in a request, over all five point types (what
 * OTLP's `rejected_data_points` and the collector's point counters count).
 */
export function countDataPoints(request: ExportMetricsServiceRequest): number {
  let n = 0;
  for (const rm of request.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const data = m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram ?? m.summary;
        if (data !== undefined) n += data.dataPoints.length;
      }
    }
  }
  return n;
}
