import { CodedError } from '@otel-dp/otlp';

/**
 * Stable codes of {@link ExporterError}:
 * - EXPORT_PERMANENT: the backend refused the data for good (bad data,
 *   authentication, an unretryable status) or the request could not be encoded.
 * - EXPORT_RETRIES_EXHAUSTED: every attempt failed retryably and the retry
 *   budget (`retry.maxElapsedMillis`) ran out, or retry is disabled.
 * - EXPORT_SHUTDOWN: the exporter was shut down before the data was accepted.
 * - EXPORT_NOT_STARTED: a queue that persists batches was handed one before
 *   `start()` had read its directory.
 * - EXPORT_QUEUE_FULL: the export queue held `queueSize` batches; the new
 *   batch was dropped (and counted).
 * - EXPORT_QUEUE_IO: the persistent queue could not write, read or lock its
 *   directory; the batch was dropped (and counted), or start-up failed.
 * - EXPORT_CONFIG_INVALID: thrown by a constructor, never by `export()`.
 */
export type ExporterErrorCode =
  | 'EXPORT_PERMANENT'
  | 'EXPORT_RETRIES_EXHAUSTED'
  | 'EXPORT_SHUTDOWN'
  | 'EXPORT_NOT_STARTED'
  | 'EXPORT_QUEUE_FULL'
  | 'EXPORT_QUEUE_IO'
  | 'EXPORT_CONFIG_INVALID';

/** Why an export failed. Messages never contain header values or payload attribute values. */
export class ExporterError extends CodedError<ExporterErrorCode> {}
