export {
  DEFAULT_RETRY,
  DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
  DEFAULT_TIMEOUT_MILLIS,
  MAX_SERVER_REQUESTED_DELAY_MILLIS,
  OTLP_PROTOCOLS,
  validateOtlpExporterConfig,
  validateRetryConfig,
  type OtlpExporterConfig,
  type OtlpProtocol,
  type RetryConfig,
} from './config.js';
export { ExporterError, type ExporterErrorCode } from './errors.js';
export { OtlpExporter, type OtlpExporterOptions } from './otlp-exporter.js';
export { RetryingExporter, type RetryingExporterSettings } from './retrying-exporter.js';
export type { AttemptContext, AttemptResult, ExportTransport } from './transport.js';
export { httpPostTarget, postAttempt, type HttpPostTarget } from './http-attempt.js';
export { DebugExporter, type DebugExporterOptions } from './debug-exporter.js';
export { FanOutExporter, type FanOutExporterOptions } from './fan-out-exporter.js';
export { QueuedExporter, type QueuedExporterOptions } from './queue/queued-exporter.js';
export {
  DEFAULT_NUM_CONSUMERS,
  DEFAULT_QUEUE_DRAIN_MILLIS,
  DEFAULT_QUEUE_SIZE,
  type QueuedExporterConfig,
} from './queue/queue-config.js';
export { EXPORT_QUEUE_METRICS, type ExportQueueMetric, type ExportQueueStats } from './queue/queue-stats.js';
export { resolveOtlpExporterEndpoint } from './endpoint.js';
export { parseOtlpHeaders } from './headers.js';
export { parseRetryAfterMillis } from './retry-after.js';
export type { UniformSource } from './backoff.js';
