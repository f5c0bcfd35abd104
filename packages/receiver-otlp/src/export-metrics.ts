import type { ConsumeResult, ExportMetricsServiceRequest, ExportMetricsServiceResponse, Logger, MetricsConsumer } from '@otel-dp/otlp';
import type { ReceiverLimits } from './config.js';
import type { InflightBytes } from './inflight-bytes.js';
import type { AttributeLimits } from './limits.js';
import type { TransportCounters } from './receiver-stats.js';
import type { ReceiverSettingName } from './setting-name.js';
import type { OtlpSignal } from './signals.js';

/** What one listener needs to handle its requests. */
export interface ExchangeContext {
  consumer: MetricsConsumer;
  /** The signals served, metrics first. */
  signals: readonly OtlpSignal[];
  /** The limits, with what clients are told they are called. */
  limits: ReceiverLimits & { settingName: ReceiverSettingName };
  attributeLimits: AttributeLimits;
  /** This transport's counters. */
  counters: TransportCounters;
  /** The bytes held by requests in flight, shared by both listeners. */
  inflight: InflightBytes;
  logger: Logger;
}

/** The answer to an Export call, and what the stats need of it. */
export interface ExportResult {
  response: ExportMetricsServiceResponse;
  /** Points the consumer rejected in a partial success. */
  rejectedDataPoints: number;
}

/**
 * The transport-independent half of an Export call: checks the attribute
 * limits, hands a decoded request of `points` data points to the consumer
 * and builds the OTLP response. A request without data points succeeds
 * without reaching the consumer, as the specification asks. Limit errors and
 * rejections of the consumer propagate unchanged, for the status mapping.
 * @throws {AttributeLimitError} when an attribute list is past a limit.
 */
export async function exportMetrics(
  request: ExportMetricsServiceRequest,
  points: number,
  context: Pick<ExchangeContext, 'consumer' | 'attributeLimits'>,
): Promise<ExportResult> {
  if (points === 0) return { response: {}, rejectedDataPoints: 0 };
  context.attributeLimits.check(request);
  const result = await context.consumer.consume(request);
  return { response: toExportResponse(result), rejectedDataPoints: result.rejectedDataPoints };
}

/**
 * `partialSuccess` is set when points were rejected or the consumer left a
 * warning, and unset on full success (the specification requires it unset).
 * @throws {RangeError} when the consumer reports a count that is not a whole number.
 */
export function toExportResponse(result: ConsumeResult): ExportMetricsServiceResponse {
  const rejected = result.rejectedDataPoints;
  if (!Number.isSafeInteger(rejected) || rejected < 0) {
    throw new RangeError(`consumer reported rejectedDataPoints ${String(rejected)}, must be a whole number of at least 0`);
  }
  if (rejected === 0 && result.errorMessage === '') return {};
  return { partialSuccess: { rejectedDataPoints: BigInt(rejected), errorMessage: result.errorMessage } };
}
