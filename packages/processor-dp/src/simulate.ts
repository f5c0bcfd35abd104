import type { ExportMetricsServiceRequest, Metric, ResourceMetrics, ScopeMetrics } from '@otel-dp/otlp';
import { fieldName, type DpConfigField, type DpProcessorConfig, type SettingName } from './config.js';
import type { RandomSource } from './noise/index.js';
import { DpProcessor } from './processor.js';
import { MetricsSink } from './metrics-sink.js';

export interface SimulationOptions {
  config: DpProcessorConfig;
  /** Independent releases of the whole input. */
  runs: number;
  random?: RandomSource;
  /**
   * Replays every window up to the one holding this time (ms since the
   * epoch) when it is later than the last point's: idle windows, as a
   * service that went quiet releases them.
   */
  endMillis?: number;
  /** Called for each window of each run, in order, with exactly what would have been exported. */
  onRelease: (release: { run: number; windowStartMillis: number; request: ExportMetricsServiceRequest }) => void | Promise<void>;
  /** What messages call `runs` and the configuration's fields; default their names. */
  settingName?: SettingName<DpConfigField | 'runs'>;
}

/**
 * Most windows one simulation walks through, about 35 s per run. Every window
 * from the first point's to the last point's is replayed, so one stray
 * timestamp (0, or years off) would otherwise mean billions of empty windows.
 */
export const MAX_SIMULATED_WINDOWS = 1_000_000;

/**
 * Replays recorded OTLP requests through the real processor, as `otel-dp run`
 * would have released them: each point goes to the window its own timestamp
 * falls in (not its arrival), every window from the first to the last is
 * closed in turn, and each run is an independent release with fresh noise,
 * budget and state. Throws a RangeError when `runs` is below 1 or the points
 * span more than {@link MAX_SIMULATED_WINDOWS} windows.
 */
export async function simulate(requests: readonly ExportMetricsServiceRequest[], options: SimulationOptions): Promise<void> {
  const { config, runs } = options;
  const settingName = options.settingName ?? fieldName;
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`${settingName('runs')} is ${runs}, must be a whole number, at least 1`);
  const windows = splitByWindow(requests, config.windowMillis);
  if (windows.size === 0) return;
  const starts = [...windows.keys()].sort((a, b) => a - b);
  const first = starts[0];
  const endWindow = options.endMillis === undefined ? -Infinity : Math.floor(options.endMillis / config.windowMillis) * config.windowMillis;
  const last = Math.max(starts[starts.length - 1], endWindow);
  const span = (last - first) / config.windowMillis + 1;
  if (span > MAX_SIMULATED_WINDOWS) {
    throw new RangeError(
      `the recorded points span ${span} windows of ${settingName('windowMillis')} ${config.windowMillis}ms, from ${new Date(first).toISOString()} ` +
        `to ${new Date(last).toISOString()}, more than ${MAX_SIMULATED_WINDOWS}: look for points with a wrong time_unix_nano`,
    );
  }
  for (let run = 0; run < runs; run++) {
    let now = first;
    const sink = new MetricsSink();
    // Budget state is per run: each run is a release of its own, so no state directory is shared.
    const processor = new DpProcessor({ ...config, stateDir: undefined, maxEpsilonHorizon: undefined }, sink, { now: () => now, random: options.random, settingName });
    await processor.start();
    for (let start = first; start <= last; start += config.windowMillis) {
      now = start;
      const batch = windows.get(start);
      await processor.consume(batch ?? { resourceMetrics: [] });
    }
    now = last + config.windowMillis;
    await processor.shutdown();
    for (const batch of sink.releases) {
      const windowStartMillis = Number(batch.summary!.windowStartUnixNano / 1_000_000n);
      await options.onRelease({ run, windowStartMillis, request: batch.request });
    }
  }
}

/** Each window's points, as one request, keyed by the window's start. */
function splitByWindow(requests: readonly ExportMetricsServiceRequest[], windowMillis: number): Map<number, ExportMetricsServiceRequest> {
  const windows = new Map<number, ExportMetricsServiceRequest>();
  const windowOf = (timeUnixNano: bigint) => Math.floor(Number(timeUnixNano / 1_000_000n) / windowMillis) * windowMillis;
  for (const request of requests) {
    for (const resourceMetrics of request.resourceMetrics) {
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        for (const metric of scopeMetrics.metrics) {
          for (const [start, part] of splitMetric(metric, windowOf)) {
            let target = windows.get(start);
            if (target === undefined) {
              target = { resourceMetrics: [] };
              windows.set(start, target);
            }
            placeMetric(target, resourceMetrics, scopeMetrics, part);
          }
        }
      }
    }
  }
  return windows;
}

function splitMetric(metric: Metric, windowOf: (time: bigint) => number): Map<number, Metric> {
  const parts = new Map<number, Metric>();
  const split = <P extends { timeUnixNano: bigint }>(points: P[], make: (points: P[]) => Metric) => {
    const byWindow = new Map<number, P[]>();
    for (const point of points) {
      const start = windowOf(point.timeUnixNano);
      const list = byWindow.get(start);
      if (list === undefined) byWindow.set(start, [point]);
      else list.push(point);
    }
    for (const [start, list] of byWindow) parts.set(start, make(list));
  };
  if (metric.sum) split(metric.sum.dataPoints, (dataPoints) => ({ ...metric, sum: { ...metric.sum!, dataPoints } }));
  else if (metric.gauge) split(metric.gauge.dataPoints, (dataPoints) => ({ ...metric, gauge: { dataPoints } }));
  else if (metric.histogram) split(metric.histogram.dataPoints, (dataPoints) => ({ ...metric, histogram: { ...metric.histogram!, dataPoints } }));
  else if (metric.exponentialHistogram) {
    split(metric.exponentialHistogram.dataPoints, (dataPoints) => ({ ...metric, exponentialHistogram: { ...metric.exponentialHistogram!, dataPoints } }));
  } else if (metric.summary) split(metric.summary.dataPoints, (dataPoints) => ({ ...metric, summary: { dataPoints } }));
  return parts;
}

/** Appends `metric` under copies of its resource and scope (attributes shared, not copied). */
function placeMetric(target: ExportMetricsServiceRequest, resourceMetrics: ResourceMetrics, scopeMetrics: ScopeMetrics, metric: Metric): void {
  let resource = target.resourceMetrics.find((candidate) => candidate.resource === resourceMetrics.resource && candidate.schemaUrl === resourceMetrics.schemaUrl);
  if (resource === undefined) {
    resource = { ...resourceMetrics, scopeMetrics: [] };
    target.resourceMetrics.push(resource);
  }
  let scope = resource.scopeMetrics.find((candidate) => candidate.scope === scopeMetrics.scope && candidate.schemaUrl === scopeMetrics.schemaUrl);
  if (scope === undefined) {
    scope = { ...scopeMetrics, metrics: [] };
    resource.scopeMetrics.push(scope);
  }
  scope.metrics.push(metric);
}
