/**
 * One value of otel-dp's own telemetry, as a component reports it.
 *
 * These values are exact sums over every token, not privatized: they are
 * served on the local admin endpoint and leave it only through opt-in
 * self-telemetry.
 */
export interface MetricSample {
  /**
   * The metric's name in OpenTelemetry form, e.g.
   * `otelcol_receiver_accepted_metric_points`: letters, digits, `_` and `:`,
   * not starting with a digit. `/metrics` adds `_total` to a counter whose
   * name does not already end with it.
   */
  name: string;
  /** One line saying what is counted, with its unit. */
  help: string;
  /** `counter`: only grows while the process lives. `gauge`: goes up and down. */
  type: 'counter' | 'gauge';
  /**
   * Labels from fixed vocabularies only (a reason, an exporter name, a
   * transport), never from data. A value that is long, holds a control
   * character other than a line feed, or looks like a credential drops the
   * whole sample with a warning. Absent: no labels.
   */
  labels?: Record<string, string>;
  /** A finite number; a counter's is also at least 0. */
  value: number;
}

/**
 * Reads current values; called on each scrape of `/metrics` and on each
 * self-telemetry collection, so it should only read counters that are
 * already kept. A source that throws is skipped for that read (and logged).
 */
export type MetricSource = () => MetricSample[];

/**
 * The name `/metrics` publishes a sample under: a counter's name ends with
 * `_total` (added when missing), as Prometheus and the collector's own
 * `/metrics` name counters.
 */
export function prometheusName(sample: Pick<MetricSample, 'name' | 'type'>): string {
  return sample.type === 'counter' && !sample.name.endsWith('_total') ? `${sample.name}_total` : sample.name;
}
