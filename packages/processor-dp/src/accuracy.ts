import { AggregationTemporality, type ExportMetricsServiceRequest, type KeyValue, type Metric, type NumberDataPoint } from '@otel-dp/otlp';
import type { DpProcessorConfig } from './config.js';
import { normalUpperQuantile } from './distribution-functions.js';
import type { RandomSource } from './noise/index.js';
import { simulate } from './simulate.js';

/**
 * Workloads and measurements of what the release looks like over time:
 * a counter's drift after a burst and a long silence, and how close a
 * released latency histogram's count, mean and quantiles stay to the truth.
 * They replay recorded-style OTLP requests through `simulate`, the real
 * processor with its real noise; the accuracy tests and
 * `scripts/accuracy-report.mjs` share them.
 */

export const COUNTER_METRIC = 'http.server.request.count';
export const LATENCY_METRIC = 'http.server.request.duration';
export const ROUTE = '/checkout';
const ROUTE_ATTRIBUTE = 'http.route';

/** The OTel JS SDK's default explicit bucket bounds (ms). */
export const SDK_DEFAULT_BOUNDS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

const SERVICE = 'shop';

/** The service and route are declared public, so every window releases the series and only the post-processing is measured. */
export function accuracyConfig(base: DpProcessorConfig): DpProcessorConfig {
  return { ...base, publicAttributes: { ...base.publicAttributes, 'service.name': [SERVICE], [ROUTE_ATTRIBUTE]: [ROUTE] } };
}

interface Schedule {
  windowMillis: number;
  startMillis: number;
}

/** A workload: its requests, and the time through which idle windows are replayed. */
export interface Workload {
  requests: ExportMetricsServiceRequest[];
  endMillis: number;
}

/**
 * `tokens` tokens each adding `value` to a monotonic counter in each of the
 * first `burstWindows` windows, then nothing for `idleWindows` windows.
 */
export function counterBurst(options: Schedule & { tokens: number; value: number; burstWindows: number; idleWindows: number }): Workload {
  const { tokens, value, burstWindows, idleWindows, windowMillis, startMillis } = options;
  const requests: ExportMetricsServiceRequest[] = [];
  for (let window = 0; window < burstWindows; window++) {
    const time = BigInt(startMillis + window * windowMillis + 1) * 1_000_000n;
    const points: NumberDataPoint[] = [];
    for (let token = 0; token < tokens; token++) {
      points.push({ attributes: pointAttributes(token), startTimeUnixNano: time, timeUnixNano: time, asDouble: value, exemplars: [], flags: 0 });
    }
    requests.push(wrap({ name: COUNTER_METRIC, description: '', unit: '{request}', metadata: [], sum: { dataPoints: points, aggregationTemporality: AggregationTemporality.DELTA, isMonotonic: true } }));
  }
  return { requests, endMillis: startMillis + (burstWindows + idleWindows) * windowMillis - 1 };
}

/**
 * Log-normal latencies: `tokens` tokens × `perToken` measurements per window
 * for `windows` windows, median `medianMillis`, log-scale sd `sigmaLog`. The
 * values are the distribution's quantiles at evenly spread levels, dealt
 * round-robin to the tokens: the same sample every window, with no
 * randomness of its own, so all the error measured is the release's.
 * Each token sends one delta histogram point per window, explicit on
 * `bounds` or exponential at `exponentialScale`.
 */
export function latencyWorkload(
  options: Schedule & { tokens: number; perToken: number; windows: number; medianMillis: number; sigmaLog: number; bounds?: number[]; exponentialScale?: number },
): Workload & { values: Float64Array } {
  const { tokens, perToken, windows, windowMillis, startMillis, medianMillis, sigmaLog } = options;
  const n = tokens * perToken;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = medianMillis * Math.exp(sigmaLog * standardNormalQuantile((i + 0.5) / n));
  const requests: ExportMetricsServiceRequest[] = [];
  for (let window = 0; window < windows; window++) {
    const time = BigInt(startMillis + window * windowMillis + 1) * 1_000_000n;
    const points = [];
    for (let token = 0; token < tokens; token++) {
      const own: number[] = [];
      for (let j = token; j < n; j += tokens) own.push(values[j]);
      points.push({ attributes: pointAttributes(token), startTimeUnixNano: time, timeUnixNano: time, exemplars: [], flags: 0, ...histogramOf(own, options) });
    }
    const metric: Metric =
      options.exponentialScale === undefined
        ? { name: LATENCY_METRIC, description: '', unit: 'ms', metadata: [], histogram: { dataPoints: points as never, aggregationTemporality: AggregationTemporality.DELTA } }
        : { name: LATENCY_METRIC, description: '', unit: 'ms', metadata: [], exponentialHistogram: { dataPoints: points as never, aggregationTemporality: AggregationTemporality.DELTA } };
    requests.push(wrap(metric));
  }
  return { requests, endMillis: startMillis + windows * windowMillis - 1, values };
}

function histogramOf(values: number[], options: { bounds?: number[]; exponentialScale?: number }) {
  const sum = values.reduce((total, value) => total + value, 0);
  const count = BigInt(values.length);
  if (options.exponentialScale === undefined) {
    const bounds = options.bounds ?? SDK_DEFAULT_BOUNDS;
    return { count, sum, explicitBounds: bounds, bucketCounts: bucketCounts(values, bounds).map(BigInt) };
  }
  const scale = options.exponentialScale;
  const indices = values.map((value) => Math.ceil(Math.log2(value) * 2 ** scale) - 1);
  const offset = Math.min(...indices);
  const counts = new Array<bigint>(Math.max(...indices) - offset + 1).fill(0n);
  for (const index of indices) counts[index - offset]++;
  return { count, sum, scale, zeroCount: 0n, zeroThreshold: 0, positive: { offset, bucketCounts: counts } };
}

/** Counts of `values` in the upper-inclusive buckets (−∞, b₀], (b₀, b₁], …, (b_last, +∞). */
export function bucketCounts(values: ArrayLike<number>, bounds: readonly number[]): number[] {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    let bucket = 0;
    while (bucket < bounds.length && values[i] > bounds[bucket]) bucket++;
    counts[bucket]++;
  }
  return counts;
}

function standardNormalQuantile(p: number): number {
  return p < 0.5 ? -normalUpperQuantile(p) : p === 0.5 ? 0 : normalUpperQuantile(1 - p);
}

function pointAttributes(token: number): KeyValue[] {
  return [
    { key: ROUTE_ATTRIBUTE, value: { stringValue: ROUTE } },
    { key: 'api.token', value: { stringValue: `tok-${token}` } },
  ];
}

function wrap(metric: Metric): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: SERVICE } }], droppedAttributesCount: 0 },
        scopeMetrics: [{ scope: { name: 'accuracy', version: '', attributes: [], droppedAttributesCount: 0 }, metrics: [metric], schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

/** A released histogram as running totals: upper bounds of its buckets (the last +∞), counts, sum. */
export interface ReleasedHistogram {
  upperBounds: number[];
  counts: number[];
  sum: number;
}

/** Per window of one run: a released series' running total (sums) or histogram, whatever the output temporality. */
export interface ReleasedRun {
  totals: number[];
  histograms: ReleasedHistogram[];
  /** The `.dp.stderr` value of each window, when exported. */
  stdErrs: number[];
}

/**
 * Replays `workload` `runs` times and returns each run's releases of `metric`
 * as running totals: delta output is summed up window by window, so both
 * temporalities can be compared point for point.
 */
export async function releasedRuns(workload: Workload, config: DpProcessorConfig, runs: number, metric: string, random?: RandomSource): Promise<ReleasedRun[]> {
  const out: ReleasedRun[] = Array.from({ length: runs }, () => ({ totals: [], histograms: [], stdErrs: [] }));
  const cumulative = config.outputTemporality === 'cumulative';
  await simulate(workload.requests, {
    config,
    runs,
    random,
    endMillis: workload.endMillis,
    onRelease: ({ run, request }) => {
      const released = out[run];
      for (const found of request.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))) {
        if (found.name === `${metric}.dp.stderr`) released.stdErrs.push(found.gauge!.dataPoints[0].asDouble!);
        if (found.name !== metric) continue;
        if (found.sum) {
          const value = found.sum.dataPoints[0].asDouble ?? Number(found.sum.dataPoints[0].asInt);
          released.totals.push(cumulative ? value : (released.totals.at(-1) ?? 0) + value);
        } else {
          const histogram = histogramOfPoint(found);
          const previous = released.histograms.at(-1);
          if (!cumulative && previous !== undefined) {
            histogram.counts = histogram.counts.map((count, i) => count + previous.counts[i]);
            histogram.sum += previous.sum;
          }
          released.histograms.push(histogram);
          released.totals.push(histogram.counts.reduce((total, count) => total + count, 0));
        }
      }
    },
  });
  return out;
}

function histogramOfPoint(metric: Metric): ReleasedHistogram {
  if (metric.histogram) {
    const point = metric.histogram.dataPoints[0];
    return { upperBounds: [...point.explicitBounds, Infinity], counts: point.bucketCounts.map(Number), sum: point.sum ?? 0 };
  }
  const point = metric.exponentialHistogram!.dataPoints[0];
  const base = 2 ** (2 ** -point.scale);
  const positive = point.positive ?? { offset: 0, bucketCounts: [] };
  return {
    upperBounds: [point.zeroThreshold, ...positive.bucketCounts.map((_, i) => base ** (positive.offset + i + 1))],
    counts: [Number(point.zeroCount), ...positive.bucketCounts.map(Number)],
    sum: point.sum ?? 0,
  };
}

/** The difference of two running-total histograms on the same buckets: one window's histogram. */
export function windowHistogram(current: ReleasedHistogram, previous: ReleasedHistogram | undefined): ReleasedHistogram {
  if (previous === undefined) return current;
  return { upperBounds: current.upperBounds, counts: current.counts.map((count, i) => count - previous.counts[i]), sum: current.sum - previous.sum };
}

/**
 * The q-quantile of a histogram as Prometheus' histogram_quantile reads it:
 * linear within the bucket that holds rank q·count, the first bucket
 * starting at 0 (latencies are not negative), the +∞ bucket giving its lower
 * bound. NaN for an empty histogram.
 */
export function histogramQuantile(q: number, upperBounds: readonly number[], counts: readonly number[]): number {
  const total = counts.reduce((sum, count) => sum + Math.max(0, count), 0);
  if (!(total > 0)) return Number.NaN;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = Math.max(0, counts[i]);
    if (below + count >= rank && count > 0) {
      const lower = i === 0 ? 0 : upperBounds[i - 1];
      const upper = upperBounds[i];
      if (upper === Infinity) return lower;
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return upperBounds[upperBounds.length - 2];
}

/** Mean and standard error of the mean of a list of per-run errors. */
export interface ErrorSummary {
  mean: number;
  standardError: number;
  runs: number;
}

export function summarize(errors: readonly number[]): ErrorSummary {
  const runs = errors.length;
  const mean = errors.reduce((sum, error) => sum + error, 0) / runs;
  const variance = errors.reduce((sum, error) => sum + (error - mean) ** 2, 0) / Math.max(1, runs - 1);
  return { mean, standardError: Math.sqrt(variance / runs), runs };
}
