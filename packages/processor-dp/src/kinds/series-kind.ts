import type { AggregationTemporality, KeyValue, Metric } from '@otel-dp/otlp';
import type { ReleasedSeriesInfo } from '@otel-dp/pipeline';
import type { CounterProjection, OutputTemporality } from '../config.js';
import type { IntakeCounts } from '../intake-counts.js';
import type { RandomSource } from '../noise/index.js';
import type { ReleasedValue } from '../public-series.js';
import type { MetricContext } from '../series.js';
import type { MetricGroup } from '../series-directory.js';
import type { SeriesRoute } from '../series-route.js';
import type { SeriesLayout } from './layout.js';
import type { MetricSettings } from './metric-contexts.js';

/** The fields every OTLP data point has that intake reads. */
export interface IntakePoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  flags: number;
  exemplars?: unknown[];
}

/** Adds one tokened point of a metric to the window, or counts why it cannot; `series` is the window's number for its series. */
export type PointTaker<P> = (point: P, token: string, series: number, route: SeriesRoute) => void;

/** The route a point's frozen attribute list already has in its metric group, if any; changes nothing. */
export type KnownRoute<P> = (point: P) => SeriesRoute | undefined;

/**
 * What intake offers a kind while it takes one metric's points (see
 * `intake.ts`): finding each tokened point's series in the open window,
 * turning cumulative input into deltas, and the token's entry for a series.
 */
export interface KindIntake {
  readonly counts: IntakeCounts;
  /** The values of every entry of the open window; read again after {@link entry}, which may replace them. */
  readonly values: Float64Array;
  /** The context of `metric` as a metric of `kind`, with its layout (built once per metric identity). */
  metricContext(metric: Metric, kind: SeriesKind, isMonotonic: boolean, explicitBounds: number[]): MetricContext;
  /** Runs `take` on every tokened point of one metric context with its series; returns the untokened points to pass. */
  takePoints<P extends IntakePoint>(points: P[], metric: MetricContext, take: PointTaker<P>): P[];
  /**
   * Runs `take` on every tokened point, with the route its attribute list
   * already has when `known` finds one; returns the untokened points to pass.
   */
  takeEach<P extends IntakePoint>(points: P[], known: KnownRoute<P>, take: (point: P, token: string, route: SeriesRoute | undefined) => void): P[];
  /** The series group of a metric context in the current resource and scope. */
  group(metric: MetricContext): MetricGroup;
  /** The route the point's frozen attribute list already has in `group`, if any. */
  known(group: MetricGroup, point: IntakePoint): SeriesRoute | undefined;
  /** The route of a tokened point not known by identity, or undefined (counted) when it would be a series too many. */
  routeOf(point: IntakePoint, group: MetricGroup): SeriesRoute | undefined;
  /** The window's number for the route's series, or negative (counted). */
  seriesOf(route: SeriesRoute): number;
  /** Whether the point contributes; `values` then holds its delta (cumulative input is turned into one in place). */
  toDelta(temporality: number, token: string, series: number, route: SeriesRoute, point: IntakePoint, values: Float64Array, monotoneCount: number): boolean;
  /** The offset in {@link values} of the token's entry for the series, created with `initial` when new, or negative (counted). */
  entry(token: string, series: number, route: SeriesRoute, initial: ArrayLike<number> | number): number;
  /** Adds a vector of deltas (cumulative input turned into them first) to the token's entry, component by component. */
  addVector(temporality: number, token: string, series: number, route: SeriesRoute, point: IntakePoint, values: Float64Array): void;
}

/** What is written for one released series this window. */
export interface ExportedValues {
  /** Per component as written (gauges and sums: one value; histograms: buckets, then sum). */
  values: Float64Array;
  /** The headline number (a sum's value, a gauge's value, a histogram's count) for this window. */
  windowValue: number;
  /** The same number as a running total, when the series is written cumulatively. */
  cumulativeValue: number | undefined;
  /** Standard error of what is written for the headline number (of the running total when cumulative). */
  stdErr: number;
  /** The standard error of one window's headline number. */
  windowStdErr: number;
}

/** The fields every written point shares. */
export interface WrittenPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  flags: number;
}

/**
 * One OTLP metric kind, from the points taken in to the points written out.
 * Each kind lives in its own file of this folder, which also documents what
 * its window entry holds, and is registered in `registry.ts`; the stages
 * that handle every kind (intake, release, output) ask the kind and never
 * branch on it.
 *
 * - layout: what a series of the kind releases, component by component, and
 *   the units it costs against k (see `layout.ts`);
 * - accumulate: a tokened point into the token's entry of the open window;
 * - bound: an entry into one token's clamped contribution, in grid steps;
 * - exported: post-processing of the noisy values into what is written;
 * - write: the empty metric and its points, and the lines readable exporters show.
 */
export interface SeriesKind {
  /** What window summaries write as the series' `kind`; unique among the registered kinds. */
  readonly name: string;
  /** The metric's points when it holds this kind, else undefined. */
  points(metric: Metric): readonly unknown[] | undefined;
  /** The layout of a metric's series, from configuration and the metric's identity only. */
  layout(metric: Metric, explicitBounds: number[], settings: MetricSettings): SeriesLayout;
  /** Takes every tokened point of the metric into the open window; returns the metric with its untokened points to pass, if any. */
  accumulate(metric: Metric, intake: KindIntake): Metric | undefined;
  /** Writes one token's bounded contribution to a series, in grid steps per component, into `out`. */
  bound(entry: Float64Array, layout: SeriesLayout, random: RandomSource, out: Float64Array): void;
  /** Turns one window's released noisy values into what is exported; updates the series' totals. */
  exported(released: ReleasedValue, temporality: OutputTemporality, projection: CounterProjection): ExportedValues;
  /** Written as running totals since the first release when the output is cumulative (else each window alone). */
  readonly runningTotals: boolean;
  /** What the headline number is: a value in the metric's unit, or a count. */
  readonly headline: 'value' | 'count';
  /** Gives an empty written metric its data field of this kind. */
  emptyData(metric: Metric, temporality: AggregationTemporality, isMonotonic: boolean): void;
  /** Adds one released series' point to a metric `emptyData` made. */
  writePoint(metric: Metric, point: WrittenPoint, values: Float64Array, layout: SeriesLayout): void;
  /** What readable exporters show of the kind beside the headline number. */
  describe(layout: SeriesLayout, values: Float64Array, cumulativeValue: number | undefined): Pick<ReleasedSeriesInfo, 'gaugeAggregation' | 'histogram'>;
}
