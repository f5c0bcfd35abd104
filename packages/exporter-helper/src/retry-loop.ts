import { performance } from 'node:perf_hooks';
import type { Logger } from '@otel-dp/pipeline';
import { ExponentialBackoff, type UniformSource } from './backoff.js';
import { MAX_SERVER_REQUESTED_DELAY_MILLIS, type RetryConfig } from './retry-config.js';
import { ExporterError } from './errors.js';
import type { AttemptContext, AttemptResult } from './transport.js';

/** Longest backend message copied into a log line or an error, in characters. */
const MAX_MESSAGE_CHARS = 256;

export interface RetryLoopOptions {
  retry: RetryConfig;
  random: UniformSource;
  /** Per attempt, in milliseconds; 0 means no limit. */
  timeoutMillis: number;
  /** Aborted when shutdown begins: no further waits or retries, the current attempt may finish. */
  stopRetrying: AbortSignal;
  /** Aborted at the shutdown deadline: the current attempt is cut off. */
  abortInFlight: AbortSignal;
  logger: Logger;
}

/**
 * Runs attempts until one is accepted, a failure is permanent, the retry
 * budget is spent, or shutdown stops it. Resolves on acceptance; otherwise
 * rejects with an {@link ExporterError}.
 */
export async function sendWithRetry(attempt: (context: AttemptContext) => Promise<AttemptResult>, options: RetryLoopOptions): Promise<void> {
  const { retry, logger } = options;
  const startedAt = performance.now();
  const backoff = new ExponentialBackoff(retry, options.random);
  const context: AttemptContext = { signal: options.abortInFlight, timeoutMillis: options.timeoutMillis };

  for (let attempts = 1; ; attempts++) {
    if (options.abortInFlight.aborted) throw shutdownError(attempts - 1);
    const result = await attempt(context);
    if (result.kind === 'accepted') {
      logPartialSuccess(result, logger);
      return;
    }
    if (options.abortInFlight.aborted) throw shutdownError(attempts);
    if (!result.retryable) {
      throw new ExporterError('EXPORT_PERMANENT', `export rejected, not retryable: ${truncate(result.reason)}`);
    }
    if (!retry.enabled) {
      throw new ExporterError('EXPORT_RETRIES_EXHAUSTED', `export failed and retry is disabled: ${truncate(result.reason)}`);
    }
    if (options.stopRetrying.aborted) throw shutdownError(attempts, result.reason);

    const delayMillis = nextDelayMillis(backoff, result.serverDelayMillis);
    const elapsedMillis = performance.now() - startedAt;
    if (retry.maxElapsedMillis > 0 && elapsedMillis + delayMillis > retry.maxElapsedMillis) {
      throw new ExporterError(
        'EXPORT_RETRIES_EXHAUSTED',
        `export failed after ${attempts} attempts in ${Math.round(elapsedMillis)} ms (retry.maxElapsedMillis ${retry.maxElapsedMillis}): ${truncate(result.reason)}`,
      );
    }
    logger.debug('export attempt failed, will retry', { attempt: attempts, reason: truncate(result.reason), delayMillis: Math.round(delayMillis) });
    if (!(await sleep(delayMillis, options.stopRetrying))) throw shutdownError(attempts, result.reason);
  }
}

/** The backoff's wait, or the server's when it asked for longer (bounded, see MAX_SERVER_REQUESTED_DELAY_MILLIS). */
function nextDelayMillis(backoff: ExponentialBackoff, serverDelayMillis: number | undefined): number {
  const backoffMillis = backoff.nextDelayMillis();
  if (serverDelayMillis === undefined) return backoffMillis;
  return Math.max(backoffMillis, Math.min(serverDelayMillis, MAX_SERVER_REQUESTED_DELAY_MILLIS));
}

function logPartialSuccess(result: { rejectedDataPoints?: bigint; warning?: string }, logger: Logger): void {
  const rejected = result.rejectedDataPoints ?? 0n;
  const warning = result.warning ?? '';
  if (rejected === 0n && warning === '') return;
  logger.warn('backend accepted the export partially', { rejectedDataPoints: Number(rejected), message: truncate(warning) });
}

function shutdownError(attempts: number, lastReason?: string): ExporterError {
  const last = lastReason === undefined ? '' : `; last failure: ${truncate(lastReason)}`;
  return new ExporterError('EXPORT_SHUTDOWN', `exporter shut down before the export was accepted (${attempts} attempts)${last}`);
}

/** Waits, or stops early when `signal` aborts; resolves true when the full wait elapsed. */
function sleep(millis: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, millis);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function truncate(text: string): string {
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS)}…`;
}
