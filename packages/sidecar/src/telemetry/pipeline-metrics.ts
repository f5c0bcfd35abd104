import type { MetricSample, MetricSource } from '@otel-dp/admin';
import { EXPORT_QUEUE_METRICS, type ExportQueueStats } from '@otel-dp/exporter-helper';
import { REMOTE_WRITE_METRICS, type RemoteWriteTranslationStats } from '@otel-dp/exporter-prometheus';
import type { ProcessorStats } from '@otel-dp/processor-dp';
import type { ReceiverStats, RequestOutcome } from '@otel-dp/receiver-otlp';

/**
 * The admin endpoint's metric sources: each reads counters a component
 * already keeps. Every figure is an exact sum over all tokens, not
 * privatized; label values come from fixed vocabularies (transports,
 * outcomes, reasons, exporter names), never from data. Counter names carry
 * no `_total`: `/metrics` adds it, and OpenTelemetry names go without.
 */

const OUTCOMES: readonly RequestOutcome[] = ['success', 'refused', 'failure'];

/** The receiver's counters, per enabled transport (`receiver="otlp"`, `transport="http"|"grpc"`), as the collector names them. */
export function receiverMetrics(stats: ReceiverStats, transports: ReadonlyArray<'http' | 'grpc'>): MetricSource {
  return () =>
    transports.flatMap((transport): MetricSample[] => {
      const counts = stats[transport];
      const labels = { receiver: 'otlp', transport };
      return [
        counter('otelcol_receiver_accepted_metric_points', 'Data points the pipeline took in.', counts.acceptedDataPoints, labels),
        counter('otelcol_receiver_refused_metric_points', 'Data points refused: a limit, a retryable refusal or a partial success.', counts.refusedDataPoints, labels),
        counter('otelcol_receiver_failed_metric_points', 'Data points of requests that failed inside the pipeline.', counts.failedDataPoints, labels),
        counter('otelcol_receiver_accepted_spans', 'Spans the pipeline took in (counted into span metrics, never exported).', counts.acceptedSpans, labels),
        counter('otelcol_receiver_refused_spans', 'Spans refused: a limit, a retryable refusal or a partial success.', counts.refusedSpans, labels),
        counter('otelcol_receiver_failed_spans', 'Spans of requests that failed inside the pipeline.', counts.failedSpans, labels),
        ...OUTCOMES.map((outcome) => counter('otelcol_receiver_requests', 'Export requests, by how they ended.', counts.requests[outcome], { ...labels, outcome })),
        counter('otel_dp_receiver_received_bytes', 'Request body bytes received (HTTP: as sent; gRPC: inflated).', counts.bytesReceived, labels),
      ];
    });
}

/** The privacy budget over the horizon, as the last window released reported it. */
export interface BudgetReading {
  spentEpsilon: number;
  spentDelta: number;
  /** Undefined when no cap is set. */
  remainingEpsilon: number | undefined;
  /** Per metric, series the latest window saw and did not release. */
  waiting?: { metric: string; series: number }[];
  /** What partition selection asks of a new series; absent under `--undeclared-series drop`. */
  selection?: { threshold: number; stdDev: number };
}

/**
 * The DP processor's counters, and the budget once a window has reported it.
 * @param windowEpsilon the ε every window spends (`--epsilon`).
 */
export function processorMetrics(stats: ProcessorStats, windowEpsilon: number, budget: () => BudgetReading | undefined): MetricSource {
  return () => {
    const samples: MetricSample[] = [
      counter('otel_dp_processor_accepted_metric_points', 'Tokened data points taken into a window.', stats.acceptedPoints),
      ...byReason('otel_dp_processor_refused_metric_points', 'Data points not taken into a window, by reason.', stats.refusedPoints),
      counter('otel_dp_processor_refused_requests', 'Requests refused with a retryable answer because the open window was full.', stats.refusedRequests),
      ...byReason('otel_dp_processor_dropped_attributes', 'Attributes removed before release by the attribute policy, by reason.', stats.droppedAttributes),
      counter('otel_dp_processor_windows_released', 'Windows released (each spends its ε, with or without data).', stats.windowsReleased),
      counter('otel_dp_processor_windows_withheld', 'Windows not released because the horizon\'s ε cap was reached.', stats.windowsWithheld),
      counter('otel_dp_processor_windows_failed', 'Windows whose release failed; nothing of them was exported.', stats.windowsFailed),
      counter('otel_dp_processor_series_released', 'Series released, summed over windows.', stats.seriesReleased),
      counter('otel_dp_processor_series_suppressed', 'New series held back by partition selection, summed over windows.', stats.seriesSuppressed),
      gauge('otel_dp_budget_epsilon_per_window', 'ε each window\'s release spends.', windowEpsilon),
    ];
    const reading = budget();
    if (reading !== undefined) {
      samples.push(
        gauge('otel_dp_budget_epsilon_spent', 'ε spent over the budget horizon, after the last window released.', reading.spentEpsilon),
        gauge('otel_dp_budget_delta_spent', 'δ spent over the budget horizon, after the last window released.', reading.spentDelta),
      );
      for (const { metric, series } of reading.waiting ?? []) {
        samples.push({ name: 'otel_dp_processor_series_waiting', help: 'Series the latest window saw and did not release (waiting for partition selection), per metric.', type: 'gauge', labels: { metric }, value: series });
      }
      if (reading.selection !== undefined) {
        samples.push(
          gauge('otel_dp_selection_threshold', 'Noisy distinct-token count a new series needs in one window to be released (as otel-dp plan prints).', reading.selection.threshold),
          gauge('otel_dp_selection_noise_stddev', 'Standard deviation of the noise added to that count.', reading.selection.stdDev),
        );
      }
      if (reading.remainingEpsilon !== undefined) {
        samples.push(gauge('otel_dp_budget_epsilon_remaining', 'ε left under the horizon\'s cap (--max-epsilon-horizon).', reading.remainingEpsilon));
      }
    }
    return samples;
  };
}

/** Each export queue's counters, labelled `exporter=<kind>`, named as EXPORT_QUEUE_METRICS says. */
export function queueMetrics(queues: ReadonlyArray<{ stats(): ExportQueueStats }>): MetricSource {
  return () =>
    queues.flatMap((queue) => {
      const stats = queue.stats();
      return EXPORT_QUEUE_METRICS.map(
        (metric): MetricSample => ({ name: metric.name, help: metric.help, type: metric.type, labels: { exporter: stats.exporter }, value: stats[metric.field] }),
      );
    });
}

/** The remote-write exporter's translation counters, named as REMOTE_WRITE_METRICS says. */
export function remoteWriteMetrics(remoteWrite: { stats(): RemoteWriteTranslationStats }): MetricSource {
  const { droppedMetricPoints, duplicateSamples, translatedTimeSeries } = REMOTE_WRITE_METRICS;
  return () => {
    const stats = remoteWrite.stats();
    return [
      ...droppedMetricPoints.reasons.map(
        (reason): MetricSample => counter(droppedMetricPoints.name, droppedMetricPoints.help, stats.droppedMetricPoints[reason], { [droppedMetricPoints.label]: reason }),
      ),
      counter(duplicateSamples.name, duplicateSamples.help, stats.duplicateSamples),
      counter(translatedTimeSeries.name, translatedTimeSeries.help, stats.translatedTimeSeries),
    ];
  };
}

function byReason(name: string, help: string, counts: ReadonlyMap<string, number>): MetricSample[] {
  return [...counts].map(([reason, value]) => counter(name, help, value, { reason }));
}

function counter(name: string, help: string, value: number, labels?: Record<string, string>): MetricSample {
  return labels === undefined ? { name, help, type: 'counter', value } : { name, help, type: 'counter', value, labels };
}

function gauge(name: string, help: string, value: number): MetricSample {
  return { name, help, type: 'gauge', value };
}
