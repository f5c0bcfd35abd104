import { status as GrpcCode } from '@grpc/grpc-js';
import { OtlpDecodeError } from '@otel-dp/otlp';
import { PipelineError } from '@otel-dp/pipeline';
import { AttributeLimitError, InvalidSpanError, ReceiverBusyError, RequestBodyError } from './errors.js';

/** What the client reads when the failure is ours, not its data's. */
export const INTERNAL_ERROR_MESSAGE = 'internal error while handling the request';

/** An HTTP answer to a failed request. */
export interface HttpFailure {
  status: number;
  /** Whole seconds for the `Retry-After` header, when the client should wait. */
  retryAfterSeconds?: number;
  message: string;
}

/** A gRPC answer to a failed call. */
export interface GrpcFailure {
  code: GrpcCode;
  message: string;
  /** Seconds for `google.rpc.RetryInfo.retry_delay`, when the client should wait. */
  retryDelaySeconds?: number;
}

/** Whether the error is one the mapping knows by class; anything else is a fault to log in full. */
export function isKnownError(error: unknown): boolean {
  return (
    error instanceof PipelineError ||
    error instanceof OtlpDecodeError ||
    error instanceof RequestBodyError ||
    error instanceof AttributeLimitError ||
    error instanceof InvalidSpanError ||
    error instanceof ReceiverBusyError
  );
}

/** Whether a consumer refused the data itself for good (rather than failing). */
export function isBadDataError(error: unknown): boolean {
  return error instanceof PipelineError && !error.retryable && error.reason === 'bad_data';
}

/**
 * Maps any error met while handling an OTLP/HTTP request to its answer. OTLP
 * clients retry only 429, 502, 503 and 504; every other status is final.
 * A limit reached under load is 429 (throttling), any other retryable
 * failure 503, both with Retry-After when the consumer knows how long.
 */
export function toHttpStatus(error: unknown): HttpFailure {
  if (error instanceof PipelineError) {
    if (error.retryable) {
      // Retried by the client, after Retry-After when given.
      const status = error.reason === 'overloaded' ? 429 : 503;
      const retryAfterSeconds = wholeSeconds(error.retryAfterSeconds);
      return retryAfterSeconds === undefined ? { status, message: error.message } : { status, retryAfterSeconds, message: error.message };
    }
    // Not retried: the same data would be refused again (400) or the pipeline failed for good (500).
    return { status: isBadDataError(error) ? 400 : 500, message: error.message };
  }
  if (error instanceof OtlpDecodeError) {
    // Not retried: the body is malformed and will stay so.
    return { status: 400, message: error.message };
  }
  if (error instanceof RequestBodyError) {
    // Not retried: the size limit, encoding or compression will not change on a retry.
    return { status: error.code === 'RECEIVER_BODY_TOO_LARGE' ? 413 : 400, message: error.message };
  }
  if (error instanceof AttributeLimitError || error instanceof InvalidSpanError) {
    // Not retried: the same attributes would break the same limit, the same span times stay wrong.
    return { status: 400, message: error.message };
  }
  if (error instanceof ReceiverBusyError) {
    // Retried by the client after Retry-After: 503, as the OTLP specification asks of a server out of capacity.
    return { status: 503, retryAfterSeconds: error.retryAfterSeconds, message: error.message };
  }
  // Not retried (500): an unexpected failure; the message says nothing of it, the log does.
  return { status: 500, message: INTERNAL_ERROR_MESSAGE };
}

/**
 * Maps any error met while handling an OTLP/gRPC Export call to its status.
 * OTLP clients retry UNAVAILABLE, and RESOURCE_EXHAUSTED only with RetryInfo,
 * so a limit reached under load is RESOURCE_EXHAUSTED with RetryInfo (one
 * second when the consumer gives no delay); INVALID_ARGUMENT and INTERNAL are final.
 */
export function toGrpcStatus(error: unknown): GrpcFailure {
  if (error instanceof PipelineError) {
    if (error.retryable && error.reason === 'overloaded') {
      // Retried by the client because RetryInfo is attached.
      return { code: GrpcCode.RESOURCE_EXHAUSTED, message: error.message, retryDelaySeconds: nonNegativeSeconds(error.retryAfterSeconds) ?? 1 };
    }
    if (error.retryable) {
      // Retried by the client, after RetryInfo.retry_delay when given.
      const retryDelaySeconds = nonNegativeSeconds(error.retryAfterSeconds);
      return retryDelaySeconds === undefined
        ? { code: GrpcCode.UNAVAILABLE, message: error.message }
        : { code: GrpcCode.UNAVAILABLE, message: error.message, retryDelaySeconds };
    }
    // Not retried, as for HTTP 400 and 500.
    return { code: isBadDataError(error) ? GrpcCode.INVALID_ARGUMENT : GrpcCode.INTERNAL, message: error.message };
  }
  if (error instanceof OtlpDecodeError) {
    // Not retried: the message is malformed.
    return { code: GrpcCode.INVALID_ARGUMENT, message: error.message };
  }
  if (error instanceof RequestBodyError) {
    // Not retried: RESOURCE_EXHAUSTED without RetryInfo is final, as is INVALID_ARGUMENT.
    const code = error.code === 'RECEIVER_BODY_TOO_LARGE' ? GrpcCode.RESOURCE_EXHAUSTED : GrpcCode.INVALID_ARGUMENT;
    return { code, message: error.message };
  }
  if (error instanceof AttributeLimitError || error instanceof InvalidSpanError) {
    // Not retried, as for HTTP 400.
    return { code: GrpcCode.INVALID_ARGUMENT, message: error.message };
  }
  if (error instanceof ReceiverBusyError) {
    // Retried by the client (UNAVAILABLE always is), after RetryInfo.retry_delay.
    return { code: GrpcCode.UNAVAILABLE, message: error.message, retryDelaySeconds: error.retryAfterSeconds };
  }
  // Not retried: an unexpected failure.
  return { code: GrpcCode.INTERNAL, message: INTERNAL_ERROR_MESSAGE };
}

function nonNegativeSeconds(seconds: number | undefined): number | undefined {
  return seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

// Retry-After carries whole seconds; rounding up never asks for an early retry.
function wholeSeconds(seconds: number | undefined): number | undefined {
  const valid = nonNegativeSeconds(seconds);
  return valid === undefined ? undefined : Math.ceil(valid);
}
