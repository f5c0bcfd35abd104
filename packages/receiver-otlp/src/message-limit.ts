import { countMetricsMessages, type ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { ReceiverBusyError, RequestBodyError } from './errors.js';
import type { InflightHold } from './inflight-bytes.js';
import { decodeWithinAttributeLimit } from './limits.js';

/**
 * What one decoded message is charged against `--max-inflight-bytes`:
 * measured at 80 bytes for an empty ResourceMetrics, 108 for an empty data
 * point and about 150 for a point with shared attributes, rounded up.
 */
export const DECODED_BYTES_PER_MESSAGE = 160;

/**
 * Decodes a protobuf request once its messages are counted on the wire:
 * 16 MiB of empty ResourceMetrics (2 bytes each) would otherwise decode to
 * 8 million objects, about 650 MB, before any limit looked at them. What the
 * decoded request will hold is taken from the in-flight budget beside its
 * bytes, so requests decoded at once stay within it too. Decoding then
 * stops at the first attribute list past `maxAttributesPerPoint`.
 * @throws {RequestBodyError} RECEIVER_TOO_MANY_MESSAGES past `maxMessages`,
 *   or when the request alone would pass the in-flight budget, without decoding.
 * @throws {ReceiverBusyError} when other requests hold the budget it needs (retryable).
 */
export function decodeWithinMessageLimit(body: Uint8Array, limits: { maxMessages: number; maxAttributesPerPoint: number }, hold: InflightHold): ExportMetricsServiceRequest {
  const { maxMessages } = limits;
  const messages = countMetricsMessages(body, maxMessages);
  if (messages > maxMessages) {
    throw new RequestBodyError(
      'RECEIVER_TOO_MANY_MESSAGES',
      `the request holds more than ${maxMessages} resource metrics, scope metrics, metrics, data points, exemplars and quantiles together (--max-messages-per-request); send it in smaller requests`,
    );
  }
  const decodedBytes = messages * DECODED_BYTES_PER_MESSAGE;
  if (hold.held + decodedBytes > hold.limit) {
    throw new RequestBodyError(
      'RECEIVER_TOO_MANY_MESSAGES',
      `the request's ${messages} messages would decode to more than --max-inflight-bytes (${hold.limit} bytes) with its body; send it in smaller requests`,
    );
  }
  if (!hold.take(decodedBytes)) throw new ReceiverBusyError(hold.limit);
  return decodeWithinAttributeLimit(body, limits.maxAttributesPerPoint);
}
