import { countMetricsMessages, countTraceMessages, type ExportMetricsServiceRequest, type ExportTraceServiceRequest, type SpanAttributeSelection } from '@otel-dp/otlp';
import { ReceiverBusyError, RequestBodyError } from './errors.js';
import type { InflightHold } from './inflight-bytes.js';
import { fieldName, type ReceiverSettingName } from './config.js';
import { decodeTracesWithinAttributeLimit, decodeWithinAttributeLimit } from './limits.js';

/**
 * What one decoded message is charged against `maxInflightBytes`:
 * measured at 80 bytes for an empty ResourceMetrics, 108 for an empty data
 * point and about 150 for a point with shared attributes, rounded up.
 */
export const DECODED_BYTES_PER_MESSAGE = 160;

/**
 * What one decoded trace message is charged: a span holds two id views and
 * its name beside its fields, measured at 568 bytes of heap for a span with
 * both ids, a name and two shared attributes (100,000 spans decoded, heap
 * after a full GC; the ResourceSpans and ScopeSpans around them hold less),
 * rounded up.
 */
export const DECODED_BYTES_PER_TRACE_MESSAGE = 600;

interface MessageLimits {
  maxMessages: number;
  maxAttributesPerPoint: number;
  /** What clients are told the limits are called; default the fields' names. */
  settingName?: ReceiverSettingName;
}

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
export function decodeWithinMessageLimit(body: Uint8Array, limits: MessageLimits, hold: InflightHold): ExportMetricsServiceRequest {
  const messages = countMetricsMessages(body, limits.maxMessages);
  const what = 'resource metrics, scope metrics, metrics, data points, exemplars and quantiles';
  chargeMessages(messages, messages * DECODED_BYTES_PER_MESSAGE, what, limits, hold);
  return decodeWithinAttributeLimit(body, limits.maxAttributesPerPoint, limits.settingName);
}

/**
 * {@link decodeWithinMessageLimit} for a protobuf trace request: resource
 * spans, scope spans and spans are counted, each charged as a whole span
 * even when `spanAttributes` leaves most of it out.
 */
export function decodeTracesWithinMessageLimit(body: Uint8Array, limits: MessageLimits, hold: InflightHold, spanAttributes?: SpanAttributeSelection): ExportTraceServiceRequest {
  const messages = countTraceMessages(body, limits.maxMessages);
  chargeMessages(messages, messages * DECODED_BYTES_PER_TRACE_MESSAGE, 'resource spans, scope spans and spans', limits, hold);
  return decodeTracesWithinAttributeLimit(body, limits.maxAttributesPerPoint, limits.settingName, spanAttributes);
}

function chargeMessages(messages: number, decodedBytes: number, what: string, limits: MessageLimits, hold: InflightHold): void {
  const { maxMessages, settingName = fieldName } = limits;
  if (messages > maxMessages) {
    throw new RequestBodyError(
      'RECEIVER_TOO_MANY_MESSAGES',
      `the request holds more than ${maxMessages} ${what} together (${settingName('maxMessagesPerRequest')}); send it in smaller requests`,
    );
  }
  if (hold.held + decodedBytes > hold.limit) {
    throw new RequestBodyError(
      'RECEIVER_TOO_MANY_MESSAGES',
      `the request's ${messages} messages would decode to more than ${hold.limitName} (${hold.limit} bytes) with its body; send it in smaller requests`,
    );
  }
  if (!hold.take(decodedBytes)) throw new ReceiverBusyError(hold.limit, hold.limitName);
}
