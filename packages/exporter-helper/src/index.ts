export {
  DEFAULT_RETRY,
  DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
  DEFAULT_TIMEOUT_MILLIS,
  MAX_SERVER_REQUESTED_DELAY_MILLIS,
  validateRetryConfig,
  type RetryConfig,
} from './retry-config.js';
export { ExporterError, type ExporterErrorCode } from './errors.js';
export { RetryingExporter, type RetryingExporterSettings } from './retrying-exporter.js';
export type { AttemptContext, AttemptResult, ExportTransport } from './transport.js';
export { httpPostTarget, postAttempt, type HttpPostTarget } from './http-attempt.js';
export { parseRetryAfterMillis } from './retry-after.js';
export type { UniformSource } from './backoff.js';
export { QueuedExporter, type QueuedExporterOptions } from './queue/queued-exporter.js';
export {
  DEFAULT_NUM_CONSUMERS,
  DEFAULT_QUEUE_DRAIN_MILLIS,
  DEFAULT_QUEUE_SIZE,
  type QueuedExporterConfig,
} from './queue/queue-config.js';
export { EXPORT_QUEUE_METRICS, type ExportQueueMetric, type ExportQueueStats } from './queue/queue-stats.js';
