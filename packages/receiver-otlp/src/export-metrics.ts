import { countDataPoints } from '@otel-dp/otlp';
import type { ConsumeResult, ExportMetricsServiceRequest, ExportMetricsServiceResponse, MetricsConsumer } from '@otel-dp/otlp';

/**
 * The transport-independent half of an Export call: hands a decoded request
 * to the consumer and builds the OTLP response. A request without data
 * points succeeds without reaching the consumer, as the specification asks.
 * Rejections of the consumer propagate unchanged, for the status mapping.
 */
export async function exportMetrics(
  request: ExportMetricsServiceRequest,
  consumer: MetricsConsumer,
): Promise<ExportMetricsServiceResponse> {
  if (countDataPoints(request) === 0) return {};
  const result = await consumer.consume(request);
  return toExportResponse(result);
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
