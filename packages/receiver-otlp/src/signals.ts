import {
  METRICS_EXPORT_GRPC_PATH,
  METRICS_EXPORT_PATH,
  TRACES_EXPORT_GRPC_PATH,
  TRACES_EXPORT_PATH,
  countDataPoints,
  countSpans,
  decodeMetricsRequestJson,
  decodeTraceRequestJson,
  encodeMetricsResponse,
  encodeMetricsResponseJson,
  encodeTraceResponse,
  encodeTraceResponseJson,
  type SpanAttributeSelection,
} from '@otel-dp/otlp';
import { type TraceConsumer } from '@otel-dp/pipeline';
import type { ExchangeContext, OtlpSignal } from './exchange.js';
import { exportMetrics } from './export-metrics.js';
import { exportTraces } from './export-traces.js';
import type { ReceiverSettingName } from './config.js';
import { decodeTracesWithinMessageLimit, decodeWithinMessageLimit } from './message-limit.js';

function messageLimits(context: ExchangeContext): { maxMessages: number; maxAttributesPerPoint: number; settingName: ReceiverSettingName } {
  const { limits } = context;
  return { maxMessages: limits.maxMessagesPerRequest, maxAttributesPerPoint: limits.maxAttributesPerPoint, settingName: limits.settingName };
}

export const METRICS_SIGNAL: OtlpSignal = {
  name: 'metrics',
  httpPath: METRICS_EXPORT_PATH,
  grpcPath: METRICS_EXPORT_GRPC_PATH,
  async exportBody(body, format, context, hold, progress) {
    const request = format === 'json' ? decodeMetricsRequestJson(body) : decodeWithinMessageLimit(body, messageLimits(context), hold);
    progress.items = countDataPoints(request);
    const { response, rejectedDataPoints } = await exportMetrics(request, progress.items, context);
    return { encoded: format === 'json' ? encodeMetricsResponseJson(response) : encodeMetricsResponse(response), rejected: rejectedDataPoints };
  },
};

/**
 * The trace signal, served when the receiver has a {@link TraceConsumer}.
 * A consumer that names the span attributes it reads gets protobuf spans
 * with only those; spans with an attribute that `maxAttributeValueLength`
 * could refuse are decoded whole, so the limit applies as without it.
 */
export function tracesSignal(traceConsumer: TraceConsumer, maxAttributeValueLength: number): OtlpSignal {
  const keys = traceConsumer.spanAttributes;
  // One object for every request: the decoder keeps what it derives from it.
  const spanAttributes: SpanAttributeSelection | undefined = keys === undefined ? undefined : { keys, maxSkippedBytes: maxAttributeValueLength };
  return {
    name: 'traces',
    httpPath: TRACES_EXPORT_PATH,
    grpcPath: TRACES_EXPORT_GRPC_PATH,
    async exportBody(body, format, context, hold, progress) {
      const request = format === 'json' ? decodeTraceRequestJson(body) : decodeTracesWithinMessageLimit(body, messageLimits(context), hold, spanAttributes);
      progress.items = countSpans(request);
      const { response, rejectedSpans } = await exportTraces(request, progress.items, { traceConsumer, attributeLimits: context.attributeLimits });
      return { encoded: format === 'json' ? encodeTraceResponseJson(response) : encodeTraceResponse(response), rejected: rejectedSpans };
    },
  };
}

/** `metrics are accepted at POST /v1/metrics and traces at POST /v1/traces`, for a 404. */
export function describeHttpPaths(signals: readonly OtlpSignal[]): string {
  return signals.map((signal, i) => `${signal.name}${i === 0 ? ' are accepted' : ''} at POST ${signal.httpPath}`).join(' and ');
}
