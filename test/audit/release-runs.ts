import type { ExportMetricsServiceRequest, ExportTraceServiceRequest, KeyValue } from '@otel-dp/otlp';
import type { ExportBatch, Logger } from '@otel-dp/pipeline';
import { DpProcessor, type DpProcessorConfig, type NoiseSampler, type RandomSource } from '@otel-dp/processor-dp';
import { MetricsSink } from '@otel-dp/processor-dp/testing';

/** Runs start at the first window boundary from this time (ms since the epoch). */
export const AUDIT_T0 = 1_700_000_000_000;

/** One window's input: metrics, or spans, which the processor turns into span metrics itself as it does for the sidecar. */
export type AuditInput = ExportMetricsServiceRequest | ExportTraceServiceRequest;

/** Hands one window's input to the processor the way the receiver would; returns what it rejected (points, or spans). */
export async function consumeInput(processor: DpProcessor, input: AuditInput): Promise<number> {
  if ('resourceSpans' in input) return (await processor.traces.consume(input)).rejectedSpans;
  return (await processor.consume(input)).rejectedDataPoints;
}

export interface RunOptions {
  config: DpProcessorConfig;
  /** One request per window, sent 10 ms into its window. */
  requests: readonly AuditInput[];
  /** The processor's randomness; default: its own pooled node:crypto source. */
  random?: RandomSource;
  /** Replaces the processor's noise draws (the deliberately broken variant); default: its own. */
  noiseSampler?: NoiseSampler;
  /** Receives the processor's log lines; a failed release is only logged, so callers check it. */
  logger: Logger;
}

/** What one run released, and what the processor refused at intake. */
export interface RunResult {
  /** The DP releases in window order (a window that held no series at all sends none). */
  releases: ExportBatch[];
  /** Data points (spans, for span input) the processor reported as rejected, over all windows. */
  rejectedDataPoints: number;
}

/**
 * One run through a fresh processor on a manual clock: each window's request
 * arrives inside it, the next window's arrival closes it, and shutdown
 * releases the last. A fresh processor per run keeps runs independent (no
 * series is public from an earlier run).
 */
export async function runOnce(options: RunOptions): Promise<RunResult> {
  const { config, requests, random, noiseSampler, logger } = options;
  const start = Math.ceil(AUDIT_T0 / config.windowMillis) * config.windowMillis;
  let now = start + 10;
  const sink = new MetricsSink();
  const processor = new DpProcessor(config, sink, { now: () => now, random, noiseSampler, logger });
  await processor.start();
  let rejectedDataPoints = 0;
  for (let window = 0; window < requests.length; window++) {
    now = start + window * config.windowMillis + 10;
    rejectedDataPoints += await consumeInput(processor, requests[window]);
  }
  await processor.shutdown();
  return { releases: sink.releases, rejectedDataPoints };
}

/** Keeps the processor's warnings and errors (messages and fields carry no token values). */
export class ProblemLog implements Logger {
  readonly problems: string[] = [];

  debug(): void {}
  info(): void {}
  warn(message: string, fields?: Record<string, unknown>): void {
    this.problems.push(`warn: ${message} ${describeFields(fields)}`);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.problems.push(`error: ${message} ${describeFields(fields)}`);
  }
}

function describeFields(fields: Record<string, unknown> | undefined): string {
  return JSON.stringify(fields ?? {}, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

/** One released data point, flattened: a sum's value, or a histogram's buckets and sum. */
export interface ReleasedPoint {
  metric: string;
  route: string;
  kind: 'sum' | 'histogram';
  /** Sums: the value. Histograms: the sum. */
  value: number;
  /** Histograms: bucket counts; empty for sums. */
  buckets: bigint[];
  /** Histograms: the point's count field; 0n for sums. */
  count: bigint;
}

/** The point attribute that names a series' route in the audits' inputs: `route` for metrics, `span.name` for span metrics. */
export type RouteKey = 'route' | 'span.name';

function routeOf(attributes: readonly KeyValue[], key: RouteKey = 'route'): string {
  return attributes.find((attribute) => attribute.key === key)?.value.stringValue ?? '';
}

/** Every sum and histogram data point of a released request (the kinds the audit's inputs hold). */
export function releasedPoints(request: ExportMetricsServiceRequest): ReleasedPoint[] {
  const points: ReleasedPoint[] = [];
  for (const resourceMetrics of request.resourceMetrics) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        for (const point of metric.sum?.dataPoints ?? []) {
          points.push({ metric: metric.name, route: routeOf(point.attributes), kind: 'sum', value: point.asDouble ?? Number(point.asInt), buckets: [], count: 0n });
        }
        for (const point of metric.histogram?.dataPoints ?? []) {
          points.push({
            metric: metric.name,
            route: routeOf(point.attributes),
            kind: 'histogram',
            value: point.sum ?? Number.NaN,
            buckets: point.bucketCounts,
            count: point.count,
          });
        }
      }
    }
  }
  return points;
}

/** The released value of one sum series in one batch, or undefined when the series was not released. */
export function releasedSum(batch: ExportBatch | undefined, metric: string, route: string, routeKey: RouteKey = 'route'): number | undefined {
  if (batch === undefined) return undefined;
  for (const resourceMetrics of batch.request.resourceMetrics) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const candidate of scopeMetrics.metrics) {
        if (candidate.name !== metric) continue;
        for (const point of candidate.sum?.dataPoints ?? []) {
          if (routeOf(point.attributes, routeKey) === route) return point.asDouble ?? Number(point.asInt);
        }
      }
    }
  }
  return undefined;
}

/** True when `value` is a finite whole multiple of `grid` (a power of two, so the division is exact). */
export function onGrid(value: number, grid: number): boolean {
  return Number.isFinite(value) && Number.isInteger(value / grid);
}
