import { formatSeriesValue } from './debug-series-format.js';
import type { AnyValue, ExportMetricsServiceRequest, KeyValue, Metric } from '@otel-dp/otlp';
import type { BudgetStatus, WindowSummary } from '@otel-dp/pipeline';

/** Significant digits printed for non-integer numbers; enough to read, few enough to stay stable. */
const SIGNIFICANT_DIGITS = 6;
/** String attribute values with these characters are JSON-quoted, so a line stays unambiguous. */
const NEEDS_QUOTES = /[\s,{}=\[\]"\\]|^$/;

/**
 * A DP release as text:
 * ```
 * dp window 2024-05-01T12:00:00.000Z – 2024-05-01T12:01:00.000Z mechanism=gaussian ε=1 δ=1e-9 released=2 suppressed=1
 *   privacy budget over 1h: spent ε=3 δ=3e-9, remaining ε=7
 *   ± is one standard deviation of the noise in the number before it
 *   http.server.requests {http.route=/users, service.name=api} sum 1204 ±12.5 this window, total 5310 ±40.1 cumulative
 *   http.server.request.duration {http.route=/users} histogram count 98 ±3.2 this window
 *       this window, from released buckets: sum 10270 ms, mean 104.8 ms, p50 ≈ 96.3 ms, p90 ≈ 184 ms, p99 ≈ 245 ms
 * ```
 * Each `±` says whether it is the noise of this window's release or of the
 * running total exported; histograms add a line estimated from the released
 * buckets (see debug-series-format.ts). The budget line appears when the
 * summary carries one; it has spaces before the colon, which no metric name
 * has. Series are sorted by metric name, then attributes, whatever order the
 * processor produced them in.
 */
/**
 * The processor settings the output points to when series wait, which a
 * program that names them otherwise (the sidecar's flags) renames.
 */
export type DebugSetting = 'undeclaredSeries' | 'publicAttributes';

export function formatWindowSummary(summary: WindowSummary, settingName: (setting: DebugSetting) => string = (setting) => setting): string {
  const header =
    `dp window ${isoTime(summary.windowStartUnixNano)} – ${isoTime(summary.windowEndUnixNano)}` +
    ` mechanism=${summary.mechanism} ε=${formatNumber(summary.epsilon)} δ=${formatNumber(summary.delta)}` +
    ` released=${summary.series.length} suppressed=${summary.suppressedSeries}`;
  const budget = summary.budget === undefined ? [] : [`  ${formatBudget(summary.budget)}`];
  const waiting = summary.waiting === undefined || summary.waiting.length === 0 ? [] : [`  ${formatWaiting(summary, settingName)}`];
  const legend = summary.series.length === 0 ? [] : [`  ${STD_DEV_LEGEND}`];
  const lines = summary.series
    .map((series) => ({ metric: series.metric, attributes: formatAttributes(series.attributes), rest: formatSeriesValue(series, formatNumber) }))
    .sort(compareSeriesLines)
    .flatMap((line) => [`  ${line.metric} ${line.attributes} ${line.rest[0]}`, ...line.rest.slice(1).map((more) => `  ${more}`)]);
  return [header, ...budget, ...waiting, ...legend, ...lines].join('\n') + '\n';
}

const STD_DEV_LEGEND = '± is one standard deviation of the noise in the number before it';

/**
 * `waiting for partition selection: m1 6 series, m2 1 series; a new series is released once its distinct tokens in a window, plus noise (σ 20.9), reach 113`:
 * says why series are held back and what it takes, with the threshold `otel-dp plan` prints.
 */
function formatWaiting(summary: WindowSummary, settingName: (setting: DebugSetting) => string): string {
  const counts = (summary.waiting ?? []).map((entry) => `${entry.metric} ${entry.series} series`).join(', ');
  const needs =
    summary.selection === undefined
      ? `undeclared series are never released (${settingName('undeclaredSeries')} drop): declare them with ${settingName('publicAttributes')}`
      : `a new series is released once its distinct tokens in a window, plus noise (σ ${formatNumber(Number(summary.selection.stdDev.toPrecision(4)))}), reach ${formatNumber(Number(summary.selection.threshold.toPrecision(4)))}`;
  return `waiting for partition selection: ${counts}; ${needs}`;
}

/** `privacy budget over <horizon>: spent ε=… δ=…, remaining ε=…`, or `…, no cap` when none is set. */
function formatBudget(budget: BudgetStatus): string {
  const remaining = budget.remainingEpsilon === undefined ? 'no cap' : `remaining ε=${formatNumber(budget.remainingEpsilon)}`;
  return `privacy budget over ${formatDuration(budget.horizonMillis)}: spent ε=${formatNumber(budget.spentEpsilon)} δ=${formatNumber(budget.spentDelta)}, ${remaining}`;
}

const DURATION_UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** Milliseconds in the largest unit that divides them exactly: 3600000 → 1h, 90000 → 90s. */
function formatDuration(millis: number): string {
  for (const [unit, size] of DURATION_UNITS) {
    if (millis >= size && millis % size === 0) return `${millis / size}${unit}`;
  }
  return `${formatNumber(millis)}ms`;
}

/**
 * Data forwarded without privacy (untokened points when the processor's `untokened` is `pass`):
 * a header with the point count, then one line per point with its metric,
 * its resource, scope and point attributes, and its value.
 */
export function formatUntouchedRequest(request: ExportMetricsServiceRequest): string {
  const lines: string[] = [];
  for (const resourceMetrics of request.resourceMetrics) {
    const resourceAttributes = resourceMetrics.resource?.attributes ?? [];
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      const inherited = [...resourceAttributes, ...(scopeMetrics.scope?.attributes ?? [])];
      for (const metric of scopeMetrics.metrics) {
        for (const point of pointTexts(metric)) {
          lines.push(`  ${metric.name} ${formatAttributes([...inherited, ...point.attributes])} ${point.text}`);
        }
      }
    }
  }
  return [`untokened data forwarded untouched (no privacy applied): ${lines.length} points`, ...lines].join('\n') + '\n';
}

interface PointText {
  attributes: KeyValue[];
  text: string;
}

function pointTexts(metric: Metric): PointText[] {
  if (metric.gauge) return metric.gauge.dataPoints.map((p) => ({ attributes: p.attributes, text: `gauge ${numberValue(p.asDouble, p.asInt)}` }));
  if (metric.sum) return metric.sum.dataPoints.map((p) => ({ attributes: p.attributes, text: `sum ${numberValue(p.asDouble, p.asInt)}` }));
  if (metric.histogram) {
    return metric.histogram.dataPoints.map((p) => ({
      attributes: p.attributes,
      text: `histogram count=${p.count}${optionalSum(p.sum)} buckets=[${p.bucketCounts.join(', ')}] bounds=[${p.explicitBounds.map(formatNumber).join(', ')}]`,
    }));
  }
  if (metric.exponentialHistogram) {
    return metric.exponentialHistogram.dataPoints.map((p) => ({
      attributes: p.attributes,
      text: `exponential-histogram count=${p.count}${optionalSum(p.sum)} scale=${p.scale} zero=${p.zeroCount}`,
    }));
  }
  if (metric.summary) {
    return metric.summary.dataPoints.map((p) => ({ attributes: p.attributes, text: `summary count=${p.count} sum=${formatNumber(p.sum)}` }));
  }
  return [];
}

function numberValue(asDouble: number | undefined, asInt: bigint | undefined): string {
  if (asInt !== undefined) return asInt.toString();
  return asDouble === undefined ? 'none' : formatNumber(asDouble);
}

function optionalSum(sum: number | undefined): string {
  return sum === undefined ? '' : ` sum=${formatNumber(sum)}`;
}

function compareSeriesLines(a: { metric: string; attributes: string }, b: { metric: string; attributes: string }): number {
  return compareText(a.metric, b.metric) || compareText(a.attributes, b.attributes);
}

/** Code-unit order, so the output does not depend on the host's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `{k1=v1, k2=v2}` sorted by key; a key given twice keeps its last value. */
export function formatAttributes(attributes: readonly KeyValue[]): string {
  const byKey = new Map<string, string>();
  for (const attribute of attributes) byKey.set(attribute.key, formatAnyValue(attribute.value));
  const keys = [...byKey.keys()].sort(compareText);
  return `{${keys.map((key) => `${key}=${byKey.get(key)}`).join(', ')}}`;
}

function formatAnyValue(value: AnyValue): string {
  if (value.stringValue !== undefined) return NEEDS_QUOTES.test(value.stringValue) ? JSON.stringify(value.stringValue) : value.stringValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.intValue !== undefined) return value.intValue.toString();
  if (value.doubleValue !== undefined) return formatNumber(value.doubleValue);
  if (value.arrayValue !== undefined) return `[${value.arrayValue.values.map(formatAnyValue).join(', ')}]`;
  if (value.kvlistValue !== undefined) return formatAttributes(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return `0x${Buffer.from(value.bytesValue).toString('hex')}`;
  return '""';
}

/** Integers in full, other numbers to SIGNIFICANT_DIGITS, without trailing zeros. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(SIGNIFICANT_DIGITS)));
}

/** Nanoseconds since the epoch as an ISO 8601 time, to the millisecond; out-of-range times print as raw nanoseconds. */
function isoTime(unixNano: bigint): string {
  const date = new Date(Number(unixNano / 1_000_000n));
  return Number.isNaN(date.getTime()) ? `${unixNano}ns` : date.toISOString();
}
