import type { Metric } from '@otel-dp/otlp';
import { EXPONENTIAL_HISTOGRAM } from './exponential-histogram.js';
import { GAUGE } from './gauge.js';
import { HISTOGRAM } from './histogram.js';
import type { SeriesKindName } from './layout.js';
import type { SeriesKind } from './series-kind.js';
import { SUM } from './sum.js';

const SERIES_KINDS: Readonly<Record<SeriesKindName, SeriesKind>> = {
  sum: SUM,
  gauge: GAUGE,
  histogram: HISTOGRAM,
  'exponential-histogram': EXPONENTIAL_HISTOGRAM,
};

/** Every kind, in the order a metric's data fields are tried. */
export const SERIES_KIND_LIST: readonly SeriesKind[] = Object.values(SERIES_KINDS);

export function seriesKind(name: SeriesKindName): SeriesKind {
  return SERIES_KINDS[name];
}

/** The kind of a metric's points, or undefined when it holds none the processor releases (a summary, or no data). */
export function kindOf(metric: Metric): SeriesKind | undefined {
  for (const kind of SERIES_KIND_LIST) if (kind.points(metric) !== undefined) return kind;
  return undefined;
}
