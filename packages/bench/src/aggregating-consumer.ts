import {
  AggregationTemporality,
  type AnyValue,
  type ExportMetricsServiceRequest,
  type HistogramDataPoint,
  type InstrumentationScope,
  type KeyValue,
  type Metric,
  type NumberDataPoint,
  type Resource,
  type ResourceMetrics,
} from '@otel-dp/otlp';
import { type ConsumeResult, type MetricsConsumer } from '@otel-dp/pipeline';

/**
 * A plain aggregating pipeline, the second baseline of the bench: what a
 * collector does that sums every series across the tokens and exports once
 * per window, without privacy. Per request it does the same kind of work as
 * the DP processor (find each point's series with the token left out, turn a
 * cumulative stream into deltas against the last value of its (token,
 * series), add the delta to the window) and none of the rest (no bounding,
 * no selection, no noise, no budget).
 *
 * Sums and histograms add up across tokens; a gauge keeps the mean of the
 * values the tokens reported in the window. Exponential histograms and summaries are not in the
 * bench's workload: their points are refused, and said so in the result.
 */
export class AggregatingConsumer implements MetricsConsumer {
  private window = new Map<string, SeriesTotal>();
  /** Per (token, series) of a cumulative stream: its last point, to take deltas from. */
  private readonly baselines = new Map<string, Baseline>();
  /**
   * Per metric, the route of each frozen attribute list met before: the
   * decoders share one frozen list among the points with the same
   * attributes, so its keys are built once (as the DP processor does).
   */
  private readonly routes = new Map<string, Map<readonly KeyValue[], Route>>();
  private windowStart: bigint;

  constructor(
    private readonly tokenAttribute: string,
    private readonly clock: () => bigint = nowUnixNano,
  ) {
    this.windowStart = clock();
  }

  /** Series held in the open window. */
  get seriesInWindow(): number {
    return this.window.size;
  }

  /** (token, series) pairs with a cumulative baseline. */
  get baselineCount(): number {
    return this.baselines.size;
  }

  consume(request: ExportMetricsServiceRequest): Promise<ConsumeResult> {
    let refused = 0;
    for (const rm of request.resourceMetrics) {
      const resourceKey = attributesKey(rm.resource?.attributes ?? [], '');
      for (const sm of rm.scopeMetrics) {
        const scopeKey = `${resourceKey}\u001e${sm.scope?.name ?? ''}\u001e${sm.scope?.version ?? ''}`;
        for (const metric of sm.metrics) {
          const metricKey = `${scopeKey}\u001e${metric.name}\u001e${metric.unit}`;
          const context: SeriesContext = { metricKey, resource: rm.resource, resourceSchemaUrl: rm.schemaUrl, scope: sm.scope, metric };
          refused += this.addMetric(metricKey, context);
        }
      }
    }
    return Promise.resolve({ rejectedDataPoints: refused, errorMessage: refused === 0 ? '' : `${refused} points of kinds the aggregator does not sum` });
  }

  /**
   * Closes the window: the request to export (undefined when the window saw
   * nothing) with one point per series, delta over [window start, now].
   */
  closeWindow(): ExportMetricsServiceRequest | undefined {
    const end = this.clock();
    const window = this.window;
    const start = this.windowStart;
    this.window = new Map();
    this.windowStart = end;
    if (window.size === 0) return undefined;
    return windowRequest(window.values(), start, end);
  }

  private addMetric(metricKey: string, context: SeriesContext): number {
    const { metric } = context;
    if (metric.sum !== undefined) {
      const cumulative = metric.sum.aggregationTemporality === AggregationTemporality.CUMULATIVE;
      for (const point of metric.sum.dataPoints) this.addNumber(metricKey, context, point, cumulative ? 'cumulative' : 'delta');
      return 0;
    }
    if (metric.gauge !== undefined) {
      for (const point of metric.gauge.dataPoints) this.addNumber(metricKey, context, point, 'gauge');
      return 0;
    }
    if (metric.histogram !== undefined) {
      const cumulative = metric.histogram.aggregationTemporality === AggregationTemporality.CUMULATIVE;
      for (const point of metric.histogram.dataPoints) this.addHistogram(metricKey, context, point, cumulative);
      return 0;
    }
    return (metric.exponentialHistogram?.dataPoints.length ?? 0) + (metric.summary?.dataPoints.length ?? 0);
  }

  /** The series key of a point's attributes, and its stream's baseline when it has one. */
  private route(metricKey: string, attributes: readonly KeyValue[]): Route {
    const frozen = Object.isFrozen(attributes);
    let known: Map<readonly KeyValue[], Route> | undefined;
    if (frozen) {
      known = this.routes.get(metricKey);
      if (known === undefined) this.routes.set(metricKey, (known = new Map()));
      const route = known.get(attributes);
      if (route !== undefined) return route;
    }
    const seriesKey = attributesKey(attributes, this.tokenAttribute, metricKey);
    const route: Route = { seriesKey, streamKey: `${seriesKey}\u001d${tokenOf(attributes, this.tokenAttribute)}`, baseline: undefined };
    known?.set(attributes, route);
    return route;
  }

  private baselineOf(route: Route): Baseline | undefined {
    route.baseline ??= this.baselines.get(route.streamKey);
    return route.baseline;
  }

  private newBaseline(route: Route, baseline: Baseline): void {
    this.baselines.set(route.streamKey, baseline);
    route.baseline = baseline;
  }

  private addNumber(metricKey: string, context: SeriesContext, point: NumberDataPoint, kind: 'cumulative' | 'delta' | 'gauge'): void {
    const value = point.asDouble ?? Number(point.asInt ?? 0n);
    const route = this.route(metricKey, point.attributes);
    const seriesKey = route.seriesKey;
    let delta = value;
    if (kind === 'cumulative') {
      const last = this.baselineOf(route);
      if (last === undefined) {
        this.newBaseline(route, { time: point.timeUnixNano, value, counts: undefined, sum: 0 });
        return;
      }
      // An earlier or repeated time is a duplicate; a lower value is a counter reset, counted from zero.
      if (point.timeUnixNano <= last.time) return;
      delta = value >= last.value ? value - last.value : value;
      last.time = point.timeUnixNano;
      last.value = value;
    }
    const total = this.seriesTotal(seriesKey, context, point.attributes, kind === 'gauge' ? 'gauge' : 'sum', undefined);
    total.value += delta;
    total.contributions++;
  }

  private addHistogram(metricKey: string, context: SeriesContext, point: HistogramDataPoint, cumulative: boolean): void {
    const route = this.route(metricKey, point.attributes);
    const seriesKey = route.seriesKey;
    const counts = point.bucketCounts.map(Number);
    const sum = point.sum ?? 0;
    let deltaCounts = counts;
    let deltaSum = sum;
    if (cumulative) {
      const last = this.baselineOf(route);
      if (last === undefined) {
        this.newBaseline(route, { time: point.timeUnixNano, value: 0, counts, sum });
        return;
      }
      if (point.timeUnixNano <= last.time) return;
      const previous = last.counts!;
      const reset = previous.length !== counts.length || counts.some((c, i) => c < previous[i]);
      deltaCounts = reset ? counts : counts.map((c, i) => c - previous[i]);
      deltaSum = reset ? sum : sum - last.sum;
      last.time = point.timeUnixNano;
      last.counts = counts;
      last.sum = sum;
    }
    const total = this.seriesTotal(seriesKey, context, point.attributes, 'histogram', point.explicitBounds);
    if (total.counts.length !== deltaCounts.length) return;
    for (let i = 0; i < deltaCounts.length; i++) total.counts[i] += deltaCounts[i];
    total.value += deltaSum;
    total.contributions++;
  }

  private seriesTotal(seriesKey: string, context: SeriesContext, attributes: KeyValue[], kind: SeriesTotal['kind'], bounds: number[] | undefined): SeriesTotal {
    let total = this.window.get(seriesKey);
    if (total === undefined) {
      total = {
        kind,
        context,
        attributes: attributes.filter((a) => a.key !== this.tokenAttribute),
        value: 0,
        contributions: 0,
        bounds: bounds ?? [],
        counts: bounds === undefined ? [] : new Array<number>(bounds.length + 1).fill(0),
      };
      this.window.set(seriesKey, total);
    }
    return total;
  }
}

interface SeriesContext {
  /** Resource, scope, name and unit: one metric of the exported window. */
  metricKey: string;
  resource: Resource | undefined;
  resourceSchemaUrl: string;
  scope: InstrumentationScope | undefined;
  metric: Metric;
}

interface SeriesTotal {
  kind: 'sum' | 'gauge' | 'histogram';
  context: SeriesContext;
  /** The point's attributes without the token. */
  attributes: KeyValue[];
  /** Sum: the window's total; gauge: the sum of the tokens' values; histogram: the sum of observations. */
  value: number;
  contributions: number;
  bounds: number[];
  counts: number[];
}

interface Route {
  seriesKey: string;
  /** The series key and the token: one cumulative stream. */
  streamKey: string;
  baseline: Baseline | undefined;
}

interface Baseline {
  time: bigint;
  value: number;
  counts: number[] | undefined;
  sum: number;
}

function nowUnixNano(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

function tokenOf(attributes: readonly KeyValue[], tokenAttribute: string): string {
  for (const a of attributes) if (a.key === tokenAttribute) return valueText(a.value);
  return '';
}

/** The attributes as key text, `prefix` first, leaving out `skip`: cheaper than JSON.stringify, and unambiguous for the bench's keys. */
function attributesKey(attributes: readonly KeyValue[], skip: string, prefix = ''): string {
  let key = prefix;
  for (const a of attributes) if (a.key !== skip) key += `\u001f${a.key}=${valueText(a.value)}`;
  return key;
}

function valueText(value: AnyValue): string {
  if (value.stringValue !== undefined) return `s${value.stringValue}`;
  if (value.intValue !== undefined) return `i${value.intValue}`;
  if (value.doubleValue !== undefined) return `d${value.doubleValue}`;
  if (value.boolValue !== undefined) return `b${value.boolValue}`;
  return 'o';
}

/** One ResourceMetrics per resource and scope seen, one metric per series, its points over [start, end]. */
function windowRequest(totals: Iterable<SeriesTotal>, start: bigint, end: bigint): ExportMetricsServiceRequest {
  const byMetric = new Map<string, Metric>();
  const resourceMetrics: ResourceMetrics[] = [];
  for (const total of totals) {
    const { context } = total;
    let out = byMetric.get(context.metricKey);
    if (out === undefined) {
      out = { name: context.metric.name, description: context.metric.description, unit: context.metric.unit, metadata: [] };
      if (total.kind === 'histogram') out.histogram = { aggregationTemporality: AggregationTemporality.DELTA, dataPoints: [] };
      else if (total.kind === 'gauge') out.gauge = { dataPoints: [] };
      else out.sum = { aggregationTemporality: AggregationTemporality.DELTA, isMonotonic: context.metric.sum?.isMonotonic ?? false, dataPoints: [] };
      byMetric.set(context.metricKey, out);
      const rm: ResourceMetrics = { scopeMetrics: [{ metrics: [out], schemaUrl: '' }], schemaUrl: context.resourceSchemaUrl };
      if (context.resource !== undefined) rm.resource = context.resource;
      if (context.scope !== undefined) rm.scopeMetrics[0].scope = context.scope;
      resourceMetrics.push(rm);
    }
    const base = { attributes: total.attributes, startTimeUnixNano: start, timeUnixNano: end, exemplars: [], flags: 0 };
    if (out.histogram !== undefined) {
      const count = total.counts.reduce((a, b) => a + b, 0);
      out.histogram.dataPoints.push({ ...base, count: BigInt(count), sum: total.value, bucketCounts: total.counts.map(BigInt), explicitBounds: total.bounds });
    } else if (out.gauge !== undefined) {
      out.gauge.dataPoints.push({ ...base, asDouble: total.value / Math.max(1, total.contributions) });
    } else {
      out.sum!.dataPoints.push({ ...base, asDouble: total.value });
    }
  }
  return { resourceMetrics };
}
