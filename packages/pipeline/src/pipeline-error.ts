import { CodedError } from '@otel-dp/otlp';

/**
 * Why a pipeline error happened, when it says something to the client:
 * `bad_data`, the data itself is refused (never retried); `overloaded`, a
 * limit was reached under load (retried after a delay).
 */
export type PipelineErrorReason = 'bad_data' | 'overloaded';

/**
 * An error that crosses a component boundary. `retryable` and `reason` decide
 * the answer to the client (HTTP 429, 503, 400 or 500; gRPC
 * RESOURCE_EXHAUSTED, UNAVAILABLE, INVALID_ARGUMENT or INTERNAL); `code` is a
 * stable string users can match on. Messages never contain a token value.
 */
export class PipelineError extends CodedError {
  readonly retryable: boolean;
  readonly reason: PipelineErrorReason | undefined;
  /** Seconds a client should wait before retrying, when known. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { retryable: boolean; reason?: PipelineErrorReason; retryAfterSeconds?: number; cause?: unknown },
  ) {
    super(code, message, options);
    this.retryable = options.retryable;
    this.reason = options.reason;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
