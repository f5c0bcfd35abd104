/*
 * OpenTelemetry metric names to Prometheus names, as the specification's
 * Prometheus compatibility page (compatibility/prometheus_and_openmetrics.md,
 * "Metric Metadata", "Sums", "Gauges") and the collector's translator
 * (contrib pkg/translator/prometheus) do it:
 *
 *   http.server.duration, ms, histogram  -> http_server_duration_milliseconds
 *   http.server.requests, {request}, monotonic sum -> http_server_requests_total
 *   system.memory.utilization, 1, gauge -> system_memory_utilization_ratio
 *   network.io, By/s, gauge -> network_io_bytes_per_second
 */

/** How a metric is published: decides the `_total` and `_ratio` suffixes. */
export type PrometheusKind = 'counter' | 'gauge' | 'histogram' | 'summary';

/** UCUM units the collector spells out; others are kept as written (sanitized). "1" has no word: it becomes `_ratio` on gauges. */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tebibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
  '1': '',
};

/** The denominator of `x/y` units, in the singular: `By/s` -> `bytes_per_second`. */
const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/**
 * The Prometheus name of an OTLP metric, before any `_bucket`, `_sum` or
 * `_count`: the name sanitized, then the unit (unless the name already holds
 * it), then `_total` for counters and `_ratio` for gauges of unit `1`.
 * Returns "" when nothing of the name survives sanitizing.
 */
export function prometheusMetricName(name: string, unit: string, kind: PrometheusKind): string {
  let result = sanitizeMetricName(name);
  if (result === '' || result === '_') return '';
  const [main, per] = splitUnit(unit);
  const mainWord = main === '' ? '' : sanitizeUnitWord(UNIT_WORDS[main] ?? main);
  if (mainWord !== '') result = appendUnlessPresent(result, mainWord);
  const perWord = per === '' ? '' : sanitizeUnitWord(PER_UNIT_WORDS[per] ?? per);
  if (perWord !== '') result = appendUnlessPresent(result, `per_${perWord}`);
  if (kind === 'counter' && !result.endsWith('_total')) result += '_total';
  if (kind === 'gauge' && unit === '1' && !result.endsWith('_ratio')) result += '_ratio';
  return /^[0-9]/.test(result) ? `_${result}` : result;
}

/** Every character outside [a-zA-Z0-9_:] becomes `_`, and runs of `_` become one. */
export function sanitizeMetricName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_{2,}/g, '_');
}

/** Drops `{annotations}`, then splits `main/per`. */
function splitUnit(unit: string): [string, string] {
  const plain = unit.replace(/\{[^}]*\}/g, '').trim();
  const slash = plain.indexOf('/');
  if (slash < 0) return [plain, ''];
  return [plain.slice(0, slash).trim(), plain.slice(slash + 1).trim()];
}

function sanitizeUnitWord(word: string): string {
  return word.replace(/[^a-zA-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/** `name_word`, unless `word` already stands in the name as whole `_`-separated tokens. */
function appendUnlessPresent(name: string, word: string): string {
  return `_${name}_`.includes(`_${word}_`) ? name : `${name}_${word}`;
}
