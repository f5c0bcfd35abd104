import assert from 'node:assert/strict';
import { AggregationTemporality, type AnyValue, type ExportMetricsServiceRequest, type KeyValue } from '@otel-dp/otlp';

/** One number data point of a Sum as a backend sees it, flattened out of its request. */
export interface ReleasedPoint {
  metric: string;
  /** Resource, scope and metric name plus the point's attributes: what identifies the stream. */
  seriesKey: string;
  /** The point's own attributes, values rendered as strings. */
  attributes: Record<string, string>;
  temporality: number;
  value: number;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
}

/** Every Sum data point of `metric`, in arrival order. */
export function releasedPoints(requests: readonly ExportMetricsServiceRequest[], metric: string): ReleasedPoint[] {
  const points: ReleasedPoint[] = [];
  for (const request of requests) {
    for (const resourceMetrics of request.resourceMetrics) {
      const resourceKey = attributesKey(resourceMetrics.resource?.attributes ?? []);
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        const scopeKey = `${scopeMetrics.scope?.name ?? ''}@${scopeMetrics.scope?.version ?? ''}`;
        for (const m of scopeMetrics.metrics) {
          if (m.name !== metric || m.sum === undefined) continue;
          for (const point of m.sum.dataPoints) {
            points.push({
              metric,
              seriesKey: `${resourceKey}|${scopeKey}|${metric}|${attributesKey(point.attributes)}`,
              attributes: attributesRecord(point.attributes),
              temporality: m.sum.aggregationTemporality,
              value: point.asDouble ?? Number(point.asInt ?? 0n),
              startTimeUnixNano: point.startTimeUnixNano,
              timeUnixNano: point.timeUnixNano,
            });
          }
        }
      }
    }
  }
  return points;
}

/**
 * The total released for `metric`, summed per value of the point attribute
 * `groupBy`. A delta stream's total is the sum of its points; a cumulative
 * stream's is its latest point (by time, then arrival). Streams that differ
 * elsewhere (resource, scope, other attributes) are added together.
 */
export function releasedTotals(requests: readonly ExportMetricsServiceRequest[], metric: string, groupBy: string): Map<string, number> {
  const perSeries = new Map<string, { group: string; delta: number; latest: ReleasedPoint | undefined }>();
  for (const point of releasedPoints(requests, metric)) {
    const group = point.attributes[groupBy] ?? '';
    let series = perSeries.get(point.seriesKey);
    if (series === undefined) {
      series = { group, delta: 0, latest: undefined };
      perSeries.set(point.seriesKey, series);
    }
    if (point.temporality === AggregationTemporality.CUMULATIVE) {
      if (series.latest === undefined || point.timeUnixNano >= series.latest.timeUnixNano) series.latest = point;
    } else {
      series.delta += point.value;
    }
  }
  const totals = new Map<string, number>();
  for (const series of perSeries.values()) {
    const total = series.delta + (series.latest?.value ?? 0);
    totals.set(series.group, (totals.get(series.group) ?? 0) + total);
  }
  return totals;
}

/** Every attribute key used anywhere in the requests (resource, scope, points). */
export function attributeKeysSeen(requests: readonly ExportMetricsServiceRequest[]): Set<string> {
  const keys = new Set<string>();
  const add = (attributes: readonly KeyValue[]) => attributes.forEach((kv) => keys.add(kv.key));
  for (const request of requests) {
    for (const rm of request.resourceMetrics) {
      add(rm.resource?.attributes ?? []);
      for (const sm of rm.scopeMetrics) {
        add(sm.scope?.attributes ?? []);
        for (const m of sm.metrics) {
          const points = m.sum?.dataPoints ?? m.gauge?.dataPoints ?? m.histogram?.dataPoints ?? m.exponentialHistogram?.dataPoints ?? m.summary?.dataPoints ?? [];
          for (const point of points) add(point.attributes);
        }
      }
    }
  }
  return keys;
}

function attributesRecord(attributes: readonly KeyValue[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const kv of attributes) record[kv.key] = anyValueText(kv.value);
  return record;
}

function attributesKey(attributes: readonly KeyValue[]): string {
  return attributes
    .map((kv) => `${kv.key}=${anyValueText(kv.value)}`)
    .sort()
    .join(',');
}

function anyValueText(value: AnyValue): string {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return value.intValue.toString();
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.arrayValue !== undefined) return `[${value.arrayValue.values.map(anyValueText).join(',')}]`;
  if (value.kvlistValue !== undefined) return `{${attributesKey(value.kvlistValue.values)}}`;
  if (value.bytesValue !== undefined) return Buffer.from(value.bytesValue).toString('hex');
  return '';
}

/**
 * Fails unless `released` has exactly the keys of `truth` and each value lies
 * within `tolerance` of the true one; `context` is appended to the message.
 */
export function assertTotalsWithin(released: ReadonlyMap<string, number>, truth: ReadonlyMap<string, number>, tolerance: number, context = ''): void {
  const keys = (map: ReadonlyMap<string, number>) => [...map.keys()].sort();
  assert.deepEqual(keys(released), keys(truth), `released series differ from the recorded ones\n${context}`);
  for (const [key, expected] of truth) {
    const actual = released.get(key) ?? NaN;
    assert.ok(Math.abs(actual - expected) <= tolerance, `${key}: released ${actual}, true ${expected}, beyond ±${tolerance}\n${context}`);
  }
}

/** The total released for `metric` over all its series: {@link releasedTotals} without grouping. */
export function releasedTotal(requests: readonly ExportMetricsServiceRequest[], metric: string): number {
  let total = 0;
  for (const value of releasedTotals(requests, metric, '').values()) total += value;
  return total;
}
