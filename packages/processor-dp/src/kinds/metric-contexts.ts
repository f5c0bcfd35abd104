import type { Metric } from '@otel-dp/otlp';
import type { ClipBounds, GaugeAggregation, MetricGlobTable } from '../config.js';
import { metricIdentity, type MetricContext } from '../series.js';
import type { LayoutSettings, SeriesLayout } from './layout.js';

/** Metric identities are client-chosen, so the cache is bounded; a miss only rebuilds an equal context. */
const CONTEXT_CACHE_LIMIT = 10_000;

export interface MetricSettings {
  clip: MetricGlobTable<ClipBounds>;
  clipCount: MetricGlobTable<number>;
  gaugeAggregation: MetricGlobTable<GaugeAggregation>;
  layout: LayoutSettings;
}

/** What builds a metric's layout: its kind (see `series-kind.ts`). */
export interface LayoutSource {
  readonly name: string;
  layout(metric: Metric, explicitBounds: number[], settings: MetricSettings): SeriesLayout;
}

/** Builds each metric's context and layout once, from configuration and the metric's identity. */
export class MetricContexts {
  private readonly cache = new Map<string, MetricContext>();

  constructor(private readonly settings: MetricSettings) {}

  /** `explicitBounds` key the series of explicit-bucket histograms only; other kinds pass none. */
  context(metric: Metric, kind: LayoutSource, isMonotonic: boolean, explicitBounds: number[]): MetricContext {
    const key = metricIdentity(metric, kind.name, isMonotonic, explicitBounds);
    let context = this.cache.get(key);
    if (context === undefined) {
      const layout = kind.layout(metric, explicitBounds, this.settings);
      context = { key, kind: kind.name, name: metric.name, description: metric.description, unit: metric.unit, isMonotonic, layout };
      if (this.cache.size >= CONTEXT_CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, context);
    }
    return context;
  }
}
