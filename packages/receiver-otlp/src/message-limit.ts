import { countMetricsMessages, decodeMetricsRequest, type ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { RequestBodyError } from './errors.js';

/**
 * Decodes a protobuf request once its messages are counted on the wire:
 * 16 MiB of empty ResourceMetrics (2 bytes each) would otherwise decode to
 * 8 million objects, about 650 MB, before any limit looked at them.
 * @throws {RequestBodyError} RECEIVER_TOO_MANY_MESSAGES past `maxMessages`, without decoding.
 */
export function decodeWithinMessageLimit(body: Uint8Array, maxMessages: number): ExportMetricsServiceRequest {
  if (countMetricsMessages(body, maxMessages) > maxMessages) {
    throw new RequestBodyError(
      'RECEIVER_TOO_MANY_MESSAGES',
      `the request holds more than ${maxMessages} resource metrics, scope metrics, metrics, data points, exemplars and quantiles together (--max-messages-per-request); send it in smaller requests`,
    );
  }
  return decodeMetricsRequest(body);
}
