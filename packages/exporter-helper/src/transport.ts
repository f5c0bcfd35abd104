import type { ExportMetricsServiceRequest } from '@otel-dp/otlp';

/** The outcome of one attempt, as the retry loop needs it. */
export type AttemptResult =
  | {
      kind: 'accepted';
      /** Set when the backend answered with a populated partial_success. */
      rejectedDataPoints?: bigint;
      /** The backend's partial_success message, possibly empty. */
      warning?: string;
    }
  | {
      kind: 'failed';
      retryable: boolean;
      /** What went wrong, for logs and errors: a status, an error code; no header or payload values. */
      reason: string;
      /** A delay the server asked for (Retry-After, RetryInfo), in milliseconds. */
      serverDelayMillis?: number;
    };

/** Per-attempt limits handed to a transport. */
export interface AttemptContext {
  /** Aborted when the exporter gives up on in-flight work (shutdown deadline). */
  signal: AbortSignal;
  /** 0 means no limit. */
  timeoutMillis: number;
}

/**
 * One wire protocol. `prepare` encodes (and compresses) a request once, so
 * retries resend the same bytes; `send` makes one attempt and never throws:
 * every failure is an {@link AttemptResult}.
 */
export interface ExportTransport {
  prepare(request: ExportMetricsServiceRequest): Promise<Buffer>;
  send(body: Buffer, context: AttemptContext): Promise<AttemptResult>;
  close(): void;
}
