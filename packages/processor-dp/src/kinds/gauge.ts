import type { NumberDataPoint } from '@otel-dp/otlp';
import { componentNoise, toClampedSteps } from './component-noise.js';
import { baseLayout } from './layout.js';
import { numberValue } from './point-values.js';
import type { SeriesKind } from './series-kind.js';

/**
 * A token's entry: [its last value in the window, that value's time in ms].
 * Time −∞ means none yet, so the first point always replaces the initial
 * value, and a point older than the one held never does.
 */
const VALUE = 0;
const TIME_MS = 1;
const GAUGE_INITIAL = [0, -Infinity] as const;

/**
 * Gauges. Each token contributes its last value in the window, clamped.
 *
 * - mean (the default): two components, the sum of the last values minus
 *   the layout's centre and the token count, at 2 units. Values are released
 *   centred on the middle of the clip range, so their bound is half the
 *   range rather than its largest magnitude; the centre is added back
 *   through the noisy token count. Exported per window as centre + noisy
 *   centred sum / noisy count (at least 1), clamped to the clip range.
 * - sum: one component, the sum of the last values, at 1 unit; exported as is.
 *
 * Gauges are never running totals: each window's point covers that window.
 */
export const GAUGE: SeriesKind = {
  name: 'gauge',
  runningTotals: false,
  headline: 'value',

  points: (metric) => metric.gauge?.dataPoints,

  layout(metric, _explicitBounds, settings) {
    const clip = settings.clip.lookup(metric.name);
    const aggregation = settings.gaugeAggregation.lookup(metric.name);
    const { calibration } = settings.layout;
    if (aggregation === 'sum') {
      return { ...baseLayout(clip), gaugeAggregation: aggregation, units: 1, components: [componentNoise(clip.lower, clip.upper, calibration)] };
    }
    const centre = clip.lower / 2 + clip.upper / 2;
    const components = [componentNoise(clip.lower - centre, clip.upper - centre, calibration), componentNoise(0, 1, calibration)];
    return { ...baseLayout(clip), gaugeAggregation: aggregation, centre, units: 2, components };
  },

  accumulate(metric, intake) {
    const { counts } = intake;
    const metricContext = intake.metricContext(metric, GAUGE, false, []);
    const untokened = intake.takePoints(metric.gauge!.dataPoints, metricContext, (point: NumberDataPoint, token, series, route) => {
      const value = numberValue(point);
      if (Number.isNaN(value)) return void counts.notANumber++;
      const offset = intake.entry(token, series, route, GAUGE_INITIAL);
      if (offset < 0) return;
      const entry = intake.values;
      const time = Number(point.timeUnixNano / 1_000_000n);
      if (time >= entry[offset + TIME_MS]) {
        entry[offset + VALUE] = value;
        entry[offset + TIME_MS] = time;
      }
    });
    return untokened.length === 0 ? undefined : { ...metric, gauge: { dataPoints: untokened } };
  },

  /** The last value, clamped, less the layout's centre; and 1 for the token count (mean). */
  bound(entry, layout, _random, out) {
    const { components } = layout;
    out[0] = toClampedSteps(entry[VALUE] - layout.centre, components[0]);
    if (components.length > 1) out[1] = toClampedSteps(1, components[1]);
  },

  /**
   * A mean's standard error by the delta method, from the released values
   * alone: √(σ_s² + m²·σ_n²) / n̂, m the centred mean and n̂ the noisy count.
   */
  exported(released) {
    const { layout } = released.series.descriptor.metric;
    const { values } = released;
    const [sum, count] = layout.components;
    if (layout.gaugeAggregation === 'sum') {
      return { values: Float64Array.of(values[0]), windowValue: values[0], cumulativeValue: undefined, stdErr: sum.stdDev, windowStdErr: sum.stdDev };
    }
    const tokens = Math.max(1, values[1]);
    const centred = values[0] / tokens;
    const mean = Math.min(layout.clip.upper, Math.max(layout.clip.lower, layout.centre + centred));
    const stdErr = Math.sqrt(sum.stdDev ** 2 + centred ** 2 * count.stdDev ** 2) / tokens;
    return { values: Float64Array.of(mean), windowValue: mean, cumulativeValue: undefined, stdErr, windowStdErr: stdErr };
  },

  emptyData(metric) {
    metric.gauge = { dataPoints: [] };
  },

  writePoint(metric, point, values) {
    metric.gauge!.dataPoints.push({ ...point, asDouble: values[0], exemplars: [] });
  },

  describe: (layout) => ({ gaugeAggregation: layout.gaugeAggregation }),
};
