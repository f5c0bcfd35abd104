import type { Metric } from '@otel-dp/otlp';
import type { ClipBounds, GaugeAggregation, MetricGlobTable } from '../config.js';
import { metricIdentity, type MetricContext } from '../series.js';
import { exponentialLayout, gaugeLayout, histogramLayout, sumLayout, type LayoutSettings, type SeriesKind, type SeriesLayout } from './layout.js';

/** Metric identities are client-chosen, so the cache is bounded; a miss only rebuilds an equal context. */
const CONTEXT_CACHE_LIMIT = 10_000;

export interface MetricSettings {
  clip: MetricGlobTable<ClipBounds>;
  clipCount: MetricGlobTable<number>;
  gaugeAggregation: MetricGlobTable<GaugeAggregation>;
  layout: LayoutSettings;
}

/** Builds each metric's context and layout once, from configuration and the metric's identity. */
export class MetricContexts {
  private readonly cache = new Map<string, MetricContext>();

  constructor(private readonly settings: MetricSettings) {}

  sum(metric: Metric, isMonotonic: boolean): MetricContext {
    return this.context(metric, 'sum', isMonotonic, [], () => sumLayout(this.settings.clip.lookup(metric.name), this.settings.layout));
  }

  gauge(metric: Metric): MetricContext {
    return this.context(metric, 'gauge', false, [], () =>
      gaugeLayout(this.settings.clip.lookup(metric.name), this.settings.gaugeAggregation.lookup(metric.name), this.settings.layout),
    );
  }

  histogram(metric: Metric, explicitBounds: number[]): MetricContext {
    return this.context(metric, 'histogram', false, explicitBounds, () =>
      histogramLayout(explicitBounds, this.settings.clip.lookup(metric.name), this.settings.clipCount.lookup(metric.name), this.settings.layout),
    );
  }

  exponentialHistogram(metric: Metric): MetricContext {
    return this.context(metric, 'exponential-histogram', false, [], () =>
      exponentialLayout(this.settings.clip.lookup(metric.name), this.settings.clipCount.lookup(metric.name), this.settings.layout),
    );
  }

  private context(metric: Metric, kind: SeriesKind, isMonotonic: boolean, explicitBounds: number[], layout: () => SeriesLayout): MetricContext {
    const key = metricIdentity(metric, kind, isMonotonic, explicitBounds);
    let context = this.cache.get(key);
    if (context === undefined) {
      context = { key, kind, name: metric.name, description: metric.description, unit: metric.unit, isMonotonic, layout: layout() };
      if (this.cache.size >= CONTEXT_CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, context);
    }
    return context;
  }
}
