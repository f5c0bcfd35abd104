import type { ReleasedHistogramInfo, ReleasedSeriesInfo } from '@otel-dp/pipeline';

/** Quantiles a histogram's detail line estimates from its released buckets. */
const QUANTILES: readonly [string, number][] = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
];

/** Units that say nothing when printed after a number: dimensionless, or an annotation such as `{request}`. */
const SILENT_UNIT = /^(1|\{.*\})?$/;

export type NumberFormatter = (value: number) => string;

/**
 * The text after a series' attributes, one line or more:
 * ```
 * sum 1204 ±12.5 this window, total 5310 ±40.1 cumulative
 * gauge, mean of the tokens' last values: 42.5 ±0.8 this window
 * histogram count 98 ±3.2 this window, total 412 ±6.4 cumulative
 *     cumulative, from released buckets: sum 43180 ms, mean 104.8 ms, p50 ≈ 96.3 ms, p90 ≈ 184 ms, p99 ≈ 245 ms
 * ```
 * Every `±` is followed by what it belongs to. Gauges and histograms say
 * more than their numbers; any other kind prints its name before them, as a
 * sum does, so a kind the processor gains later reads as well. A summary
 * written before the point type was recorded prints the number alone, as it
 * used to.
 */
export function formatSeriesValue(series: ReleasedSeriesInfo, formatNumber: NumberFormatter): string[] {
  const windowPart = `${formatNumber(series.value)} ±${formatNumber(series.noiseStdDev)} this window`;
  const total =
    series.cumulative === undefined ? '' : `, total ${formatNumber(series.cumulative)} ±${formatNumber(series.cumulativeStdDev ?? series.noiseStdDev)} cumulative`;
  if (series.kind === 'gauge') {
    const aggregation = series.gaugeAggregation === 'sum' ? "sum of the tokens' last values" : "mean of the tokens' last values";
    return [`gauge, ${aggregation}: ${windowPart}`];
  }
  if (series.kind === 'histogram' || series.kind === 'exponential-histogram') {
    const head = `histogram count ${windowPart}${total}`;
    return series.histogram === undefined ? [head] : [head, `    ${histogramDetail(series.histogram, series.unit ?? '', formatNumber)}`];
  }
  return [series.kind === undefined ? `${windowPart}${total}` : `${series.kind} ${windowPart}${total}`];
}

function histogramDetail(histogram: ReleasedHistogramInfo, unit: string, formatNumber: NumberFormatter): string {
  const scope = histogram.scope === 'cumulative' ? 'cumulative' : 'this window';
  const count = histogram.counts.reduce((total, n) => total + n, 0);
  if (count <= 0) return `${scope}, from released buckets: no observations released`;
  const withUnit = (text: string): string => (SILENT_UNIT.test(unit) ? text : `${text} ${unit}`);
  const parts = [`sum ${withUnit(formatNumber(histogram.sum))}`, `mean ${withUnit(formatNumber(histogram.sum / count))}`];
  for (const [label, q] of QUANTILES) parts.push(`${label} ${withUnit(estimateQuantile(histogram, count, q, formatNumber))}`);
  return `${scope}, from released buckets: ${parts.join(', ')}`;
}

/**
 * The q-quantile by linear interpolation inside the bucket that holds rank
 * q·count, as Prometheus' histogram_quantile does. A rank in an open-ended
 * bucket says only which side of its finite bound it lies: `≤ 5`, `> 10000`.
 */
export function estimateQuantile(histogram: ReleasedHistogramInfo, count: number, q: number, formatNumber: NumberFormatter): string {
  const rank = q * count;
  let below = 0;
  for (let i = 0; i < histogram.counts.length; i++) {
    const inBucket = histogram.counts[i];
    if (inBucket <= 0 || below + inBucket < rank) {
      below += Math.max(0, inBucket);
      continue;
    }
    const lower = histogram.lowerBounds[i];
    const upper = histogram.upperBounds[i];
    if (lower === -Infinity) return `≤ ${formatNumber(upper)}`;
    if (upper === Infinity) return `> ${formatNumber(lower)}`;
    return `≈ ${formatNumber(lower + ((upper - lower) * (rank - below)) / inBucket)}`;
  }
  return `> ${formatNumber(histogram.lowerBounds[histogram.lowerBounds.length - 1])}`;
}
