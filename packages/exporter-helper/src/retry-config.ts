import { ExporterError } from './errors.js';

/**
 * Exponential backoff between attempts of one export. Attempt n waits
 * `interval_n · (1 ± randomizationFactor · u)`, u uniform in [0, 1), with
 * `interval_1 = initialIntervalMillis` and `interval_{n+1} = min(interval_n · multiplier, maxIntervalMillis)`.
 */
export interface RetryConfig {
  /** false: one attempt only; a retryable failure rejects with EXPORT_RETRIES_EXHAUSTED. Default true. */
  enabled: boolean;
  /** First wait, in milliseconds. Default 5000. Must be positive. */
  initialIntervalMillis: number;
  /** Cap on the wait before jitter, in milliseconds. Default 30000. At least initialIntervalMillis. */
  maxIntervalMillis: number;
  /**
   * Give up once the next wait would end later than this many milliseconds after
   * the first attempt started. Default 300000. 0 retries until shutdown.
   */
  maxElapsedMillis: number;
  /** Growth factor of the wait. Default 1.5. At least 1. */
  multiplier: number;
  /** Jitter as a fraction of the wait, in [0, 1]. Default 0.5. 0 means no jitter. */
  randomizationFactor: number;
}

/** The OpenTelemetry Collector's exporterhelper `retry_on_failure` defaults. */
export const DEFAULT_RETRY: RetryConfig = Object.freeze({
  enabled: true,
  initialIntervalMillis: 5_000,
  maxIntervalMillis: 30_000,
  maxElapsedMillis: 300_000,
  multiplier: 1.5,
  randomizationFactor: 0.5,
});

/** Per-attempt timeout of the collector's exporterhelper, in milliseconds. */
export const DEFAULT_TIMEOUT_MILLIS = 5_000;

/** How long `shutdown()` lets in-flight attempts finish before aborting them, in milliseconds. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 5_000;

/**
 * Longest wait a server may ask for with Retry-After or RetryInfo, in
 * milliseconds (5 minutes). Longer requests are shortened to this, so a
 * misconfigured backend cannot park an export for hours when
 * maxElapsedMillis is 0.
 */
export const MAX_SERVER_REQUESTED_DELAY_MILLIS = 300_000;

/**
 * Checks a retry configuration; throws an {@link ExporterError} with code
 * EXPORT_CONFIG_INVALID naming the field (`retry.initialIntervalMillis is 0,
 * must be positive`). Shared by every exporter that retries.
 */
export function validateRetryConfig(retry: RetryConfig): void {
  positive('retry.initialIntervalMillis', retry.initialIntervalMillis);
  positive('retry.maxIntervalMillis', retry.maxIntervalMillis);
  if (retry.maxIntervalMillis < retry.initialIntervalMillis) {
    invalid(`retry.maxIntervalMillis is ${retry.maxIntervalMillis}, must be at least retry.initialIntervalMillis (${retry.initialIntervalMillis})`);
  }
  nonNegative('retry.maxElapsedMillis', retry.maxElapsedMillis);
  if (!Number.isFinite(retry.multiplier) || retry.multiplier < 1) {
    invalid(`retry.multiplier is ${retry.multiplier}, must be at least 1`);
  }
  if (!(retry.randomizationFactor >= 0 && retry.randomizationFactor <= 1)) {
    invalid(`retry.randomizationFactor is ${retry.randomizationFactor}, must be between 0 and 1`);
  }
}

function positive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) invalid(`${name} is ${value}, must be positive`);
}

function nonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) invalid(`${name} is ${value}, must be zero or positive`);
}

function invalid(message: string): never {
  throw new ExporterError('EXPORT_CONFIG_INVALID', message);
}
