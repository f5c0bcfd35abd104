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
  type TraceConsumer,
} from '@otel-dp/otlp';
import type { ExchangeContext } from './export-metrics.js';
import { exportMetrics } from './export-metrics.js';
import { exportTraces } from './export-traces.js';
import type { InflightHold } from './inflight-bytes.js';
import type { ReceiverSettingName } from './setting-name.js';
import { decodeTracesWithinMessageLimit, decodeWithinMessageLimit } from './message-limit.js';

export type SignalName = 'metrics' | 'traces';
export type BodyFormat = 'protobuf' | 'json';

/** How far an Export got, for the counters when it fails: the items (points or spans) decoded, 0 before that. */
export interface ExportProgress {
  items: number;
}

/** A served Export's answer: the encoded response and the items a partial success rejected. */
export interface SignalAnswer {
  encoded: Uint8Array | string;
  rejected: number;
}

/** One OTLP signal the receiver serves: where, and how a body becomes an answer. */
export interface OtlpSignal {
  readonly name: SignalName;
  readonly httpPath: string;
  readonly grpcPath: string;
  /**
   * Decodes a body within the limits, hands it to the signal's consumer and
   * encodes the answer in the body's format; sets `progress.items` once decoded.
   */
  exportBody(body: Uint8Array, format: BodyFormat, context: ExchangeContext, hold: InflightHold, progress: ExportProgress): Promise<SignalAnswer>;
}

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

/** The trace signal, served when the receiver has a {@link TraceConsumer}. */
export function tracesSignal(traceConsumer: TraceConsumer): OtlpSignal {
  return {
    name: 'traces',
    httpPath: TRACES_EXPORT_PATH,
    grpcPath: TRACES_EXPORT_GRPC_PATH,
    async exportBody(body, format, context, hold, progress) {
      const request = format === 'json' ? decodeTraceRequestJson(body) : decodeTracesWithinMessageLimit(body, messageLimits(context), hold);
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
