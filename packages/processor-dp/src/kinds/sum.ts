import type { NumberDataPoint } from '@otel-dp/otlp';
import { componentNoise, toClampedSteps } from './component-noise.js';
import { baseLayout } from './layout.js';
import { numberValue } from './point-values.js';
import { projectMonotoneSum } from './released-totals.js';
import type { SeriesKind } from './series-kind.js';

/** A point's value, as the one-number vector the cumulative tracker turns into a delta in place. */
const SUM_VALUE = new Float64Array(1);
/** A token's entry: [total of its deltas in the window]. */
const SUM_INITIAL = [0] as const;

/**
 * Sums (counters and up-down counters). A series releases one component, the
 * window total, clamped to the clip bounds, at a cost of 1 unit; it cannot be
 * centred, since a token that sent nothing adds 0, not the centre.
 *
 * Exported as running totals of the raw window values; monotonic ones are
 * projected onto a never-decreasing envelope unless `counterProjection` is
 * `none` (see `released-totals.ts`). Delta output writes the difference of
 * consecutive running totals.
 */
export const SUM: SeriesKind = {
  name: 'sum',
  runningTotals: true,
  headline: 'value',

  points: (metric) => metric.sum?.dataPoints,

  layout(metric, _explicitBounds, settings) {
    const clip = settings.clip.lookup(metric.name);
    return { ...baseLayout(clip), units: 1, components: [componentNoise(clip.lower, clip.upper, settings.layout.calibration)] };
  },

  accumulate(metric, intake) {
    const sum = metric.sum!;
    const { counts } = intake;
    const metricContext = intake.metricContext(metric, SUM, sum.isMonotonic, []);
    const untokened = intake.takePoints(sum.dataPoints, metricContext, (point: NumberDataPoint, token, series, route) => {
      const value = numberValue(point);
      if (Number.isNaN(value)) return void counts.notANumber++;
      SUM_VALUE[0] = value;
      if (!intake.toDelta(sum.aggregationTemporality, token, series, route, point, SUM_VALUE, sum.isMonotonic ? 1 : 0)) return;
      const offset = intake.entry(token, series, route, SUM_INITIAL);
      if (offset >= 0) intake.values[offset] += SUM_VALUE[0];
    });
    return untokened.length === 0 ? undefined : { ...metric, sum: { ...sum, dataPoints: untokened } };
  },

  bound(entry, layout, _random, out) {
    out[0] = toClampedSteps(entry[0], layout.components[0]);
  },

  exported(released, temporality, projection) {
    const { series, values } = released;
    const { layout, isMonotonic } = series.descriptor.metric;
    const { totals } = series;
    const before = totals.exported[0];
    totals.add(values);
    const cumulative = isMonotonic && projection === 'monotone' ? projectMonotoneSum(totals, layout) : (totals.exported[0] = totals.raw[0]);
    const windowStdErr = layout.components[0].stdDev;
    const stdErr = temporality === 'cumulative' ? totals.totalStdDev(layout, 0) : windowStdErr;
    const windowValue = cumulative - before;
    return { values: Float64Array.of(temporality === 'cumulative' ? cumulative : windowValue), windowValue, cumulativeValue: temporality === 'cumulative' ? cumulative : undefined, stdErr, windowStdErr };
  },

  emptyData(metric, aggregationTemporality, isMonotonic) {
    metric.sum = { dataPoints: [], aggregationTemporality, isMonotonic };
  },

  writePoint(metric, point, values) {
    metric.sum!.dataPoints.push({ ...point, asDouble: values[0], exemplars: [] });
  },

  describe: () => ({}),
};
