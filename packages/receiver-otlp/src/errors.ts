import { CodedError } from '@otel-dp/otlp';

/**
 * Stable codes of {@link ReceiverConfigError}:
 * - RECEIVER_CONFIG_INVALID: a listen address or a limit is malformed, or a
 *   TLS file cannot be read or is not what it should be.
 */
export type ReceiverConfigErrorCode = 'RECEIVER_CONFIG_INVALID';

/** A configuration value the receiver cannot use: `field` is the one at fault, and the message names it. */
export class ReceiverConfigError extends CodedError<ReceiverConfigErrorCode> {
  /** The configuration field (or option) at fault, e.g. `maxGzipRatio` or `tls.certFile`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('RECEIVER_CONFIG_INVALID', message);
    this.field = field;
  }
}

/**
 * Stable codes of {@link ReceiverStartError}:
 * - RECEIVER_LISTEN_FAILED: a listener could not bind (port taken, address not local…).
 * - RECEIVER_SHUT_DOWN: `start()` was called after `shutdown()`; a receiver does not restart.
 */
export type ReceiverStartErrorCode = 'RECEIVER_LISTEN_FAILED' | 'RECEIVER_SHUT_DOWN';

/** Why `OtlpReceiver.start()` rejected. */
export class ReceiverStartError extends CodedError<ReceiverStartErrorCode> {}

/**
 * Stable codes of {@link RequestBodyError}, each an answer to one request:
 * - RECEIVER_BODY_TOO_LARGE: declared or inflated size over `maxRequestBytes` (HTTP 413).
 * - RECEIVER_GZIP_RATIO_EXCEEDED: gzip that inflates more than `maxGzipRatio` times its size (HTTP 400).
 * - RECEIVER_UNSUPPORTED_ENCODING: a `Content-Encoding` other than gzip or identity (HTTP 400).
 * - RECEIVER_BAD_COMPRESSION: the body is not valid gzip (HTTP 400).
 * - RECEIVER_BAD_GRPC_FRAME: an OTLP/gRPC call whose length-prefixed message is
 *   cut short, followed by more bytes, missing, or marked compressed without
 *   a `grpc-encoding` (gRPC INVALID_ARGUMENT).
 * - RECEIVER_BODY_ABORTED: the client went away before the body ended (no answer is possible).
 * - RECEIVER_TOO_MANY_MESSAGES: a protobuf request of more messages than `maxMessagesPerRequest` (HTTP 400).
 */
export type RequestBodyErrorCode =
  | 'RECEIVER_BODY_TOO_LARGE'
  | 'RECEIVER_GZIP_RATIO_EXCEEDED'
  | 'RECEIVER_UNSUPPORTED_ENCODING'
  | 'RECEIVER_BAD_COMPRESSION'
  | 'RECEIVER_BAD_GRPC_FRAME'
  | 'RECEIVER_BODY_ABORTED'
  | 'RECEIVER_TOO_MANY_MESSAGES';

/**
 * A request body the receiver refused before decoding it. The message says
 * what was wrong without quoting the client's headers or bytes.
 */
export class RequestBodyError extends CodedError<RequestBodyErrorCode> {
  constructor(code: RequestBodyErrorCode, message: string) {
    super(code, message);
  }
}

/**
 * Stable codes of {@link AttributeLimitError}, each refusing a whole request
 * (HTTP 400, gRPC INVALID_ARGUMENT):
 * - RECEIVER_TOO_MANY_ATTRIBUTES: an attribute list over `maxAttributesPerPoint`.
 * - RECEIVER_ATTRIBUTE_TOO_LONG: a key, string or bytes value over `maxAttributeValueLength`.
 * - RECEIVER_ATTRIBUTE_TOO_DEEP: arrays and key-value lists nested past {@link MAX_ATTRIBUTE_NESTING_DEPTH}.
 */
export type AttributeLimitErrorCode = 'RECEIVER_TOO_MANY_ATTRIBUTES' | 'RECEIVER_ATTRIBUTE_TOO_LONG' | 'RECEIVER_ATTRIBUTE_TOO_DEEP';

/**
 * A decoded request with attributes past a limit. The message says which
 * limit and where (the attribute list and the metric), never a key or a
 * value, either of which may hold a token.
 */
export class AttributeLimitError extends CodedError<AttributeLimitErrorCode> {
  constructor(code: AttributeLimitErrorCode, message: string) {
    super(code, message);
  }
}

/**
 * Stable codes of {@link InvalidSpanError}, each refusing a whole trace
 * request (HTTP 400, gRPC INVALID_ARGUMENT):
 * - RECEIVER_SPAN_ENDS_BEFORE_START: a span whose end time is before its start time.
 * - RECEIVER_SPAN_TOO_LONG: a span lasting more than `MAX_SPAN_DURATION_NANOS` (a week).
 */
export type InvalidSpanErrorCode = 'RECEIVER_SPAN_ENDS_BEFORE_START' | 'RECEIVER_SPAN_TOO_LONG';

/**
 * A decoded span no request could have produced. The message locates it by
 * position, never by name, id or attribute, any of which may hold a token.
 */
export class InvalidSpanError extends CodedError<InvalidSpanErrorCode> {
  constructor(code: InvalidSpanErrorCode, message: string) {
    super(code, message);
  }
}

/**
 * Stable code of {@link ReceiverBusyError}:
 * - RECEIVER_INFLIGHT_BYTES_EXCEEDED: the requests in flight already hold
 *   `maxInflightBytes` (HTTP 503 with Retry-After, gRPC UNAVAILABLE with RetryInfo).
 */
export type ReceiverBusyErrorCode = 'RECEIVER_INFLIGHT_BYTES_EXCEEDED';

/** Seconds a client is asked to wait when the receiver is busy: requests in flight end within about that. */
export const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * The receiver holds as many request bytes as it may; the request itself
 * may be fine, so the client retries it after {@link BUSY_RETRY_AFTER_SECONDS}.
 */
export class ReceiverBusyError extends CodedError<ReceiverBusyErrorCode> {
  readonly retryAfterSeconds = BUSY_RETRY_AFTER_SECONDS;

  /** @param name what the client is told the limit is called. */
  constructor(limit: number, name = 'maxInflightBytes') {
    super('RECEIVER_INFLIGHT_BYTES_EXCEEDED', `the receiver already holds ${limit} bytes of requests in flight (${name}); retry later`);
  }
}
