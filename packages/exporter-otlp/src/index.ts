export {
  DEFAULT_RETRY,
  DEFAULT_SHUTDOWN_DEADLINE_MILLIS,
  DEFAULT_TIMEOUT_MILLIS,
  MAX_SERVER_REQUESTED_DELAY_MILLIS,
  OTLP_PROTOCOLS,
  validateOtlpExporterConfig,
  type OtlpExporterConfig,
  type OtlpProtocol,
  type RetryConfig,
} from './config.js';
export { ExporterError, type ExporterErrorCode } from './errors.js';
export { OtlpExporter, type OtlpExporterOptions } from './otlp-exporter.js';
export { DebugExporter, type DebugExporterOptions } from './debug-exporter.js';
export { resolveOtlpExporterEndpoint } from './endpoint.js';
export { parseOtlpHeaders } from './headers.js';
export type { UniformSource } from './backoff.js';
