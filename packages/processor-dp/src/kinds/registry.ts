import type { Metric } from '@otel-dp/otlp';
import { EXPONENTIAL_HISTOGRAM } from './exponential-histogram.js';
import { GAUGE } from './gauge.js';
import { HISTOGRAM } from './histogram.js';
import type { SeriesKind } from './series-kind.js';
import { SUM } from './sum.js';

/**
 * Every kind, in the order a metric's data fields are tried: registering a
 * kind is adding it here. Its `name` is a plain string, not a union derived
 * from this list, since the modules the kinds import would then import this
 * one, a cycle.
 */
export const SERIES_KIND_LIST: readonly SeriesKind[] = [SUM, GAUGE, HISTOGRAM, EXPONENTIAL_HISTOGRAM];

const SERIES_KINDS = new Map(SERIES_KIND_LIST.map((kind) => [kind.name, kind]));

/** The kind a metric context names: always a registered one, since only a kind names a context. */
export function seriesKind(name: string): SeriesKind {
  return SERIES_KINDS.get(name)!;
}

/** The kind of a metric's points, or undefined when it holds none the processor releases (a summary, or no data). */
export function kindOf(metric: Metric): SeriesKind | undefined {
  for (const kind of SERIES_KIND_LIST) if (kind.points(metric) !== undefined) return kind;
  return undefined;
}
