import type { ClipBounds } from '@otel-dp/processor-dp';
import type { ExportMetricsServiceRequest, KeyValue } from '@otel-dp/otlp';
import type { ConsumeResult, Logger, MetricsConsumer } from '@otel-dp/pipeline';
import { routeLabel } from './synthetic-app.js';

/** Windows older than this many behind the newest one are forgotten (their release never came). */
const KEPT_WINDOWS = 4;

/** One route's truth in one window: what was sent, and what is left once each token's total is clipped. */
export interface RouteTruth {
  raw: number;
  clipped: number;
}

/**
 * The true per-route totals of each window, as the processor's input sees
 * them: {@link tapTrueCounts} adds every delta of the demo metric to the
 * window in which the sidecar received it, which is the window the processor
 * puts it in (both read the wall clock on arrival; a request that lands
 * within a millisecond of a boundary may be counted on the other side).
 * Totals are kept per token so that the processor's clip (one token's total
 * per series and window) can be applied to the truth as well; the tokens
 * themselves never leave this object.
 */
export class TrueCounts {
  private readonly windows = new Map<number, Map<string, Map<string, number>>>();

  constructor(
    private readonly windowMillis: number,
    private readonly clip: ClipBounds,
  ) {}

  /** Adds per-route, per-token totals received at `atMillis`, times `sign` (-1 takes them back). */
  add(totals: ReadonlyMap<string, ReadonlyMap<string, number>>, atMillis: number, sign: 1 | -1 = 1): void {
    const start = Math.floor(atMillis / this.windowMillis) * this.windowMillis;
    let window = this.windows.get(start);
    if (window === undefined) {
      window = new Map();
      this.windows.set(start, window);
      for (const old of this.windows.keys()) {
        if (old < start - KEPT_WINDOWS * this.windowMillis) this.windows.delete(old);
      }
    }
    for (const [route, byToken] of totals) {
      let routeTotals = window.get(route);
      if (routeTotals === undefined) {
        routeTotals = new Map();
        window.set(route, routeTotals);
      }
      for (const [token, value] of byToken) routeTotals.set(token, (routeTotals.get(token) ?? 0) + sign * value);
    }
  }

  /** Removes and returns the totals of the window starting at `startMillis` (empty when nothing arrived). */
  take(startMillis: number): Map<string, RouteTruth> {
    const window = this.windows.get(startMillis);
    this.windows.delete(startMillis);
    const truth = new Map<string, RouteTruth>();
    for (const [route, byToken] of window ?? []) {
      let raw = 0;
      let clipped = 0;
      for (const value of byToken.values()) {
        raw += value;
        clipped += Math.min(this.clip.upper, Math.max(this.clip.lower, value));
      }
      truth.set(route, { raw, clipped });
    }
    return truth;
  }
}

/**
 * Wraps the processor's input: counts what each request carries for
 * `metricName` (a delta sum, as the demo application sends), then hands the
 * request on. Counting comes first, because the request belongs to the
 * processor once handed over, and because the window could be released
 * before a count added afterwards; a refused request is taken back out.
 */
export function tapTrueCounts(next: MetricsConsumer, counts: TrueCounts, options: { metricName: string; tokenAttribute: string }, logger: Logger): MetricsConsumer {
  return {
    async consume(request: ExportMetricsServiceRequest): Promise<ConsumeResult> {
      const arrivedAt = Date.now();
      const totals = routeTotals(request, options.metricName, options.tokenAttribute);
      counts.add(totals, arrivedAt, 1);
      let result: ConsumeResult;
      try {
        result = await next.consume(request);
      } catch (error) {
        counts.add(totals, arrivedAt, -1);
        throw error;
      }
      if (result.rejectedDataPoints > 0) {
        logger.warn('the processor refused demo data points; the true totals include them', { rejected: result.rejectedDataPoints });
      }
      return result;
    },
  };
}

function routeTotals(request: ExportMetricsServiceRequest, metricName: string, tokenAttribute: string): Map<string, Map<string, number>> {
  const totals = new Map<string, Map<string, number>>();
  for (const resourceMetrics of request.resourceMetrics) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        if (metric.name !== metricName || metric.sum === undefined) continue;
        for (const point of metric.sum.dataPoints) {
          const route = routeLabel(stringAttribute(point.attributes, 'http.request.method'), stringAttribute(point.attributes, 'http.route'));
          const token = stringAttribute(point.attributes, tokenAttribute);
          const value = point.asDouble ?? Number(point.asInt ?? 0n);
          let byToken = totals.get(route);
          if (byToken === undefined) {
            byToken = new Map();
            totals.set(route, byToken);
          }
          byToken.set(token, (byToken.get(token) ?? 0) + value);
        }
      }
    }
  }
  return totals;
}

export function stringAttribute(attributes: readonly KeyValue[], key: string): string {
  return attributes.find((attribute) => attribute.key === key)?.value.stringValue ?? '?';
}
