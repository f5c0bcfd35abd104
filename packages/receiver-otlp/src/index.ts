export {
  DEFAULT_GRPC_LISTEN,
  DEFAULT_HTTP_LISTEN,
  DEFAULT_MAX_ATTRIBUTES_PER_POINT,
  DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
  DEFAULT_MAX_MESSAGES_PER_REQUEST,
  DEFAULT_MAX_GZIP_RATIO,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_RECEIVER_CONFIG,
  DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
  GZIP_RATIO_FLOOR_BYTES,
  MAX_REQUEST_BYTES_LIMIT,
  formatListenAddress,
  parseListenAddress,
  createDefaultConfig,
  resolveReceiverConfig,
  resolveReceiverLimits,
  tlsConfigFromFlags,
  validateReceiverConfig,
} from './config.js';
export type { ListenAddress, OtlpReceiverConfig, ReceiverLimits, ReceiverTlsConfig, ResolvedReceiverConfig } from './config.js';
export { fieldName, type ReceiverConfigField, type ReceiverSettingName } from './config.js';
export {
  DEFAULT_GRPC_KEEPALIVE_MIN_TIME_MS,
  DEFAULT_GRPC_KEEPALIVE_TIME_MS,
  DEFAULT_GRPC_KEEPALIVE_TIMEOUT_MS,
  DEFAULT_GRPC_MAX_CONCURRENT_STREAMS,
  DEFAULT_GRPC_MAX_CONNECTION_IDLE_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_INFLIGHT_BYTES,
  resolveConnectionLimits,
} from './connection-limits.js';
export type { ConnectionLimits } from './connection-limits.js';
export { AttributeLimitError, BUSY_RETRY_AFTER_SECONDS, InvalidSpanError, ReceiverBusyError, ReceiverConfigError, ReceiverStartError, RequestBodyError } from './errors.js';
export type {
  AttributeLimitErrorCode,
  InvalidSpanErrorCode,
  ReceiverBusyErrorCode,
  ReceiverConfigErrorCode,
  ReceiverStartErrorCode,
  RequestBodyErrorCode,
} from './errors.js';
export { MAX_ATTRIBUTE_NESTING_DEPTH } from './limits.js';
export { OtlpReceiver } from './receiver.js';
export type { OtlpReceiverOptions } from './receiver.js';
export type { ReceiverStats, RequestOutcome, TransportStats } from './receiver-stats.js';
export { MIN_TLS_VERSION } from './tls-files.js';
