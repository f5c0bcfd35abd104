import {
  AggregationTemporality,
  type ExportMetricsServiceRequest,
  type HistogramDataPoint,
  type KeyValue,
  type Metric,
  type NumberDataPoint,
} from '@otel-dp/otlp';
import { DEFAULT_DP_CONFIG, type DpProcessorConfig, type NoiseMechanismName, type OutputTemporality } from '@otel-dp/processor-dp';

/**
 * Worst-case neighbouring inputs for the privacy audit, at token level: D
 * is an honest multi-token stream, D′ = D plus one adversarial token X that,
 * in every window,
 *
 * - feeds more series than the processor lets one token keep (k), so
 *   contribution bounding has to cut it;
 * - sends 1e300, −1e300, NaN, +Infinity and −Infinity, so clamping has to
 *   hold for values no honest client sends;
 * - creates a route nobody else uses, which only partition selection keeps
 *   out of the output;
 * - adds its largest contribution to a shared route whose honest token count
 *   sits one below the selection threshold, where one token moves the chance
 *   of release the most.
 *
 * Values are fixed numbers, not random: the audit's randomness is the
 * processor's noise only.
 */

export const TOKEN_ATTRIBUTE = 'api.token';
export const ADVERSARY_TOKEN = 'tok-adversary';

/** A counter of requests per route; the audit's released series. */
export const REQUESTS_METRIC = 'http.server.requests';
/** A latency histogram per route, for the lattice checks. */
export const DURATION_METRIC = 'http.server.duration';
/** Explicit bounds of the latency histogram, in ms. */
export const DURATION_BOUNDS = [10, 50, 250];

/** Clip range of one token's window total of requests. */
export const REQUESTS_CLIP = { lower: 0, upper: 100 };
/** Clip range of one measurement of the latency histogram, in ms. */
export const DURATION_CLIP = { lower: 0, upper: 1000 };
/** Most measurements one token adds to a latency histogram per window. */
export const DURATION_CLIP_COUNT = 20;

/** The route X adds to, with honest tokens one short of the selection threshold. */
export const SHARED_ROUTE = '/checkout';
/** A route with honest tokens only. */
export const OTHER_ROUTE = '/search';
/** The route only X uses. */
export const PRIVATE_ROUTE = '/x-only';

export interface NeighbourOptions {
  /** Honest tokens on the shared route per window: the selection threshold minus one for the worst case. */
  sharedRouteTokens: number;
  /** Honest tokens on the other route per window. */
  otherRouteTokens: number;
  /** Windows the stream spans; every token sends in each. */
  windows: number;
  /** Whether every token also reports a latency histogram for its route (2 units of k each). */
  histograms: boolean;
}

/** D and D′, one request per window. */
export interface Neighbours {
  without: ExportMetricsServiceRequest[];
  with: ExportMetricsServiceRequest[];
  /** The honest total of the shared route's counter in one window (every window is alike). */
  sharedRouteTotal: number;
}

/** An honest token's counter increment in a window: 1 to 5, fixed by its index. */
function honestCount(index: number): number {
  return 1 + (index % 5);
}

export function neighbours(options: NeighbourOptions): Neighbours {
  const without: ExportMetricsServiceRequest[] = [];
  const withAdversary: ExportMetricsServiceRequest[] = [];
  for (let window = 0; window < options.windows; window++) {
    const honest = honestMetrics(options);
    without.push(request(honest));
    withAdversary.push(request(mergeAdversary(honestMetrics(options), options.histograms)));
  }
  let sharedRouteTotal = 0;
  for (let i = 0; i < options.sharedRouteTokens; i++) sharedRouteTotal += honestCount(i);
  return { without, with: withAdversary, sharedRouteTotal };
}

/**
 * A processor configuration for inputs with histograms: k = 3, so that an
 * honest token (its route's counter, 1 unit, and histogram, 2 units) is never
 * cut and X (two routes, 6 units) always is; ε = 1, δ = 1e-3, 1 s windows.
 */
export function histogramsConfig(mechanism: NoiseMechanismName, outputTemporality: OutputTemporality): DpProcessorConfig {
  return {
    ...DEFAULT_DP_CONFIG,
    mechanism,
    epsilon: 1,
    delta: 1e-3,
    maxSeriesPerToken: 3,
    windowMillis: 1000,
    outputTemporality,
    clip: [
      { pattern: REQUESTS_METRIC, ...REQUESTS_CLIP },
      { pattern: DURATION_METRIC, ...DURATION_CLIP },
    ],
    clipCount: [{ pattern: DURATION_METRIC, count: DURATION_CLIP_COUNT }],
  };
}

function honestMetrics(options: NeighbourOptions): Metric[] {
  const counts: NumberDataPoint[] = [];
  const durations: HistogramDataPoint[] = [];
  const routes: [string, number][] = [
    [SHARED_ROUTE, options.sharedRouteTokens],
    [OTHER_ROUTE, options.otherRouteTokens],
  ];
  for (const [route, tokens] of routes) {
    for (let i = 0; i < tokens; i++) {
      const labels = { route, [TOKEN_ATTRIBUTE]: `tok-${route.slice(1)}-${i}` };
      counts.push(numberPoint(honestCount(i), labels));
      // A few requests spread over the buckets; the sum stays inside count × the clip range.
      if (options.histograms) durations.push(histogramPoint([BigInt(i % 3), 2n, 1n, 0n], 40 + 7 * (i % 4), labels));
    }
  }
  const metrics = [sumMetric(counts)];
  if (options.histograms) metrics.push(histogramMetric(durations));
  return metrics;
}

/** Adds X's points to the honest metrics of one window. */
function mergeAdversary(metrics: Metric[], histograms: boolean): Metric[] {
  const shared = { route: SHARED_ROUTE, [TOKEN_ATTRIBUTE]: ADVERSARY_TOKEN };
  const own = { route: PRIVATE_ROUTE, [TOKEN_ATTRIBUTE]: ADVERSARY_TOKEN };
  // Delta points of one series add up: 1e300 + ∞ = ∞ on the shared route (its upper bound after
  // clamping, X's largest push), −1e300 − ∞ = −∞ on its own route; NaN is refused at intake.
  metrics[0].sum!.dataPoints.push(
    numberPoint(1e300, shared),
    numberPoint(Number.POSITIVE_INFINITY, shared),
    numberPoint(Number.NaN, shared),
    numberPoint(-1e300, own),
    numberPoint(Number.NEGATIVE_INFINITY, own),
  );
  if (histograms) {
    // Far more measurements than any clip count, with sums no clip range holds.
    metrics[1].histogram!.dataPoints.push(
      histogramPoint([10n ** 15n, 0n, 0n, 10n ** 15n], 1e300, shared),
      histogramPoint([0n, 1n, 0n, 0n], Number.POSITIVE_INFINITY, shared),
      histogramPoint([1n, 0n, 0n, 0n], Number.NaN, shared),
      histogramPoint([0n, 0n, 10n ** 12n, 0n], Number.NEGATIVE_INFINITY, own),
    );
  }
  return metrics;
}

function attributes(values: Record<string, string>): KeyValue[] {
  return Object.entries(values).map(([key, value]) => ({ key, value: { stringValue: value } }));
}

function numberPoint(value: number, labels: Record<string, string>): NumberDataPoint {
  return { attributes: attributes(labels), startTimeUnixNano: 0n, timeUnixNano: 0n, asDouble: value, exemplars: [], flags: 0 };
}

function histogramPoint(bucketCounts: bigint[], sum: number, labels: Record<string, string>): HistogramDataPoint {
  const count = bucketCounts.reduce((total, n) => total + n, 0n);
  return { attributes: attributes(labels), startTimeUnixNano: 0n, timeUnixNano: 0n, count, sum, bucketCounts, explicitBounds: DURATION_BOUNDS, exemplars: [], flags: 0 };
}

function sumMetric(points: NumberDataPoint[]): Metric {
  return {
    name: REQUESTS_METRIC,
    description: 'requests served',
    unit: '{request}',
    metadata: [],
    sum: { dataPoints: points, aggregationTemporality: AggregationTemporality.DELTA, isMonotonic: true },
  };
}

function histogramMetric(points: HistogramDataPoint[]): Metric {
  return {
    name: DURATION_METRIC,
    description: 'request latency',
    unit: 'ms',
    metadata: [],
    histogram: { dataPoints: points, aggregationTemporality: AggregationTemporality.DELTA },
  };
}

function request(metrics: Metric[]): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: attributes({ 'service.name': 'checkout-api' }), droppedAttributesCount: 0 },
        scopeMetrics: [{ scope: { name: 'audit', version: '1', attributes: [], droppedAttributesCount: 0 }, metrics, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}
