export {
  DEFAULT_GRPC_LISTEN,
  DEFAULT_HTTP_LISTEN,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_RECEIVER_CONFIG,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  MAX_REQUEST_BYTES_LIMIT,
  formatListenAddress,
  isLoopbackHost,
  parseListenAddress,
  validateReceiverConfig,
} from './config.js';
export type { ListenAddress, OtlpReceiverConfig } from './config.js';
export { ReceiverConfigError, ReceiverStartError, RequestBodyError } from './errors.js';
export type { ReceiverConfigErrorCode, ReceiverStartErrorCode, RequestBodyErrorCode } from './errors.js';
export { OtlpReceiver } from './receiver.js';
export type { OtlpReceiverOptions } from './receiver.js';
export { INTERNAL_ERROR_MESSAGE, isBadDataError, toGrpcStatus, toHttpStatus } from './status-mapping.js';
export type { GrpcFailure, HttpFailure } from './status-mapping.js';
