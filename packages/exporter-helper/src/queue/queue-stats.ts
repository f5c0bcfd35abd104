/**
 * The counters of one export queue, for the local admin endpoint. Points
 * are OTLP data points, as the collector counts them.
 */
export interface ExportQueueStats {
  /** The queue's name (its `exporter` label). */
  exporter: string;
  /** Batches the wrapped exporter delivered. */
  sentBatches: number;
  sentMetricPoints: number;
  /** Batches given up: permanent failure, retries exhausted, unreadable on disk, or dropped at shutdown. */
  sendFailedBatches: number;
  sendFailedMetricPoints: number;
  /** Batches refused on arrival: queue full, or not written to disk. */
  enqueueFailedBatches: number;
  enqueueFailedMetricPoints: number;
  /** Batches waiting to be sent. */
  queueSize: number;
  /** Most batches that can wait (queueSize of the configuration). */
  queueCapacity: number;
  /** Batches handed to the wrapped exporter and not yet settled. */
  inFlightBatches: number;
}

/** How one field of {@link ExportQueueStats} is published. */
export interface ExportQueueMetric {
  field: Exclude<keyof ExportQueueStats, 'exporter'>;
  /** Prometheus name, after the collector's `otelcol_exporter_*` metrics where one exists. */
  name: string;
  type: 'counter' | 'gauge';
  help: string;
}

/**
 * The queue's counters as metrics, each labelled `exporter=<name>`. The
 * `_batches` counters have no collector counterpart; the rest carry the
 * collector's names, so existing dashboards read them.
 */
export const EXPORT_QUEUE_METRICS: readonly ExportQueueMetric[] = Object.freeze([
  { field: 'sentBatches', name: 'otelcol_exporter_sent_batches', type: 'counter', help: 'Batches successfully sent to the destination.' },
  { field: 'sentMetricPoints', name: 'otelcol_exporter_sent_metric_points', type: 'counter', help: 'Metric points successfully sent to the destination.' },
  { field: 'sendFailedBatches', name: 'otelcol_exporter_send_failed_batches', type: 'counter', help: 'Batches that could not be delivered and were dropped.' },
  { field: 'sendFailedMetricPoints', name: 'otelcol_exporter_send_failed_metric_points', type: 'counter', help: 'Metric points that could not be delivered and were dropped.' },
  { field: 'enqueueFailedBatches', name: 'otelcol_exporter_enqueue_failed_batches', type: 'counter', help: 'Batches dropped on arrival: queue full or not persisted.' },
  { field: 'enqueueFailedMetricPoints', name: 'otelcol_exporter_enqueue_failed_metric_points', type: 'counter', help: 'Metric points dropped on arrival: queue full or not persisted.' },
  { field: 'queueSize', name: 'otelcol_exporter_queue_size', type: 'gauge', help: 'Batches waiting in the export queue.' },
  { field: 'queueCapacity', name: 'otelcol_exporter_queue_capacity', type: 'gauge', help: 'Most batches the export queue holds.' },
  { field: 'inFlightBatches', name: 'otelcol_exporter_in_flight_requests', type: 'gauge', help: 'Batches being sent.' },
] satisfies ExportQueueMetric[]);
